/**
 * The device and platform clients when the other side misbehaves in ways the existing client tests
 * do not cover: a digest server with one-time nonces (a new one with every answer), a server that
 * resets the connection at each point of the exchange, and a TLS peer that cuts or stalls the
 * handshake. Each ends in a clear error of the documented type, bounded in requests and time.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { computeDigestResponse, formatDigestChallenge, newNonce, parseDigestAuthorization } from '../../../src/http-auth/digest';
import { DigestClient } from '../../../src/isapi/digest-client';
import { IsapiError } from '../../../src/isapi/isapi-error';
import { ArtemisClient } from '../../../src/isc/artemis-client';
import { ArtemisError } from '../../../src/isc/artemis-error';

const USER = 'admin';
const PASSWORD = 'One-time-n0nce';
const REALM = 'IP Camera(X)';

interface NonceServer {
  port: number;
  /** Outcome of every request: challenge (no credentials), reused (a spent nonce), refused (a wrong answer), accepted. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A device whose nonces are good for one request: each 401 carries a fresh nonce, a spent one is
 * answered 401 with a new nonce and no stale flag. With `acceptNone` it refuses even right answers.
 */
async function startNonceServer(acceptNone = false): Promise<NonceServer> {
  const fresh = new Set<string>();
  const seen: string[] = [];
  const challenge = (res: http.ServerResponse, outcome: string) => {
    seen.push(outcome);
    const nonce = newNonce();
    fresh.add(nonce);
    res.writeHead(401, { 'WWW-Authenticate': formatDigestChallenge({ realm: REALM, nonce, qop: ['auth'], algorithm: 'MD5', stale: false }) }).end();
  };
  const server = http.createServer((req, res) => {
    req.resume();
    const creds = parseDigestAuthorization(req.headers.authorization);
    if (!creds) return challenge(res, 'challenge');
    const expected = computeDigestResponse({
      algorithm: creds.algorithm, username: USER, password: PASSWORD, realm: REALM, method: req.method ?? '', uri: creds.uri,
      nonce: creds.nonce, qop: creds.qop, nc: creds.nc, cnonce: creds.cnonce,
    });
    if (creds.response !== expected) return challenge(res, 'refused');
    if (!fresh.delete(creds.nonce) || acceptNone) return challenge(res, 'reused');
    seen.push('accepted');
    res.writeHead(200, { 'Content-Type': 'application/xml' }).end('<ok/>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function deviceClient(port: number, protocol: 'http' | 'https' = 'http', timeoutMs = 3000): DigestClient {
  return new DigestClient({ host: '127.0.0.1', port, protocol, rejectUnauthorized: false, username: USER, password: PASSWORD }, { timeoutMs });
}

function platformClient(port: number, protocol: 'http' | 'https' = 'http', timeoutMs = 3000): ArtemisClient {
  return new ArtemisClient({ host: '127.0.0.1', port, protocol, rejectUnauthorized: false, appKey: 'fault-key', appSecret: 'fault-secret-123' }, { timeoutMs });
}

async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

/** A raw TCP server: `onConnection` decides what the peer sees. */
async function rawServer(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

describe('robustness: a digest device that changes its nonce with every request', () => {
  let server: NonceServer | undefined;
  afterEach(async () => { await server?.close(); server = undefined; });

  it('answers each new nonce once: every call succeeds in two requests, and no answer is ever wrong', async () => {
    server = await startNonceServer();
    const client = deviceClient(server.port);
    for (let i = 0; i < 20; i++) assert.equal((await client.request({ method: 'GET', path: `/ISAPI/x${i}` })).status, 200);
    assert.deepEqual(server.seen.slice(0, 2), ['challenge', 'accepted']);
    assert.ok(server.seen.length <= 2 + 19 * 2, `${server.seen.length} requests for 20 calls`);
    assert.ok(!server.seen.includes('refused'), 'a wrong answer would count toward the lock-out');
  });

  it('a device that never accepts a nonce: one failed call of two requests, then nothing more is sent', async () => {
    server = await startNonceServer(true);
    const client = deviceClient(server.port);
    const first = await rejection(client.request({ method: 'GET', path: '/a' }), IsapiError);
    assert.equal(first.kind, 'unauthorized');
    assert.match(first.message, /lock the account/);
    assert.deepEqual(server.seen, ['challenge', 'reused']);
    for (let i = 0; i < 5; i++) {
      const later = await rejection(client.request({ method: 'GET', path: '/a' }), IsapiError);
      assert.match(later.message, /^Not sent/);
    }
    assert.equal(server.seen.length, 2, 'no request after the refusal: the account is not locked by retries');
    assert.ok(!server.seen.includes('refused'));
  });
});

describe('robustness: connections reset mid-exchange', () => {
  const points: [string, (socket: net.Socket) => void][] = [
    ['before any answer', (socket) => socket.once('data', () => socket.resetAndDestroy())],
    ['inside the status line', (socket) => socket.once('data', () => { socket.write('HTTP/1.1 2'); setTimeout(() => socket.resetAndDestroy(), 20); })],
    ['after the headers', (socket) => socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n');
      setTimeout(() => socket.resetAndDestroy(), 20);
    })],
    ['in the middle of the body', (socket) => socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"code":"0","msg":"succ');
      setTimeout(() => socket.resetAndDestroy(), 20);
    })],
    ['in a chunked body', (socket) => socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"cod\r\n');
      setTimeout(() => socket.resetAndDestroy(), 20);
    })],
  ];

  for (const [where, behave] of points) {
    it(`${where}: the device client says the connection failed; the platform client says so too`, async () => {
      const peer = await rawServer(behave);
      try {
        const device = await rejection(deviceClient(peer.port).request({ method: 'GET', path: '/ISAPI/Event/notification/httpHosts' }), IsapiError);
        assert.equal(device.kind, 'connection', device.message);
        assert.match(device.message, /127\.0\.0\.1/);
        const platform = await rejection(platformClient(peer.port).viewSubscriptions(), ArtemisError);
        assert.equal(platform.kind, 'network', platform.message);
        assert.ok(!platform.message.includes('fault-secret-123'));
      } finally {
        await peer.close();
      }
    });
  }
});

