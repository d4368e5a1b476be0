/** The allow-list grammar: addresses, CIDR blocks, whole-octet wildcards; ambiguous prefixes refused. */
import assert from 'node:assert/strict';
import { compileAllowList } from '../../../src/server/allow-list';

function allows(entries: string[], remote: string): boolean {
  const compiled = compileAllowList(entries);
  assert.ok(compiled.ok, `the list ${entries.join(',')} is valid`);
  return compiled.matcher.allows(remote);
}

describe('allow-list', () => {
  it('matches CIDR blocks, plain and IPv4-mapped', () => {
    assert.equal(allows(['192.168.1.0/24'], '192.168.1.200'), true);
    assert.equal(allows(['192.168.1.0/24'], '::ffff:192.168.1.5'), true);
    assert.equal(allows(['192.168.1.0/24'], '192.168.10.5'), false);
    assert.equal(allows(['10.0.0.0/8'], '10.200.3.4'), true);
    assert.equal(allows(['fd00::/8'], 'fd12::1'), true);
  });

  it('matches whole-octet wildcards and the older trailing-dot form, never a longer octet', () => {
    for (const rule of ['192.168.1.*', '192.168.1.']) {
      assert.equal(allows([rule], '192.168.1.64'), true, rule);
      assert.equal(allows([rule], '::ffff:192.168.1.64'), true, rule);
      assert.equal(allows([rule], '192.168.10.64'), false, rule);
      assert.equal(allows([rule], '192.168.199.1'), false, rule);
    }
    assert.equal(allows(['10.*.*.*'], '10.9.8.7'), true);
    assert.equal(allows(['10.*'], '11.0.0.1'), false);
  });

  it('matches exact addresses, IPv4 against mapped clients, IPv6 as written', () => {
    assert.equal(allows(['192.168.1.5'], '::ffff:192.168.1.5'), true);
    assert.equal(allows(['192.168.1.5'], '192.168.1.50'), false);
    assert.equal(allows(['::ffff:192.168.1.5'], '192.168.1.5'), true);
    assert.equal(allows(['fe80::1'], 'fe80:0:0::1'), true);
    assert.equal(allows([], 'anything'), true, 'an empty list allows every device');
  });

  it('refuses ambiguous or malformed entries, naming the first', () => {
    for (const bad of ['192.168.1*', '192.168.*.1', '192.168.1.0/33', '192.168.1.0/', '*', '300.1.1.*', 'camera.local', '192.168.1.1/24x', 'fe80*']) {
      const compiled = compileAllowList(['10.0.0.1', bad]);
      assert.deepEqual(compiled, { ok: false, entry: bad }, bad);
    }
  });
});
