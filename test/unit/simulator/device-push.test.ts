import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { startDeviceSimulator, type DeviceSimulator } from '../../../src/simulator/device/device-simulator';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from './support/capture-server';
import { DigestClient } from './support/isapi-client';
import { boundaryOf, splitMultipart } from './support/multipart';

const HOSTS = '/ISAPI/Event/notification/httpHosts';
const xml = new XMLParser({ parseTagValue: false, removeNSPrefix: true });

interface Seen { type: string; replay: boolean; channel?: string; serial?: number }

function describeRequest(req: CapturedRequest): Seen {
  const contentType = req.headers['content-type'] ?? '';
  const text = contentType.startsWith('multipart/')
    ? splitMultipart(req.body, boundaryOf(contentType)).parts[0].body.toString()
    : req.body.toString();
  if (text.startsWith('{')) {
    const json = JSON.parse(text) as { eventType: string; isDataRetransmission?: boolean; AccessControllerEvent?: { currentEvent: boolean; serialNo: number } };
    const acs = json.AccessControllerEvent;
    return { type: json.eventType, replay: acs ? !acs.currentEvent : json.isDataRetransmission === true, serial: acs?.serialNo };
  }
  const doc = (xml.parse(text) as { EventNotificationAlert: Record<string, string> }).EventNotificationAlert;
  return { type: doc.eventType, replay: doc.isDataRetransmission === 'true', channel: doc.channelID };
}

