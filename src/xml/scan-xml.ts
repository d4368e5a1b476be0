/**
 * A small, strict XML scanner that remembers where every element starts and ends in the text.
 * The httpHosts model edits a device's XML by splicing new leaf values into the original text, so
 * every element, attribute, namespace, comment and byte of whitespace the device sent goes back
 * unchanged. It follows the same rules as read-xml-object.ts (syntax.ts, entities.ts): no DOCTYPE,
 * nothing expanded beyond the predefined and numeric references, CDATA literal, quoted attributes.
 */
import { decodeXmlEntities } from './entities';
import { doctypeRefused, MAX_XML_DEPTH, nameEnd, scanAttributes } from './syntax';
import { XmlError } from './xml-error';

export interface XmlText {
  kind: 'text';
  start: number;
  end: number;
}

export interface XmlElement {
  kind: 'element';
  /** The name as written, with any prefix (`hik:id`). */
  name: string;
  /** The name without its namespace prefix (`id`). */
  localName: string;
  /** Attributes as written, values decoded. */
  attributes: Record<string, string>;
  children: XmlNode[];
  /** Offset of `<` of the opening tag. */
  openStart: number;
  /** Offset just after `>` of the opening tag (or of `/>`). */
  openEnd: number;
  /** Offset of `<` of the closing tag; equals openEnd for `<a/>`. */
  closeStart: number;
  /** Offset just after the closing tag's `>`. */
  closeEnd: number;
  selfClosing: boolean;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlDocument {
  text: string;
  root: XmlElement;
}

export interface XmlScanLimits {
  /** Deepest element nesting accepted (hostile bodies nest millions deep). */
  maxDepth: number;
  /** Most elements accepted in one document. */
  maxElements: number;
}

const DEFAULT_LIMITS: XmlScanLimits = { maxDepth: MAX_XML_DEPTH, maxElements: 20000 };

const SPACE = /[ \t\r\n]*/y;

/** Scans a whole document. Throws XmlError on anything that is not well-formed. */
export function scanXml(text: string, limits: Partial<XmlScanLimits> = {}): XmlDocument {
  const { maxDepth, maxElements } = { ...DEFAULT_LIMITS, ...limits };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let elements = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let textStart = i;

  const flushText = (end: number): void => {
    if (end <= textStart) return;
    const parent = stack.at(-1);
    if (parent) parent.children.push({ kind: 'text', start: textStart, end });
    else if (text.slice(textStart, end).trim() !== '') throw new XmlError('text outside the root element', textStart);
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    flushText(lt);
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) throw new XmlError('unterminated comment', lt);
      i = end + 3;
      // Comments inside an element count as part of its text run (kept verbatim).
      if (stack.length > 0) { textStart = lt; continue; }
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) throw new XmlError('CDATA outside the root element', lt);
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) throw new XmlError('unterminated CDATA section', lt);
      i = end + 3;
      textStart = lt;
      continue;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlError('unterminated processing instruction', lt);
      i = end + 2;
    } else if (text.startsWith('<!', lt)) {
      throw doctypeRefused(lt);
    } else if (text[lt + 1] === '/') {
      const end = nameEnd(text, lt + 2);
      if (end === lt + 2) throw new XmlError('bad closing tag', lt);
      const name = text.slice(lt + 2, end);
      SPACE.lastIndex = end;
      SPACE.exec(text);
      if (text[SPACE.lastIndex] !== '>') throw new XmlError('bad closing tag', lt);
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new XmlError(`closing tag </${name}> does not match <${open?.name ?? ''}>`, lt);
      }
      open.closeStart = lt;
      open.closeEnd = SPACE.lastIndex + 1;
      i = open.closeEnd;
    } else {
      const element = scanOpenTag(text, lt);
      elements += 1;
      if (elements > maxElements) throw new XmlError(`more than ${maxElements} elements`, lt);
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new XmlError('a second root element', lt);
      else root = element;
      i = element.openEnd;
      if (!element.selfClosing) {
        stack.push(element);
        if (stack.length > maxDepth) throw new XmlError(`elements nested deeper than ${maxDepth}`, lt);
      }
    }
    textStart = i;
  }
  flushText(text.length);
  if (stack.length > 0) throw new XmlError(`element <${stack[stack.length - 1].name}> is not closed`, text.length);
  if (!root) throw new XmlError('no root element', 0);
  return { text, root };
}

function scanOpenTag(text: string, lt: number): XmlElement {
  const end = nameEnd(text, lt + 1);
  if (end === lt + 1) throw new XmlError('bad tag', lt);
  const name = text.slice(lt + 1, end);
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  const code = text.charCodeAt(end);
  if (code !== 0x3e && code !== 0x2f && code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) {
    throw new XmlError(end >= text.length ? 'unterminated tag' : 'bad tag', lt);
  }
  let i: number;
  try {
    i = scanAttributes(text, end, (attribute, raw) => { attributes[attribute] = decodeXmlEntities(raw); });
  } catch (err) {
    throw err instanceof XmlError && err.offset === undefined ? new XmlError(err.reason.replace(/^with /, ''), lt) : err;
  }
  const selfClosing = text[i] === '/';
  const openEnd = i + (selfClosing ? 2 : 1);
  return {
    kind: 'element',
    name,
    localName: name.slice(name.indexOf(':') + 1),
    attributes,
    children: [],
    openStart: lt,
    openEnd,
    closeStart: openEnd,
    closeEnd: openEnd,
    selfClosing,
  };
}

/** An attribute's value, or undefined when the element does not carry it. */
export function attribute(element: XmlElement, name: string): string | undefined {
  return Object.hasOwn(element.attributes, name) ? element.attributes[name] : undefined;
}

/** The child elements of `parent`, optionally only those with a local name. */
export function childElements(parent: XmlElement, localName?: string): XmlElement[] {
  return parent.children.filter(
    (c): c is XmlElement => c.kind === 'element' && (localName === undefined || c.localName === localName),
  );
}

/** The decoded text of a leaf element (comments dropped, CDATA unwrapped); null when it has child elements. */
export function leafText(doc: XmlDocument, element: XmlElement): string | null {
  if (childElements(element).length > 0) return null;
  const raw = doc.text.slice(element.openEnd, element.closeStart);
  let out = '';
  const pattern = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g;
  for (let m = pattern.exec(raw); m; m = pattern.exec(raw)) {
    const cdata = m[1] as string | undefined;
    const plain = m[2] as string | undefined;
    if (cdata !== undefined) out += cdata;
    else if (plain !== undefined) out += decodeXmlEntities(plain);
  }
  return out;
}
