/** The headers of one multipart part that decide what the part is and how its picture is named. */
export interface PartHeaders {
  /** Content-Disposition `name`; null when the part has none (thermal cameras send `form-data;`). */
  name: string | null;
  filename: string | null;
  /** Content-Type as sent (trimmed), parameters included. */
  contentType: string | null;
  /** Content-ID without the optional angle brackets, so it compares with the JSON's `contentID`. */
  contentId: string | null;
}

// `; key=value` or `; key="value"`, with or without spaces (`;filename=` is common)
const PARAM = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;

export function parsePartHeaders(lines: readonly string[]): PartHeaders {
  const headers: PartHeaders = { name: null, filename: null, contentType: null, contentId: null };
  for (const line of lines) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-type') headers.contentType = value === '' ? null : value;
    else if (key === 'content-id') headers.contentId = value === '' ? null : value.replace(/^<(.*)>$/, '$1');
    else if (key === 'content-disposition') readDisposition(value, headers);
  }
  return headers;
}

function readDisposition(value: string, headers: PartHeaders): void {
  const semicolon = value.indexOf(';');
  if (semicolon === -1) return;
  const params = value.slice(semicolon);
  let extendedFilename: string | null = null;
  PARAM.lastIndex = 0;
  for (let match = PARAM.exec(params); match; match = PARAM.exec(params)) {
    const [, name, quoted, bare] = match as unknown as [string, string, string | undefined, string | undefined];
    const key = name.toLowerCase();
    const text = quoted !== undefined ? (quoted.includes('\\') ? quoted.replace(/\\(.)/g, '$1') : quoted) : (bare ?? '').trim();
    if (key === 'name') headers.name = text;
    else if (key === 'filename') headers.filename = text;
    else if (key === 'filename*') extendedFilename = decodeExtendedValue(text);
  }
  if (extendedFilename !== null) headers.filename = extendedFilename;
}

/** RFC 5987 `UTF-8''percent-encoded`; the raw text when it is not that. */
function decodeExtendedValue(text: string): string {
  const match = /^[\w-]*'[^']*'(.*)$/.exec(text);
  if (!match) return text;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}
