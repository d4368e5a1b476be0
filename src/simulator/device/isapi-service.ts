/**
 * The simulated device's ISAPI endpoints behind its login: deviceInfo and httpHosts (list, one
 * slot, capabilities, test), in XML or `?format=json`, with the device's `ResponseStatus` errors.
 * Knows nothing of sockets beyond one request and its answer.
 */
import type http from 'node:http';
import type { DeviceAuth } from './device-auth';
import { capabilitiesDocument, deviceInfoDocument, type DeviceIdentity } from './device-identity';
import type { SimEventTriggers } from './event-triggers';
import type { HttpHostSlots, JsonWrapper, SimSlot } from './http-host-slots';
import { snapshotChannel, snapshotJpeg, type PictureStore } from './picture-store';
import { renderResponseStatus, STATUS, type DeviceStatus } from './response-status';

export interface IsapiServiceOptions {
  identity: DeviceIdentity;
  auth: DeviceAuth;
  slots: HttpHostSlots;
  jsonWrapper: JsonWrapper;
  /** Firmware that answers `?format=json` with an error. */
  refuseJson: boolean;
  /** Firmware that ignores `?format=json` and answers XML. */
  ignoreJson: boolean;
  log: (line: string) => void;
  /** Sends the test notification to a slot; resolves to a short outcome (status or error) and whether it worked. */
  testSlot: (slot: SimSlot) => Promise<{ ok: boolean; outcome: string }>;
  slotsChanged: (changedIds: string[]) => void;
  /** `/ISAPI/Event/triggers` and its single triggers (absent: 404 like old firmware). */
  triggers?: SimEventTriggers;
  /** The captures URL-mode events name (snapshots need no store). */
  pictures: PictureStore;
}

const MAX_BODY = 1024 * 1024;
const HOSTS = '/ISAPI/Event/notification/httpHosts';

