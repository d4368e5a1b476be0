/**
 * A small, strict XML-to-object reader for event documents, in one pass over the text with an
 * explicit stack (no recursion, so no depth can overflow it). It gives the shape the listener has
 * always delivered (that of fast-xml-parser with the options xml-events.ts used before, checked by a
 * differential test on every stored device sample), at a fraction of the cost:
 * - leaves are trimmed strings (`0123` stays `0123`); an element without content is '';
 * - namespace prefixes are stripped (`ns1:eventType` → `eventType`); attributes are dropped;
 * - repeated elements become arrays; children of any `…List` element, and every
 *   `EventNotificationAlert`, are arrays even when single;
 * - text beside child elements goes to `#text`; line ends in text are `\n`;
 * - only the five XML entities and character references are decoded (entities.ts); nothing else is
 *   expanded; CDATA is literal.
 *
 * Refused (XmlError, never quoting the document): a document cut short, a closing tag that does
 * not match, names that are not XML names, attributes not written `name="value"` (syntax.ts, shared
 * with scan-xml.ts), elements named `__proto__`, `constructor` or `prototype`, nesting deeper than
 * {@link MAX_XML_DEPTH}, any DOCTYPE, and text outside the root elements. Names of Object.prototype
 * members such as `toString` or `hasOwnProperty` get two leading underscores (`__toString`), as
 * fast-xml-parser names them, so built-in methods of the result stay usable.
 */
import { decodeXmlEntities } from './entities';
import { doctypeRefused, isNameChar, isNameStart, isSpace, MAX_XML_DEPTH, scanAttributes } from './syntax';
import { XmlError } from './xml-error';

export const EVENT_ROOT = 'EventNotificationAlert';
export { MAX_XML_DEPTH };

