/**
 * Faults around the nodes inside Node-RED (4.1 or 5.0) that the node tests do not cover yet: an
 * HTTPS listener meeting plain HTTP and stalled handshakes (one clear warning, still serving), and
 * an iSC platform that is down or has a certificate the node refuses at deploy (retries with growing
 * delays the status shows, one warning per distinct problem, no crash).
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { portRegistry, SERVER_TIMEOUTS } from '../../src/server/port-registry';
import { startPlatformSimulator, type PlatformSimulator } from '../../src/simulator/platform/platform-simulator';
import { SIMULATOR_TLS } from '../../src/simulator/platform/simulator-certificate';
import { collect, eventually, statuses } from '../support/flow';
import { freePort, rawExchange } from '../support/http';
import { helper, loadFlow, nodeModule } from '../support/node-red';
import { enUs, withEnUs } from '../support/en-us-messages';

type FlowNode = { id: string; type: string } & Record<string, unknown>;
const nodes = withEnUs([nodeModule('hikvision-config'), nodeModule('hikvision-listener'), nodeModule('hikvision-isc'), nodeModule('hikvision-isc-subscribe')]);
const APP_KEY = 'faults-key';
const APP_SECRET = 'faults-secret-55Ab';

/** Resolves once something accepts TCP connections on the port. */
async function listening(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function warnings(id: string): string[] {
  const heard: string[] = [];
  (helper.getNode(id) as unknown as EventEmitter).on('call:warn', (call: { args: unknown[] }) => heard.push(String(call.args[0])));
  return heard;
}

describe(`robustness: an HTTPS listener meeting broken TLS clients on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(20_000);
  const saved = { ...SERVER_TIMEOUTS };
  let dir: string;

  before(() => {
    Object.assign(SERVER_TIMEOUTS, { headersMs: 800, requestMs: 3000, checkMs: 200 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-robust-tls-'));
    fs.writeFileSync(path.join(dir, 'cert.pem'), SIMULATOR_TLS.cert);
    fs.writeFileSync(path.join(dir, 'key.pem'), SIMULATOR_TLS.key);
  });
  after(() => {
    Object.assign(SERVER_TIMEOUTS, saved);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await helper.unload();
    assert.deepEqual(portRegistry.openPorts(), []);
  });

  it('plain HTTP and a handshake that never comes: one warning that says what happened, and HTTPS pushes still arrive', async () => {
    const port = await freePort();
    await loadFlow(nodes, [
      { id: 'tab', type: 'tab' },
      { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none', listenTls: true, tlsCert: path.join(dir, 'cert.pem'), tlsKey: path.join(dir, 'key.pem') },
      { id: 'listener', type: 'hikvision-listener', z: 'tab', config: 'cfg', path: '', images: 'none', replays: 'tag', wires: [['out']] },
      { id: 'out', type: 'helper', z: 'tab' },
    ] as FlowNode[], { cfg: {} });
    const heard = warnings('listener');
    const out = collect('out');
    await listening(port);

    const plain = await rawExchange(port, 'POST /alarm HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', 3000);
    assert.doesNotMatch(plain, /^HTTP\/1\.1 200/);
    const stalled = await new Promise<number>((resolve) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
    });
    assert.ok(stalled < 5000, 'the stalled handshake was cut off');
    await eventually(() => heard.length > 0, 'a warning');
    assert.match(heard[0], new RegExp(`^${enUs('hikvision-listener.errors.client-tls', { port, code: 'X' }).replace(/[().]/g, '\\$&').replace('X', '[A-Z_ ]+')}$`));
    assert.equal(heard.length, 1, 'the handshake timeout within the same minute is held back');

    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/alarm', rejectUnauthorized: false, agent: false, headers: { 'Content-Type': 'application/xml' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('<EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert>');
    });
    assert.equal(status, 200);
    await out.waitFor(1);
  });
});

describe(`robustness: an iSC platform that fails at deploy on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout(20_000);
  let sim: PlatformSimulator | undefined;
  let listenPort: number;

  function flow(platformPort: number, protocol: 'http' | 'https', rejectUnauthorized: boolean): FlowNode[] {
    return [
      { id: 'tab', type: 'tab' },
      { id: 'platform', type: 'hikvision-isc', z: 'tab', host: '127.0.0.1', port: platformPort, protocol, rejectUnauthorized },
      {
        id: 'sub', type: 'hikvision-isc-subscribe', z: 'tab', x: 100, y: 100, platform: 'platform', eventTypes: '131331', subType: 'raw', eventLvl: '',
        listenPort, path: '/isc/events', callbackUrl: `http://127.0.0.1:${listenPort}/isc/events`, unsubscribeOnClose: false, resubscribeInterval: 0, wires: [[], []],
      },
    ];
  }

  beforeEach(async () => { listenPort = await freePort(); });
  afterEach(async () => {
    const logged = JSON.stringify(helper.log().args);
    await helper.unload();
    await sim?.close();
    sim = undefined;
    assert.ok(!logged.includes(APP_SECRET), 'appSecret in the log');
    assert.ok(!portRegistry.openPorts().includes(listenPort));
  });

  it('platform down: the status shows each retry with a growing delay, one warning, and it subscribes once the platform is up', async () => {
    const platformPort = await freePort();
    await loadFlow(nodes, flow(platformPort, 'http', false), { platform: { appKey: APP_KEY, appSecret: APP_SECRET } });
    const seen = statuses('sub');
    const heard = warnings('sub');
    await eventually(() => seen.some((s) => s.text === 'platform unreachable, retry in 2s'), `the second retry (saw ${seen.map((s) => s.text).join(' | ')})`, 10_000);
    const delays = seen.map((s) => /retry in (\d+)s$/.exec(s.text ?? '')?.[1]).filter((d): d is string => d !== undefined).map(Number);
    assert.deepEqual(delays, [1, 2]);
    assert.ok(seen.filter((s) => s.text?.startsWith('platform unreachable')).every((s) => s.fill === 'red'));
    assert.equal(heard.length, 1, 'the same failure is warned about once');
    assert.match(heard[0], /^subscribe failed: connection refused by http:\/\/127\.0\.0\.1:\d+\/artemis\/.*platform down or wrong port; retrying$/);

    sim = await startPlatformSimulator({ port: platformPort, appKey: APP_KEY, appSecret: APP_SECRET });
    await eventually(() => seen.some((s) => /^subscribed/.test(s.text ?? '')), 'subscribed', 10_000);
    assert.equal(sim.subscriptions().length, 1);
  });

  it('a platform certificate the node refuses: "TLS error" in the status and a warning that says what to change', async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, https: true });
    await loadFlow(nodes, flow(sim.port, 'https', true), { platform: { appKey: APP_KEY, appSecret: APP_SECRET } });
    const seen = statuses('sub');
    const heard = warnings('sub');
    await eventually(() => seen.some((s) => s.text === 'TLS error, retry in 1s'), `the TLS status (saw ${seen.map((s) => s.text).join(' | ')})`);
    await eventually(() => heard.length > 0, 'a warning');
    assert.match(heard[0], /certificate .* rejected .*turn off certificate verification/);
    assert.equal(sim.subscriptions().length, 0);
    assert.equal(collect('sub').messages.length, 0);
  });
});
