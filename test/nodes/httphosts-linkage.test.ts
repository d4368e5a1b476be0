/**
 * The httpHosts node's linkage (Notify Surveillance Center) in a real Node-RED against the device
 * simulator: one node on deploy points a factory-fresh camera here and switches center on; the
 * linkage action reports the triggers; a user without the right gets an error naming it.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import type { LinkageOutcome } from '../../src/isapi/event-trigger-linkage';
import type { HttpHostsOutcome } from '../../src/isapi/http-hosts-configurator';
import { startDeviceSimulator, type DeviceSimulator, type DeviceSimulatorOptions } from '../../src/simulator/device/device-simulator';
import { collect } from '../support/flow';
import { freePort } from '../support/http';
import { coreNode, helper, loadFlow, nodeModule, startServer, stopServer } from '../support/node-red';

interface SetMsg extends NodeMessage {
  payload: HttpHostsOutcome & { linkage?: LinkageOutcome };
}
interface LinkageMsg extends NodeMessage {
  payload: LinkageOutcome;
}
interface CaughtMsg extends NodeMessage {
  error: { message: string };
  isapi?: { kind: string; httpStatus?: number; responseStatus?: { subStatusCode?: string } };
}

describe('hikvision-httphosts node: notifyCenter and linkage (device simulator)', function () {
  this.timeout(20000);
  const nodes = [nodeModule('hikvision-config'), nodeModule('hikvision-httphosts'), coreNode('common/25-catch.js')];
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

  async function deploy(props: Record<string, unknown>, options: DeviceSimulatorOptions = {}) {
    sim = await startDeviceSimulator(options);
    await loadFlow(nodes, [
      { id: 'cfg', type: 'hikvision-config', host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, listenPort, listenAuth: 'none' },
      {
        id: 'hh', type: 'hikvision-httphosts', config: 'cfg', action: 'set', slot: 'auto', format: 'auto', url: '/alarm', host: '', port: '',
        protocolType: 'auto', parameterFormatType: '', httpAuthenticationMethod: 'auto', onDeploy: false, notifyCenter: '', wires: [['out']], ...props,
      },
      { id: 'out', type: 'helper' },
      { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ], { cfg: { username: 'admin', password: 'hik12345' } });
    return { node: helper.getNode('hh'), caught: collect<CaughtMsg>('caught') };
  }

  it('on deploy with notifyCenter: the slot, then center switched on for the named triggers', async () => {
    await deploy({ onDeploy: true, notifyCenter: 'VMD, linedetection' });
    const out = collect<SetMsg>('out');
    const [msg] = await out.waitFor(1);
    assert.ok(sim);
    assert.equal(msg.payload.slot?.portNo, listenPort);
    assert.equal(sim.slots()[0].portNo, listenPort);
    assert.deepEqual(msg.payload.linkage?.changed, ['VMD-1', 'linedetection-1']);
    assert.match(sim.triggerText('VMD-1') ?? '', /<notificationMethod>center<\/notificationMethod>/);
    assert.doesNotMatch(sim.triggerText('tamper-1') ?? '', /center/);
  });

  it('action linkage without notifyCenter only reads', async () => {
    const { node } = await deploy({ action: 'linkage' });
    const out = collect<LinkageMsg>('out');
    node.receive({ payload: 'go' });
    const [msg] = await out.waitFor(1);
    assert.deepEqual(msg.payload.changed, []);
    const field = msg.payload.triggers.find((t) => t.id === 'fielddetection-1');
    assert.deepEqual(field, { id: 'fielddetection-1', eventType: 'fielddetection', channel: 1, center: true, methods: ['center'] });
    assert.equal(msg.payload.triggers.find((t) => t.id === 'VMD-1')?.center, false);
  });

  it('403 for a user without the right: an error naming it, with the device status', async () => {
    const { node, caught } = await deploy({ action: 'linkage', notifyCenter: '*' }, { triggerRight: false });
    node.receive({ payload: 'go' });
    const [msg] = await caught.waitFor(1);
    assert.match(msg.error.message, /Notify Surveillance Center/);
    assert.equal(msg.isapi?.httpStatus, 403);
    assert.equal(msg.isapi.responseStatus?.subStatusCode, 'noPermission');
  });

  it('a bad notifyCenter is a settings error that names the entry', async () => {
    const { node, caught } = await deploy({ action: 'linkage', notifyCenter: 'VMD:9-1' });
    node.receive({ payload: 'go' });
    const [msg] = await caught.waitFor(1);
    assert.match(msg.error.message, /bad channels "9-1"/);
  });
});
