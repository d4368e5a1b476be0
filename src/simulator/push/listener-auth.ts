/**
 * How the simulated device authenticates to a listener whose httpHosts slot says `MD5digest` or
 * `base64` (basic): basic is sent up front; digest answers the listener's 401 challenge, then
 * reuses the nonce with a rising nc. A refused answer is not retried (devices do not loop).
 */
import { randomBytes } from 'node:crypto';
import {
  computeDigestResponse, formatDigestAuthorization, parseDigestChallenges, type DigestChallenge,
} from '../../http-auth/digest';

export type ListenerAuthMethod = 'none' | 'MD5digest' | 'base64';

export interface ListenerCredentials {
  method: ListenerAuthMethod;
  username: string;
  password: string;
}

export class ListenerAuth {
  private challenge: DigestChallenge | null = null;
  private nc = 0;

  constructor(private readonly credentials: ListenerCredentials | undefined) {}

  get method(): ListenerAuthMethod {
    return this.credentials?.method ?? 'none';
  }

  /** The Authorization header for a request (none for digest until a challenge came). */
  authorize(method: string, uri: string, body: Buffer): string | undefined {
    const creds = this.credentials;
    if (!creds || creds.method === 'none') return undefined;
    if (creds.method === 'base64') return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const qop = challenge.qop.includes('auth') ? 'auth' : challenge.qop.includes('auth-int') ? 'auth-int' : undefined;
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const response = computeDigestResponse({
      algorithm: challenge.algorithm, username: creds.username, password: creds.password, realm: challenge.realm,
      method, uri, nonce: challenge.nonce, qop, nc, cnonce, body,
    });
    return formatDigestAuthorization({
      username: creds.username, realm: challenge.realm, nonce: challenge.nonce, uri, algorithm: challenge.algorithm,
      response, qop, nc: qop ? nc : undefined, cnonce: qop ? cnonce : undefined, opaque: challenge.opaque,
    });
  }

  /**
   * After a 401: adopts the new challenge and says whether one more try makes sense — after the
   * first attempt of a request (it carried no answer, or one to a remembered nonce) or when the
   * listener says the nonce was stale. A wrong password answered to a fresh nonce is final.
   */
  acceptChallenge(wwwAuthenticate: string[] | undefined, firstAttempt: boolean): boolean {
    if (this.method !== 'MD5digest') return false;
    const challenges = parseDigestChallenges(wwwAuthenticate);
    const challenge = challenges.find((c) => c.algorithm === 'MD5') ?? (challenges.length > 0 ? challenges[0] : undefined);
    if (!challenge) return false;
    this.challenge = challenge;
    this.nc = 0;
    return firstAttempt || challenge.stale;
  }
}
