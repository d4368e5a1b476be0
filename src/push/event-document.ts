/** One event document (a whole XML/JSON/form body, or the event part of a multipart body) to events. */
import type { HikEvent, PushFormat } from './hik-event';
import { parseFormEvents } from './form-events';
import { parseJsonEvents } from './json-events';
import { toHikEvent } from './normalise-event';
import { PushError } from './push-error';
import { firstSignificantByte } from './sniff-body';
import { hasUtf16Bom } from '../xml/xml-bytes';
import { parseXmlEventBytes } from './xml-events';

const LT = 0x3c, BRACE = 0x7b, BRACKET = 0x5b;

/**
 * The format is taken from the first bytes, not from any Content-Type.
 * @param allowForm whether text that is neither XML nor JSON may be read as urlencoded fields
 * @param maxEvents more events than this are refused (too-large) before any becomes a HikEvent
 */
export function parseEventDocument(doc: Buffer, allowForm: boolean, maxEvents = Infinity): HikEvent[] {
  const start = firstSignificantByte(doc);
  if (start === -1) throw new PushError('empty', 'empty event document');
  const first = doc[start];
  if (first === LT || hasUtf16Bom(doc)) return toHikEvents(parseXmlEventBytes(doc, start), 'xml', maxEvents);
  const text = doc.toString('utf8', start);
  if (first === BRACE || first === BRACKET) return toHikEvents(parseJsonEvents(text), 'json', maxEvents);
  if (!allowForm) throw new PushError('malformed', 'event part is neither XML nor JSON');
  const { format, events } = parseFormEvents(text);
  return toHikEvents(events, format, maxEvents);
}

function toHikEvents(events: Record<string, unknown>[], format: PushFormat, maxEvents: number): HikEvent[] {
  if (events.length > maxEvents) throw new PushError('too-large', `body with more than ${maxEvents} events`);
  return events.map((event) => toHikEvent(event, format));
}
