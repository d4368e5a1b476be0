/**
 * The httpHosts resource as the device sent it (XML or JSON), its slots normalised, and the same
 * document with one slot changed. Read-modify-write keeps everything else exactly: XML is edited
 * in place in the device's own text (every element, attribute, namespace and whitespace stays);
 * JSON keeps every key, the wrapper shape the device used and each value's JSON type.
 */
import { IsapiError } from './isapi-error';
import { parseResponseStatus, describeResponseStatus } from './response-status';
import {
  SLOT_FIELDS,
  normaliseSlot,
  slotWrites,
  type HttpHostsSlot,
  type SlotChange,
  type SlotField,
} from './http-hosts-slot';
import { quoteForeignText } from '../net/log-text';
import { escapeXmlAttribute, escapeXmlText } from '../xml/entities';
import { attribute, childElements, leafText, scanXml, type XmlDocument, type XmlElement } from '../xml/scan-xml';
import { applyTextEdits, type TextEdit } from '../xml/text-edits';
import { xmlTextForUtf8 } from '../xml/xml-bytes';
import { XmlError } from '../xml/xml-error';
import { isRecord } from '../util/is-record';

export type HttpHostsFormat = 'xml' | 'json';

type JsonPath = (string | number)[];

const LIST = 'HttpHostNotificationList';
const ITEM = 'HttpHostNotification';

export interface SlotChangeResult {
  document: HttpHostsDocument;
  changed: boolean;
  /** Names of the elements written (password included, never its value). */
  fields: SlotField[];
}

export class HttpHostsDocument {
  /** The normalised slots, in the device's order. */
  readonly slots: readonly HttpHostsSlot[];
  /**
   * XML: the root element and its namespace (`HttpHostNotificationList xmlns=…`);
   * JSON: the wrapper path (`HttpHostNotificationList[].HttpHostNotification`).
   */
  readonly shape: string;
  /** XML: the root's default namespace, or ''. */
  readonly namespace: string;

  private constructor(
    readonly format: HttpHostsFormat,
    /** The body exactly as the device sent it (or as changed by `withSlotChange`). */
    readonly raw: string,
    private readonly xml: { doc: XmlDocument; items: XmlElement[] } | null,
    private readonly json: { root: Record<string, unknown>; paths: JsonPath[]; indent: string } | null,
  ) {
    if (xml) {
      this.namespace = attribute(xml.doc.root, 'xmlns') ?? '';
      this.shape = xml.doc.root.localName + (this.namespace ? ` xmlns="${this.namespace}"` : '');
      this.slots = xml.items.map((item, i) => normaliseSlot((field) => xmlField(xml.doc, item, field), i));
    } else if (json) {
      this.namespace = '';
      this.shape = describeJsonShape(json.paths);
      this.slots = json.paths.map((path, i) => {
        const slot = jsonAt(json.root, path) as Record<string, unknown>;
        return normaliseSlot((field) => jsonField(slot, field), i);
      });
    } else {
      throw new Error('unreachable');
    }
  }

  /**
   * Reads a body of either format (sniffed from its first character). XML bytes are read in the
   * encoding their byte order mark or declaration names; `raw` is then the same document as text to
   * be sent back as UTF-8 (its declaration says so).
   */
  static parse(body: string | Buffer, expected?: HttpHostsFormat): HttpHostsDocument {
    let text: string;
    try {
      text = xmlTextForUtf8(body);
    } catch (err) {
      throw new IsapiError('protocol', `the device's httpHosts XML is malformed (${err instanceof XmlError ? err.message : String(err)})`);
    }
    const first = text.trimStart()[0];
    const format: HttpHostsFormat | null = first === '<' ? 'xml' : first === '{' || first === '[' ? 'json' : null;
    if (!format) {
      throw new IsapiError('protocol', `the device's httpHosts answer is neither XML nor JSON${expected ? ` (asked for ${expected})` : ''}: ${preview(text)}`);
    }
    return format === 'xml' ? HttpHostsDocument.parseXml(text) : HttpHostsDocument.parseJson(text);
  }

  private static parseXml(text: string): HttpHostsDocument {
    let doc: XmlDocument;
    try {
      doc = scanXml(text);
    } catch (err) {
      const reason = err instanceof XmlError ? err.message : String(err);
      throw new IsapiError('protocol', `the device's httpHosts XML is malformed (${reason})`);
    }
    let items: XmlElement[];
    if (doc.root.localName === LIST) items = childElements(doc.root, ITEM);
    else if (doc.root.localName === ITEM) items = [doc.root];
    else throw notHttpHosts(text, `root element <${doc.root.localName}>`);
    for (const item of items) {
      if (item.selfClosing) throw new IsapiError('protocol', `the device sent an empty <${ITEM}/> element`);
    }
    return new HttpHostsDocument('xml', text, { doc, items }, null);
  }

