/**
 * The httpHosts configurator node inside a real Node-RED (4.1 or 5.0) against the device
 * simulator over real HTTP with digest auth on loopback: what an integrator pointing a device at
 * the listener would see. Ends with the whole path: configure → device pushes → listener emits.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { DigestClient } from '../../src/isapi/digest-client';
import type { HttpHostsOutcome } from '../../src/isapi/http-hosts-configurator';
import { startDeviceSimulator, type DeviceSimulator, type DeviceSimulatorOptions } from '../../src/simulator/device/device-simulator';
import { requireBinary } from '../support/binaries';
import { collect, eventually, statuses } from '../support/flow';
import { freePort } from '../support/http';
import { helper, loadFlow, nodeModule } from '../support/node-red';


interface ResultMsg extends NodeMessage {
  payload: HttpHostsOutcome & { capabilities?: { hostNumber: number | null } };
}
interface CaughtMsg extends NodeMessage {
  error: { message: string };
  isapi?: { kind: string; httpStatus?: number; responseStatus?: { statusString?: string; subStatusCode?: string } };
}

// The typings of node-red-node-test-helper 0.3.6 predate its promises: use its callbacks.
const startServer = () => new Promise<void>((resolve) => { helper.startServer(resolve); });
const stopServer = () => new Promise<void>((resolve) => { helper.stopServer(resolve); });

const USER = 'admin';
const PASSWORD = 'Sim-Passw0rd';

describe('hikvision-httphosts node (device simulator)', function () {
  this.timeout(20000);
  const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-httphosts')];
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

  /** Request lines the simulator logged (method, path, status, note; never credentials). */
  let requests: string[] = [];

  async function simulator(options: DeviceSimulatorOptions = {}): Promise<DeviceSimulator> {
    requests = [];
    sim = await startDeviceSimulator({ port: 0, username: USER, password: PASSWORD, log: (line) => requests.push(line), ...options });
    return sim;
  }

  async function deploy(props: Record<string, unknown> = {}, password = PASSWORD, config: Record<string, unknown> = {}) {
    assert.ok(sim);
    await loadFlow(nodes, [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim.port, protocol: sim.url.startsWith('https') ? 'https' : 'http', rejectUnauthorized: false, listenPort, listenAuth: 'none', ...config },
      {
        id: 'hh', type: 'hikvision-httphosts', config: 'cfg', action: 'set', slot: 'auto', format: 'auto', url: '/alarm', host: '',
        port: '', protocolType: 'auto', parameterFormatType: '', httpAuthenticationMethod: 'auto', onDeploy: false, wires: [['out']], ...props,
      },
      { id: 'out', type: 'helper' },
      { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ], { cfg: { username: USER, password } });
    const seen = statuses('hh');
    return { out: collect<ResultMsg>('out'), caught: collect<CaughtMsg>('caught'), statuses: seen, node: helper.getNode('hh') };
  }

  it('set: points the first unused slot at this machine and the listen port, and says so', async () => {
    await simulator();
    const { out, statuses: seen, node } = await deploy();
    node.receive({ payload: 'go' });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.changed, true);
    assert.equal(msg.payload.slot?.id, '1');
    assert.equal(msg.payload.slot.host, '127.0.0.1', 'the address this machine has toward the device');
    assert.equal(msg.payload.slot.portNo, listenPort);
    assert.equal(msg.payload.slot.url, '/alarm');
    assert.ok(['xml', 'json'].includes(msg.payload.format));
    assert.ok(msg.payload.raw.length > 0);
    assert.equal(msg.payload.slots.length, 3);
    const slot = sim!.slots().find((s) => s.id === '1');
    assert.equal(slot?.ipAddress, '127.0.0.1');
    assert.equal(slot.portNo, listenPort);
    assert.ok(seen.some((s) => s.fill === 'green' && s.text?.includes(`1 → 127.0.0.1:${listenPort}/alarm`)));
  });

  it('set again: finds its own slot and changes nothing', async () => {
    await simulator();
    const { out, node } = await deploy();
    node.receive({ payload: '' });
    await out.waitFor(1);
    node.receive({ payload: '' });
    const [, second] = await out.waitFor(2);
    assert.equal(second.payload.changed, false);
    assert.equal(second.payload.reason, 'already-pointing');
    assert.equal(second.payload.slot?.id, '1');
    assert.equal(sim!.slots().filter((s) => s.enabled).length, 1, 'one slot, not a second one');
    assert.equal(requests.filter((line) => / PUT /.test(line)).length, 1, 'no PUT the second time');
    assert.ok(requests.filter((line) => / GET \/ISAPI\/Event\/notification\/httpHosts/.test(line)).length >= 3, 'read, read back, read');
  });

  for (const format of ['xml', 'json'] as const) {
    it(`format ${format}: reads and writes the device in ${format}`, async () => {
      await simulator();
      const { out, node } = await deploy({ format });
      node.receive({ payload: {} });
      const [msg] = await out.waitFor(1);
      assert.equal(msg.payload.format, format);
      assert.equal(msg.payload.changed, true);
      assert.equal(sim!.slots()[0].portNo, listenPort);
      if (format === 'json') assert.doesNotThrow(() => JSON.parse(msg.payload.raw) as unknown);
      else assert.match(msg.payload.raw, /<HttpHostNotificationList/);
    });
  }

  it('firmware that refuses JSON: auto falls back to XML, json is an error with the device\'s reason', async () => {
    await simulator({ refuseJson: true });
    const { out, caught, node } = await deploy();
    node.receive({ payload: {} });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.format, 'xml');
    assert.equal(msg.payload.changed, true);
    node.receive({ payload: { format: 'json', action: 'get' } });
    const [err] = await caught.waitFor(1);
    assert.equal(err.isapi?.httpStatus, 403);
    assert.match(err.error.message, /the device refused JSON \(\?format=json\): .*notSupport.*use format xml or auto/);
  });

  it('NVR: one slot in the isapi.org namespace is set; capabilities and test answer 403 with the permission hint', async () => {
    await simulator({ nvr: true });
    const { out, caught, node } = await deploy();
    node.receive({ payload: { format: 'xml' } });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.slots.length, 1);
    assert.match(msg.payload.raw, /isapi\.org/);
    assert.equal(msg.payload.slot?.portNo, listenPort);
    node.receive({ payload: { action: 'capabilities' } });
    node.receive({ payload: { action: 'test' } });
    const errors = await caught.waitFor(2);
    for (const err of errors) {
      assert.equal(err.isapi?.kind, 'forbidden');
      assert.equal(err.isapi.httpStatus, 403);
      assert.match(err.error.message, /Parameters Settings/);
    }
  });

  it('never overwrites another system\'s slot: an error lists the slots', async () => {
    const taken = [1, 2, 3].map((i) => ({ id: String(i), ipAddress: `10.0.0.${i}`, portNo: 9000 + i, url: '/other' }));
    await simulator({ slots: taken });
    const { out, caught, node } = await deploy();
    node.receive({ payload: {} });
    const [err] = await caught.waitFor(1);
    assert.match(err.error.message, /every httpHosts slot is in use/);
    assert.match(err.error.message, /1 → 10\.0\.0\.1:9001\/other, 2 → 10\.0\.0\.2:9002\/other, 3 → 10\.0\.0\.3:9003\/other/);
    assert.equal(out.messages.length, 0);
    assert.deepEqual(sim!.slots().map((s) => s.ipAddress), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    node.receive({ payload: { slot: '2' } });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.slot?.id, '2', 'an explicit slot is overwritten on request');
    assert.deepEqual(sim!.slots().map((s) => s.ipAddress), ['10.0.0.1', '127.0.0.1', '10.0.0.3']);
  });

  it('msg.payload overrides the settings: get reads without writing', async () => {
    await simulator();
    const { out, node } = await deploy();
    node.receive({ payload: { action: 'get' } });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.changed, false);
    assert.equal(msg.payload.slot, null);
    assert.equal(sim!.slots().filter((s) => s.enabled).length, 0);
    node.receive({ payload: { slot: 3, url: '/other-path', port: 9999, host: '10.1.2.3' } });
    const [, set] = await out.waitFor(2);
    assert.equal(set.payload.slot?.id, '3');
    assert.equal(sim!.slots()[2].ipAddress, '10.1.2.3');
    assert.equal(sim!.slots()[2].portNo, 9999);
    assert.equal(sim!.slots()[2].url, '/other-path');
  });

  it('bad settings in msg.payload are an error that names the field, and nothing reaches the device', async () => {
    await simulator();
    const { caught, node } = await deploy();
    node.receive({ payload: { action: 'delete' } });
    node.receive({ payload: { port: 70000 } });
    node.receive({ payload: { format: 'yaml' } });
    const errors = await caught.waitFor(3);
    assert.match(errors[0].error.message, /action must be get, set, test, capabilities or linkage, not "delete"/);
    assert.match(errors[1].error.message, /port must be 1-65535, not "70000"/);
    assert.match(errors[2].error.message, /format must be auto, xml or json, not "yaml"/);
    assert.equal(requests.filter((line) => / (GET|PUT|POST) /.test(line)).length, 0);
  });

  it('passes a 400 from the device through with its statusString and subStatusCode', async () => {
    await simulator();
    const { caught, node } = await deploy();
    node.receive({ payload: { protocolType: 'GOPHER' } });
    const [err] = await caught.waitFor(1);
    assert.equal(err.isapi?.httpStatus, 400);
    assert.ok(err.isapi.responseStatus?.subStatusCode);
    assert.ok(err.error.message.includes(err.isapi.responseStatus.subStatusCode));
  });

  it('a wrong password: one failed login, the lock-out warning, and nothing more sent', async () => {
    await simulator({ lockoutAttempts: 2 });
    const { out, caught, node } = await deploy({}, 'wrong-password');
    node.receive({ payload: {} });
    const [err] = await caught.waitFor(1);
    assert.equal(err.isapi?.kind, 'unauthorized');
    assert.match(err.error.message, /lock the account/);
    assert.doesNotMatch(err.error.message, /wrong-password/);
    assert.deepEqual(sim!.authState(), { failedAttempts: 1, locked: false }, 'one attempt, not retried');
    node.receive({ payload: {} });
    node.receive({ payload: {} });
    const errors = await caught.waitFor(3);
    assert.match(errors[2].error.message, /Not sent/);
    assert.equal(out.messages.length, 0);
    assert.deepEqual(sim!.authState(), { failedAttempts: 1, locked: false }, 'later inputs did not reach the device');
    // The account (it locks after 2 failures) still works with the right password.
    const client = new DigestClient({ host: '127.0.0.1', port: sim!.port, protocol: 'http', rejectUnauthorized: true, username: USER, password: PASSWORD });
    const res = await client.request({ method: 'GET', path: '/ISAPI/System/deviceInfo' });
    assert.equal(res.status, 200);
  });

  it('a stale nonce is renewed without an error', async () => {
    await simulator({ nonceTtlMs: 150 });
    const { out, node } = await deploy();
    node.receive({ payload: { action: 'get' } });
    await out.waitFor(1);
    await new Promise((r) => setTimeout(r, 400));
    node.receive({ payload: {} });
    const [, msg] = await out.waitFor(2);
    assert.equal(msg.payload.changed, true);
    assert.ok(requests.some((line) => line.includes('stale nonce')), 'the device did call the nonce stale');
    assert.equal(sim!.authState().failedAttempts, 0);
  });

  it('a device that offers only Basic gets no password unless the config allows Basic', async () => {
    await simulator({ authMethods: ['basic'] });
    const refused = await deploy();
    refused.node.receive({ payload: {} });
    const [err] = await refused.caught.waitFor(1);
    assert.equal(err.isapi?.kind, 'unauthorized');
    assert.match(err.error.message, /offers only Basic authentication/);
    assert.equal(refused.out.messages.length, 0);
    assert.equal(sim!.authState().failedAttempts, 0, 'no credentials reached the device');
    await helper.unload();
    const { out, node } = await deploy({}, PASSWORD, { allowBasicAuth: true });
    node.receive({ payload: {} });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.changed, true);
  });

  describe('HTTPS with the device\'s self-signed certificate', () => {
    it('works when the config accepts self-signed certificates, and says why when it does not', async function () {
      requireBinary(this, 'openssl');
      await simulator({ https: true });
      const { out, node } = await deploy();
      node.receive({ payload: {} });
      assert.equal((await out.waitFor(1))[0].payload.changed, true);
      await helper.unload();
      await loadFlow(nodes, [
        { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim!.port, protocol: 'https', rejectUnauthorized: true, listenPort },
        { id: 'hh', type: 'hikvision-httphosts', config: 'cfg', action: 'get', wires: [[]] },
        { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ], { cfg: { username: USER, password: PASSWORD } });
      const strict = collect<CaughtMsg>('caught');
      helper.getNode('hh').receive({ payload: {} });
      const [err] = await strict.waitFor(1);
      assert.equal(err.isapi?.kind, 'tls');
      assert.match(err.error.message, /self-signed/);
    });
  });

  it('onDeploy: applies when the flow starts', async () => {
    await simulator();
    const { out } = await deploy({ onDeploy: true });
    const [msg] = await out.waitFor(1);
    assert.equal(msg.payload.changed, true);
    assert.equal(sim!.slots()[0].portNo, listenPort);
  });

  it('unreachable device: a clear error, the status says so', async () => {
    await simulator();
    const closedPort = await freePort();
    await loadFlow(nodes, [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: closedPort, protocol: 'http', listenPort },
      { id: 'hh', type: 'hikvision-httphosts', config: 'cfg', action: 'get', slot: 'auto', format: 'auto', url: '/', wires: [[]] },
      { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ], { cfg: { username: USER, password: PASSWORD } });
    const seen = statuses('hh');
    const caught = collect<CaughtMsg>('caught');
    helper.getNode('hh').receive({ payload: {} });
    const [err] = await caught.waitFor(1);
    assert.equal(err.isapi?.kind, 'unreachable');
    assert.match(err.error.message, /refused the connection/);
    assert.ok(seen.some((s) => s.fill === 'red'));
  });

  describe('editor endpoints', () => {
    it('reads the slots with the deployed credentials and never returns them', async () => {
      await simulator();
      await deploy();
      const res = await helper.request().post('/hikvision/httphosts/slots').send({ config: 'cfg', format: 'xml' }).expect(200);
      const body = res.body as { format: string; slots: { id: string; inUse: boolean }[]; address: string };
      assert.equal(body.format, 'xml');
      assert.deepEqual(body.slots.map((s) => s.id), ['1', '2', '3']);
      assert.equal(body.address, '127.0.0.1');
      assert.ok(!JSON.stringify(res.body).includes(PASSWORD));
    });

    it('refuses to send the stored password to another address', async () => {
      await simulator();
      await deploy();
      const other = await freePort();
      const res = await helper.request().post('/hikvision/httphosts/slots').send({ config: 'cfg', host: '127.0.0.1', port: other }).expect(400);
      assert.match((res.body as { error: string }).error, /deploy it first, or type the password/);
    });

    it('uses typed credentials for a config node not deployed yet, and reports a refused login', async () => {
      await simulator();
      await deploy();
      const ok = await helper.request().post('/hikvision/httphosts/slots')
        .send({ host: '127.0.0.1', port: sim!.port, protocol: 'http', username: USER, password: PASSWORD }).expect(200);
      assert.equal((ok.body as { slots: unknown[] }).slots.length, 3);
      const refused = await helper.request().post('/hikvision/httphosts/slots')
        .send({ host: '127.0.0.1', port: sim!.port, protocol: 'http', username: USER, password: 'nope-nope' }).expect(401);
      assert.match((refused.body as { error: string }).error, /lock the account/);
      assert.ok(!JSON.stringify(refused.body).includes('nope-nope'));
    });

    it('tells the editor this machine\'s address toward the device', async () => {
      await simulator();
      await deploy();
      const res = await helper.request().get('/hikvision/local-address').query({ config: 'cfg' }).expect(200);
      assert.equal((res.body as { address: string }).address, '127.0.0.1');
    });
  });
});

