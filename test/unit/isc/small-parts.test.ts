/**
 * The small pure pieces: callback URL defaults, event type lists, error hints and redaction, and
 * the platform simulator's command line.
 */
import assert from 'node:assert/strict';
import type os from 'node:os';
import { hintForArtemisCode, redactSecrets } from '../../../src/isc/artemis-error';
import { defaultCallbackUrl } from '../../../src/isc/callback-url';
import { localIPv4Address } from '../../../src/net/local-addresses';
import { parseEventLevels, parseEventTypeList } from '../../../src/isc/event-type-list';
import { platformOrigin } from '../../../src/isc/isc-platform';
import { parsePlatformArgs } from '../../../src/simulator/platform/cli';

function iface(address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo {
  return { address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, scopeid: 0 };
}

describe('callback URL', () => {
  it('picks the first external IPv4 address, preferring physical interfaces', () => {
    assert.equal(localIPv4Address({
      lo: [iface('127.0.0.1', 'IPv4', true)],
      docker0: [iface('172.17.0.1', 'IPv4')],
      eth0: [iface('fe80::1', 'IPv6'), iface('169.254.3.4', 'IPv4'), iface('10.0.0.5', 'IPv4')],
    }), '10.0.0.5');
  });

  it('falls back to a bridge address, then to null', () => {
    assert.equal(localIPv4Address({ lo: [iface('127.0.0.1', 'IPv4', true)], docker0: [iface('172.17.0.1', 'IPv4')] }), '172.17.0.1');
    assert.equal(localIPv4Address({ lo: [iface('127.0.0.1', 'IPv4', true)] }), null);
  });

  it('builds http://address:port/path with a normalised path', () => {
    assert.equal(defaultCallbackUrl(8089, '/isc/events', '10.0.0.5'), 'http://10.0.0.5:8089/isc/events');
    assert.equal(defaultCallbackUrl(8089, 'isc/events/', '10.0.0.5'), 'http://10.0.0.5:8089/isc/events');
    assert.equal(defaultCallbackUrl(8089, '', '10.0.0.5'), 'http://10.0.0.5:8089/');
    assert.equal(defaultCallbackUrl(8089, '/x', null), null);
  });
});

describe('event type lists', () => {
  it('reads comma, space or semicolon separated codes, and lists', () => {
    assert.deepEqual(parseEventTypeList('198914, 131331;1644175361 198914'), { codes: [198914, 131331, 1644175361], invalid: [] });
    assert.deepEqual(parseEventTypeList([198914, '131331']), { codes: [198914, 131331], invalid: [] });
    assert.deepEqual(parseEventTypeList(198914), { codes: [198914], invalid: [] });
  });

  it('names what is not a code', () => {
    assert.deepEqual(parseEventTypeList('198914, abc, 0, -5, 99999999999, 1.5').invalid, ['abc', '0', '-5', '99999999999', '1.5']);
    assert.deepEqual(parseEventTypeList([{}]).invalid, ['{}']);
    assert.deepEqual(parseEventTypeList(undefined), { codes: [], invalid: [] });
  });

  it('reads linkage levels 0-3 only', () => {
    assert.deepEqual(parseEventLevels('3,1, 2,9,x,1'), [1, 2, 3]);
    assert.deepEqual(parseEventLevels(''), []);
    assert.deepEqual(parseEventLevels([0, '2']), [0, 2]);
  });
});

describe('Artemis errors', () => {
  it('has hints for the codes in the platform docs, whatever the hex case', () => {
    for (const code of ['0x02401000', '0x02401001', '0x02401002', '0x02401003', '0x02401008', '0x0240101b', '0x0240101C', '0x0240101d', '0x02401021', '0x02401642', '0x02401010']) {
      assert.ok(hintForArtemisCode(code), code);
    }
    assert.equal(hintForArtemisCode('0x99999999'), undefined);
  });

  it('redacts every occurrence of each secret and ignores empty ones', () => {
    assert.equal(redactSecrets('k=ab s=cd k=ab', ['ab', 'cd', '']), 'k=*** s=*** k=***');
  });

  it('writes platform origins with bracketed IPv6 literals', () => {
    assert.equal(platformOrigin({ host: '10.0.0.1', port: 443, protocol: 'https' }), 'https://10.0.0.1:443');
    assert.equal(platformOrigin({ host: '::1', port: 80, protocol: 'http' }), 'http://[::1]:80');
  });
});

describe('hikvision-sim platform arguments', () => {
  it('has defaults for a quick demo', () => {
    const options = parsePlatformArgs([]);
    assert.equal(options.port, 8443);
    assert.equal(options.https, true);
    assert.equal(options.host, '127.0.0.1');
    assert.deepEqual(options.kinds, ['card', 'face', 'motion', 'intrusion', 'parking', 'linkage']);
  });

  it('reads every option, with or without the leading "platform"', () => {
    const options = parsePlatformArgs(['platform', '--port', '0', '--http', '--app-key', 'k', '--app-secret', 's', '--push', 'card,linkage', '--interval', '2', '--count', '3', '--per-post', '10']);
    assert.deepEqual(
      [options.port, options.https, options.appKey, options.appSecret, options.kinds, options.intervalSeconds, options.count, options.perPost],
      [0, false, 'k', 's', ['card', 'linkage'], 2, 3, 10],
    );
  });

  it('refuses unknown kinds, out-of-range numbers and unknown options', () => {
    assert.throws(() => parsePlatformArgs(['--push', 'card,boat']), /boat/);
    assert.throws(() => parsePlatformArgs(['--per-post', '51']), /per-post/);
    assert.throws(() => parsePlatformArgs(['--port', 'x']), /port/);
    assert.throws(() => parsePlatformArgs(['--nope']));
  });
});
