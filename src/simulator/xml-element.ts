/**
 * A small ordered XML tree, shared by the simulated device's documents (httpHosts slots kept as
 * the client sent them, event bodies built in the device's own style). It renders as XML or as
 * JSON, and it reads from either.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

type JsonScalarType = 'string' | 'number' | 'boolean';

export interface XmlElement {
  name: string;
  /** Attributes in document order (`version`, `xmlns`, …). */
  attrs?: [string, string][];
  /** Text of a leaf; ignored when there are children. */
  text?: string;
  children?: XmlElement[];
  /** How the leaf reads in JSON (default string). */
  jsonType?: JsonScalarType;
  /** Render an empty leaf as `<name/>` instead of `<name></name>`. */
  selfClose?: boolean;
  /** Write the text without escaping `&` (a device quirk). */
  rawAmp?: boolean;
}

/** A leaf whose JSON type follows the JavaScript value. */
export function leaf(name: string, value: string | number | boolean): XmlElement {
  const jsonType: JsonScalarType = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
  return { name, text: String(value), jsonType };
}

export function element(name: string, children: XmlElement[], attrs?: [string, string][]): XmlElement {
  return { name, children, attrs };
}

function escapeText(text: string, rawAmp: boolean): string {
  const amp = rawAmp ? text : text.replace(/&/g, '&amp;');
  return amp.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

export interface XmlStyle {
  /** The XML declaration line, or null for none. */
  declaration?: string | null;
  /** Per nesting level: '', '  ', '\t', … */
  indent?: string;
  eol?: '\n' | '\r\n' | '';
  /** End the document with a line break. */
  finalEol?: boolean;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function renderXml(root: XmlElement, style: XmlStyle = {}): string {
  const indent = style.indent ?? '';
  const eol = style.eol ?? '\n';
  const lines: string[] = [];
  if (style.declaration !== null) lines.push(style.declaration ?? XML_DECLARATION);
  const walk = (node: XmlElement, depth: number): void => {
    const pad = indent.repeat(depth);
    const attrs = (node.attrs ?? []).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
    const children = node.children ?? [];
    if (children.length > 0) {
      lines.push(`${pad}<${node.name}${attrs}>`);
      for (const child of children) walk(child, depth + 1);
      lines.push(`${pad}</${node.name}>`);
      return;
    }
    const text = node.text ?? '';
    if (text === '' && node.selfClose) lines.push(`${pad}<${node.name}${attrs}/>`);
    else lines.push(`${pad}<${node.name}${attrs}>${escapeText(text, node.rawAmp === true)}</${node.name}>`);
  };
  walk(root, 0);
  return lines.join(eol) + (style.finalEol ? eol : '');
}

function scalar(node: XmlElement): string | number | boolean {
  const text = node.text ?? '';
  if (node.jsonType === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (node.jsonType === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/**
 * The JSON reading of an element's content: children become keys (repeated names an array, in
 * first-seen order), leaves scalars. Objects have no prototype, so no key can reach one.
 */
export function toJsonValue(node: XmlElement): unknown {
  const children = node.children ?? [];
  if (children.length === 0) return scalar(node);
  const grouped = new Map<string, unknown[]>();
  for (const child of children) {
    const list = grouped.get(child.name) ?? [];
    list.push(toJsonValue(child));
    grouped.set(child.name, list);
  }
  const object = Object.create(null) as Record<string, unknown>;
  for (const [name, values] of grouped) object[name] = values.length === 1 ? values[0] : values;
  return object;
}

/** The element form of a JSON value: objects become children, arrays repeated children. */
export function fromJsonValue(name: string, value: unknown): XmlElement[] {
  if (Array.isArray(value)) return value.flatMap((item) => fromJsonValue(name, item));
  if (value !== null && typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => fromJsonValue(k, v));
    return [{ name, children }];
  }
  if (typeof value === 'number') return [leaf(name, value)];
  if (typeof value === 'boolean') return [leaf(name, value)];
  return [{ name, text: typeof value === 'string' ? value : '', jsonType: 'string' }];
}

export class XmlSyntaxError extends Error {}

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

function convert(node: OrderedNode): XmlElement | null {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name.startsWith('?') || name.startsWith('!')) return null;
  const content = node[name];
  const rawAttrs = node[':@'];
  const attrs = rawAttrs && typeof rawAttrs === 'object'
    ? Object.entries(rawAttrs as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])
    : undefined;
  const result: XmlElement = { name, attrs: attrs && attrs.length > 0 ? attrs : undefined };
  const children: XmlElement[] = [];
  let text = '';
  for (const item of Array.isArray(content) ? (content as OrderedNode[]) : []) {
    if ('#text' in item) text += String(item['#text']);
    else {
      const child = convert(item);
      if (child) children.push(child);
    }
  }
  if (children.length > 0) result.children = children;
  else result.text = text;
  return result;
}

/** Parses a whole document to its root element; throws XmlSyntaxError on anything malformed. */
export function parseXmlDocument(text: string): XmlElement {
  // A device's small XML parser knows nothing of DTDs; refuse them rather than expand entities.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlSyntaxError('DTDs are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg);
  let nodes: unknown;
  try {
    nodes = parser.parse(text);
  } catch (err) {
    throw new XmlSyntaxError(err instanceof Error ? err.message : String(err));
  }
  const roots = (Array.isArray(nodes) ? (nodes as OrderedNode[]) : []).map(convert).filter((n): n is XmlElement => n !== null);
  if (roots.length !== 1) throw new XmlSyntaxError('expected exactly one root element');
  return roots[0];
}

/** The part after a namespace prefix (`ns1:id` → `id`). */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}
