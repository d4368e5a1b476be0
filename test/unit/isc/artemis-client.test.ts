/**
 * The Artemis client against the platform simulator (real HTTP and HTTPS on loopback) and against
 * small misbehaving servers: success, every platform error, HTTP errors, timeouts, TLS failures,
 * unreachable ports. No error text may contain the appKey or appSecret.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArtemisClient } from '../../../src/isc/artemis-client';
import { ArtemisError } from '../../../src/isc/artemis-error';
import type { IscPlatform } from '../../../src/isc/isc-platform';
import { startPlatformSimulator, type PlatformSimulator } from '../../../src/simulator/platform/platform-simulator';
import { freePort } from '../../support/http';

const APP_KEY = 'key-24681357';
const APP_SECRET = 'secret-Xq7pL2vN9wR4';

function platformFor(url: string, overrides: Partial<IscPlatform> = {}): IscPlatform {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port),
    protocol: parsed.protocol === 'https:' ? 'https' : 'http',
    rejectUnauthorized: false,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    ...overrides,
  };
}

const seenErrors: string[] = [];

async function failure(promise: Promise<unknown>): Promise<ArtemisError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ArtemisError, `expected an ArtemisError, got ${String(err)}`);
    seenErrors.push(err.message, err.platformMessage ?? '', err.hint ?? '');
    return err;
  }
  assert.fail('expected the call to fail');
}

/** A loopback server answering every request with `respond`; resolves with its origin. */
async function tinyServer(respond: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => respond(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('ArtemisClient', () => {
  after(() => {
    // Every error text any test produced, checked for credentials at once.
    for (const text of seenErrors) {
      assert.ok(!text.includes(APP_KEY), `appKey leaked: ${text}`);
      assert.ok(!text.includes(APP_SECRET), `appSecret leaked: ${text}`);
    }
    assert.ok(seenErrors.length > 10);
  });

  describe('against the simulated platform (HTTP)', () => {
    let sim: PlatformSimulator;
    beforeEach(async () => { sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET }); });
    afterEach(() => sim.close());

    it('subscribes, views and unsubscribes', async () => {
      const client = new ArtemisClient(platformFor(sim.url));
      const answer = await client.subscribeByEventTypes({ eventTypes: [198914, 131331], eventDest: 'http://127.0.0.1:9/isc/events', subType: 0 });
      assert.equal(answer.code, '0');
      const view = await client.viewSubscriptions();
      assert.deepEqual(view.data.detail, [{ eventDest: 'http://127.0.0.1:9/isc/events', eventTypes: [198914, 131331] }]);
      await client.unsubscribeByEventTypes({ eventTypes: [198914] });
      assert.deepEqual((await client.viewSubscriptions()).data.detail[0]?.eventTypes, [131331]);
      assert.deepEqual(sim.calls().map((c) => c.code), ['0', '0', '0', '0']);
    });

    it('a wrong appSecret gets 0x02401003 with a hint, and the echoed string to sign is redacted', async () => {
      const err = await failure(new ArtemisClient(platformFor(sim.url, { appSecret: 'not-the-secret' })).viewSubscriptions());
      assert.equal(err.kind, 'platform');
      assert.equal(err.code, '0x02401003');
      assert.match(err.message, /0x02401003/);
      assert.match(err.message, /AppSecret/);
      // The simulator echoes "x-ca-key:<appKey>" like the real gateway; the client hides it.
      assert.match(err.platformMessage ?? '', /x-ca-key:\*\*\*/);
      assert.ok(!err.message.includes('not-the-secret'));
    });

    it('an unknown appKey gets 0x02401001', async () => {
      const err = await failure(new ArtemisClient(platformFor(sim.url, { appKey: 'someone-else' })).viewSubscriptions());
      assert.equal(err.code, '0x02401001');
      assert.match(err.message, /no partner has this appKey/);
    });

    it('an empty appKey gets 0x02401000', async () => {
      const err = await failure(new ArtemisClient(platformFor(sim.url, { appKey: '' })).viewSubscriptions());
      assert.equal(err.code, '0x02401000');
    });

    it('a timestamp 20 minutes off is refused', async () => {
      const client = new ArtemisClient(platformFor(sim.url), { now: () => Date.now() - 20 * 60_000 });
      const err = await failure(client.viewSubscriptions());
      assert.equal(err.code, '0x02401003');
      assert.match(err.platformMessage ?? '', /timestamp/);
    });

    it('a partner without a user (HikCentral 0x02401010) says what to do', async () => {
      sim.setFault({ code: '0x02401010', msg: 'partner has no userId' });
      const err = await failure(new ArtemisClient(platformFor(sim.url)).subscribeByEventTypes({ eventTypes: [198914], eventDest: 'http://127.0.0.1:9/' }));
      assert.equal(err.code, '0x02401010');
      assert.match(err.message, /bind a platform user/);
    });

    it('a platform code without a known hint still carries code and msg', async () => {
      sim.setFault({ code: '0x0000abcd', msg: 'something else' });
      const err = await failure(new ArtemisClient(platformFor(sim.url)).viewSubscriptions());
      assert.equal(err.code, '0x0000abcd');
      assert.equal(err.platformMessage, 'something else');
      assert.equal(err.hint, undefined);
    });

    it('a subscription the platform rejects (bad eventDest) gets the parameter code', async () => {
      const err = await failure(new ArtemisClient(platformFor(sim.url)).subscribeByEventTypes({ eventTypes: [198914], eventDest: 'ftp://x' }));
      assert.equal(err.code, '0x00072003');
    });

    it('an unknown API path is an HTTP 404 with a hint', async () => {
      const err = await failure(new ArtemisClient(platformFor(sim.url)).call('/api/nothing/here', {}));
      assert.equal(err.kind, 'http');
      assert.equal(err.httpStatus, 404);
      assert.match(err.message, /HTTP 404/);
    });
  });

  describe('over HTTPS', () => {
    let sim: PlatformSimulator;
    before(async () => { sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, https: true }); });
    after(() => sim.close());

    it('works with certificate verification off', async () => {
      const view = await new ArtemisClient(platformFor(sim.url)).viewSubscriptions();
      assert.deepEqual(view.data.detail, []);
    });

    it('with verification on, the self-signed certificate is a clear TLS error', async () => {
      const err = await failure(new ArtemisClient(platformFor(sim.url, { rejectUnauthorized: true })).viewSubscriptions());
      assert.equal(err.kind, 'tls');
      assert.match(err.message, /certificate/);
      assert.match(err.message, /self-signed/);
    });

    it('plain HTTP to the HTTPS port fails with a message, not a hang', async () => {
      const err = await failure(new ArtemisClient(platformFor(sim.url, { protocol: 'http' }), { timeoutMs: 3000 }).viewSubscriptions());
      assert.ok(['network', 'http', 'response'].includes(err.kind), err.kind);
    });
  });

  describe('transport failures', () => {
    it('a closed port is "connection refused"', async () => {
      const port = await freePort();
      const err = await failure(new ArtemisClient(platformFor(`http://127.0.0.1:${port}`)).viewSubscriptions());
      assert.equal(err.kind, 'network');
      assert.equal(err.code, 'ECONNREFUSED');
      assert.match(err.message, /connection refused/);
    });

    it('HTTPS to a plain HTTP port is a TLS handshake error', async () => {
      const { url, server } = await tinyServer((_req, res) => res.end('{}'));
      try {
        const err = await failure(new ArtemisClient(platformFor(url.replace('http:', 'https:'))).viewSubscriptions());
        assert.equal(err.kind, 'tls');
        assert.match(err.message, /TLS handshake/);
      } finally {
        await closeServer(server);
      }
    });

    it('no answer is a timeout', async () => {
      const { url, server } = await tinyServer(() => { /* never answers */ });
      try {
        const err = await failure(new ArtemisClient(platformFor(url), { timeoutMs: 300 }).viewSubscriptions());
        assert.equal(err.kind, 'timeout');
        assert.match(err.message, /no answer/);
      } finally {
        await closeServer(server);
      }
    });

    it('an HTTP 500 without an envelope is an HTTP error', async () => {
      const { url, server } = await tinyServer((_req, res) => res.writeHead(500).end('Internal Server Error'));
      try {
        const err = await failure(new ArtemisClient(platformFor(url)).viewSubscriptions());
        assert.equal(err.kind, 'http');
        assert.equal(err.code, 'HTTP_500');
      } finally {
        await closeServer(server);
      }
    });

    it('a 200 that is not JSON, or JSON without code, is a bad answer', async () => {
      for (const body of ['<html>login</html>', '{"data":1}', '', '{"code":"0"']) {
        const { url, server } = await tinyServer((_req, res) => res.end(body));
        try {
          const err = await failure(new ArtemisClient(platformFor(url)).viewSubscriptions());
          assert.equal(err.kind, 'response', body);
        } finally {
          await closeServer(server);
        }
      }
    });

    it('an oversized answer is refused', async () => {
      const { url, server } = await tinyServer((_req, res) => res.end(`{"code":"0","msg":"${'x'.repeat(5 * 1024 * 1024)}"}`));
      try {
        const err = await failure(new ArtemisClient(platformFor(url)).viewSubscriptions());
        assert.equal(err.kind, 'response');
        assert.match(err.message, /larger than/);
      } finally {
        await closeServer(server);
      }
    });

    it('a platform error on HTTP 500 keeps the platform code', async () => {
      const { url, server } = await tinyServer((_req, res) => res.writeHead(500).end('{"code":"0x00052104","msg":"service unavailable"}'));
      try {
        const err = await failure(new ArtemisClient(platformFor(url)).viewSubscriptions());
        assert.equal(err.kind, 'platform');
        assert.equal(err.code, '0x00052104');
        assert.equal(err.httpStatus, 500);
      } finally {
        await closeServer(server);
      }
    });

    it('an error message echoing the credentials is redacted', async () => {
      const { url, server } = await tinyServer((_req, res) => res.end(JSON.stringify({ code: '0x02401003', msg: `appKey ${APP_KEY} secret ${APP_SECRET}` })));
      try {
        const err = await failure(new ArtemisClient(platformFor(url)).viewSubscriptions());
        assert.equal(err.platformMessage, 'appKey *** secret ***');
      } finally {
        await closeServer(server);
      }
    });

    it('no host configured is refused before any request', async () => {
      const err = await failure(new ArtemisClient(platformFor('http://127.0.0.1:1', { host: ' ' })).viewSubscriptions());
      assert.equal(err.code, 'NO_HOST');
    });
  });

  describe('what goes on the wire', () => {
    it('sends exactly the signed Accept and Content-Type, the x-ca-* headers, and a JSON body', async () => {
      let seen: http.IncomingHttpHeaders = {};
      let body = '';
      const server = http.createServer((req, res) => {
        seen = req.headers;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          body = Buffer.concat(chunks).toString('utf8');
          res.end('{"code":"0","msg":"success","data":{"detail":[]}}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        await new ArtemisClient(platformFor(`http://127.0.0.1:${port}`)).subscribeByEventTypes({ eventTypes: [1644175361], eventDest: 'http://127.0.0.1:9/x' });
        assert.equal(seen['content-type'], 'application/json');
        assert.equal(seen.accept, '*/*');
        assert.equal(seen['x-ca-key'], APP_KEY);
        assert.match(String(seen['x-ca-nonce']), /^[0-9a-f-]{36}$/);
        assert.match(String(seen['x-ca-timestamp']), /^\d{13}$/);
        assert.equal(seen['x-ca-signature-headers'], 'x-ca-key,x-ca-nonce,x-ca-timestamp');
        assert.equal(seen['content-md5'], undefined);
        assert.equal(seen.date, undefined);
        assert.deepEqual(JSON.parse(body), { eventTypes: [1644175361], eventDest: 'http://127.0.0.1:9/x' });
      } finally {
        await closeServer(server);
      }
    });
  });
});