  private static parseJson(text: string): HttpHostsDocument {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new IsapiError('protocol', `the device's httpHosts JSON is malformed (${quoteForeignText((err as Error).message)})`);
    }
    if (!isRecord(parsed)) throw notHttpHosts(text, 'a JSON value that is not an object');
    const paths = findJsonSlots(parsed);
    if (paths.length === 0) throw notHttpHosts(text, `JSON keys ${Object.keys(parsed).slice(0, 5).join(', ') || '(none)'}`);
    const indent = /^\{\s*\n([ \t]+)"/.exec(text)?.[1] ?? '';
    return new HttpHostsDocument('json', text, null, { root: parsed, paths, indent });
  }

  slot(id: string): HttpHostsSlot | undefined {
    return this.slots.find((s) => s.id === id);
  }

  /**
   * The document with slot `id` changed; `changed` false (and the same document) when the slot
   * already says all that. Only the differing fields are written.
   */
  withSlotChange(id: string, change: SlotChange): SlotChangeResult {
    const index = this.slots.findIndex((s) => s.id === id);
    if (index === -1) throw new IsapiError('bad-request', `the device has no httpHosts slot "${id}"`);
    const writes = slotWrites(this.slots[index], change);
    const fields = Object.keys(writes) as SlotField[];
    if (fields.length === 0) return { document: this, changed: false, fields };
    const raw = this.xml ? this.writeXml(index, writes) : this.writeJson(index, writes);
    return { document: HttpHostsDocument.parse(raw), changed: true, fields };
  }

  /** The body for `PUT …/httpHosts/<id>`: that one slot, carrying the list's namespace. */
  slotBody(id: string): string {
    const index = this.slots.findIndex((s) => s.id === id);
    if (index === -1) throw new IsapiError('bad-request', `the device has no httpHosts slot "${id}"`);
    if (this.json) {
      const slot = jsonAt(this.json.root, this.json.paths[index]);
      return JSON.stringify({ [ITEM]: slot }, null, this.json.indent || undefined);
    }
    const { doc, items } = this.xml as { doc: XmlDocument; items: XmlElement[] };
    const item = items[index];
    let element = doc.text.slice(item.openStart, item.closeEnd);
    if (item !== doc.root) {
      // Namespace declarations live on the list element; the slot alone must carry them.
      const inherited = Object.entries(doc.root.attributes)
        .filter(([name]) => (name === 'xmlns' || name.startsWith('xmlns:') || name === 'version') && !(name in item.attributes))
        .map(([name, value]) => ` ${name}="${escapeXmlAttribute(value)}"`)
        .join('');
      const nameEnd = 1 + item.name.length;
      element = element.slice(0, nameEnd) + inherited + element.slice(nameEnd);
    }
    const declaration = /^\s*(<\?xml[^?]*\?>)/.exec(doc.text)?.[1] ?? '<?xml version="1.0" encoding="UTF-8"?>';
    return `${declaration}\n${element}`;
  }

  private writeXml(index: number, writes: Partial<Record<SlotField, string>>): string {
    const { doc, items } = this.xml as { doc: XmlDocument; items: XmlElement[] };
    const item = items[index];
    const children = childElements(item);
    const edits: TextEdit[] = [];
    const inserts = new Map<number, string[]>();
    const existing = (field: SlotField) => children.find((c) => c.localName === field);
    for (const field of SLOT_FIELDS) {
      const value = writes[field];
      if (value === undefined) continue;
      const element = existing(field);
      if (element) {
        if (childElements(element).length > 0) throw new IsapiError('protocol', `the device's <${field}> is not a plain value`);
        edits.push(element.selfClosing
          ? { start: element.openStart, end: element.openEnd, insert: `<${element.name}>${escapeXmlText(value)}</${element.name}>` }
          : { start: element.openEnd, end: element.closeStart, insert: escapeXmlText(value) });
        continue;
      }
      const { at, text } = xmlInsertion(doc, item, children, field, value);
      const list = inserts.get(at) ?? [];
      list.push(text);
      inserts.set(at, list);
    }
    for (const [at, texts] of inserts) edits.push({ start: at, end: at, insert: texts.join('') });
    return applyTextEdits(doc.text, edits);
  }

  private writeJson(index: number, writes: Partial<Record<SlotField, string>>): string {
    const { paths, indent } = this.json as { paths: JsonPath[]; indent: string };
    // A fresh parse: the original stays untouched, and nothing is shared with earlier results.
    const root = JSON.parse(this.raw) as Record<string, unknown>;
    const slot = jsonAt(root, paths[index]) as Record<string, unknown>;
    for (const field of SLOT_FIELDS) {
      const value = writes[field];
      if (value === undefined) continue;
      const key = Object.keys(slot).find((k) => k.trim() === field) ?? field;
      const current = Object.hasOwn(slot, key) ? slot[key] : undefined;
      const numeric = field === 'portNo' && (current === undefined || typeof current === 'number');
      slot[key] = numeric ? Number(value) : value;
    }
    return JSON.stringify(root, null, indent || undefined);
  }
}

