/**
 * The push parser against real bodies broken at random (stored device samples and every push the
 * simulated device makes): each input gives events or a PushError, nothing else escapes, and
 * reading a body from a stream in any chunking gives exactly what parsing it whole gives.
 * test/unit/push/safety.test.ts covers random bytes and one mutated multipart body; this file
 * covers the real corpus, the streaming reader and the limits.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import type { HikEvent } from '../../../src/push/hik-event';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PushError, RAW_KEEP_BYTES, type PushErrorCode } from '../../../src/push/push-error';
import type { PushLimits } from '../../../src/push/push-limits';
import { readPush } from '../../../src/push/read-push';
import { streamOf } from '../push/push-bodies';
import { MB, memoryAfterGc } from './support/heap';
import { chunking, mutatedBody } from './support/mutate';
import { devicePushSamples, simulatorPushes, type RealBody } from './support/real-bodies';

const CODES: readonly PushErrorCode[] = ['too-large', 'too-many-parts', 'malformed', 'empty', 'aborted', 'unsupported'];

type Outcome = { events: HikEvent[] } | { code: PushErrorCode };

/** What a user of the listener gets: events with the documented shape, or a PushError. */
function checkedOutcome(run: () => HikEvent[]): Outcome {
  let events: HikEvent[];
  try {
    events = run();
  } catch (err) {
    assert.ok(err instanceof PushError, `not a PushError: ${String(err)}`);
    return checkedError(err);
  }
  checkEvents(events);
  return { events };
}

function checkedError(err: PushError): Outcome {
  assert.ok(CODES.includes(err.code), err.code);
  assert.ok(err.raw.length <= RAW_KEEP_BYTES);
  assert.ok(err.message.length > 0 && err.message.length < 300, err.message);
  return { code: err.code };
}

function checkEvents(events: HikEvent[]): void {
  assert.ok(events.length > 0, 'success means at least one event');
  for (const e of events) {
    assert.equal(typeof e.eventType, 'string');
    assert.equal(typeof e.eventState, 'string');
    assert.equal(typeof e.dateTime, 'string');
    assert.ok(e.channelID === null || Number.isFinite(e.channelID));
    assert.ok(e.activePostCount === null || Number.isFinite(e.activePostCount));
    assert.ok(['xml', 'json', 'form'].includes(e.format));
    assert.equal(typeof e.replay, 'boolean');
    assert.equal(Object.getPrototypeOf(e.event), Object.prototype);
    assertNoProtoKeys(e.event);
    for (const image of e.images) assert.ok(Buffer.isBuffer(image.data) && image.data.length > 0);
  }
}

function assertNoProtoKeys(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    assert.ok(!Object.hasOwn(value, '__proto__'), 'an own __proto__ key reached the event');
    stack.push(...(Object.values(value) as unknown[]));
  }
}

async function readOutcome(body: Buffer, cuts: number[], contentType: string | undefined, images: boolean, limits?: Partial<PushLimits>): Promise<Outcome> {
  try {
    const result = await readPush(streamOf(body, cuts), { contentType, images, contentLength: body.length, limits });
    assert.equal(result.bytes, body.length);
    checkEvents(result.events);
    return { events: result.events };
  } catch (err) {
    assert.ok(err instanceof PushError, `not a PushError: ${String(err)}`);
    return checkedError(err);
  }
}

function assertNoPollution(): void {
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
}

