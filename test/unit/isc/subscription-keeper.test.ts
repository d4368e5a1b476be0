/**
 * The subscription keeper against the platform simulator: subscribes and confirms with a view,
 * retries while the platform is down, re-subscribes on its interval, and stops for good.
 */
import assert from 'node:assert/strict';
import { ArtemisClient, type ArtemisEventService } from '../../../src/isc/artemis-client';
import type { ArtemisEnvelope, SubscriptionView } from '../../../src/isc/event-service-api';
import { SubscriptionKeeper, viewProblem, type SubscriptionState } from '../../../src/isc/subscription-keeper';
import { startPlatformSimulator, type PlatformSimulator } from '../../../src/simulator/platform/platform-simulator';
import { freePort } from '../../support/http';

const APP_KEY = 'keeper-key';
const APP_SECRET = 'keeper-secret';
const DEST = 'http://127.0.0.1:9/isc/events';

function clientFor(port: number): ArtemisClient {
  return new ArtemisClient({ host: '127.0.0.1', port, protocol: 'http', rejectUnauthorized: false, appKey: APP_KEY, appSecret: APP_SECRET }, { timeoutMs: 2000 });
}

/** Resolves with the first state of `kind` (now or later). */
function stateOf<K extends SubscriptionState['kind']>(keeper: SubscriptionKeeper, kind: K): Promise<Extract<SubscriptionState, { kind: K }>> {
  return new Promise((resolve) => {
    const check = (state: SubscriptionState) => {
      if (state.kind !== kind) return;
      keeper.off('state', check);
      resolve(state as Extract<SubscriptionState, { kind: K }>);
    };
    check(keeper.state);
    keeper.on('state', check);
  });
}

