/**
 * Issue 13, item 9: error logging is throttled the way warnings are. Over real HTTP into the real
 * listener and iSC receiver inside Node-RED (4.1 or 5.0): 300 malformed bodies without a Catch
 * node write one error line per kind a minute, not 300; with a Catch node, every one of them still
 * reaches it (and, as Node-RED does for caught errors, none is logged).
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { portRegistry } from '../../src/server/port-registry';
import { startPlatformSimulator, type PlatformSimulator } from '../../src/simulator/platform/platform-simulator';
import { collect, eventually } from '../support/flow';
import { enUsPattern, LOOPBACK } from '../support/en-us-messages';
import { freePort, request } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

type FlowNode = { id: string; type: string } & Record<string, unknown>;
interface CaughtMsg extends NodeMessage { error: { message: string }; payload: unknown }
interface LogEntry { level: number; id?: string; msg: unknown }

const nodes = [
  nodeModule('hikvision-config'), nodeModule('hikvision-listener'), nodeModule('hikvision-isc'), nodeModule('hikvision-isc-subscribe'),
  coreNode('common/25-catch.js'),
];
const BODIES = 300;
const APP_KEY = 'error-log-key';
const APP_SECRET = 'error-log-secret-5a4b';

/** The error lines Node-RED's log got from one node. */
function errorLines(nodeId: string): string[] {
  const spy = helper.log() as unknown as { args: [LogEntry][]; ERROR: number };
  return spy.args.map(([entry]) => entry).filter((e) => e.level === spy.ERROR && e.id === nodeId).map((e) => String(e.msg));
}

/** Sends `count` bodies, a few connections at a time; every one must be answered 200. */
async function postMany(count: number, port: number, path: string, contentType: string, body: (i: number) => string): Promise<void> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, (_, k) => request({ port, path, headers: { 'Content-Type': contentType }, body: body(i + k) }));
    statuses.push(...(await Promise.all(batch)).map((r) => r.status));
  }
  assert.deepEqual(new Set(statuses), new Set([200]), 'every body answered 200');
}

const brokenXml = (i: number) => `<EventNotificationAlert><eventType>VMD</eventType><n>${i}</n><unclosed`;
const brokenJson = (i: number) => `{"method":"OnEventNotify","params":{"ability":"event_vss","events":[{"eventId":"${i}"`;

describe(`robustness: error logging is throttled on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  let port: number;
  let sim: PlatformSimulator | null = null;

  before(startServer);
  after(stopServer);
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    await helper.unload();
    await sim?.close();
    sim = null;
    assert.deepEqual(portRegistry.openPorts(), [], 'every port is closed after the flow is removed');
  });

  function listenerFlow(withCatch: boolean): FlowNode[] {
    return [
      { id: 'tab', type: 'tab', label: 'listener' },
      { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none' },
      { id: 'listener', z: 'tab', type: 'hikvision-listener', config: 'cfg', path: '/alarm', images: 'none', replays: 'tag', attachments: false, wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
      ...(withCatch ? [
        { id: 'catcher', z: 'tab', type: 'catch', x: 100, y: 100, scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'tab', type: 'helper' },
      ] : []),
    ];
  }

  async function iscFlow(withCatch: boolean): Promise<void> {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    const flow: FlowNode[] = [
      { id: 'tab', type: 'tab', label: 'iSC' },
      { id: 'platform', type: 'hikvision-isc', z: 'tab', host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false },
      {
        id: 'sub', type: 'hikvision-isc-subscribe', z: 'tab', platform: 'platform', eventTypes: '131331', subType: 'raw', eventLvl: '',
        listenPort: port, path: '/isc/events', callbackUrl: `http://127.0.0.1:${port}/isc/events`, unsubscribeOnClose: false, resubscribeInterval: 0,
        wires: [['out'], []],
      },
      { id: 'out', type: 'helper', z: 'tab' },
      ...(withCatch ? [
        { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'tab' },
      ] : []),
    ];
    await loadFlow(nodes, flow, { platform: { appKey: APP_KEY, appSecret: APP_SECRET } });
    const subscriptions = () => sim?.subscriptions().length ?? 0;
    await eventually(() => subscriptions() === 1, 'the subscription');
  }

  it(`listener without a Catch node: ${BODIES} malformed bodies write one error line, not ${BODIES}`, async () => {
    await loadFlow(nodes, listenerFlow(false));
    await postMany(BODIES, port, '/alarm', 'application/xml', brokenXml);
    await eventually(() => errorLines('listener').length > 0, 'the first error line');
    const lines = errorLines('listener');
    // One a minute: a second one only if this machine took more than a minute for the 300 bodies.
    assert.ok(lines.length >= 1 && lines.length <= 2, `${lines.length} error lines`);
    assert.match(lines[0], enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'malformed', detail: /.+/ }));
  });

  it(`listener with a Catch node: every one of ${BODIES} malformed bodies reaches it, with its raw bytes`, async () => {
    await loadFlow(nodes, listenerFlow(true));
    const caught = collect<CaughtMsg>('caught');
    await postMany(BODIES, port, '/alarm', 'application/xml', brokenXml);
    const messages = await caught.waitFor(BODIES, 15_000);
    assert.equal(messages.length, BODIES);
    const bodies = new Set(messages.map((m) => String(m.payload)));
    for (let i = 0; i < BODIES; i++) assert.ok(bodies.has(brokenXml(i)), `body ${i} caught`);
    for (const m of messages) assert.match(m.error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'malformed', detail: /.+/ }));
    assert.deepEqual(errorLines('listener'), [], 'caught errors are not logged, as Node-RED does');
  });

  it(`iSC receiver without a Catch node: ${BODIES} malformed pushes write one error line`, async () => {
    await iscFlow(false);
    await postMany(BODIES, port, '/isc/events', 'application/json', brokenJson);
    await eventually(() => errorLines('sub').length > 0, 'the first error line');
    const lines = errorLines('sub');
    assert.ok(lines.length >= 1 && lines.length <= 2, `${lines.length} error lines`);
  });

  it(`iSC receiver with a Catch node: every one of ${BODIES} malformed pushes reaches it`, async () => {
    await iscFlow(true);
    const caught = collect<CaughtMsg>('caught');
    await postMany(BODIES, port, '/isc/events', 'application/json', brokenJson);
    const messages = await caught.waitFor(BODIES, 15_000);
    assert.equal(new Set(messages.map((m) => String(m.payload))).size, BODIES);
    assert.ok(messages.every((m) => m.topic === 'isc/malformed'));
    assert.deepEqual(errorLines('sub'), []);
  });
});
