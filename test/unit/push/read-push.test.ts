import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { HikEvent } from '../../../src/push/hik-event';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PushError, RAW_KEEP_BYTES } from '../../../src/push/push-error';
import { DEFAULT_PUSH_LIMITS, readPush, type PushResult, type ReadPushOptions } from '../../../src/push/read-push';
import { freePort, request } from '../../support/http';
import { fakeJpeg, multipart, streamInPieces, streamOf, xmlEvent } from './push-bodies';

const MULTIPART = 'multipart/form-data; boundary=boundary';
const vmd = xmlEvent({ ipAddress: '10.0.0.5', channelID: '1', eventType: 'VMD', eventState: 'active' });
const plate = fakeJpeg(700, 11);
const scene = fakeJpeg(1300, 12);
const anpr = multipart('boundary', [
  { headers: ['Content-Disposition: form-data; name="anpr.xml";filename="anpr.xml"', 'Content-Type: application/xml'], data: xmlEvent({ eventType: 'ANPR', ANPR: '<licensePlate>京A12345</licensePlate>' }) },
  { headers: ['Content-Disposition: form-data;name="licensePlatePicture.jpg";filename="licensePlatePicture.jpg"', 'Content-Type: image/jpeg'], data: plate },
  { headers: ['Content-Disposition: form-data;name="detectionPicture.jpg";filename="detectionPicture.jpg"', 'Content-Type: image/jpeg'], data: scene },
]);

function options(overrides: Partial<ReadPushOptions> = {}): ReadPushOptions {
  return { contentType: MULTIPART, images: true, ...overrides };
}

/** What a user compares: the payloads with picture bytes as hex digests of equality. */
function summary(events: HikEvent[]): unknown {
  return events.map((event) => ({ ...event, images: event.images.map((image) => ({ ...image, data: image.data.toString('base64') })) }));
}

