/**
 * The platform simulator behaves like the platform where a subscriber can tell: exact signature
 * checks with the platform's envelope, one subscription per eventDest, type and subType matching,
 * twins that share an eventId, linkage shape, and at most 50 events per POST.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArtemisClient } from '../../../src/isc/artemis-client';
import { parseEventNotify, type EventNotify } from '../../../src/isc/event-notify';
import { EVENT_SERVICE_PATHS } from '../../../src/isc/event-service-api';
import { signArtemisRequest } from '../../../src/isc/sign-artemis-request';
import { startPlatformSimulator, type PlatformSimulator } from '../../../src/simulator/platform/platform-simulator';
import { platformIsoTime, platformPlainTime } from '../../../src/simulator/platform/simulated-events';

const APP_KEY = 'sim-key-1';
const APP_SECRET = 'sim-secret-1';

/** A loopback callback that records every OnEventNotify it gets. */
async function callback(status = 200): Promise<{ url: string; posts: EventNotify[]; close(): Promise<void> }> {
  const posts: EventNotify[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push(parseEventNotify(Buffer.concat(chunks)));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/isc/events`,
    posts,
    close: () => { server.closeAllConnections(); return new Promise((resolve) => server.close(() => resolve())); },
  };
}

/** Sends a hand-made request to the simulator and returns its JSON answer. */
function rawCall(sim: PlatformSimulator, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; json: { code?: string; msg?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${sim.url}${path}`, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = {};
        try { json = JSON.parse(text) as object; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function signedHeaders(path: string, overrides: Record<string, string> = {}, secret = APP_SECRET): Record<string, string> {
  return signArtemisRequest({
    method: 'POST',
    path,
    headers: { Accept: '*/*', 'Content-Type': 'application/json', 'x-ca-key': APP_KEY, 'x-ca-nonce': 'n-1', 'x-ca-timestamp': String(Date.now()), ...overrides },
  }, secret).headers;
}

describe('platform simulator', () => {
  let sim: PlatformSimulator;
  let client: ArtemisClient;
  beforeEach(async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    const url = new URL(sim.url);
    client = new ArtemisClient({ host: url.hostname, port: Number(url.port), protocol: 'http', rejectUnauthorized: false, appKey: APP_KEY, appSecret: APP_SECRET });
  });
  afterEach(() => sim.close());

  describe('signature checks', () => {
    const view = `/artemis${EVENT_SERVICE_PATHS.view}`;

    it('accepts a correctly signed request', async () => {
      const res = await rawCall(sim, view, signedHeaders(view), '{}');
      assert.equal(res.status, 200);
      assert.equal(res.json.code, '0');
    });

    it('refuses a Content-Type changed after signing (a charset added by the HTTP stack)', async () => {
      const headers = { ...signedHeaders(view), 'Content-Type': 'application/json;charset=UTF-8' };
      const res = await rawCall(sim, view, headers, '{}');
      assert.equal(res.status, 200);
      assert.equal(res.json.code, '0x02401003');
      assert.match(res.json.msg ?? '', /StringToSign: POST\n\*\/\*\napplication\/json;charset=UTF-8\n/);
    });

    it('refuses a request signed for another path', async () => {
      const res = await rawCall(sim, view, signedHeaders(`/artemis${EVENT_SERVICE_PATHS.subscribe}`), '{}');
      assert.equal(res.json.code, '0x02401003');
    });

    it('refuses a missing signature, a missing appKey and an unknown appKey with their codes', async () => {
      const noSignature = signedHeaders(view);
      delete noSignature['x-ca-signature'];
      assert.equal((await rawCall(sim, view, noSignature, '{}')).json.code, '0x02401002');
      const noKey = signedHeaders(view);
      delete noKey['x-ca-key'];
      assert.equal((await rawCall(sim, view, noKey, '{}')).json.code, '0x02401000');
      assert.equal((await rawCall(sim, view, signedHeaders(view, { 'x-ca-key': 'other' }), '{}')).json.code, '0x02401001');
    });

    it('refuses timestamps more than 15 minutes off, either way', async () => {
      for (const offset of [-16 * 60_000, 16 * 60_000]) {
        const res = await rawCall(sim, view, signedHeaders(view, { 'x-ca-timestamp': String(Date.now() + offset) }), '{}');
        assert.equal(res.json.code, '0x02401003');
      }
      const fine = await rawCall(sim, view, signedHeaders(view, { 'x-ca-timestamp': String(Date.now() - 5 * 60_000) }), '{}');
      assert.equal(fine.json.code, '0');
    });

    it('checks Content-MD5 when it is sent', async () => {
      const body = '{}';
      const good = signedHeaders(view, { 'Content-MD5': 'mZFLkyvTelC5g8XnyQrpOw==' });
      assert.equal((await rawCall(sim, view, good, body)).json.code, '0');
      const bad = signedHeaders(view, { 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==' });
      assert.equal((await rawCall(sim, view, bad, body)).json.code, '0x02401003');
    });

    it('answers 0x02401021 to a body that is not JSON', async () => {
      const res = await rawCall(sim, view, signedHeaders(view), '{not json');
      assert.equal(res.json.code, '0x02401021');
    });

    it('answers an unknown API with HTTP 404 and a non-Artemis path too', async () => {
      assert.equal((await rawCall(sim, '/artemis/api/none', signedHeaders('/artemis/api/none'), '{}')).status, 404);
      assert.equal((await rawCall(sim, '/api/none', signedHeaders('/api/none'), '{}')).status, 404);
    });
  });

  describe('subscriptions', () => {
    it('keeps one entry per eventDest: subscribing it again replaces the entry', async () => {
      await client.subscribeByEventTypes({ eventTypes: [198914, 131331], eventDest: 'http://127.0.0.1:1/a' });
      await client.subscribeByEventTypes({ eventTypes: [198914, 131331], eventDest: 'http://127.0.0.1:1/a' });
      assert.equal(sim.subscriptions().length, 1);
      await client.subscribeByEventTypes({ eventTypes: [196893], eventDest: 'http://127.0.0.1:1/a', subType: 2, eventLvl: [2, 3] });
      assert.deepEqual(sim.subscriptions(), [{ eventDest: 'http://127.0.0.1:1/a', eventTypes: [196893], subType: 2, eventLvl: [2, 3] }]);
      await client.subscribeByEventTypes({ eventTypes: [196893], eventDest: 'http://127.0.0.1:1/b' });
      assert.equal(sim.subscriptions().length, 2);
    });

    it('unsubscribing a type removes it from every callback of the partner', async () => {
      await client.subscribeByEventTypes({ eventTypes: [198914, 131331], eventDest: 'http://127.0.0.1:1/a' });
      await client.subscribeByEventTypes({ eventTypes: [198914], eventDest: 'http://127.0.0.1:1/b' });
      await client.unsubscribeByEventTypes({ eventTypes: [198914] });
      assert.deepEqual(sim.subscriptions().map((s) => [s.eventDest, s.eventTypes]), [['http://127.0.0.1:1/a', [131331]]]);
    });

    it('validates subscription parameters like the platform', async () => {
      const bad = [
        { eventTypes: [], eventDest: 'http://127.0.0.1:1/a' },
        { eventTypes: [1], eventDest: '127.0.0.1:1/a' },
        { eventTypes: [1], eventDest: 'http://127.0.0.1:1/a', subType: 3 },
        { eventTypes: [1], eventDest: 'http://127.0.0.1:1/a', eventLvl: [4] },
      ];
      for (const body of bad) {
        await assert.rejects(client.call(EVENT_SERVICE_PATHS.subscribe, body), /0x0007200[123]/);
      }
      await assert.rejects(client.call(EVENT_SERVICE_PATHS.subscribe, { eventDest: 'http://x/' }), /0x00072001/);
    });
  });

  describe('pushes', () => {
    it('pushes only the subscribed types, one ability per POST, twins with the same eventId', async () => {
      const cb = await callback();
      try {
        await client.subscribeByEventTypes({ eventTypes: [198914, 196893, 131331, 131588, 771764226], eventDest: cb.url });
        const report = await sim.pushEvents({ count: 2 });
        // 2 × (card, face, motion, intrusion, parking twin ×2); linkage is not subscribed (subType 0).
        assert.equal(report.delivered, 12);
        assert.equal(report.failed, 0);
        const events = cb.posts.flatMap((p) => p.events.map((e) => ({ ability: p.ability, ...e })));
        assert.equal(events.length, 12);
        for (const post of cb.posts) assert.ok(post.events.length <= 50);
        assert.deepEqual([...new Set(events.map((e) => e.eventType))].sort(), [131331, 131588, 196893, 198914, 771764226]);
        const parking = events.filter((e) => e.eventType === 771764226);
        assert.deepEqual(parking.map((e) => e.status), [0, 5, 0, 5]);
        assert.equal(parking[0].eventId, parking[1].eventId);
        assert.notEqual(parking[0].eventId, parking[2].eventId);
        assert.match(String(parking[0].happenTime), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
        assert.equal(events.find((e) => e.eventType === 198914)!.ability, 'event_acs');
        assert.equal(events.find((e) => e.eventType === 131331)!.ability, 'event_vss');
        assert.equal(events.find((e) => e.eventType === 131588)!.ability, 'event_rule');
        assert.equal(events.find((e) => e.eventType === 771764226)!.ability, 'event_pms');
      } finally {
        await cb.close();
      }
    });

    it('pushes linkage events to linkage subscribers: status 0 then 4, same eventId, the original inside', async () => {
      const cb = await callback();
      try {
        await client.subscribeByEventTypes({ eventTypes: [131588], eventDest: cb.url, subType: 1 });
        await sim.pushEvents({ kinds: ['intrusion', 'linkage'] });
        const events = cb.posts.flatMap((p) => p.events);
        assert.deepEqual(cb.posts.map((p) => p.ability), ['']);
        assert.equal(events.length, 2);
        const [first, update] = events as [Record<string, unknown>, Record<string, unknown>];
        assert.equal(first.eventType, 0);
        assert.deepEqual([first.status, update.status], [0, 4]);
        assert.equal(first.eventId, update.eventId);
        assert.deepEqual((first.eventDetails as { ability: string; eventType: number }[]).map((d) => [d.ability, d.eventType]), [['event_rule', 131588]]);
        assert.equal(first.linkageResult, undefined);
        assert.equal(typeof update.linkageAcion, 'string');
        assert.equal(typeof update.linkageResult, 'string');
        assert.ok(Array.isArray(JSON.parse(update.linkageResult as string)));
      } finally {
        await cb.close();
      }
    });

    it('honours eventLvl for linkage events and subType 2 for both kinds', async () => {
      const low = await callback();
      const both = await callback();
      try {
        await client.subscribeByEventTypes({ eventTypes: [131588], eventDest: low.url, subType: 1, eventLvl: [1] });
        await client.subscribeByEventTypes({ eventTypes: [131588], eventDest: both.url, subType: 2 });
        await sim.pushEvents({ kinds: ['intrusion', 'linkage'] });
        assert.equal(low.posts.length, 0);
        assert.deepEqual(both.posts.map((p) => [p.ability, p.events.length]), [['event_rule', 1], ['', 2]]);
      } finally {
        await low.close();
        await both.close();
      }
    });

    it('puts at most perPost (and never more than 50) events in a POST', async () => {
      const cb = await callback();
      try {
        await client.subscribeByEventTypes({ eventTypes: [198914], eventDest: cb.url });
        await sim.pushEvents({ kinds: ['card'], count: 120, perPost: 500 });
        assert.deepEqual(cb.posts.map((p) => p.events.length), [50, 50, 20]);
        cb.posts.length = 0;
        await sim.pushEvents({ kinds: ['card'], count: 7, perPost: 3 });
        assert.deepEqual(cb.posts.map((p) => p.events.length), [3, 3, 1]);
      } finally {
        await cb.close();
      }
    });

    it('reports callbacks that do not answer 200 or cannot be reached', async () => {
      const failing = await callback(500);
      try {
        await client.subscribeByEventTypes({ eventTypes: [198914], eventDest: failing.url });
        await client.subscribeByEventTypes({ eventTypes: [198914], eventDest: 'http://127.0.0.1:1/nothing' });
        const report = await sim.pushEvents({ kinds: ['card'] });
        assert.equal(report.failed, 2);
        assert.deepEqual(report.posts.map((p) => p.status), [500, null]);
        assert.ok(report.posts[1].error);
      } finally {
        await failing.close();
      }
    });

    it('writes platform times in both forms', () => {
      const date = new Date(Date.UTC(2026, 10, 20, 1, 51, 5));
      assert.equal(platformIsoTime(date), '2026-11-20T09:51:05.000+08:00');
      assert.equal(platformPlainTime(date), '2026-11-20 09:51:05');
    });
  });

  describe('HTTPS', () => {
    it('serves the gateway over TLS with its self-signed certificate', async () => {
      const secure = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, https: true });
      try {
        assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const url = new URL(secure.url);
        const tlsClient = new ArtemisClient({ host: url.hostname, port: Number(url.port), protocol: 'https', rejectUnauthorized: false, appKey: APP_KEY, appSecret: APP_SECRET });
        assert.equal((await tlsClient.viewSubscriptions()).code, '0');
      } finally {
        await secure.close();
      }
    });
  });
});
