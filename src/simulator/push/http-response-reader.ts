/**
 * Reads one HTTP/1.x response from raw socket bytes: status line, headers, then a body framed by
 * Content-Length, chunked encoding or the end of the connection. The push sender writes its
 * requests by hand (to leave out Host, or chunk a body), so it reads the answers by hand too.
 */

export interface RawResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers (WWW-Authenticate) keep every value. */
  headers: Record<string, string[] | undefined>;
  body: Buffer;
  /** False when the server will close the connection after this response. */
  keepAlive: boolean;
}

export class HttpProtocolError extends Error {}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 16 * 1024 * 1024;

type BodyMode = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

export function headerValue(response: RawResponse, name: string): string | undefined {
  return response.headers[name.toLowerCase()]?.[0];
}

export class HttpResponseReader {
  private pending: Buffer = Buffer.alloc(0);
  private head: Omit<RawResponse, 'body'> | null = null;
  private mode: BodyMode = { kind: 'none' };
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private chunkRemaining = -1;
  private inTrailers = false;

  /** True once any byte arrived (a reused keep-alive socket that closes silently sends none). */
  get started(): boolean {
    return this.head !== null || this.pending.length > 0;
  }

  /** Feeds bytes; returns the response once complete. */
  feed(chunk: Buffer): RawResponse | null {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (!this.head) {
        if (!this.readHead()) return null;
        continue;
      }
      return this.readBody();
    }
  }

  /** The connection ended: completes a close-delimited body, else the response was cut short. */
  end(): RawResponse {
    if (this.head && this.mode.kind === 'close') return this.finish();
    throw new HttpProtocolError(this.started ? 'connection closed in the middle of a response' : 'connection closed before a response');
  }

  private readHead(): boolean {
    const end = this.pending.indexOf('\r\n\r\n');
    if (end === -1) {
      if (this.pending.length > MAX_HEAD) throw new HttpProtocolError('response head too large');
      return false;
    }
    const lines = this.pending.subarray(0, end).toString('latin1').split('\r\n');
    this.pending = this.pending.subarray(end + 4);
    const statusLine = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!statusLine) throw new HttpProtocolError(`not an HTTP response: ${lines[0].slice(0, 60)}`);
    const status = Number(statusLine[3]);
    const headers: Record<string, string[] | undefined> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      (headers[name] ??= []).push(line.slice(colon + 1).trim());
    }
    if (status >= 100 && status < 200) return true; // 100 Continue: the real answer follows
    const http10 = statusLine[1] === '1' && statusLine[2] === '0';
    const connection = (headers.connection?.[0] ?? '').toLowerCase();
    const keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    const transfer = (headers['transfer-encoding']?.[0] ?? '').toLowerCase();
    const length = headers['content-length']?.[0];
    if (status === 204 || status === 304) this.mode = { kind: 'none' };
    else if (transfer.includes('chunked')) this.mode = { kind: 'chunked' };
    else if (length !== undefined) {
      const n = Number(length);
      if (!Number.isInteger(n) || n < 0) throw new HttpProtocolError(`bad Content-Length ${length}`);
      if (n > MAX_BODY) throw new HttpProtocolError('response body too large');
      this.mode = { kind: 'length', remaining: n };
    } else this.mode = { kind: 'close' };
    this.head = { status, statusText: statusLine[4] || '', headers, keepAlive: keepAlive && this.mode.kind !== 'close' };
    return true;
  }

  private take(bytes: Buffer): void {
    this.bodyBytes += bytes.length;
    if (this.bodyBytes > MAX_BODY) throw new HttpProtocolError('response body too large');
    this.body.push(bytes);
  }

  private readBody(): RawResponse | null {
    const mode = this.mode;
    if (mode.kind === 'none') return this.finish();
    if (mode.kind === 'close') {
      if (this.pending.length > 0) this.take(this.pending);
      this.pending = Buffer.alloc(0);
      return null;
    }
    if (mode.kind === 'length') {
      const piece = this.pending.subarray(0, mode.remaining);
      this.take(piece);
      mode.remaining -= piece.length;
      this.pending = this.pending.subarray(piece.length);
      return mode.remaining === 0 ? this.finish() : null;
    }
    return this.readChunks();
  }

  private readChunks(): RawResponse | null {
    for (;;) {
      if (this.inTrailers) {
        const end = this.pending.indexOf('\r\n');
        if (end === -1) return null;
        const line = this.pending.subarray(0, end);
        this.pending = this.pending.subarray(end + 2);
        if (line.length === 0) return this.finish();
        continue;
      }
      if (this.chunkRemaining === -1) {
        const end = this.pending.indexOf('\r\n');
        if (end === -1) return null;
        const size = parseInt(this.pending.subarray(0, end).toString('latin1').split(';')[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new HttpProtocolError('bad chunk size');
        this.pending = this.pending.subarray(end + 2);
        if (size === 0) {
          this.inTrailers = true;
          continue;
        }
        this.chunkRemaining = size;
      }
      if (this.chunkRemaining > 0) {
        const piece = this.pending.subarray(0, this.chunkRemaining);
        this.take(piece);
        this.chunkRemaining -= piece.length;
        this.pending = this.pending.subarray(piece.length);
        if (this.chunkRemaining > 0) return null;
      }
      if (this.pending.length < 2) return null;
      this.pending = this.pending.subarray(2); // the CRLF after the chunk data
      this.chunkRemaining = -1;
    }
  }

  private finish(): RawResponse {
    if (!this.head) throw new HttpProtocolError('no response head');
    return { ...this.head, body: Buffer.concat(this.body) };
  }
}
