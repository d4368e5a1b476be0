/**
 * Digest answers pinned to literal values computed outside this code base, so a change to the
 * hashing (the -sess session key, the auth-int body hash) fails here even though the client and the
 * test servers share digest.ts.
 *
 * How the literals were made:
 * - RFC 7616 section 3.9.1: the MD5 and SHA-256 responses printed in the RFC.
 * - The others by hand with openssl, step by step, e.g. for MD5-sess with auth-int:
 *     HA1=$(printf '%s' 'admin:IP Camera(C1234):hik12345' | openssl dgst -md5 -r | cut -d' ' -f1)
 *     HA1S=$(printf '%s' "$HA1:4e6f6e6365:0a4f113b" | openssl dgst -md5 -r | cut -d' ' -f1)
 *     HB=$(printf '%s' '<HttpHostNotification><id>1</id></HttpHostNotification>' | openssl dgst -md5 -r | cut -d' ' -f1)
 *     HA2=$(printf '%s' "PUT:/ISAPI/Event/notification/httpHosts/1:$HB" | openssl dgst -md5 -r | cut -d' ' -f1)
 *     printf '%s' "$HA1S:4e6f6e6365:00000001:0a4f113b:auth-int:$HA2" | openssl dgst -md5
 *   and the same with -sha256 (and no body hash, A2 = "GET:/ISAPI/System/deviceInfo") for SHA-256-sess;
 *   cross-checked with a separate Python hashlib script.
 */
import assert from 'node:assert/strict';
import { computeDigestResponse } from '../../../src/http-auth/digest';
import { digestAuthorization } from '../../../src/isapi/digest-client';

const RFC_NONCE = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
const RFC_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const BODY = Buffer.from('<HttpHostNotification><id>1</id></HttpHostNotification>');
const CAMERA = { username: 'admin', password: 'hik12345', realm: 'IP Camera(C1234)', nonce: '4e6f6e6365', cnonce: '0a4f113b' };

describe('digest: responses pinned to independently computed vectors', () => {
  for (const [algorithm, expected] of [
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const) {
    it(`RFC 7616 section 3.9.1 example, ${algorithm}`, () => {
      assert.equal(computeDigestResponse({
        algorithm, username: 'Mufasa', password: 'Circle of Life', realm: 'http-auth@example.org', method: 'GET',
        uri: '/dir/index.html', nonce: RFC_NONCE, qop: 'auth', nc: '00000001', cnonce: RFC_CNONCE,
      }), expected);
    });
  }

  it('MD5-sess with qop=auth-int, as the ISAPI client sends it', () => {
    const header = digestAuthorization({
      challenge: { realm: CAMERA.realm, nonce: CAMERA.nonce, algorithm: 'MD5-sess', qop: ['auth-int'], stale: false },
      username: CAMERA.username, password: CAMERA.password, method: 'PUT', uri: '/ISAPI/Event/notification/httpHosts/1',
      nc: 1, cnonce: CAMERA.cnonce, body: BODY,
    });
    assert.match(header, /response="3a0a5f651c315991ae48accf7d7774d8"/);
    assert.match(header, /algorithm=MD5-sess/);
    assert.match(header, /qop=auth-int, nc=00000001, cnonce="0a4f113b"/);
  });

  it('SHA-256-sess with qop=auth, as the ISAPI client sends it', () => {
    const header = digestAuthorization({
      challenge: { realm: CAMERA.realm, nonce: CAMERA.nonce, algorithm: 'SHA-256-sess', qop: ['auth'], stale: false },
      username: CAMERA.username, password: CAMERA.password, method: 'GET', uri: '/ISAPI/System/deviceInfo',
      nc: 2, cnonce: CAMERA.cnonce,
    });
    assert.match(header, /response="06e6b6c16640e729febad9a4db2748df10694aaca93bd6f79adb5b4fab873e2f"/);
  });

  it('SHA-256 with qop=auth-int hashes the body', () => {
    assert.equal(computeDigestResponse({
      algorithm: 'SHA-256', username: CAMERA.username, password: CAMERA.password, realm: CAMERA.realm, method: 'PUT',
      uri: '/ISAPI/Event/notification/httpHosts/1', nonce: CAMERA.nonce, qop: 'auth-int', nc: '00000003', cnonce: CAMERA.cnonce, body: BODY,
    }), '77a0ea356f5ac2d2ef4dcbcb37de2efb355a0678fd69d3e14abff4df8fa114aa');
  });
});
