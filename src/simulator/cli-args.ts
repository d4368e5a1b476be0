/** The `hikvision-sim` command line: what the user asked for, as simulator and push options. */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import type { DeviceSimulatorOptions } from './device/device-simulator';
import type { JsonWrapper, SimSlot } from './device/http-host-slots';
import { EVENT_KINDS, isEventKind, QUIRK_NAMES, type EventKind, type Quirks } from './push/event-kind';
import type { PushRunOptions } from './push/push-events';

export class CliUsageError extends Error {}

export type CliCommand =
  | { command: 'help' }
  | { command: 'platform'; argv: string[] }
  | { command: 'device'; device: DeviceSimulatorOptions; push: PushRunOptions; quiet: boolean };

export const USAGE = `Usage: hikvision-sim [options]            a simulated Hikvision device
       hikvision-sim platform [options]   a simulated iSC / HikCentral platform

The device answers ISAPI (digest login, /ISAPI/Event/notification/httpHosts, deviceInfo) and
pushes events to every httpHosts slot that points somewhere, replaying stored events first, and
serves them on /ISAPI/Event/notification/alertStream to clients that pull them.

  -p, --port N            ISAPI port (default 8080; 0 = any free port)
      --host ADDR         bind address (default 127.0.0.1)
  -u, --user NAME         login user (default admin)
      --password PASS     login password (default hik12345, or $HIKVISION_SIM_PASSWORD)
      --basic             accept basic authentication besides digest
      --https             serve ISAPI over HTTPS (self-signed, or --cert/--key files)
      --cert FILE --key FILE
      --nvr               act like an NVR (1 slot, isapi.org, channels from 33, no /test)
      --refuse-json       firmware that refuses ?format=json
      --ignore-json       firmware that answers XML to ?format=json
      --json-wrapper W    list | flat | nested: JSON shape of the httpHosts list
      --lockout N         failed logins before the account locks (default 5)
      --lockout-minutes M how long the lock lasts (default 30)
      --push-to URL       preset slot 1, e.g. http://127.0.0.1:8088/alarm
                          (user:password@ in the URL with --push-auth digest|basic)
      --push-auth M       none | digest | basic (default none)
      --format F          XML | json | querystring for the preset slot (default XML)
      --kinds LIST        ${EVENT_KINDS.join(',')}
      --rate N            events per second per slot (default 1; 0 = as fast as possible)
      --total N           stop after N events per slot (default: run until stopped)
      --concurrency N     connections per slot (default 1)
      --repeats N         post each event N times while active (rising activePostCount)
      --stored N          stored events replayed to a newly set slot (default 3)
      --quirks LIST       ${QUIRK_NAMES.join(',')}
      --device-ip IP      the ipAddress written in events (default 192.168.1.64)
      --reboot-every S    reboot every S seconds, resetting the httpHosts slots
                          (also POST /simulator/reboot, /simulator/offline, /simulator/online)
      --heartbeat S       alertStream heartbeat every S seconds (default 10; 0 = none)
      --single-session    alertStream: one session, a second client gets 404
      --busy              alertStream: answer 403 invalidOperation (connection limit)
      --picture-urls      ANPR and access-control events name their pictures by URL
                          (served behind the login for --picture-ttl minutes, default 10)
      --picture-ttl M     how long those picture URLs stay valid
  -q, --quiet             print only the start line and errors
  -h, --help`;

function number(value: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER, whole = true): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) {
    throw new CliUsageError(`--${name} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}`);
  }
  return n;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function kinds(value: string | undefined): EventKind[] | undefined {
  const names = list(value);
  if (names.length === 0) return undefined;
  const unknown = names.filter((n) => !isEventKind(n));
  if (unknown.length > 0) throw new CliUsageError(`unknown event kind ${unknown.join(', ')}`);
  return names as EventKind[];
}

function quirks(value: string | undefined): Quirks | undefined {
  const names = list(value);
  if (names.length === 0) return undefined;
  const result: Quirks = {};
  for (const name of names) {
    const quirk = QUIRK_NAMES.find((q) => q.toLowerCase() === name.toLowerCase());
    if (!quirk) throw new CliUsageError(`unknown quirk ${name} (known: ${QUIRK_NAMES.join(', ')})`);
    result[quirk] = true;
  }
  return result;
}

