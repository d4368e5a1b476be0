/**
 * The Artemis signer on worked examples built by hand from the rules in isc-artemis.md: each
 * expected string to sign is written out literally, and each expected signature is computed here
 * with node:crypto over that literal (two were also computed with `openssl dgst -hmac`).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import {
  artemisContentMd5,
  artemisResource,
  artemisStringToSign,
  signArtemisRequest,
} from '../../../src/isc/sign-artemis-request';

const SECRET = 'TestSecret0123456789';
const KEY = '24681357';
const NONCE = '3f2c8a1e-5b7d-4c9e-8f10-a2b3c4d5e6f7';
const TIMESTAMP = '1790000000000';
const SUBSCRIBE = '/artemis/api/eventService/v1/eventSubscriptionByEventTypes';

function hmac(text: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(Buffer.from(text, 'utf8')).digest('base64');
}

const caHeaders = { 'x-ca-key': KEY, 'x-ca-nonce': NONCE, 'x-ca-timestamp': TIMESTAMP };

describe('signArtemisRequest', () => {
  it('signs the usual call: Accept and Content-Type by value, x-ca-* sorted, path with /artemis', () => {
    const signed = signArtemisRequest({
      method: 'POST',
      path: SUBSCRIBE,
      headers: { Accept: '*/*', 'Content-Type': 'application/json', ...caHeaders },
    }, SECRET);
    const expected = [
      'POST', '*/*', 'application/json',
      `x-ca-key:${KEY}`, `x-ca-nonce:${NONCE}`, `x-ca-timestamp:${TIMESTAMP}`,
      SUBSCRIBE,
    ].join('\n');
    assert.equal(signed.stringToSign, expected);
    assert.equal(signed.headers['x-ca-signature-headers'], 'x-ca-key,x-ca-nonce,x-ca-timestamp');
    // Known answer, computed with openssl dgst -sha256 -hmac over the same text.
    assert.equal(signed.headers['x-ca-signature'], 'rGDdX471tpwK5gRg0wfgLOpDakkX8kEQkPJ+9VbrA4I=');
    assert.equal(signed.headers['x-ca-signature'], hmac(expected));
    assert.equal(signed.headers['Content-Type'], 'application/json');
    assert.equal(signed.headers.Accept, '*/*');
  });

  it('puts Accept, Content-MD5, Content-Type and Date in that order, whatever order they come in', () => {
    const body = '{"eventTypes":[131329]}';
    const md5 = createHash('md5').update(body).digest('base64');
    const date = 'Wed, 25 Nov 2026 08:00:00 GMT';
    const signed = signArtemisRequest({
      method: 'POST',
      path: SUBSCRIBE,
      headers: { Date: date, 'Content-Type': 'application/json', 'x-ca-key': KEY, 'Content-MD5': md5, Accept: 'application/json' },
    }, SECRET);
    const expected = ['POST', 'application/json', md5, 'application/json', date, `x-ca-key:${KEY}`, SUBSCRIBE].join('\n');
    assert.equal(signed.stringToSign, expected);
    assert.equal(signed.headers['x-ca-signature'], hmac(expected));
    assert.equal(artemisContentMd5(body), md5);
  });

  it('leaves absent optional headers out entirely (no empty lines)', () => {
    const noAccept = signArtemisRequest({ method: 'POST', path: SUBSCRIBE, headers: { 'Content-Type': 'application/json', 'x-ca-key': KEY } }, SECRET);
    assert.equal(noAccept.stringToSign, `POST\napplication/json\nx-ca-key:${KEY}\n${SUBSCRIBE}`);
    assert.equal(noAccept.headers['x-ca-signature'], hmac(`POST\napplication/json\nx-ca-key:${KEY}\n${SUBSCRIBE}`));

    const noContentType = signArtemisRequest({ method: 'POST', path: SUBSCRIBE, headers: { Accept: '*/*', 'x-ca-key': KEY } }, SECRET);
    assert.equal(noContentType.stringToSign, `POST\n*/*\nx-ca-key:${KEY}\n${SUBSCRIBE}`);

    const dateOnly = signArtemisRequest({ method: 'GET', path: '/artemis/api/x', headers: { Date: 'D', 'x-ca-key': KEY } }, SECRET);
    assert.equal(dateOnly.stringToSign, `GET\nD\nx-ca-key:${KEY}\n/artemis/api/x`);

    const md5Only = signArtemisRequest({ method: 'POST', path: '/artemis/api/x', headers: { 'Content-MD5': 'M', 'x-ca-key': KEY } }, SECRET);
    assert.equal(md5Only.stringToSign, `POST\nM\nx-ca-key:${KEY}\n/artemis/api/x`);

    const none = signArtemisRequest({ method: 'POST', path: '/artemis/api/x', headers: { 'x-ca-key': KEY } }, SECRET);
    assert.equal(none.stringToSign, `POST\nx-ca-key:${KEY}\n/artemis/api/x`);
    assert.equal(none.headers['x-ca-signature'], hmac(`POST\nx-ca-key:${KEY}\n/artemis/api/x`));
  });

  it('signs an optional header that is present but empty as an empty line', () => {
    const signed = signArtemisRequest({ method: 'POST', path: '/artemis/a', headers: { Accept: '', 'x-ca-key': KEY } }, SECRET);
    assert.equal(signed.stringToSign, `POST\n\nx-ca-key:${KEY}\n/artemis/a`);
  });

  it('sorts query parameters by name and writes an empty value as the name alone', () => {
    const path = '/artemis/api/eventService/v1/eventSubscriptionView';
    const signed = signArtemisRequest({
      method: 'POST', path, params: { b: '', a: '1' }, headers: { 'Content-Type': 'application/json', 'x-ca-key': KEY },
    }, SECRET);
    assert.equal(signed.stringToSign, `POST\napplication/json\nx-ca-key:${KEY}\n${path}?a=1&b`);
    // Known answer, computed with openssl.
    assert.equal(signed.headers['x-ca-signature'], 'wzf2YpHKPUur5oBcLd96KIcS1M63nceRB4+Ys6hHmfU=');
  });

  it('sorts parameter names by code unit (upper case before "_" before lower case) and keeps values raw', () => {
    assert.equal(artemisResource('/artemis/p', { a: '1', _z: '3', B: '2' }), '/artemis/p?B=2&_z=3&a=1');
    assert.equal(artemisResource('/artemis/p', { q: 'a b&c', w: '门2' }), '/artemis/p?q=a b&c&w=门2');
    assert.equal(artemisResource('/artemis/p', { k: '   ' }), '/artemis/p?k');
    assert.equal(artemisResource('/artemis/p', {}), '/artemis/p');
    assert.equal(artemisResource('/artemis/p', { ' ': 'x' }), '/artemis/p');
  });

  it('hashes non-ASCII text as UTF-8', () => {
    const signed = signArtemisRequest({ method: 'POST', path: '/artemis/p', params: { name: '门2' }, headers: { 'x-ca-key': KEY } }, SECRET);
    assert.equal(signed.headers['x-ca-signature'], hmac(`POST\nx-ca-key:${KEY}\n/artemis/p?name=门2`));
  });

  it('signs every x-ca-* header (names lower-cased, sorted) and no other header', () => {
    const signed = signArtemisRequest({
      method: 'post',
      path: '/artemis/p',
      headers: {
        'User-Agent': 'node', 'X-Ca-Timestamp': TIMESTAMP, 'X-Ca-Key': KEY, 'x-ca-stage': 'RELEASE', 'X-Ca-Nonce': NONCE,
        'x-ca-signature': 'stale', 'x-ca-signature-headers': 'stale',
      },
    }, SECRET);
    const expected = `POST\nx-ca-key:${KEY}\nx-ca-nonce:${NONCE}\nx-ca-stage:RELEASE\nx-ca-timestamp:${TIMESTAMP}\n/artemis/p`;
    assert.equal(signed.stringToSign, expected);
    assert.equal(signed.headers['x-ca-signature-headers'], 'x-ca-key,x-ca-nonce,x-ca-stage,x-ca-timestamp');
    assert.equal(signed.headers['x-ca-signature'], hmac(expected));
    assert.equal(signed.headers['User-Agent'], 'node');
  });

  it('signs a blank x-ca-* value as "name:"', () => {
    const signed = signArtemisRequest({ method: 'POST', path: '/artemis/p', headers: { 'x-ca-key': KEY, 'x-ca-nonce': '  ' } }, SECRET);
    assert.equal(signed.stringToSign, `POST\nx-ca-key:${KEY}\nx-ca-nonce:\n/artemis/p`);
  });

  it('changes the signature when the secret, a signed header or the path changes', () => {
    const base = { method: 'POST', path: SUBSCRIBE, headers: { Accept: '*/*', 'Content-Type': 'application/json', ...caHeaders } };
    const reference = signArtemisRequest(base, SECRET).headers['x-ca-signature'];
    assert.notEqual(signArtemisRequest(base, `${SECRET}x`).headers['x-ca-signature'], reference);
    assert.notEqual(signArtemisRequest({ ...base, headers: { ...base.headers, 'Content-Type': 'application/json;charset=UTF-8' } }, SECRET).headers['x-ca-signature'], reference);
    assert.notEqual(signArtemisRequest({ ...base, path: SUBSCRIBE.replace('/artemis', '') }, SECRET).headers['x-ca-signature'], reference);
  });

  it('builds the string from a given list of signed header names (how a gateway verifies)', () => {
    const text = artemisStringToSign({ method: 'POST', path: '/artemis/p', headers: { 'x-ca-key': KEY, 'x-ca-nonce': NONCE } }, ['x-ca-key']);
    assert.equal(text, `POST\nx-ca-key:${KEY}\n/artemis/p`);
  });
});
