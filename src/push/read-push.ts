/**
 * Reading one pushed request body from a stream. Multipart bodies are framed as they arrive (only
 * the event part is parsed, pictures are kept as received slices or skipped); other bodies are
 * collected and parsed once complete. Limits are enforced while reading: past one, nothing more is
 * kept, the rest of the body is drained and discarded, and the promise rejects at once.
 */
import { BodyChunks } from '../net/body-chunks';
import type { BodyBudget, BodyTicket } from '../net/body-budget';
import { boundaryParam } from './content-type';
import type { HikEvent } from './hik-event';
import { MultipartCollector } from './multipart-collector';
import { MultipartFramer } from './multipart-framer';
import { parseSniffedBody } from './parse-push-body';
import { asPushError, PushError, RAW_KEEP_BYTES, rawExcerpt } from './push-error';
import { resolveLimits, type PushLimits } from './push-limits';
import { firstSignificantByte, sniffBody, streamingKind } from './sniff-body';

export { DEFAULT_PUSH_LIMITS, type PushLimits } from './push-limits';

const EMPTY = Buffer.alloc(0);
const BUSY_MESSAGE = 'too many push bodies are being read at once; refused until memory frees up';
const SPACE = Buffer.from(' ');
/** Chunks smaller than this are copied together while a body is read whole (see addWhole). */

export interface ReadPushOptions {
  /** The request's Content-Type (supplies the multipart boundary; the body's bytes decide the format). */
  contentType: string | undefined;
  /** The request's Content-Length, when it sent one: a body announced above maxBodyBytes is refused unread. */
  contentLength?: number;
  /** Keep picture bytes; false skips them and returns `images: []`. */
  images: boolean;
  limits?: Partial<PushLimits>;
  /** Shared with the other bodies being read: a large body may wait before it is read (see BodyBudget). */
  budget?: BodyBudget;
}

export interface PushResult {
  events: HikEvent[];
  /** Body bytes read. */
  bytes: number;
}

/** What readPushBody reports, in this order: `complete` (maybe), then `done` or `failed`, once each. */
export interface PushReadHandlers {
  /**
   * The body is in and within the limits, its event document not parsed yet: a device can be
   * answered now. Not called when reading fails first.
   */
  complete?(): void;
  done(result: PushResult): void;
  /** Only PushError. After a failure the rest of the body is drained and discarded. */
  failed(error: PushError): void;
}

/**
 * Reads the whole request body from `body` (an IncomingMessage or any Readable) and parses it. Never
 * throws synchronously; rejects only with PushError. After a rejection the rest of the body is
 * drained and discarded (the stream is resumed), so the caller can still answer the device.
 */
export function readPush(body: NodeJS.ReadableStream, options: ReadPushOptions): Promise<PushResult> {
  return new Promise<PushResult>((resolve, reject) => {
    readPushBody(body, options, { done: resolve, failed: reject });
  });
}

/** readPush with callbacks, for the listener's hot path (no promise per request, and an early `complete`). */
export function readPushBody(body: NodeJS.ReadableStream, options: ReadPushOptions, handlers: PushReadHandlers): void {
  try {
    new PushReader(body, options, handlers).start();
  } catch (err) {
    handlers.failed(asPushError(err, () => Buffer.alloc(0), options.contentType));
  }
}

class PushReader {
  private readonly limits: PushLimits;
  private readonly contentType: string | undefined;
  private mode: 'sniff' | 'multipart' | 'whole' = 'sniff';
  private settled = false;
  private ended = false;
  private bytes = 0;
  /** The first RAW_KEEP_BYTES of the body (tiny chunks copied together), for error reports. */
  private head = new BodyChunks();
  /** The body so far while sniffing its kind. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The body, once it is known to be read whole (not multipart). */
  private whole: BodyChunks | undefined;
  private framer: MultipartFramer | undefined;
  private collector: MultipartCollector | undefined;
  private ticket: BodyTicket | undefined;
  /** While sniffing: what of the body so far still matters to its kind (see undecidedBytes). */
  private sniffCarry: Buffer = EMPTY;

