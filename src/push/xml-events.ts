/**
 * XML event documents to plain objects, the way flows want them: every leaf a trimmed string (plates
 * like `0123` and card numbers keep their zeros), namespace prefixes gone, attributes dropped (they
 * are only `version`/`xmlns` on events, and keeping them would turn `<serialNumber xmlns=…>` leaves
 * into objects), repeated elements arrays. Children of any `…List` element are always arrays
 * (`DetectionRegionList.DetectionRegionEntry[0]`, `pictureInfoList.pictureInfo[0]`,
 * `DurationList.Duration[0]`), so flows need not test for one-versus-many.
 *
 * Safety: entities are not processed by the parser (no DOCTYPE entity is ever expanded, external
 * ones make the document malformed); only the five XML entities and character references are decoded
 * here, and a stray `&` stays as it is. Elements named `__proto__`, `constructor` or `prototype` make
 * fast-xml-parser refuse the document, which becomes a malformed-body error: no prototype can change.
 */
import { XMLParser } from 'fast-xml-parser';
import { PushError } from './push-error';

export const EVENT_ROOT = 'EventNotificationAlert';

/** Deeper documents are refused (events nest about 5 levels). */
export const MAX_XML_DEPTH = 64;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
  jPath: false,
  tagValueProcessor: (_tag: string, value: string) => (value.includes('&') ? decodeXmlEntities(value) : value),
  isArray: (tag, path) => {
    if (tag === EVENT_ROOT) return true;
    const names = typeof path === 'string' ? path.split('.') : path.toArray();
    const parent = names.length >= 2 ? names[names.length - 2] : '';
    return parent.endsWith('List');
  },
});

const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlEntities(value: string): string {
  return value.replace(ENTITY, (whole, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return NAMED[name];
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * The events in an XML document: each `EventNotificationAlert` (several roots, or inside a wrapper
 * root such as `EventNotificationAlertList`) gives its content. Another root gives its content when
 * that holds an `eventType`, else `{ <root>: content }` so the user still sees what came.
 */
export function parseXmlEvents(text: string): Record<string, unknown>[] {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch {
    // the parser's message quotes the document (names, plates): say only what failed
    throw new PushError('malformed', 'XML not readable');
  }
  const roots = Object.keys(doc).filter((name) => name !== '#text');
  if (roots.length === 0) throw new PushError('malformed', 'XML without an element');
  for (const root of roots) {
    if (!XML_NAME.test(root)) throw new PushError('malformed', 'XML with an invalid element name');
  }
  if (!endsWithRootClose(text, roots)) throw new PushError('malformed', 'XML cut short (the root element is not closed)');

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An element's content as an object: `<EventNotificationAlert/>` is `{}`; bare text is refused. */
function elementObject(content: unknown): Record<string, unknown> {
  if (isRecord(content)) return content;
  if (content === '' || content === undefined) return {};
  throw new PushError('malformed', `${EVENT_ROOT} holds text instead of elements`);
}

/**
 * fast-xml-parser accepts a document cut in the middle (it closes what is open), so check that the
 * text ends by closing (or self-closing) one of its root elements; a trailing comment or processing
 * instruction is fine.
 */
function endsWithRootClose(text: string, roots: readonly string[]): boolean {
  const end = text.trimEnd();
  if (!end.endsWith('>')) return false;
  const lastTag = end.lastIndexOf('<');
  if (lastTag === -1) return false;
  const tag = end.slice(lastTag);
  if (tag.startsWith('<!--') || tag.startsWith('<?')) return true;
  const match = /^<(\/?)\s*(?:[\w.-]+:)?([\w.-]+)[\s\S]*?(\/?)>$/.exec(tag);
  if (!match) return false;
  const closing = match[1] === '/';
  const selfClosing = match[3] === '/';
  return (closing || selfClosing) && roots.includes(match[2]);
}