/** Names that would change an object's prototype if used as keys. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** Names of Object.prototype members: kept, with two leading underscores. */
const SHADOWING_NAMES = new Set([
  'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);

/** What the reader needs to know about an element name, worked out once per name. */
interface ElementName {
  /** As written in the tag, prefix included: the closing tag must repeat it. */
  raw: string;
  /** Prefix stripped, Object.prototype names escaped: the key in the parent. */
  key: string;
  /** Whether this element's children are always arrays. */
  isList: boolean;
}

/**
 * Names seen before, by a hash of their characters: devices send the same few dozen names in every
 * document, and a name found here is neither copied out of the text nor hashed again as a property
 * key. Bounded (a fixed number of slots, short names only), shared by all documents.
 */
const NAME_SLOTS = 1024;
const MAX_CACHED_NAME = 64;
const nameCache: (ElementName | undefined)[] = new Array<ElementName | undefined>(NAME_SLOTS).fill(undefined);

/** The name at `text[start, end)` (`colon`: its prefix separator, or -1); throws for forbidden names. */
function elementName(text: string, start: number, end: number, colon: number, hash: number): ElementName {
  const cacheable = end - start <= MAX_CACHED_NAME;
  const slot = hash & (NAME_SLOTS - 1);
  const cached = nameCache[slot];
  if (cached !== undefined && cached.raw.length === end - start && sameChars(text, start, cached.raw)) return cached;
  const raw = text.slice(start, end);
  const local = colon === -1 ? raw : text.slice(colon + 1, end);
  if (!isNameStart(local.charCodeAt(0))) throw malformed('with an invalid element name');
  if (FORBIDDEN_NAMES.has(local)) throw malformed('with a forbidden element name');
  const key = SHADOWING_NAMES.has(local) ? `__${local}` : local;
  if (!cacheable) return { raw, key, isList: key.endsWith('List') };
  // own flat copies: a slice would keep the whole document it came from alive in the cache
  const name: ElementName = { raw: ownString(raw), key: ownString(key), isList: key.endsWith('List') };
  nameCache[slot] = name;
  return name;
}

/** The string as a property key: a flat, internalized copy that refers to no larger string. */
function ownString(value: string): string {
  return Object.keys({ [value]: 0 })[0] ?? value;
}

function sameChars(text: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (text.charCodeAt(start + i) !== name.charCodeAt(i)) return false;
  return true;
}

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, QUESTION = 0x3f, BANG = 0x21;
const COLON = 0x3a, CR = 0x0d, AMP = 0x26;

function malformed(why: string): XmlError {
  return new XmlError(why);
}

/** An open element. */
class Frame {
  /** Child elements by name; null until the first child. */
  children: Record<string, unknown> | null = null;
  /** Text pieces so far, trimmed and decoded, joined. */
  text = '';

  constructor(readonly name: ElementName) {}
}

const DOCUMENT: ElementName = { raw: '', key: '', isList: false };

/**
 * Reads a document into `{ <root>: content }` (several roots side by side; a repeated root name or
 * `EventNotificationAlert` as an array). Throws XmlError.
 */
export function readXml(text: string): Record<string, unknown> {
  const top = new Frame(DOCUMENT);
  top.children = {};
  const stack: Frame[] = [];
  let current = top;
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let sawRoot = false;
  // text not yet taken into `current`: from textFrom to the next markup, after `carried` (text
  // before a comment, which does not split a piece)
  let textFrom = pos;
  let carried = '';

  for (;;) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) {
      addText(current, top, textBefore(text, textFrom, length, carried));
      break;
    }
    const next = text.charCodeAt(lt + 1);
    if (next === SLASH) {
      addText(current, top, textBefore(text, textFrom, lt, carried));
      carried = '';
      if (current === top) throw malformed(text.includes('>', lt) ? 'with a closing tag that closes nothing' : 'cut short');
      const after = closingTagEnd(text, lt, current.name.raw);
      if (after === -1) throw malformed(text.includes('>', lt) ? 'with a closing tag that does not match' : 'cut short');
      const done = current;
      const parent = stack.pop() ?? top;
      current = parent;
      attach(parent, done.name.key, value(done));
      pos = after;
    } else if (next === QUESTION) {
      addText(current, top, textBefore(text, textFrom, lt, carried));
      carried = '';
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw malformed('cut short');
      pos = end + 2;
    } else if (next === BANG) {
      if (text.startsWith('!--', lt + 1)) {
        // a comment does not split the text around it
        const end = text.indexOf('-->', lt + 4);
        if (end === -1) throw malformed('cut short');
        carried += text.slice(textFrom, lt);
        pos = end + 3;
        textFrom = pos;
        continue;
      }
      addText(current, top, textBefore(text, textFrom, lt, carried));
      carried = '';
      if (text.startsWith('![CDATA[', lt + 1)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) throw malformed('cut short');
        if (current === top) throw malformed('with text outside the root element');
        // literal: `&amp;` inside CDATA stays `&amp;`
        let data = text.slice(lt + 9, end);
        if (data.includes('\r')) data = data.replace(/\r\n?/g, '\n');
        current.text += data;
        pos = end + 3;
      } else {
        throw doctypeRefused();
      }
    } else {
      addText(current, top, textBefore(text, textFrom, lt, carried));
      carried = '';
      let nameEnd = lt + 1;
      if (!isNameStart(text.charCodeAt(nameEnd))) throw malformed(nameEnd >= length ? 'cut short' : 'with an invalid element name');
      let colon = -1;
      let hash = text.charCodeAt(nameEnd);
      for (nameEnd++; nameEnd < length; nameEnd++) {
        const code = text.charCodeAt(nameEnd);
        if (isNameChar(code)) {
          hash = (Math.imul(hash, 31) + code) | 0;
        } else if (code === COLON && colon === -1) {
          colon = nameEnd;
          hash = (Math.imul(hash, 31) + code) | 0;
        } else {
          break;
        }
      }
      if (nameEnd >= length) throw malformed('cut short');
      const after = text.charCodeAt(nameEnd);
      let end: number;
      if (after === GT) end = nameEnd;
      else if (after === SLASH && text.charCodeAt(nameEnd + 1) === GT) end = nameEnd + 1;
      else if (isSpace(after)) end = closeOfTag(text, nameEnd);
      else throw malformed(after === LT ? 'with an unclosed tag' : 'with an invalid element name');
      if (colon === nameEnd - 1) throw malformed('with an invalid element name');
      const selfClosing = text.charCodeAt(end - 1) === SLASH && end - 1 >= nameEnd;
      const name = elementName(text, lt + 1, nameEnd, colon, hash);
      if (current === top) sawRoot = true;
      if (stack.length >= MAX_XML_DEPTH) throw malformed(`nested deeper than ${MAX_XML_DEPTH} levels`);
      pos = end + 1;
      if (selfClosing) {
        attach(current, name.key, '');
      } else {
        // the common case, `<name>text</name>`, is read without opening a frame
        const closeAt = text.indexOf('<', pos);
        const leafEnd = closeAt === -1 ? -1 : closingTagEnd(text, closeAt, name.raw);
        if (leafEnd !== -1) {
          attach(current, name.key, textAt(text, pos, closeAt));
          pos = leafEnd;
        } else {
          stack.push(current);
          current = new Frame(name);
        }
      }
    }
    textFrom = pos;
  }
  if (current !== top) throw malformed('cut short (an element is not closed)');
  if (!sawRoot) throw malformed('without an element');
  return top.children;
}

