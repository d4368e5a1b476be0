/**
 * Reads and changes a device's `/ISAPI/Event/notification/httpHosts` the way the seed describes:
 * GET the list, change one slot, PUT the whole list back (only when something changed), then read
 * it back to check the device took it. Also the slot test and the capabilities.
 */
import type { DigestClient, IsapiResponse } from './digest-client';
import { chooseSlot, findOwnSlot, type SlotChoiceReason } from './choose-slot';
import { HttpHostsDocument, type HttpHostsFormat } from './http-hosts-document';
import { parseHttpHostsCapabilities, type HttpHostsCapabilities } from './http-hosts-capabilities';
import { describeSlotTarget, unappliedFields, type HttpHostsSlot, type SlotChange } from './http-hosts-slot';
import { IsapiError, responseStatusError, statusError } from './isapi-error';
import { isSuccessStatus, parseResponseStatus, type ResponseStatus } from './response-status';

export const HTTP_HOSTS_PATH = '/ISAPI/Event/notification/httpHosts';

/** `auto` asks for JSON first and falls back to XML (some firmware refuses `?format=json`). */
export type FormatPreference = 'auto' | HttpHostsFormat;

/** Where the device should push: this listener. */
export interface ListenerTarget extends SlotChange {
  host: string;
  portNo: number;
}

export interface HttpHostsOutcome {
  /** Every slot, normalised, as the device now has them. */
  slots: HttpHostsSlot[];
  /** The slot chosen (or pointing at this listener), or null. */
  slot: HttpHostsSlot | null;
  changed: boolean;
  format: HttpHostsFormat;
  /** The device's body: the list (read back after a change), or the test answer. */
  raw: string;
  /** Why `slot` was chosen (set). */
  reason?: SlotChoiceReason;
  /** Elements written (set). */
  fields?: string[];
  /** The device answered statusCode 7: saved, applies after a reboot. */
  rebootRequired?: boolean;
  /** The device's answer to the slot test (test). */
  test?: ResponseStatus;
}

export interface CapabilitiesOutcome {
  capabilities: HttpHostsCapabilities;
  changed: false;
  format: HttpHostsFormat;
  raw: string;
}

