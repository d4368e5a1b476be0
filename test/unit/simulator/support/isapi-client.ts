/**
 * An ISAPI client for the tests that logs in to the simulated device the way RFC 7616 says,
 * computing the digest itself (node:crypto) from the challenge's realm and nonce.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { formatDigestAuthorization, parseDigestChallenges, type DigestChallenge } from '../../../../src/http-auth/digest';

export interface IsapiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function send(
  base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer,
): Promise<IsapiResponse> {
  const url = new URL(path, base);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method, headers, agent: false, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }); });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** RFC 7616 §3.4.1 with MD5 and qop=auth, written out. */
export function digestAnswer(challenge: DigestChallenge, username: string, password: string, method: string, uri: string, nc: number) {
  const cnonce = randomBytes(8).toString('hex');
  const ncText = nc.toString(16).padStart(8, '0');
  const ha1 = md5(`${username}:${challenge.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${challenge.nonce}:${ncText}:${cnonce}:auth:${ha2}`);
  return formatDigestAuthorization({
    username, realm: challenge.realm, nonce: challenge.nonce, uri, algorithm: 'MD5', response,
    qop: 'auth', nc: ncText, cnonce, opaque: challenge.opaque,
  });
}

export class DigestClient {
  challenge: DigestChallenge | null = null;
  private nc = 0;

  constructor(readonly base: string, readonly username: string, readonly password: string) {}

  /** One request: answers the challenge once if none is remembered (or it went stale). */
  async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<IsapiResponse> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const auth: Record<string, string> = this.challenge ? { Authorization: digestAnswer(this.challenge, this.username, this.password, method, path, ++this.nc) } : {};
      const response = await send(this.base, method, path, { ...headers, ...auth }, body);
      if (response.status !== 401) return response;
      const challenge = parseDigestChallenges(response.headers['www-authenticate'])[0] as DigestChallenge | undefined;
      const retry = challenge !== undefined && (this.challenge === null || challenge.stale);
      if (challenge) {
        this.challenge = challenge;
        this.nc = 0;
      }
      if (!retry) return response;
    }
    throw new Error('digest login did not settle');
  }
}
