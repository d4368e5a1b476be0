/**
 * A small HTTP/1.1 load generator on raw sockets: each connection sends a request, waits for the
 * whole answer, records the latency and sends the next one, until the time is up. Requests still in
 * flight then are waited for (and counted), so the count of answers is exact — what the targets'
 * event counters are compared with. `keep-alive` reuses one socket per connection; `close` opens a
 * new socket per request and sends `Connection: close`, as many devices do (the latency then
 * includes the TCP handshake).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { BenchRequest } from './workloads';

export type ConnectionMode = 'keep-alive' | 'close';

export interface LoadOptions {
  port: number;
  path: string;
  requests: BenchRequest[];
  connections: number;
  mode: ConnectionMode;
  durationMs: number;
  /** Each connection sends this many requests and stops, whatever the time (a burst). */
  requestsPerConnection?: number;
  /** Give up waiting for one answer after this long (the request counts as an error). */
  timeoutMs?: number;
}

export interface LoadResult {
  /** Answers with a 2xx status. */
  ok: number;
  non2xx: number;
  /** Connection errors, timeouts, unreadable answers. */
  errors: number;
  /** First error messages, for the report. */
  errorSamples: string[];
  /** From the first request to the last answer. */
  elapsedMs: number;
  /** Latency of 2xx answers, milliseconds. */
  p50: number;
  p99: number;
  max: number;
  bytesSent: number;
}

const HOST = '127.0.0.1';
const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** The request bytes for each variant, written in one go. */
function serialise(requests: BenchRequest[], path: string, port: number, mode: ConnectionMode): Buffer[] {
  return requests.map((request) => {
    const lines = [`POST ${path} HTTP/1.1`, `Host: ${HOST}:${port}`];
    for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
    lines.push(`Content-Length: ${request.body.length}`, `Connection: ${mode}`, '', '');
    return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), request.body]);
  });
}

/** Latencies in a growing typed array (a few hundred thousand per run at most). */
class Latencies {
  private values = new Float64Array(1 << 16);
  private size = 0;

  add(ms: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = ms;
  }

  summary(): { p50: number; p99: number; max: number } {
    if (this.size === 0) return { p50: NaN, p99: NaN, max: NaN };
    const sorted = this.values.subarray(0, this.size).sort();
    const at = (q: number) => sorted[Math.min(this.size - 1, Math.floor(q * this.size))];
    return { p50: at(0.5), p99: at(0.99), max: sorted[this.size - 1] };
  }
}

/** What the answer parser found; the body is skipped. */
type Answer = { status: number; close: boolean } | null;

/** Reads one HTTP answer from the bytes of a socket (Content-Length or chunked; no pipelining). */
class AnswerReader {
  private pending: Buffer | null = null;
  private status = 0;
  private close = false;
  /** Body bytes still to skip; -1 while reading the head; -2 for a chunked body. */
  private remaining = -1;

  reset(): void {
    this.pending = null;
    this.remaining = -1;
  }

  /** Feeds bytes; returns the answer once it is complete. Throws on an unreadable answer. */
  feed(chunk: Buffer): Answer {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    if (this.remaining === -1) {
      const end = data.indexOf(CRLF_CRLF);
      if (end === -1) {
        if (data.length > 64 * 1024) throw new Error('answer head too long');
        this.pending = data;
        return null;
      }
      const head = data.toString('latin1', 0, end);
      const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (!statusMatch) throw new Error(`not an HTTP answer: ${JSON.stringify(head.slice(0, 40))}`);
      this.status = Number(statusMatch[1]);
      this.close = /\r\nconnection:\s*close/i.test(head);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length) this.remaining = Number(length[1]);
      else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) this.remaining = -2;
      else this.remaining = 0;
      data = data.subarray(end + 4);
    }
    if (this.remaining === -2) {
      // small chunked bodies only: the answer ends with the last-chunk line
      const end = data.indexOf('0\r\n\r\n');
      if (end === -1) {
        this.pending = data;
        return null;
      }
      this.remaining = -1;
      return { status: this.status, close: this.close };
    }
    if (data.length < this.remaining) {
      this.remaining -= data.length;
      return null;
    }
    this.remaining = -1;
    return { status: this.status, close: this.close };
  }
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const wire = serialise(options.requests, options.path, options.port, options.mode);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const latencies = new Latencies();
  const result: LoadResult = { ok: 0, non2xx: 0, errors: 0, errorSamples: [], elapsedMs: 0, p50: 0, p99: 0, max: 0, bytesSent: 0 };
  const start = performance.now();
  const deadline = start + options.durationMs;
  let lastAnswer = start;
  let variant = 0;

  const fail = (message: string) => {
    result.errors++;
    if (result.errorSamples.length < 5 && !result.errorSamples.includes(message)) result.errorSamples.push(message);
  };

  /** One simulated device: requests one after another until the deadline. */
  const device = (done: () => void) => {
    let socket: net.Socket | null = null;
    const reader = new AnswerReader();
    let sentAt = 0;
    let waiting = false;
    let timer: NodeJS.Timeout | null = null;
    let sent = 0;

    const finishRequest = () => {
      waiting = false;
      if (timer) clearTimeout(timer);
      timer = null;
    };

    const dropSocket = () => {
      if (!socket) return;
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      socket = null;
    };

    const next = () => {
      const limit = options.requestsPerConnection;
      if (limit !== undefined ? sent >= limit : performance.now() >= deadline) {
        dropSocket();
        done();
        return;
      }
      sent++;
      const request = wire[variant++ % wire.length];
      sentAt = performance.now();
      waiting = true;
      timer = setTimeout(() => {
        fail(`no answer within ${timeoutMs} ms`);
        finishRequest();
        dropSocket();
        next();
      }, timeoutMs);
      if (!socket || options.mode === 'close') {
        dropSocket();
        socket = connect();
      }
      reader.reset();
      result.bytesSent += request.length;
      socket.write(request);
    };

    const connect = (): net.Socket => {
      const s = net.connect({ host: HOST, port: options.port, noDelay: true });
      s.on('data', (chunk: Buffer) => {
        if (!waiting) return;
        let answer: Answer;
        try {
          answer = reader.feed(chunk);
        } catch (err) {
          fail((err as Error).message);
          finishRequest();
          dropSocket();
          next();
          return;
        }
        if (!answer) return;
        const now = performance.now();
        lastAnswer = now;
        finishRequest();
        if (answer.status >= 200 && answer.status < 300) {
          result.ok++;
          latencies.add(now - sentAt);
        } else {
          result.non2xx++;
        }
        if (answer.close || options.mode === 'close') dropSocket();
        next();
      });
      const lost = (why: string) => {
        if (s !== socket) return;
        socket = null;
        if (waiting) {
          fail(why);
          finishRequest();
          next();
        }
      };
      s.on('error', (err: NodeJS.ErrnoException) => lost(err.code ?? err.message));
      s.on('close', () => lost('connection closed before the answer'));
      return s;
    };

    next();
  };

  return new Promise((resolve) => {
    let running = options.connections;
    for (let i = 0; i < options.connections; i++) {
      device(() => {
        if (--running > 0) return;
        result.elapsedMs = lastAnswer - start;
        Object.assign(result, latencies.summary());
        resolve(result);
      });
    }
  });
}
