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

/**
 * Longest `Authorization` or `WWW-Authenticate` value this module reads. Real ones are a few
 * hundred characters; anything longer is refused unread, so an oversized header costs nothing.
 */
export const MAX_AUTH_HEADER_CHARS = 4096;

/** One scheme and its parameters from an authentication header (`Digest realm="x", nonce=…`). */
interface AuthItem {
  scheme: string;
  params: Map<string, string>;
}

const TOKEN_CHAR = /[A-Za-z0-9_!#$%&'*+.^`|~-]/;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t';
}

/**
 * Reads a list of challenges or credentials (RFC 9110 section 11) in one pass: every character is
 * looked at a bounded number of times, so the cost is linear in the header's length (the regular
 * expressions this replaced backtracked into quadratic time on a long run of letters).
 * A token followed by `=` is a parameter of the current scheme; any other token starts a scheme.
 */
function scanAuthItems(text: string): AuthItem[] {
  const items: AuthItem[] = [];
  if (text.length > MAX_AUTH_HEADER_CHARS) return items;
  let current: AuthItem | null = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (isSpace(c) || c === ',') { i++; continue; }
    if (!TOKEN_CHAR.test(c)) { i++; continue; }
    const start = i;
    while (i < n && TOKEN_CHAR.test(text[i])) i++;
    const token = text.slice(start, i);
    let j = i;
    while (j < n && isSpace(text[j])) j++;
    if (text[j] !== '=' || current === null) {
      // A scheme name (a token68 after it, as in `Basic dXNlcg==`, is kept as its `token68`).
      current = { scheme: token.toLowerCase(), params: new Map() };
      items.push(current);
      if (text[j] === '=') { i = j; while (i < n && text[i] === '=') i++; continue; }
      const t68Start = j;
      let k = j;
      while (k < n && !isSpace(text[k]) && text[k] !== ',') k++;
      const candidate = text.slice(t68Start, k);
      if (k > t68Start && /^[A-Za-z0-9\-._~+/]+=*$/.test(candidate)) {
        let after = k;
        while (after < n && isSpace(text[after])) after++;
        if (after >= n || text[after] === ',') {
          current.params.set('token68', candidate);
          i = k;
        }
      }
      continue;
    }
    // token = value
    i = j + 1;
    while (i < n && isSpace(text[i])) i++;
    let value: string;
    if (text[i] === '"') {
      let out = '';
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) i++;
        out += text[i];
        i++;
      }
      i++; // the closing quote (or the end of an unterminated value)
      value = out;
    } else {
      const vStart = i;
      while (i < n && !isSpace(text[i]) && text[i] !== ',') i++;
      value = text.slice(vStart, i);
    }
    current.params.set(token.toLowerCase(), value);
  }
  return items;
}

/**
 * Splits `key=value, key="quoted, value"` lists as used by the Digest and Basic schemes, in linear
 * time; text longer than MAX_AUTH_HEADER_CHARS gives an empty map.
 */
export function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  if (text.length > MAX_AUTH_HEADER_CHARS) return params;
  // A leading scheme keeps the scanner's rule simple: every parameter then belongs to it.
  return scanAuthItems(`x ${text}`).at(0)?.params ?? params;
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
    for (const item of scanAuthItems(value)) {
      if (item.scheme !== 'digest') continue;
      const params = item.params;
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
  return values.some((v) => scanAuthItems(v).some((item) => item.scheme === 'basic'));
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
  const item = scanAuthItems(header).at(0);
  if (item?.scheme !== 'digest') return null;
  const params = item.params;
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
