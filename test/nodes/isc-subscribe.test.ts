/**
 * The iSC subscribe node inside a real Node-RED (4.1 or 5.0) against the platform simulator, with
 * real HTTP on loopback: what a user subscribing a flow to a platform would see.
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import net from 'node:net';
import { inspect } from 'node:util';
import type { NodeMessage } from 'node-red';
import { ArtemisClient } from '../../src/isc/artemis-client';
import type { IscEvent } from '../../src/isc/event-notify';
import { portRegistry } from '../../src/server/port-registry';
import { startPlatformSimulator, type PlatformSimulator } from '../../src/simulator/platform/platform-simulator';
import { collect, eventually, statuses, type Collector } from '../support/flow';
import { freePort, request } from '../support/http';
import { helper, loadFlow, nodeModule } from '../support/node-red';
import { readSample } from '../support/samples';

interface EventMsg extends NodeMessage {
  payload: IscEvent;
  topic: string;
  ability: string;
  sendTime: string | null;
}

interface AnswerMsg extends NodeMessage {
  payload: { code: string; msg: string; data?: { detail?: { eventDest: string; eventTypes: number[] }[] } };
  action: string;
}

interface CaughtMsg extends NodeMessage {
  error: { message: string };
  payload: unknown;
}

const APP_KEY = 'node-test-key-7Q2';
const APP_SECRET = 'node-test-secret-Zk93vP';
const nodes = [nodeModule('hikvision-isc'), nodeModule('hikvision-isc-subscribe')];

type FlowNode = { id: string; type: string } & Record<string, unknown>;

/** Flow nodes sit on a tab with a position: without x/y Node-RED files them as config nodes. */
function flow(platformPort: number, listenPort: number, subscribe: Record<string, unknown> = {}, platform: Record<string, unknown> = {}): FlowNode[] {
  return placed([
    { id: 'tab', type: 'tab', label: 'iSC' },
    { id: 'platform', type: 'hikvision-isc', z: 'tab', host: '127.0.0.1', port: platformPort, protocol: 'http', rejectUnauthorized: false, ...platform },
    {
      id: 'sub', type: 'hikvision-isc-subscribe', z: 'tab', name: '', platform: 'platform',
      eventTypes: '198914,131331', subType: 'raw', eventLvl: '', listenPort, path: '/isc/events',
      callbackUrl: `http://127.0.0.1:${listenPort}/isc/events`, unsubscribeOnClose: false, resubscribeInterval: 0,
      wires: [['out'], ['answers']], ...subscribe,
    },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'answers', type: 'helper', z: 'tab' },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ]);
}

function placed(flowNodes: FlowNode[]): FlowNode[] {
  return flowNodes.map((n) => (n.type === 'tab' || n.type === 'hikvision-isc' ? n : { x: 100, y: 100, ...n }));
}

/** Everything the node said and sent, for the credential check at the end of each test. */
const heard: unknown[] = [];

function listenTo(id: string): void {
  // The test helper emits `call:<method>` on nodes, which Node's typings do not list.
  const node = helper.getNode(id) as unknown as EventEmitter | null;
  if (!node) return;
  for (const event of ['call:status', 'call:warn', 'call:error', 'call:log', 'call:send']) {
    node.on(event, (call: { args: unknown[] }) => heard.push(call.args));
  }
}

interface Deployed {
  out: Collector<EventMsg>;
  answers: Collector<AnswerMsg>;
  caught: Collector<CaughtMsg>;
  statuses: { fill?: string; shape?: string; text?: string }[];
}

function watch(): Deployed {
  listenTo('sub');
  return { out: collect<EventMsg>('out'), answers: collect<AnswerMsg>('answers'), caught: collect<CaughtMsg>('caught'), statuses: statuses('sub') };
}

async function deploy(flowNodes: FlowNode[], credentials = { appKey: APP_KEY, appSecret: APP_SECRET }): Promise<Deployed> {
  await loadFlow(nodes, flowNodes, { platform: credentials });
  return watch();
}

function untilStatus(seen: Deployed['statuses'], pattern: RegExp, what = pattern.source): Promise<void> {
  return eventually(() => seen.some((s) => pattern.test(s.text ?? '')), `status ${what} (saw ${seen.map((s) => s.text).join(' | ')})`, 10_000);
}

function clientFor(sim: PlatformSimulator): ArtemisClient {
  return new ArtemisClient({ host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, appKey: APP_KEY, appSecret: APP_SECRET });
}

