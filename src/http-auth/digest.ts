/**
 * HTTP Digest authentication primitives (RFC 7616): the hashing and header grammar shared by the
 * device client, the listener's device authentication and the simulator. No I/O here.
 */
import { createHash, randomBytes } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
const ALGORITHMS: readonly DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'];

/** The parameters of one `WWW-Authenticate: Digest …` challenge. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** The qop values the server offers (`auth`, `auth-int`); empty for RFC 2069 servers. */
  qop: string[];
  stale: boolean;
}

/** What a client puts in `Authorization: Digest …`, and what a server checks. */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  algorithm: DigestAlgorithm;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/** Splits `key=value, key="quoted, value"` lists as used by the Digest and Basic schemes. */
export function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const quoted = match[2] as string | undefined; // an unmatched group is undefined at run time
    params.set(match[1].toLowerCase(), quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : match[3]);
  }
  return params;
}

function toAlgorithm(value: string | undefined): DigestAlgorithm | null {
  if (!value) return 'MD5';
  return ALGORITHMS.find((a) => a.toLowerCase() === value.toLowerCase()) ?? null;
}

/**
 * The Digest challenges in `WWW-Authenticate` header values, in the server's order of preference.
 * Challenges with an algorithm this module does not implement are left out.
 */
export function parseDigestChallenges(headerValues: string | string[] | undefined): DigestChallenge[] {
  const values = Array.isArray(headerValues) ? headerValues : headerValues ? [headerValues] : [];
  const challenges: DigestChallenge[] = [];
  for (const value of values) {
    // One header may hold several schemes: split before each scheme token.
    for (const part of value.split(/,?\s*(?=\b(?:Digest|Basic|Bearer|Negotiate)\s)/i)) {
      const scheme = /^\s*Digest\s+/i.exec(part);
      if (!scheme) continue;
      const params = parseAuthParams(part.slice(scheme[0].length));
      const algorithm = toAlgorithm(params.get('algorithm'));
      const nonce = params.get('nonce');
      if (!algorithm || nonce === undefined) continue;
      challenges.push({
        realm: params.get('realm') ?? '',
        nonce,
        opaque: params.get('opaque'),
        algorithm,
        qop: (params.get('qop') ?? '').split(',').map((q) => q.trim()).filter(Boolean),
        stale: (params.get('stale') ?? '').toLowerCase() === 'true',
      });
    }
  }
  return challenges;
}

/** True when a `WWW-Authenticate` header offers the Basic scheme. */
export function offersBasic(headerValues: string | string[] | undefined): boolean {
  const values = Array.isArray(headerValues) ? headerValues : headerValues ? [headerValues] : [];
  return values.some((v) => /(^|,)\s*Basic\b/i.test(v));
}

export function hashHex(algorithm: DigestAlgorithm, data: string | Buffer): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5').update(data).digest('hex');
}

export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  username: string;
  password: string;
  realm: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  /** The request body, needed only for qop=auth-int. */
  body?: Buffer;
}

/** The `response` value of RFC 7616 section 3.4.1. */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm } = input;
  let ha1 = hashHex(algorithm, `${input.username}:${input.realm}:${input.password}`);
  if (algorithm.endsWith('-sess')) ha1 = hashHex(algorithm, `${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  const a2 =
    input.qop === 'auth-int'
      ? `${input.method}:${input.uri}:${hashHex(algorithm, input.body ?? Buffer.alloc(0))}`
      : `${input.method}:${input.uri}`;
  const ha2 = hashHex(algorithm, a2);
  if (input.qop) return hashHex(algorithm, `${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
  return hashHex(algorithm, `${ha1}:${input.nonce}:${ha2}`);
}

/** Parses an `Authorization: Digest …` header value; null when it is not a complete Digest answer. */
export function parseDigestAuthorization(header: string | undefined): DigestCredentials | null {
  if (!header) return null;
  const scheme = /^\s*Digest\s+/i.exec(header);
  if (!scheme) return null;
  const params = parseAuthParams(header.slice(scheme[0].length));
  const algorithm = toAlgorithm(params.get('algorithm'));
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (!algorithm || username === undefined || realm === undefined || nonce === undefined || uri === undefined || !response) {
    return null;
  }
  return {
    username, realm, nonce, uri, algorithm, response,
    qop: params.get('qop'),
    nc: params.get('nc'),
    cnonce: params.get('cnonce'),
    opaque: params.get('opaque'),
  };
}

/** Formats the client's `Authorization` header value. */
export function formatDigestAuthorization(c: DigestCredentials): string {
  const quote = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
  const parts = [
    `username=${quote(c.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(c.uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${quote(c.response)}`,
  ];
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.qop) parts.push(`qop=${c.qop}`, `nc=${c.nc ?? '00000001'}`, `cnonce=${quote(c.cnonce ?? '')}`);
  return `Digest ${parts.join(', ')}`;
}

/** Formats a server's `WWW-Authenticate` challenge. */
export function formatDigestChallenge(c: DigestChallenge): string {
  const parts = [`realm="${c.realm}"`, `nonce="${c.nonce}"`];
  if (c.qop.length > 0) parts.push(`qop="${c.qop.join(',')}"`);
  parts.push(`algorithm=${c.algorithm}`);
  if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`);
  if (c.stale) parts.push('stale=TRUE');
  return `Digest ${parts.join(', ')}`;
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}
