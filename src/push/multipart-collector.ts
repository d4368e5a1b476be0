/**
 * Turns the parts of a multipart push into events with their pictures. Only event parts are parsed;
 * picture bytes are kept as the slices the framer hands over (tiny slices copied together, so a body
 * trickled in a byte at a time costs about its size, not a Buffer object per byte) and joined once
 * at the part's end (a picture that arrived in one piece is not copied at all), or not kept at all
 * when pictures are off.
 *
 * Which part is the event: an xml/json Content-Type, or (no type, or one that is neither image nor
 * xml/json) content that starts like XML or JSON. `image/*` parts and other content are pictures.
 * Pictures belong to the event part before them; pictures that come before any event part go to
 * the first event.
 */
import { BodyChunks } from '../net/body-chunks';
import { eventDocumentType, mediaType } from './content-type';
import { parseEventDocument } from './event-document';
import type { HikEvent, HikImage } from './hik-event';
import type { PartSink } from './multipart-framer';
import { parsePartHeaders, type PartHeaders } from './part-headers';
import { PushError } from './push-error';
import type { PushLimits } from './push-limits';
import { firstSignificantByte, startsDocument } from './sniff-body';

type PartKind = 'event' | 'image' | 'undecided' | 'discard';

const NO_HEADERS: PartHeaders = { name: null, filename: null, contentType: null, contentId: null };

export class MultipartCollector implements PartSink {
  private readonly events: HikEvent[] = [];
  /** Pictures that came before any event part. */
  private readonly earlyImages: HikImage[] = [];
  private lastEvent: HikEvent | undefined;
  private parts = 0;
  private sawNonEventContent = false;
  private headers: PartHeaders = NO_HEADERS;
  private kind: PartKind = 'discard';
  private chunks = new BodyChunks();
  private bytes = 0;

  constructor(private readonly keepImages: boolean, private readonly limits: PushLimits) {}

  partStart(headerLines: string[]): void {
    if (++this.parts > this.limits.maxParts) {
      throw new PushError('too-many-parts', `multipart body with more than ${this.limits.maxParts} parts`);
    }
    this.headers = parsePartHeaders(headerLines);
    this.kind = this.classify(this.headers);
    this.chunks = new BodyChunks();
    this.bytes = 0;
  }

  partData(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.kind === 'undecided') {
      const at = firstSignificantByte(chunk);
      if (at !== -1) this.kind = startsDocument(chunk[at]) ? 'event' : this.pictureKind();
    }
    if (this.kind === 'event' || this.kind === 'undecided') {
      if (this.bytes > this.limits.maxEventBytes) {
        throw new PushError('too-large', `event part larger than ${this.limits.maxEventBytes} bytes`);
      }
    } else if (this.bytes > this.limits.maxPartBytes) {
      throw new PushError('too-large', `multipart part larger than ${this.limits.maxPartBytes} bytes`);
    }
    if (this.kind !== 'discard') this.chunks.add(chunk);
  }

  partEnd(): void {
    const { kind, chunks, bytes, headers } = this;
    this.chunks = new BodyChunks();
    if (bytes === 0) return; // empty parts carry nothing
    if (kind === 'event') {
      const doc = chunks.concat();
      if (firstSignificantByte(doc) === -1) return; // whitespace only: an empty part
      this.addEvents(parseEventDocument(doc, false, this.limits.maxEvents));
    } else if (kind === 'image') {
      this.sawNonEventContent = true;
      this.addImage({
        name: headers.name ?? '',
        filename: headers.filename,
        contentType: headers.contentType,
        contentId: headers.contentId,
        data: chunks.concat(),
      });
    } else if (kind === 'discard') {
      this.sawNonEventContent = true;
    }
  }

  /** The events of the whole body; throws when there are none. */
  finish(sawDelimiter: boolean): HikEvent[] {
    if (this.events.length > 0) return this.events;
    if (!sawDelimiter) throw new PushError('malformed', 'multipart body without a delimiter line');
    if (this.sawNonEventContent) throw new PushError('unsupported', 'multipart body without an event part');
    throw new PushError('empty', 'multipart body without content');
  }

  private classify(headers: PartHeaders): PartKind {
    if (eventDocumentType(headers.contentType ?? undefined)) return 'event';
    if (mediaType(headers.contentType ?? undefined).startsWith('image/')) return this.pictureKind();
    return 'undecided';
  }

  private pictureKind(): PartKind {
    return this.keepImages ? 'image' : 'discard';
  }

  private addEvents(events: HikEvent[]): void {
    if (events.length === 0) return;
    if (this.events.length + events.length > this.limits.maxEvents) {
      throw new PushError('too-large', `body with more than ${this.limits.maxEvents} events`);
    }
    if (this.events.length === 0 && this.earlyImages.length > 0) events[0].images.push(...this.earlyImages);
    for (const event of events) this.events.push(event);
    this.lastEvent = events[events.length - 1];
  }

  private addImage(image: HikImage): void {
    if (this.lastEvent) this.lastEvent.images.push(image);
    else this.earlyImages.push(image);
  }
}
