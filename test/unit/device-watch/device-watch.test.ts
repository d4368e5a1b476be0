import assert from 'node:assert/strict';
import { DigestClient } from '../../../src/isapi/digest-client';
import type { ListenerTarget } from '../../../src/isapi/http-hosts-configurator';
import { DeviceWatch, type HealthReport, type DeviceWatchOptions, type SlotRepair } from '../../../src/nodes/hikvision-device-watch/device-watch';
import { DeviceActivity } from '../../../src/server/device-activity';
import { startDeviceSimulator, type DeviceSimulator } from '../../../src/simulator/device/device-simulator';
import { freePort } from '../../support/http';
import { ManualScheduler } from '../filter/manual-scheduler';

const VMS = { ipAddress: '10.9.9.9', portNo: 7200, url: '/vms' };

describe('device watch against the device simulator', () => {
  let sim: DeviceSimulator;
  let listenPort: number;
  let target: ListenerTarget;
  let watch: DeviceWatch | null;
  let client: DigestClient;
  let reports: HealthReport[];
  let repairs: SlotRepair[];
  let scheduler: ManualScheduler;
  let wall: number;
  let activity: DeviceActivity;

  async function start(options: { password?: string; guardSlot?: boolean; silentAfterMs?: number; ownSlot?: boolean } = {}): Promise<DeviceWatch> {
    listenPort = await freePort();
    target = { host: '127.0.0.1', portNo: listenPort, url: '/alarm', protocolType: 'HTTP', httpAuthenticationMethod: 'none' };
    const own = { ipAddress: '127.0.0.1', portNo: listenPort, url: '/alarm' };
    sim = await startDeviceSimulator({ slots: [{}, options.ownSlot === false ? {} : own, VMS] });
    client = new DigestClient({ host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, username: 'admin', password: options.password ?? 'hik12345' }, { timeoutMs: 3000 });
    reports = [];
    repairs = [];
    scheduler = new ManualScheduler();
    wall = Date.UTC(2026, 11, 5, 10, 42);
    activity = new DeviceActivity();
    const settings: DeviceWatchOptions = {
      client,
      resolveTarget: () => Promise.resolve(target),
      listenPort,
      deviceAddress: '127.0.0.1',
      activity,
      intervalMs: 60_000,
      silentAfterMs: options.silentAfterMs ?? 0,
      guardSlot: options.guardSlot ?? true,
      scheduler,
      wallClock: () => wall,
      onReport: (r) => reports.push(r),
      onRepair: (line) => repairs.push(line),
    };
    watch = new DeviceWatch(settings);
    return watch;
  }

  afterEach(async () => {
    watch?.stop();
    watch = null;
    client.close();
    await sim.close();
  });

  const states = () => reports.map((r) => r.state);

  it('reports online with the device identity and the slot pointing here', async () => {
    const w = await start();
    await w.checkNow();
    assert.deepEqual(states(), ['online']);
    const [report] = reports;
    assert.equal(report.previous, null);
    const { slot, device } = report;
    assert.ok(slot && device);
    assert.equal(slot.id, '2');
    assert.equal(slot.port, listenPort);
    assert.equal(device.model, sim.identity.model);
    assert.equal(device.serialNumber, sim.identity.serialNumber);
    assert.equal(device.macAddress, sim.identity.macAddress);
    await w.checkNow();
    assert.deepEqual(states(), ['online'], 'no message when nothing changed');
  });

  it('slot cleared by a reboot: slot-lost, slot-restored, online, and no other slot touched', async () => {
    const w = await start();
    await w.checkNow();
    sim.reboot();
    assert.equal(sim.slots()[1].enabled, false);
    await w.checkNow();
    assert.deepEqual(states(), ['online', 'slot-lost', 'slot-restored', 'online']);
    assert.equal(reports[1].reason, 'cleared');
    assert.equal(reports[2].slot?.id, '2');
    const slots = sim.slots();
    assert.equal(slots[1].ipAddress, '127.0.0.1');
    assert.equal(slots[1].portNo, listenPort);
    assert.equal(slots[1].url, '/alarm');
    assert.equal(slots[0].enabled, false, 'slot 1 stays unused');
    assert.equal(slots[2].enabled, false, 'slot 3 was reset by the reboot and is not ours to fill');
    assert.equal(repairs.length, 1);
    assert.equal(repairs[0].slot, '2');
    assert.equal(repairs[0].found, 'unused');
    assert.equal(repairs[0].wrote, `127.0.0.1:${listenPort}/alarm`);
    assert.equal(repairs[0].error, null);
  });

  it('slot overwritten by a VMS is put back into the same slot only', async () => {
    const w = await start();
    await w.checkNow();
    // Another system writes its own address into slot 2 (a PUT of the whole list, as a VMS does).
    const before = sim.requestCount();
    await new DigestClient({ host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, username: 'admin', password: 'hik12345' })
      .request({
        method: 'PUT',
        path: '/ISAPI/Event/notification/httpHosts/2',
        contentType: 'application/xml',
        body: '<HttpHostNotification><id>2</id><url>/other</url><ipAddress>10.1.1.1</ipAddress><portNo>9000</portNo></HttpHostNotification>',
      });
    assert.ok(sim.requestCount() > before);
    await w.checkNow();
    assert.deepEqual(states(), ['online', 'slot-lost', 'slot-restored', 'online']);
    assert.equal(reports[1].reason, 'changed');
    const slots = sim.slots();
    assert.equal(slots[1].portNo, listenPort);
    assert.equal(slots[2].ipAddress, VMS.ipAddress, 'the VMS slot is untouched');
  });

  it('with guardSlot off, reports slot-lost and writes nothing', async () => {
    const w = await start({ guardSlot: false });
    await w.checkNow();
    sim.reboot();
    await w.checkNow();
    assert.deepEqual(states(), ['online', 'slot-lost']);
    assert.equal(sim.slots()[1].enabled, false);
    assert.equal(repairs.length, 0);
  });

  it('offline, then online again', async () => {
    const w = await start();
    await w.checkNow();
    sim.setOffline(true);
    await w.checkNow();
    assert.deepEqual(states(), ['online', 'offline']);
    assert.equal(reports[1].reason, 'unreachable');
    assert.equal(reports[1].slot, null);
    await w.checkNow();
    assert.equal(reports.length, 2, 'still offline: no new message');
    sim.setOffline(false);
    await w.checkNow();
    assert.deepEqual(states(), ['online', 'offline', 'online']);
    assert.equal(reports[2].previous, 'offline');
  });

  it('silent after silentAfter without events, online again when events come', async () => {
    const w = await start({ silentAfterMs: 5 * 60_000 });
    await w.checkNow();
    activity.record(listenPort, '::ffff:127.0.0.1', 2, wall);
    wall += 60_000;
    await w.checkNow();
    assert.deepEqual(states(), ['online']);
    wall += 5 * 60_000;
    await w.checkNow();
    assert.deepEqual(states(), ['online', 'silent']);
    assert.equal(reports[1].eventsSinceCheck, 0);
    assert.equal(reports[1].lastEventAt, new Date(wall - 6 * 60_000).toISOString());
    activity.record(listenPort, '127.0.0.1', 3, wall);
    await w.checkNow();
    assert.deepEqual(states(), ['online', 'silent', 'online']);
    assert.equal(reports[2].eventsSinceCheck, 3);
  });

  it('401: auth-failed, and no further request to the device', async () => {
    const w = await start({ password: 'wrong-password' });
    w.start(0);
    scheduler.advance(0);
    for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(states(), ['auth-failed']);
    assert.equal(reports[0].reason, 'unauthorized');
    assert.ok(!/wrong-password/.test(JSON.stringify(reports[0])), 'no password in the report');
    const requests = sim.requestCount();
    assert.equal(scheduler.pendingTimers, 0, 'no further check is scheduled');
    scheduler.advance(10 * 60_000);
    await w.checkNow();
    assert.equal(sim.requestCount(), requests);
    assert.equal(sim.authState().locked, false);
  });

  it('runs a check every interval on the scheduler', async () => {
    const w = await start();
    w.start(0);
    scheduler.advance(0);
    for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(states(), ['online']);
    sim.reboot();
    for (let i = 0; i < 100 && scheduler.pendingTimers === 0; i++) await new Promise((r) => setTimeout(r, 20));
    scheduler.advance(60_000);
    for (let i = 0; i < 100 && reports.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(states(), ['online', 'slot-lost', 'slot-restored', 'online']);
  });
});
