/**
 * A small, strict XML scanner that remembers where every element starts and ends in the text.
 * The httpHosts model edits a device's XML by splicing new leaf values into the original text, so
 * every element, attribute, namespace, comment and byte of whitespace the device sent goes back
 * unchanged. No DOCTYPE, no entity definitions: nothing is expanded.
 */

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

const DEFAULT_LIMITS: XmlScanLimits = { maxDepth: 64, maxElements: 20000 };

export class XmlScanError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlScanError';
  }
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\r\n]*/y;

/** Scans a whole document. Throws XmlScanError on anything that is not well-formed. */
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
    else if (text.slice(textStart, end).trim() !== '') throw new XmlScanError('text outside the root element', textStart);
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    flushText(lt);
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) throw new XmlScanError('unterminated comment', lt);
      i = end + 3;
      // Comments inside an element count as part of its text run (kept verbatim).
      if (stack.length > 0) { textStart = lt; continue; }
    } else if (text.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) throw new XmlScanError('CDATA outside the root element', lt);
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) throw new XmlScanError('unterminated CDATA section', lt);
      i = end + 3;
      textStart = lt;
      continue;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlScanError('unterminated processing instruction', lt);
      i = end + 2;
    } else if (text.startsWith('<!', lt)) {
      // DOCTYPE and entity declarations: a device has no reason to send them, and they are how
      // entity-expansion and external-entity attacks start.
      throw new XmlScanError('DOCTYPE or declaration not accepted', lt);
    } else if (text[lt + 1] === '/') {
      NAME.lastIndex = lt + 2;
      const m = NAME.exec(text);
      if (!m) throw new XmlScanError('bad closing tag', lt);
      SPACE.lastIndex = NAME.lastIndex;
      SPACE.exec(text);
      if (text[SPACE.lastIndex] !== '>') throw new XmlScanError('bad closing tag', lt);
      const open = stack.pop();
      if (!open || open.name !== m[0]) {
        throw new XmlScanError(`closing tag </${m[0]}> does not match <${open?.name ?? ''}>`, lt);
      }
      open.closeStart = lt;
      open.closeEnd = SPACE.lastIndex + 1;
      i = open.closeEnd;
    } else {
      const element = scanOpenTag(text, lt);
      elements += 1;
      if (elements > maxElements) throw new XmlScanError(`more than ${maxElements} elements`, lt);
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new XmlScanError('a second root element', lt);
      else root = element;
      i = element.openEnd;
      if (!element.selfClosing) {
        stack.push(element);
        if (stack.length > maxDepth) throw new XmlScanError(`elements nested deeper than ${maxDepth}`, lt);
      }
    }
    textStart = i;
  }
  flushText(text.length);
  if (stack.length > 0) throw new XmlScanError(`element <${stack[stack.length - 1].name}> is not closed`, text.length);
  if (!root) throw new XmlScanError('no root element', 0);
  return { text, root };
}

function scanOpenTag(text: string, lt: number): XmlElement {
  NAME.lastIndex = lt + 1;
  const m = NAME.exec(text);
  if (!m) throw new XmlScanError('bad tag', lt);
  const name = m[0];
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = NAME.lastIndex;
  for (;;) {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    const spaced = SPACE.lastIndex > i;
    i = SPACE.lastIndex;
    if (text[i] === '>' || text.startsWith('/>', i)) break;
    if (!spaced) throw new XmlScanError('bad tag', lt);
    NAME.lastIndex = i;
    const a = NAME.exec(text);
    if (!a) throw new XmlScanError('bad attribute', i);
    SPACE.lastIndex = NAME.lastIndex;
    SPACE.exec(text);
    i = SPACE.lastIndex;
    if (text[i] !== '=') throw new XmlScanError('attribute without value', i);
    SPACE.lastIndex = i + 1;
    SPACE.exec(text);
    i = SPACE.lastIndex;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") throw new XmlScanError('unquoted attribute value', i);
    const end = text.indexOf(quote, i + 1);
    if (end === -1) throw new XmlScanError('unterminated attribute value', i);
    const raw = text.slice(i + 1, end);
    if (raw.includes('<')) throw new XmlScanError('"<" in attribute value', i);
    if (a[0] in attributes) throw new XmlScanError(`attribute ${a[0]} repeated`, i);
    attributes[a[0]] = decodeXmlText(raw);
    i = end + 1;
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
    else if (plain !== undefined) out += decodeXmlText(plain);
  }
  return out;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and numeric references. A bare `&` that starts no valid
 * reference stays as it is: some firmware writes URLs with unescaped `&`.
 */
export function decodeXmlText(raw: string): string {
  return raw.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return Object.hasOwn(NAMED_ENTITIES, ref) ? NAMED_ENTITIES[ref] : whole;
  });
}

export function escapeXmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value).replace(/"/g, '&quot;');
}

/** One replacement of the text between two offsets of the original document. */
export interface TextEdit {
  start: number;
  end: number;
  insert: string;
}

/** Applies non-overlapping edits (given in any order) to the original text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error('overlapping XML edits');
    out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}
