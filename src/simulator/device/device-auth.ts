/**
 * How the simulated device checks logins on its ISAPI port: digest (MD5, qop=auth, expiring
 * nonces answered with stale=TRUE) and optionally basic; wrong credentials count towards a lock
 * of the account, during which every request — right password or not — gets 401 with the lock
 * state in the `userCheck` body, as Hikvision firmware reports it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { computeDigestResponse, parseDigestAuthorization } from '../../http-auth/digest';
import { element, leaf, renderXml, XML_DECLARATION } from '../xml-element';

export type AuthMethod = 'digest' | 'basic';

export interface DeviceAuthOptions {
  username: string;
  password: string;
  methods: AuthMethod[];
  lockoutAttempts: number;
  lockoutMs: number;
  nonceTtlMs: number;
  /** Camera or NVR style challenge (their headers differ, device-formats.md §7). */
  style: 'camera' | 'nvr';
  realm: string;
  namespace: string;
  now?: () => number;
}

export type AuthOutcome =
  | { ok: true; username: string }
  | {
      ok: false;
      /** missing: no usable credentials; wrong: counted failure; stale: right answer, old nonce; locked. */
      reason: 'missing' | 'wrong' | 'stale' | 'locked';
      challenges: string[];
      body: string;
      contentType: string;
    };

const MAX_NONCES = 4096;

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class DeviceAuth {
  private readonly nonces = new Map<string, number>();
  private failures = 0;
  private lockedUntil = 0;
  private readonly now: () => number;

  constructor(private readonly options: DeviceAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  get locked(): boolean {
    return this.now() < this.lockedUntil;
  }

  /** Failed logins in a row so far (reset by a success or a lock). */
  get failedAttempts(): number {
    return this.failures;
  }

  check(method: string, url: string, authorization: string | undefined): AuthOutcome {
    if (this.locked) return this.refuse('locked');
    if (!authorization) return this.refuse('missing');
    const scheme = /^\s*(\w+)\s/.exec(authorization)?.[1]?.toLowerCase();
    if (scheme === 'digest' && this.options.methods.includes('digest')) return this.checkDigest(method, url, authorization);
    if (scheme === 'basic' && this.options.methods.includes('basic')) return this.checkBasic(authorization);
    // A scheme this device does not offer: answer with the challenge, without counting it.
    return this.refuse('missing');
  }

  private checkDigest(method: string, url: string, authorization: string): AuthOutcome {
    const creds = parseDigestAuthorization(authorization);
    if (!creds || creds.algorithm !== 'MD5') return this.fail();
    if (creds.username !== this.options.username || creds.realm !== this.options.realm) return this.fail();
    // The digest covers the request target; accept it with or without the query string.
    if (creds.uri !== url && creds.uri !== url.split('?')[0]) return this.fail();
    if (creds.qop !== undefined && creds.qop !== 'auth') return this.fail();
    const expected = computeDigestResponse({
      algorithm: 'MD5', username: this.options.username, password: this.options.password, realm: this.options.realm,
      method, uri: creds.uri, nonce: creds.nonce, qop: creds.qop, nc: creds.nc, cnonce: creds.cnonce,
    });
    if (!equalText(expected, creds.response.toLowerCase())) return this.fail();
    const issued = this.nonces.get(creds.nonce);
    if (issued === undefined || this.now() - issued > this.options.nonceTtlMs) return this.refuse('stale');
    return this.succeed();
  }

  private checkBasic(authorization: string): AuthOutcome {
    const encoded = authorization.replace(/^\s*basic\s+/i, '').trim();
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return this.fail();
    const ok = equalText(decoded.slice(0, colon), this.options.username) && equalText(decoded.slice(colon + 1), this.options.password);
    return ok ? this.succeed() : this.fail();
  }

  private succeed(): AuthOutcome {
    this.failures = 0;
    return { ok: true, username: this.options.username };
  }

  private fail(): AuthOutcome {
    this.failures++;
    if (this.failures >= this.options.lockoutAttempts) {
      this.failures = 0;
      this.lockedUntil = this.now() + this.options.lockoutMs;
      return this.refuse('locked');
    }
    return this.refuse('wrong');
  }

  private newNonce(): string {
    const now = this.now();
    if (this.nonces.size >= MAX_NONCES) {
      const oldest = this.nonces.keys().next();
      if (!oldest.done) this.nonces.delete(oldest.value);
    }
    // Cameras send hex of a base64 text (48 hex digits); NVRs `<hex>:<timestamp>`.
    const nonce = this.options.style === 'nvr'
      ? `${randomBytes(16).toString('hex')}:${now}`
      : Buffer.from(Buffer.from(`${randomBytes(4).toString('hex')}:${String(now).slice(-8)}`).toString('base64')).toString('hex');
    this.nonces.set(nonce, now);
    return nonce;
  }

  private challenges(stale: boolean): string[] {
    const list: string[] = [];
    const staleText = stale ? 'TRUE' : 'FALSE';
    if (this.options.methods.includes('digest')) {
      const nonce = this.newNonce();
      list.push(this.options.style === 'nvr'
        ? `Digest realm="${this.options.realm}", domain="::", qop="auth", nonce="${nonce}", opaque="", algorithm="MD5", stale="${staleText}"`
        : `Digest qop="auth", realm="${this.options.realm}", nonce="${nonce}", stale="${staleText}"`);
    }
    if (this.options.methods.includes('basic')) list.push(`Basic realm="${this.options.realm}"`);
    return list;
  }

  private refuse(reason: 'missing' | 'wrong' | 'stale' | 'locked'): AuthOutcome {
    const locked = reason === 'locked';
    const unlockSeconds = locked ? Math.max(1, Math.ceil((this.lockedUntil - this.now()) / 1000)) : 0;
    const root = element('userCheck', [
      leaf('statusValue', 401),
      leaf('statusString', 'Unauthorized'),
      leaf('lockStatus', locked ? 'lock' : 'unlock'),
      leaf('unlockTime', unlockSeconds),
      leaf('retryLoginTime', locked ? 0 : this.options.lockoutAttempts - this.failures),
    ], [['version', '2.0'], ['xmlns', this.options.namespace]]);
    return {
      ok: false,
      reason,
      challenges: this.challenges(reason === 'stale'),
      body: renderXml(root, { declaration: XML_DECLARATION, indent: '', eol: '\n', finalEol: true }),
      contentType: 'application/xml; charset="UTF-8"',
    };
  }
}

/** A realm in the device's style: `IP Camera(C2183)` on cameras, a hex string on NVRs. */
export function deviceRealm(style: 'camera' | 'nvr', serial: string): string {
  if (style === 'nvr') return createHash('md5').update(serial).digest('hex').slice(0, 24);
  return `IP Camera(${serial.replace(/[^A-Z0-9]/gi, '').slice(-5).toUpperCase()})`;
}