describe('hikvision-isc-subscribe node', () => {
  let sim: PlatformSimulator | null;
  let listenPort: number;

  beforeEach(async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    listenPort = await freePort();
  });

  afterEach(async () => {
    // No credential in any status, warning, error, log line or message the node produced.
    const text = inspect([heard, helper.log().args], { depth: 12, maxArrayLength: null, maxStringLength: null });
    heard.length = 0;
    await helper.unload();
    await sim?.close();
    sim = null;
    assert.ok(!text.includes(APP_SECRET), 'appSecret leaked');
    assert.ok(!text.includes(APP_KEY), 'appKey leaked');
    assert.ok(!portRegistry.openPorts().includes(listenPort), 'receiver port left open');
  });

  it('subscribes on deploy, confirms it, and sends one message per pushed event', async () => {
    const d = await deploy(flow(sim!.port, listenPort));
    await untilStatus(d.statuses, /^subscribed \(2\)$/);
    assert.deepEqual(sim!.subscriptions(), [{ eventDest: `http://127.0.0.1:${listenPort}/isc/events`, eventTypes: [198914, 131331], subType: 0, eventLvl: null }]);
    assert.ok(d.statuses.some((s) => s.fill === 'green'));

    // Face (196893) is not subscribed: the platform does not push it.
    const report = await sim!.pushEvents({ kinds: ['card', 'motion', 'face'], count: 3 });
    assert.equal(report.delivered, 6);
    const msgs = await d.out.waitFor(6);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(d.out.messages.length, 6);
    const cards = msgs.filter((m) => m.topic === 'isc/event_acs/198914');
    const motions = msgs.filter((m) => m.topic === 'isc/event_vss/131331');
    assert.equal(cards.length, 3);
    assert.equal(motions.length, 3);
    for (const m of cards) {
      assert.equal(m.ability, 'event_acs');
      assert.equal(m.payload.eventType, 198914);
      assert.equal(m.payload.srcType, 'door');
      assert.match(String(m.sendTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    }
    assert.equal(new Set(msgs.map((m) => m.payload.eventId)).size, 6);
  });

  it('receives linkage events as two messages (status 0, then 4) named after the original event', async () => {
    const d = await deploy(flow(sim!.port, listenPort, { eventTypes: '131588', subType: 'linkage', eventLvl: '2,3' }));
    await untilStatus(d.statuses, /^subscribed/);
    assert.deepEqual(sim!.subscriptions()[0], { eventDest: `http://127.0.0.1:${listenPort}/isc/events`, eventTypes: [131588], subType: 1, eventLvl: [2, 3] });
    await sim!.pushEvents({ kinds: ['linkage'] });
    const msgs = await d.out.waitFor(2);
    assert.deepEqual(msgs.map((m) => [m.topic, m.ability, m.payload.status]), [
      ['isc/linkage/event_rule/131588', '', 0],
      ['isc/linkage/event_rule/131588', '', 4],
    ]);
    assert.equal(msgs[0].payload.eventId, msgs[1].payload.eventId);
    assert.equal(typeof msgs[1].payload.linkageResult, 'string');
  });

  it('keeps the twin of a parking event and times as sent', async () => {
    const d = await deploy(flow(sim!.port, listenPort, { eventTypes: '771764226' }));
    await untilStatus(d.statuses, /^subscribed/);
    await sim!.pushEvents({ kinds: ['parking'] });
    const msgs = await d.out.waitFor(2);
    assert.deepEqual(msgs.map((m) => m.payload.status), [0, 5]);
    assert.match(String(msgs[0].payload.happenTime), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('emits every event of a POST carrying 50, and the samples as sent', async () => {
    const d = await deploy(flow(sim!.port, listenPort, { eventTypes: '198914' }));
    await untilStatus(d.statuses, /^subscribed/);
    await sim!.pushEvents({ kinds: ['card'], count: 50 });
    await d.out.waitFor(50);
    const sample = readSample('isc/09-generic-format-spec-event_pms-771764226-doc.json').toString('utf8');
    const res = await request({ port: listenPort, path: '/isc/events', body: sample, headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 200);
    const [last] = (await d.out.waitFor(51)).slice(50);
    assert.equal(last.topic, 'isc/event_pms/771764226');
    assert.equal(last.sendTime, '2018-06-28 17:04:31');
    assert.deepEqual(last.payload, (JSON.parse(sample) as { params: { events: unknown[] } }).params.events[0]);
  });

  it('answers view, unsubscribe and subscribe on the second output', async () => {
    const d = await deploy(flow(sim!.port, listenPort));
    await untilStatus(d.statuses, /^subscribed/);
    const sub = helper.getNode('sub');

    sub.receive({ payload: { action: 'view' } });
    const [view] = await d.answers.waitFor(1);
    assert.equal(view.topic, 'isc/view');
    assert.equal(view.action, 'view');
    assert.equal(view.payload.code, '0');
    assert.deepEqual(view.payload.data?.detail, [{ eventDest: `http://127.0.0.1:${listenPort}/isc/events`, eventTypes: [198914, 131331] }]);

    sub.receive({ payload: { action: 'unsubscribe', eventTypes: [131331] } });
    const unsubscribed = (await d.answers.waitFor(2))[1];
    assert.equal(unsubscribed.payload.code, '0');
    assert.deepEqual(sim!.subscriptions()[0]?.eventTypes, [198914]);

    sub.receive({ payload: { action: 'subscribe' } });
    await d.answers.waitFor(3);
    assert.deepEqual(sim!.subscriptions()[0]?.eventTypes, [198914, 131331]);
    // Nothing went to the event output.
    assert.equal(d.out.messages.length, 0);
  });

  it('reports a bad action, and a platform refusal of an action, to Catch nodes', async () => {
    const d = await deploy(flow(sim!.port, listenPort));
    await untilStatus(d.statuses, /^subscribed/);
    const sub = helper.getNode('sub');
    sub.receive({ payload: { action: 'delete' } });
    const [bad] = await d.caught.waitFor(1);
    assert.match(bad.error.message, /subscribe.*unsubscribe.*view/);

    sim!.setFault({ code: '0x02401008', msg: 'api not authorised' });
    sub.receive({ payload: { action: 'view' } });
    const [, refused] = await d.caught.waitFor(2);
    assert.match(refused.error.message, /0x02401008/);
    assert.match(refused.error.message, /not authorised for the partner/);
    assert.equal(d.answers.messages.length, 0);
  });

  it('does not double-subscribe on redeploy, and only the new node sends', async () => {
    const first = flow(sim!.port, listenPort);
    const d = await deploy(first);
    await untilStatus(d.statuses, /^subscribed/);

    await helper.setFlows(first.map((n) => (n.id === 'sub' ? { ...n, name: 'renamed' } : n)), 'full', { platform: { appKey: APP_KEY, appSecret: APP_SECRET } });
    const again = watch();
    await untilStatus(again.statuses, /^subscribed/);
    assert.equal(sim!.subscriptions().length, 1);
    assert.equal(sim!.calls().filter((c) => c.path.endsWith('eventSubscriptionByEventTypes')).length, 2);

    await sim!.pushEvents({ kinds: ['card'] });
    await again.out.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(again.out.messages.length, 1);
    assert.equal(d.out.messages.length, 0);

    // Changing the types replaces the subscription of this callback, it does not add one.
    await helper.setFlows(first.map((n) => (n.id === 'sub' ? { ...n, eventTypes: '196893' } : n)), 'full', { platform: { appKey: APP_KEY, appSecret: APP_SECRET } });
    const third = watch();
    await untilStatus(third.statuses, /^subscribed \(1\)$/);
    assert.deepEqual(sim!.subscriptions().map((s) => s.eventTypes), [[196893]]);
  });

  it('keeps retrying while the platform is down, says so, and subscribes once it is up', async () => {
    const platformPort = sim!.port;
    await sim!.close();
    sim = null;
    const d = await deploy(flow(platformPort, listenPort));
    await untilStatus(d.statuses, /^platform unreachable, retry in \d+s$/);
    assert.ok(d.statuses.some((s) => s.fill === 'red'));
    sim = await startPlatformSimulator({ port: platformPort, appKey: APP_KEY, appSecret: APP_SECRET });
    await untilStatus(d.statuses, /^subscribed/);
    assert.equal(sim.subscriptions().length, 1);
    // The receiver was up all along.
    const res = await request({ port: listenPort, path: '/isc/events', body: readSample('isc/03-vss-131331-motion-detection-doc.json') });
    assert.equal(res.status, 200);
    await d.out.waitFor(1);
  });

  it('shows a platform refusal (wrong appSecret) in the status without leaking credentials', async () => {
    const d = await deploy(flow(sim!.port, listenPort), { appKey: APP_KEY, appSecret: `${APP_SECRET}-wrong` });
    await untilStatus(d.statuses, /^0x02401003, retry in \d+s$/);
    // The platform echoed its string to sign (with the appKey); the warning must not repeat it.
    await eventually(() => heard.some((args) => inspect(args).includes('0x02401003')), 'a warning');
  });

  it('answers 200 to a malformed POST and hands the raw body to Catch nodes', async () => {
    const d = await deploy(flow(sim!.port, listenPort));
    await untilStatus(d.statuses, /^subscribed/);
    const garbage = '{"method":"OnEventNotify","params":{"ability":"event_acs","events":[{"eventId":';
    const res = await request({ port: listenPort, path: '/isc/events', body: garbage, headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 200);
    const [caught] = await d.caught.waitFor(1);
    assert.equal(caught.payload, garbage);
    assert.equal(caught.topic, 'isc/malformed');
    assert.match(caught.error.message, /not JSON/);

    const wrongShape = await request({ port: listenPort, path: '/isc/events', body: '{"method":"OnEventNotify","params":{"events":"x"}}' });
    assert.equal(wrongShape.status, 200);
    await d.caught.waitFor(2);

    const big = await request({ port: listenPort, path: '/isc/events', body: Buffer.alloc(9 * 1024 * 1024, 0x20) });
    assert.equal(big.status, 413);
    const [, , tooBig] = await d.caught.waitFor(3);
    assert.match(tooBig.error.message, /limit/);
    assert.equal(d.out.messages.length, 0);
  });

  it('re-subscribes on its interval after the platform lost the subscription', async () => {
    const d = await deploy(flow(sim!.port, listenPort, { resubscribeInterval: 1 }));
    await untilStatus(d.statuses, /^subscribed/);
    await clientFor(sim!).unsubscribeByEventTypes({ eventTypes: [198914, 131331] });
    assert.equal(sim!.subscriptions().length, 0);
    await eventually(() => sim!.subscriptions().length === 1, 'the subscription to come back', 10_000);
  });

  it('leaves the subscription on close by default, and removes it with unsubscribeOnClose', async () => {
    let d = await deploy(flow(sim!.port, listenPort));
    await untilStatus(d.statuses, /^subscribed/);
    await helper.unload();
    assert.equal(sim!.subscriptions().length, 1);

    d = await deploy(flow(sim!.port, listenPort, { unsubscribeOnClose: true }));
    await untilStatus(d.statuses, /^subscribed/);
    await helper.unload();
    assert.equal(sim!.subscriptions().length, 0);
  });

  it('refuses bad settings with an error in the log instead of failing later', async () => {
    await deploy(flow(sim!.port, listenPort, { eventTypes: '198914, card' }));
    const logged = () => inspect(helper.log().args, { depth: 6 });
    await eventually(() => logged().includes('not codes: card'), 'the event type error');
    await helper.unload();
    await deploy(flow(sim!.port, listenPort, { platform: '' }));
    await eventually(() => logged().includes('no iSC platform configured'), 'the platform error');
    await helper.unload();
    await deploy(flow(sim!.port, listenPort), { appKey: '', appSecret: '' });
    await eventually(() => logged().includes('needs the partner\'s AppKey and AppSecret'), 'the credentials error');
    assert.equal(sim!.calls().length, 0);
  });

  it('says so when the listen port is taken, and does not subscribe a callback nobody serves', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(listenPort, '127.0.0.1', resolve));
    try {
      const d = await deploy(flow(sim!.port, listenPort));
      await untilStatus(d.statuses, /^port \d+: EADDRINUSE$/);
      assert.ok(inspect(helper.log().args).includes(`cannot listen on port ${listenPort}`));
      assert.equal(sim!.calls().length, 0);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('shares a port between two subscriptions on different paths', async () => {
    const nodesFlow = flow(sim!.port, listenPort);
    nodesFlow.push(...placed([{
      id: 'sub2', type: 'hikvision-isc-subscribe', z: 'tab', platform: 'platform', eventTypes: '196893', subType: 'raw', eventLvl: '',
      listenPort, path: '/isc/faces', callbackUrl: `http://127.0.0.1:${listenPort}/isc/faces`, unsubscribeOnClose: false, resubscribeInterval: 0,
      wires: [['out2'], []],
    }, { id: 'out2', type: 'helper', z: 'tab' }]));
    const d = await deploy(nodesFlow);
    listenTo('sub2');
    const out2 = collect<EventMsg>('out2');
    await untilStatus(d.statuses, /^subscribed/);
    await eventually(() => sim!.subscriptions().length === 2, 'two subscriptions');
    await sim!.pushEvents({ kinds: ['card', 'face'] });
    const [card] = await d.out.waitFor(1);
    const [face] = await out2.waitFor(1);
    assert.equal(card.topic, 'isc/event_acs/198914');
    assert.equal(face.topic, 'isc/event_acs/196893');
  });
});