interface Answer {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string | string[]>;
  note?: string;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => { resolve(tooLarge ? null : Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

function slotLabel(slot: SimSlot): string {
  const host = slot.addressingFormatType === 'hostname' ? slot.hostName : slot.ipAddress;
  return slot.enabled ? `${slot.protocolType.toLowerCase()}://${host}:${slot.portNo}${slot.url} (${slot.parameterFormatType})` : 'unused';
}

export class IsapiService {
  constructor(private readonly options: IsapiServiceOptions) {}

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const remote = req.socket.remoteAddress ?? '?';
    let answer: Answer;
    try {
      const body = await readBody(req);
      answer = body === null
        ? { status: 413, contentType: 'text/plain', body: 'Request Entity Too Large\n', note: 'body over 1 MB' }
        : await this.answer(method, url, req.headers.authorization, body);
    } catch (err) {
      answer = { status: 500, contentType: 'text/plain', body: 'Internal Server Error\n', note: err instanceof Error ? err.message : String(err) };
    }
    if (!res.headersSent && !res.destroyed) {
      res.statusCode = answer.status;
      res.setHeader('Content-Type', answer.contentType);
      res.setHeader('X-Frame-Options', 'SAMEORIGIN');
      res.setHeader('Cache-Control', 'no-cache');
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      res.end(answer.body);
    }
    // Never the Authorization header or a body: they hold credentials.
    this.options.log(`${remote} ${method} ${url} -> ${answer.status}${answer.note ? ` ${answer.note}` : ''}`);
  }

  private async answer(method: string, url: string, authorization: string | undefined, body: Buffer): Promise<Answer> {
    const auth = this.options.auth.check(method, url, authorization);
    if (!auth.ok) {
      const notes = {
        missing: 'challenge',
        wrong: `wrong credentials, ${this.options.auth.failedAttempts} failed in a row`,
        stale: 'stale nonce',
        locked: 'account locked',
      } as const;
      return {
        status: 401, contentType: auth.contentType, body: auth.body, headers: { 'WWW-Authenticate': auth.challenges }, note: `(${notes[auth.reason]})`,
      };
    }

    const [path, query = ''] = url.split('?', 2);
    const wantsJson = new URLSearchParams(query).get('format')?.toLowerCase() === 'json';
    if (wantsJson && this.options.refuseJson) return this.status(STATUS.notSupport, 'xml', path, 'format=json refused');
    const format: 'xml' | 'json' = wantsJson && !this.options.ignoreJson ? 'json' : 'xml';
    const text = body.toString('utf8');

    const picture = method === 'GET' ? this.picture(path, url) : null;
    if (picture) return picture;
    if (path === '/ISAPI/System/deviceInfo') {
      if (method !== 'GET') return this.status(STATUS.methodNotAllowed, format, path);
      return this.document(deviceInfoDocument(this.options.identity, format), format);
    }
    if (path === HOSTS) {
      if (method === 'GET') return this.document(this.options.slots.renderList(format, this.options.jsonWrapper), format);
      if (method === 'PUT') return this.put(() => this.options.slots.putList(text, format), format, path);
      return this.status(STATUS.methodNotAllowed, format, path);
    }
    if (path === `${HOSTS}/capabilities`) {
      if (this.options.identity.nvr) return this.status(STATUS.notSupport, format, path);
      if (method !== 'GET') return this.status(STATUS.methodNotAllowed, format, path);
      return this.document(capabilitiesDocument(this.options.identity, format), format);
    }
    const one = new RegExp(`^${HOSTS}/([^/]+)(/test)?$`).exec(path);
    if (one) {
      const id = decodeURIComponent(one[1]);
      const test = Boolean(one[2]);
      if (test && this.options.identity.nvr) return this.status(STATUS.notSupport, format, path);
      const slot = this.options.slots.get(id);
      if (!slot) return this.status(STATUS.notFound, format, path, `no slot ${id}`);
      if (test) {
        if (method !== 'POST' && method !== 'PUT') return this.status(STATUS.methodNotAllowed, format, path);
        if (!slot.enabled) return this.status(STATUS.invalidOperation, format, path, `slot ${id} is unused`);
        const result = await this.options.testSlot(slot);
        return this.status(result.ok ? STATUS.ok : STATUS.testFailed, format, path, `test -> ${slotLabel(slot)}: ${result.outcome}`);
      }
      if (method === 'GET') return this.document(this.options.slots.renderOne(id, format) ?? '', format);
      if (method === 'PUT') return this.put(() => this.options.slots.putOne(id, text, format), format, path);
      return this.status(STATUS.methodNotAllowed, format, path);
    }
    if (this.options.triggers && (path === '/ISAPI/Event/triggers' || path.startsWith('/ISAPI/Event/triggers/'))) {
      const result = this.options.triggers.answer(method, path, text);
      return 'body' in result ? this.document(result.body, 'xml') : this.status(result.status, 'xml', path, result.note);
    }
    return this.status(STATUS.notFound, format, path);
  }

  private put(write: () => ReturnType<HttpHostSlots['putList']>, format: 'xml' | 'json', path: string): Answer {
    const result = write();
    if (!result.ok) return this.status(result.status, format, path, `${result.status.subStatusCode}: ${result.errorMsg}`, result.errorMsg);
    const slots = this.options.slots.list();
    const changes = result.changed.map((id) => {
      const slot = slots.find((s) => s.id === id);
      return `slot ${id} -> ${slot ? slotLabel(slot) : '?'}`;
    });
    if (result.changed.length > 0) this.options.slotsChanged(result.changed);
    return this.status(STATUS.ok, format, path, changes.length > 0 ? changes.join(', ') : 'unchanged');
  }

  /** A channel snapshot or a stored capture; null when the path is neither. */
  private picture(path: string, url: string): Answer | null {
    const jpeg = (data: Buffer, note: string): Answer => ({ status: 200, contentType: 'image/jpeg', body: data, note });
    if (/^\/ISAPI\/(Streaming|ContentMgmt\/StreamingProxy)\/channels\/\d+\/picture$/.test(path)) {
      const channel = snapshotChannel(path);
      // Real devices answer 403 for a stream they do not have.
      if (channel === null || channel > 64) return this.status(STATUS.notSupport, 'xml', path, 'no such stream');
      return jpeg(snapshotJpeg(channel), `snapshot channel ${channel}`);
    }
    if (!path.startsWith('/picture/') && !path.startsWith('/LOCALS/pic/')) return null;
    const stored = this.options.pictures.get(url);
    return stored ? jpeg(stored, `${stored.length} bytes`) : this.status(STATUS.notFound, 'xml', path, 'picture expired or never stored');
  }

  private document(body: string, format: 'xml' | 'json'): Answer {
    return { status: 200, contentType: format === 'json' ? 'application/json; charset="UTF-8"' : 'application/xml; charset="UTF-8"', body };
  }

  private status(status: DeviceStatus, format: 'xml' | 'json', path: string, note?: string, errorMsg?: string): Answer {
    const rendered = renderResponseStatus(status, format, this.options.identity.namespace, path, errorMsg);
    return { status: status.httpStatus, contentType: rendered.contentType, body: rendered.body, note: note ?? status.subStatusCode };
  }
}
