/**
 * XML event documents to plain objects, the way flows want them: every leaf a trimmed string (plates
 * like `0123` and card numbers keep their zeros), namespace prefixes gone, attributes dropped (they
 * are only `version`/`xmlns` on events, and keeping them would turn `<serialNumber xmlns=…>` leaves
 * into objects), repeated elements arrays. Children of any `…List` element are always arrays
 * (`DetectionRegionList.DetectionRegionEntry[0]`, `pictureInfoList.pictureInfo[0]`,
 * `DurationList.Duration[0]`), so flows need not test for one-versus-many.
 *
 * Reading is xml-reader.ts: strict and safe (no entity is ever defined or expanded beyond the five
 * XML ones and character references, no prototype can change, depth is bounded, a document cut
 * short is refused).
 */
import { EVENT_ROOT, readXml } from './xml-reader';
import { PushError } from './push-error';
import { isRecord } from '../util/is-record';

export { decodeXmlEntities, EVENT_ROOT, MAX_XML_DEPTH } from './xml-reader';

const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * The events in an XML document: each `EventNotificationAlert` (several roots, or inside a wrapper
 * root such as `EventNotificationAlertList`) gives its content. Another root gives its content when
 * that holds an `eventType`, else `{ <root>: content }` so the user still sees what came.
 */
export function parseXmlEvents(text: string): Record<string, unknown>[] {
  const doc = readXml(text);
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

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** An element's content as an object: `<EventNotificationAlert/>` is `{}`; bare text is refused. */
function elementObject(content: unknown): Record<string, unknown> {
  if (isRecord(content)) return content;
  if (content === '' || content === undefined) return {};
  throw new PushError('malformed', `${EVENT_ROOT} holds text instead of elements`);
}
