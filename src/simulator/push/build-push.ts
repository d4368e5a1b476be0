/**
 * One push request as a device would send it: headers and body for one event of a kind, in the
 * format the httpHosts slot asks for, with the device's framing and any quirks switched on.
 */
import { DEFAULT_TZ_MINUTES } from './device-time';
import {
  eventContent, testEventContent, type EventContent, type EventContext, type EventPartSpec, type Framing, type PictureSpec,
} from './event-content';
import type { EventKind, Quirks } from './event-kind';
import { cachedJpeg } from './jpeg';
import { multipartBody, type MultipartPart } from './multipart-body';
import { renderXml, toJsonValue, type XmlElement } from '../xml-element';

export type PushFormat = 'XML' | 'json' | 'querystring';

export interface BuildPushContext {
  /** The address the device reports in the event (default 192.168.1.64). */
  deviceIp?: string;
  mac?: string;
  channel?: number;
  /** NVR style: channels from 33 with dynChannelID, version 1.0 documents, psia Extensions. */
  nvr?: boolean;
  activePostCount?: number;
  /** A stored event sent again: `isDataRetransmission` true / `currentEvent` false, an older dateTime. */
  replay?: boolean;
  /** Varies plates, names, serial numbers and pictures from event to event. */
  sequence?: number;
  quirks?: Quirks;
  /** The slot's parameterFormatType (JSON-native events stay JSON, as terminals do). */
  format?: PushFormat;
  /** The `portNo` written in the event (default 80). */
  portNo?: number;
  now?: Date;
  /** Device time zone in minutes east of UTC (default +08:00, the factory setting). */
  tzMinutes?: number;
  /** Access control with its face picture (default) or as plain JSON. */
  pictures?: boolean;
  /** ANPR and access control name their pictures by URL instead of sending them (`linkedPictures` says what to serve). */
  pictureUrls?: boolean;
  /** `auto`: as the device frames this kind; `bare`: the document alone; `multipart`: always multipart. */
  envelope?: 'auto' | 'bare' | 'multipart';
}

export interface BuiltPush {
  /** Request headers except Host (the sender adds it, unless the noHost quirk is on). */
  headers: Record<string, string>;
  /** The body as the device means it (not chunk-encoded; a sender does that for `Transfer-Encoding: chunked`). */
  body: Buffer;
  kind: EventKind;
  eventType: string;
  /** The exact picture bytes inside the body, in order (trailing bytes included when that quirk is on). */
  images: Buffer[];
  /** URL mode: the pictures the event names by URL, for the device to serve at `path`. */
  linkedPictures: { path: string; data: Buffer }[];
  replay: boolean;
}

export const DEFAULT_DEVICE_IP = '192.168.1.64';
export const DEFAULT_MAC = '44:19:b6:6a:21:0c';

/** What the jpegTrailingBytes quirk appends after the EOI marker. */
export const JPEG_TRAILING_BYTES = Buffer.alloc(32, 0);

function eventContext(ctx: BuildPushContext): EventContext {
  return {
    deviceIp: ctx.deviceIp ?? DEFAULT_DEVICE_IP,
    mac: ctx.mac ?? DEFAULT_MAC,
    channel: ctx.channel,
    nvr: ctx.nvr ?? false,
    activePostCount: ctx.activePostCount ?? 1,
    replay: ctx.replay ?? false,
    sequence: Math.max(0, Math.floor(ctx.sequence ?? 0)),
    quirks: ctx.quirks ?? {},
    portNo: ctx.portNo ?? 80,
    now: ctx.now ?? new Date(),
    tzMinutes: ctx.tzMinutes ?? DEFAULT_TZ_MINUTES,
    pictures: ctx.pictures ?? true,
    pictureUrls: ctx.pictureUrls ?? false,
  };
}

