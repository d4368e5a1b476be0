/** A plain multipart splitter for the tests: parts by boundary line, headers, body bytes. */
export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  if (!match) throw new Error(`no boundary in ${contentType ?? '(none)'}`);
  return match[2];
}

/** Splits on `--boundary` lines; empty parts (duplicated delimiters) are dropped. */
export function splitMultipart(body: Buffer, boundary: string): { parts: Part[]; closed: boolean } {
  const delimiter = Buffer.from(`--${boundary}`);
  const positions: number[] = [];
  for (let i = body.indexOf(delimiter); i !== -1; i = body.indexOf(delimiter, i + delimiter.length)) positions.push(i);
  const parts: Part[] = [];
  let closed = false;
  positions.forEach((start, n) => {
    const after = start + delimiter.length;
    if (body.subarray(after, after + 2).toString() === '--') {
      closed = true;
      return;
    }
    const end = n + 1 < positions.length ? positions[n + 1] : body.length;
    let chunk = body.subarray(after, end);
    if (chunk.subarray(0, 2).toString() === '\r\n') chunk = chunk.subarray(2);
    if (n + 1 < positions.length && chunk.subarray(-2).toString() === '\r\n') chunk = chunk.subarray(0, -2);
    if (chunk.length === 0) return;
    const headEnd = chunk.indexOf('\r\n\r\n');
    if (headEnd === -1) throw new Error('part without a header block');
    const headers: Record<string, string> = {};
    for (const line of chunk.subarray(0, headEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: chunk.subarray(headEnd + 4) });
  });
  return { parts, closed };
}
