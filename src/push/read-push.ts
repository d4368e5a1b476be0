/**
 * Reading one pushed request body from a stream. Multipart bodies are framed as they arrive (only
 * the event part is parsed, pictures are kept as received slices or skipped); other bodies are
 * collected and parsed once complete. Limits are enforced while reading: past one, nothing more is
 * kept, the rest of the body is drained and discarded, and the promise rejects at once.
 */
import { boundaryParam } from './content-type';
import type { HikEvent } from './hik-event';
import { MultipartCollector } from './multipart-collector';
import { MultipartFramer } from './multipart-framer';
import { parseSniffedBody } from './parse-push-body';
import { asPushError, PushError, RAW_KEEP_BYTES, rawExcerpt } from './push-error';
import { resolveLimits, type PushLimits } from './push-limits';
import { sniffBody, streamingKind } from './sniff-body';

export { DEFAULT_PUSH_LIMITS, type PushLimits } from './push-limits';

export interface ReadPushOptions {
  /** The request's Content-Type (supplies the multipart boundary; the body's bytes decide the format). */
  contentType: string | undefined;
  /** The request's Content-Length, when it sent one: a body announced above maxBodyBytes is refused unread. */
  contentLength?: number;
  /** Keep picture bytes; false skips them and returns `images: []`. */
  images: boolean;
  limits?: Partial<PushLimits>;
}

export interface PushResult {
  events: HikEvent[];
  /** Body bytes read. */
  bytes: number;
}

/**
 * Reads the whole request body from `body` (an IncomingMessage or any Readable) and parses it. Never
 * throws synchronously; rejects only with PushError. After a rejection the rest of the body is
 * drained and discarded (the stream is resumed), so the caller can still answer the device.
 */
export function readPush(body: NodeJS.ReadableStream, options: ReadPushOptions): Promise<PushResult> {
  return new Promise<PushResult>((resolve, reject) => {
    try {
      new PushReader(body, options, resolve, reject).start();
    } catch (err) {
      reject(asPushError(err, () => Buffer.alloc(0), options.contentType));
    }
  });
}

class PushReader {
  private readonly limits: PushLimits;
  private readonly contentType: string | undefined;
  private mode: 'sniff' | 'multipart' | 'whole' = 'sniff';
  private settled = false;
  private ended = false;
  private bytes = 0;
  /** The first RAW_KEEP_BYTES of the body (references to the received chunks), for error reports. */
  private head: Buffer[] = [];
  private headBytes = 0;
  /** The body so far, while sniffing or when it is read whole. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private framer: MultipartFramer | undefined;
  private collector: MultipartCollector | undefined;

  constructor(
    private readonly body: NodeJS.ReadableStream,
    private readonly options: ReadPushOptions,
    private readonly resolve: (result: PushResult) => void,
    private readonly reject: (err: PushError) => void,
  ) {
    this.limits = resolveLimits(options.limits);
    this.contentType = options.contentType;
  }

  start(): void {
    const body = this.body;
    body.on('data', this.onData);
    body.on('end', this.onEnd);
    body.on('error', this.onError);
    body.on('aborted', this.onAborted);
    body.on('close', this.onClose);
    const length = this.options.contentLength;
    if (length !== undefined && length > this.limits.maxBodyBytes) {
      this.fail(new PushError('too-large', `body of ${length} bytes announced, limit ${this.limits.maxBodyBytes}`));
      return;
    }
    const state = body as Partial<{ readableEnded: boolean; destroyed: boolean }>;
    if (state.readableEnded === true || state.destroyed === true) {
      this.fail(new PushError('aborted', 'request body was already consumed or destroyed'));
      return;
    }
    body.resume();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    if (this.settled) return; // draining after a failure: drop
    try {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (buf.length === 0) return;
      this.bytes += buf.length;
      if (this.bytes > this.limits.maxBodyBytes) throw new PushError('too-large', `body larger than ${this.limits.maxBodyBytes} bytes`);
      if (this.headBytes < RAW_KEEP_BYTES) {
        this.head.push(buf);
        this.headBytes += buf.length;
      }
      if (this.mode === 'multipart') this.framer?.write(buf);
      else if (this.mode === 'whole') this.addWhole(buf);
      else this.sniff(buf);
    } catch (err) {
      this.fail(err);
    }
  };

  private sniff(buf: Buffer): void {
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    const start = this.pending.length === 1 ? buf : Buffer.concat(this.pending, this.pendingBytes);
    const kind = streamingKind(start, this.contentType);
    if (kind === undefined && this.pendingBytes < RAW_KEEP_BYTES) return; // whitespace so far
    if (kind === 'jpeg') throw new PushError('unsupported', 'body is a bare JPEG picture without an event');
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (kind === 'multipart') {
      this.mode = 'multipart';
      this.collector = new MultipartCollector(this.options.images, this.limits);
      this.framer = new MultipartFramer(this.collector, boundaryParam(this.contentType));
      for (const piece of pending) this.framer.write(piece);
    } else {
      this.mode = 'whole';
      for (const piece of pending) this.addWhole(piece);
    }
  }

  private addWhole(buf: Buffer): void {
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes > this.limits.maxEventBytes) {
      throw new PushError('too-large', `event body larger than ${this.limits.maxEventBytes} bytes`);
    }
  }

  private readonly onEnd = (): void => {
    this.ended = true;
    if (this.settled) return;
    try {
      let events: HikEvent[];
      if (this.mode === 'multipart' && this.framer && this.collector) {
        this.framer.end();
        events = this.collector.finish(this.framer.sawDelimiter);
      } else {
        const whole = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
        events = parseSniffedBody(whole, sniffBody(whole, this.contentType), this.contentType, this.options.images, this.limits);
      }
      this.settled = true;
      this.release();
      this.resolve({ events, bytes: this.bytes });
    } catch (err) {
      this.fail(err);
    }
  };

  private readonly onError = (err: unknown): void => {
    if (this.ended) return;
    this.fail(new PushError('aborted', `request body failed: ${err instanceof Error ? err.message : String(err)}`));
  };

  private readonly onAborted = (): void => {
    this.fail(new PushError('aborted', 'request aborted by the device'));
  };

  private readonly onClose = (): void => {
    if (!this.ended) this.fail(new PushError('aborted', 'connection closed before the body ended'));
  };

  private fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    const error = asPushError(err, () => rawExcerpt(this.head), this.contentType);
    this.release();
    this.reject(error);
    if (!this.ended) this.body.resume(); // drain and discard the rest
  }

  /** Drops every reference to body bytes. */
  private release(): void {
    this.head = [];
    this.pending = [];
    this.framer = undefined;
    this.collector = undefined;
  }
}
