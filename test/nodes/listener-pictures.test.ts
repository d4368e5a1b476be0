/**
 * The listener's `pictures` option inside a real Node-RED, against the device simulator: picture
 * URLs that events carry, channel snapshots, and what happens when the picture server is slow,
 * refuses or has forgotten the picture.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Node, NodeMessage } from 'node-red';
import type { HikEvent } from '../../src/push/hik-event';
import { startDeviceSimulator, type DeviceSimulator, type DeviceSimulatorOptions } from '../../src/simulator/device/device-simulator';
import { snapshotJpeg } from '../../src/simulator/device/picture-store';
import { buildPush } from '../../src/simulator/push/build-push';
import { collect, eventually } from '../support/flow';
import { freePort, request } from '../support/http';
import { helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

interface ListenerMsg extends NodeMessage {
  payload: HikEvent;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

const USER = 'admin';
const PASSWORD = 'pict-Passw0rd';
const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-listener')];

/** Warnings a node logged (Node-RED's log goes nowhere in tests). */
function warnings(id: string): string[] {
  const node = helper.getNode(id) as Node & { warn: (text: unknown) => void };
  const seen: string[] = [];
  const original = node.warn.bind(node);
  node.warn = (text: unknown) => {
    seen.push(String(text));
    original(text);
  };
  return seen;
}

