/**
 * 100 deploys of a flow with two listeners on a shared port, an iSC receiver on another, and event
 * filters (with repeat-collapse timers) behind them, alternating full and modified-nodes deploys as
 * the editor makes them. Every tenth deploy the flow must still work, each event arriving exactly
 * once; afterwards no port, socket, server or timer of the package is left: the handles Node
 * reports are those before the first deploy, and both ports can be bound again.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { portRegistry } from '../../src/server/port-registry';
import { startPlatformSimulator, type PlatformSimulator } from '../../src/simulator/platform/platform-simulator';
import { collect, eventually, type Collector } from '../support/flow';
import { freePort, request } from '../support/http';
import { helper, loadFlow, nodeModule } from '../support/node-red';

type FlowNode = { id: string; type: string } & Record<string, unknown>;
const nodes = ['hikvision-config', 'hikvision-listener', 'hikvision-isc', 'hikvision-isc-subscribe', 'hikvision-event-filter'].map(nodeModule);
const APP_KEY = 'redeploy-key';
const APP_SECRET = 'redeploy-secret-4C';
const CREDENTIALS = { platform: { appKey: APP_KEY, appSecret: APP_SECRET }, cfg: {} };

function flowFor(round: number, listenPort: number, iscPort: number, platformPort: number): FlowNode[] {
  const at = { x: 100, y: 100, z: 'tab' };
  return [
    { id: 'tab', type: 'tab', label: 'redeploy' },
    { id: 'cfg', type: 'hikvision-config', host: '', listenPort, listenAuth: 'none', allowList: '' },
    // The path changes every round: a modified node, restarted alone on a modified-nodes deploy.
    { id: 'cam', type: 'hikvision-listener', ...at, name: `round ${round}`, config: 'cfg', path: `/cam${round % 3}`, images: 'buffer', replays: 'tag', wires: [['camFilter']] },
    { id: 'any', type: 'hikvision-listener', ...at, config: 'cfg', path: '', images: 'none', replays: 'tag', wires: [['anyFilter']] },
    { id: 'camFilter', type: 'hikvision-event-filter', ...at, outputs: 1, eventTypes: round % 2 === 0 ? 'VMD' : 'VMD, linedetection', states: '', channels: '', devices: '', replays: 'pass', repeats: 'collapse', repeatWindow: 3600, twins: 'pass', wires: [['camOut']] },
    { id: 'anyFilter', type: 'hikvision-event-filter', ...at, outputs: 2, eventTypes: '', states: '', channels: '', devices: '', replays: 'pass', repeats: 'pass', repeatWindow: 10, twins: 'pass', wires: [['anyOut'], []] },
    { id: 'platform', type: 'hikvision-isc', host: '127.0.0.1', port: platformPort, protocol: 'http', rejectUnauthorized: false },
    {
      id: 'sub', type: 'hikvision-isc-subscribe', ...at, platform: 'platform', eventTypes: round % 4 < 2 ? '131331' : '131331,131329', subType: 'raw', eventLvl: '',
      listenPort: iscPort, path: '/isc/events', callbackUrl: `http://127.0.0.1:${iscPort}/isc/events`, unsubscribeOnClose: false, resubscribeInterval: 3600,
      wires: [['iscFilter'], []],
    },
    { id: 'iscFilter', type: 'hikvision-event-filter', ...at, outputs: 1, eventTypes: '', states: '', channels: '', devices: '', replays: 'pass', repeats: 'collapse', repeatWindow: 3600, twins: 'merge', wires: [['iscOut']] },
    { id: 'camOut', type: 'helper', ...at },
    { id: 'anyOut', type: 'helper', ...at },
    { id: 'iscOut', type: 'helper', ...at },
  ];
}

/** Handle counts by kind, once pending closes have run. */
async function handles(): Promise<Record<string, number>> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function bindable(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(port, () => probe.close(() => resolve()));
    probe.on('error', reject);
  });
}

function vmd(channel: number): string {
  return `<EventNotificationAlert><ipAddress>10.0.0.${channel}</ipAddress><channelID>${channel}</channelID><eventType>VMD</eventType><eventState>active</eventState><dateTime>2026-01-01T00:00:00+08:00</dateTime></EventNotificationAlert>`;
}

describe(`robustness: 100 redeploys on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(120_000);
  let sim: PlatformSimulator;
  let listenPort: number;
  let iscPort: number;
  const failures: unknown[] = [];
  const onFailure = (err: unknown) => failures.push(err);

  before(async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    listenPort = await freePort();
    iscPort = await freePort();
    process.on('unhandledRejection', onFailure);
    process.on('uncaughtException', onFailure);
  });
  after(async () => {
    process.off('unhandledRejection', onFailure);
    process.off('uncaughtException', onFailure);
    await helper.unload();
    await sim.close();
  });

  it('full and modified-nodes deploys keep working and leave no port, socket or timer behind', async () => {
    // A first deploy and stop, so that what Node-RED itself keeps open is in the baseline.
    await loadFlow(nodes, flowFor(0, listenPort, iscPort, sim.port), CREDENTIALS);
    await helper.unload();
    const baseline = await handles();

    await loadFlow(nodes, flowFor(0, listenPort, iscPort, sim.port), CREDENTIALS);
    let sequence = 0;
    for (let round = 1; round <= 100; round++) {
      await helper.setFlows(flowFor(round, listenPort, iscPort, sim.port), round % 2 === 0 ? 'full' : 'nodes', CREDENTIALS);
      if (round % 10 !== 0) continue;

      // The flow works after this deploy, and nothing left from earlier deploys answers twice.
      const cam: Collector = collect('camOut');
      const any: Collector = collect('anyOut');
      const isc: Collector = collect('iscOut');
      await eventually(() => portRegistry.openPorts().length === 2, 'both ports open');
      sequence++;
      assert.equal((await request({ port: listenPort, path: `/cam${round % 3}`, headers: { 'Content-Type': 'application/xml' }, body: vmd(sequence) })).status, 200);
      assert.equal((await request({ port: listenPort, path: '/elsewhere', headers: { 'Content-Type': 'application/xml' }, body: vmd(100 + sequence) })).status, 200);
      await eventually(() => sim.subscriptions().length === 1, 'the subscription');
      const report = await sim.pushEvents({ kinds: ['motion'] });
      assert.equal(report.failed, 0, `round ${round}: platform push failed`);
      await Promise.all([cam.waitFor(1), any.waitFor(1), isc.waitFor(report.delivered)]);
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(cam.messages.length, 1, `round ${round}: the /cam event once`);
      assert.equal(any.messages.length, 1, `round ${round}: the other event once`);
      assert.equal(isc.messages.length, report.delivered, `round ${round}: each platform event once`);
    }
    assert.equal(sim.subscriptions().length, 1, 'one subscription for the callback, however many deploys');

    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), []);
    await bindable(listenPort);
    await bindable(iscPort);
    const left = await handles();
    for (const kind of new Set([...Object.keys(left), ...Object.keys(baseline)])) {
      assert.ok((left[kind] ?? 0) <= (baseline[kind] ?? 0), `${kind}: ${left[kind] ?? 0} open now, ${baseline[kind] ?? 0} before (${JSON.stringify(left)} vs ${JSON.stringify(baseline)})`);
    }
    assert.deepEqual(failures, []);
  });
});
