/**
 * A plain HTTP forwarder on loopback that notes the credentials-derived values passing through it:
 * digest `response=` hashes, Basic tokens and Artemis `x-ca-signature`s. Tests put it between a
 * client and a server to learn the exact secrets-derived strings that must never show anywhere.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseDigestAuthorization } from '../../../../src/http-auth/digest';

export interface RecordingProxy {
  port: number;
  /** Every digest response, Basic token and signature seen, in order. */
  readonly derived: string[];
  close(): Promise<void>;
}

export async function startRecordingProxy(targetPort: () => number): Promise<RecordingProxy> {
  const derived: string[] = [];
  const server = http.createServer((req, res) => {
    const authorization = req.headers.authorization;
    const digest = parseDigestAuthorization(authorization);
    if (digest) derived.push(digest.response);
    else if (authorization && /^Basic\s+/i.test(authorization)) derived.push(authorization.replace(/^Basic\s+/i, ''));
    const signature = req.headers['x-ca-signature'];
    if (typeof signature === 'string') derived.push(signature);
    const upstream = http.request({ host: '127.0.0.1', port: targetPort(), method: req.method, path: req.url, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { if (!res.headersSent) res.writeHead(502).end(); else res.destroy(); });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    derived,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
