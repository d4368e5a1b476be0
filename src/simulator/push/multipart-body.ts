/** A multipart/form-data body framed the way devices frame it, optionally with their framing quirks. */

export interface MultipartPart {
  /** Header lines without the line break (`Content-Disposition: …`). */
  headers: string[];
  body: Buffer;
}

export interface FramingQuirks {
  /** Writes the delimiter before the last part twice (a bogus `--boundary` line). */
  duplicateBoundary?: boolean;
  /** Ends right after the last part's data: no line break, no `--boundary--`. */
  noFinalBoundary?: boolean;
}

const CRLF = Buffer.from('\r\n');

export function multipartBody(boundary: string, parts: MultipartPart[], quirks: FramingQuirks = {}): Buffer {
  const delimiter = Buffer.from(`--${boundary}\r\n`, 'latin1');
  const chunks: Buffer[] = [];
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    chunks.push(delimiter);
    if (last && quirks.duplicateBoundary) chunks.push(delimiter);
    chunks.push(Buffer.from(part.headers.map((h) => `${h}\r\n`).join('') + '\r\n', 'utf8'));
    chunks.push(part.body);
    if (!(last && quirks.noFinalBoundary)) chunks.push(CRLF);
  });
  if (!quirks.noFinalBoundary) chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}
