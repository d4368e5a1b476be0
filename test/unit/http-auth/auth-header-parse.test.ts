/** The authentication header reader: what it must still understand, and what it refuses unread. */
import assert from 'node:assert/strict';
import {
  MAX_AUTH_HEADER_CHARS, offersBasic, parseAuthParams, parseDigestAuthorization, parseDigestChallenges,
} from '../../../src/http-auth/digest';

describe('authentication header parsing', () => {
  it('reads quoted values with commas and escapes, unquoted values and odd spacing', () => {
    const params = parseAuthParams('realm="IP Camera(C1234), lobby", nonce = abc ,qop="auth,auth-int", opaque="a\\"b\\\\c", stale=FALSE');
    assert.equal(params.get('realm'), 'IP Camera(C1234), lobby');
    assert.equal(params.get('nonce'), 'abc');
    assert.equal(params.get('qop'), 'auth,auth-int');
    assert.equal(params.get('opaque'), 'a"b\\c');
    assert.equal(params.get('stale'), 'FALSE');
  });

  it('finds every Digest challenge among several schemes in one header, whatever the quotes hold', () => {
    const header = 'Basic realm="Digest realm=x, nonce=y", Digest realm="cam", nonce="n1", qop="auth", algorithm=SHA-256, Bearer, Digest realm="cam", nonce="n2"';
    const challenges = parseDigestChallenges(header);
    assert.deepEqual(challenges.map((c) => [c.nonce, c.algorithm]), [['n1', 'SHA-256'], ['n2', 'MD5']]);
    assert.equal(offersBasic(header), true);
    assert.equal(offersBasic('Digest realm="Basic", nonce="n"'), false, 'Basic inside a quoted value is not an offer');
    assert.equal(offersBasic(['Digest realm="x", nonce="n"', 'Basic realm="x"']), true);
  });

  it('reads a device\'s Authorization answer', () => {
    const creds = parseDigestAuthorization('Digest username="device", realm="node-red-hikvision", nonce="abc", uri="/alarm?x=1", algorithm=MD5, response="0123", qop=auth, nc=00000002, cnonce="cc"');
    assert.deepEqual(creds, {
      username: 'device', realm: 'node-red-hikvision', nonce: 'abc', uri: '/alarm?x=1', algorithm: 'MD5', response: '0123',
      qop: 'auth', nc: '00000002', cnonce: 'cc', opaque: undefined,
    });
    assert.equal(parseDigestAuthorization('Basic dXNlcjpwdw=='), null);
  });

  it(`refuses headers longer than ${MAX_AUTH_HEADER_CHARS} characters unread, and survives hostile shapes`, () => {
    const valid = 'Digest username="d", realm="r", nonce="n", uri="/", response="x"';
    assert.ok(parseDigestAuthorization(valid));
    assert.equal(parseDigestAuthorization(`${valid}, pad="${'a'.repeat(MAX_AUTH_HEADER_CHARS)}"`), null);
    assert.deepEqual(parseDigestChallenges(`Digest realm="r", nonce="n", pad=${'a'.repeat(MAX_AUTH_HEADER_CHARS)}`), []);
    for (const hostile of ['Digest ' + 'a'.repeat(4000), 'Digest ' + '"'.repeat(4000), 'Digest ' + 'a=,'.repeat(1300), 'Digest username="' + '\\'.repeat(4000)]) {
      assert.equal(parseDigestAuthorization(hostile), null);
    }
  });
});
