/**
 * A client for the Artemis gateway's event service: signs each POST, sends exactly the signed
 * headers, and unwraps `{code,msg,data}`. Every failure becomes an `ArtemisError` whose text
 * never contains the appKey or appSecret.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import {
  ArtemisError,
  hintForArtemisCode,
  type ArtemisErrorDetails,
  type ArtemisErrorKind,
} from './artemis-error';
import {
  ARTEMIS_PREFIX,
  EVENT_SERVICE_PATHS,
  type ArtemisEnvelope,
  type EventSubscriptionRequest,
  type EventUnsubscriptionRequest,
  type SubscriptionView,
} from './event-service-api';
import { platformOrigin, type IscPlatform } from './isc-platform';
import { signArtemisRequest } from './sign-artemis-request';
import { QUOTED_TEXT_MAX, quoteForeignText } from '../net/log-text';
import { isRecord } from '../util/is-record';

export const DEFAULT_ARTEMIS_TIMEOUT_MS = 10_000;
/** A subscription answer is small; a view of many callbacks stays far below this. */
const RESPONSE_LIMIT_BYTES = 4 * 1024 * 1024;

/** The three event service calls, as the subscription keeper and the node use them. */
export interface ArtemisEventService {
  subscribeByEventTypes(request: EventSubscriptionRequest): Promise<ArtemisEnvelope>;
  unsubscribeByEventTypes(request: EventUnsubscriptionRequest): Promise<ArtemisEnvelope>;
  /** `data.detail` is always an array (empty when the platform sent none). */
  viewSubscriptions(): Promise<ArtemisEnvelope<SubscriptionView> & { data: SubscriptionView }>;
}

/** A gateway answer as received. */
export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ArtemisClientOptions {
  /** Deadline for a whole call (connect, TLS, request, answer). */
  timeoutMs?: number;
  /** The clock behind `x-ca-timestamp`; tests move it to check the platform's skew check. */
  now?: () => number;
}

const TLS_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function isEnvelope(value: unknown): value is { code: unknown; msg?: unknown; data?: unknown } {
  return isRecord(value) && 'code' in value;
}

export class ArtemisClient implements ArtemisEventService {
  private readonly platform: IscPlatform;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(platform: IscPlatform, options: ArtemisClientOptions = {}) {
    this.platform = platform;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ARTEMIS_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  subscribeByEventTypes(request: EventSubscriptionRequest): Promise<ArtemisEnvelope> {
    return this.call(EVENT_SERVICE_PATHS.subscribe, request);
  }

  unsubscribeByEventTypes(request: EventUnsubscriptionRequest): Promise<ArtemisEnvelope> {
    return this.call(EVENT_SERVICE_PATHS.unsubscribe, request);
  }

  async viewSubscriptions(): Promise<ArtemisEnvelope<SubscriptionView> & { data: SubscriptionView }> {
    const answer = await this.call(EVENT_SERVICE_PATHS.view, {});
    const data = isRecord(answer.data) ? answer.data : {};
    const detail = Array.isArray(data.detail) ? data.detail as SubscriptionView['detail'] : [];
    return { ...answer, data: { ...data, detail } };
  }

  /**
   * POSTs `body` as JSON to `/artemis<apiPath>` and resolves with the platform's answer
   * (`code` "0"); rejects with an `ArtemisError` otherwise.
   */
  async call(apiPath: string, body: unknown, options: { timeoutMs?: number } = {}): Promise<ArtemisEnvelope> {
    const where = `${platformOrigin(this.platform)}${ARTEMIS_PREFIX}${apiPath}`;
    const secrets = [this.platform.appSecret, this.platform.appKey];
    const fail = (message: string, kind: ArtemisErrorKind, code: string, extra: Partial<ArtemisErrorDetails> = {}) =>
      new ArtemisError(quoteForeignText(message, Infinity, secrets), { ...extra, kind, code });
    const { status, body: raw } = await this.post(apiPath, body, { timeoutMs: options.timeoutMs, maxBytes: RESPONSE_LIMIT_BYTES });
    const text = raw.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isEnvelope(parsed)) {
      const code = String(parsed.code);
      if (code === '0' && status >= 200 && status < 300) return { ...parsed, code, msg: typeof parsed.msg === 'string' ? parsed.msg : '' };
      if (code !== '0') {
        const platformMessage = quoteForeignText(typeof parsed.msg === 'string' ? parsed.msg : JSON.stringify(parsed.msg ?? ''), QUOTED_TEXT_MAX, secrets);
        const hint = hintForArtemisCode(code);
        throw fail(`platform error ${code}: ${platformMessage}${hint ? ` (${hint})` : ''}`, 'platform', code, {
          platformMessage, hint, httpStatus: status,
        });
      }
    }
    if (status < 200 || status >= 300) {
      const hint = httpHint(status);
      throw fail(`HTTP ${status} from ${where}${hint ? ` (${hint})` : ''}${excerpt(text)}`, 'http', `HTTP_${status}`, { httpStatus: status, hint });
    }
    throw fail(`the answer from ${where} is not the platform's {code,msg,data} JSON${excerpt(text)}`, 'response', 'BAD_RESPONSE', { httpStatus: status });
  }