describe('SubscriptionKeeper', () => {
  let sim: PlatformSimulator | null = null;
  let keeper: SubscriptionKeeper | null = null;
  afterEach(async () => {
    keeper?.stop();
    keeper = null;
    await sim?.close();
    sim = null;
  });

  it('subscribes and confirms the callback with a view', async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    keeper = new SubscriptionKeeper(clientFor(sim.port), { eventTypes: [198914, 131331], eventDest: DEST });
    keeper.start();
    const state = await stateOf(keeper, 'subscribed');
    assert.deepEqual(state.eventTypes, [198914, 131331]);
    assert.deepEqual(sim.subscriptions().map((s) => s.eventDest), [DEST]);
    assert.deepEqual(sim.calls().map((c) => c.path.split('/').pop()), ['eventSubscriptionByEventTypes', 'eventSubscriptionView']);
  });

  it('retries while the platform is down, then subscribes once it is up', async () => {
    const port = await freePort();
    keeper = new SubscriptionKeeper(clientFor(port), { eventTypes: [198914], eventDest: DEST }, { retryDelaysMs: [100, 200] });
    keeper.start();
    const retrying = await stateOf(keeper, 'retrying');
    assert.match(retrying.error.message, /connection refused/);
    assert.equal(retrying.delayMs, 100);
    sim = await startPlatformSimulator({ port, appKey: APP_KEY, appSecret: APP_SECRET });
    await stateOf(keeper, 'subscribed');
    assert.equal(sim.subscriptions().length, 1);
  });

  it('grows the retry delay up to the last one given', async () => {
    const port = await freePort();
    keeper = new SubscriptionKeeper(clientFor(port), { eventTypes: [198914], eventDest: DEST }, { retryDelaysMs: [10, 20, 40] });
    const delays: number[] = [];
    keeper.on('state', (s: SubscriptionState) => { if (s.kind === 'retrying') delays.push(s.delayMs); });
    keeper.start();
    await new Promise<void>((resolve) => {
      const check = () => { if (delays.length >= 5) { keeper!.off('state', check); resolve(); } };
      keeper!.on('state', check);
    });
    assert.deepEqual(delays.slice(0, 5), [10, 20, 40, 40, 40]);
  });

  it('retries a platform refusal too (a partner fixed on the platform later works)', async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    sim.setFault({ code: '0x02401010', msg: 'no userId' });
    keeper = new SubscriptionKeeper(clientFor(sim.port), { eventTypes: [198914], eventDest: DEST }, { retryDelaysMs: [50] });
    keeper.start();
    const retrying = await stateOf(keeper, 'retrying');
    assert.match(retrying.error.message, /0x02401010/);
    sim.setFault(null);
    await stateOf(keeper, 'subscribed');
  });

  it('re-subscribes on its interval, restoring a dropped subscription', async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    keeper = new SubscriptionKeeper(clientFor(sim.port), { eventTypes: [198914], eventDest: DEST }, { resubscribeIntervalMs: 200 });
    keeper.start();
    await stateOf(keeper, 'subscribed');
    // Someone (another partner tool, a platform reset) drops it.
    await clientFor(sim.port).unsubscribeByEventTypes({ eventTypes: [198914] });
    assert.equal(sim.subscriptions().length, 0);
    await stateOf(keeper, 'subscribing');
    await stateOf(keeper, 'subscribed');
    assert.equal(sim.subscriptions().length, 1);
  });

  it('makes no calls after stop', async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    keeper = new SubscriptionKeeper(clientFor(sim.port), { eventTypes: [198914], eventDest: DEST }, { resubscribeIntervalMs: 50 });
    keeper.start();
    await stateOf(keeper, 'subscribed');
    keeper.stop();
    const calls = sim.calls().length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sim.calls().length, calls);
    assert.equal(keeper.state.kind, 'stopped');
  });

  it('says "unconfirmed" when the view does not list the callback or a type', async () => {
    // A platform whose view forgets: the one case the simulator (which stores faithfully) cannot show.
    const forgetful: ArtemisEventService = {
      subscribeByEventTypes: () => Promise.resolve({ code: '0', msg: 'success' }),
      unsubscribeByEventTypes: () => Promise.resolve({ code: '0', msg: 'success' }),
      viewSubscriptions: () => Promise.resolve({ code: '0', msg: 'success', data: { detail: [{ eventDest: DEST, eventTypes: [198914] }] } } as ArtemisEnvelope<SubscriptionView> & { data: SubscriptionView }),
    };
    keeper = new SubscriptionKeeper(forgetful, { eventTypes: [198914, 131331], eventDest: DEST });
    keeper.start();
    const state = await stateOf(keeper, 'unconfirmed');
    assert.match(state.reason, /131331/);
  });

  it('says "unconfirmed" when the view call itself fails', async () => {
    const noView: ArtemisEventService = {
      subscribeByEventTypes: () => Promise.resolve({ code: '0', msg: 'success' }),
      unsubscribeByEventTypes: () => Promise.resolve({ code: '0', msg: 'success' }),
      viewSubscriptions: () => Promise.reject(new Error('platform error 0x02401008: not authorised')),
    };
    keeper = new SubscriptionKeeper(noView, { eventTypes: [198914], eventDest: DEST });
    keeper.start();
    const state = await stateOf(keeper, 'unconfirmed');
    assert.match(state.reason, /0x02401008/);
  });
});

describe('viewProblem', () => {
  const request = { eventTypes: [198914, 131331], eventDest: 'http://10.0.0.5:8089/isc/events' };

  it('is null when the callback lists every type (numbers or strings, trailing slash and case aside)', () => {
    assert.equal(viewProblem({ detail: [{ eventDest: 'http://10.0.0.5:8089/isc/events', eventTypes: [198914, 131331, 1] }] }, request), null);
    assert.equal(viewProblem({ detail: [{ eventDest: 'HTTP://10.0.0.5:8089/isc/events/', eventTypes: ['198914', '131331'] }] }, request), null);
  });

  it('names the missing callback or types', () => {
    assert.match(viewProblem({ detail: [] }, request) ?? '', /does not list http:\/\/10\.0\.0\.5:8089\/isc\/events/);
    assert.match(viewProblem({ detail: [{ eventDest: 'http://10.0.0.6:8089/isc/events', eventTypes: [198914] }] }, request) ?? '', /does not list/);
    assert.match(viewProblem({ detail: [{ eventDest: request.eventDest, eventTypes: [198914] }] }, request) ?? '', /131331/);
  });
});
