/**
 * The rate limit on warnings about clients: one per kind and interval, with the count of those held
 * back, and which server clientError codes deserve a warning at all.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { LimitedErrors } from '../../../src/nodes/limited-errors';
import { LimitedLog } from '../../../src/nodes/limited-log';
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

describe('robustness: limited log', () => {
  it('writes one line of a kind per interval, the next saying how many were held back, and builds only the lines it writes', () => {
    let now = 1_000;
    const lines: string[] = [];
    let built = 0;
    const log = new LimitedLog((text) => lines.push(text), (count) => `(${count} more)`, 60_000, () => now);
    const text = () => { built++; return 'bad body'; };
    for (let i = 0; i < 300; i++) log.report('bad-body', text);
    assert.equal(log.report('client', () => 'not HTTP'), true, 'kinds are limited apart');
    assert.deepEqual(lines, ['bad body', 'not HTTP']);
    assert.equal(built, 1);
    now += 60_000;
    assert.equal(log.report('bad-body', text), true);
    assert.deepEqual(lines, ['bad body', 'not HTTP', 'bad body (299 more)']);
  });
});

describe('robustness: limited errors', () => {
  it('without a runtime to hand errors to Catch nodes, reports every one as node.error did', () => {
    const calls: [string, NodeMessage | undefined][] = [];
    const errors = new LimitedErrors({ error: (text, msg) => calls.push([text, msg]) }, (n) => `(${n} more)`);
    for (let i = 0; i < 3; i++) errors.report('bad-body', () => `bad ${i}`, { payload: i });
    assert.deepEqual(calls.map(([text, msg]) => [text, msg?.payload]), [['bad 0', 0], ['bad 1', 1], ['bad 2', 2]]);
  });
});