describe('end to end: configure the device → it pushes → the listener emits', function () {
  this.timeout(20000);
  let sim: DeviceSimulator | undefined;

  beforeEach(async () => { await startServer(); });
  afterEach(async () => {
    await helper.unload();
    await stopServer();
    await sim?.close();
    sim = undefined;
  });

  it('the events the simulator pushes after set come out of hikvision-listener', async () => {
    sim = await startDeviceSimulator({ port: 0, username: USER, password: PASSWORD });
    const listenPort = await freePort();
    await loadFlow([nodeModule('hikvision-config'), nodeModule('hikvision-httphosts'), nodeModule('hikvision-listener')], [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim.port, protocol: 'http', listenPort, listenAuth: 'none' },
      { id: 'hh', type: 'hikvision-httphosts', config: 'cfg', action: 'set', slot: 'auto', format: 'auto', url: '/alarm', wires: [['configured']] },
      { id: 'configured', type: 'helper' },
      { id: 'listener', type: 'hikvision-listener', config: 'cfg', path: '/alarm', images: 'buffer', replays: 'tag', wires: [['events']] },
      { id: 'events', type: 'helper' },
    ], { cfg: { username: USER, password: PASSWORD } });
    const configured = collect<ResultMsg>('configured');
    const events = collect<NodeMessage & { topic: string; payload: { eventType: string } }>('events');
    helper.getNode('hh').receive({ payload: {} });
    const [done] = await configured.waitFor(1);
    assert.equal(done.payload.slot?.portNo, listenPort);
    const report = await sim.push();
    await eventually(() => events.messages.length > 0, 'an event from the listener');
    const [first] = events.messages;
    assert.ok(first.payload.eventType);
    assert.match(first.topic, /^hikvision\//);
    assert.ok(report);

    // test: the device sends a test notification through the slot, and the listener gets it.
    const before = events.messages.length;
    helper.getNode('hh').receive({ payload: { action: 'test' } });
    const [, tested] = await configured.waitFor(2);
    assert.equal(tested.payload.test?.statusCode, 1);
    assert.equal(tested.payload.slot?.portNo, listenPort);
    await eventually(() => events.messages.length > before, 'the test notification from the listener');
  });

  it('a listener that authenticates devices: the slot gets its credentials, and the device logs in', async () => {
    sim = await startDeviceSimulator({ port: 0, username: USER, password: PASSWORD });
    const listenPort = await freePort();
    const listenPassword = 'Listen-Secret-42';
    await loadFlow([nodeModule('hikvision-config'), nodeModule('hikvision-httphosts'), nodeModule('hikvision-listener')], [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim.port, protocol: 'http', listenPort, listenAuth: 'digest' },
      { id: 'hh', type: 'hikvision-httphosts', config: 'cfg', action: 'set', slot: 'auto', format: 'xml', url: '/secure', wires: [['configured']] },
      { id: 'configured', type: 'helper' },
      { id: 'listener', type: 'hikvision-listener', config: 'cfg', path: '/secure', images: 'none', replays: 'tag', wires: [['events']] },
      { id: 'events', type: 'helper' },
    ], { cfg: { username: USER, password: PASSWORD, listenUsername: 'camera', listenPassword } });
    const configured = collect<ResultMsg>('configured');
    const events = collect<NodeMessage & { payload: { eventType: string } }>('events');
    helper.getNode('hh').receive({ payload: {} });
    const [done] = await configured.waitFor(1);
    assert.equal(done.payload.slot?.httpAuthenticationMethod, 'MD5digest');
    assert.equal(done.payload.slot.userName, 'camera');
    assert.ok(!JSON.stringify(done.payload).includes(listenPassword), 'the password is not in the output');
    await sim.push();
    await eventually(() => events.messages.length > 0, 'an event through digest');
  });
});
