/** The config and iSC subscribe nodes' properties read without Node-RED. */
import assert from 'node:assert/strict';
import { deviceTarget, listenSettings, type HikvisionConfigDef } from '../../../src/nodes/hikvision-config/config-settings';
import { failureLabel, seconds } from '../../../src/nodes/hikvision-isc-subscribe/subscribe-controller';
import { readSubscribeSettings, subscriptionRequest, type IscSubscribeDef } from '../../../src/nodes/hikvision-isc-subscribe/subscribe-settings';
import { ArtemisError } from '../../../src/isc/artemis-error';
import { enUs } from '../../support/en-us-messages';

const RED = { _: enUs };

describe('node settings', () => {
  it('config: the device with default ports, the listen settings, an unreadable certificate as listenError', () => {
    const def = { host: ' 192.168.1.64 ', port: '', protocol: 'https', listenPort: 'x', listenBind: '', listenAuth: 'digest', listenTls: true, tlsCert: '/nonexistent/cert.pem', tlsKey: '/nonexistent/key.pem', allowList: '10.0.0.1, 10.0.1.*' } as unknown as HikvisionConfigDef;
    const creds = { username: 'admin', password: 'pw', listenUsername: 'cam', listenPassword: 'lp' };
    assert.deepEqual(deviceTarget(def, creds), { host: '192.168.1.64', port: 443, protocol: 'https', rejectUnauthorized: false, username: 'admin', password: 'pw', allowBasic: false });
    const { listen, listenError } = listenSettings(def, creds, RED);
    assert.equal(listen.port, 8088);
    assert.deepEqual(listen.auth, { mode: 'digest', username: 'cam', password: 'lp' });
    assert.deepEqual(listen.allow, ['10.0.0.1', '10.0.1.*']);
    assert.match(listenError ?? '', /^cannot read TLS certificate\/key: ENOENT/);
  });

  it('iSC subscribe: defaults, the subscription body, and the short failure labels', () => {
    const def = { eventTypes: '198914, 131331', subType: 'linkage', eventLvl: '3,2', listenPort: '', path: '', callbackUrl: 'http://nat.example:9000/cb', resubscribeInterval: '' } as unknown as IscSubscribeDef;
    const settings = readSubscribeSettings(def);
    assert.equal(settings.listenPort, 8089);
    assert.equal(settings.path, '/isc/events');
    assert.equal(settings.resubscribeMs, 3_600_000);
    assert.deepEqual(subscriptionRequest({ ...settings, callbackUrl: 'http://nat.example:9000/cb' }), {
      eventTypes: [198914, 131331], eventDest: 'http://nat.example:9000/cb', subType: 1, eventLvl: [2, 3],
    });
    assert.equal(seconds(RED, 90_000), '2min');
    assert.equal(seconds(RED, 5_000), '5s');
    assert.equal(failureLabel(RED, new Error('x')), 'error');
    assert.equal(failureLabel(RED, new ArtemisError('refused', { kind: 'platform', code: '0x02401003' })), '0x02401003');
    assert.equal(failureLabel(RED, new ArtemisError('down', { kind: 'network', code: 'ECONNREFUSED' })), 'platform unreachable');
  });
});
