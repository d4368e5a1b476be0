/**
 * The MQTT example end to end against a real broker: Debian's mosquitto on a free loopback port,
 * the example's flow (listener → filter → mqtt out) in a real Node-RED, the simulated device
 * pushing, and an MQTT subscriber that must receive each alarm on its topic.
 * Without mosquitto the test is skipped with a message, except in CI (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { Node } from 'node-red';
import type { HikEvent } from '../../src/push/hik-event';
import { pushEvents } from '../../src/simulator/push/push-events';
import { readExample, type FlowNode } from '../browser/example-flows';
import { requireBinary } from '../support/binaries';
import { eventually } from '../support/flow';
import { freePort } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

const EXAMPLE = 'device alarms to MQTT';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

interface Broker { port: number; output: () => string; stop(): Promise<void> }

async function startBroker(binary: string): Promise<Broker> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-mosquitto-'));
  const config = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child: ChildProcess = spawn(binary, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`mosquitto did not start on port ${port}: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, output: () => output, stop };
}

describe(`MQTT example end to end on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(60_000);
  let broker: Broker | null = null;

  before(async function () {
    const binary = requireBinary(this, 'mosquitto');
    broker = await startBroker(binary);
    await startServer();
  });
  after(async () => {
    await helper.unload();
    await stopServer();
    await broker?.stop();
  });

  it('publishes each selected device alarm on hikvision/<device>/<event>, live only, repeats collapsed', async () => {
    assert.ok(broker);
    const listenPort = await freePort();
    const example = readExample(EXAMPLE);
    const tab = example.find((n) => n.z)?.z ?? 'mqtt-example';
    const flow: FlowNode[] = [{ id: tab, type: 'tab', label: EXAMPLE }, ...example.map((node) => {
      switch (node.type) {
        case 'hikvision-config': return { ...node, listenPort, listenBind: '127.0.0.1' };
        case 'mqtt-broker': return { ...node, broker: '127.0.0.1', port: String(broker?.port) };
        default: return { ...node };
      }
    })];
    const brokerId = flow.find((n) => n.type === 'mqtt-broker')?.id ?? '';
    const path = String(flow.find((n) => n.type === 'hikvision-listener')?.path);
    const mqttNodes = coreNode('network/10-mqtt.js');
    await loadFlow([
      nodeModule('hikvision-config'), nodeModule('hikvision-listener'), nodeModule('hikvision-event-filter'),
      mqttNodes, coreNode('common/21-debug.js'), coreNode('common/90-comment.js'),
    ], flow);

    const subscriber = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 });
    try {
      const received: { topic: string; event: HikEvent }[] = [];
      subscriber.on('message', (topic, payload) => {
        received.push({ topic, event: JSON.parse(payload.toString('utf8')) as HikEvent });
      });
      await subscriber.subscribeAsync('hikvision/#', { qos: 1 });
      const brokerNode = helper.getNode(brokerId) as Node & { connected?: boolean };
      await eventually(() => brokerNode.connected === true, 'Node-RED connected to the broker', 20_000);

      // ANPR is not in the example's filter; the replayed stored event is dropped; each alarm is
      // posted twice while active and the repeat is collapsed.
      const report = await pushEvents({ host: '127.0.0.1', port: listenPort, path }, {
        kinds: ['anpr', 'vmd', 'linedetection', 'fielddetection', 'io', 'videoloss'], activeRepeats: 2, replayStored: 1,
      });
      assert.equal(report.failed, 0, JSON.stringify(report));
      assert.equal(report.sent, 13);

      const expected = ['VMD', 'linedetection', 'fielddetection', 'IO', 'videoloss'];
      await eventually(() => expected.every((t) => received.some((r) => r.topic === `hikvision/192.168.1.64/${t}`)), `MQTT messages for ${expected.join(', ')}`, 20_000);
      // MQTT keeps one client's order: had ANPR, the replay or a repeat been published, it would have come first.
      assert.deepEqual(received.map((r) => r.topic), expected.map((t) => `hikvision/192.168.1.64/${t}`));
      for (const { topic, event } of received) {
        assert.equal(event.eventState, 'active', topic);
        assert.equal(event.ipAddress, '192.168.1.64', topic);
        assert.equal(event.replay, false, topic);
        assert.equal(event.activePostCount, 1, `${topic}: the first post of the episode`);
        assert.deepEqual(event.images, [], `${topic}: pictures are left out of MQTT messages`);
        assert.equal(typeof event.dateTime, 'string');
      }
    } finally {
      await subscriber.endAsync();
    }
  });
});
