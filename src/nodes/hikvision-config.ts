/**
 * Config node `hikvision-config`: one device's ISAPI address and login, and the port (with its
 * device authentication and TLS) where that device's pushes arrive. Credentials stay in Node-RED's
 * credential store: never in flow JSON, never logged.
 */
import type { Request, Response } from 'express';
import fs from 'node:fs';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { deviceDirectory } from '../isapi/device-directory';
import type { DeviceTarget } from '../isapi/device-target';
import { detectLocalAddress } from '../isapi/local-address';
import { localAddresses, localIPv4Address } from '../net/local-addresses';
import { parseAllowList, type DeviceAuthMode, type ListenSettings } from '../server/listen-settings';

export interface HikvisionConfigDef extends NodeDef {
  host: string;
  port: string | number;
  protocol: 'http' | 'https';
  rejectUnauthorized?: boolean;
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

export interface HikvisionConfigNode extends Node<HikvisionConfigCredentials> {
  device: DeviceTarget;
  listen: ListenSettings;
  /** Why the listening settings cannot be used (unreadable certificate…), or null. */
  listenError: string | null;
}

export function toPort(value: string | number | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : parseInt(value ?? '', 10);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : fallback;
}

export default function register(RED: NodeAPI): void {
  function HikvisionConfig(this: HikvisionConfigNode, def: HikvisionConfigDef): void {
    RED.nodes.createNode(this, def);
    const creds = this.credentials;
    this.device = {
      host: (def.host || '').trim(),
      port: toPort(def.port, def.protocol === 'https' ? 443 : 80),
      protocol: def.protocol === 'https' ? 'https' : 'http',
      rejectUnauthorized: def.rejectUnauthorized === true,
      username: creds.username ?? '',
      password: creds.password ?? '',
    };
    this.listenError = null;
    let tls: ListenSettings['tls'];
    if (def.listenTls) {
      try {
        tls = { cert: fs.readFileSync(def.tlsCert, 'utf8'), key: fs.readFileSync(def.tlsKey, 'utf8') };
      } catch (err) {
        this.listenError = `cannot read TLS certificate/key: ${(err as Error).message}`;
      }
    }
    this.listen = {
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
    // Nodes that fetch pictures for an event find this device's login by the event's address.
    if (this.device.host) {
      const remove = deviceDirectory.add(this.device);
      this.on('close', () => { remove(); });
    }
  }

  RED.nodes.registerType<HikvisionConfigNode, HikvisionConfigDef, unknown, HikvisionConfigCredentials>('hikvision-config', HikvisionConfig, {
    credentials: {
      username: { type: 'text' },
      password: { type: 'password' },
      listenUsername: { type: 'text' },
      listenPassword: { type: 'password' },
    },
  });

  // Editors show the address a device (or platform) should send to: the route toward the device
  // when its address is known, else this machine's first reachable IPv4 address.
  RED.httpAdmin.get('/hikvision/local-address', RED.auth.needsPermission('hikvision.read'), (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const config = typeof query.config === 'string' ? (RED.nodes.getNode(query.config) as HikvisionConfigNode | null) : null;
    const host = typeof query.host === 'string' && query.host.trim() ? query.host.trim() : config?.device.host ?? '';
    const port = Number(query.port) || undefined;
    const lookup = host ? detectLocalAddress(host, port) : Promise.resolve(localIPv4Address());
    const answer = (address: string | null) => res.json({ address: address ?? localIPv4Address(), addresses: localAddresses() });
    lookup.then(answer, () => answer(null));
  });
}