describe('robustness: the push parser on real bodies broken at random', () => {
  const corpus: RealBody[] = [...devicePushSamples(), ...simulatorPushes()];
  afterEach(assertNoPollution);

  it('reads every unbroken real body, whole and streamed byte-for-byte the same', async () => {
    for (const { name, body, contentType } of corpus) {
      const whole = checkedOutcome(() => parsePushBody(body, contentType));
      assert.ok('events' in whole, `${name}: ${JSON.stringify(whole)}`);
      assert.deepEqual(await readOutcome(body, [1, 2, 3, 5, 100, 1000, 5000], contentType, true), whole, name);
    }
  });

  it('mutated real bodies give events or a PushError, never anything else (property)', () => {
    fc.assert(fc.property(mutatedBody(corpus), fc.boolean(), (input, images) => {
      checkedOutcome(() => parsePushBody(input.body, input.contentType, { images }));
    }), { numRuns: 600 });
  });

  it('a mutated body read from a stream in any chunking gives what parsing it whole gives (property)', async () => {
    await fc.assert(fc.asyncProperty(mutatedBody(corpus), chunking(400_000), fc.boolean(), async (input, cuts, images) => {
      const whole = checkedOutcome(() => parsePushBody(input.body, input.contentType, { images }));
      assert.deepEqual(await readOutcome(input.body, cuts, input.contentType, images), whole);
    }), { numRuns: 250 });
  });

  it('a wrong or missing Content-Type changes nothing for documents the bytes identify (property)', () => {
    const types = [undefined, 'text/plain', 'application/octet-stream', 'multipart/mixed', 'application/xml', 'application/json'];
    fc.assert(fc.property(fc.constantFrom(...corpus), fc.constantFrom(...types), ({ body, contentType }, other) => {
      fc.pre(/^\s*[<{[]/.test(body.toString('latin1', 0, 64))); // an XML or JSON document, not multipart or a form
      assert.deepEqual(checkedOutcome(() => parsePushBody(body, other)), checkedOutcome(() => parsePushBody(body, contentType)));
    }), { numRuns: 300 });
  });

  it('limits hold whatever the body and chunking: past one, too-large or too-many-parts (property)', async () => {
    const limits = fc.record({
      maxBodyBytes: fc.integer({ min: 0, max: 400_000 }),
      maxParts: fc.integer({ min: 0, max: 6 }),
      maxPartBytes: fc.integer({ min: 0, max: 200_000 }),
      maxEventBytes: fc.integer({ min: 0, max: 8_000 }),
      maxEvents: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...corpus), limits, chunking(400_000), async ({ body, contentType }, limit, cuts) => {
      const unlimited = checkedOutcome(() => parsePushBody(body, contentType));
      const limited = await readOutcome(body, cuts, contentType, true, limit);
      if (body.length > limit.maxBodyBytes) {
        assert.deepEqual(limited, { code: 'too-large' });
      } else if ('events' in limited) {
        assert.deepEqual(limited, unlimited, 'a body within every limit reads as without limits');
      } else if (!('code' in unlimited) || unlimited.code !== limited.code) {
        assert.ok(limited.code === 'too-large' || limited.code === 'too-many-parts', `refused as ${limited.code}`);
      }
    }), { numRuns: 250 });
  });

  it('a body of more events than the limit is refused whole, before it becomes a flood of messages', () => {
    const multipart = (parts: string[]) => Buffer.from(`${parts.map((part) => `--b\r\nContent-Type: application/json\r\n\r\n${part}\r\n`).join('')}--b--\r\n`);
    const bodies: [Buffer, string][] = [
      [Buffer.from(`[${'{},'.repeat(300_000)}{}]`), 'application/json'],
      [Buffer.from('{"eventType":"x"}'.repeat(50_000)), 'application/json'],
      [Buffer.from('<EventNotificationAlert/>'.repeat(30_000)), 'application/xml'],
      [Buffer.from(`<List>${'<EventNotificationAlert/>'.repeat(30_000)}</List>`), 'application/xml'],
      [multipart(Array.from({ length: 3 }, () => `[${'{},'.repeat(400)}{}]`)), 'multipart/form-data; boundary=b'],
    ];
    for (const [body, contentType] of bodies) {
      assert.throws(() => parsePushBody(body, contentType), (err: unknown) => err instanceof PushError && err.code === 'too-large' && err.message === 'body with more than 1000 events');
    }
    assert.equal(parsePushBody(Buffer.from(`[${'{},'.repeat(999)}{}]`), 'application/json').length, 1000, 'a thousand still pass');
  });

  it('a body trickling in one byte at a time holds memory near its size, not a hundred times it', async () => {
    const body = Buffer.from(`{"eventType":"VMD","note":"${'a'.repeat(900_000)}"}`);
    const stream = new PassThrough();
    const before = await memoryAfterGc();
    const reading = readPush(stream, { contentType: 'application/json', images: false });
    for (let i = 0; i < body.length; i++) stream.write(body.subarray(i, i + 1));
    const held = (await memoryAfterGc()) - before;
    stream.end();
    const [event] = (await reading).events;
    assert.equal((event.event.note as string).length, 900_000);
    assert.ok(held < 24 * MB, `${Math.round(held / MB)} MB held for a 0.9 MB body`);
  });

  it('a body trickling in one byte at a time is read in linear time (64 KiB of leading blanks, a multipart push)', async function () {
    // Quadratic work per byte here once took 30 s for 64 KiB: the test's time limit is the check.
    this.timeout(10_000);
    const xml = Buffer.concat([Buffer.alloc(60 * 1024, 0x20), Buffer.from('<EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert>')]);
    const everyByte = (body: Buffer) => Array.from({ length: body.length }, (_, i) => i);
    const [event] = (await readPush(streamOf(xml, everyByte(xml)), { contentType: 'application/xml', images: true })).events;
    assert.equal(event.eventType, 'VMD');
    const anpr = simulatorPushes().find((p) => p.name === 'anpr/XML/plain') as RealBody;
    const streamed = await readOutcome(anpr.body, everyByte(anpr.body), anpr.contentType, true);
    assert.deepEqual(streamed, checkedOutcome(() => parsePushBody(anpr.body, anpr.contentType)));
  });
});