async function rejection(promise: Promise<unknown>): Promise<PushError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PushError, `rejected with ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('push parser: readPush from streams', () => {
  it('reads a multipart ANPR body and returns the events, pictures byte-exact, and the byte count', async () => {
    const result = await readPush(streamOf(anpr), options());
    assert.equal(result.bytes, anpr.length);
    assert.equal(result.events.length, 1);
    assert.equal((result.events[0].event.ANPR as Record<string, unknown>).licensePlate, '京A12345');
    assert.ok(result.events[0].images[0].data.equals(plate));
    assert.ok(result.events[0].images[1].data.equals(scene));
  });

  it('a boundary split across chunks at every byte position gives the same result as one piece', async () => {
    const expected = summary(parsePushBody(anpr, MULTIPART));
    for (let cut = 1; cut < anpr.length; cut++) {
      const result = await readPush(streamOf(anpr, [cut]), options());
      assert.deepEqual(summary(result.events), expected, `cut at ${cut}`);
    }
  });

  it('cuts on both sides of every delimiter, and one byte per chunk, give the same result', async () => {
    const expected = summary(parsePushBody(anpr, MULTIPART));
    for (let at = anpr.indexOf('--boundary'); at !== -1; at = anpr.indexOf('--boundary', at + 1)) {
      for (let before = 1; before <= 3; before++) {
        for (let inside = 1; inside <= 13; inside += 3) {
          const result = await readPush(streamOf(anpr, [at - before, at + inside]), options());
          assert.deepEqual(summary(result.events), expected);
        }
      }
    }
    const bytewise = await readPush(streamInPieces(anpr, 1), options());
    assert.deepEqual(summary(bytewise.events), expected);
  });

  it('random chunkings of quirky multipart bodies parse like the whole body (property)', async () => {
    const quirky = Buffer.from(anpr.toString('latin1').replace(/\r\n/g, '\n').replace('--boundary\n', '--boundary\n--boundary\n').replace(/--boundary--\n$/, ''), 'latin1');
    for (const body of [anpr, quirky]) {
      const expected = summary(parsePushBody(body, 'multipart/form-data; boundary=BOUNDARY'));
      await fc.assert(fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const result = await readPush(streamOf(body, cuts), options({ contentType: 'multipart/form-data; boundary=BOUNDARY' }));
        assert.deepEqual(summary(result.events), expected);
      }), { numRuns: 150 });
    }
  });

  it('non-multipart bodies (XML, JSON, form) arriving in pieces', async () => {
    const xml = Buffer.from(vmd);
    assert.equal((await readPush(streamInPieces(xml, 7), options({ contentType: 'application/xml' }))).events[0].eventType, 'VMD');
    const json = Buffer.from('  \r\n{"eventType":"heartBeat","channelID":1}');
    assert.equal((await readPush(streamInPieces(json, 1), options({ contentType: 'application/json' }))).events[0].eventType, 'heartBeat');
    const form = Buffer.from('eventType=IO&channelID=2');
    assert.equal((await readPush(streamInPieces(form, 3), options({ contentType: undefined }))).events[0].format, 'form');
  });

  it('several MB pass with the default limits (face-camera bodies reach 0.5-1 MB; a 1 MB limit caused resend loops)', async () => {
    const background = fakeJpeg(5 * 1024 * 1024, 3);
    const body = multipart('boundary', [
      { headers: ['Content-Disposition: form-data; name="faceCapture"', 'Content-Type: application/json'], data: '{"eventType":"faceCapture"}' },
      { headers: ['Content-Disposition: form-data; name="backgroundImage"; filename="backgroundImage.jpg"', 'Content-Type: image/jpeg'], data: background },
    ]);
    const result = await readPush(streamInPieces(body, 64 * 1024), options({ contentLength: body.length }));
    assert.ok(result.events[0].images[0].data.equals(background));
  });

  it('images: false keeps no picture bytes and returns images: []', async () => {
    const result = await readPush(streamInPieces(anpr, 100), options({ images: false }));
    assert.deepEqual(result.events[0].images, []);
    assert.equal(result.events[0].eventType, 'ANPR');
  });

  it('an empty body (or whitespace only) rejects with empty', async () => {
    assert.equal((await rejection(readPush(streamOf(Buffer.alloc(0)), options()))).code, 'empty');
    assert.equal((await rejection(readPush(streamOf(Buffer.from('\r\n \r\n')), options({ contentType: 'application/xml' })))).code, 'empty');
  });

  it('garbage bytes reject with malformed and keep the raw bytes', async () => {
    const garbage = Buffer.from([0x00, 0x01, 0x02, 0x7f, 0x80, 0x41, 0x42]);
    const err = await rejection(readPush(streamOf(garbage), options({ contentType: 'application/octet-stream' })));
    assert.equal(err.code, 'malformed');
    assert.ok(err.raw.equals(garbage));
    assert.equal(err.contentType, 'application/octet-stream');
  });

  it('a bare JPEG body without an event rejects with unsupported', async () => {
    assert.equal((await rejection(readPush(streamOf(fakeJpeg(5000)), options({ contentType: 'image/jpeg' })))).code, 'unsupported');
  });

  it('a body announced above maxBodyBytes rejects at once, without waiting for (or buffering) the body', async () => {
    const body = new Readable({ read() { /* the device is slow: nothing arrives */ } });
    const err = await rejection(readPush(body, options({ contentLength: DEFAULT_PUSH_LIMITS.maxBodyBytes + 1 })));
    assert.equal(err.code, 'too-large');
    body.destroy();
  });

  it('a body that grows past maxBodyBytes while streaming rejects with too-large; the rest is drained', async () => {
    let produced = 0;
    const chunk = fakeJpeg(64 * 1024);
    const body = new Readable({
      read() {
        if (produced === 0) this.push(anpr.subarray(0, anpr.lastIndexOf('--boundary--')));
        produced += chunk.length;
        this.push(produced <= 4 * 1024 * 1024 ? chunk : null);
      },
    });
    const ended = new Promise<void>((resolve) => body.on('end', resolve));
    const err = await rejection(readPush(body, options({ limits: { maxBodyBytes: 1024 * 1024 } })));
    assert.equal(err.code, 'too-large');
    assert.ok(err.raw.length > 0 && err.raw.length <= RAW_KEEP_BYTES);
    await ended; // nothing else reads it: it ends only because the parser kept draining
  });

  it('too many parts while streaming rejects with too-many-parts', async () => {
    const parts = Array.from({ length: 80 }, () => ({ headers: ['Content-Type: image/jpeg'], data: plate }));
    const body = multipart('boundary', [{ headers: ['Content-Type: application/xml'], data: vmd }, ...parts]);
    assert.equal((await rejection(readPush(streamInPieces(body, 4096), options()))).code, 'too-many-parts');
  });

  it('an event body above maxEventBytes rejects with too-large', async () => {
    const big = Buffer.from(xmlEvent({ eventType: 'VMD', filler: 'x'.repeat(5000) }));
    const err = await rejection(readPush(streamInPieces(big, 1000), options({ contentType: 'application/xml', limits: { maxEventBytes: 4096 } })));
    assert.equal(err.code, 'too-large');
  });

  it('a stream error rejects with aborted', async () => {
    const body = new Readable({ read() { /* pushed below */ } });
    const promise = readPush(body, options());
    body.push(anpr.subarray(0, 100));
    body.destroy(new Error('socket hang up'));
    const err = await rejection(promise);
    assert.equal(err.code, 'aborted');
  });

  it('a stream closed before its end rejects with aborted', async () => {
    const body = new Readable({ read() { /* pushed below */ } });
    const promise = readPush(body, options());
    body.push(anpr.subarray(0, 100));
    body.destroy();
    assert.equal((await rejection(promise)).code, 'aborted');
  });

  it('never throws synchronously: an already consumed stream or a non-stream rejects with PushError', async () => {
    const consumed = Readable.from([Buffer.from(vmd)]);
    consumed.resume();
    await new Promise((resolve) => consumed.on('end', resolve));
    assert.equal((await rejection(readPush(consumed, options()))).code, 'aborted');
    const notAStream = {} as NodeJS.ReadableStream;
    let promise: Promise<PushResult> | undefined;
    assert.doesNotThrow(() => { promise = readPush(notAStream, options()); });
    assert.ok(promise);
    await rejection(promise);
  });

  it('200 devices uploading 1 MB at once (pictures off): every body parses', async () => {
    const picture = fakeJpeg(64 * 1024);
    const head = Buffer.from(`--boundary\r\nContent-Type: application/xml\r\n\r\n${vmd}\r\n--boundary\r\nContent-Type: image/jpeg\r\n\r\n`);
    const upload = (): Readable => {
      let sent = 0;
      return new Readable({
        read() {
          if (sent === 0) this.push(head);
          else if (sent <= 16) this.push(picture);
          else {
            this.push('\r\n--boundary--\r\n');
            this.push(null);
          }
          sent++;
        },
      });
    };
    const results = await Promise.all(Array.from({ length: 200 }, () => readPush(upload(), options({ images: false }))));
    for (const result of results) {
      assert.equal(result.events[0].eventType, 'VMD');
      assert.ok(result.bytes > 1024 * 1024);
    }
  });
});

describe('push parser: readPush on real HTTP requests (loopback)', () => {
  let server: http.Server;
  let port: number;
  let outcomes: Promise<PushResult>[] = [];

  before(async () => {
    port = await freePort();
    server = http.createServer({ requireHostHeader: false }, (req, res) => {
      const length = req.headers['content-length'];
      const outcome = readPush(req, {
        contentType: req.headers['content-type'],
        contentLength: length === undefined ? undefined : Number(length),
        images: true,
        limits: { maxBodyBytes: 2 * 1024 * 1024 },
      });
      outcomes.push(outcome);
      outcome.then(() => res.end(), (err: unknown) => {
        res.statusCode = err instanceof PushError && err.code === 'too-large' ? 413 : 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    outcomes = [];
  });

  it('an XML push with Content-Length', async () => {
    const response = await request({ port, path: '/', headers: { 'content-type': 'application/xml' }, body: vmd });
    assert.equal(response.status, 200);
    const result = await outcomes[0];
    assert.equal(result.events[0].eventType, 'VMD');
    assert.equal(result.bytes, Buffer.byteLength(vmd));
  });

  it('a multipart push sent with chunked transfer encoding', async () => {
    const result = await new Promise<PushResult>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, headers: { 'content-type': MULTIPART, 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        res.on('end', () => { outcomes[0].then(resolve, reject); });
      });
      req.on('error', reject);
      for (let at = 0; at < anpr.length; at += 333) req.write(anpr.subarray(at, at + 333));
      req.end();
    });
    assert.ok(result.events[0].images[1].data.equals(scene));
  });

  it('an oversized push is refused with too-large and the device still gets its answer', async () => {
    const body = Buffer.concat([anpr, fakeJpeg(3 * 1024 * 1024)]);
    const response = await request({ port, path: '/', headers: { 'content-type': MULTIPART }, body });
    assert.equal(response.status, 413);
    const err = await rejection(outcomes[0]);
    assert.equal(err.code, 'too-large');
  });

  it('a device that disconnects in the middle of the body: aborted', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write(`POST / HTTP/1.1\r\nContent-Type: ${MULTIPART}\r\nContent-Length: ${anpr.length}\r\n\r\n`);
    socket.write(anpr.subarray(0, 500));
    while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    socket.destroy();
    assert.equal((await rejection(outcomes[0])).code, 'aborted');
  });
});
