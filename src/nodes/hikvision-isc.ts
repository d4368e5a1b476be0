/**
 * Config node `hikvision-isc`: one iSC / HikCentral platform's OpenAPI gateway and the partner
 * credentials (appKey, appSecret) to sign with. The credentials stay in Node-RED's credential
 * store: never in flow JSON, messages, status or logs.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { IscPlatform } from '../isc/isc-platform';

export interface HikvisionIscDef extends NodeDef {
  host: string;
  port: string | number;
  protocol: 'http' | 'https';
  /** Absent in flows saved before the option existed. */
  rejectUnauthorized?: boolean;
}

export interface HikvisionIscCredentials {
  appKey?: string;
  appSecret?: string;
}

export interface HikvisionIscNode extends Node<HikvisionIscCredentials> {
  platform: IscPlatform;
}

function toPort(value: string | number | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : parseInt(value ?? '', 10);
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : fallback;
}

export default function register(RED: NodeAPI): void {
  function HikvisionIsc(this: HikvisionIscNode, def: HikvisionIscDef): void {
    RED.nodes.createNode(this, def);
    const creds = this.credentials;
    this.platform = {
      host: (def.host || '').trim(),
      port: toPort(def.port, 443),
      protocol: def.protocol === 'http' ? 'http' : 'https',
      rejectUnauthorized: def.rejectUnauthorized === true,
      appKey: (creds.appKey ?? '').trim(),
      appSecret: creds.appSecret ?? '',
    };
  }

  RED.nodes.registerType<HikvisionIscNode, HikvisionIscDef, unknown, HikvisionIscCredentials>('hikvision-isc', HikvisionIsc, {
    credentials: {
      appKey: { type: 'text' },
      appSecret: { type: 'password' },
    },
  });
}