function ok(res: IsapiResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

const CONTENT_TYPE: Record<HttpHostsFormat, string> = { xml: 'application/xml; charset="UTF-8"', json: 'application/json' };

export class HttpHostsConfigurator {
  /** Learned: this device refused `?format=json`, so `auto` goes straight to XML. */
  private jsonRefused = false;

  constructor(private readonly client: DigestClient) {}

  /** GET the list in the preferred format. */
  async read(preference: FormatPreference): Promise<HttpHostsDocument> {
    if (preference === 'xml' || (preference === 'auto' && this.jsonRefused)) return this.readAs('xml');
    if (preference === 'json') {
      let doc: HttpHostsDocument;
      try {
        doc = await this.readAs('json');
      } catch (err) {
        if (!(err instanceof IsapiError) || !['forbidden', 'not-found', 'bad-request'].includes(err.kind)) throw err;
        throw new IsapiError(err.kind, `the device refused JSON (?format=json): ${err.message}; use format xml or auto`, {
          httpStatus: err.httpStatus, responseStatus: err.responseStatus,
        });
      }
      if (doc.format !== 'json') throw new IsapiError('protocol', 'the device answered ?format=json with XML: this firmware has no JSON httpHosts; use format xml or auto');
      return doc;
    }
    const res = await this.client.request({ method: 'GET', path: `${HTTP_HOSTS_PATH}?format=json` });
    if (ok(res)) {
      try {
        const doc = HttpHostsDocument.parse(res.body, 'json');
        if (doc.format === 'xml') this.jsonRefused = true;
        return doc;
      } catch {
        // An answer that is not a JSON list: try XML, the format every device speaks.
      }
    }
    this.jsonRefused = true;
    return this.readAs('xml');
  }

  /** `get`: the list, and the slot pointing at this listener (or the slot asked for). */
  async get(preference: FormatPreference, slot: string, target: { host: string; portNo: number }): Promise<HttpHostsOutcome> {
    const doc = await this.read(preference);
    return { slots: [...doc.slots], slot: findOwnSlot(doc.slots, slot, target.host, target.portNo), changed: false, format: doc.format, raw: doc.raw };
  }

  /** `set`: read, choose the slot, change it, PUT the whole list (if changed), read back, verify. */
  async set(preference: FormatPreference, slot: string, wanted: ListenerTarget): Promise<HttpHostsOutcome> {
    const doc = await this.read(preference);
    const target = await this.withDeviceBasicName(wanted);
    const choice = chooseSlot(doc.slots, slot, target.host, target.portNo);
    const { document: changedDoc, changed, fields } = doc.withSlotChange(choice.slot.id, target);
    if (!changed) {
      return { slots: [...doc.slots], slot: choice.slot, changed: false, format: doc.format, raw: doc.raw, reason: choice.reason, fields: [] };
    }
    const status = await this.write(changedDoc, choice.slot.id);
    const rebootRequired = status?.statusCode === 7;
    const after = await this.readAs(doc.format);
    const slotAfter = after.slot(choice.slot.id) ?? null;
    if (!slotAfter) throw new IsapiError('device', `after the change the device no longer lists slot ${choice.slot.id}`);
    const missing = unappliedFields(slotAfter, target);
    if (missing.length > 0 && !rebootRequired) {
      throw new IsapiError(
        'device',
        `the device accepted the change but slot ${slotAfter.id} reads back ${describeSlotTarget(slotAfter)} (not applied: ${missing.join(', ')})`,
      );
    }
    return {
      slots: [...after.slots], slot: slotAfter, changed: true, format: after.format, raw: after.raw, reason: choice.reason, fields,
      ...(rebootRequired ? { rebootRequired } : {}),
    };
  }

  /** `test`: ask the device to send a test notification from the slot pointing here (or the one asked for). */
  async test(preference: FormatPreference, slot: string, target: { host: string; portNo: number }): Promise<HttpHostsOutcome> {
    const doc = await this.read(preference);
    const own = findOwnSlot(doc.slots, slot, target.host, target.portNo);
    if (!own) {
      throw new IsapiError('bad-request', `no httpHosts slot points at ${target.host}:${target.portNo} yet: run "set" first, or choose a slot`);
    }
    const query = doc.format === 'json' ? '?format=json' : '';
    const path = `${HTTP_HOSTS_PATH}/${encodeURIComponent(own.id)}/test${query}`;
    const res = await this.client.request({ method: 'POST', path, body: doc.slotBody(own.id), contentType: CONTENT_TYPE[doc.format] });
    if (!ok(res)) throw statusError('POST', path, res.status, res.body);
    const status = parseResponseStatus(res.body);
    if (!isSuccessStatus(status)) throw responseStatusError('POST', path, status as ResponseStatus);
    return {
      slots: [...doc.slots], slot: own, changed: false, format: doc.format, raw: res.body.toString('utf8'),
      ...(status ? { test: status } : {}),
    };
  }

  /** `capabilities`: slot count and allowed values. */
  async capabilities(preference: FormatPreference): Promise<CapabilitiesOutcome> {
    const path = `${HTTP_HOSTS_PATH}/capabilities`;
    if (preference !== 'xml' && !(preference === 'auto' && this.jsonRefused)) {
      const res = await this.client.request({ method: 'GET', path: `${path}?format=json` });
      const text = res.body.toString('utf8').trim();
      if (ok(res) && (text.startsWith('{') || preference === 'json')) {
        return { capabilities: parseHttpHostsCapabilities(res.body), changed: false, format: text.startsWith('{') ? 'json' : 'xml', raw: res.body.toString('utf8') };
      }
      if (preference === 'json') throw statusError('GET', path, res.status, res.body);
      if (ok(res) && text.startsWith('<')) {
        return { capabilities: parseHttpHostsCapabilities(res.body), changed: false, format: 'xml', raw: res.body.toString('utf8') };
      }
    }
    const res = await this.client.request({ method: 'GET', path });
    if (!ok(res)) throw statusError('GET', path, res.status, res.body);
    return { capabilities: parseHttpHostsCapabilities(res.body), changed: false, format: 'xml', raw: res.body.toString('utf8') };
  }

  /**
   * Basic authentication is `basic` on some firmware and `base64` on others (IPC capabilities list
   * `none,base64`): ask the capabilities which one this device takes. Without them, keep the name.
   */
  private async withDeviceBasicName(target: ListenerTarget): Promise<ListenerTarget> {
    const method = target.httpAuthenticationMethod?.toLowerCase();
    if (method !== 'basic' && method !== 'base64') return target;
    let offered: string[];
    try {
      offered = (await this.capabilities('xml')).capabilities.httpAuthenticationMethod;
    } catch (err) {
      if (err instanceof IsapiError && err.kind === 'unauthorized') throw err;
      return target;
    }
    const name = offered.find((m) => m.toLowerCase() === 'basic' || m.toLowerCase() === 'base64');
    return name ? { ...target, httpAuthenticationMethod: name } : target;
  }

  private async readAs(format: HttpHostsFormat): Promise<HttpHostsDocument> {
    const path = format === 'json' ? `${HTTP_HOSTS_PATH}?format=json` : HTTP_HOSTS_PATH;
    const res = await this.client.request({ method: 'GET', path });
    if (!ok(res)) throw statusError('GET', path, res.status, res.body);
    return HttpHostsDocument.parse(res.body, format);
  }

  /**
   * PUT the whole list back; firmware without a list PUT (404/405) gets the one slot at
   * `httpHosts/<id>` instead. Returns the device's ResponseStatus (null if it sent none).
   */
  private async write(doc: HttpHostsDocument, id: string): Promise<ResponseStatus | null> {
    const query = doc.format === 'json' ? '?format=json' : '';
    const contentType = CONTENT_TYPE[doc.format];
    let path = `${HTTP_HOSTS_PATH}${query}`;
    let res = await this.client.request({ method: 'PUT', path, body: doc.raw, contentType });
    if (res.status === 404 || res.status === 405) {
      path = `${HTTP_HOSTS_PATH}/${encodeURIComponent(id)}${query}`;
      res = await this.client.request({ method: 'PUT', path, body: doc.slotBody(id), contentType });
    }
    if (!ok(res)) throw statusError('PUT', path, res.status, res.body);
    const status = parseResponseStatus(res.body);
    if (!isSuccessStatus(status)) throw responseStatusError('PUT', path, status as ResponseStatus);
    return status;
  }
}
