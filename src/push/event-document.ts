/** One event document (a whole XML/JSON/form body, or the event part of a multipart body) to events. */
import type { HikEvent } from './hik-event';
import { parseFormEvents } from './form-events';
import { parseJsonEvents } from './json-events';
import { toHikEvent } from './normalise-event';
import { PushError } from './push-error';
import { firstSignificantByte } from './sniff-body';
import { parseXmlEvents } from './xml-events';

const LT = 0x3c, BRACE = 0x7b, BRACKET = 0x5b;

/**
 * The format is taken from the first bytes, not from any Content-Type.
 * @param allowForm whether text that is neither XML nor JSON may be read as urlencoded fields
 */
export function parseEventDocument(doc: Buffer, allowForm: boolean): HikEvent[] {
  const start = firstSignificantByte(doc);
  if (start === -1) throw new PushError('empty', 'empty event document');
  const first = doc[start];
  const text = doc.toString('utf8', start);
  if (first === LT) return parseXmlEvents(text).map((event) => toHikEvent(event, 'xml'));
  if (first === BRACE || first === BRACKET) return parseJsonEvents(text).map((event) => toHikEvent(event, 'json'));
  if (!allowForm) throw new PushError('malformed', 'event part is neither XML nor JSON');
  const { format, events } = parseFormEvents(text);
  return events.map((event) => toHikEvent(event, format));
}
