/**
 * The ISAPI digest client: RFC 7616 test vectors, then real HTTP against a tiny digest server on
 * loopback (handshake, nonce reuse, stale, no retry on a refused password, basic, auth-int, -sess,
 * TLS, timeouts, unreachable hosts, oversized and truncated answers).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseDigestAuthorization, parseDigestChallenges, type DigestAlgorithm } from '../../../src/http-auth/digest';
import { DigestClient, chooseQop, digestAuthorization } from '../../../src/isapi/digest-client';
import type { DeviceTarget } from '../../../src/isapi/device-target';
import { IsapiError } from '../../../src/isapi/isapi-error';
import { requireBinary } from '../../support/binaries';
import { freePort } from '../../support/http';
import { startDigestTestServer, type TestServer } from './digest-test-server';

// RFC 7616 section 3.9.1.
const RFC = {
  challenge: (algorithm: string) =>
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  username: 'Mufasa',
  password: 'Circle of Life',
  uri: '/dir/index.html',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  md5: '8ca523f5e9506fed4657c9700eebdbec',
  sha256: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
};

function target(port: number, extra: Partial<DeviceTarget> = {}): DeviceTarget {
  return { host: '127.0.0.1', port, protocol: 'http', rejectUnauthorized: true, username: 'admin', password: 'Passw0rd!', ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<IsapiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof IsapiError, `expected an IsapiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('digest client: RFC 7616 section 3.9.1 test vectors', () => {
  for (const [algorithm, expected] of [['MD5', RFC.md5], ['SHA-256', RFC.sha256]] as const) {
    it(`answers the ${algorithm} example with response ${expected.slice(0, 8)}…`, () => {
      const [challenge] = parseDigestChallenges(RFC.challenge(algorithm));
      const header = digestAuthorization({
        challenge, username: RFC.username, password: RFC.password, method: 'GET', uri: RFC.uri, nc: 1, cnonce: RFC.cnonce,
      });
      const parsed = parseDigestAuthorization(header);
      assert.ok(parsed);
      assert.equal(parsed.response, expected);
      assert.equal(parsed.qop, 'auth');
      assert.equal(parsed.nc, '00000001');
      assert.equal(parsed.cnonce, RFC.cnonce);
      assert.equal(parsed.opaque, 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
      assert.equal(parsed.algorithm, algorithm);
      assert.equal(parsed.realm, 'http-auth@example.org');
    });
  }

  it('picks qop auth over auth-int, auth-int when it is the only one, none for RFC 2069', () => {
    assert.equal(chooseQop(['auth-int', 'auth']), 'auth');
    assert.equal(chooseQop(['auth-int']), 'auth-int');
    assert.equal(chooseQop([]), undefined);
    assert.equal(chooseQop(['token']), null);
  });
});

describe('digest client against a digest server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const algorithm of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as DigestAlgorithm[]) {
    it(`logs in with ${algorithm} and reuses the nonce with a rising nc`, async () => {
      server = await startDigestTestServer({ algorithm });
      const client = new DigestClient(target(server.port));
      for (let i = 0; i < 3; i++) {
        const res = await client.request({ method: 'GET', path: '/ISAPI/System/deviceInfo' });
        assert.equal(res.status, 200);
      }
      assert.equal(server.challenges, 1, 'one handshake for three requests');
      const accepted = server.seen.filter((s) => s.outcome === 'accepted');
      assert.deepEqual(accepted.map((s) => s.nc), ['00000001', '00000002', '00000003']);
    });
  }

  it('uses qop auth-int (hashing the body) when the device offers only that', async () => {
    server = await startDigestTestServer({ qop: ['auth-int'] });
    const client = new DigestClient(target(server.port));
    const res = await client.request({ method: 'PUT', path: '/ISAPI/Event/notification/httpHosts', body: '<HttpHostNotificationList/>' });
    assert.equal(res.status, 200);
    const accepted = server.seen.find((s) => s.outcome === 'accepted');
    assert.equal(accepted?.qop, 'auth-int');
    assert.equal(accepted.body.toString(), '<HttpHostNotificationList/>');
  });

  it('answers an RFC 2069 challenge (no qop) and a challenge with an empty opaque', async () => {
    server = await startDigestTestServer({ qop: [], opaque: '' });
    const client = new DigestClient(target(server.port));
    assert.equal((await client.request({ method: 'GET', path: '/a' })).status, 200);
    const accepted = server.seen.find((s) => s.outcome === 'accepted');
    assert.equal(accepted?.qop, undefined);
  });

  it('takes the first digest challenge it speaks when a header offers several schemes', async () => {
    server = await startDigestTestServer({ extraChallenge: 'Digest realm="x", nonce="y", algorithm=SHA-512-256' });
    const client = new DigestClient(target(server.port));
    assert.equal((await client.request({ method: 'GET', path: '/a' })).status, 200);
  });

  it('sends no password to a device that offers only Basic unless the config allows Basic (issue 13 item 7)', async () => {
    server = await startDigestTestServer({ scheme: 'basic' });
    const client = new DigestClient(target(server.port));
    const err = await rejection(client.request({ method: 'GET', path: '/a' }));
    assert.equal(err.kind, 'unauthorized');
    assert.match(err.message, /offers only Basic authentication.*Allow Basic authentication/);
    assert.deepEqual(server.seen.map((s) => s.outcome), ['challenge'], 'one unauthenticated request, nothing more');
    assert.ok(server.seen.every((s) => s.authorization === undefined), 'no Authorization header was ever sent');
  });

  it('sends Basic when the device offers only Basic and the config allows it, and keeps sending it', async () => {
    server = await startDigestTestServer({ scheme: 'basic' });
    const client = new DigestClient(target(server.port, { allowBasic: true }));
    assert.equal((await client.request({ method: 'GET', path: '/a' })).status, 200);
    assert.equal((await client.request({ method: 'GET', path: '/b' })).status, 200);
    assert.equal(server.challenges, 1);
    assert.ok(server.seen.every((s) => s.outcome === 'challenge' || s.authorization?.startsWith('Basic ')));
  });

  it('retries once with the new nonce when the device says stale=true', async () => {
    server = await startDigestTestServer({ staleAfterUses: 1 });
    const client = new DigestClient(target(server.port));
    assert.equal((await client.request({ method: 'GET', path: '/a' })).status, 200);
    assert.equal((await client.request({ method: 'GET', path: '/b' })).status, 200);
    assert.deepEqual(server.seen.map((s) => s.outcome), ['challenge', 'accepted', 'stale', 'accepted']);
    assert.equal(server.seen[3].nc, '00000001', 'a new nonce starts nc again');
  });

  it('answers a nonce that goes stale during the handshake', async () => {
    server = await startDigestTestServer({ staleAnswers: 1 });
    const client = new DigestClient(target(server.port));
    assert.equal((await client.request({ method: 'GET', path: '/a' })).status, 200);
    assert.deepEqual(server.seen.map((s) => s.outcome), ['challenge', 'stale', 'accepted']);
  });

  it('gives up on a device that calls every nonce stale, without a loop and without the lock-out hold', async () => {
    server = await startDigestTestServer({ staleAnswers: 1000 });
    const client = new DigestClient(target(server.port));
    const err = await rejection(client.request({ method: 'GET', path: '/a' }));
    assert.match(err.message, /stale nonce/);
    assert.deepEqual(server.seen.map((s) => s.outcome), ['challenge', 'stale', 'stale']);
    await rejection(client.request({ method: 'GET', path: '/a' }));
    assert.ok(server.seen.length > 3, 'a later request may try again: no password was refused');
  });

  it('renews a nonce that had worked when the device replaces it without saying stale', async () => {
    server = await startDigestTestServer({ silentExpiryAfterUses: 1 });
    const client = new DigestClient(target(server.port));
    assert.equal((await client.request({ method: 'GET', path: '/a' })).status, 200);
    assert.equal((await client.request({ method: 'GET', path: '/b' })).status, 200);
    assert.deepEqual(server.seen.map((s) => s.outcome), ['challenge', 'accepted', 'stale', 'accepted']);
  });

  it('never retries a refused password, says why, and sends nothing more afterwards', async () => {
    server = await startDigestTestServer();
    const client = new DigestClient(target(server.port, { password: 'wrong' }));
    const err = await rejection(client.request({ method: 'GET', path: '/ISAPI/Event/notification/httpHosts' }));
    assert.equal(err.kind, 'unauthorized');
    assert.equal(err.httpStatus, 401);
    assert.match(err.message, /lock/i);
    assert.match(err.message, /Not retried/);
    assert.doesNotMatch(err.message, /wrong/, 'the password is not in the message');
    assert.deepEqual(server.seen.map((s) => s.outcome), ['challenge', 'refused'], 'exactly one attempt with the password');
    const again = await rejection(client.request({ method: 'GET', path: '/ISAPI/Event/notification/httpHosts' }));
    assert.equal(again.kind, 'unauthorized');
    assert.match(again.message, /Not sent/);
    assert.equal(server.seen.length, 2, 'the device was not contacted again');
  });

  it('never retries a refused Basic login either', async () => {
    server = await startDigestTestServer({ scheme: 'basic' });
    const client = new DigestClient(target(server.port, { password: 'wrong', allowBasic: true }));
    const err = await rejection(client.request({ method: 'GET', path: '/a' }));
    assert.equal(err.kind, 'unauthorized');
    assert.deepEqual(server.seen.map((s) => s.outcome), ['challenge', 'refused']);
  });

  it('reports the lock state a device puts in its 401 body', async () => {
    server = await startDigestTestServer({
      unauthorizedBody: '<userCheck><statusValue>401</statusValue><statusString>Unauthorized</statusString><lockStatus>lock</lockStatus><unlockTime>1799</unlockTime><retryLoginTime>0</retryLoginTime></userCheck>',
    });
    const client = new DigestClient(target(server.port, { password: 'wrong' }));
    const err = await rejection(client.request({ method: 'GET', path: '/a' }));
    assert.match(err.message, /locked for 1799 s/);
  });

  it('tells how many attempts are left when the device says so', async () => {
    server = await startDigestTestServer({
      unauthorizedBody: '<userCheck><statusValue>401</statusValue><statusString>Unauthorized</statusString><lockStatus>unlock</lockStatus><retryLoginTime>4</retryLoginTime></userCheck>',
    });
    const client = new DigestClient(target(server.port, { password: 'wrong' }));
    const err = await rejection(client.request({ method: 'GET', path: '/a' }));
    assert.match(err.message, /4 attempt\(s\) left/);
  });

  it('refuses a 401 whose challenge it cannot answer, without sending the password', async () => {
    server = await startDigestTestServer({ algorithm: 'MD5' });
    const raw = http.createServer((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Negotiate abc, Digest realm="x", nonce="n", algorithm=SHA-512-256' });
      res.end();
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const client = new DigestClient(target((raw.address() as net.AddressInfo).port));
      const err = await rejection(client.request({ method: 'GET', path: '/a' }));
      assert.equal(err.kind, 'unauthorized');
      assert.match(err.message, /without an authentication scheme this client speaks/);
    } finally {
      raw.close();
    }
  });

  it('passes 4xx/5xx answers through to the caller', async () => {
    server = await startDigestTestServer({
      handler: (_req, _body, res) => {
        res.writeHead(403, { 'Content-Type': 'application/xml' });
        res.end('<ResponseStatus><statusCode>4</statusCode><statusString>Invalid Operation</statusString><subStatusCode>notSupport</subStatusCode></ResponseStatus>');
      },
    });
    const client = new DigestClient(target(server.port));
    const res = await client.request({ method: 'GET', path: '/ISAPI/Event/notification/httpHosts/capabilities' });
    assert.equal(res.status, 403);
    assert.match(res.body.toString(), /notSupport/);
  });
});

describe('digest client: transport failures', () => {
  it('says the connection was refused on a closed port', async () => {
    const port = await freePort();
    const err = await rejection(new DigestClient(target(port)).request({ method: 'GET', path: '/a' }));
    assert.equal(err.kind, 'unreachable');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.match(err.message, /refused the connection/);
  });

  it('gives up after the timeout when the device never answers', async () => {
    const silent = net.createServer(() => { /* accept and say nothing */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const client = new DigestClient(target((silent.address() as net.AddressInfo).port), { timeoutMs: 300 });
      const err = await rejection(client.request({ method: 'GET', path: '/ISAPI/Event/notification/httpHosts' }));
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /did not answer GET \/ISAPI\/Event\/notification\/httpHosts within 0.3 s/);
    } finally {
      silent.close();
    }
  });

  it('refuses an answer larger than the limit', async () => {
    const big = http.createServer((_req, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(64 * 1024, 0x41));
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
    try {
      const client = new DigestClient(target((big.address() as net.AddressInfo).port), { maxBodyBytes: 1024 });
      const err = await rejection(client.request({ method: 'GET', path: '/a' }));
      assert.equal(err.kind, 'too-large');
    } finally {
      big.close();
    }
  });

  it('reports a device that closes the connection mid-answer', async () => {
    const cut = net.createServer((socket) => {
      socket.once('data', () => {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<HttpHostNotificationList>');
      });
    });
    await new Promise<void>((r) => cut.listen(0, '127.0.0.1', r));
    try {
      const err = await rejection(new DigestClient(target((cut.address() as net.AddressInfo).port)).request({ method: 'GET', path: '/a' }));
      assert.equal(err.kind, 'connection');
    } finally {
      cut.close();
    }
  });

  it('reports garbage instead of HTTP as a connection failure', async () => {
    const junk = net.createServer((socket) => socket.end('\x00\x01garbage\r\n\r\n'));
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
    try {
      const err = await rejection(new DigestClient(target((junk.address() as net.AddressInfo).port)).request({ method: 'GET', path: '/a' }));
      assert.equal(err.kind, 'connection');
    } finally {
      junk.close();
    }
  });

  it('aborts requests in flight on close()', async () => {
    const silent = net.createServer(() => { /* never answers */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const client = new DigestClient(target((silent.address() as net.AddressInfo).port));
      const pending = rejection(client.request({ method: 'GET', path: '/a' }));
      setTimeout(() => client.close(), 50);
      const err = await pending;
      assert.equal(err.kind, 'aborted');
    } finally {
      silent.close();
    }
  });

  describe('HTTPS with a self-signed certificate', () => {
    let tls: { cert: string; key: string } | undefined;
    let server: TestServer | undefined;
    before(function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isapi-tls-'));
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      const openssl = requireBinary(this, 'openssl');
      execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=IP Camera'], { stdio: 'ignore' });
      tls = { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
      fs.rmSync(dir, { recursive: true, force: true });
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('accepts the certificate when rejectUnauthorized is false', async () => {
      server = await startDigestTestServer({ tls });
      const client = new DigestClient(target(server.port, { protocol: 'https', rejectUnauthorized: false }));
      assert.equal((await client.request({ method: 'GET', path: '/a' })).status, 200);
    });

    it('refuses it with a hint when rejectUnauthorized is true', async () => {
      server = await startDigestTestServer({ tls });
      const client = new DigestClient(target(server.port, { protocol: 'https', rejectUnauthorized: true }));
      const err = await rejection(client.request({ method: 'GET', path: '/a' }));
      assert.equal(err.kind, 'tls');
      assert.match(err.message, /self-signed/);
    });

    it('says so when https meets a plain-HTTP port', async () => {
      server = await startDigestTestServer();
      const client = new DigestClient(target(server.port, { protocol: 'https', rejectUnauthorized: false }));
      const err = await rejection(client.request({ method: 'GET', path: '/a' }));
      assert.equal(err.kind, 'tls');
      assert.match(err.message, /does not speak HTTPS/);
    });
  });
});
