/**
 * The httpHosts node's settings without Node-RED: msg.payload overrides, the listener target the
 * slot gets, and the editor's device target (stored credentials only for the deployed address).
 */
import assert from 'node:assert/strict';
import type { DeviceTarget } from '../../../src/isapi/device-target';
import { editorTarget } from '../../../src/nodes/hikvision-httphosts/editor-slots';
import { resolveRequest, withOverrides, type HttpHostsDef } from '../../../src/nodes/hikvision-httphosts/http-hosts-request';
import type { ListenSettings } from '../../../src/server/listen-settings';
import { enUs } from '../../support/en-us-messages';

const RED = { _: enUs };

const DEF = {
  id: 'h1', type: 'hikvision-httphosts', name: '', z: '', config: 'c1', action: 'set', slot: 'auto', format: 'auto', url: '/alarm', host: '',
  port: '', protocolType: 'auto', parameterFormatType: '', httpAuthenticationMethod: 'auto', onDeploy: false,
} as HttpHostsDef;
const LISTEN: ListenSettings = { port: 8088, bind: '', auth: { mode: 'digest', username: 'cam', password: 'pw' }, allow: [] };
const DEVICE: DeviceTarget = { host: '192.168.1.64', port: 80, protocol: 'http', rejectUnauthorized: false, username: 'admin', password: 'stored' };

describe('httpHosts request', () => {
  it('takes msg.payload fields over the node settings, trimmed, strings or numbers', () => {
    const settings = withOverrides(DEF, { action: ' get ', port: 9000, host: { not: 'a string' } });
    assert.equal(settings.action, 'get');
    assert.equal(settings.port, '9000');
    assert.equal(settings.host, '');
    assert.equal(settings.url, '/alarm');
  });

  it('points the slot at the listener: detected host, listen port, digest with its credentials', () => {
    const request = resolveRequest(withOverrides(DEF, {}), { listen: LISTEN }, '192.168.1.10', RED);
    assert.deepEqual(request, {
      action: 'set', slot: 'auto', format: 'auto', centerRules: null,
      target: { host: '192.168.1.10', portNo: 8088, url: '/alarm', protocolType: 'HTTP', httpAuthenticationMethod: 'MD5digest', userName: 'cam', password: 'pw' },
    });
  });

  it('names the bad field', () => {
    assert.throws(() => resolveRequest(withOverrides(DEF, { action: 'delete' }), { listen: LISTEN }, 'h', RED), /action must be get, set, test, capabilities or linkage, not "delete"/);
    assert.throws(() => resolveRequest(withOverrides(DEF, { port: 70000 }), { listen: LISTEN }, 'h', RED), /port must be 1-65535, not "70000"/);
    assert.throws(() => resolveRequest(withOverrides(DEF, {}), { listen: LISTEN }, null, RED), /set "host"/);
  });

  it('uses the stored password only for the deployed device address', () => {
    const deployed = (id: string) => (id === 'c1' ? { device: DEVICE } : null);
    assert.equal(editorTarget(deployed, { config: 'c1', password: '__PWRD__' }, RED).password, 'stored');
    assert.throws(() => editorTarget(deployed, { config: 'c1', host: '203.0.113.9', password: '__PWRD__' }, RED), /differs from the deployed config node/);
    assert.equal(editorTarget(deployed, { config: 'c1', host: '203.0.113.9', password: 'typed' }, RED).password, 'typed');
    assert.throws(() => editorTarget(deployed, { host: '192.168.1.64' }, RED), /deploy the config node first/);
  });
});
