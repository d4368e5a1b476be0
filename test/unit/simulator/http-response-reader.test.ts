import assert from 'node:assert/strict';
import { HttpProtocolError, HttpResponseReader, type RawResponse } from '../../../src/simulator/push/http-response-reader';

/** Feeds a response one byte at a time: framing must not depend on how TCP splits it. */
function byteByByte(text: string, end = false): RawResponse | null {
  const reader = new HttpResponseReader();
  const bytes = Buffer.from(text, 'latin1');
  let response: RawResponse | null = null;
  for (let i = 0; i < bytes.length && !response; i++) response = reader.feed(bytes.subarray(i, i + 1));
  return response ?? (end ? reader.end() : null);
}

describe('simulator: reading the listener\'s answers', () => {
  it('frames a body by Content-Length and keeps the connection', () => {
    const r = byteByByte('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    assert.ok(r);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'hello');
    assert.equal(r.keepAlive, true);
  });

  it('decodes a chunked body with extensions and trailers', () => {
    const r = byteByByte('HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\nWWW-Authenticate: Digest a\r\nWWW-Authenticate: Basic b\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n');
    assert.ok(r);
    assert.equal(r.body.toString(), 'abcde');
    assert.deepEqual(r.headers['www-authenticate'], ['Digest a', 'Basic b']);
  });

  it('reads to the end of the connection when there is no length, and skips 100 Continue', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil close';
    assert.equal(byteByByte(text), null);
    const r = byteByByte(text, true);
    assert.ok(r);
    assert.equal(r.body.toString(), 'until close');
    assert.equal(r.keepAlive, false);
  });

  it('says when the server closes the connection or Connection: close', () => {
    const r = byteByByte('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    assert.equal(r?.keepAlive, false);
  });

  it('refuses what is not HTTP, bad lengths, bad chunks and cut answers', () => {
    assert.throws(() => new HttpResponseReader().feed(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), HttpProtocolError);
    assert.throws(() => new HttpResponseReader().feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')), HttpProtocolError);
    assert.throws(() => new HttpResponseReader().feed(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')), HttpProtocolError);
    const cut = new HttpResponseReader();
    assert.equal(cut.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')), null);
    assert.throws(() => cut.end(), /middle of a response/);
    assert.throws(() => new HttpResponseReader().end(), /before a response/);
  });

  it('refuses an endless head and an oversized body', () => {
    const reader = new HttpResponseReader();
    assert.throws(() => reader.feed(Buffer.alloc(70 * 1024, 0x41)), /head too large/);
    assert.throws(() => new HttpResponseReader().feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n')), /too large/);
  });
});
