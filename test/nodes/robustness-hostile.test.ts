/**
 * Hostile requests through the real listener and the real iSC receiver inside Node-RED (4.1 or
 * 5.0), over HTTP on loopback: entity expansion, external entities, prototype keys, deep nesting,
 * 100 000 parts, a 2 GB Content-Length, slowloris, a body that never ends, floods of refused
 * requests. Each is bounded (answered or cut off, nothing expanded, memory flat) and the user reads
 * a clear warning or error — the en-US text, rate-limited where a flood could fill the log.
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import net from 'node:net';
import type { NodeMessage } from 'node-red';
import type { HikEvent } from '../../src/push/hik-event';
import { portRegistry, SERVER_TIMEOUTS } from '../../src/server/port-registry';
import { startPlatformSimulator, type PlatformSimulator } from '../../src/simulator/platform/platform-simulator';
import { collect, eventually, type Collector } from '../support/flow';
import { freePort, rawExchange, request } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';
import { enUs, enUsPattern, LOOPBACK, withEnUs } from '../support/en-us-messages';
import { MB, memoryAfterGc } from '../unit/robustness/support/heap';

type FlowNode = { id: string; type: string } & Record<string, unknown>;
interface EventMsg extends NodeMessage { payload: HikEvent & Record<string, unknown> }
interface CaughtMsg extends NodeMessage { error: { message: string }; payload: unknown; code?: string }

const nodes = [
  ...withEnUs([nodeModule('hikvision-config'), nodeModule('hikvision-listener'), nodeModule('hikvision-isc'), nodeModule('hikvision-isc-subscribe')]),
  coreNode('common/25-catch.js'),
];
const SHORT = { headersMs: 1500, requestMs: 3000, checkMs: 250 };
const APP_KEY = 'hostile-key';
const APP_SECRET = 'hostile-secret-9f8e7d';

/** What a node said: warnings and errors, as the user reads them in the log or a Catch node. */
function said(id: string): { warn: string[]; error: string[] } {
  const heard = { warn: [] as string[], error: [] as string[] };
  const node = helper.getNode(id) as unknown as EventEmitter;
  node.on('call:warn', (call: { args: unknown[] }) => heard.warn.push(String(call.args[0])));
  node.on('call:error', (call: { args: unknown[] }) => heard.error.push(String(call.args[0])));
  return heard;
}

function assertNoPollution(): void {
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
}

/** Connects, writes `head` and then `body` 64 KiB at a time while the server lets it, up to `maxBytes`. */
function upload(port: number, head: string, maxBytes: number): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let answer = '';
    let sent = 0;
    let open = true;
    const pump = (): void => {
      while (open && sent < maxBytes) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => { socket.write(head); pump(); });
    socket.on('data', (data: Buffer) => { answer += data.toString('latin1'); });
    socket.on('error', () => { open = false; });
    socket.on('close', () => { open = false; resolve({ answer, sent }); });
  });
}

