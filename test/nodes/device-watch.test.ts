/**
 * The device watch node inside a real Node-RED (4.1 or 5.0) against the device simulator over
 * loopback: the health messages and status a user sees, the slot put back, msg.device on the
 * listener's events, and a refused login that stops all requests. The state changes over many
 * intervals are in test/unit/device-watch (manual clock).
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import type { HealthReport } from '../../src/nodes/hikvision-device-watch/device-watch';
import { startDeviceSimulator, type DeviceSimulator, type SimSlot } from '../../src/simulator/device/device-simulator';
import { collect, eventually, statuses } from '../support/flow';
import { freePort } from '../support/http';
import { helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

interface HealthMsg extends NodeMessage {
  topic: string;
  payload: HealthReport;
}
interface EventMsg extends NodeMessage {
  device?: { deviceName: string; model: string; serialNumber: string; firmwareVersion: string };
}

const PASSWORD = 'Sim-Passw0rd';

describe('hikvision-device-watch node (device simulator)', function () {
  this.timeout(20000);
  const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-listener'), nodeModule('hikvision-device-watch')];
  let sim: DeviceSimulator | undefined;
  let listenPort: number;

  beforeEach(async () => {
    await startServer();
    listenPort = await freePort();
  });

  afterEach(async () => {
    await helper.unload();
    await stopServer();
    await sim?.close();
    sim = undefined;
  });

  async function deploy(options: { slots?: Partial<SimSlot>[]; password?: string; guardSlot?: boolean } = {}) {
    sim = await startDeviceSimulator({ username: 'admin', password: PASSWORD, slots: options.slots });
    await loadFlow(nodes, [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, listenPort, listenAuth: 'none' },
      { id: 'listen', type: 'hikvision-listener', config: 'cfg', path: '/alarm', images: 'none', replays: 'pass', attachments: false, wires: [['events']] },
      { id: 'watch', type: 'hikvision-device-watch', config: 'cfg', interval: 60, silentAfter: 0, guardSlot: options.guardSlot ?? true, path: '/alarm', wires: [['health']] },
      { id: 'events', type: 'helper' },
      { id: 'health', type: 'helper' },
    ], { cfg: { username: 'admin', password: options.password ?? PASSWORD } });
    return { health: collect<HealthMsg>('health'), events: collect<EventMsg>('events'), statuses: statuses('watch') };
  }

  it('a cleared slot: slot-lost, slot-restored, online; the device then pushes here with msg.device', async () => {
    const { health, events, statuses: seen } = await deploy();
    const messages = await health.waitFor(3);
    assert.deepEqual(messages.map((m) => m.payload.state), ['slot-lost', 'slot-restored', 'online']);
    assert.ok(sim);
    const online = messages[2];
    assert.equal(online.topic, 'hikvision/127.0.0.1/health');
    assert.equal(online.payload.previous, 'slot-restored');
    const { slot, device } = online.payload;
    assert.ok(slot && device);
    assert.equal(slot.id, '1');
    assert.equal(slot.port, listenPort);
    assert.equal(device.serialNumber, sim.identity.serialNumber);
    assert.equal(sim.slots()[0].portNo, listenPort);
    await eventually(() => seen.some((s) => s.text === 'online · slot 1 · no event yet'), 'the online status');

    await sim.push({ total: 1, replayStored: 0 });
    const [event] = await events.waitFor(1);
    assert.deepEqual(event.device, {
      deviceName: sim.identity.deviceName, model: sim.identity.model, serialNumber: sim.identity.serialNumber, firmwareVersion: sim.identity.firmwareVersion,
    });
    assert.equal(health.messages.length, 3, 'no message while the state stays the same');
  });

  it('with guardSlot off, a slot pointing elsewhere is reported lost and left alone', async () => {
    const vms = { ipAddress: '10.9.9.9', portNo: 7200, url: '/vms' };
    const { health, statuses: seen } = await deploy({ slots: [vms], guardSlot: false });
    const [msg] = await health.waitFor(1);
    assert.equal(msg.payload.state, 'slot-lost');
    assert.equal(msg.payload.slot, null);
    assert.ok(sim);
    assert.equal(sim.slots()[0].ipAddress, '10.9.9.9');
    await eventually(() => seen.some((s) => s.text === 'slot lost'), 'the slot-lost status');
  });

  it('an offline device: offline with the reason, status "offline since"', async () => {
    const { health, statuses: seen } = await deploy();
    assert.ok(sim);
    sim.setOffline(true);
    const [msg] = await health.waitFor(1);
    assert.equal(msg.payload.state, 'offline');
    assert.equal(msg.payload.reason, 'unreachable');
    await eventually(() => seen.some((s) => s.fill === 'red' && /^offline since \d\d:\d\d$/.test(s.text ?? '')), 'the offline status');
  });

  it('401: auth-failed, a red status, and no request after it', async () => {
    const { health, statuses: seen } = await deploy({ password: 'not-the-password' });
    const [msg] = await health.waitFor(1);
    assert.equal(msg.payload.state, 'auth-failed');
    assert.doesNotMatch(JSON.stringify(msg), /not-the-password/);
    await eventually(() => seen.some((s) => s.fill === 'red' && s.text === 'login refused: stopped'), 'the red status');
    assert.ok(sim);
    const requests = sim.requestCount();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sim.requestCount(), requests);
    assert.equal(sim.authState().locked, false);
  });
});