  constructor(
    private readonly body: NodeJS.ReadableStream,
    private readonly options: ReadPushOptions,
    private readonly handlers: PushReadHandlers,
  ) {
    this.limits = resolveLimits(options.limits);
    this.contentType = options.contentType;
  }

  start(): void {
    const body = this.body;
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
    const budget = this.options.budget;
    if (budget) this.ticket = budget.admit(length ?? 0, this.read, this.refuse);
    else this.read();
  }

  /** Starts reading; until then the body stays unread in its socket. Nothing in here can fail. */
  private readonly read = (): void => {
    if (this.settled) return;
    const body = this.body;
    body.on('data', this.onData);
    body.on('end', this.onEnd);
    body.resume();
  };

  /** The process holds too many body bytes to wait for room any longer. */
  private readonly refuse = (): void => {
    this.fail(new PushError('busy', BUSY_MESSAGE));
  };

  private readonly onData = (chunk: Buffer | string): void => {
    if (this.settled) return; // draining after a failure: drop
    try {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (buf.length === 0) return;
      this.bytes += buf.length;
      if (this.bytes > this.limits.maxBodyBytes) throw new PushError('too-large', `body larger than ${this.limits.maxBodyBytes} bytes`);
      if (this.ticket && !this.ticket.take(buf.length)) {
        throw new PushError('busy', BUSY_MESSAGE);
      }
      if (this.head.bytes < RAW_KEEP_BYTES) {
        // tiny chunks copied together: 64 KiB of 1-byte chunks would pin 65 536 socket buffers
        this.head.add(buf);
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
    // Only the bytes that can still decide are looked at again, never all the whitespace before:
    // a body trickling in a byte at a time must cost linear time, not quadratic.
    const window = this.sniffCarry.length === 0 ? buf : Buffer.concat([this.sniffCarry, buf]);
    const kind = streamingKind(window, this.contentType);
    if (kind === undefined && this.pendingBytes < RAW_KEEP_BYTES) {
      this.sniffCarry = undecidedBytes(window, this.pendingBytes);
      return; // whitespace so far
    }
    this.sniffCarry = EMPTY;
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
      this.whole = new BodyChunks();
      for (const piece of pending) this.addWhole(piece);
    }
  }

  private addWhole(buf: Buffer): void {
    this.whole?.add(buf);
    if ((this.whole?.bytes ?? 0) > this.limits.maxEventBytes) {
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
        this.handlers.complete?.();
        events = this.collector.finish(this.framer.sawDelimiter);
      } else {
        // A body that ended while its kind was still undecided is only whitespace, or short.
        const whole = this.whole ? this.whole.concat() : Buffer.concat(this.pending, this.pendingBytes);
        this.handlers.complete?.();
        events = parseSniffedBody(whole, sniffBody(whole, this.contentType), this.contentType, this.options.images, this.limits);
      }
      this.settled = true;
      this.release();
      this.handlers.done({ events, bytes: this.bytes });
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
    const error = asPushError(err, () => rawExcerpt(this.head.concat()), this.contentType);
    this.release();
    this.handlers.failed(error);
    if (!this.ended) this.body.resume(); // drain and discard the rest
  }

  /** Drops every reference to body bytes. */
  private release(): void {
    this.ticket?.release();
    this.head = new BodyChunks();
    this.pending = [];
    this.whole = undefined;
    this.framer = undefined;
    this.collector = undefined;
  }
}

/**
 * What of an undecided sniff window must be looked at again with the next chunk, so that the kind
 * comes out as if the whole body so far were one buffer: all of it while a byte order mark may still
 * be forming (3 bytes at most), else a space standing for the whitespace seen (it also keeps a later
 * EF BB BF from passing as a byte order mark) and the one significant byte still waiting for its
 * second byte, if any.
 */
function undecidedBytes(window: Buffer, bodyBytes: number): Buffer {
  if (bodyBytes <= 3) return Buffer.from(window);
  const at = firstSignificantByte(window);
  return at === -1 ? SPACE : Buffer.from([0x20, window[at]]);
}