/** The text from `from` to `end` (after `carried`, text before a comment) as a piece of its element's text; '' when blank. */
function textBefore(text: string, from: number, end: number, carried: string): string {
  return carried === '' ? textAt(text, from, end) : textValue(carried + text.slice(from, end));
}

function addText(frame: Frame, top: Frame, piece: string): void {
  if (piece === '') return;
  if (frame === top) throw malformed('with text outside the root element');
  frame.text += piece;
}

/** Text as delivered: trimmed, line ends `\n`, entities decoded (a `&#13;` spelled out stays a CR). */
function textValue(raw: string): string {
  let value = raw.trim();
  if (value.includes('\r')) value = value.replace(/\r\n?/g, '\n');
  if (value.includes('&')) value = decodeXmlEntities(value);
  return value;
}

/** textValue of `text[from, to)`, with one copy and one pass in the usual case (ASCII ends, nothing to decode). */
function textAt(text: string, from: number, to: number): string {
  let start = from;
  let end = to;
  while (start < end && isTrimmed(text.charCodeAt(start))) start++;
  while (end > start && isTrimmed(text.charCodeAt(end - 1))) end--;
  if (start === end) return '';
  // JavaScript's trim also drops Unicode spaces: it decides when an end is not ASCII
  if (text.charCodeAt(start) > 0x7f || text.charCodeAt(end - 1) > 0x7f) return textValue(text.slice(start, end));
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === AMP || code === CR) return textValue(text.slice(start, end));
  }
  return text.slice(start, end);
}

/** The ASCII characters String.prototype.trim removes. */
function isTrimmed(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** When `text` has `</name>` at `lt` (blanks allowed around the name), the position after it; else -1. */
function closingTagEnd(text: string, lt: number, name: string): number {
  if (text.charCodeAt(lt + 1) !== SLASH) return -1;
  let pos = lt + 2;
  while (isSpace(text.charCodeAt(pos))) pos++;
  if (!sameChars(text, pos, name)) return -1;
  pos += name.length;
  while (isSpace(text.charCodeAt(pos))) pos++;
  return text.charCodeAt(pos) === GT ? pos + 1 : -1;
}

/** An element's value once closed: its text, or its children (with `#text` beside them when both). */
function value(frame: Frame): unknown {
  const children = frame.children;
  if (children === null) return frame.text;
  if (frame.text !== '') children['#text'] = frame.text;
  return children;
}

function attach(parent: Frame, key: string, child: unknown): void {
  let children = parent.children;
  if (children === null) {
    children = {};
    parent.children = children;
  }
  const previous = children[key];
  if (previous !== undefined && Object.prototype.hasOwnProperty.call(children, key)) {
    if (Array.isArray(previous)) previous.push(child);
    else children[key] = [previous, child];
  } else {
    children[key] = parent.name.isList || key === EVENT_ROOT ? [child] : child;
  }
}

/** The position of the `>` ending a tag whose attributes start at `from` (attributes checked, then dropped). */
function closeOfTag(text: string, from: number): number {
  const at = scanAttributes(text, from, null);
  return text.charCodeAt(at) === SLASH ? at + 1 : at;
}