/** Slot 1 as `--push-to` describes it. */
export function slotFromUrl(text: string, authMethod: string | undefined, format: string | undefined): Partial<SimSlot> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError(`--push-to needs a URL like http://127.0.0.1:8088/alarm, not ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError('--push-to must be an http:// or https:// URL');
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const method = (authMethod ?? 'none').toLowerCase();
  if (!['none', 'digest', 'basic'].includes(method)) throw new CliUsageError('--push-auth must be none, digest or basic');
  const parameterFormat = (format ?? 'XML').toLowerCase();
  if (!['xml', 'json', 'querystring'].includes(parameterFormat)) throw new CliUsageError('--format must be XML, json or querystring');
  return {
    url: `${url.pathname}${url.search}` || '/',
    protocolType: https ? 'HTTPS' : 'HTTP',
    parameterFormatType: parameterFormat === 'json' ? 'json' : parameterFormat === 'querystring' ? 'querystring' : 'XML',
    addressingFormatType: net.isIP(host) ? 'ipaddress' : 'hostname',
    ipAddress: net.isIP(host) ? host : '0.0.0.0',
    hostName: net.isIP(host) ? '' : host,
    portNo: url.port ? Number(url.port) : https ? 443 : 80,
    httpAuthenticationMethod: method === 'digest' ? 'MD5digest' : method === 'basic' ? 'base64' : 'none',
    userName: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  if (argv[0] === 'platform') return { command: 'platform', argv: argv.slice(1) };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new CliUsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  if (parsed.positionals.length > 0) throw new CliUsageError(`unexpected argument ${parsed.positionals[0]}`);
  const wrapper = v['json-wrapper'];
  if (wrapper !== undefined && !['list', 'flat', 'nested'].includes(wrapper)) throw new CliUsageError('--json-wrapper must be list, flat or nested');
  if ((v.cert === undefined) !== (v.key === undefined)) throw new CliUsageError('--cert and --key go together');
  const lockoutMinutes = number(v['lockout-minutes'], 'lockout-minutes', 0);
  const device: DeviceSimulatorOptions = {
    port: number(v.port ?? '8080', 'port', 0, 65535),
    host: v.host ?? '127.0.0.1',
    username: v.user ?? 'admin',
    password: v.password ?? env.HIKVISION_SIM_PASSWORD ?? 'hik12345',
    authMethods: v.basic ? ['digest', 'basic'] : ['digest'],
    https: v.https === true || v.cert !== undefined,
    cert: v.cert !== undefined ? readFileSync(v.cert, 'utf8') : undefined,
    key: v.key !== undefined ? readFileSync(v.key, 'utf8') : undefined,
    nvr: v.nvr === true,
    refuseJson: v['refuse-json'] === true,
    ignoreJson: v['ignore-json'] === true,
    jsonWrapper: wrapper as JsonWrapper | undefined,
    lockoutAttempts: number(v.lockout, 'lockout', 1),
    lockoutMs: lockoutMinutes !== undefined ? lockoutMinutes * 60_000 : undefined,
    storedEvents: number(v.stored, 'stored', 0),
    deviceIp: v['device-ip'],
    rebootEveryMs: v['reboot-every'] !== undefined ? (number(v['reboot-every'], 'reboot-every', 1) ?? 0) * 1000 : undefined,
    pictureUrlTtlMs: v['picture-ttl'] !== undefined ? (number(v['picture-ttl'], 'picture-ttl', 0, 10_000, false) ?? 0) * 60_000 : undefined,
    slots: v['push-to'] !== undefined ? [slotFromUrl(v['push-to'], v['push-auth'], v.format)] : undefined,
    alertStream: { heartbeatMs: (number(v.heartbeat ?? '10', 'heartbeat', 0, 3600, false) ?? 10) * 1000, singleSession: v['single-session'] === true, busy: v.busy === true },
  };
  if (v['push-to'] === undefined && (v['push-auth'] !== undefined || v.format !== undefined)) {
    throw new CliUsageError('--push-auth and --format describe the --push-to slot');
  }
  const push: PushRunOptions = {
    kinds: kinds(v.kinds),
    rate: number(v.rate ?? '1', 'rate', 0, 100_000, false),
    total: number(v.total, 'total', 0),
    concurrency: number(v.concurrency, 'concurrency', 1, 1000),
    activeRepeats: number(v.repeats, 'repeats', 1, 10_000),
    quirks: quirks(v.quirks),
    pictureUrls: v['picture-urls'] === true ? true : undefined,
  };
  return { command: 'device', device, push, quiet: v.quiet === true };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      user: { type: 'string', short: 'u' },
      password: { type: 'string' },
      basic: { type: 'boolean' },
      https: { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' },
      nvr: { type: 'boolean' },
      'refuse-json': { type: 'boolean' },
      'ignore-json': { type: 'boolean' },
      'json-wrapper': { type: 'string' },
      lockout: { type: 'string' },
      'lockout-minutes': { type: 'string' },
      'push-to': { type: 'string' },
      'push-auth': { type: 'string' },
      format: { type: 'string' },
      kinds: { type: 'string' },
      rate: { type: 'string' },
      total: { type: 'string' },
      concurrency: { type: 'string' },
      repeats: { type: 'string' },
      stored: { type: 'string' },
      quirks: { type: 'string' },
      'device-ip': { type: 'string' },
      'reboot-every': { type: 'string' },
      heartbeat: { type: 'string' },
      'single-session': { type: 'boolean' },
      busy: { type: 'boolean' },
      'picture-urls': { type: 'boolean' },
      'picture-ttl': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
