/** The bits of a Content-Type header the push parser looks at. */

/** `type/subtype` in lower case, without parameters; '' when absent. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

// `boundary=x`, `;boundary=x` without a space, or quoted `boundary="x"`.
const BOUNDARY = /(?:^|[;,\s])boundary\s*=\s*(?:"([^"]+)"|([^\s;,]+))/i;

/** The multipart boundary parameter as written in the header, if any. */
export function boundaryParam(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = BOUNDARY.exec(contentType);
  if (!match) return undefined;
  const [, quoted, bare] = match as unknown as [string, string | undefined, string | undefined];
  return quoted ?? bare;
}

export function isMultipartType(contentType: string | undefined): boolean {
  return mediaType(contentType).startsWith('multipart/');
}

export function isFormType(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/x-www-form-urlencoded';
}

/** xml or json media types (`application/xml`, `text/xml`, `application/json`, `…+xml`, …). */
export function eventDocumentType(contentType: string | undefined): 'xml' | 'json' | undefined {
  const type = mediaType(contentType);
  if (type.endsWith('/xml') || type.endsWith('+xml')) return 'xml';
  if (type.endsWith('/json') || type.endsWith('+json')) return 'json';
  return undefined;
}
