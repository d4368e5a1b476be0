/**
 * One TCP (or TLS) connection from the simulated device to a listener, on which requests are
 * written byte for byte as built — no header is added — and answers read back. Keep-alive
 * connections are reused by the caller; a reused connection that the server had already closed
 * is retried once on a fresh one, as HTTP clients do.
 */
import net from 'node:net';
import tls from 'node:tls';
import { HttpResponseReader, type RawResponse } from './http-response-reader';

export interface ConnectionTarget {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface OutgoingRequest {
  /** Request line and header lines, ending with the blank line. */
  head: string;
  body: Buffer;
  /** Send the body chunk-encoded (the head must say `Transfer-Encoding: chunked`). */
  chunked: boolean;
}

interface Pending {
  reader: HttpResponseReader;
  resolve: (response: RawResponse) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** The chunk sizes a device-like sender uses: at least two chunks, at most 16 kB each. */
export function chunkEncode(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const size = Math.max(1, Math.min(16 * 1024, Math.ceil(body.length / 2)));
  for (let offset = 0; offset < body.length; offset += size) {
    const piece = body.subarray(offset, offset + size);
    out.push(Buffer.from(`${piece.length.toString(16)}\r\n`, 'latin1'), piece, Buffer.from('\r\n'));
  }
  out.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return out;
}

export class PushConnection {
  private socket: net.Socket | null = null;
  private pending: Pending | null = null;
  private requests = 0;

  constructor(private readonly target: ConnectionTarget, private readonly timeoutMs = 30_000) {}

  get open(): boolean {
    return this.socket !== null && !this.socket.destroyed;
  }

  async request(request: OutgoingRequest): Promise<RawResponse> {
    const reused = this.open && this.requests > 0;
    try {
      return await this.attempt(request);
    } catch (err) {
      // The server may have closed an idle keep-alive connection just as we wrote: try once more.
      if (reused && err instanceof StaleConnectionError) return this.attempt(request);
      throw err;
    }
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const { host, port, protocol } = this.target;
    const socket = protocol === 'https'
      // Devices do not check the listener's certificate (self-signed ones are the norm).
      ? tls.connect({ host, port, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => { this.onData(socket, chunk); });
    socket.on('error', (err: Error) => { this.fail(socket, err); });
    socket.on('close', () => { this.onClose(socket); });
    this.requests = 0;
    return socket;
  }

  private attempt(request: OutgoingRequest): Promise<RawResponse> {
    if (this.pending) return Promise.reject(new Error('a request is already in flight on this connection'));
    if (!this.open) this.socket = this.connect();
    const socket = this.socket as net.Socket;
    this.requests++;
    return new Promise<RawResponse>((resolve, reject) => {
      const timer = setTimeout(() => { this.fail(socket, new Error(`no answer within ${this.timeoutMs} ms`)); }, this.timeoutMs);
      this.pending = { reader: new HttpResponseReader(), resolve, reject, timer };
      socket.cork();
      socket.write(request.head, 'latin1');
      if (request.chunked) for (const piece of chunkEncode(request.body)) socket.write(piece);
      else if (request.body.length > 0) socket.write(request.body);
      socket.uncork();
    });
  }

  private settle(): Pending | null {
    const pending = this.pending;
    this.pending = null;
    if (pending) clearTimeout(pending.timer);
    return pending;
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    const pending = this.pending;
    if (!pending) {
      socket.destroy(); // bytes nobody asked for: the connection is no longer usable
      return;
    }
    let response: RawResponse | null;
    try {
      response = pending.reader.feed(chunk);
    } catch (err) {
      this.fail(socket, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (!response) return;
    this.settle();
    if (!response.keepAlive) {
      socket.destroy();
      this.socket = null;
    }
    pending.resolve(response);
  }

  private onClose(socket: net.Socket): void {
    if (socket !== this.socket) return;
    this.socket = null;
    const pending = this.settle();
    if (!pending) return;
    try {
      pending.resolve(pending.reader.end());
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      pending.reject(pending.reader.started ? error : new StaleConnectionError(error.message));
    }
  }

  private fail(socket: net.Socket, err: Error): void {
    socket.destroy();
    if (socket !== this.socket) return;
    this.socket = null;
    const pending = this.settle();
    if (!pending) return;
    const code = (err as NodeJS.ErrnoException).code;
    const stale = !pending.reader.started && (code === 'ECONNRESET' || code === 'EPIPE');
    pending.reject(stale ? new StaleConnectionError(err.message) : err);
  }
}

/** The connection died before any byte of an answer: safe to send again on a new one. */
export class StaleConnectionError extends Error {}
