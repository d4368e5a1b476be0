/**
 * The device's httpHosts slots: where it pushes events. Each slot is kept as the ordered elements
 * the client sent (unknown ones and their namespaces included), rendered back in XML or JSON.
 * PUTs are validated the way firmware does it — all or nothing, `badXmlContent`/`badJsonContent`
 * naming the offending field — and `password` is stored but never read back.
 */
import net from 'node:net';
import { STATUS, type DeviceStatus } from './response-status';
import {
  element, fromJsonValue, leaf, localName, parseXmlDocument, renderXml, toJsonValue, XML_DECLARATION,
  XmlSyntaxError, type XmlElement,
} from '../xml-element';

export interface SimSlot {
  id: string;
  url: string;
  protocolType: 'HTTP' | 'HTTPS';
  parameterFormatType: 'XML' | 'json' | 'querystring';
  addressingFormatType: 'ipaddress' | 'hostname';
  ipAddress: string;
  hostName: string;
  portNo: number;
  httpAuthenticationMethod: 'none' | 'MD5digest' | 'base64';
  userName: string;
  password: string;
  /** True when the slot points somewhere (not 0.0.0.0 / empty): the device pushes to it. */
  enabled: boolean;
  /** Every element stored for the slot, in order, exactly as last written (password included). */
  elements: XmlElement[];
}

/** Which JSON shape the device answers with; PUT accepts all three. */
export type JsonWrapper = 'list' | 'flat' | 'nested';

export type PutResult =
  | { ok: true; changed: string[] }
  | { ok: false; status: DeviceStatus; errorMsg: string };

export interface SlotStoreOptions {
  nvr: boolean;
  namespace: string;
  count: number;
  presets?: Partial<SimSlot>[];
}

const XML_NAME = /^[A-Za-z_][\w.:-]*$/;
const TYPED: Record<string, 'number' | 'boolean' | 'string'> = {
  id: 'string', portNo: 'number', httpBroken: 'boolean', intervalBetweenEvents: 'number', heartbeat: 'number',
};

class InvalidSlot extends Error {
  constructor(readonly field: string) {
    super(field);
  }
}

function text(elements: XmlElement[], name: string): string | undefined {
  const found = elements.find((e) => localName(e.name) === name);
  return found ? (found.text ?? '').trim() : undefined;
}

function clone(elements: XmlElement[]): XmlElement[] {
  return elements.map((e) => ({
    ...e,
    attrs: e.attrs?.map(([k, v]): [string, string] => [k, v]),
    children: e.children ? clone(e.children) : undefined,
  }));
}

/** Known leaves get the JSON types devices use; nested elements are typed the same way. */
function typed(elements: XmlElement[]): XmlElement[] {
  return elements.map((e) => {
    if (e.children && e.children.length > 0) return { ...e, children: typed(e.children) };
    const jsonType = TYPED[localName(e.name)] as 'number' | 'boolean' | 'string' | undefined;
    return jsonType ? { ...e, jsonType } : e;
  });
}

function slotView(elements: XmlElement[]): SimSlot {
  const protocol = (text(elements, 'protocolType') ?? 'HTTP').toUpperCase();
  const format = (text(elements, 'parameterFormatType') ?? 'XML').toLowerCase();
  const auth = (text(elements, 'httpAuthenticationMethod') ?? 'none').toLowerCase();
  const addressing = (text(elements, 'addressingFormatType') ?? 'ipaddress').toLowerCase() === 'hostname' ? 'hostname' : 'ipaddress';
  const ipAddress = text(elements, 'ipAddress') ?? '';
  const hostName = text(elements, 'hostName') ?? '';
  const portNo = Number(text(elements, 'portNo') ?? '80');
  const address = addressing === 'hostname' ? hostName : ipAddress;
  return {
    id: text(elements, 'id') ?? '',
    url: text(elements, 'url') ?? '',
    protocolType: protocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
    parameterFormatType: format === 'json' ? 'json' : format === 'querystring' ? 'querystring' : 'XML',
    addressingFormatType: addressing,
    ipAddress,
    hostName,
    portNo,
    httpAuthenticationMethod: auth === 'md5digest' ? 'MD5digest' : auth === 'base64' || auth === 'basic' ? 'base64' : 'none',
    userName: text(elements, 'userName') ?? '',
    password: text(elements, 'password') ?? '',
    enabled: address !== '' && address !== '0.0.0.0' && address !== '::' && portNo > 0,
    elements: clone(elements),
  };
}