  /**
   * One signed POST of `body` as JSON to `/artemis<apiPath>`: resolves with whatever the gateway
   * answers (any status, JSON or bytes: picture APIs answer a JPEG or a redirect); rejects with an
   * `ArtemisError` on network and TLS failures, a timeout, or an answer over `maxBytes`.
   */
  post(apiPath: string, body: unknown, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<RawAnswer> {
    const { host, port, protocol, rejectUnauthorized, appKey, appSecret } = this.platform;
    const path = ARTEMIS_PREFIX + apiPath;
    const where = `${platformOrigin(this.platform)}${path}`;
    if (host.trim() === '') {
      return Promise.reject(new ArtemisError('no platform host configured', { kind: 'network', code: 'NO_HOST' }));
    }
    const payload = Buffer.from(JSON.stringify(body ?? {}), 'utf8');
    const { headers } = signArtemisRequest({
      method: 'POST',
      path,
      headers: {
        Accept: '*/*',
        // Exactly as signed: no charset, and nothing below may rewrite it.
        'Content-Type': 'application/json',
        'x-ca-key': appKey,
        'x-ca-nonce': randomUUID(),
        'x-ca-timestamp': String(this.now()),
      },
    }, appSecret);
    const secrets = [appSecret, appKey];
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const maxBytes = options.maxBytes ?? RESPONSE_LIMIT_BYTES;

    return new Promise<RawAnswer>((resolve, reject) => {
      let settled = false;
      const fail = (message: string, kind: ArtemisErrorKind, code: string, extra: Partial<ArtemisErrorDetails> = {}) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(new ArtemisError(quoteForeignText(message, Infinity, secrets), { ...extra, kind, code }));
      };
      const requestOptions: https.RequestOptions = {
        host: host.replace(/^\[|\]$/g, ''),
        port,
        method: 'POST',
        path,
        headers: { ...headers, 'Content-Length': String(payload.length) },
        agent: false,
      };
      if (protocol === 'https') requestOptions.rejectUnauthorized = rejectUnauthorized;
      const req = (protocol === 'https' ? https : http).request(requestOptions, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(`the platform's answer from ${where} is larger than ${maxBytes} bytes`, 'response', 'BAD_RESPONSE');
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err: NodeJS.ErrnoException) => fail(transportMessage(err, where), 'network', err.code ?? 'ERROR'));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      });
      const timer = setTimeout(() => {
        fail(`no answer from ${where} within ${Math.round(timeoutMs / 100) / 10} s`, 'timeout', 'TIMEOUT', {
          hint: 'is the host and port right, and is the platform reachable from here?',
        });
      }, timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? 'ERROR';
        const tls = TLS_CERTIFICATE_CODES.has(code) || code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS');
        fail(transportMessage(err, where), tls ? 'tls' : 'network', code);
      });
      req.end(payload);
    });
  }
}

function excerpt(text: string): string {
  const trimmed = text.slice(0, 4096).trim().replace(/\s+/g, ' ');
  if (trimmed === '') return '';
  return `: ${quoteForeignText(trimmed)}`;
}

function httpHint(status: number): string | undefined {
  if (status === 404) return 'wrong host, port or protocol? the gateway serves the API under /artemis';
  if (status === 400) return 'plain HTTP sent to an HTTPS port? check the protocol';
  if (status === 401 || status === 403) return 'the gateway refused the partner';
  if (status >= 500) return 'the platform has a problem: try again later';
  return undefined;
}

/** A socket or TLS failure in words, with what to check. */
function transportMessage(err: NodeJS.ErrnoException, where: string): string {
  const code = err.code ?? '';
  if (TLS_CERTIFICATE_CODES.has(code)) {
    return `TLS certificate of ${where} rejected (${code}): platforms usually have a self-signed certificate — turn off certificate verification in the iSC platform node, or install the platform's CA`;
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL')) {
    return `TLS handshake with ${where} failed (${code}): is this port HTTPS? (${err.message})`;
  }
  if (code.startsWith('HPE_')) return `the answer from ${where} is not HTTP (${code}): HTTPS port used with protocol http?`;
  switch (code) {
    case 'ECONNREFUSED': return `connection refused by ${where}: platform down or wrong port`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `host of ${where} not found (DNS)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return `${where} is unreachable from this machine (${code})`;
    case 'ETIMEDOUT': return `connecting to ${where} timed out`;
    case 'ECONNRESET':
    case 'EPIPE': return `${where} closed the connection (${code}): wrong protocol or a proxy in between?`;
    default: return `request to ${where} failed: ${err.message}`;
  }
}