describe('simulator: the device pushes to its slots', () => {
  let sim: DeviceSimulator;
  let listener: CaptureServer;
  beforeEach(async () => { listener = await startCaptureServer(); });
  afterEach(async () => {
    await sim.close();
    await listener.close();
  });

  it('replays its stored events the first time a slot is set, then only live events', async () => {
    sim = await startDeviceSimulator({ slots: [{ ipAddress: '127.0.0.1', portNo: listener.port, url: '/alarm' }], storedEvents: 3 });
    const first = await sim.push({ kinds: ['io', 'acs'], total: 2 });
    assert.deepEqual({ sent: first.sent, ok: first.ok, replayed: first.replayed }, { sent: 5, ok: 5, replayed: 3 });
    const second = await sim.push({ kinds: ['acs'], total: 2 });
    assert.deepEqual({ sent: second.sent, replayed: second.replayed }, { sent: 2, replayed: 0 });
    const seen = listener.requests.map(describeRequest);
    assert.deepEqual(seen.map((s) => s.replay), [true, true, true, false, false, false, false]);
    assert.ok(listener.requests.every((r) => r.url === '/alarm'));
    const serials = seen.filter((s) => s.serial !== undefined).map((s) => s.serial ?? 0);
    assert.deepEqual([...serials].sort((a, b) => a - b), serials, 'serial numbers keep rising across pushes');
    assert.equal(new Set(serials).size, serials.length);
  });

  it('pushes to nothing while every slot is unused', async () => {
    sim = await startDeviceSimulator();
    const report = await sim.push({ kinds: ['io'], total: 3 });
    assert.equal(report.sent, 0);
    assert.equal(listener.requests.length, 0);
  });

  it('starts pushing to a slot the configurator set over ISAPI, in the slot\'s format', async () => {
    sim = await startDeviceSimulator({ storedEvents: 1 });
    const isapi = new DigestClient(sim.url, 'admin', 'hik12345');
    const body = JSON.stringify({ HttpHostNotificationList: [{ HttpHostNotification: {
      id: '2', url: '/json', protocolType: 'HTTP', parameterFormatType: 'json', addressingFormatType: 'ipaddress',
      ipAddress: '127.0.0.1', portNo: listener.port, httpAuthenticationMethod: 'none',
    } }] });
    assert.equal((await isapi.request('PUT', `${HOSTS}?format=json`, body)).status, 200);
    const report = await sim.push({ kinds: ['videoloss'], total: 1 });
    assert.equal(report.ok, 2);
    assert.ok(listener.requests.every((r) => r.url === '/json' && r.headers['content-type'] === 'application/json'));
    assert.deepEqual(listener.requests.map((r) => describeRequest(r).replay), [true, false]);
  });

  it('replays again when a slot is pointed at a new address', async () => {
    const other = await startCaptureServer();
    try {
      sim = await startDeviceSimulator({ slots: [{ ipAddress: '127.0.0.1', portNo: listener.port }], storedEvents: 2 });
      await sim.push({ kinds: ['io'], total: 1 });
      const isapi = new DigestClient(sim.url, 'admin', 'hik12345');
      const put = await isapi.request('PUT', `${HOSTS}/1`, `<HttpHostNotification><id>1</id><portNo>${other.port}</portNo></HttpHostNotification>`);
      assert.equal(put.status, 200);
      await sim.push({ kinds: ['io'], total: 1 });
      assert.equal(listener.requests.length, 3);
      assert.deepEqual(other.requests.map((r) => describeRequest(r).replay), [true, true, false]);
    } finally {
      await other.close();
    }
  });

  it('an NVR reports channels from 33 with the same event to every slot', async () => {
    sim = await startDeviceSimulator({ nvr: true, slots: [{ ipAddress: '127.0.0.1', portNo: listener.port }], storedEvents: 0 });
    await sim.push({ kinds: ['vmd', 'io'], total: 4 });
    const channels = listener.requests.map((r) => Number(describeRequest(r).channel));
    assert.ok(channels.every((c) => c >= 33), channels.join(','));
  });

  it('authenticates to the listener as the slot says (base64 = basic)', async () => {
    sim = await startDeviceSimulator({
      slots: [{ ipAddress: '127.0.0.1', portNo: listener.port, httpAuthenticationMethod: 'base64', userName: 'cam', password: 'pw' }],
      storedEvents: 0,
    });
    await sim.push({ kinds: ['io'], total: 1 });
    assert.equal(listener.requests[0].headers.authorization, `Basic ${Buffer.from('cam:pw').toString('base64')}`);
  });

  it('keeps pushing while started, follows a slot change (replay first), and stops when asked', async () => {
    const other = await startCaptureServer();
    try {
      sim = await startDeviceSimulator({ slots: [{ ipAddress: '127.0.0.1', portNo: listener.port }], storedEvents: 2 });
      sim.startPushing({ kinds: ['io'], rate: 200 });
      await listener.waitFor(5);
      const isapi = new DigestClient(sim.url, 'admin', 'hik12345');
      await isapi.request('PUT', `${HOSTS}/1`, `<HttpHostNotification><id>1</id><portNo>${other.port}</portNo></HttpHostNotification>`);
      const moved = await other.waitFor(4);
      assert.deepEqual(moved.map((r) => describeRequest(r).replay), [true, true, false, false]);
      await sim.stopPushing();
      const count = other.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 60)); // at 200/s a dozen more would have come
      assert.equal(other.requests.length, count, 'nothing more after stopPushing');
    } finally {
      await other.close();
    }
  });

  it('logs one line per push, never the slot password', async () => {
    const lines: string[] = [];
    sim = await startDeviceSimulator({
      slots: [{ ipAddress: '127.0.0.1', portNo: listener.port, url: '/a', httpAuthenticationMethod: 'base64', userName: 'u', password: 'Sl0t-secret' }],
      storedEvents: 1,
      log: (line) => lines.push(line),
    });
    await sim.push({ kinds: ['anpr'], total: 2 });
    const pushes = lines.filter((l) => l.startsWith('push '));
    assert.equal(pushes.length, 3);
    assert.match(pushes[0], /^push ANPR \[replay\] -> http:\/\/127\.0\.0\.1:\d+\/a: 200 \(\d+\.\d kB\)$/);
    assert.doesNotMatch(lines.join('\n'), /Sl0t-secret/);
  });
});
