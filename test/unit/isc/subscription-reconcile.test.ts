/**
 * Reconcile, not a blind re-subscribe: every interval the keeper views the platform's
 * subscriptions and subscribes again only when they differ from what it asked for. Against the
 * platform simulator, which can drop a subscription as a restart or an administrator would.
 */
import assert from 'node:assert/strict';
import { ArtemisClient } from '../../../src/isc/artemis-client';
import { ArtemisError } from '../../../src/isc/artemis-error';
import { subscriptionDrift } from '../../../src/isc/subscription-drift';
import { SubscriptionKeeper, type SubscriptionState } from '../../../src/isc/subscription-keeper';
import { startPlatformSimulator, type PlatformSimulator } from '../../../src/simulator/platform/platform-simulator';

const APP_KEY = 'reconcile-key';
const APP_SECRET = 'reconcile-secret';
const DEST = 'http://127.0.0.1:9/isc/events';
const INTERVAL_MS = 150;

function clientFor(port: number): ArtemisClient {
  return new ArtemisClient({ host: '127.0.0.1', port, protocol: 'http', rejectUnauthorized: false, appKey: APP_KEY, appSecret: APP_SECRET }, { timeoutMs: 2000 });
}

function nextState(keeper: SubscriptionKeeper, kind: SubscriptionState['kind']): Promise<SubscriptionState> {
  return new Promise((resolve) => {
    const check = (state: SubscriptionState) => {
      if (state.kind !== kind) return;
      keeper.off('state', check);
      resolve(state);
    };
    keeper.on('state', check);
  });
}

const callNames = (sim: PlatformSimulator) => sim.calls().map((c) => c.path.split('/').pop() ?? '');

describe('subscription reconcile (platform simulator)', () => {
  let sim: PlatformSimulator;
  let keeper: SubscriptionKeeper;
  afterEach(async () => {
    keeper.stop();
    await sim.close();
  });

  it('views every interval and subscribes again only after the platform dropped the subscription', async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    keeper = new SubscriptionKeeper(clientFor(sim.port), { eventTypes: [198914, 131331], eventDest: DEST }, { resubscribeIntervalMs: INTERVAL_MS });
    const drifts: string[] = [];
    keeper.on('drift', (d: string) => drifts.push(d));
    const subscribed = nextState(keeper, 'subscribed');
    keeper.start();
    await subscribed;
    // Let a few intervals pass with nothing changed: views only.
    while (callNames(sim).length < 5) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(callNames(sim).slice(0, 5), [
      'eventSubscriptionByEventTypes', 'eventSubscriptionView', 'eventSubscriptionView', 'eventSubscriptionView', 'eventSubscriptionView',
    ]);
    assert.deepEqual(drifts, []);

    assert.equal(sim.dropSubscription(DEST), 1);
    const resubscribing = nextState(keeper, 'subscribing');
    const back = nextState(keeper, 'subscribed');
    const dropAt = sim.calls().length;
    await resubscribing;
    await back;
    assert.deepEqual(sim.subscriptions().map((s) => [s.eventDest, s.eventTypes]), [[DEST, [198914, 131331]]]);
    assert.match(drifts[0], /no longer lists/);
    // Within one interval: the first view after the drop found it and subscribed at once.
    assert.deepEqual(callNames(sim).slice(dropAt, dropAt + 2), ['eventSubscriptionView', 'eventSubscriptionByEventTypes']);
  });

  it('drift: missing callback, missing types and extra types, none when equal', () => {
    const request = { eventTypes: [1, 2], eventDest: 'http://a:1/x' };
    assert.equal(subscriptionDrift({ detail: [{ eventDest: 'http://a:1/x/', eventTypes: [2, 1] }] }, request), null);
    assert.match(subscriptionDrift({ detail: [] }, request) ?? '', /no longer lists/);
    assert.match(subscriptionDrift({ detail: [{ eventDest: 'http://a:1/x', eventTypes: [1] }] }, request) ?? '', /missing.*2/);
    assert.match(subscriptionDrift({ detail: [{ eventDest: 'http://a:1/x', eventTypes: [1, 2, 3] }] }, request) ?? '', /other types.*3/);
  });

  it('HikCentral small integer codes get clear messages (17 = no OpenAPI permission, 8 = version)', async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    keeper = new SubscriptionKeeper(clientFor(sim.port), { eventTypes: [1], eventDest: DEST });
    const client = clientFor(sim.port);
    for (const [code, words] of [['17', /no OpenAPI permission/], ['8', /version is not supported/]] as const) {
      sim.setFault({ code, msg: 'failed' });
      await assert.rejects(client.viewSubscriptions(), (err: unknown) => {
        assert.ok(err instanceof ArtemisError);
        assert.equal(err.code, code);
        assert.match(err.hint ?? '', words);
        assert.match(err.message, words);
        return true;
      });
    }
  });
});
