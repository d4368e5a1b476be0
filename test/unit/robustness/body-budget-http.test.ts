/**
 * The process-wide cap on body memory, over real HTTP: a listener route and an iSC receiver on one
 * port, both under the process's own budget (its defaults), attacked with large uploads that stall
 * just before their end, chunked and with a Content-Length. The attack is refused with 503 and
 * Retry-After, the bytes held stay under the limit, and small pushes keep getting through.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { EventNotify } from '../../../src/isc/event-notify';
import { IscNotifyReceiver } from '../../../src/isc/notify-receiver';
import { bodyBudget, DEFAULT_BODY_BUDGET } from '../../../src/net/body-budget';
import type { HikEvent } from '../../../src/push/hik-event';
import { PortRegistry, type RouteLease } from '../../../src/server/port-registry';
import { PushRoute } from '../../../src/server/push-route';
import { request } from '../../support/http';
import { eventuallyTrue } from './support/eventually';

const MB = 1024 * 1024;
const PIECE = 64 * 1024;
const PICTURE_PART = 4 * MB;

/** A large multipart upload (4 MB picture parts) that stops `short` bytes before its end and waits. */
class StalledUpload {
  private readonly socket: net.Socket;
  private answerText = '';
  sent = 0;
  private pieces = 0;

  constructor(port: number, path: string, private readonly total: number, private readonly chunked: boolean) {
    this.socket = net.connect(port, '127.0.0.1');
    const framing = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total + 1024}`;
    this.socket.on('connect', () => {
      this.socket.write(`POST ${path} HTTP/1.1\r\nHost: camera\r\nContent-Type: multipart/form-data; boundary=b\r\n${framing}\r\n\r\n`);
      this.pump();
    });
    this.socket.on('data', (data: Buffer) => { this.answerText += data.toString('latin1'); });
    this.socket.on('error', () => undefined);
  }

  get answer(): string {
    return this.answerText;
  }

  private pump(): void {
    while (this.sent < this.total && !this.socket.destroyed) {
      let piece = Buffer.alloc(PIECE, 0x55);
      if ((this.pieces++ * PIECE) % PICTURE_PART === 0) piece = Buffer.concat([Buffer.from('\r\n--b\r\nContent-Type: image/jpeg\r\n\r\n'), piece]);
      this.sent += piece.length;
      const framed = this.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
      if (!this.socket.write(framed)) {
        this.socket.once('drain', () => this.pump());
        return;
      }
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

const EVENT_XML = '<EventNotificationAlert><ipAddress>10.0.0.9</ipAddress><eventType>VMD</eventType></EventNotificationAlert>';
const NOTIFY = '{"method":"OnEventNotify","params":{"ability":"event_vss","events":[{"eventId":"small","eventType":131331}]}}';

describe('robustness: one cap on body memory across the listener and the iSC receiver, over HTTP', function () {
  this.timeout(60_000);
  let port: number;
  let listener: RouteLease<PushRoute>;
  let receiver: RouteLease<IscNotifyReceiver>;
  const events: HikEvent[] = [];
  const notified: EventNotify[] = [];
  const refusals: string[] = [];
  const errors: string[] = [];
  const iscErrors: string[] = [];
  const uploads: StalledUpload[] = [];

  before(async () => {
    const server = new PortRegistry().server({ port: 0, bind: '127.0.0.1' });
    listener = server.use('/alarm', 'Hikvision listener', () => new PushRoute({ port: 0, bind: '127.0.0.1', auth: { mode: 'none', username: '', password: '' }, allow: [] }));
    listener.route.subscribe({
      images: true,
      onEvents: (got) => { events.push(...got); },
      onError: (error) => { errors.push(error.code); },
      onRejected: (reason) => { refusals.push(reason); },
    });
    receiver = server.use('/isc', 'iSC receiver', () => new IscNotifyReceiver());
    receiver.route.attach({
      events: (notify) => { notified.push(notify); },
      malformed: (error) => { iscErrors.push(error.message); },
    });
    port = await server.ready();
  });
  after(async () => {
    for (const upload of uploads) upload.close();
    await receiver.release();
    await listener.release();
  });

  it('chunked uploads past the cap get 503 with Retry-After, the bytes held stay bounded, small pushes still pass', async () => {
    // three 15 MB bodies stalled before their end: together past what large bodies may hold
    const attack = [0, 1, 2].map(() => new StalledUpload(port, '/alarm', 15 * MB, true));
    uploads.push(...attack);
    await eventuallyTrue(() => attack.some((u) => u.answer !== ''), 'an answer to one of the uploads', 30_000);
    await eventuallyTrue(() => bodyBudget.readingBytes > 14 * MB, 'one of them read nearly whole', 30_000);
    const refused = attack.filter((u) => u.answer !== '');
    assert.ok(refused.length === 1 || refused.length === 2, `${refused.length} refused`);
    for (const upload of refused) {
      assert.match(upload.answer, /^HTTP\/1\.1 503 /);
      assert.match(upload.answer, /\r\nRetry-After: \d+\r\n/i);
    }
    assert.match(refusals[0], /push refused \(HTTP 503\)/);
    const limit = DEFAULT_BODY_BUDGET.limitBytes - DEFAULT_BODY_BUDGET.reserveBytes;
    assert.ok(bodyBudget.readingBytes <= limit, `${bodyBudget.readingBytes} bytes held, at most ${limit}`);

    // small pushes, chunked and with a length, to the listener and to the iSC receiver
    const plain = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml' }, body: EVENT_XML });
    assert.equal(plain.status, 200);
    const chunked = await request({ port, path: '/alarm', headers: { 'Content-Type': 'application/xml', 'Transfer-Encoding': 'chunked' }, body: EVENT_XML });
    assert.equal(chunked.status, 200);
    assert.equal((await request({ port, path: '/isc', headers: { 'Content-Type': 'application/json' }, body: NOTIFY })).status, 200);
    await eventuallyTrue(() => events.length === 2 && notified.length === 1, 'the small pushes delivered', 5000);
    assert.equal(events[0].eventType, 'VMD');
    assert.deepEqual(errors, []);

    // a large chunked push to the iSC receiver is refused the same way
    const isc = new StalledUpload(port, '/isc', 6 * MB, true);
    uploads.push(isc);
    await eventuallyTrue(() => isc.answer !== '', 'an answer from the iSC receiver', 30_000);
    assert.match(isc.answer, /^HTTP\/1\.1 503 /);
    assert.match(isc.answer, /\r\nRetry-After: \d+\r\n/i);
    await eventuallyTrue(() => iscErrors.length === 1, 'the refusal reported', 5000);
    assert.match(iscErrors[0], /^OnEventNotify body refused \(HTTP 503\)/);
  });

  it('an upload announcing a large Content-Length that does not fit waits, then gets 503 instead of being read', async () => {
    const announced = new StalledUpload(port, '/alarm', 15 * MB, false);
    uploads.push(announced);
    await eventuallyTrue(() => announced.answer !== '', 'an answer to the announced upload', DEFAULT_BODY_BUDGET.maxWaitMs + 15_000);
    assert.match(announced.answer, /^HTTP\/1\.1 503 /);
    assert.ok(announced.sent < 15 * MB, 'its body was not read');
    assert.ok(bodyBudget.readingBytes <= DEFAULT_BODY_BUDGET.limitBytes);
    // the attack ends: the memory is given back
    for (const upload of uploads) upload.close();
    await eventuallyTrue(() => bodyBudget.readingBytes === 0, 'every byte given back', 10_000);
  });
});
