/**
 * The callback receiver on a real shared server: answers 200 to every OnEventNotify (also the
 * malformed ones, which reach the sinks as errors with the raw body), 413 to oversized bodies,
 * and reports bodies cut off by a closed connection.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { EventNotify, EventNotifyError } from '../../../src/isc/event-notify';
import { IscNotifyReceiver, type NotifySink } from '../../../src/isc/notify-receiver';
import { PortRegistry, type RouteLease } from '../../../src/server/port-registry';
import { freePort, rawExchange, request } from '../../support/http';
import { readSample } from '../../support/samples';

interface Collected {
  notifies: EventNotify[];
  errors: EventNotifyError[];
  sink: NotifySink;
  /** Resolves once `n` notifies and errors in all have arrived. */
  until(n: number): Promise<void>;
}

function collector(): Collected {
  const notifies: EventNotify[] = [];
  const errors: EventNotifyError[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (notifies.length + errors.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    notifies,
    errors,
    sink: {
      events: (notify) => { notifies.push(notify); check(); },
      malformed: (error) => { errors.push(error); check(); },
    },
    until: (n) => new Promise((resolve) => { waiters.push({ n, resolve }); check(); }),
  };
}

describe('IscNotifyReceiver', () => {
  let registry: PortRegistry;
  let port: number;
  let lease: RouteLease<IscNotifyReceiver>;
  let got: Collected;

  beforeEach(async () => {
    registry = new PortRegistry();
    port = await freePort();
    lease = registry.server({ port, bind: '127.0.0.1' }).use('/isc/events', 'iSC receiver', () => new IscNotifyReceiver({ maxBodyBytes: 256 * 1024 }));
    await lease.server.ready();
    got = collector();
    lease.route.attach(got.sink);
  });
  afterEach(() => lease.release());

  it('answers 200 and hands over the parsed events', async () => {
    const body = readSample('isc/13-acs-196893-face-auth-mq.json').toString('utf8');
    const res = await request({ port, path: '/isc/events', body, headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 200);
    await got.until(1);
    assert.equal(got.notifies[0].events[0].eventType, 196893);
    assert.equal(got.errors.length, 0);
  });

  it('answers 200 to a malformed body and reports it with the raw text', async () => {
    const res = await request({ port, path: '/isc/events', body: '{"method":"OnEventNotify","params":{"ev' });
    assert.equal(res.status, 200);
    await got.until(1);
    assert.equal(got.errors[0].raw, '{"method":"OnEventNotify","params":{"ev');
    assert.match(got.errors[0].message, /not JSON/);
  });

  it('answers 200 to an empty POST and reports it', async () => {
    const res = await request({ port, path: '/isc/events', body: '' });
    assert.equal(res.status, 200);
    await got.until(1);
    assert.match(got.errors[0].message, /empty/);
  });

  it('refuses an oversized body with 413 (declared length) and reports it', async () => {
    const body = 'x'.repeat(300 * 1024);
    const res = await request({ port, path: '/isc/events', body });
    assert.equal(res.status, 413);
    await got.until(1);
    assert.match(got.errors[0].message, /413/);
    assert.equal(got.notifies.length, 0);
  });

  it('refuses an oversized chunked body with 413 and reports its first bytes', async () => {
    const chunk = `{"method":"OnEventNotify",${' '.repeat(64 * 1024)}`;
    const raw = ['POST /isc/events HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', '', ''].join('\r\n')
      + Array.from({ length: 6 }, () => `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`).join('') + '0\r\n\r\n';
    const answer = await rawExchange(port, raw);
    assert.match(answer, /^HTTP\/1\.1 413/);
    await got.until(1);
    assert.ok(got.errors[0].raw.startsWith('{"method":"OnEventNotify"'));
  });

  it('reports a body cut off by a closed connection', async () => {
    await new Promise<void>((resolve, reject) => {
      // Half-close after a partial body: the bytes arrive, then the end of the stream.
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end('POST /isc/events HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"method":"OnEventNotify","params":{');
      });
      socket.resume();
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await got.until(1);
    assert.match(got.errors[0].message, /cut off/);
    assert.equal(got.errors[0].raw, '{"method":"OnEventNotify","params":{');
  });

  it('answers 405 to anything but POST', async () => {
    const res = await request({ port, path: '/isc/events', method: 'GET' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'POST');
  });

  it('serves several POSTs on one kept-alive connection', async () => {
    const body = readSample('isc/03-vss-131331-motion-detection-doc.json').toString('utf8');
    const one = `POST /isc/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const answer = await rawExchange(port, one + one + one, 1000);
    assert.equal(answer.match(/HTTP\/1\.1 200/g)?.length, 3);
    await got.until(3);
    assert.equal(got.notifies.length, 3);
  });

  it('feeds every attached sink, and stops feeding a detached one', async () => {
    const second = collector();
    const detach = lease.route.attach(second.sink);
    const body = readSample('isc/06-io-589825-alarm-input-doc.json').toString('utf8');
    await request({ port, path: '/isc/events', body });
    await Promise.all([got.until(1), second.until(1)]);
    detach();
    await request({ port, path: '/isc/events', body });
    await got.until(2);
    assert.equal(second.notifies.length, 1);
  });

  it('keeps serving when a sink throws', async () => {
    lease.route.attach({ events: () => { throw new Error('sink failure'); }, malformed: () => { throw new Error('sink failure'); } });
    const res = await request({ port, path: '/isc/events', body: readSample('isc/06-io-589825-alarm-input-doc.json').toString('utf8') });
    assert.equal(res.status, 200);
    await got.until(1);
    const again = await request({ port, path: '/isc/events', body: 'garbage' });
    assert.equal(again.status, 200);
    await got.until(2);
  });
});