function xmlField(doc: XmlDocument, item: XmlElement, field: SlotField): string | undefined {
  const element = childElements(item, field)[0] as XmlElement | undefined;
  if (!element) return undefined;
  return leafText(doc, element) ?? undefined;
}

/**
 * Where a missing element goes: after the nearest field that precedes it in schema order, else
 * before the nearest that follows, else just inside the closing tag. It copies that neighbour's
 * prefix and indentation.
 */
function xmlInsertion(doc: XmlDocument, item: XmlElement, children: XmlElement[], field: SlotField, value: string): { at: number; text: string } {
  const order = SLOT_FIELDS.indexOf(field);
  const find = (name: string) => children.find((c) => c.localName === name);
  let before: XmlElement | undefined;
  for (let i = order - 1; i >= 0 && !before; i--) before = find(SLOT_FIELDS[i]);
  let after: XmlElement | undefined;
  for (let i = order + 1; i < SLOT_FIELDS.length && !after && !before; i++) after = find(SLOT_FIELDS[i]);
  const first = children.at(0);
  const last = children.at(-1);
  const anchor = before ?? after ?? first;
  if (!anchor || !last) return { at: item.closeStart, text: `<${field}>${escapeXmlText(value)}</${field}>` };
  const prefix = anchor.name.includes(':') ? anchor.name.slice(0, anchor.name.indexOf(':') + 1) : '';
  const element = `<${prefix}${field}>${escapeXmlText(value)}</${prefix}${field}>`;
  const indent = indentationBefore(doc, item, anchor);
  if (before) return { at: before.closeEnd, text: `${indent}${element}` };
  if (after) return { at: after.openStart, text: `${element}${indent}` };
  return { at: last.closeEnd, text: `${indent}${element}` };
}

/** The whitespace (newline and indentation) just before `child` inside `parent`, or ''. */
function indentationBefore(doc: XmlDocument, parent: XmlElement, child: XmlElement): string {
  const position = parent.children.indexOf(child);
  const previous = parent.children[position - 1] as XmlElement | { kind: 'text'; start: number; end: number } | undefined;
  if (previous?.kind !== 'text') return '';
  const text = doc.text.slice(previous.start, previous.end);
  return /^\s*$/.test(text) ? text : '';
}

function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Paths to every slot object, for the wrapper shapes firmware uses. */
function findJsonSlots(root: Record<string, unknown>): JsonPath[] {
  const paths: JsonPath[] = [];
  const addItems = (value: unknown, base: JsonPath): void => {
    if (Array.isArray(value)) {
      value.forEach((entry, i) => {
        if (isRecord(entry)) paths.push([...base, i]);
      });
    } else if (isRecord(value)) {
      paths.push(base);
    }
  };
  const list = own(root, LIST);
  if (Array.isArray(list)) {
    // {"HttpHostNotificationList":[{"HttpHostNotification":{…}}, …]}
    list.forEach((entry, i) => {
      if (!isRecord(entry)) return;
      const inner = own(entry, ITEM);
      if (isRecord(inner)) paths.push([LIST, i, ITEM]);
      else if (Object.hasOwn(entry, 'id')) paths.push([LIST, i]);
    });
  } else if (isRecord(list)) {
    // {"HttpHostNotificationList":{"HttpHostNotification":[…] or {…}}}
    addItems(own(list, ITEM), [LIST, ITEM]);
  } else {
    // {"HttpHostNotification":[…]} (the seed's annex) or one slot {"HttpHostNotification":{…}}
    addItems(own(root, ITEM), [ITEM]);
  }
  return paths;
}

function describeJsonShape(paths: readonly JsonPath[]): string {
  const first = paths[0];
  return first.map((p) => (typeof p === 'number' ? '[]' : p)).join('.').replace(/\.\[\]/g, '[]');
}

function jsonAt(root: unknown, path: JsonPath): unknown {
  let value = root;
  for (const step of path) {
    if (typeof step === 'number') value = (value as unknown[])[step];
    else value = own(value as Record<string, unknown>, step);
  }
  return value;
}

function jsonField(slot: Record<string, unknown>, field: SlotField): string | undefined {
  const key = Object.keys(slot).find((k) => k.trim() === field);
  if (key === undefined) return undefined;
  const value = slot[key];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function preview(text: string): string {
  const clean = text.slice(0, 1000).replace(/\s+/g, ' ').trim();
  return clean === '' ? '(empty)' : quoteForeignText(clean, 80);
}

function notHttpHosts(text: string, what: string): IsapiError {
  const status = parseResponseStatus(text);
  if (status) return new IsapiError('device', `the device answered with a status instead of its httpHosts list: ${describeResponseStatus(status)}`, { responseStatus: status });
  return new IsapiError('protocol', `the device's answer is not an httpHosts list (${quoteForeignText(what)})`);
}
