/** Paths as routes and callback URLs use them: one normalisation for both. */
import assert from 'node:assert/strict';
import { defaultCallbackUrl } from '../../../src/isc/callback-url';
import { normalisePath, requestPath, withoutQuery } from '../../../src/net/url-path';
import { isRecord } from '../../../src/util/is-record';

describe('url paths and the record guard', () => {
  it('normalises a configured path: any path, a leading slash, no trailing one', () => {
    assert.equal(normalisePath(''), null);
    assert.equal(normalisePath(' * '), null);
    assert.equal(normalisePath(undefined), null);
    assert.equal(normalisePath('alarm/'), '/alarm');
    assert.equal(normalisePath('/'), '/');
    assert.equal(defaultCallbackUrl(8089, 'isc/events/', '10.0.0.2'), 'http://10.0.0.2:8089/isc/events');
  });

  it('routes a request by its path without query and trailing slashes', () => {
    assert.equal(withoutQuery('/alarm/?a=1'), '/alarm/');
    assert.equal(requestPath('/alarm//?x'), '/alarm');
    assert.equal(requestPath(undefined), '/');
  });

  it('takes plain objects as records, not arrays, null or Buffers', () => {
    assert.equal(isRecord({ a: 1 }), true);
    assert.equal(isRecord(Object.create(null)), true);
    for (const value of [null, undefined, [], 'x', 1, Buffer.from('x')]) assert.equal(isRecord(value), false, String(value));
  });
});
