/**
 * An HTTP client for one device's ISAPI, with RFC 7616 digest authentication (MD5, SHA-256,
 * their -sess forms, qop auth / auth-int) and Basic when the device offers only Basic and the
 * target explicitly allows it (`allowBasic`): Basic hands the password to whatever answers.
 *
 * Written on node:http/https rather than digest-fetch (ESM-only, `any`-typed, no auth-int).
 * A device locks the account after a few failed logins, so a 401 that answers our credentials is
 * final: the only retries are the normal handshake (first 401 → answer the challenge), a
 * `stale=true` challenge, and a reused nonce the device had accepted before and has since
 * replaced. After a real 401 the client sends nothing more (see `authHoldOffMs`).
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import {
  computeDigestResponse,
  formatDigestAuthorization,
  offersBasic,
  parseDigestChallenges,
  type DigestChallenge,
} from '../http-auth/digest';
import type { DeviceTarget } from './device-target';
import { IsapiError, LOCKOUT_WARNING, statusError, transportError } from './isapi-error';
import { quoteForeignText } from '../net/log-text';

export interface IsapiRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path with query, e.g. `/ISAPI/Event/notification/httpHosts?format=json`. */
  path: string;
  body?: string | Buffer;
  contentType?: string;
}

export interface IsapiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface DigestClientOptions {
  /** Whole-request deadline (connect, send, answer), ms. */
  timeoutMs?: number;
  /** Largest answer body accepted, bytes. */
  maxBodyBytes?: number;
  /** After the device refuses the credentials, refuse to send more for this long (ms). */
  authHoldOffMs?: number;
}

interface DigestSession {
  challenge: DigestChallenge;
  nc: number;
  /** -sess algorithms keep one cnonce for the nonce's life (the session key depends on it). */
  sessionCnonce: string;
  /** The device has accepted an answer to this nonce. */
  accepted: boolean;
}

type SentAuth = { kind: 'none' } | { kind: 'basic' } | { kind: 'digest'; session: DigestSession };

export interface DigestAnswerInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  uri: string;
  nc: number;
  cnonce: string;
  body?: Buffer;
}

/** Chooses qop as RFC 7616 asks: `auth` when offered, `auth-int` when only that is, none for RFC 2069. */
export function chooseQop(offered: readonly string[]): 'auth' | 'auth-int' | undefined | null {
  if (offered.length === 0) return undefined;
  if (offered.includes('auth')) return 'auth';
  if (offered.includes('auth-int')) return 'auth-int';
  return null;
}

/** The `Authorization` header value answering a digest challenge. */
export function digestAuthorization(input: DigestAnswerInput): string {
  const { challenge } = input;
  const qop = chooseQop(challenge.qop);
  if (qop === null) throw new IsapiError('protocol', `the device asks for digest qop "${challenge.qop.join(',')}", which this client does not speak`);
  const nc = input.nc.toString(16).padStart(8, '0');
  const response = computeDigestResponse({
    algorithm: challenge.algorithm,
    username: input.username,
    password: input.password,
    realm: challenge.realm,
    method: input.method,
    uri: input.uri,
    nonce: challenge.nonce,
    qop,
    nc: qop ? nc : undefined,
    cnonce: qop || challenge.algorithm.endsWith('-sess') ? input.cnonce : undefined,
    body: input.body,
  });
  return formatDigestAuthorization({
    username: input.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: input.uri,
    algorithm: challenge.algorithm,
    response,
    opaque: challenge.opaque,
    ...(qop ? { qop, nc, cnonce: input.cnonce } : {}),
  });
}

const DEFAULTS: Required<DigestClientOptions> = { timeoutMs: 10000, maxBodyBytes: 4 * 1024 * 1024, authHoldOffMs: Infinity };

export class DigestClient {
  private readonly options: Required<DigestClientOptions>;
  private scheme: 'digest' | 'basic' | null = null;
  private session: DigestSession | null = null;
  private authFailure: { error: IsapiError; at: number } | null = null;
  private readonly inFlight = new Set<http.ClientRequest>();
  private closed = false;

