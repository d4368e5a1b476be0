/**
 * A tiny HTTP(S) server that checks Digest (RFC 7616) or Basic answers the way a device does, and
 * records what it saw, for the digest client's tests. Loopback only.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  computeDigestResponse,
  formatDigestChallenge,
  newNonce,
  parseDigestAuthorization,
  type DigestAlgorithm,
} from '../../../src/http-auth/digest';

export interface TestServerOptions {
  username?: string;
  password?: string;
  scheme?: 'digest' | 'basic';
  algorithm?: DigestAlgorithm;
  /** qop values offered; [] for an RFC 2069 challenge. */
  qop?: string[];
  opaque?: string;
  /** Extra raw challenge sent before ours (another scheme, an unknown algorithm…). */
  extraChallenge?: string;
  /** Answer a nonce older than this many accepted uses with stale=true (and a new nonce). */
  staleAfterUses?: number;
  /** Answer the first N right answers with stale=true and a new nonce. */
  staleAnswers?: number;
  /** Replace the nonce after this many uses WITHOUT saying stale (firmware that forgets the flag). */
  silentExpiryAfterUses?: number;
  /** The body of a 401 (e.g. a <userCheck> with lock state). */
  unauthorizedBody?: string;
  /** What an authenticated request gets. */
  handler?: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;
  tls?: { cert: string; key: string };
}

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
  /** 'challenge' (no/unusable credentials), 'refused' (wrong answer), 'stale', 'accepted'. */
  outcome: 'challenge' | 'refused' | 'stale' | 'accepted';
  nc?: string;
  qop?: string;
  body: Buffer;
}

export interface TestServer {
  port: number;
  seen: SeenRequest[];
  /** Challenges sent (each one a fresh nonce). */
  challenges: number;
  close(): Promise<void>;
}

export async function startDigestTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const username = options.username ?? 'admin';
  const password = options.password ?? 'Passw0rd!';
  const algorithm = options.algorithm ?? 'MD5';
  const qop = options.qop ?? ['auth'];
  const realm = 'IP Camera(C2183)';
  let nonce = newNonce();
  let uses = 0;
  let staleSent = 0;
  const seen: SeenRequest[] = [];
  const state = { challenges: 0 };

  const challenge = (res: http.ServerResponse, stale: boolean, outcome: SeenRequest['outcome'], record: Omit<SeenRequest, 'outcome'>) => {
    seen.push({ ...record, outcome });
    state.challenges += 1;
    const values: string[] = [];
    if (options.extraChallenge) values.push(options.extraChallenge);
    if (options.scheme === 'basic') values.push(`Basic realm="${realm}"`);
    else values.push(formatDigestChallenge({ realm, nonce, qop, algorithm, opaque: options.opaque, stale }));
    res.writeHead(401, { 'WWW-Authenticate': values, 'Content-Type': 'application/xml' });
    res.end(options.unauthorizedBody ?? '<?xml version="1.0" encoding="UTF-8"?><userCheck><statusValue>401</statusValue><statusString>Unauthorized</statusString></userCheck>');
  };

  const handle = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    const authorization = req.headers.authorization;
    const record = { method: req.method ?? '', url: req.url ?? '', authorization, body };
    if (!authorization) return challenge(res, false, 'challenge', record);
    if (options.scheme === 'basic') {
      const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      if (authorization !== expected) return challenge(res, false, 'refused', record);
      seen.push({ ...record, outcome: 'accepted' });
      return respond(req, body, res);
    }
    const creds = parseDigestAuthorization(authorization);
    if (!creds) return challenge(res, false, 'challenge', record);
    const full = { ...record, nc: creds.nc, qop: creds.qop };
    const expected = computeDigestResponse({
      algorithm, username, password, realm, method: req.method ?? '', uri: creds.uri, nonce: creds.nonce,
      qop: creds.qop, nc: creds.nc, cnonce: creds.cnonce, body,
    });
    const answerIsRight = creds.username === username && creds.response === expected && creds.uri === req.url;
    if (creds.nonce !== nonce) {
      // An old nonce: stale if the answer itself was right, else a plain refusal.
      return challenge(res, answerIsRight, answerIsRight ? 'stale' : 'refused', full);
    }
    if (!answerIsRight) {
      nonce = newNonce();
      uses = 0;
      return challenge(res, false, 'refused', full);
    }
    if (options.opaque !== undefined && creds.opaque !== options.opaque) return challenge(res, false, 'refused', full);
    uses += 1;
    if (options.staleAnswers !== undefined && staleSent < options.staleAnswers) {
      staleSent += 1;
      nonce = newNonce();
      uses = 0;
      return challenge(res, true, 'stale', full);
    }
    if (options.staleAfterUses !== undefined && uses > options.staleAfterUses) {
      nonce = newNonce();
      uses = 0;
      return challenge(res, true, 'stale', full);
    }
    if (options.silentExpiryAfterUses !== undefined && uses > options.silentExpiryAfterUses) {
      nonce = newNonce();
      uses = 0;
      return challenge(res, false, 'stale', full);
    }
    seen.push({ ...full, outcome: 'accepted' });
    return respond(req, body, res);
  };

  const respond = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    if (options.handler) return options.handler(req, body, res);
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end('<ResponseStatus><statusCode>1</statusCode><statusString>OK</statusString><subStatusCode>ok</subStatusCode></ResponseStatus>');
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  };
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    get challenges() { return state.challenges; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
