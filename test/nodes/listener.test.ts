/**
 * The listener node inside a real Node-RED (4.1 or 5.0), with real HTTP on loopback: what a user
 * wiring a device to a flow would see.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { NodeMessage } from 'node-red';
import { computeDigestResponse, formatDigestAuthorization, parseDigestChallenges } from '../../src/http-auth/digest';
import type { HikEvent } from '../../src/push/hik-event';
import { portRegistry } from '../../src/server/port-registry';
import { requireBinary } from '../support/binaries';
import { collect, eventually, statuses } from '../support/flow';
import { freePort, rawExchange, request } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

interface ListenerMsg extends NodeMessage {
  payload: HikEvent;
  topic: string;
  remoteAddress: string;
  replay?: boolean;
  attachments?: { filename: string; content: Buffer; contentType: string; cid?: string }[];
}

const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-listener'), coreNode('common/25-catch.js')];

function vmdXml(extra = '', ip = '192.168.1.64'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<ipAddress>${ip}</ipAddress><portNo>80</portNo><protocol>HTTP</protocol>
<macAddress>44:19:b6:00:00:01</macAddress><channelID>1</channelID>
<dateTime>2026-11-20T08:15:42+08:00</dateTime><activePostCount>3</activePostCount>
<eventType>VMD</eventType><eventState>active</eventState>
<eventDescription>Motion alarm</eventDescription>${extra}
</EventNotificationAlert>`;
}

function jpeg(size: number, seed: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31 + seed) & 0xff;
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), body, Buffer.from([0xff, 0xd9])]);
}

function multipart(boundary: string, parts: { headers: string[]; body: Buffer | string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

interface DeployOptions {
  listener?: Record<string, unknown>;
  config?: Record<string, unknown>;
  credentials?: Record<string, string>;
  extraListeners?: ({ id: string; type: string } & Record<string, unknown>)[];
}

async function deploy(port: number, options: DeployOptions = {}) {
  const flow: ({ id: string; type: string } & Record<string, unknown>)[] = [
    { id: 'f1', type: 'tab', label: 'test' },
    { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none', ...options.config },
    { id: 'listener', z: 'f1', type: 'hikvision-listener', config: 'cfg', path: '', images: 'buffer', replays: 'tag', attachments: false, wires: [['out']], ...options.listener },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'catcher', z: 'f1', type: 'catch', x: 100, y: 100, scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
    ...(options.extraListeners ?? []).map((n) => ({ z: 'f1', ...n })),
  ];
  await loadFlow(nodes, flow, { cfg: options.credentials ?? {} });
  const seen = statuses('listener');
  const out = collect<ListenerMsg>('out');
  const caught = collect<NodeMessage & { error: { message: string }; payload: Buffer; code: string }>('caught');
  await eventually(() => seen.some((s) => s.fill === 'green' || s.fill === 'red'), 'listener status');
  return { out, caught, statuses: seen };
}

describe(`hikvision-listener on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  let port: number;

  before(startServer);
  after(stopServer);
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), [], 'every port is closed after the flow is removed');
  });

  it('turns an XML motion event into one message with the documented fields', async () => {
    const { out, statuses: seen } = await deploy(port);
    assert.ok(seen.some((s) => s.fill === 'green' && s.text?.includes('listening')));
    const res = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml; charset="UTF-8"' }, body: vmdXml() });
    assert.equal(res.status, 200);
    const [msg] = await out.waitFor(1);
    assert.equal(msg.topic, 'hikvision/192.168.1.64/VMD');
    assert.match(msg.remoteAddress, /127\.0\.0\.1/);
    const p = msg.payload;
    assert.equal(p.eventType, 'VMD');
    assert.equal(p.eventState, 'active');
    assert.equal(p.dateTime, '2026-11-20T08:15:42+08:00');
    assert.equal(p.channelID, 1);
    assert.equal(p.ipAddress, '192.168.1.64');
    assert.equal(p.macAddress, '44:19:b6:00:00:01');
    assert.equal(p.activePostCount, 3);
    assert.equal(p.format, 'xml');
    assert.equal(p.replay, false);
    assert.equal(p.event.portNo, '80', 'XML leaves stay strings');
    assert.equal(p.event.eventDescription, 'Motion alarm');
    assert.deepEqual(p.images, []);
  });

  it('takes access-control JSON and keeps identifiers with leading zeros and UTF-8 names', async () => {
    const { out } = await deploy(port);
    const event = {
      ipAddress: '192.168.1.70', portNo: 80, protocol: 'HTTP', macAddress: 'a4:d5:c2:00:00:02', channelID: 1,
      dateTime: '2026-11-20T08:15:42+08:00', activePostCount: 1, eventType: 'AccessControllerEvent', eventState: 'active',
      AccessControllerEvent: { deviceName: 'Door 1', majorEventType: 5, subEventType: 75, name: '张三', employeeNoString: '0012', cardNo: '0004581234', serialNo: 1042 },
    };
    await request({ port, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event) });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.format, 'json');
    assert.equal(msg.payload.eventType, 'AccessControllerEvent');
    assert.equal(msg.topic, 'hikvision/192.168.1.70/AccessControllerEvent');
    assert.deepEqual(msg.payload.event, event);
  });

  it('delivers multipart ANPR with both pictures byte for byte, in order, and e-mail attachments', async () => {
    const { out } = await deploy(port, { listener: { attachments: true } });
    const plate = jpeg(20_000, 1);
    const scene = jpeg(150_000, 2);
    const anpr = vmdXml('<ANPR><licensePlate>京A12345</licensePlate><plateType>92TypeCivil</plateType></ANPR>')
      .replace('<eventType>VMD</eventType>', '<eventType>ANPR</eventType>');
    const body = multipart('boundary', [
      { headers: ['Content-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"', 'Content-Type: text/xml'], body: anpr },
      { headers: ['Content-Disposition: form-data; name="licensePlatePicture.jpg"; filename="licensePlatePicture.jpg"', 'Content-Type: image/jpeg', 'Content-ID: plate'], body: plate },
      { headers: ['Content-Disposition: form-data; name="detectionPicture.jpg"; filename="detectionPicture.jpg"', 'Content-Type: image/jpeg'], body: scene },
    ]);
    const res = await request({ port, path: '/anpr', headers: { 'Content-Type': 'multipart/form-data; boundary=boundary', Connection: 'close' }, body });
    assert.equal(res.status, 200);
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.eventType, 'ANPR');
    assert.equal((msg.payload.event.ANPR as Record<string, string>).licensePlate, '京A12345');
    assert.equal(msg.payload.images.length, 2);
    assert.equal(msg.payload.images[0].name, 'licensePlatePicture.jpg');
    assert.equal(msg.payload.images[0].contentType, 'image/jpeg');
    assert.ok(msg.payload.images[0].data.equals(plate), 'plate picture bytes intact');
    assert.ok(msg.payload.images[1].data.equals(scene), 'scene picture bytes intact');
    assert.equal(msg.attachments!.length, 2);
    assert.equal(msg.attachments![0].filename, 'licensePlatePicture.jpg');
    assert.ok(msg.attachments![1].content.equals(scene));
  });

  it('delivers an access-control JSON push with its face picture (MIME_boundary, Content-ID)', async () => {
    const { out } = await deploy(port);
    const face = jpeg(40_000, 3);
    const event = { ipAddress: '192.168.1.70', dateTime: '2026-11-20T08:15:42+08:00', activePostCount: 1, eventType: 'AccessControllerEvent', eventState: 'active', AccessControllerEvent: { name: '张三', picturesNumber: 1 } };
    const body = multipart('MIME_boundary', [
      { headers: ['Content-Disposition: form-data; name="AccessControllerEvent"', 'Content-Type: application/json'], body: JSON.stringify(event) },
      { headers: ['Content-Disposition: form-data; name="Picture"; filename="Picture.jpg"', 'Content-Type: image/jpeg', 'Content-ID: pictureImage'], body: face },
    ]);
    await request({ port, headers: { 'Content-Type': 'multipart/form-data; boundary=MIME_boundary' }, body });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.format, 'json');
    assert.equal(msg.payload.images.length, 1);
    assert.equal(msg.payload.images[0].contentId, 'pictureImage');
    assert.ok(msg.payload.images[0].data.equals(face));
  });

  it('drops picture bytes when images is none', async () => {
    const { out } = await deploy(port, { listener: { images: 'none', attachments: true } });
    const body = multipart('b1', [
      { headers: ['Content-Disposition: form-data; name="MoveDetection.xml"', 'Content-Type: text/xml'], body: vmdXml() },
      { headers: ['Content-Disposition: form-data; name="detectionPicture.jpg"; filename="detectionPicture.jpg"', 'Content-Type: image/jpeg'], body: jpeg(5000, 4) },
    ]);
    await request({ port, headers: { 'Content-Type': 'multipart/form-data; boundary=b1' }, body });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.eventType, 'VMD');
    assert.deepEqual(msg.payload.images, []);
    assert.equal(msg.attachments, undefined);
  });

  it('takes form-encoded (querystring) pushes', async () => {
    const { out } = await deploy(port);
    const body = new URLSearchParams({ ipAddress: '192.168.1.65', eventType: 'IO', eventState: 'active', channelID: '2', dateTime: '2026-11-20T08:15:42+08:00' }).toString();
    await request({ port, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.format, 'form');
    assert.equal(msg.payload.eventType, 'IO');
    assert.equal(msg.payload.channelID, 2);
    assert.equal(msg.topic, 'hikvision/192.168.1.65/IO');
  });

  it('sends one message per event when a body holds several', async () => {
    const { out } = await deploy(port);
    const events = [1, 2, 3].map((n) => ({ ipAddress: '192.168.1.70', eventType: 'heartBeat', eventState: 'active', activePostCount: n, dateTime: '2026-11-20T08:15:42+08:00' }));
    await request({ port, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(events) });
    const msgs = await out.waitFor(3);
    assert.deepEqual(msgs.map((m) => m.payload.activePostCount), [1, 2, 3]);
  });

  it('accepts a request without a Host header, as some cameras send', async () => {
    const { out } = await deploy(port);
    const xml = Buffer.from(vmdXml());
    const reply = await rawExchange(port, Buffer.concat([
      Buffer.from(`POST /alarm HTTP/1.1\r\nContent-Type: application/xml\r\nContent-Length: ${xml.length}\r\nConnection: close\r\n\r\n`),
      xml,
    ]));
    assert.match(reply, /^HTTP\/1\.1 200/);
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.eventType, 'VMD');
  });

  it('survives garbage bytes on the port and keeps serving', async () => {
    const { out } = await deploy(port);
    const reply = await rawExchange(port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]));
    assert.match(reply, /^HTTP\/1\.1 400/);
    await request({ port, headers: { 'Content-Type': 'application/xml' }, body: vmdXml() });
    await out.waitFor(1);
  });

  it('answers 200 to a body it cannot parse and hands it to a Catch node with the raw bytes', async () => {
    const { out, caught } = await deploy(port);
    const garbage = '<EventNotificationAlert><eventType>VMD</eventType><unclosed';
    const res = await request({ port, headers: { 'Content-Type': 'application/xml' }, body: garbage });
    assert.equal(res.status, 200);
    const [err] = await caught.waitFor(1);
    assert.ok(Buffer.isBuffer(err.payload));
    assert.equal(err.payload.toString(), garbage);
    assert.equal(err.code, 'malformed');
    assert.ok(err.error.message.length > 0);
    assert.equal(out.messages.length, 0);
  });

  it('refuses an oversized body with 413 and reports it', async () => {
    const { caught } = await deploy(port);
    const res = await request({ port, headers: { 'Content-Type': 'application/xml', 'Content-Length': String(64 * 1024 * 1024) }, body: Buffer.alloc(1024, 0x20) })
      .catch(() => ({ status: -1 }));
    assert.equal(res.status, 413);
    const [err] = await caught.waitFor(1);
    assert.equal(err.code, 'too-large');
  });

  it('tags, passes or drops replayed stored events', async () => {
    const replayed = vmdXml('<isDataRetransmission>true</isDataRetransmission>');
    for (const replays of ['tag', 'pass', 'drop'] as const) {
      const { out } = await deploy(port, { listener: { replays } });
      await request({ port, headers: { 'Content-Type': 'application/xml' }, body: replayed });
      await request({ port, headers: { 'Content-Type': 'application/xml' }, body: vmdXml() });
      const msgs = await out.waitFor(replays === 'drop' ? 1 : 2);
      if (replays === 'drop') {
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(out.messages.length, 1);
        assert.equal(msgs[0].payload.replay, false);
      } else {
        const replay = msgs.find((m) => m.payload.replay);
        assert.ok(replay, `${replays}: the replayed event arrives with payload.replay`);
        assert.equal(replay.replay, replays === 'tag' ? true : undefined);
        assert.equal(replay.topic, `hikvision/192.168.1.64/VMD${replays === 'tag' ? '/replay' : ''}`);
      }
      await helper.unload();
    }
  });

  it('frees the port on redeploy and binds it again', async () => {
    await deploy(port);
    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), []);
    await new Promise<void>((resolve, reject) => {
      const probe = http.createServer().listen(port, () => probe.close(() => resolve()));
      probe.on('error', reject);
    });
    const { out } = await deploy(port);
    await request({ port, headers: { 'Content-Type': 'application/xml' }, body: vmdXml() });
    await out.waitFor(1);
  });

  it('serves two listeners on one port: each path to its own, a shared path to both', async () => {
    const flowExtra = [
      { id: 'l2', type: 'hikvision-listener', config: 'cfg', path: '/door', images: 'buffer', replays: 'tag', wires: [['out2']] },
      { id: 'out2', type: 'helper' },
      { id: 'l3', type: 'hikvision-listener', config: 'cfg', path: 'door', images: 'none', replays: 'tag', wires: [['out3']] },
      { id: 'out3', type: 'helper' },
    ];
    const { out } = await deploy(port, { extraListeners: flowExtra });
    const out2 = collect<ListenerMsg>('out2');
    const out3 = collect<ListenerMsg>('out3');
    await request({ port, path: '/door', headers: { 'Content-Type': 'application/xml' }, body: vmdXml('', '10.0.0.2') });
    await request({ port, path: '/cam', headers: { 'Content-Type': 'application/xml' }, body: vmdXml('', '10.0.0.1') });
    const [door] = await out2.waitFor(1);
    const [door3] = await out3.waitFor(1);
    const [cam] = await out.waitFor(1);
    assert.equal(door.payload.ipAddress, '10.0.0.2');
    assert.equal(door3.payload.ipAddress, '10.0.0.2');
    assert.equal(cam.payload.ipAddress, '10.0.0.1');
    assert.equal(out.messages.length, 1, 'the catch-all listener does not get the /door event');
    assert.deepEqual(portRegistry.openPorts(), [port], 'one server for the port');
  });

  it('shows EADDRINUSE on the node without stopping Node-RED, and works once the port is free', async () => {
    const squatter = http.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, resolve));
    try {
      const { statuses: seen } = await deploy(port);
      await eventually(() => seen.some((s) => s.fill === 'red'), 'red status');
      assert.ok(seen.some((s) => s.fill === 'red' && /in-use|in use/.test(s.text ?? '')));
      await helper.unload();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    const { out } = await deploy(port);
    await request({ port, headers: { 'Content-Type': 'application/xml' }, body: vmdXml() });
    await out.waitFor(1);
  });

  it('authenticates devices with digest when the config asks, and never leaks the password', async () => {
    const password = 'S3cret-listen-pw';
    const logged: string[] = [];
    const { out } = await deploy(port, {
      config: { listenAuth: 'digest' },
      credentials: { listenUsername: 'device', listenPassword: password },
    });
    const listener = helper.getNode('listener');
    for (const level of ['warn', 'error', 'log'] as const) {
      const original = listener[level].bind(listener);
      listener[level] = (m: unknown) => { logged.push(JSON.stringify(m)); original(m); };
    }
    const body = vmdXml();
    const first = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml' }, body });
    assert.equal(first.status, 401);
    const [challenge] = parseDigestChallenges(first.headers['www-authenticate']);
    const response = computeDigestResponse({ algorithm: challenge.algorithm, username: 'device', password, realm: challenge.realm, method: 'POST', uri: '/alarm', nonce: challenge.nonce, qop: 'auth', nc: '00000001', cnonce: 'abc' });
    const authorization = formatDigestAuthorization({ username: 'device', realm: challenge.realm, nonce: challenge.nonce, uri: '/alarm', algorithm: challenge.algorithm, response, qop: 'auth', nc: '00000001', cnonce: 'abc' });
    const second = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml', Authorization: authorization }, body });
    assert.equal(second.status, 200);
    await out.waitFor(1);
    const wrong = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml', Authorization: authorization.replace(response, '0'.repeat(32)) }, body });
    assert.equal(wrong.status, 401);
    await eventually(() => logged.length > 0, 'a warning about the failed login');
    assert.ok(logged.every((l) => !l.includes(password)));
    assert.ok(out.messages.every((m) => !JSON.stringify(m).includes(password)));
  });

  it('authenticates devices with basic when the config asks', async () => {
    const { out } = await deploy(port, { config: { listenAuth: 'basic' }, credentials: { listenUsername: 'u', listenPassword: 'p' } });
    const none = await request({ port, headers: { 'Content-Type': 'application/xml' }, body: vmdXml() });
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Basic/);
    const ok = await request({ port, headers: { 'Content-Type': 'application/xml', Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }, body: vmdXml() });
    assert.equal(ok.status, 200);
    await out.waitFor(1);
  });

  it('turns away devices outside the allow-list', async () => {
    const { out } = await deploy(port, { config: { allowList: '10.9.9.9' } });
    const res = await request({ port, headers: { 'Content-Type': 'application/xml' }, body: vmdXml() });
    assert.equal(res.status, 403);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.messages.length, 0);
  });

  it('listens with HTTPS when given a certificate', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const openssl = requireBinary(this, 'openssl');
    execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const { out } = await deploy(port, { config: { listenTls: true, tlsCert: cert, tlsKey: key } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/alarm', rejectUnauthorized: false, headers: { 'Content-Type': 'application/xml' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(vmdXml());
    });
    assert.equal(status, 200);
    await out.waitFor(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
