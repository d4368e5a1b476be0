/**
 * The config node's properties and credentials turned into what the other nodes use: the device
 * to talk to (ISAPI) and the listening settings its pushes arrive on.
 */
import fs from 'node:fs';
import type { NodeAPI, NodeDef } from 'node-red';
import type { DeviceTarget } from '../../isapi/device-target';
import { parseAllowList, type DeviceAuthMode, type ListenSettings } from '../../server/listen-settings';

export interface HikvisionConfigDef extends NodeDef {
  host: string;
  port: string | number;
  protocol: 'http' | 'https';
  rejectUnauthorized?: boolean;
  /** Lets the httpHosts client answer a Basic-only device with the password (off by default). */
  allowBasicAuth?: boolean;
  listenPort: string | number;
  listenBind: string;
  listenAuth: DeviceAuthMode;
  listenTls?: boolean;
  tlsCert: string;
  tlsKey: string;
  allowList: string;
}

export interface HikvisionConfigCredentials {
  username?: string;
  password?: string;
  listenUsername?: string;
  listenPassword?: string;
}

export function toPort(value: string | number | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : parseInt(value ?? '', 10);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : fallback;
}

/** The device the httpHosts node talks to. */
export function deviceTarget(def: HikvisionConfigDef, creds: HikvisionConfigCredentials): DeviceTarget {
  return {
    host: (def.host || '').trim(),
    port: toPort(def.port, def.protocol === 'https' ? 443 : 80),
    protocol: def.protocol === 'https' ? 'https' : 'http',
    rejectUnauthorized: def.rejectUnauthorized === true,
    allowBasic: def.allowBasicAuth === true,
    username: creds.username ?? '',
    password: creds.password ?? '',
  };
}

/** Where the device's pushes arrive, and why those settings cannot be used (or null). */
export function listenSettings(
  def: HikvisionConfigDef,
  creds: HikvisionConfigCredentials,
  RED: Pick<NodeAPI, '_'>,
): { listen: ListenSettings; listenError: string | null } {
  let listenError: string | null = null;
  let tls: ListenSettings['tls'];
  if (def.listenTls) {
    try {
      tls = { cert: fs.readFileSync(def.tlsCert, 'utf8'), key: fs.readFileSync(def.tlsKey, 'utf8') };
    } catch (err) {
      listenError = RED._('hikvision-config.errors.tls-files', { detail: (err as Error).message });
    }
  }
  const listen: ListenSettings = {
    port: toPort(def.listenPort, 8088),
    bind: (def.listenBind || '').trim(),
    auth: {
      mode: def.listenAuth === 'basic' || def.listenAuth === 'digest' ? def.listenAuth : 'none',
      username: creds.listenUsername ?? '',
      password: creds.listenPassword ?? '',
    },
    tls,
    allow: parseAllowList(def.allowList),
  };
  return { listen, listenError };
}
