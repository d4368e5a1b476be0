/**
 * Node `hikvision-httphosts`: reads and changes the device's `/ISAPI/Event/notification/httpHosts`
 * so it pushes its alarms to this machine's listener — one slot, read-modify-write, verified.
 * Also the editor's admin endpoints that read the slots and tell this machine's address.
 */
import type { Request, Response } from 'express';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { DeviceTarget } from '../isapi/device-target';
import { DigestClient } from '../isapi/digest-client';
import { readTriggersQuietly, runLinkage } from '../isapi/event-trigger-linkage';
import { parseNotifyCenter, type CenterRule } from '../isapi/event-triggers';
import { HttpHostsConfigurator, type FormatPreference, type ListenerTarget } from '../isapi/http-hosts-configurator';
import { describeSlotTarget, type HttpHostsSlot } from '../isapi/http-hosts-slot';
import { IsapiError } from '../isapi/isapi-error';
import { detectLocalAddress } from '../isapi/local-address';
import type { HikvisionConfigNode } from './hikvision-config';

type Action = 'get' | 'set' | 'test' | 'capabilities' | 'linkage';
const ACTIONS: readonly Action[] = ['get', 'set', 'test', 'capabilities', 'linkage'];
const FORMATS: readonly FormatPreference[] = ['auto', 'xml', 'json'];

export interface HttpHostsDef extends NodeDef {
  config: string;
  action: Action;
  /** 'auto' or a slot id. */
  slot: string;
  format: FormatPreference;
  /** Path the device posts to. */
  url: string;
  /** '' = this machine's address toward the device. */
  host: string;
  /** '' = the config node's listen port. */
  port: string | number;
  /** 'auto' = HTTPS when the config node listens with TLS. */
  protocolType: string;
  /** '' = keep what the device has. */
  parameterFormatType: string;
  /** 'auto' = as the config node's listener authenticates devices. */
  httpAuthenticationMethod: string;
  onDeploy: boolean;
  /** Event types (with channels) whose trigger must notify the surveillance center; '' = leave triggers alone. */
  notifyCenter?: string;
}

/** One run's settings after msg.payload overrides. */
export interface HttpHostsRequest {
  action: Action;
  slot: string;
  format: FormatPreference;
  target: ListenerTarget;
  /** Parsed `notifyCenter`, or null when empty. */
  centerRules: CenterRule[] | null;
}

interface HttpHostsMessage extends NodeMessage {
  isapi?: { kind: string; httpStatus?: number; responseStatus?: object };
}

