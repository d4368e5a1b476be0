/**
 * One run of the httpHosts node: the node's settings with msg.payload's overrides, resolved into
 * the action, slot, format and the listener target the device should push to.
 */
import type { NodeAPI, NodeDef } from 'node-red';
import { parseNotifyCenter, type CenterRule } from '../../isapi/event-triggers';
import type { FormatPreference, ListenerTarget } from '../../isapi/http-hosts-configurator';
import type { ListenSettings } from '../../server/listen-settings';
import { isRecord } from '../../util/is-record';

export type Action = 'get' | 'set' | 'test' | 'capabilities' | 'linkage';
const ACTIONS: readonly Action[] = ['get', 'set', 'test', 'capabilities', 'linkage'];
export const FORMATS: readonly FormatPreference[] = ['auto', 'xml', 'json'];

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

const OVERRIDES = ['action', 'slot', 'format', 'url', 'host', 'port', 'protocolType', 'parameterFormatType', 'httpAuthenticationMethod', 'notifyCenter'] as const;
export type HttpHostsSettings = Record<(typeof OVERRIDES)[number], string>;

/** The node's settings with msg.payload's fields (strings or numbers) in place of each. */
export function withOverrides(def: HttpHostsDef, payload: unknown): HttpHostsSettings {
  const out = {} as HttpHostsSettings;
  for (const key of OVERRIDES) {
    const own = isRecord(payload) && Object.hasOwn(payload, key) ? payload[key] : undefined;
    // Flows saved by older versions may lack a property.
    const value = typeof own === 'string' || typeof own === 'number' ? own : (def as Partial<HttpHostsDef>)[key];
    out[key] = value === undefined ? '' : String(value).trim();
  }
  return out;
}

/** Resolves the settings into one request; throws an Error naming the bad field (in the user's language). */
export function resolveRequest(
  settings: HttpHostsSettings,
  config: { listen: ListenSettings },
  detectedHost: string | null,
  RED: Pick<NodeAPI, '_'>,
): HttpHostsRequest {
  const action = (settings.action || 'set') as Action;
  if (!ACTIONS.includes(action)) throw new Error(RED._('hikvision-httphosts.errors.bad-action', { value: settings.action }));
  const format = (settings.format || 'auto').toLowerCase() as FormatPreference;
  if (!FORMATS.includes(format)) throw new Error(RED._('hikvision-httphosts.errors.bad-format', { value: settings.format }));
  const host = settings.host || detectedHost;
  if (!host) throw new Error(RED._('hikvision-httphosts.errors.no-host'));
  const port = settings.port === '' ? config.listen.port : Number(settings.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(RED._('hikvision-httphosts.errors.bad-port', { value: settings.port }));
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
