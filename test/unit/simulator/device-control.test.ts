/** The simulator's test switches over plain HTTP: reboot (slots reset), offline, online, state; and --reboot-every. */
import assert from 'node:assert/strict';
import { CliUsageError, parseCli } from '../../../src/simulator/cli-args';
import { startDeviceSimulator, type DeviceSimulator } from '../../../src/simulator/device/device-simulator';
import { request } from '../../support/http';

describe('device simulator: control endpoint', () => {
  let sim: DeviceSimulator;
  afterEach(async () => { await sim.close(); });

  const control = async (path: string, method = 'POST') => {
    const res = await request({ port: sim.port, path: `/simulator/${path}`, method });
    return { status: res.status, body: JSON.parse(res.body.toString('utf8')) as Record<string, unknown> };
  };

  it('reboot resets every slot; offline drops ISAPI connections until online', async () => {
    sim = await startDeviceSimulator({ slots: [{ ipAddress: '10.0.0.5', portNo: 8088, url: '/alarm' }] });
    const changed: string[][] = [];
    sim.onSlotsChanged((ids) => changed.push(ids));
    const reboot = await control('reboot');
    assert.equal(reboot.status, 200);
    assert.deepEqual(reboot.body.changed, ['1']);
    assert.equal(sim.slots()[0].enabled, false);
    assert.equal(sim.slots()[0].ipAddress, '0.0.0.0');
    assert.deepEqual(changed, [['1']]);

    assert.equal((await control('offline')).body.offline, true);
    await assert.rejects(request({ port: sim.port, path: '/ISAPI/System/deviceInfo', method: 'GET' }));
    assert.equal((await control('state', 'GET')).body.offline, true, 'the control endpoint still answers');
    await control('online');
    const answer = await request({ port: sim.port, path: '/ISAPI/System/deviceInfo', method: 'GET' });
    assert.equal(answer.status, 401, 'back: the device asks for its login again');
    assert.equal(sim.requestCount(), 1, 'only the request while online reached ISAPI');
    assert.equal((await control('nothing')).status, 404);
    assert.equal((await control('reboot', 'GET')).status, 405);
  });

  it('--reboot-every S takes whole seconds', () => {
    const command = parseCli(['--reboot-every', '30'], {});
    assert.equal(command.command, 'device');
    assert.equal(command.device.rebootEveryMs, 30_000);
    assert.throws(() => parseCli(['--reboot-every', '0'], {}), CliUsageError);
  });
});
