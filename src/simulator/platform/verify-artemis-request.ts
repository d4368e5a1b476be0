/**
 * What the simulated gateway checks before it serves a call, in the platform's order: appKey
 * present and known, signature present, timestamp fresh, Content-MD5 (when sent) matches, and the
 * signature recomputed from the headers exactly as received — so a client whose HTTP stack adds a
 * charset to Content-Type fails here as it would on a real platform.
 */
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { artemisContentMd5, artemisSignature, artemisStringToSign } from '../../isc/sign-artemis-request';

export interface ArtemisRejection {
  code: string;
  msg: string;
}

export interface ArtemisVerifier {
  appKey: string;
  appSecret: string;
  /** How far `x-ca-timestamp` may be from the gateway's clock. */
  maxClockSkewMs: number;
  now: () => number;
}

export interface ReceivedArtemisRequest {
  method: string;
  /** The request target as received: path and query. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function headerValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Query parameters, plus form fields when the body is a form: both are signed. */
function signedParams(request: ReceivedArtemisRequest): Record<string, string> {
  const params: Record<string, string> = {};
  const q = request.url.indexOf('?');
  if (q !== -1) for (const [k, v] of new URLSearchParams(request.url.slice(q + 1))) params[k] = v;
  if ((headerValue(request.headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(request.body.toString('utf8'))) params[k] = v;
  }
  return params;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** null when the request is properly signed by the partner; otherwise the platform's answer. */
export function verifyArtemisRequest(request: ReceivedArtemisRequest, verifier: ArtemisVerifier): ArtemisRejection | null {
  const appKey = headerValue(request.headers, 'x-ca-key') ?? '';
  if (appKey === '') return { code: '0x02401000', msg: 'APPKey is empty' };
  if (!sameText(appKey, verifier.appKey)) return { code: '0x02401001', msg: 'partner of APPKey does not exist' };
  const signature = headerValue(request.headers, 'x-ca-signature') ?? '';
  if (signature === '') return { code: '0x02401002', msg: 'signature is empty' };

  const timestamp = headerValue(request.headers, 'x-ca-timestamp');
  if (timestamp !== undefined) {
    const sentAt = Number(timestamp);
    if (!Number.isFinite(sentAt) || Math.abs(verifier.now() - sentAt) > verifier.maxClockSkewMs) {
      return { code: '0x02401003', msg: `Invalid Signature! x-ca-timestamp ${timestamp} is out of the allowed range` };
    }
  }
  const md5 = headerValue(request.headers, 'content-md5');
  if (md5 !== undefined && md5 !== artemisContentMd5(request.body)) {
    return { code: '0x02401003', msg: 'Invalid Signature! Content-MD5 does not match the body' };
  }

  const signedNames = (headerValue(request.headers, 'x-ca-signature-headers') ?? '')
    .split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const headers: Record<string, string> = {};
  for (const name of ['accept', 'content-md5', 'content-type', 'date', ...signedNames]) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const q = request.url.indexOf('?');
  const stringToSign = artemisStringToSign({
    method: request.method,
    path: q === -1 ? request.url : request.url.slice(0, q),
    params: signedParams(request),
    headers,
  }, signedNames);
  if (!sameText(signature, artemisSignature(stringToSign, verifier.appSecret))) {
    // The real gateway echoes its string to sign (appKey included): clients must not log it as is.
    return { code: '0x02401003', msg: `Invalid Signature! and StringToSign: ${stringToSign}` };
  }
  return null;
}
