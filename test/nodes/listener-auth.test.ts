/**
 * Device authentication and the allow-list of the listener, attacked over real HTTP inside a real
 * Node-RED (issue 13, items 2, 4, 5, 6 and 11), plus curl's digest against the listener.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { inspect } from 'node:util';
import type { NodeMessage } from 'node-red';
import { computeDigestResponse, formatDigestAuthorization, parseDigestChallenges, type DigestChallenge } from '../../src/http-auth/digest';
import { portRegistry } from '../../src/server/port-registry';
import { collect, eventually } from '../support/flow';
import { freePort, request } from '../support/http';
import type { Node, NodeAPI, NodeDef, NodeStatus } from 'node-red';
import type { TestNodeInitializer } from 'node-red-node-test-helper';
import { helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

/** Every status a listener sets, from its first line on (a configuration error is shown while it starts). */
const listenerStatuses: NodeStatus[] = [];

const RECORDING = Symbol('records listener statuses');

function recordingStatuses(init: TestNodeInitializer): TestNodeInitializer {
  return (RED: NodeAPI) => {
    const nodesApi = RED.nodes as NodeAPI['nodes'] & { [RECORDING]?: true };
    if (!nodesApi[RECORDING]) {
      nodesApi[RECORDING] = true;
      const create = nodesApi.createNode.bind(nodesApi);
      nodesApi.createNode = (node: Node, def: NodeDef) => {
        create(node, def);
        if (def.type !== 'hikvision-listener') return;
        const original = node.status.bind(node);
        node.status = (s: NodeStatus | string) => {
          if (typeof s === 'object') listenerStatuses.push(s);
          original(s);
        };
      };
    }
    (init as (red: NodeAPI) => void)(RED);
  };
}

const nodes = [nodeModule('hikvision-config'), recordingStatuses(nodeModule('hikvision-listener'))];
type FlowNode = { id: string; type: string } & Record<string, unknown>;

const XML = '<EventNotificationAlert><ipAddress>192.168.1.64</ipAddress><eventType>VMD</eventType><eventState>active</eventState></EventNotificationAlert>';
const USER = 'device';
const PASSWORD = 'S3cret-listen-pw';

