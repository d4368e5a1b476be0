/**
 * XML event documents to plain objects, the way flows want them: every leaf a trimmed string (plates
 * like `0123` and card numbers keep their zeros), namespace prefixes gone, attributes dropped (they
 * are only `version`/`xmlns` on events, and keeping them would turn `<serialNumber xmlns=…>` leaves
 * into objects), repeated elements arrays. Children of any `…List` element are always arrays
 * (`DetectionRegionList.DetectionRegionEntry[0]`, `pictureInfoList.pictureInfo[0]`,
 * `DurationList.Duration[0]`), so flows need not test for one-versus-many.
 *
 * Reading is src/xml/read-xml-object.ts: strict and safe (no DOCTYPE, no entity expanded beyond the
 * five XML ones and character references, no prototype can change, depth is bounded, a document
 * cut short is refused).
 */
import { decodeXmlBytes } from '../xml/xml-bytes';
import { EVENT_ROOT, readXml } from '../xml/read-xml-object';
import { XmlError } from '../xml/xml-error';
import { PushError } from './push-error';
import { isRecord } from '../util/is-record';

export { decodeXmlEntities } from '../xml/entities';
export { EVENT_ROOT, MAX_XML_DEPTH } from '../xml/read-xml-object';

const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * The events in an XML document: each `EventNotificationAlert` (several roots, or inside a wrapper
 * root such as `EventNotificationAlertList`) gives its content. Another root gives its content when
 * that holds an `eventType`, else `{ <root>: content }` so the user still sees what came.
 */
export function parseXmlEvents(text: string): Record<string, unknown>[] {
  const doc = readXmlEvents(text);
  const roots = Object.keys(doc);
  for (const root of roots) {
    if (!XML_NAME.test(root)) throw new PushError('malformed', 'XML with an invalid element name');
  }

  const events: Record<string, unknown>[] = [];
  for (const root of roots) {
    for (const content of asList(doc[root])) {
      if (root === EVENT_ROOT) {
        events.push(elementObject(content));
      } else if (isRecord(content) && EVENT_ROOT in content) {
        for (const inner of asList(content[EVENT_ROOT])) events.push(elementObject(inner));
      } else if (isRecord(content) && 'eventType' in content) {
        events.push(content);
      } else {
        events.push({ [root]: content });
      }
    }
  }
  return events;
}

/**
 * An XML event document's bytes (from `start`, its first significant byte) to events, read in the
 * encoding its byte order mark or declaration names.
 */
export function parseXmlEventBytes(bytes: Buffer, start: number): Record<string, unknown>[] {
  let text: string;
  try {
    text = decodeXmlBytes(bytes, start).text;
  } catch (err) {
    throw err instanceof XmlError ? new PushError('malformed', err.message) : err;
  }
  return parseXmlEvents(text);
}

function readXmlEvents(text: string): Record<string, unknown> {
  try {
    return readXml(text);
  } catch (err) {
    throw err instanceof XmlError ? new PushError('malformed', err.message) : err;
  }
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** An element's content as an object: `<EventNotificationAlert/>` is `{}`; bare text is refused. */
function elementObject(content: unknown): Record<string, unknown> {
  if (isRecord(content)) return content;
  if (content === '' || content === undefined) return {};
  throw new PushError('malformed', `${EVENT_ROOT} holds text instead of elements`);
}
