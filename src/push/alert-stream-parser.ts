/**
 * Turns a never-ending alertStream body (`multipart/mixed`, one event document per part, pictures
 * in the parts after their event) into events as they arrive, in constant memory: at most one
 * event group (the event and its pictures) is held at a time.
 *
 * It feeds the push parser's multipart framer. Devices announce each part's Content-Length and then
 * fall silent until the next event, so a part is ended as soon as its announced bytes are in rather
 * than when the next delimiter comes; without a Content-Length the boundary alone frames it.
 * An event is handed on when the next event part begins, or on `flush()` (the connection calls it
 * when the stream has been quiet for a moment, as pictures follow their event at once).
 */
import { eventDocumentType, mediaType } from './content-type';
import { parseEventDocument } from './event-document';
import type { HikEvent, HikImage } from './hik-event';
import { MultipartFramer, type PartSink } from './multipart-framer';
import { parsePartHeaders, type PartHeaders } from './part-headers';
import { asPushError, PushError, rawExcerpt } from './push-error';
import { resolveLimits, type PushLimits } from './push-limits';
import { firstSignificantByte, startsDocument } from './sniff-body';

export interface AlertStreamParserOptions {
  /** The `boundary` of the response's Content-Type, if it named one. */
  boundary: string | undefined;
  /** Keep picture bytes; false skips them. */
  images: boolean;
  limits?: Partial<PushLimits>;
  /** One event, with its pictures. */
  onEvent(event: HikEvent): void;
  /** A part that could not be parsed (the stream goes on). */
  onPartError(error: PushError): void;
}

type PartKind = 'event' | 'image' | 'undecided' | 'discard';

export class AlertStreamParser {
  private readonly framer: MultipartFramer;
  private readonly sink: StreamPartSink;

  constructor(options: AlertStreamParserOptions) {
    const boundary = options.boundary?.replace(/^--/, '');
    this.sink = new StreamPartSink(options, resolveLimits(options.limits));
    this.framer = new MultipartFramer(this.sink, boundary);
  }

  /** Bytes from the stream. Throws PushError when the stream is no longer multipart (reconnect). */
  write(chunk: Buffer): void {
    this.framer.write(chunk);
    const left = this.sink.bytesLeft;
    if (left !== null && left >= 0 && this.framer.heldBackBytes >= left) this.framer.endPartAfter(left);
  }

  /** True while an event waits for pictures that may still follow. */
  get pending(): boolean {
    return this.sink.pending;
  }

  /** Hands on the waiting event (its pictures have all come). */
  flush(): void {
    this.sink.flush();
  }

  /** The stream ended: the event still waiting goes out. */
  end(): void {
    try {
      this.framer.end();
    } finally {
      this.sink.flush();
    }
  }
}

class StreamPartSink implements PartSink {
  private readonly limits: PushLimits;
  private headers: PartHeaders = { name: null, filename: null, contentType: null, contentId: null };
  private kind: PartKind = 'discard';
  private chunks: Buffer[] = [];
  private bytes = 0;
  private announced: number | null = null;
  private open = false;
  /** The events of the last event part, waiting for their pictures. */
  private group: HikEvent[] = [];
  /** Pictures that came before any event part: they go to the next event. */
  private orphans: HikImage[] = [];

  constructor(private readonly options: AlertStreamParserOptions, limits: PushLimits) {
    this.limits = limits;
  }

  /** Bytes of the open part still to come by its Content-Length; null when unknown or no part is open. */
  get bytesLeft(): number | null {
    return this.open && this.announced !== null ? this.announced - this.bytes : null;
  }

  get pending(): boolean {
    return this.group.length > 0;
  }

  partStart(headerLines: string[]): void {
    this.headers = parsePartHeaders(headerLines);
    this.announced = contentLength(headerLines);
    this.kind = this.classify(this.headers);
    if (this.kind === 'event') this.flush();
    this.chunks = [];
    this.bytes = 0;
    this.open = true;
  }

  partData(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.kind === 'undecided') {
      const at = firstSignificantByte(chunk);
      if (at !== -1) {
        this.kind = startsDocument(chunk[at]) ? 'event' : this.pictureKind();
        if (this.kind === 'event') this.flush();
      }
    }
    const limit = this.kind === 'event' || this.kind === 'undecided' ? this.limits.maxEventBytes : this.limits.maxPartBytes;
    if (this.bytes > limit) {
      // too big to keep: the part's bytes are dropped, the stream goes on
      if (this.kind !== 'discard') this.options.onPartError(new PushError('too-large', `stream part larger than ${limit} bytes`, rawExcerpt(this.chunks)));
      this.kind = 'discard';
      this.chunks = [];
    }
    if (this.kind !== 'discard') this.chunks.push(chunk);
  }

  partEnd(): void {
    const { kind, chunks, bytes, headers } = this;
    this.chunks = [];
    this.open = false;
    if (bytes === 0 || kind === 'discard') return;
    const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (kind === 'image') {
      this.addImage({ name: headers.name ?? '', filename: headers.filename, contentType: headers.contentType, contentId: headers.contentId, data });
      return;
    }
    if (firstSignificantByte(data) === -1) return;
    try {
      const events = parseEventDocument(data, false, this.limits.maxEvents);
      if (events.length === 0) return;
      if (this.orphans.length > 0) {
        events[0].images.push(...this.orphans);
        this.orphans = [];
      }
      this.group = events;
    } catch (err) {
      this.options.onPartError(asPushError(err, () => rawExcerpt(data), headers.contentType ?? undefined));
    }
  }

  flush(): void {
    const group = this.group;
    if (group.length === 0) return;
    this.group = [];
    for (const event of group) this.options.onEvent(event);
  }

  private addImage(image: HikImage): void {
    const last = this.group.at(-1);
    const target = last ? last.images : this.orphans;
    if (target.length >= this.limits.maxParts) {
      this.options.onPartError(new PushError('too-many-parts', `more than ${this.limits.maxParts} pictures for one event`));
      return;
    }
    target.push(image);
  }

  private classify(headers: PartHeaders): PartKind {
    if (eventDocumentType(headers.contentType ?? undefined)) return 'event';
    if (mediaType(headers.contentType ?? undefined).startsWith('image/')) return this.pictureKind();
    return 'undecided';
  }

  private pictureKind(): PartKind {
    return this.options.images ? 'image' : 'discard';
  }
}

function contentLength(headerLines: readonly string[]): number | null {
  for (const line of headerLines) {
    const match = /^content-length\s*:\s*(\d{1,10})\s*$/i.exec(line);
    if (match) return Number(match[1]);
  }
  return null;
}