async function deploy(port: number, config: Record<string, unknown>, credentials: Record<string, string>, path = '/alarm') {
  const flow: FlowNode[] = [
    { id: 'f1', type: 'tab', label: 'auth' },
    { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none', ...config },
    { id: 'listener', z: 'f1', type: 'hikvision-listener', config: 'cfg', path, images: 'none', replays: 'tag', wires: [['out']] },
    { id: 'out', z: 'f1', type: 'helper' },
  ];
  await loadFlow(nodes, flow, { cfg: credentials });
  const out = collect('out');
  await eventually(() => listenerStatuses.some((s) => s.fill === 'green' || s.fill === 'red'), 'listener status');
  return { out, statuses: listenerStatuses };
}

function answer(challenge: DigestChallenge, options: { uri: string; nc: number; password?: string; cnonce?: string }): string {
  const nc = options.nc.toString(16).padStart(8, '0');
  const cnonce = options.cnonce ?? 'c0ffee';
  const response = computeDigestResponse({
    algorithm: challenge.algorithm, username: USER, password: options.password ?? PASSWORD, realm: challenge.realm,
    method: 'POST', uri: options.uri, nonce: challenge.nonce, qop: 'auth', nc, cnonce,
  });
  return formatDigestAuthorization({
    username: USER, realm: challenge.realm, nonce: challenge.nonce, uri: options.uri, algorithm: challenge.algorithm,
    response, qop: 'auth', nc, cnonce, opaque: challenge.opaque,
  });
}

async function challengeFrom(port: number, path = '/alarm'): Promise<DigestChallenge> {
  const first = await request({ port, path, headers: { 'Content-Type': 'application/xml' }, body: XML });
  assert.equal(first.status, 401);
  return parseDigestChallenges(first.headers['www-authenticate'])[0];
}

function push(port: number, authorization: string, path = '/alarm', body = XML) {
  return request({ port, path, headers: { 'Content-Type': 'application/xml', Authorization: authorization }, body });
}

const logText = () => inspect(helper.log().args, { depth: 8, maxStringLength: null });

describe(`listener device authentication and allow-list on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  let port: number;

  before(startServer);
  after(stopServer);
  beforeEach(async () => {
    port = await freePort();
    listenerStatuses.length = 0;
  });
  afterEach(async () => {
    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), [], 'every port is closed after the flow is removed');
  });

  it('item 2: 50 pipelined 15 KB "Digest aaaa…" headers are turned away and a device still gets through', async () => {
    const { out } = await deploy(port, { listenAuth: 'digest' }, { listenUsername: USER, listenPassword: PASSWORD });
    const header = `Digest ${'a'.repeat(15_000)}`;
    const oneRequest = `POST /alarm HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nAuthorization: ${header}\r\n\r\n`;
    const statusesSeen = await new Promise<string[]>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        const lines = text.match(/^HTTP\/1\.1 \d+/gm) ?? [];
        if (lines.length >= 50) { socket.destroy(); resolve(lines); }
      });
      socket.on('error', reject);
      socket.write(oneRequest.repeat(50));
    });
    assert.equal(statusesSeen.length, 50);
    assert.ok(statusesSeen.every((s) => s === 'HTTP/1.1 401'), statusesSeen.join(','));
    const challenge = await challengeFrom(port);
    assert.equal((await push(port, answer(challenge, { uri: '/alarm', nc: 1 }))).status, 200);
    await out.waitFor(1);
  });

  it('item 4: a captured digest answer cannot be replayed (same or lower nc, new body, other uri)', async () => {
    const { out } = await deploy(port, { listenAuth: 'digest' }, { listenUsername: USER, listenPassword: PASSWORD }, '');
    const challenge = await challengeFrom(port);
    const second = answer(challenge, { uri: '/alarm', nc: 2 });
    assert.equal((await push(port, second)).status, 200, 'the device gets in');
    await out.waitFor(1);

    const replay = await push(port, second, '/alarm', XML.replace('VMD', 'IO'));
    assert.equal(replay.status, 401, 'the same header again, with a new body');
    assert.equal(parseDigestChallenges(replay.headers['www-authenticate'])[0].stale, true, 'a replay gets a stale challenge');
    assert.equal((await push(port, answer(challenge, { uri: '/alarm', nc: 1 }))).status, 401, 'a lower nc');
    assert.equal((await push(port, answer(challenge, { uri: '/alarm', nc: 3 }), '/other')).status, 401, 'a uri that is not the request line');
    assert.equal((await push(port, answer(challenge, { uri: '/other', nc: 4 }), '/alarm')).status, 401, 'a uri that is not the request line');
    assert.equal((await push(port, answer(challenge, { uri: '/alarm', nc: 5 }))).status, 200, 'a higher nc on the same nonce still works');
    await out.waitFor(2);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.messages.length, 2, 'only the two genuine pushes were delivered');
  });

  it('item 4: an RFC 2069 answer (no qop, so no nc) is good once per nonce', async () => {
    const { out } = await deploy(port, { listenAuth: 'digest' }, { listenUsername: USER, listenPassword: PASSWORD });
    const challenge = await challengeFrom(port);
    const response = computeDigestResponse({
      algorithm: 'MD5', username: USER, password: PASSWORD, realm: challenge.realm, method: 'POST', uri: '/alarm', nonce: challenge.nonce,
    });
    const header = formatDigestAuthorization({ username: USER, realm: challenge.realm, nonce: challenge.nonce, uri: '/alarm', algorithm: 'MD5', response });
    assert.equal((await push(port, header)).status, 200);
    assert.equal((await push(port, header)).status, 401, 'the same answer again');
    await out.waitFor(1);
  });

  it('item 4: a flood of unauthenticated requests does not push a working device\'s nonce out', async function () {
    this.timeout(60_000);
    const { out } = await deploy(port, { listenAuth: 'digest' }, { listenUsername: USER, listenPassword: PASSWORD });
    const challenge = await challengeFrom(port);
    assert.equal((await push(port, answer(challenge, { uri: '/alarm', nc: 1 }))).status, 200);
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const flood: Promise<unknown>[] = [];
      for (let i = 0; i < 1500; i++) flood.push(request({ port, path: '/alarm', agent, headers: { 'Content-Type': 'application/xml' }, body: XML }));
      await Promise.all(flood);
    } finally {
      agent.destroy();
    }
    assert.equal((await push(port, answer(challenge, { uri: '/alarm', nc: 2 }))).status, 200, 'the device keeps its nonce');
    await out.waitFor(2);
  });

  for (const mode of ['digest', 'basic']) {
    it(`item 5: ${mode} auth with the password missing is a configuration error and accepts nothing`, async () => {
      const { out, statuses: seen } = await deploy(port, { listenAuth: mode }, { listenUsername: USER });
      await eventually(() => seen.some((s) => s.fill === 'red' && s.text === 'configuration error'), 'red status');
      assert.ok(!seen.some((s) => s.fill === 'green'), 'never shown as listening');
      await eventually(() => /user or password is empty/.test(logText()), 'an error naming what to set');
      assert.match(logText(), /enter the device user and password/);
      const empty = mode === 'basic'
        ? `Basic ${Buffer.from(`${USER}:`).toString('base64')}`
        : formatDigestAuthorization({ username: USER, realm: 'node-red-hikvision', nonce: 'x', uri: '/alarm', algorithm: 'MD5', response: '0'.repeat(32) });
      await push(port, empty).catch(() => undefined); // refused, or nothing listening: either way nothing arrives
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(out.messages.length, 0);
    });
  }

  it('item 6: a second config node with other security on the same port and path gets an error and no route', async () => {
    const flow: FlowNode[] = [
      { id: 'f1', type: 'tab', label: 'one route' },
      { id: 'weak', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'basic' },
      { id: 'strong', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'basic', allowList: '127.0.0.1' },
      { id: 'lWeak', z: 'f1', type: 'hikvision-listener', config: 'weak', path: '/alarm', images: 'none', replays: 'tag', wires: [['outWeak']] },
      { id: 'lStrong', z: 'f1', type: 'hikvision-listener', config: 'strong', path: 'alarm', images: 'none', replays: 'tag', wires: [['outStrong']] },
      { id: 'outWeak', z: 'f1', type: 'helper' },
      { id: 'outStrong', z: 'f1', type: 'helper' },
    ];
    await loadFlow(nodes, flow, {
      weak: { listenUsername: 'u', listenPassword: 'weak' },
      strong: { listenUsername: 'u', listenPassword: 'Str0ng-and-long' },
    });
    const outWeak = collect('outWeak');
    const outStrong = collect('outStrong');
    await eventually(() => /different allow-list or device login/.test(logText()), 'an error about the shared path');
    const weakLogin = `Basic ${Buffer.from('u:weak').toString('base64')}`;
    assert.equal((await push(port, weakLogin)).status, 200);
    await outWeak.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(outStrong.messages.length, 0, 'the weak password does not reach the strong config\'s listener');
  });

  it('item 6: config nodes with identical security still share a port and path', async () => {
    const flow: FlowNode[] = [
      { id: 'f1', type: 'tab', label: 'one route' },
      { id: 'a', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'basic', allowList: '127.0.0.1, 10.0.0.0/8' },
      { id: 'b', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'basic', allowList: '10.0.0.0/8 127.0.0.1' },
      { id: 'la', z: 'f1', type: 'hikvision-listener', config: 'a', path: '/alarm', images: 'none', replays: 'tag', wires: [['outA']] },
      { id: 'lb', z: 'f1', type: 'hikvision-listener', config: 'b', path: '/alarm', images: 'none', replays: 'tag', wires: [['outB']] },
      { id: 'outA', z: 'f1', type: 'helper' },
      { id: 'outB', z: 'f1', type: 'helper' },
    ];
    await loadFlow(nodes, flow, { a: { listenUsername: 'u', listenPassword: 'pw' }, b: { listenUsername: 'u', listenPassword: 'pw' } });
    const outA = collect('outA');
    const outB = collect('outB');
    await eventually(() => portRegistry.openPorts().includes(port), 'the port is open');
    assert.equal((await push(port, `Basic ${Buffer.from('u:pw').toString('base64')}`)).status, 200);
    await outA.waitFor(1);
    await outB.waitFor(1);
  });

  it('item 11: CIDR blocks and whole-octet wildcards match, also for IPv4-mapped IPv6 clients', async () => {
    const { out } = await deploy(port, { allowList: '127.0.0.0/30, 127.0.1.*' }, {});
    const from = (localAddress: string) => request({ port, path: '/alarm', localAddress, headers: { 'Content-Type': 'application/xml' }, body: XML });
    assert.equal((await from('127.0.0.1')).status, 200, 'inside the /30');
    assert.equal((await from('127.0.1.9')).status, 200, 'inside the wildcard');
    assert.equal((await from('127.0.0.12')).status, 403, 'outside the /30');
    assert.equal((await from('127.0.10.1')).status, 403, '127.0.1.* is not a prefix of 127.0.10');
    await out.waitFor(2);
  });

  it('item 11: an ambiguous prefix like 127.0.0.1* is a configuration error, not a match for 127.0.0.12', async () => {
    const { out, statuses: seen } = await deploy(port, { allowList: '127.0.0.1*' }, {});
    await eventually(() => seen.some((s) => s.fill === 'red'), 'red status');
    await eventually(() => /allow-list entry "127\.0\.0\.1\*"/.test(logText()), 'an error naming the entry');
    await request({ port, path: '/alarm', localAddress: '127.0.0.12', headers: { 'Content-Type': 'application/xml' }, body: XML }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.messages.length, 0);
  });

  it('interop: curl --digest gets through to the listener', async function () {
    const curl = await new Promise<boolean>((resolve) => execFile('curl', ['--version'], (err) => resolve(!err)));
    if (!curl) {
      if (process.env.CI === 'true') assert.fail('curl is required in CI for the digest interop test');
      this.skip();
    }
    const { out } = await deploy(port, { listenAuth: 'digest' }, { listenUsername: USER, listenPassword: PASSWORD });
    const url = `http://127.0.0.1:${port}/alarm?channel=1`;
    const code = await new Promise<string>((resolve, reject) => {
      execFile('curl', ['--silent', '--digest', '--user', `${USER}:${PASSWORD}`, '--output', '/dev/null', '--write-out', '%{http_code}',
        '-H', 'Content-Type: application/xml', '--data-binary', XML, url, url], (err, stdout) => { if (err) reject(new Error(`curl failed: ${err.message}`)); else resolve(stdout); });
    });
    assert.equal(code, '200200', 'both requests (the second reusing the nonce with nc=2) are accepted');
    const messages = await out.waitFor(2);
    assert.equal((messages[0] as NodeMessage & { payload: { eventType: string } }).payload.eventType, 'VMD');
  });
});
