/**
 * Secrets never show: a flow with a device (digest login), a listener that authenticates the device
 * (digest), an iSC platform (signed calls) — each once with right and once with wrong credentials —
 * runs its happy and failing paths inside Node-RED (4.1 or 5.0), and everything a user or another
 * program can see is captured: log lines, warnings, errors, statuses, every message sent (Catch
 * included), the package's editor endpoints and Node-RED's own /flows and /credentials. None of it
 * may contain a password, the appSecret, a password typed into the editor, or any digest response,
 * Basic token or Artemis signature that crossed the wire (recorded by proxies in between).
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { computeDigestResponse, formatDigestAuthorization, parseDigestChallenges } from '../../src/http-auth/digest';
import { portRegistry } from '../../src/server/port-registry';
import { startDeviceSimulator, type DeviceSimulator } from '../../src/simulator/device/device-simulator';
import { startPlatformSimulator, type PlatformSimulator } from '../../src/simulator/platform/platform-simulator';
import { collect, eventually, statuses } from '../support/flow';
import { freePort, request } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';
import { withEnUs } from '../support/en-us-messages';
import { startRecordingProxy, type RecordingProxy } from '../unit/robustness/support/recording-proxy';

const DEVICE_USER = 'admin';
const DEVICE_PASSWORD = 'Dev1ce-Passw0rd!';
const WRONG_DEVICE_PASSWORD = 'Wr0ng-Dev1ce-Pw';
const LISTEN_PASSWORD = 'L1sten-Secret#7';
const APP_KEY = 'AK-secrets-20394';
const APP_SECRET = 'AS-secret-Qm8rT5vX';
const WRONG_APP_SECRET = 'AS-wrong-Lp3nZ0';
const TYPED_PASSWORD = 'Typed-in-Editor-9';

// Messages rendered from the en-US catalogue: the helper's own RED._ returns bare keys, which
// would hide whatever a message's parameters carry.
const nodes = [
  ...withEnUs(['hikvision-config', 'hikvision-listener', 'hikvision-httphosts', 'hikvision-isc', 'hikvision-isc-subscribe'].map(nodeModule)),
  coreNode('common/25-catch.js'),
];
const IDS = ['cfg', 'cfgWrong', 'listener', 'hh', 'hhWrong', 'platform', 'platformWrong', 'sub', 'subWrong', 'events', 'hhOut', 'iscOut', 'iscAnswers', 'caught'];

describe(`robustness: secrets never show on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(30_000);
  let device: DeviceSimulator;
  let platform: PlatformSimulator;
  const proxies: RecordingProxy[] = [];
  /** Everything seen: node calls (log, warn, error, status, send) and HTTP answers to the editor. */
  const seen: unknown[] = [];

  before(async () => {
    await startServer();
    device = await startDeviceSimulator({ port: 0, username: DEVICE_USER, password: DEVICE_PASSWORD, lockoutAttempts: 50 });
    platform = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
  });
  after(async () => {
    await helper.unload();
    await stopServer();
    for (const proxy of proxies) await proxy.close();
    await device.close();
    await platform.close();
  });

  it('no password, appSecret, typed password, digest response or signature in any output', async () => {
    const listenPort = await freePort();
    const iscPort = await freePort();
    const deviceProxy = await startRecordingProxy(() => device.port);
    const listenerProxy = await startRecordingProxy(() => listenPort);
    const platformProxy = await startRecordingProxy(() => platform.port);
    proxies.push(deviceProxy, listenerProxy, platformProxy);
    const at = { z: 'tab', x: 100, y: 100 };
    const deviceConfig = { host: '127.0.0.1', port: deviceProxy.port, protocol: 'http', rejectUnauthorized: false, listenPort, listenAuth: 'digest', allowList: '' };
    const subscribe = { subType: 'raw', eventLvl: '', listenPort: iscPort, unsubscribeOnClose: true, resubscribeInterval: 0 };
    await loadFlow(nodes, [
      { id: 'tab', type: 'tab' },
      { id: 'cfg', type: 'hikvision-config', ...deviceConfig },
      { id: 'cfgWrong', type: 'hikvision-config', ...deviceConfig, listenAuth: 'none' },
      { id: 'listener', type: 'hikvision-listener', ...at, config: 'cfg', path: '/alarm', images: 'none', replays: 'tag', wires: [['events']] },
      { id: 'hh', type: 'hikvision-httphosts', ...at, config: 'cfg', action: 'set', slot: 'auto', format: 'auto', url: '/alarm', host: '127.0.0.1', port: listenerProxy.port, protocolType: 'auto', parameterFormatType: '', httpAuthenticationMethod: 'auto', onDeploy: false, wires: [['hhOut']] },
      { id: 'hhWrong', type: 'hikvision-httphosts', ...at, config: 'cfgWrong', action: 'get', slot: 'auto', format: 'auto', url: '/', host: '127.0.0.1', port: '', onDeploy: false, wires: [[]] },
      { id: 'platform', type: 'hikvision-isc', host: '127.0.0.1', port: platformProxy.port, protocol: 'http', rejectUnauthorized: false },
      { id: 'platformWrong', type: 'hikvision-isc', host: '127.0.0.1', port: platformProxy.port, protocol: 'http', rejectUnauthorized: false },
      { id: 'sub', type: 'hikvision-isc-subscribe', ...at, ...subscribe, platform: 'platform', eventTypes: '131331', path: '/isc/a', callbackUrl: `http://127.0.0.1:${iscPort}/isc/a`, wires: [['iscOut'], ['iscAnswers']] },
      { id: 'subWrong', type: 'hikvision-isc-subscribe', ...at, ...subscribe, platform: 'platformWrong', eventTypes: '131329', path: '/isc/b', callbackUrl: `http://127.0.0.1:${iscPort}/isc/b`, wires: [[], []] },
      { id: 'events', type: 'helper', ...at },
      { id: 'hhOut', type: 'helper', ...at },
      { id: 'iscOut', type: 'helper', ...at },
      { id: 'iscAnswers', type: 'helper', ...at },
      { id: 'catcher', type: 'catch', ...at, scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', ...at },
    ], {
      cfg: { username: DEVICE_USER, password: DEVICE_PASSWORD, listenUsername: 'camera', listenPassword: LISTEN_PASSWORD },
      cfgWrong: { username: DEVICE_USER, password: WRONG_DEVICE_PASSWORD },
      platform: { appKey: APP_KEY, appSecret: APP_SECRET },
      platformWrong: { appKey: APP_KEY, appSecret: WRONG_APP_SECRET },
    });
    for (const id of IDS) {
      const node = helper.getNode(id) as unknown as EventEmitter | null;
      for (const call of ['log', 'warn', 'error', 'status', 'send', 'debug', 'trace']) node?.on(`call:${call}`, (c: { args: unknown[] }) => seen.push(c.args));
    }
    const subStatus = statuses('sub');
    const wrongStatus = statuses('subWrong');
    const events = collect('events');
    const hhOut = collect('hhOut');
    const iscOut = collect('iscOut');
    const iscAnswers = collect('iscAnswers');
    const caught = collect('caught');

    // The device: set the slot (digest both ways: to the device, and the device to the listener), push, test.
    helper.getNode('hh').receive({ payload: {} });
    await hhOut.waitFor(1);
    await device.push();
    await eventually(() => events.messages.length > 0, 'events through the authenticated listener');
    helper.getNode('hh').receive({ payload: { action: 'test' } });
    await hhOut.waitFor(2);
    // A wrong device password: refused once, then not sent again.
    helper.getNode('hhWrong').receive({ payload: {} });
    helper.getNode('hhWrong').receive({ payload: {} });
    await caught.waitFor(2);

    // A device answering the listener's challenge with a wrong password.
    const first = await request({ port: listenPort, path: '/alarm', headers: { 'Content-Type': 'application/xml' }, body: '<EventNotificationAlert/>' });
    const [challenge] = parseDigestChallenges(first.headers['www-authenticate']);
    const wrongResponse = computeDigestResponse({ algorithm: challenge.algorithm, username: 'camera', password: 'not-it', realm: challenge.realm, method: 'POST', uri: '/alarm', nonce: challenge.nonce, qop: 'auth', nc: '00000001', cnonce: 'c1' });
    const authorization = formatDigestAuthorization({ username: 'camera', realm: challenge.realm, nonce: challenge.nonce, uri: '/alarm', algorithm: challenge.algorithm, response: wrongResponse, qop: 'auth', nc: '00000001', cnonce: 'c1' });
    assert.equal((await request({ port: listenPort, path: '/alarm', headers: { 'Content-Type': 'application/xml', Authorization: authorization }, body: '<x/>' })).status, 401);

    // The platform: subscribed with the right secret, events and actions; refused with the wrong one.
    await eventually(() => subStatus.some((s) => /^subscribed/.test(s.text ?? '')), 'subscribed');
    await eventually(() => wrongStatus.some((s) => /^0x02401003, retry/.test(s.text ?? '')), 'the refusal in the status');
    await platform.pushEvents({ kinds: ['motion'] });
    await iscOut.waitFor(1);
    helper.getNode('sub').receive({ payload: 'view' });
    helper.getNode('subWrong').receive({ payload: 'view' });
    await iscAnswers.waitFor(1);
    await caught.waitFor(3);

    // The editor's endpoints (the package's, and Node-RED's own flows and credentials).
    const editor = helper.request();
    // Node-RED's own editor API (GET /flows, /credentials), served by the helper's embedded runtime.
    const adminApp = (helper as unknown as { _RED: { httpAdmin: http.RequestListener } })._RED.httpAdmin;
    const adminServer = http.createServer(adminApp);
    await new Promise<void>((resolve) => adminServer.listen(0, '127.0.0.1', resolve));
    const adminGet = async (path: string) => {
      const answer = await request({ port: (adminServer.address() as AddressInfo).port, method: 'GET', path, headers: { 'Node-RED-API-Version': 'v2' } });
      assert.equal(answer.status, 200, path);
      return { status: answer.status, headers: answer.headers, text: answer.body.toString('utf8'), body: JSON.parse(answer.body.toString('utf8')) as unknown };
    };
    const answers = [
      await editor.get('/hikvision/local-address').expect(200),
      await editor.get('/hikvision/local-address').query({ config: 'cfg' }).expect(200),
      await editor.post('/hikvision/httphosts/slots').send({ config: 'cfg' }).expect(200),
      await editor.post('/hikvision/httphosts/slots').send({ config: 'cfg', password: '__PWRD__' }).expect(200),
      await editor.post('/hikvision/httphosts/slots').send({ host: '127.0.0.1', port: deviceProxy.port, protocol: 'http', username: DEVICE_USER, password: TYPED_PASSWORD }).expect(401),
      await editor.post('/hikvision/httphosts/slots').send({ config: 'cfg', host: '127.0.0.1', port: await freePort() }).expect(400),
      await adminGet('/flows'),
      await adminGet('/credentials/hikvision-config/cfg'),
      await adminGet('/credentials/hikvision-isc/platform'),
    ];
    adminServer.close();
    for (const answer of answers) seen.push(answer.status, answer.headers, answer.text);
    assert.deepEqual(answers[7].body, { username: DEVICE_USER, has_password: true, listenUsername: 'camera', has_listenPassword: true });
    assert.deepEqual(answers[8].body, { appKey: APP_KEY, has_appSecret: true });

    await helper.unload(); // closing unsubscribes: more signed calls, more log lines
    assert.deepEqual(portRegistry.openPorts(), []);

    const derived = [...deviceProxy.derived, ...listenerProxy.derived, ...platformProxy.derived, wrongResponse];
    assert.ok(deviceProxy.derived.length >= 2 && listenerProxy.derived.length >= 2 && platformProxy.derived.length >= 4, 'the proxies saw the exchanges');
    const everything = inspect([seen, helper.log().args], { depth: null, maxArrayLength: null, maxStringLength: null, breakLength: Infinity });
    const secrets = [DEVICE_PASSWORD, WRONG_DEVICE_PASSWORD, LISTEN_PASSWORD, APP_SECRET, WRONG_APP_SECRET, TYPED_PASSWORD, ...new Set(derived)];
    const leaked = secrets.filter((secret) => everything.includes(secret));
    assert.deepEqual(leaked, [], 'secrets found in the output');
    // The appKey is a user name, shown in the editor; it stays out of logs and messages all the same.
    assert.ok(!inspect([seen.filter((s) => !(typeof s === 'string' && s.includes('has_appSecret'))), helper.log().args], { depth: null, maxStringLength: null }).includes(APP_KEY));
    assert.ok(everything.length > 10_000, 'a lot was captured');
  });
});