  constructor(private readonly target: DeviceTarget, options: DigestClientOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** `http(s)://host:port`, for messages (never with credentials). */
  get origin(): string {
    const host = this.target.host.includes(':') && !this.target.host.startsWith('[') ? `[${this.target.host}]` : this.target.host;
    return `${this.target.protocol}://${host}:${this.target.port}`;
  }

  /**
   * Sends one request, authenticating as needed. Resolves with any answer but 401 (the caller
   * judges 4xx/5xx with `statusError`); rejects with an IsapiError for 401, transport failures,
   * timeouts and oversized answers.
   */
  async request(req: IsapiRequest): Promise<IsapiResponse> {
    if (this.closed) throw new IsapiError('aborted', 'the client was closed');
    if (this.authFailure && Date.now() - this.authFailure.at < this.options.authHoldOffMs) {
      throw new IsapiError(
        'unauthorized',
        `Not sent: the device refused these credentials before (${this.authFailure.error.message.split('.')[0]}). ${LOCKOUT_WARNING} Redeploy after fixing them.`,
        { httpStatus: 401 },
      );
    }
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    let sent = this.authorize(req, body);
    let res = await this.send(req, body, sent.header);
    // At most the handshake plus one stale nonce: never a loop.
    for (let resent = 0; res.status === 401 && resent < 2 && this.mayAnswer(sent.auth, res); resent++) {
      sent = this.authorize(req, body);
      res = await this.send(req, body, sent.header);
    }
    if (res.status === 401) {
      if (sent.auth.kind === 'none' && this.basicRefused(res)) {
        throw new IsapiError('unauthorized', `${this.origin} offers only Basic authentication, which would send the password unencrypted; nothing was sent. Tick "Allow Basic authentication" in the hikvision-config node only if you trust this device and network.`, { httpStatus: 401 });
      }
      if (sent.auth.kind === 'none') {
        throw new IsapiError('unauthorized', `401 from ${this.origin} without an authentication scheme this client speaks (${quoteForeignText(res.headers['www-authenticate'] ?? 'no WWW-Authenticate')})`, { httpStatus: 401 });
      }
      if (parseDigestChallenges(res.headers['www-authenticate']).at(0)?.stale) {
        // The password was right every time; the device just keeps renewing its nonce.
        throw new IsapiError('unauthorized', `${this.origin} answered every attempt with a stale nonce; try again later`, { httpStatus: 401 });
      }
      const error = statusError(req.method, req.path, 401, res.body);
      this.authFailure = { error, at: Date.now() };
      this.session = null;
      throw error;
    }
    if (sent.auth.kind === 'digest') sent.auth.session.accepted = true;
    return res;
  }

  /** Aborts requests in flight and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const req of this.inFlight) req.destroy(new IsapiError('aborted', 'request aborted: the node is closing'));
    this.inFlight.clear();
  }

  /**
   * Decides whether a 401 may be answered once more, and learns the new challenge if so. Only the
   * handshake, a stale nonce, or a replaced nonce that had worked — never a refused password.
   */
  /** True when the device offers Basic and no digest, and the target does not allow Basic. */
  private basicRefused(res: IsapiResponse): boolean {
    const header = res.headers['www-authenticate'];
    return this.target.allowBasic !== true && parseDigestChallenges(header).length === 0 && offersBasic(header);
  }

  private mayAnswer(sent: SentAuth, res: IsapiResponse): boolean {
    const header = res.headers['www-authenticate'];
    const challenge = parseDigestChallenges(header)[0] as DigestChallenge | undefined;
    const basic = offersBasic(header) && this.target.allowBasic === true;
    let answer = false;
    if (sent.kind === 'none') answer = challenge !== undefined || basic;
    else if (sent.kind === 'digest' && challenge) {
      answer = challenge.stale || (sent.session.accepted && challenge.nonce !== sent.session.challenge.nonce);
    }
    if (!answer) return false;
    if (challenge) {
      this.scheme = 'digest';
      this.session = { challenge, nc: 0, sessionCnonce: randomBytes(16).toString('hex'), accepted: false };
    } else {
      this.scheme = 'basic';
      this.session = null;
    }
    return true;
  }

  private authorize(req: IsapiRequest, body: Buffer | undefined): { auth: SentAuth; header?: string } {
    const { username, password } = this.target;
    if (this.scheme === 'basic') {
      return { auth: { kind: 'basic' }, header: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
    }
    const session = this.session;
    if (this.scheme !== 'digest' || !session) return { auth: { kind: 'none' } };
    session.nc += 1;
    const cnonce = session.challenge.algorithm.endsWith('-sess') ? session.sessionCnonce : randomBytes(16).toString('hex');
    const header = digestAuthorization({
      challenge: session.challenge, username, password, method: req.method, uri: req.path, nc: session.nc, cnonce, body,
    });
    return { auth: { kind: 'digest', session }, header };
  }

  private send(req: IsapiRequest, body: Buffer | undefined, authorization: string | undefined): Promise<IsapiResponse> {
    const { host, port, protocol, rejectUnauthorized } = this.target;
    const headers: http.OutgoingHttpHeaders = { Accept: '*/*', 'User-Agent': 'node-red-contrib-hikvision-events' };
    if (authorization) headers.Authorization = authorization;
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/xml; charset="UTF-8"';
      headers['Content-Length'] = body.length;
    }
    const options: https.RequestOptions = {
      host: host.replace(/^\[(.*)\]$/, '$1'),
      port,
      method: req.method,
      path: req.path,
      headers,
      agent: false,
    };
    if (protocol === 'https') options.rejectUnauthorized = rejectUnauthorized;
    const where = this.origin;
    const { timeoutMs, maxBodyBytes } = this.options;

    return new Promise<IsapiResponse>((resolve, reject) => {
      let settled = false;
      const finish = (err: IsapiError | null, res?: IsapiResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(request);
        if (err) reject(err);
        else resolve(res as IsapiResponse);
      };
      const request = (protocol === 'https' ? https : http).request(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) {
            finish(new IsapiError('too-large', `${where} sent more than ${maxBodyBytes} bytes for ${req.method} ${req.path.split('?')[0]}`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err: NodeJS.ErrnoException) => finish(err instanceof IsapiError ? err : transportError(err, where)));
        res.on('aborted', () => finish(new IsapiError('connection', `${where} closed the connection before the answer was complete`)));
      });
      const timer = setTimeout(() => {
        finish(new IsapiError('timeout', `${where} did not answer ${req.method} ${req.path.split('?')[0]} within ${Math.round(timeoutMs / 100) / 10} s: is the device reachable from this machine?`));
        request.destroy();
      }, timeoutMs);
      this.inFlight.add(request);
      request.on('error', (err: NodeJS.ErrnoException) => finish(err instanceof IsapiError ? err : transportError(err, where)));
      request.end(body);
    });
  }
}
