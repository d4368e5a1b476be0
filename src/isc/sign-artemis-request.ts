/**
 * Artemis (iSC / HikCentral OpenAPI gateway) request signing: HMAC-SHA256 over a string built
 * from the method, a few headers by value, the `x-ca-*` headers by name and value, and the path
 * with its sorted parameters. The gateway rebuilds the same string from what it receives, so the
 * headers signed here must be sent byte for byte.
 */
import { createHash, createHmac } from 'node:crypto';

/** Headers that enter the string to sign by value only, in this order, and only when present. */
const VALUE_HEADERS = ['accept', 'content-md5', 'content-type', 'date'] as const;

/** `x-ca-*` headers that are never signed: they carry the signature itself. */
const UNSIGNED_CA_HEADERS = new Set(['x-ca-signature', 'x-ca-signature-headers']);

export interface ArtemisRequestToSign {
  method: string;
  /** The path as sent, including `/artemis`, without the query string. */
  path: string;
  /** Query (and form) parameters, signed sorted by name; values raw, not URL-encoded. */
  params?: Readonly<Record<string, string>>;
  /** The headers that will be sent (names in any case), signature headers excluded. */
  headers: Readonly<Record<string, string>>;
}

export interface SignedArtemisRequest {
  /** The request's headers plus `x-ca-signature-headers` and `x-ca-signature`. */
  headers: Record<string, string>;
  stringToSign: string;
}

// The reference SDK treats whitespace-only values as absent (`name:` alone, `k` alone).
function isBlank(value: string): boolean {
  return value.trim() === '';
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) map.set(name.toLowerCase(), value);
  return map;
}

/** The signed `x-ca-*` header names, lower case, sorted. */
export function artemisSignedHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  return [...lowerCaseKeys(headers).keys()]
    .filter((name) => name.startsWith('x-ca-') && !UNSIGNED_CA_HEADERS.has(name))
    .sort(byCodeUnits);
}

/** `path?k1=v1&k2` with parameters sorted by name; just the path when there are none. */
export function artemisResource(path: string, params: Readonly<Record<string, string>> = {}): string {
  const names = Object.keys(params).filter((name) => !isBlank(name)).sort(byCodeUnits);
  if (names.length === 0) return path;
  const pairs = names.map((name) => {
    const value = params[name] ?? '';
    return isBlank(value) ? name : `${name}=${value}`;
  });
  return `${path}?${pairs.join('&')}`;
}

/**
 * The string to sign. `signedHeaderNames` defaults to every `x-ca-*` header present; a gateway
 * verifying a request passes the names the caller listed in `x-ca-signature-headers`.
 */
export function artemisStringToSign(request: ArtemisRequestToSign, signedHeaderNames?: readonly string[]): string {
  const headers = lowerCaseKeys(request.headers);
  const lines = [request.method.toUpperCase()];
  for (const name of VALUE_HEADERS) {
    const value = headers.get(name);
    if (value !== undefined) lines.push(value);
  }
  for (const name of signedHeaderNames ?? artemisSignedHeaderNames(request.headers)) {
    const value = headers.get(name.toLowerCase()) ?? '';
    lines.push(`${name.toLowerCase()}:${isBlank(value) ? '' : value}`);
  }
  lines.push(artemisResource(request.path, request.params));
  return lines.join('\n');
}

/** base64(HMAC-SHA256(appSecret, stringToSign)). */
export function artemisSignature(stringToSign: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(stringToSign, 'utf8').digest('base64');
}

/** base64 of the body's MD5, the value of an optional `Content-MD5` header. */
export function artemisContentMd5(body: string | Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

/** Adds `x-ca-signature-headers` and `x-ca-signature` to the request's headers. */
export function signArtemisRequest(request: ArtemisRequestToSign, appSecret: string): SignedArtemisRequest {
  const signedNames = artemisSignedHeaderNames(request.headers);
  const stringToSign = artemisStringToSign(request, signedNames);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!UNSIGNED_CA_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  headers['x-ca-signature-headers'] = signedNames.join(',');
  headers['x-ca-signature'] = artemisSignature(stringToSign, appSecret);
  return { headers, stringToSign };
}
