/**
 * Checks the credentials a device sends to the listener (httpHosts `httpAuthenticationMethod`:
 * `MD5digest` = digest, `base64` = basic).
 *
 * Digest replay protection, and why it is built this way:
 * - A nonce handed out in a challenge goes into `issued`, a bounded first-in-first-out table.
 *   Anyone can fill it (every unauthenticated request gets a challenge), so a flood only pushes
 *   out other unanswered challenges.
 * - A nonce answered with the right password moves to `active`, a separate bounded table that
 *   only holders of the password can add to: a flood of unauthenticated requests cannot push a
 *   working device's nonce out. It is ordered by last use, so the least recently used goes first
 *   if many devices share the login.
 * - Each active nonce remembers the highest `nc` accepted; an answer must carry a higher one (so
 *   every value is used once, in increasing order), qop=auth, and the `uri` of its own request
 *   line. A replayed header therefore fails even with a new body or on another path. An RFC 2069
 *   answer (no qop, so no nc) is accepted once per nonce.
 * - Replays, expired nonces and nonces we no longer know get a stale=true challenge: an honest
 *   client just starts over without that counting as a wrong password.
 * Auth on with a missing user or password refuses everything (never fails open); the node also
 * reports it as a configuration error before listening (listen-security.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import {
  computeDigestResponse,
  formatDigestChallenge,
  MAX_AUTH_HEADER_CHARS,
  newNonce,
  parseDigestAuthorization,
} from '../http-auth/digest';
import type { DeviceAuthMode } from './listen-settings';

export type AuthOutcome = { ok: true } | { ok: false; challenge: string };

const REALM = 'node-red-hikvision';
const NONCE_TTL_MS = 5 * 60_000;
/** Unanswered challenges kept; a flood cycles through these only. */
const MAX_ISSUED_NONCES = 1024;
/** Nonces in use by authenticated devices. */
const MAX_ACTIVE_NONCES = 256;

interface ActiveNonce {
  issued: number;
  /** Highest nc accepted so far. */
  nc: number;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The nc of an answer (8 hex digits in RFC 7616); null when missing or malformed. */
function readNc(value: string | undefined): number | null {
  return value !== undefined && /^[0-9a-fA-F]{1,8}$/.test(value) ? parseInt(value, 16) : null;
}

/** True when the digest `uri` names the request's own target (origin form, or absolute form). */
function sameTarget(digestUri: string, requestUrl: string): boolean {
  if (digestUri === requestUrl) return true;
  const absolute = /^https?:\/\/[^/?#]*(\/[^#]*)?$/i.exec(digestUri);
  // An unmatched group is undefined at run time, whatever the type says.
  return absolute !== null && ((absolute[1] as string | undefined) ?? '/') === requestUrl;
}

export class DeviceAuthenticator {
  private readonly issued = new Map<string, number>();
  private readonly active = new Map<string, ActiveNonce>();
  /** Mode on but user or password empty: a configuration error, refuse everyone. */
  private readonly misconfigured: boolean;

  constructor(
    private readonly mode: DeviceAuthMode,
    private readonly username: string,
    private readonly password: string,
    private readonly now: () => number = Date.now,
  ) {
    this.misconfigured = mode !== 'none' && (username === '' || password === '');
  }

  /** @param url the request target as in the request line (`req.url`), checked against the digest `uri` */
  check(method: string, headers: IncomingHttpHeaders, url = '/'): AuthOutcome {
    if (this.mode === 'none') return { ok: true };
    const header = headers.authorization;
    const usable = header !== undefined && header.length <= MAX_AUTH_HEADER_CHARS && !this.misconfigured ? header : undefined;
    return this.mode === 'basic' ? this.checkBasic(usable) : this.checkDigest(method, url, usable);
  }

  private checkBasic(header: string | undefined): AuthOutcome {
    const challenge = `Basic realm="${REALM}"`;
    const match = header ? /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
    if (!match) return { ok: false, challenge };
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const ok = colon !== -1
      && safeEqual(decoded.slice(0, colon), this.username)
      && safeEqual(decoded.slice(colon + 1), this.password);
    return ok ? { ok: true } : { ok: false, challenge };
  }

  private checkDigest(method: string, url: string, header: string | undefined): AuthOutcome {
    const now = this.now();
    const creds = parseDigestAuthorization(header);
    if (!creds || creds.username !== this.username || creds.realm !== REALM || creds.algorithm !== 'MD5'
      || !sameTarget(creds.uri, url)) {
      return this.refuse(now, false);
    }
    // qop=auth carries nc and cnonce; an RFC 2069 answer (no qop) has neither, so its nonce is good once.
    const rfc2069 = creds.qop === undefined && creds.nc === undefined && creds.cnonce === undefined;
    const nc = rfc2069 ? 0 : readNc(creds.nc);
    if (nc === null || (!rfc2069 && (creds.qop !== 'auth' || !creds.cnonce))) return this.refuse(now, false);
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
    if (!safeEqual(expected, creds.response)) return this.refuse(now, false);

    // The password is right; now is this answer fresh?
    const active = this.active.get(creds.nonce);
    const issuedAt = active?.issued ?? this.issued.get(creds.nonce);
    if (issuedAt === undefined || now - issuedAt > NONCE_TTL_MS) {
      this.forget(creds.nonce);
      return this.refuse(now, true);
    }
    if (active && nc <= active.nc) return this.refuse(now, true); // replayed or reordered
    this.issued.delete(creds.nonce);
    if (rfc2069) {
      this.active.delete(creds.nonce);
      return { ok: true };
    }
    this.active.delete(creds.nonce); // re-inserted last: the table is ordered by last use
    this.active.set(creds.nonce, { issued: issuedAt, nc });
    this.trim(this.active, MAX_ACTIVE_NONCES, now, (entry) => entry.issued);
    return { ok: true };
  }

  private forget(nonce: string): void {
    this.issued.delete(nonce);
    this.active.delete(nonce);
  }

  private refuse(now: number, stale: boolean): AuthOutcome {
    return { ok: false, challenge: this.challenge(now, stale) };
  }

  private challenge(now: number, stale: boolean): string {
    const nonce = newNonce();
    if (!this.misconfigured) {
      this.issued.set(nonce, now);
      this.trim(this.issued, MAX_ISSUED_NONCES, now, (issued) => issued);
    }
    return formatDigestChallenge({ realm: REALM, nonce, algorithm: 'MD5', qop: ['auth'], stale });
  }

  /** Drops expired entries and, past `max`, the oldest (a Map keeps insertion order). */
  private trim<T>(table: Map<string, T>, max: number, now: number, issuedOf: (entry: T) => number): void {
    for (const [nonce, entry] of table) {
      if (table.size <= max && now - issuedOf(entry) <= NONCE_TTL_MS) break;
      table.delete(nonce);
    }
  }
}