/** Form fields: the document's top-level leaves, nested structures as JSON text. */
function formEncode(document: XmlElement): Buffer {
  const fields = new URLSearchParams();
  for (const child of document.children ?? []) {
    const value = toJsonValue(child);
    fields.append(child.name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return Buffer.from(fields.toString(), 'utf8');
}

interface EventDocument { body: Buffer; contentType: string; json: boolean }

function renderDocument(content: EventContent, format: PushFormat): EventDocument {
  if (content.json) {
    return { body: Buffer.from(JSON.stringify(content.json, null, content.jsonIndent), 'utf8'), contentType: 'application/json', json: true };
  }
  const document = content.document;
  if (!document) throw new Error(`event ${content.eventType} has no document`);
  if (format === 'json') {
    return { body: Buffer.from(JSON.stringify(toJsonValue(document), null, 2), 'utf8'), contentType: 'application/json', json: true };
  }
  if (format === 'querystring') {
    return { body: formEncode(document), contentType: 'application/x-www-form-urlencoded', json: false };
  }
  return { body: Buffer.from(renderXml(document, content.xmlStyle), 'utf8'), contentType: 'application/xml; charset="UTF-8"', json: false };
}

/** `spaced`: `form-data; name="x"; filename="y"`; the ANPR capture writes its XML part `form-data; name="x";filename="y"` and its pictures without any space. */
function disposition(name: string, filename: string | undefined, style: 'spaced' | 'event-compact' | 'compact'): string {
  const first = style === 'compact' ? ';' : '; ';
  const second = style === 'spaced' ? '; ' : ';';
  return `Content-Disposition: form-data${first}name="${name}"${filename !== undefined ? `${second}filename="${filename}"` : ''}`;
}

function eventPart(spec: EventPartSpec, document: EventDocument): MultipartPart {
  const headers = [disposition(spec.name, spec.filename, spec.compact ? 'event-compact' : 'spaced')];
  if (spec.contentType !== undefined) headers.push(`Content-Type: ${spec.contentType}`);
  // Devices count the line break after an XML/JSON part in its Content-Length (device-formats.md §5.3).
  headers.push(`Content-Length: ${document.body.length + 2}`);
  return { headers, body: document.body };
}

function picturePart(spec: PictureSpec, data: Buffer, compact: boolean): MultipartPart {
  const headers = [disposition(spec.partName, spec.filename, compact ? 'compact' : 'spaced'), `Content-Type: ${spec.contentType}`, `Content-Length: ${data.length}`];
  if (spec.contentId !== undefined) headers.push(`Content-ID: ${spec.contentId}`);
  return { headers, body: data };
}

/** The framing a multipart body gets when the kind's own does not fit the format. */
function framingFor(content: EventContent, document: EventDocument, envelope: BuildPushContext['envelope']): Framing | null {
  if (envelope === 'bare') return null;
  const own = content.framing;
  if (own && (content.json !== undefined || !document.json)) return own;
  if (own || envelope === 'multipart') {
    const boundary = own?.boundary ?? 'boundary';
    return document.json
      ? { boundary, eventPart: { name: content.eventType, contentType: 'application/json' } }
      : { boundary, eventPart: { name: `${content.eventType}.xml`, filename: `${content.eventType}.xml`, contentType: 'application/xml; charset="UTF-8"' } };
  }
  return null;
}

function httpDate(date: Date): string {
  return date.toUTCString();
}

/** A test request: like an event push, with no event kind of its own. */
export type BuiltTestPush = Omit<BuiltPush, 'kind'> & { kind: 'test' };

function assemble(content: EventContent, ctx: BuildPushContext, full: EventContext): Omit<BuiltPush, 'kind'> {
  const quirks = full.quirks;
  const format = ctx.format ?? 'XML';
  const document = renderDocument(content, format);
  // Form bodies cannot carry pictures.
  const framing = document.contentType === 'application/x-www-form-urlencoded' ? null : framingFor(content, document, ctx.envelope);

  let body: Buffer;
  let contentType: string;
  const images: Buffer[] = [];
  if (framing) {
    const parts: MultipartPart[] = [eventPart(framing.eventPart, document)];
    for (const spec of content.pictures) {
      const jpeg = cachedJpeg(spec.jpeg);
      const data = quirks.jpegTrailingBytes ? Buffer.concat([jpeg, JPEG_TRAILING_BYTES]) : jpeg;
      images.push(data);
      parts.push(picturePart(spec, data, framing.eventPart.compact === true));
    }
    body = multipartBody(framing.boundary, parts, quirks);
    contentType = `multipart/form-data;${framing.compactHeader ? '' : ' '}boundary=${framing.boundary}`;
  } else {
    body = document.body;
    contentType = document.contentType;
  }

  const headers: Record<string, string> = {
    'Accept-Language': 'en-us',
    Date: httpDate(full.now),
    'Content-Type': contentType,
  };
  if (quirks.chunked) headers['Transfer-Encoding'] = 'chunked';
  else headers['Content-Length'] = String(body.length);
  headers.Connection = quirks.connectionClose ? 'close' : 'keep-alive';
  const linkedPictures = (content.pictureLinks ?? []).map((link) => ({ path: link.path, data: cachedJpeg(link.jpeg) }));
  return { headers, body, eventType: content.eventType, images, linkedPictures, replay: full.replay };
}

export function buildPush(kind: EventKind, ctx: BuildPushContext = {}): BuiltPush {
  const full = eventContext(ctx);
  return { kind, ...assemble(eventContent(kind, full), ctx, full) };
}

/** The request a device sends when asked to test an httpHosts slot. */
export function buildTestPush(ctx: BuildPushContext = {}): BuiltTestPush {
  const full = eventContext(ctx);
  return { kind: 'test', ...assemble(testEventContent(full), ctx, full) };
}

/** One event as an alertStream carries it: the event part, then its picture parts. */
export interface StreamEvent {
  kind: EventKind;
  eventType: string;
  replay: boolean;
  /** Parts with the headers the stream gives them (Content-Type, Content-Length, names of pictures). */
  parts: MultipartPart[];
  /** The exact picture bytes, in order. */
  images: Buffer[];
}

/** The same event as a push of `kind` (XML, or JSON on terminals), framed for the alertStream. */
export function buildStreamEvent(kind: EventKind, ctx: BuildPushContext = {}): StreamEvent {
  const full = eventContext(ctx);
  const content = eventContent(kind, full);
  const document = renderDocument(content, 'XML');
  // Content-Length counts the line end after an event document (alert-stream.md §3).
  const body = Buffer.concat([document.body, Buffer.from('\r\n')]);
  const parts: MultipartPart[] = [{ headers: [`Content-Type: ${document.contentType}`, `Content-Length: ${body.length}`], body }];
  const images: Buffer[] = [];
  for (const spec of content.pictures) {
    const data = cachedJpeg(spec.jpeg);
    images.push(data);
    const headers = [
      `Content-Disposition: form-data; name="${spec.partName}"; filename="${spec.filename}"`,
      `Content-Type: ${spec.contentType}`,
      `Content-Length: ${data.length}`,
    ];
    if (spec.contentId !== undefined) headers.push(`Content-ID: ${spec.contentId}`);
    parts.push({ headers, body: data });
  }
  return { kind, eventType: content.eventType, replay: full.replay, parts, images };
}
