import assert from 'node:assert/strict';
import { DeviceActivity, normaliseAddress } from '../../../src/server/device-activity';
import { DeviceDirectory } from '../../../src/server/device-directory';

describe('device activity and directory', () => {
  it('counts events per port and address, IPv4-mapped or not', () => {
    const activity = new DeviceActivity();
    activity.record(8088, '::ffff:10.0.0.5', 2, 1000);
    activity.record(8088, '10.0.0.5', 1, 2000);
    activity.record(8089, '10.0.0.5', 5, 3000);
    activity.record(8088, '10.0.0.5', 0, 4000);
    assert.deepEqual(activity.read(8088, '10.0.0.5'), { total: 3, lastAt: 2000 });
    assert.deepEqual(activity.read(8089, '::ffff:10.0.0.5'), { total: 5, lastAt: 3000 });
    assert.deepEqual(activity.read(8088, '10.0.0.6'), { total: 0, lastAt: null });
    assert.equal(normaliseAddress('[FE80::1]'), 'fe80::1');
  });

  it('stays bounded under a flood of addresses', () => {
    const activity = new DeviceActivity();
    for (let i = 0; i < 5000; i++) activity.record(1, `10.0.${Math.floor(i / 256)}.${i % 256}`, 1, i);
    assert.equal(activity.read(1, '10.0.0.0').total, 0, 'the oldest went first');
    assert.equal(activity.read(1, '10.0.19.135').total, 1);
  });

  it('the directory hands out copies of what deviceInfo said', () => {
    const directory = new DeviceDirectory();
    directory.remember('::ffff:192.168.1.64', { deviceName: 'yard', model: 'DS-2CD2386G2-IU', serialNumber: 'S1', firmwareVersion: 'V5.7.18' });
    const a = directory.lookup('192.168.1.64');
    assert.deepEqual(a, { deviceName: 'yard', model: 'DS-2CD2386G2-IU', serialNumber: 'S1', firmwareVersion: 'V5.7.18' });
    a.deviceName = 'changed';
    assert.equal(directory.lookup('192.168.1.64')?.deviceName, 'yard');
    assert.equal(directory.lookup('192.168.1.65'), undefined);
  });
});