describe(`listener pictures (${process.env.NODE_RED_PACKAGE ?? 'node-red'})`, function () {
  let sim: DeviceSimulator | null = null;
  let listenPort = 0;

  beforeEach(async () => {
    await startServer();
    listenPort = await freePort();
  });
  afterEach(async () => {
    await helper.unload();
    await stopServer();
    await sim?.close();
    sim = null;
  });

  /** A simulated device whose slot points at the listener, and a flow whose config node knows its login. */
  async function setUp(pictures: string, simOptions: DeviceSimulatorOptions = {}, device: { host?: string; port?: number; password?: string } = {}, replays = 'tag') {
    sim = await startDeviceSimulator({
      username: USER, password: PASSWORD, storedEvents: 0, slots: [{ ipAddress: '127.0.0.1', portNo: listenPort, url: '/alarm' }], ...simOptions,
    });
    const flow = [
      { id: 'f1', type: 'tab', label: 'pictures' },
      {
        id: 'cfg', type: 'hikvision-config', host: device.host ?? '127.0.0.1', port: device.port ?? sim.port, protocol: 'http', listenPort, listenAuth: 'none',
      },
      {
        id: 'listener', z: 'f1', type: 'hikvision-listener', config: 'cfg', path: '/alarm', images: 'buffer', replays, attachments: true,
        pictures, pictureTimeout: 1, wires: [['out']],
      },
      { id: 'out', z: 'f1', type: 'helper' },
    ];
    await loadFlow(nodes, flow, { cfg: { username: USER, password: device.password ?? PASSWORD } });
    return { out: collect<ListenerMsg>('out'), warned: warnings('listener') };
  }

  it('fetch-urls: downloads the pictures ACS and ANPR events name by URL, byte-exact, with source and url', async () => {
    const { out, warned } = await setUp('fetch-urls', { pushDefaults: { pictureUrls: true } });
    const report = await (sim as DeviceSimulator).push({ kinds: ['acs', 'anpr'], total: 2 });
    assert.equal(report.ok, 2);
    const [acs, anpr] = await out.waitFor(2);
    // What the simulator served for the same events (built with the same sequence numbers).
    const expected = (kind: 'acs' | 'anpr', sequence: number) => buildPush(kind, { pictureUrls: true, sequence }).linkedPictures.map((p) => p.data);

    assert.equal(acs.payload.eventType, 'AccessControllerEvent');
    assert.equal(acs.payload.images.length, 1);
    const [face] = acs.payload.images;
    assert.ok(face.data.equals(expected('acs', 0)[0]), 'the terminal picture, byte-exact');
    assert.equal(face.source, 'url');
    assert.equal(face.name, 'pictureURL');
    assert.match(face.filename ?? '', /^01_\d+_0\.jpeg$/);
    assert.equal(face.contentType, 'image/jpeg');
    // The device wrote its own (NAT'd) address into the URL; the picture came from the one the config node knows.
    assert.match(face.url ?? '', new RegExp(`^http://127\\.0\\.0\\.1:${(sim as DeviceSimulator).port}/LOCALS/pic/acsLinkCap/`));
    assert.equal(acs.attachments?.length, 1);
    assert.ok((acs.attachments ?? [])[0].content.equals(face.data));

    assert.equal(anpr.payload.eventType, 'ANPR');
    assert.deepEqual(anpr.payload.images.map((i) => i.source), ['url', 'url']);
    const [plate, scene] = expected('anpr', 1);
    assert.ok(anpr.payload.images[0].data.equals(plate), 'plate picture byte-exact');
    assert.ok(anpr.payload.images[1].data.equals(scene), 'scene picture byte-exact');
    assert.match(anpr.payload.images[0].url ?? '', /\/picture\/Streaming\/tracks\/103\/\?name=ch00001_\d+&size=12000$/);
    assert.deepEqual(warned, []);
  });

  it('snapshot: a motion event without pictures gets its channel\'s snapshot; each channel its own picture', async () => {
    const { out } = await setUp('snapshot', { nvr: false });
    await (sim as DeviceSimulator).push({ kinds: ['vmd'], total: 1, channel: 2 });
    await (sim as DeviceSimulator).push({ kinds: ['vmd'], total: 1, channel: 3 });
    const [two, three] = await out.waitFor(2);
    assert.equal(two.payload.channelID, 2);
    assert.equal(two.payload.images.length, 1);
    assert.equal(two.payload.images[0].source, 'snapshot');
    assert.equal(two.payload.images[0].filename, 'snapshot-ch2.jpg');
    assert.ok(two.payload.images[0].data.equals(snapshotJpeg(2)));
    assert.ok(three.payload.images[0].data.equals(snapshotJpeg(3)));
    assert.ok(!snapshotJpeg(2).equals(snapshotJpeg(3)), 'the simulator serves a different picture per channel');
    assert.match(two.payload.images[0].url ?? '', /\/ISAPI\/Streaming\/channels\/201\/picture$/);
  });

  it('snapshot: events that brought pictures, inactive events and keep-alives are left as sent', async () => {
    const { out } = await setUp('snapshot');
    await (sim as DeviceSimulator).push({ kinds: ['linedetection'], total: 1 });
    const keepAlive = buildPush('videoloss', {}).body.toString('utf8').replace(/<eventState>active</, '<eventState>inactive<');
    await request({ port: listenPort, method: 'POST', path: '/alarm', headers: { 'Content-Type': 'application/xml' }, body: keepAlive });
    const [line, videoloss] = await out.waitFor(2);
    assert.equal(line.payload.images.length, 1);
    assert.equal(line.payload.images[0].source, undefined, 'the pushed picture only');
    assert.equal(videoloss.payload.eventState, 'inactive');
    assert.deepEqual(videoloss.payload.images, []);
  });

  it('as-sent (the default): nothing is fetched, the event carries its URL only', async () => {
    const { out } = await setUp('as-sent', { pushDefaults: { pictureUrls: true } });
    await (sim as DeviceSimulator).push({ kinds: ['acs'], total: 1 });
    const [acs] = await out.waitFor(1);
    assert.deepEqual(acs.payload.images, []);
    assert.equal(acs.attachments, undefined);
  });

  it('an expired picture URL: the event goes out without it, and a warning says why', async () => {
    const { out, warned } = await setUp('fetch-urls', { pushDefaults: { pictureUrls: true }, pictureUrlTtlMs: 0 });
    await (sim as DeviceSimulator).push({ kinds: ['acs'], total: 1 });
    const [acs] = await out.waitFor(1);
    assert.deepEqual(acs.payload.images, []);
    await eventually(() => warned.length === 1, 'one warning');
    assert.match(warned[0], /no url picture .*\/LOCALS\/pic\/acsLinkCap\/.*404/);
  });

  it('a wrong password: no picture, a warning, and the device is not asked again', async () => {
    const requests: string[] = [];
    const { out, warned } = await setUp('fetch-urls', { pushDefaults: { pictureUrls: true }, log: (line) => requests.push(line) }, { password: 'wrong' });
    await (sim as DeviceSimulator).push({ kinds: ['acs'], total: 3 });
    const messages = await out.waitFor(3);
    assert.ok(messages.every((m) => m.payload.images.length === 0));
    await eventually(() => warned.length >= 1, 'a warning');
    assert.match(warned[0], /401/);
    const pictureRequests = requests.filter((line) => line.includes('/LOCALS/'));
    assert.equal(pictureRequests.filter((line) => /-> 401 \(wrong/.test(line)).length, 1, `one refused login only: ${pictureRequests.join('\n')}`);
  });

  it('a slow picture server delays an event by at most the timeout, and later events keep their order', async () => {
    // A "device" that accepts the picture request and never answers.
    const stalled = http.createServer(() => undefined);
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const { out, warned } = await setUp('fetch-urls', {}, { port: (stalled.address() as AddressInfo).port });
      const acs = JSON.parse(buildPush('acs', { pictures: false }).body.toString('utf8')) as Record<string, Record<string, unknown>>;
      acs.AccessControllerEvent.pictureURL = 'http://192.168.1.64/LOCALS/pic/acsLinkCap/x.jpeg';
      const post = (body: unknown) => request({
        port: listenPort, method: 'POST', path: '/alarm', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const sentAt = Date.now();
      assert.equal((await post(acs)).status, 200, 'the device is answered at once');
      const io = JSON.parse(buildPush('io', { format: 'json' }).body.toString('utf8')) as unknown;
      await post(io);
      const [first, second] = await out.waitFor(2, 5000);
      const waited = Date.now() - sentAt;
      assert.equal(first.payload.eventType, 'AccessControllerEvent');
      assert.deepEqual(first.payload.images, []);
      assert.equal(second.payload.eventType, 'IO', 'the event behind it waited its turn');
      assert.ok(waited < 3000, `held ${waited} ms with a 1 s timeout`);
      await eventually(() => warned.length === 1, 'a warning');
      assert.match(warned[0], /within 1 s|in time/);
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
  });

  it('never puts credentials into url fields or messages', async () => {
    const { out } = await setUp('fetch-urls', { pushDefaults: { pictureUrls: true } });
    await (sim as DeviceSimulator).push({ kinds: ['acs'], total: 1 });
    const [pushed] = await out.waitFor(1);
    const sent = pushed.payload.event.AccessControllerEvent as Record<string, string>;
    // The same picture named with a login inside the URL, as some firmware writes it.
    const body = JSON.parse(buildPush('acs', { pictures: false }).body.toString('utf8')) as Record<string, Record<string, unknown>>;
    body.AccessControllerEvent.pictureURL = sent.pictureURL.replace('http://', 'http://cam:s3cret@');
    await request({ port: listenPort, method: 'POST', path: '/alarm', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const [, withLogin] = await out.waitFor(2);
    assert.equal(withLogin.payload.images.length, 1);
    assert.ok(withLogin.payload.images[0].data.equals(pushed.payload.images[0].data), 'fetched with the config node\'s login');
    for (const msg of [pushed, withLogin]) {
      for (const image of msg.payload.images) {
        const url = new URL(image.url ?? '');
        assert.equal(url.username + url.password, '', `no login in ${image.url ?? ''}`);
        assert.ok(!(image.url ?? '').includes('s3cret'));
      }
      const text = JSON.stringify(msg, (key, value: unknown) => (key === 'data' || key === 'content' ? undefined : value));
      assert.ok(!text.includes(PASSWORD), 'the config node\'s password is in no message');
    }
  });

  it('a replay the listener drops costs no picture request', async () => {
    const requests: string[] = [];
    const { out } = await setUp('fetch-urls', { pushDefaults: { pictureUrls: true }, log: (line) => requests.push(line) }, {}, 'drop');
    const replay = JSON.parse(buildPush('acs', { pictures: false, replay: true }).body.toString('utf8')) as Record<string, Record<string, unknown>>;
    replay.AccessControllerEvent.pictureURL = 'http://192.168.1.64/LOCALS/pic/acsLinkCap/replayed.jpeg';
    await request({ port: listenPort, method: 'POST', path: '/alarm', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(replay) });
    await (sim as DeviceSimulator).push({ kinds: ['acs'], total: 1 });
    const [live] = await out.waitFor(1);
    assert.equal(live.payload.replay, false);
    assert.equal(live.payload.images.length, 1);
    assert.deepEqual(requests.filter((line) => line.includes('replayed.jpeg')), [], 'the dropped replay fetched nothing');
  });
});