/** Request headers one byte a second, as slowloris does; resolves with what came back when the server hung up. */
function slowloris(port: number): Promise<{ answer: string; bytes: number }> {
  return new Promise((resolve) => {
    const head = 'POST /alarm HTTP/1.1\r\nHost: camera\r\nContent-Type: application/xml\r\n';
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let bytes = 0;
    const timer = setInterval(() => { if (socket.writable) socket.write(head[bytes++ % head.length]); }, 1000);
    socket.on('data', (data: Buffer) => { answer += data.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => { clearInterval(timer); resolve({ answer, bytes }); });
  });
}

/** A request whose body never comes in full; resolves with what came back when the server hung up. */
function endlessBody(port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: camera\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n<EventNotificationAlert><eventType>VMD`);
    });
    let answer = '';
    socket.on('data', (data: Buffer) => { answer += data.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
  });
}

describe(`robustness: hostile requests to the listener on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(20_000);
  let port: number;
  let out: Collector<EventMsg>;
  let out2: Collector<EventMsg>;
  let caught: Collector<CaughtMsg>;
  let heard: { warn: string[]; error: string[] };
  const saved = { ...SERVER_TIMEOUTS };

  before(async () => {
    Object.assign(SERVER_TIMEOUTS, SHORT); // so slowloris and endless bodies are cut in seconds, not minutes
    await startServer();
  });
  after(async () => {
    Object.assign(SERVER_TIMEOUTS, saved);
    await stopServer();
  });

  async function deploy(config: Record<string, unknown> = {}): Promise<void> {
    const flow: FlowNode[] = [
      { id: 'tab', type: 'tab', label: 'hostile' },
      { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none', allowList: '', ...config },
      { id: 'listener', type: 'hikvision-listener', z: 'tab', config: 'cfg', path: '', images: 'buffer', replays: 'tag', attachments: false, wires: [['out', 'out2']] },
      { id: 'out', type: 'helper', z: 'tab' },
      { id: 'out2', type: 'helper', z: 'tab' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ];
    await loadFlow(nodes, flow, { cfg: {} });
    out = collect<EventMsg>('out');
    out2 = collect<EventMsg>('out2');
    caught = collect<CaughtMsg>('caught');
    heard = said('listener');
    assert.deepEqual(portRegistry.openPorts(), [port]);
    await portRegistry.server({ port, bind: '' }).ready(); // the listener's server, listening
  }

  beforeEach(async () => {
    port = await freePort();
    await deploy();
  });
  afterEach(async () => {
    assertNoPollution();
    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), []);
  });

  it('billion laughs: nothing is expanded (the reference stays as written, or the document is refused)', async () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
      + '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
      + '<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
      + '<EventNotificationAlert><eventType>VMD</eventType><eventDescription>&lol9;</eventDescription></EventNotificationAlert>';
    const before = await memoryAfterGc();
    const res = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml' }, body: lol });
    assert.equal(res.status, 200);
    // Either the event comes with the entity reference as written, or the document is refused.
    await eventually(() => out.messages.length + caught.messages.length > 0, 'the event or its error');
    if (out.messages.length > 0) assert.equal(out.messages[0].payload.event.eventDescription, '&lol9;');
    else assert.equal(caught.messages[0].code, 'malformed');
    assert.ok((await memoryAfterGc()) - before < 16 * MB);
  });

  it('XXE: an external entity is never read; the body goes to Catch as malformed, with a clear error', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><EventNotificationAlert><eventType>&xxe;</eventType></EventNotificationAlert>';
    const res = await request({ port, headers: { 'Content-Type': 'application/xml' }, body: xxe });
    assert.equal(res.status, 200, 'devices retry anything else in a loop');
    const [err] = await caught.waitFor(1);
    assert.equal(err.code, 'malformed');
    assert.match(err.error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'malformed', detail: /.*(XML|entit|DTD|DOCTYPE).*/ }));
    assert.ok(!JSON.stringify(err).includes('root:x:0:0'), 'no file content anywhere');
    assert.equal(out.messages.length, 0);
  });

  it('__proto__ and constructor keys in JSON and XML change no prototype, even after Node-RED clones the message', async () => {
    const json = '{"eventType":"VMD","ipAddress":"10.0.0.5","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},'
      + '"AccessControllerEvent":{"\\u005f_proto__":{"polluted":"yes"},"name":"x"}}';
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/json' }, body: json })).status, 200);
    const [first] = await out.waitFor(1);
    const [second] = await out2.waitFor(1);
    for (const msg of [first, second]) {
      assert.equal(msg.payload.eventType, 'VMD');
      assert.equal(Object.getPrototypeOf(msg.payload.event), Object.prototype);
      assert.equal((msg.payload.event).polluted, undefined);
      assert.equal(JSON.stringify(msg.payload.event).includes('__proto__'), false);
      assert.equal(({ ...(msg.payload.event.AccessControllerEvent as object) } as Record<string, unknown>).polluted, undefined);
    }
    const xml = '<EventNotificationAlert><eventType>VMD</eventType><__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor></EventNotificationAlert>';
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/xml' }, body: xml })).status, 200);
    const [err] = await caught.waitFor(1);
    assert.equal(err.code, 'malformed');
  });

  it('deeply nested JSON and XML (100 000 levels) are refused with a clear error, without a stack overflow', async () => {
    const depth = 100_000;
    const json = `{"eventType":"VMD","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const xml = `<EventNotificationAlert>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</EventNotificationAlert>`;
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/json' }, body: json })).status, 200);
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/xml' }, body: xml })).status, 200);
    const errors = await caught.waitFor(2);
    assert.match(errors[0].error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'malformed', detail: 'JSON nested deeper than 64 levels' }));
    assert.match(errors[1].error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'malformed', detail: /XML .*/ }));
    assert.equal(out.messages.length, 0);
  });

  it('a 1 MB body of 300 000 tiny events is one error, not 300 000 messages', async () => {
    const body = `[${'{},'.repeat(300_000)}{}]`;
    assert.equal((await request({ port, headers: { 'Content-Type': 'application/json' }, body })).status, 200);
    const [err] = await caught.waitFor(1);
    assert.match(err.error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'too-large', detail: 'body with more than 1000 events' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(out.messages.length, 0);
  });

  it('100 000 multipart parts: 413 as soon as the part limit is passed, the connection closed', async () => {
    const parts = '--b\r\nContent-Type: image/jpeg\r\n\r\nx\r\n'.repeat(100_000);
    const head = `POST /alarm HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${parts.length + 7}\r\n\r\n`;
    const answer = await rawExchange(port, head + parts + '--b--\r\n', 5000);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /Connection: close/i);
    const [err] = await caught.waitFor(1);
    assert.equal(err.code, 'too-many-parts');
    assert.match(err.error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'too-many-parts', detail: 'multipart body with more than 64 parts' }));
  });

  it('a 2 GB Content-Length: 413 at once, the connection closed long before, memory not grown', async () => {
    const before = await memoryAfterGc();
    const head = 'POST /alarm HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: 2147483648\r\n\r\n';
    const { answer, sent } = await upload(port, head, 256 * MB);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.ok(sent < 256 * MB, `the server hung up (after ${Math.round(sent / MB)} MB sent)`);
    const [err] = await caught.waitFor(1);
    assert.match(err.error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'too-large', detail: 'body of 2147483648 bytes announced, limit 16777216' }));
    assert.ok((await memoryAfterGc()) - before < 16 * MB, 'memory grew');
    const after = await request({ port, headers: { 'Content-Type': 'application/xml' }, body: '<EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert>' });
    assert.equal(after.status, 200, 'and the listener keeps serving');
  });

  it('slowloris (headers one byte a second) is cut off by the headers timeout, with a warning', async () => {
    const { answer, bytes } = await slowloris(port);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(bytes < 10, `cut after ${bytes} bytes`);
    await eventually(() => heard.warn.length > 0, 'a warning');
    assert.deepEqual(heard.warn, [enUs('hikvision-listener.errors.client-timeout', { port })]);
  });

  it('a body that never ends is cut off by the request timeout, with a warning and an error', async () => {
    const answer = await endlessBody(port, '/alarm');
    assert.match(answer, /^HTTP\/1\.1 408 /);
    const [err] = await caught.waitFor(1);
    assert.equal(err.code, 'aborted');
    assert.match(err.error.message, enUsPattern('hikvision-listener.errors.bad-body', { remote: LOOPBACK, code: 'aborted', detail: /.+/ }));
    assert.deepEqual(heard.warn, [enUs('hikvision-listener.errors.client-timeout', { port })]);
    assert.equal(out.messages.length, 0);
  });

  it('floods of refused requests and of garbage connections give one warning a minute each', async () => {
    await helper.unload();
    await deploy({ allowList: '10.9.9.9' });
    for (let i = 0; i < 30; i++) assert.equal((await request({ port, headers: { 'Content-Type': 'application/xml' }, body: '<x/>' })).status, 403);
    await Promise.all(Array.from({ length: 20 }, () => rawExchange(port, '\x16\x03\x01garbage\r\n\r\n', 1000)));
    await eventually(() => heard.warn.length >= 2, 'the two warnings');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(heard.warn.length, 2);
    assert.match(heard.warn[0], enUsPattern('hikvision-listener.errors.rejected', { reason: new RegExp(`device ${LOOPBACK.source} is not in the allow-list`) }));
    assert.equal(heard.warn[1], enUs('hikvision-listener.errors.client', { port, code: 'HPE_INVALID_METHOD' }));
  });
});

describe(`robustness: hostile requests to the iSC receiver on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(20_000);
  let sim: PlatformSimulator;
  let listenPort: number;
  let out: Collector<NodeMessage & { payload: Record<string, unknown> }>;
  let out2: Collector<NodeMessage & { payload: Record<string, unknown> }>;
  let caught: Collector<CaughtMsg>;
  let heard: { warn: string[]; error: string[] };
  const saved = { ...SERVER_TIMEOUTS };

  before(() => { Object.assign(SERVER_TIMEOUTS, SHORT); });
  after(() => { Object.assign(SERVER_TIMEOUTS, saved); });

  beforeEach(async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    listenPort = await freePort();
    const flow: FlowNode[] = [
      { id: 'tab', type: 'tab', label: 'iSC' },
      { id: 'platform', type: 'hikvision-isc', z: 'tab', host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false },
      {
        id: 'sub', type: 'hikvision-isc-subscribe', z: 'tab', x: 100, y: 100, platform: 'platform', eventTypes: '131331', subType: 'raw', eventLvl: '',
        listenPort, path: '/isc/events', callbackUrl: `http://127.0.0.1:${listenPort}/isc/events`, unsubscribeOnClose: false, resubscribeInterval: 0,
        wires: [['out', 'out2'], []],
      },
      { id: 'out', type: 'helper', z: 'tab', x: 100, y: 100 },
      { id: 'out2', type: 'helper', z: 'tab', x: 100, y: 100 },
      { id: 'catcher', type: 'catch', z: 'tab', x: 100, y: 100, scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab', x: 100, y: 100 },
    ];
    await loadFlow(nodes, flow, { platform: { appKey: APP_KEY, appSecret: APP_SECRET } });
    out = collect('out');
    out2 = collect('out2');
    caught = collect<CaughtMsg>('caught');
    heard = said('sub');
    await eventually(() => sim.subscriptions().length === 1, 'the subscription');
  });
  afterEach(async () => {
    assertNoPollution();
    await helper.unload();
    await sim.close();
    assert.ok(!portRegistry.openPorts().includes(listenPort));
  });

  const post = (body: string) => request({ port: listenPort, path: '/isc/events', headers: { 'Content-Type': 'application/json' }, body });

  it('"__proto__" keys in platform events are dropped, and nothing is polluted after cloning', async () => {
    const body = '{"method":"OnEventNotify","params":{"ability":"event_vss","events":[{"eventId":"e1","eventType":131331,"__proto__":{"polluted":"yes"},'
      + '"data":{"constructor":{"prototype":{"polluted":"yes"}},"\\u005f_proto__":{"polluted":"yes"}}}]}}';
    assert.equal((await post(body)).status, 200);
    for (const msg of [(await out.waitFor(1))[0], (await out2.waitFor(1))[0]]) {
      assert.equal(msg.payload.eventId, 'e1');
      assert.equal(Object.getPrototypeOf(msg.payload), Object.prototype);
      assert.equal(msg.payload.polluted, undefined);
      assert.equal(JSON.stringify(msg.payload).includes('__proto__'), false);
      assert.equal(({ ...msg.payload, ...(msg.payload.data as object) } as Record<string, unknown>).polluted, undefined);
    }
  });

  it('a deeply nested push is refused with a clear error before it reaches the flow', async () => {
    const depth = 100_000;
    const body = `{"method":"OnEventNotify","params":{"ability":"event_vss","events":[{"eventType":131331,"x":${'['.repeat(depth)}${']'.repeat(depth)}}]}}`;
    assert.equal((await post(body)).status, 200);
    const [err] = await caught.waitFor(1);
    assert.equal(err.error.message, 'OnEventNotify body nested deeper than 64 levels');
    assert.equal(out.messages.length, 0);
  });

  it('a 2 GB Content-Length: 413 at once and the connection closed; a body that never ends and slowloris are cut off, with warnings', async () => {
    const { answer, sent } = await upload(listenPort, 'POST /isc/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2147483648\r\n\r\n', 256 * MB);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.ok(sent < 256 * MB);
    const [tooLarge] = await caught.waitFor(1);
    assert.match(tooLarge.error.message, /^OnEventNotify body refused \(HTTP 413\): at least 2147483648 bytes/);

    const endless = await endlessBody(listenPort, '/isc/events');
    assert.match(endless, /^HTTP\/1\.1 408 /);
    const [, cutOff] = await caught.waitFor(2);
    assert.match(cutOff.error.message, /^OnEventNotify body cut off after \d+ bytes \(connection closed\)$/);
    await eventually(() => heard.warn.length > 0, 'a warning');
    assert.deepEqual(heard.warn, [`a client did not send its request in time and was disconnected (a stalled or deliberately slow sender) on port ${listenPort} (ERR_HTTP_REQUEST_TIMEOUT); further ones are not logged for a minute`]);

    const { answer: slow } = await slowloris(listenPort);
    assert.match(slow, /^HTTP\/1\.1 408 /);
    assert.equal(heard.warn.length, 1, 'the second one within the minute is held back');
    assert.equal((await post('{"method":"OnEventNotify","params":{"ability":"event_vss","events":[{"eventType":131331}]}}')).status, 200);
    await out.waitFor(1);
  });
});
