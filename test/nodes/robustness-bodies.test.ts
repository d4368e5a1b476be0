/**
 * Odd but harmless bodies through the real listener inside Node-RED (4.1 or 5.0), over HTTP on
 * loopback: device keys named like Object.prototype's methods never put a function into a message,
 * and a part whose headers follow a blank line after its boundary still delivers its event.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import type { HikEvent } from '../../src/push/hik-event';
import { portRegistry } from '../../src/server/port-registry';
import { collect, eventually, type Collector } from '../support/flow';
import { freePort, request } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

interface EventMsg extends NodeMessage { payload: HikEvent & Record<string, unknown> }

const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-listener'), coreNode('common/25-catch.js')];

/** Paths to every function reachable from `value` (own enumerable properties, as a flow sees them). */
function functionsIn(value: unknown, path = 'msg', seen = new Set<unknown>()): string[] {
  if (typeof value === 'function') return [path];
  if (value === null || typeof value !== 'object' || seen.has(value) || Buffer.isBuffer(value)) return [];
  seen.add(value);
  return Object.keys(value).flatMap((key) => functionsIn((value as Record<string, unknown>)[key], `${path}.${key}`, seen));
}

describe(`robustness: odd bodies to the listener on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(20_000);
  let port: number;
  let out: Collector<EventMsg>;
  let out2: Collector<EventMsg>;
  let caught: Collector<NodeMessage & { error: { message: string } }>;

  before(startServer);
  after(stopServer);
  beforeEach(async () => {
    port = await freePort();
    await loadFlow(nodes, [
      { id: 'tab', type: 'tab', label: 'bodies' },
      { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none', allowList: '' },
      { id: 'listener', type: 'hikvision-listener', z: 'tab', config: 'cfg', path: '', images: 'buffer', replays: 'tag', attachments: false, wires: [['out', 'out2']] },
      { id: 'out', type: 'helper', z: 'tab' },
      { id: 'out2', type: 'helper', z: 'tab' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ], { cfg: {} });
    out = collect<EventMsg>('out');
    out2 = collect<EventMsg>('out2');
    caught = collect('caught');
    await portRegistry.server({ port, bind: '' }).ready();
  });
  afterEach(async () => {
    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), []);
  });

  it('form fields named constructor, toString and hasOwnProperty are plain strings; no function reaches a message', async () => {
    const body = 'eventType=IO&ipAddress=10.0.0.5&constructor=x&toString=y&hasOwnProperty=z&valueOf=1&valueOf=2';
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })).status, 200);
    for (const msg of [(await out.waitFor(1))[0], (await out2.waitFor(1))[0]]) {
      assert.deepEqual(functionsIn(msg), []);
      assert.deepEqual({ ...msg.payload.event }, {
        eventType: 'IO', ipAddress: '10.0.0.5', constructor: 'x', toString: 'y', hasOwnProperty: 'z', valueOf: ['1', '2'],
      });
      assert.equal(msg.payload.eventType, 'IO');
    }
  });

  it('JSON and XML keys named like Object methods carry their values, never a function', async () => {
    const json = '{"eventType":"VMD","ipAddress":"10.0.0.5","toString":"a","constructor":"b","AccessControllerEvent":{"valueOf":"c","toString":"d"}}';
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/json' }, body: json })).status, 200);
    const xml = '<EventNotificationAlert><eventType>VMD</eventType><ipAddress>10.0.0.5</ipAddress><toString>a</toString><valueOf>b</valueOf><valueOf>c</valueOf><hasOwnProperty><isPrototypeOf>d</isPrototypeOf></hasOwnProperty></EventNotificationAlert>';
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/xml' }, body: xml })).status, 200);
    const messages = [...await out.waitFor(2), ...await out2.waitFor(2)];
    for (const msg of messages) assert.deepEqual(functionsIn(msg), []);
    assert.equal(Object.getOwnPropertyDescriptor(messages[0].payload.event, 'toString')?.value, 'a');
    // XML element names are kept clear of Object's methods; the values all arrive
    assert.match(JSON.stringify(messages[1].payload.event), /"a".*"b","c".*"d"/);
    assert.equal(caught.messages.length, 0);
  });

  it('a blank line straight after a boundary: the part\'s headers follow it, and the event and its picture are delivered', async () => {
    const picture = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7), Buffer.from([0xff, 0xd9])]);
    const body = Buffer.concat([
      Buffer.from('--MIME_boundary\r\n\r\nContent-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"\r\nContent-Type: text/xml\r\n\r\n'),
      Buffer.from('<EventNotificationAlert><ipAddress>10.0.0.8</ipAddress><eventType>ANPR</eventType></EventNotificationAlert>\r\n'),
      Buffer.from('--MIME_boundary\r\n\r\nContent-Disposition: form-data; name="licensePlatePicture.jpg"; filename="licensePlatePicture.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'),
      picture,
      Buffer.from('\r\n--MIME_boundary--\r\n'),
    ]);
    assert.equal((await request({ port, headers: { 'Content-Type': 'multipart/form-data; boundary=MIME_boundary' }, body })).status, 200);
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.eventType, 'ANPR');
    assert.equal(msg.payload.images.length, 1);
    assert.equal(msg.payload.images[0].filename, 'licensePlatePicture.jpg');
    assert.equal(msg.payload.images[0].contentType, 'image/jpeg');
    assert.ok(msg.payload.images[0].data.equals(picture));
    await eventually(() => out2.messages.length === 1, 'the second output');
    assert.equal(caught.messages.length, 0);
  });
});