function defaultSlot(id: number, nvr: boolean): XmlElement[] {
  const elements = [
    leaf('id', String(id)),
    leaf('url', '/'),
    leaf('protocolType', 'HTTP'),
    leaf('parameterFormatType', 'XML'),
    leaf('addressingFormatType', 'ipaddress'),
    leaf('ipAddress', '0.0.0.0'),
    leaf('portNo', 80),
  ];
  if (nvr) {
    elements.push(
      leaf('httpAuthenticationMethod', 'none'),
      element('Extensions', [leaf('intervalBetweenEvents', 0)], [['xmlns', 'urn:selfextension:psiaext-ver10-xsd']]),
    );
  } else {
    elements.push(leaf('userName', ''), leaf('httpAuthenticationMethod', 'none'), leaf('httpBroken', false));
  }
  return typed(elements);
}

/** Replaces each named element (by local name) with the client's, in place; new names go at the end. */
function merge(stored: XmlElement[], incoming: XmlElement[]): XmlElement[] {
  let result = clone(stored);
  for (const name of new Set(incoming.map((e) => localName(e.name)))) {
    const replacements = clone(incoming.filter((e) => localName(e.name) === name));
    const at = result.findIndex((e) => localName(e.name) === name);
    if (at === -1) {
      result.push(...replacements);
      continue;
    }
    result = [...result.slice(0, at), ...replacements, ...result.slice(at).filter((e) => localName(e.name) !== name)];
  }
  return result;
}

function oneOf(value: string | undefined, field: string, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value.toLowerCase())) throw new InvalidSlot(field);
}

/** The checks firmware makes on a slot before storing it. */
function validate(merged: XmlElement[]): void {
  oneOf(text(merged, 'protocolType'), 'protocolType', ['http', 'https', 'ehome']);
  oneOf(text(merged, 'parameterFormatType'), 'parameterFormatType', ['xml', 'json', 'querystring', '']);
  oneOf(text(merged, 'addressingFormatType'), 'addressingFormatType', ['ipaddress', 'hostname']);
  oneOf(text(merged, 'httpAuthenticationMethod'), 'httpAuthenticationMethod', ['none', 'md5digest', 'base64', 'basic']);
  const port = text(merged, 'portNo');
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) throw new InvalidSlot('portNo');
  if ((text(merged, 'url') ?? '').length > 128) throw new InvalidSlot('url');
  if ((text(merged, 'userName') ?? '').length > 32) throw new InvalidSlot('userName');
  if ((text(merged, 'password') ?? '').length > 16) throw new InvalidSlot('password');
  if ((text(merged, 'addressingFormatType') ?? 'ipaddress').toLowerCase() === 'hostname') {
    const host = text(merged, 'hostName') ?? '';
    if (host === '' || host.length > 64 || /\s/.test(host)) throw new InvalidSlot('hostName');
  } else if (net.isIP(text(merged, 'ipAddress') ?? '') === 0) throw new InvalidSlot('ipAddress');
}

function presetElements(id: number, nvr: boolean, preset: Partial<SimSlot>): XmlElement[] {
  const updates: XmlElement[] = [];
  const set = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) updates.push(leaf(name, value));
  };
  set('url', preset.url);
  set('protocolType', preset.protocolType);
  set('parameterFormatType', preset.parameterFormatType);
  set('addressingFormatType', preset.addressingFormatType);
  set('ipAddress', preset.ipAddress);
  set('hostName', preset.hostName);
  set('portNo', preset.portNo);
  set('userName', preset.userName);
  set('password', preset.password);
  set('httpAuthenticationMethod', preset.httpAuthenticationMethod);
  return typed(merge(defaultSlot(id, nvr), updates));
}

export class HttpHostSlots {
  private readonly slots: XmlElement[][];

