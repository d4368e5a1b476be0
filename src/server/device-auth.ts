/**
 * Checks the credentials a device sends to the listener (httpHosts `httpAuthenticationMethod`:
 * `MD5digest` = digest, `base64` = basic). Digest nonces are remembered in a bounded map so a
 * flood of requests cannot grow memory.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import {
  computeDigestResponse,
  formatDigestChallenge,
  newNonce,
  parseDigestAuthorization,
} from '../http-auth/digest';
import type { DeviceAuthMode } from './listen-settings';

export type AuthOutcome = { ok: true } | { ok: false; challenge: string };

const REALM = 'node-red-hikvision';
const NONCE_TTL_MS = 5 * 60_000;
const MAX_NONCES = 1024;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class DeviceAuthenticator {
  private readonly nonces = new Map<string, number>();

  constructor(
    private readonly mode: DeviceAuthMode,
    private readonly username: string,
    private readonly password: string,
    private readonly now: () => number = Date.now,
  ) {}

  check(method: string, headers: IncomingHttpHeaders): AuthOutcome {
    if (this.mode === 'none') return { ok: true };
    const header = headers.authorization;
    return this.mode === 'basic' ? this.checkBasic(header) : this.checkDigest(method, header);
  }

  private checkBasic(header: string | undefined): AuthOutcome {
    const challenge = `Basic realm="${REALM}"`;
    const match = header ? /^\s*Basic\s+(\S+)/i.exec(header) : null;
    if (!match) return { ok: false, challenge };
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const ok = colon !== -1
      && safeEqual(decoded.slice(0, colon), this.username)
      && safeEqual(decoded.slice(colon + 1), this.password);
    return ok ? { ok: true } : { ok: false, challenge };
  }

  private checkDigest(method: string, header: string | undefined): AuthOutcome {
    const now = this.now();
    const creds = parseDigestAuthorization(header);
    const issued = creds ? this.nonces.get(creds.nonce) : undefined;
    if (creds && issued !== undefined && creds.username === this.username && creds.realm === REALM) {
      const expected = computeDigestResponse({
        algorithm: creds.algorithm,
        username: this.username,
        password: this.password,
        realm: REALM,
        method,
        uri: creds.uri,
        nonce: creds.nonce,
        qop: creds.qop,
        nc: creds.nc,
        cnonce: creds.cnonce,
      });
      if (safeEqual(expected, creds.response)) {
        if (now - issued <= NONCE_TTL_MS) return { ok: true };
        return { ok: false, challenge: this.challenge(now, true) };
      }
    }
    return { ok: false, challenge: this.challenge(now, false) };
  }

  private challenge(now: number, stale: boolean): string {
    for (const [nonce, issued] of this.nonces) {
      if (this.nonces.size < MAX_NONCES && now - issued <= NONCE_TTL_MS) break;
      this.nonces.delete(nonce); // oldest first: Map keeps insertion order
    }
    const nonce = newNonce();
    this.nonces.set(nonce, now);
    return formatDigestChallenge({ realm: REALM, nonce, algorithm: 'MD5', qop: ['auth'], stale });
  }
}