const OVERRIDES = ['action', 'slot', 'format', 'url', 'host', 'port', 'protocolType', 'parameterFormatType', 'httpAuthenticationMethod', 'notifyCenter'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The node's settings with msg.payload's fields (strings or numbers) in place of each. */
export function withOverrides(def: HttpHostsDef, payload: unknown): Record<(typeof OVERRIDES)[number], string> {
  const out = {} as Record<(typeof OVERRIDES)[number], string>;
  for (const key of OVERRIDES) {
    const own = isObject(payload) && Object.hasOwn(payload, key) ? payload[key] : undefined;
    // Flows saved by older versions may lack a property.
    const value = typeof own === 'string' || typeof own === 'number' ? own : (def as Partial<HttpHostsDef>)[key];
    out[key] = value === undefined ? '' : String(value).trim();
  }
  return out;
}

/** Resolves the settings into one request; throws an Error naming the bad field. */
export function resolveRequest(
  settings: Record<(typeof OVERRIDES)[number], string>,
  config: Pick<HikvisionConfigNode, 'listen'>,
  detectedHost: string | null,
): HttpHostsRequest {
  const action = (settings.action || 'set') as Action;
  if (!ACTIONS.includes(action)) throw new Error(`action must be get, set, test, capabilities or linkage, not "${settings.action}"`);
  const format = (settings.format || 'auto').toLowerCase() as FormatPreference;
  if (!FORMATS.includes(format)) throw new Error(`format must be auto, xml or json, not "${settings.format}"`);
  const host = settings.host || detectedHost;
  if (!host) throw new Error('cannot tell this machine\'s address toward the device: set "host"');
  const port = settings.port === '' ? config.listen.port : Number(settings.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port must be 1-65535, not "${settings.port}"`);
  const protocolType = !settings.protocolType || settings.protocolType.toLowerCase() === 'auto'
    ? (config.listen.tls ? 'HTTPS' : 'HTTP')
    : settings.protocolType.toUpperCase();
  const target: ListenerTarget = { host, portNo: port, url: settings.url || '/', protocolType };
  if (settings.parameterFormatType && settings.parameterFormatType.toLowerCase() !== 'keep') target.parameterFormatType = settings.parameterFormatType;
  const auth = config.listen.auth;
  const method = !settings.httpAuthenticationMethod || settings.httpAuthenticationMethod.toLowerCase() === 'auto'
    ? ({ none: 'none', digest: 'MD5digest', basic: 'basic' } as const)[auth.mode]
    : settings.httpAuthenticationMethod;
  target.httpAuthenticationMethod = method;
  // A listener that authenticates devices needs its credentials in the slot (write-only there).
  if (method.toLowerCase() !== 'none' && auth.username) {
    target.userName = auth.username;
    target.password = auth.password;
  }
  const centerRules = settings.notifyCenter ? parseNotifyCenter(settings.notifyCenter) : null;
  return { action, slot: settings.slot || 'auto', format, target, centerRules };
}

/** What the editor gets for a slot (no user names: they are the listener's credentials). */
function slotSummary(slot: HttpHostsSlot) {
  return {
    id: slot.id, target: describeSlotTarget(slot), host: slot.host, portNo: slot.portNo, url: slot.url, inUse: slot.inUse,
    protocolType: slot.protocolType, parameterFormatType: slot.parameterFormatType, httpAuthenticationMethod: slot.httpAuthenticationMethod,
  };
}

export default function register(RED: NodeAPI): void {
  function HikvisionHttpHosts(this: Node, def: HttpHostsDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.config) as HikvisionConfigNode | null;
    const t = (key: string) => RED._(`hikvision-httphosts.${key}`);
    let client: DigestClient | null = null;
    let configurator: HttpHostsConfigurator | null = null;
    let detected: Promise<string | null> | null = null;
    let queue: Promise<unknown> = Promise.resolve();
    let closed = false;
    let deployTimer: NodeJS.Timeout | null = null;

    const problem = !config ? t('errors.no-config') : !config.device.host ? t('errors.no-device') : null;
    if (problem) this.status({ fill: 'red', shape: 'ring', text: t('status.no-config') });

    const run = async (msg: HttpHostsMessage): Promise<HttpHostsMessage> => {
      if (!config || problem) throw new Error(problem ?? 'no config');
      if (!configurator) {
        client = new DigestClient(config.device);
        configurator = new HttpHostsConfigurator(client);
      }
      const isapi = client;
      if (!isapi) throw new Error('no device client');
      const settings = withOverrides(def, msg.payload);
      detected ??= detectLocalAddress(config.device.host, config.device.port);
      const request = resolveRequest(settings, config, settings.host ? null : await detected);
      const { target } = request;
      this.status({ fill: 'blue', shape: 'ring', text: `${request.action}…` });
      let payload: object;
      switch (request.action) {
        case 'get': {
          const out = await configurator.get(request.format, request.slot, target);
          payload = out;
          this.status({ fill: 'blue', shape: 'dot', text: out.slot ? `${t('status.slot')} ${out.slot.id} → ${describeSlotTarget(out.slot)}` : `${out.slots.length} ${t('status.slots-read')}` });
          break;
        }
        case 'set': {
          const out = await configurator.set(request.format, request.slot, target);
          // With notifyCenter, a factory-fresh device also gets its triggers' center linkage.
          payload = request.centerRules ? { ...out, linkage: await runLinkage(isapi, request.centerRules) } : out;
          const text = `${t('status.slot')} ${out.slot?.id ?? '?'} → ${out.slot ? describeSlotTarget(out.slot) : '?'}`;
          this.status({ fill: 'green', shape: out.changed ? 'dot' : 'ring', text });
          if (out.rebootRequired) this.warn(t('errors.reboot'));
          break;
        }
        case 'test': {
          const out = await configurator.test(request.format, request.slot, target);
          payload = out;
          this.status({ fill: 'green', shape: 'dot', text: `${t('status.tested')} ${out.slot?.id ?? ''}`.trim() });
          break;
        }
        case 'linkage': {
          const out = await runLinkage(isapi, request.centerRules);
          payload = out;
          this.status({ fill: 'green', shape: out.changed.length > 0 ? 'dot' : 'ring', text: RED._('hikvision-httphosts.status.linkage', { count: out.changed.length }) });
          break;
        }
        case 'capabilities': {
          const out = await configurator.capabilities(request.format);
          payload = out;
          this.status({ fill: 'blue', shape: 'dot', text: `${out.capabilities.hostNumber ?? '?'} ${t('status.slots-max')}` });
          break;
        }
      }
      msg.payload = payload;
      return msg;
    };

    const failed = (err: unknown, msg: HttpHostsMessage): Error => {
      const error = err instanceof Error ? err : new Error(String(err));
      const kind = error instanceof IsapiError ? error.kind : 'settings';
      if (error instanceof IsapiError) {
        msg.isapi = { kind, ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}), ...(error.responseStatus ? { responseStatus: error.responseStatus } : {}) };
      }
      this.status({ fill: 'red', shape: 'ring', text: t(`status.error.${kind}`) });
      return error;
    };

    /** One device conversation at a time: two read-modify-writes must not interleave. */
    const enqueue = (msg: HttpHostsMessage): Promise<HttpHostsMessage> => {
      const next = queue.then(() => (closed ? Promise.reject(new Error('node closed')) : run(msg)));
      queue = next.catch(() => undefined);
      return next;
    };

    this.on('input', (msg: NodeMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      enqueue(msg as HttpHostsMessage).then(
        (out) => { send(out); done(); },
        (err: unknown) => done(failed(err, msg as HttpHostsMessage)),
      );
    });

    if (def.onDeploy && !problem) {
      // After the flow has started (the listener opens its port in the same deploy).
      deployTimer = setTimeout(() => {
        deployTimer = null;
        const msg: HttpHostsMessage = { _msgid: RED.util.generateId(), payload: {} };
        enqueue(msg).then(
          (out) => this.send(out),
          (err: unknown) => { if (!closed) this.error(failed(err, msg), msg); },
        );
      }, 100);
    }

    this.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      if (deployTimer) clearTimeout(deployTimer);
      client?.close();
      done();
    });
  }

  RED.nodes.registerType('hikvision-httphosts', HikvisionHttpHosts);

  // Editor: read the device's slots so the user can pick one. Reads only; never returns credentials.
  RED.httpAdmin.post('/hikvision/httphosts/slots', RED.auth.needsPermission('hikvision.read'), (req: Request, res: Response) => {
    let target: DeviceTarget;
    try {
      target = editorTarget(RED, isObject(req.body) ? req.body : {});
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
      return;
    }
    const format = isObject(req.body) && FORMATS.includes(req.body.format as FormatPreference) ? (req.body.format as FormatPreference) : 'auto';
    const client = new DigestClient(target, { timeoutMs: 8000 });
    Promise.all([new HttpHostsConfigurator(client).read(format), detectLocalAddress(target.host, target.port)]).then(
      // The triggers after the slots (one conversation at a time); a device that refuses them still shows its slots.
      async ([doc, address]) => res.json({ format: doc.format, slots: doc.slots.map(slotSummary), address, triggers: await readTriggersQuietly(client) }),
      (err: unknown) => {
        const error = err instanceof IsapiError ? err : new IsapiError('connection', (err as Error).message);
        res.status(error.kind === 'unauthorized' ? 401 : 502).json({ error: error.message, kind: error.kind });
      },
    );
  });
}

/**
 * The device the editor asks about: the deployed config node's, with the dialog's values over
 * it. The stored password is used only for the deployed address, so a request cannot send the
 * stored credentials to another host.
 */
function editorTarget(RED: NodeAPI, body: Record<string, unknown>): DeviceTarget {
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key]).trim() : typeof body[key] === 'number' ? String(body[key]) : '');
  const deployed = text('config') ? (RED.nodes.getNode(text('config')) as HikvisionConfigNode | null) : null;
  const base = deployed?.device;
  const protocol = text('protocol') === 'https' || text('protocol') === 'http' ? (text('protocol') as 'http' | 'https') : base?.protocol ?? 'http';
  const host = text('host') || base?.host || '';
  if (!host) throw new Error('no device address: fill in the config node');
  const port = text('port') ? Number(text('port')) : base?.port ?? (protocol === 'https' ? 443 : 80);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('the device port must be 1-65535');
  const typed = text('password');
  const typedPassword = typed !== '' && typed !== '__PWRD__';
  let password = typedPassword ? typed : '';
  if (!typedPassword) {
    if (!base) throw new Error('type the device password, or deploy the config node first');
    if (base.host !== host || base.port !== port || base.protocol !== protocol) {
      throw new Error('the device address differs from the deployed config node: deploy it first, or type the password');
    }
    password = base.password;
  }
  const rejectUnauthorized = typeof body.rejectUnauthorized === 'boolean' ? body.rejectUnauthorized : base?.rejectUnauthorized ?? false;
  return { host, port, protocol, rejectUnauthorized, username: text('username') || base?.username || '', password };
}