  constructor(private readonly options: SlotStoreOptions) {
    this.slots = Array.from({ length: Math.max(1, options.count) }, (_, i) =>
      presetElements(i + 1, options.nvr, options.presets?.[i] ?? {}));
  }

  list(): SimSlot[] {
    return this.slots.map(slotView);
  }

  /** A reset (or a firmware that forgets on reboot): every slot back to 0.0.0.0 and '/'. Returns the ids that changed. */
  reset(): string[] {
    const changed: string[] = [];
    this.slots.forEach((slot, i) => {
      const fresh = presetElements(i + 1, this.options.nvr, {});
      if (renderXml(element('s', fresh)) !== renderXml(element('s', slot))) changed.push(text(slot, 'id') ?? String(i + 1));
      this.slots[i] = fresh;
    });
    return changed;
  }

  get(id: string): SimSlot | undefined {
    const index = this.indexOf(id);
    return index === -1 ? undefined : slotView(this.slots[index]);
  }

  has(id: string): boolean {
    return this.indexOf(id) !== -1;
  }

  // ---- rendering

  renderList(format: 'xml' | 'json', wrapper: JsonWrapper): string {
    if (format === 'json') {
      const items = this.slots.map((s) => this.jsonItem(s));
      const body = wrapper === 'flat'
        ? { HttpHostNotification: items }
        : wrapper === 'nested'
          ? { HttpHostNotificationList: { HttpHostNotification: items } }
          : { HttpHostNotificationList: items.map((item) => ({ HttpHostNotification: item })) };
      return JSON.stringify(body, null, 2);
    }
    const itemAttrs: [string, string][] | undefined = this.options.nvr ? undefined : [['version', '2.0'], ['xmlns', this.options.namespace]];
    const root = element(
      'HttpHostNotificationList',
      this.slots.map((s) => element('HttpHostNotification', this.visible(s), itemAttrs)),
      [['version', '2.0'], ['xmlns', this.options.namespace]],
    );
    return renderXml(root, { declaration: XML_DECLARATION, indent: '  ', eol: '\n', finalEol: true });
  }

  renderOne(id: string, format: 'xml' | 'json'): string | undefined {
    const index = this.indexOf(id);
    if (index === -1) return undefined;
    const slot = this.slots[index];
    if (format === 'json') return JSON.stringify({ HttpHostNotification: this.jsonItem(slot) }, null, 2);
    const root = element('HttpHostNotification', this.visible(slot), [['version', '2.0'], ['xmlns', this.options.namespace]]);
    return renderXml(root, { declaration: XML_DECLARATION, indent: '  ', eol: '\n', finalEol: true });
  }

  // ---- writing

  /** PUT of the whole list: every item must name an existing slot; nothing is stored unless all are valid. */
  putList(body: string, format: 'xml' | 'json'): PutResult {
    let items: XmlElement[][];
    try {
      items = format === 'json' ? this.jsonListItems(body) : this.xmlListItems(body);
    } catch (err) {
      return this.refusal(format, err);
    }
    return this.apply(items.map((item) => ({ id: text(item, 'id'), item })), format);
  }

  /** PUT of one slot (`…/httpHosts/<id>`). */
  putOne(id: string, body: string, format: 'xml' | 'json'): PutResult {
    let item: XmlElement[];
    try {
      item = format === 'json' ? this.jsonOneItem(body) : this.xmlOneItem(body);
    } catch (err) {
      return this.refusal(format, err);
    }
    const bodyId = text(item, 'id');
    if (bodyId !== undefined && Number(bodyId) !== Number(id)) return this.refusal(format, new InvalidSlot('id'));
    return this.apply([{ id: bodyId ?? id, item }], format);
  }

  private apply(updates: { id: string | undefined; item: XmlElement[] }[], format: 'xml' | 'json'): PutResult {
    const next = this.slots.map(clone);
    try {
      if (updates.length === 0) throw new InvalidSlot('HttpHostNotification');
      for (const { id, item } of updates) {
        if (id === undefined) throw new InvalidSlot('id');
        const index = this.indexOf(id);
        if (index === -1) throw new InvalidSlot('id');
        const incoming = item.filter((e) => localName(e.name) !== 'id');
        const merged = typed(merge(next[index], incoming));
        validate(merged);
        next[index] = merged;
      }
    } catch (err) {
      return this.refusal(format, err);
    }
    const changed: string[] = [];
    next.forEach((slot, i) => {
      if (renderXml(element('s', slot)) !== renderXml(element('s', this.slots[i]))) changed.push(text(slot, 'id') ?? String(i + 1));
      this.slots[i] = slot;
    });
    return { ok: true, changed };
  }

