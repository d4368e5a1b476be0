/**
 * The rate limit on warnings about clients: one per kind and interval, with the count of those held
 * back, and which server clientError codes deserve a warning at all.
 */
import assert from 'node:assert/strict';
import { clientErrorKind, WarningLimiter } from '../../../src/nodes/warning-limiter';

describe('robustness: warning limiter', () => {
  it('lets one warning of a kind through per interval and counts the ones held back', () => {
    let now = 1_000;
    const limiter = new WarningLimiter(60_000, () => now);
    assert.equal(limiter.take('rejected'), 0);
    for (let i = 0; i < 500; i++) assert.equal(limiter.take('rejected'), null);
    assert.equal(limiter.take('client'), 0, 'kinds are limited apart');
    now += 59_999;
    assert.equal(limiter.take('rejected'), null);
    now += 1;
    assert.equal(limiter.take('rejected'), 501, 'the next one says how many were held back');
    now += 60_000;
    assert.equal(limiter.take('rejected'), 0);
  });

  it('names stalled senders, failed TLS handshakes and non-HTTP bytes; resets are not worth a warning', () => {
    assert.equal(clientErrorKind('ERR_HTTP_REQUEST_TIMEOUT'), 'timeout');
    for (const code of ['TLS ERR_SSL_HTTP_REQUEST', 'ERR_SSL_HTTP_REQUEST', 'ERR_TLS_HANDSHAKE_TIMEOUT', 'TLS']) assert.equal(clientErrorKind(code), 'tls', code);
    for (const code of ['HPE_INVALID_METHOD', 'HPE_HEADER_OVERFLOW', 'ERR_SOMETHING']) assert.equal(clientErrorKind(code), 'malformed', code);
    for (const code of ['ECONNRESET', 'TLS ECONNRESET', 'EPIPE']) assert.equal(clientErrorKind(code), null, code);
  });
});
