/**
 * Through a real listener over HTTP: XML bodies read by the one XML module (CDATA literal, DOCTYPE
 * and unquoted attributes refused, UTF-16 by byte order mark, GB2312 by declaration), and two
 * listeners on one port and path each getting their own message, even when a function node in one
 * flow changes its payload and writes into its picture.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import type { HikEvent } from '../../src/push/hik-event';
import { portRegistry } from '../../src/server/port-registry';
import { collect, eventually, statuses } from '../support/flow';
import { freePort, request } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

interface ListenerMsg extends NodeMessage {
  payload: HikEvent;
}
type CaughtMsg = NodeMessage & { error: { message: string }; code: string };

const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-listener'), coreNode('common/25-catch.js'), coreNode('function/10-function.js')];

function vmd(name: string, head = '<?xml version="1.0" encoding="UTF-8"?>'): string {
  return `${head}\n<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<ipAddress>192.168.1.64</ipAddress><channelID>1</channelID><dateTime>2026-11-20T08:15:42+08:00</dateTime>
<eventType>VMD</eventType><eventState>active</eventState><channelName>${name}</channelName>
</EventNotificationAlert>`;
}

/** 前门 (front door) in GB2312. */
const FRONT_DOOR_GB2312 = Buffer.from([0xc7, 0xb0, 0xc3, 0xc5]);

describe(`hikvision-listener: XML encodings and rules, one message per listener, on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(20_000);
  let port: number;

  before(startServer);
  after(stopServer);
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), []);
  });

  async function deployOne() {
    await loadFlow(nodes, [
      { id: 'f1', type: 'tab', label: 'test' },
      { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none' },
      { id: 'listener', z: 'f1', type: 'hikvision-listener', config: 'cfg', path: '', images: 'buffer', replays: 'tag', attachments: false, wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ], {});
    const seen = statuses('listener');
    const out = collect<ListenerMsg>('out');
    const caught = collect<CaughtMsg>('caught');
    await eventually(() => seen.some((s) => s.fill === 'green'), 'listener listening');
    return { out, caught };
  }

  async function post(body: Buffer | string) {
    const res = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml' }, body });
    assert.equal(res.status, 200);
  }

  it('keeps CDATA literal: an entity inside it stays as written', async () => {
    const { out } = await deployOne();
    await post(vmd('<![CDATA[Gate &amp; Yard]]>'));
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.event.channelName, 'Gate &amp; Yard');
  });

  it('refuses a DOCTYPE and an unquoted attribute as malformed, each with a clear error and no event', async () => {
    const { out, caught } = await deployOne();
    await post(vmd('Gate', '<?xml version="1.0"?><!DOCTYPE EventNotificationAlert>'));
    await post(vmd('Gate').replace('version="2.0"', 'version=2.0'));
    const errors = await caught.waitFor(2);
    assert.deepEqual(errors.map((e) => e.code), ['malformed', 'malformed']);
    assert.match(errors[0].error.message, /DOCTYPE/);
    assert.match(errors[1].error.message, /unquoted attribute/);
    assert.equal(out.messages.length, 0);
  });

  it('reads UTF-16 (LE and BE) by its byte order mark', async () => {
    const { out } = await deployOne();
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(vmd('前门 Cam', '<?xml version="1.0" encoding="UTF-16"?>'), 'utf16le')]);
    const be = Buffer.from(le).swap16();
    await post(le);
    await post(be);
    const msgs = await out.waitFor(2);
    assert.deepEqual(msgs.map((m) => m.payload.event.channelName), ['前门 Cam', '前门 Cam']);
    assert.equal(msgs[0].payload.eventType, 'VMD');
  });

  it('reads a body declared GB2312 (a Chinese channel name) in that encoding', async () => {
    const { out } = await deployOne();
    const [before, after] = vmd('@@', '<?xml version="1.0" encoding="GB2312"?>').split('@@');
    await post(Buffer.concat([Buffer.from(before), FRONT_DOOR_GB2312, Buffer.from(after)]));
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.event.channelName, '前门');
  });

  it('gives two listeners on one path their own message: a function node changing one flow\'s payload and picture leaves the other untouched', async () => {
    await loadFlow(nodes, [
      { id: 'f1', type: 'tab', label: 'one' },
      { id: 'f2', type: 'tab', label: 'two' },
      { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none' },
      { id: 'l1', z: 'f1', type: 'hikvision-listener', config: 'cfg', path: '/alarm', images: 'buffer', replays: 'tag', attachments: false, wires: [['change']] },
      {
        id: 'change', z: 'f1', type: 'function', x: 300, y: 100, name: 'change', outputs: 1, wires: [['out1']],
        func: 'msg.payload.event.channelName = "changed"; msg.payload.eventType = "X"; if (msg.payload.images[0]) msg.payload.images[0].data[4] = 0; return msg;',
      },
      { id: 'out1', z: 'f1', type: 'helper' },
      { id: 'l2', z: 'f2', type: 'hikvision-listener', config: 'cfg', path: '/alarm', images: 'buffer', replays: 'tag', attachments: false, wires: [['delay']] },
      // the second flow looks only after the first flow has changed its message
      { id: 'delay', z: 'f2', type: 'function', x: 300, y: 200, name: 'later', outputs: 1, wires: [['out2']], func: 'setTimeout(() => node.send(msg), 200); return null;' },
      { id: 'out2', z: 'f2', type: 'helper' },
    ], {});
    const seen = statuses('l1');
    const out1 = collect<ListenerMsg>('out1');
    const out2 = collect<ListenerMsg>('out2');
    await eventually(() => seen.some((s) => s.fill === 'green'), 'listener listening');
    const picture = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x11, 0x22, 0xff, 0xd9]);
    const boundary = 'MIME_boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/xml\r\nContent-Disposition: form-data; name="event"\r\n\r\n${vmd('Gate')}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Disposition: form-data; name="Picture"; filename="p.jpg"\r\n\r\n`),
      picture,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await request({ port, path: '/alarm', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body });
    assert.equal(res.status, 200);
    const [changed] = await out1.waitFor(1);
    const [other] = await out2.waitFor(1);
    assert.equal(changed.payload.event.channelName, 'changed');
    assert.equal(other.payload.event.channelName, 'Gate');
    assert.equal(other.payload.eventType, 'VMD');
    assert.equal(other.payload.images.length, 1);
    assert.ok(Buffer.isBuffer(other.payload.images[0].data), 'still a Buffer');
    assert.deepEqual([...other.payload.images[0].data], [...picture]);
  });
});
