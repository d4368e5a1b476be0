/**
 * The alert-stream node inside a real Node-RED (4.1 or 5.0), reading the simulated device's
 * alertStream over loopback: the messages a flow gets, heartbeats, a refused password, redeploys.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { AlertStream } from '../../src/isapi/alert-stream';
import { alertStreamRegistry } from '../../src/isapi/alert-stream-registry';
import type { HikEvent } from '../../src/push/hik-event';
import { startDeviceSimulator, type DeviceSimulator } from '../../src/simulator/device/device-simulator';
import { snapshotJpeg } from '../../src/simulator/device/picture-store';
import type { StreamEvent } from '../../src/simulator/push/build-push';
import { EVENT_KINDS } from '../../src/simulator/push/event-kind';
import { pushEvents } from '../../src/simulator/push/push-events';
import { collect, eventually, statuses } from '../support/flow';
import { freePort } from '../support/http';
import { helper, loadFlow, nodeModule } from '../support/node-red';

interface StreamMsg extends NodeMessage {
  payload: HikEvent;
  topic: string;
  remoteAddress: string;
  via: string;
  replay?: boolean;
  attachments?: { filename: string; content: Buffer; contentType: string; cid?: string }[];
}

const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-alert-stream'), nodeModule('hikvision-event-filter'), nodeModule('hikvision-listener')];
const PAYLOAD_FIELDS = ['activePostCount', 'channelID', 'dateTime', 'event', 'eventState', 'eventType', 'format', 'images', 'ipAddress', 'macAddress', 'replay'];

function flow(sim: DeviceSimulator, stream: Record<string, unknown> = {}, password = 'hik12345') {
  return {
    flow: [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim.port, protocol: 'http' },
      { id: 'stream', type: 'hikvision-alert-stream', config: 'cfg', images: 'buffer', replays: 'tag', heartbeats: 'drop', idleTimeout: 40, wires: [['out']], ...stream },
      { id: 'out', type: 'helper' },
    ] as ({ id: string; type: string } & Record<string, unknown>)[],
    credentials: { cfg: { username: 'admin', password } },
  };
}

describe('hikvision-alert-stream node', () => {
  let sim: DeviceSimulator;
  afterEach(async () => {
    await helper.unload();
    await sim.close();
  });

  it('sends every event kind in the listener contract, pictures byte for byte, via "stream"', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    const { flow: f, credentials } = flow(sim, { attachments: true });
    await loadFlow(nodes, f, credentials);
    const out = collect<StreamMsg>('out');
    const seen = statuses('stream');
    await eventually(() => sim.alertStream.stats().open === 1, 'the stream to open');
    const sent: StreamEvent[] = [];
    await sim.alertStream.emit({ kinds: [...EVENT_KINDS], onBuilt: (event) => sent.push(event) });
    const messages = await out.waitFor(EVENT_KINDS.length);
    assert.deepEqual(messages.map((m) => m.payload.eventType), sent.map((e) => e.eventType));
    for (const [i, msg] of messages.entries()) {
      assert.deepEqual(Object.keys(msg.payload).sort(), PAYLOAD_FIELDS);
      assert.equal(msg.via, 'stream');
      assert.equal(msg.remoteAddress, '127.0.0.1');
      assert.equal(msg.topic, `hikvision/${msg.payload.ipAddress ?? '127.0.0.1'}/${msg.payload.eventType}`);
      assert.equal(msg.payload.images.length, sent[i].images.length);
      msg.payload.images.forEach((image, j) => assert.ok(image.data.equals(sent[i].images[j]), `picture ${j} of ${msg.payload.eventType}`));
      if (sent[i].images.length > 0) assert.equal(msg.attachments?.length, sent[i].images.length);
      else assert.equal(msg.attachments, undefined);
    }
    await eventually(() => seen.some((s) => /^streaming · 9 · \S+ \d\d:\d\d:\d\d$/.test(s.text ?? '')), 'the streaming status with the last event');
  });

  it('drops heartbeats by default and passes them when asked', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 25 } });
    const { flow: f, credentials } = flow(sim);
    f.push({ id: 'stream2', type: 'hikvision-alert-stream', config: 'cfg', heartbeats: 'pass', wires: [['out2']] }, { id: 'out2', type: 'helper' });
    await loadFlow(nodes, f, credentials);
    const dropping = collect<StreamMsg>('out');
    const passing = collect<StreamMsg>('out2');
    await passing.waitFor(3);
    assert.ok(passing.messages.every((m) => m.payload.eventType === 'videoloss' && m.payload.eventState === 'inactive'));
    await sim.alertStream.emit({ kinds: ['vmd'] });
    await dropping.waitFor(1);
    assert.deepEqual(dropping.messages.map((m) => m.payload.eventType), ['VMD']);
    // both nodes use one config: one stream
    assert.equal(sim.alertStream.stats().opened, 1);
  });

  it('stops at a refused password: red status, an error, exactly one failed request', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    const { flow: f, credentials } = flow(sim, {}, 'wrong-password');
    await loadFlow(nodes, f, credentials);
    const seen = statuses('stream');
    await eventually(() => seen.some((s) => s.fill === 'red'), 'a red status');
    assert.equal(seen.find((s) => s.fill === 'red')?.text, 'password refused: not retried');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the first backoff step
    assert.equal(sim.alertStream.stats().refused, 1);
    assert.equal(sim.authState().failedAttempts, 1);
    const errors = (helper.log() as unknown as { args: [{ level: number; type: string; msg: unknown }][] }).args
      .map((call) => call[0]).filter((entry) => entry.type === 'hikvision-alert-stream' && entry.level === 20);
    assert.equal(errors.length, 1);
    assert.doesNotMatch(String(errors[0].msg), /wrong-password/);
  });

  it('says in yellow when and why it retries while the device is busy', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0, singleSession: true } });
    const holder = new AlertStream({ host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, username: 'admin', password: 'hik12345' });
    holder.subscribe({ onEvent: () => undefined, onState: () => undefined, onPartError: () => undefined });
    try {
      await eventually(() => sim.alertStream.stats().open === 1, 'another client holding the one session');
      const { flow: f, credentials } = flow(sim);
      await loadFlow(nodes, f, credentials);
      const seen = statuses('stream');
      await eventually(() => seen.some((s) => s.fill === 'yellow' && s.text === 'retry in 1 s: 404 busy'), 'the retry status');
      holder.close();
      await eventually(() => seen.some((s) => s.fill === 'green' && s.text === 'streaming · 0'), 'streaming once the session is free', 8000);
    } finally {
      holder.close();
    }
  });

  it('leaves no socket open after 100 redeploys', async function () {
    this.timeout(60_000);
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    const { flow: f, credentials } = flow(sim);
    for (let i = 0; i < 100; i++) {
      await loadFlow(nodes, f, credentials);
      await eventually(() => sim.alertStream.stats().opened === i + 1, `stream ${i + 1}`);
      await helper.unload();
    }
    await eventually(() => sim.alertStream.stats().open === 0, 'every stream closed');
    assert.equal(alertStreamRegistry.size, 0);
    await loadFlow(nodes, f, credentials); // for afterEach
  });

  it('feeds the event filter unchanged', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    const { flow: f, credentials } = flow(sim);
    f[1].wires = [['filter']];
    f.push({ id: 'filter', type: 'hikvision-event-filter', eventTypes: 'ANPR,linedetection', states: '', channels: '', devices: '', replays: 'drop', repeats: 'pass', wires: [['out']] });
    await loadFlow(nodes, f, credentials);
    const out = collect<StreamMsg>('out');
    await eventually(() => sim.alertStream.stats().open === 1, 'the stream to open');
    await sim.alertStream.emit({ kinds: ['vmd', 'anpr', 'io', 'linedetection'] });
    await sim.alertStream.emit({ kinds: ['anpr'], replay: true });
    await sim.alertStream.emit({ kinds: ['acs'] });
    await eventually(() => out.messages.length >= 2, 'the matching events');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(out.messages.map((m) => m.payload.eventType), ['ANPR', 'linedetection']);
  });

  it("marks the listener's messages via 'push'", async () => {
    sim = await startDeviceSimulator();
    const port = await freePort();
    await loadFlow(nodes, [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim.port, listenPort: port, listenAuth: 'none' },
      { id: 'listener', type: 'hikvision-listener', config: 'cfg', path: '/alarm', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const out = collect<StreamMsg>('out');
    await pushEvents({ host: '127.0.0.1', port, path: '/alarm' }, { kinds: ['vmd'] });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.via, 'push');
  });

  it('pictures "snapshot": a motion event from the stream gets the channel\'s snapshot from the same device', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    const { flow: f, credentials } = flow(sim, { pictures: 'snapshot', attachments: true });
    await loadFlow(nodes, f, credentials);
    const out = collect<StreamMsg>('out');
    await eventually(() => sim.alertStream.stats().open === 1, 'the stream to open');
    await sim.alertStream.emit({ kinds: ['vmd'] });
    const [vmd] = await out.waitFor(1);
    assert.equal(vmd.payload.eventType, 'VMD');
    assert.equal(vmd.payload.images.length, 1);
    assert.equal(vmd.payload.images[0].source, 'snapshot');
    assert.ok(vmd.payload.images[0].data.equals(snapshotJpeg(vmd.payload.channelID ?? 1)), 'the channel snapshot, byte-exact');
    assert.equal(vmd.attachments?.length, 1);
  });
});