  private refusal(format: 'xml' | 'json', err: unknown): PutResult {
    const status = format === 'json' ? STATUS.badJsonContent : STATUS.badXmlContent;
    if (err instanceof InvalidSlot) return { ok: false, status, errorMsg: err.field };
    if (err instanceof XmlSyntaxError || err instanceof SyntaxError) return { ok: false, status, errorMsg: format === 'json' ? 'badJsonFormat' : 'badXmlFormat' };
    throw err;
  }

  private indexOf(id: string): number {
    const wanted = id.trim();
    return this.slots.findIndex((s) => {
      const own = text(s, 'id') ?? '';
      return own === wanted || (/^\d+$/.test(wanted) && Number(own) === Number(wanted));
    });
  }

  /** What a GET shows: everything but the write-only password, and only names XML can carry. */
  private visible(slot: XmlElement[]): XmlElement[] {
    return clone(slot.filter((e) => localName(e.name) !== 'password' && XML_NAME.test(e.name)));
  }

  private jsonItem(slot: XmlElement[]): unknown {
    return toJsonValue(element('HttpHostNotification', slot.filter((e) => localName(e.name) !== 'password')));
  }

  private xmlListItems(body: string): XmlElement[][] {
    const root = parseXmlDocument(body);
    if (localName(root.name) === 'HttpHostNotification') return [root.children ?? []];
    if (localName(root.name) !== 'HttpHostNotificationList') throw new InvalidSlot('HttpHostNotificationList');
    return (root.children ?? []).filter((c) => localName(c.name) === 'HttpHostNotification').map((c) => c.children ?? []);
  }

  private xmlOneItem(body: string): XmlElement[] {
    const root = parseXmlDocument(body);
    if (localName(root.name) !== 'HttpHostNotification') throw new InvalidSlot('HttpHostNotification');
    return root.children ?? [];
  }

  private static jsonObject(value: unknown): Record<string, unknown> | null {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  }

  private static itemElements(value: unknown): XmlElement[] {
    const object = HttpHostSlots.jsonObject(value);
    if (!object) throw new InvalidSlot('HttpHostNotification');
    return Object.entries(object).flatMap(([k, v]) => fromJsonValue(k.trim(), v));
  }

  /** Accepts `{List:[{Item:{…}}]}`, `{Item:[{…}]}` and `{List:{Item:[…]}}` (all seen in docs and clients). */
  private jsonListItems(body: string): XmlElement[][] {
    const parsed = HttpHostSlots.jsonObject(JSON.parse(body) as unknown);
    if (!parsed) throw new InvalidSlot('HttpHostNotificationList');
    const list = parsed.HttpHostNotificationList;
    let raw: unknown[];
    if (Array.isArray(list)) raw = (list as unknown[]).map((entry) => HttpHostSlots.jsonObject(entry)?.HttpHostNotification ?? entry);
    else if (HttpHostSlots.jsonObject(list)) {
      const inner = (list as Record<string, unknown>).HttpHostNotification;
      raw = Array.isArray(inner) ? (inner as unknown[]) : [inner];
    } else if (parsed.HttpHostNotification !== undefined) {
      const inner = parsed.HttpHostNotification;
      raw = Array.isArray(inner) ? (inner as unknown[]) : [inner];
    } else throw new InvalidSlot('HttpHostNotificationList');
    return raw.map((item) => HttpHostSlots.itemElements(item));
  }

  private jsonOneItem(body: string): XmlElement[] {
    const parsed = HttpHostSlots.jsonObject(JSON.parse(body) as unknown);
    if (!parsed) throw new InvalidSlot('HttpHostNotification');
    const inner = parsed.HttpHostNotification;
    return HttpHostSlots.itemElements(inner !== undefined ? inner : parsed);
  }
}