describe('robustness: TLS handshakes that fail', () => {
  it('a peer that resets during the handshake: a clear connection or TLS error, no hang', async () => {
    const peer = await rawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    try {
      const device = await rejection(deviceClient(peer.port, 'https').request({ method: 'GET', path: '/a' }), IsapiError);
      assert.ok(device.kind === 'connection' || device.kind === 'tls', device.kind);
      const platform = await rejection(platformClient(peer.port, 'https').viewSubscriptions(), ArtemisError);
      assert.ok(platform.kind === 'network' || platform.kind === 'tls', platform.kind);
    } finally {
      await peer.close();
    }
  });

  it('a peer that answers the TLS hello with garbage: a TLS error that says the port may not speak HTTPS', async () => {
    const peer = await rawServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    try {
      const device = await rejection(deviceClient(peer.port, 'https').request({ method: 'GET', path: '/a' }), IsapiError);
      assert.equal(device.kind, 'tls');
      assert.match(device.message, /does not speak HTTPS/);
      const platform = await rejection(platformClient(peer.port, 'https').viewSubscriptions(), ArtemisError);
      assert.equal(platform.kind, 'tls');
    } finally {
      await peer.close();
    }
  });

  it('a peer that never finishes the handshake: the client gives up at its deadline', async () => {
    const peer = await rawServer(() => { /* accepts, then says nothing */ });
    try {
      const device = await rejection(deviceClient(peer.port, 'https', 300).request({ method: 'GET', path: '/a' }), IsapiError);
      assert.equal(device.kind, 'timeout');
      const platform = await rejection(platformClient(peer.port, 'https', 300).viewSubscriptions(), ArtemisError);
      assert.equal(platform.kind, 'timeout');
    } finally {
      await peer.close();
    }
  });
});
