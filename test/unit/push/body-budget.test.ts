/**
 * The budget that keeps many large uploads from being read (and held) at once: which bodies wait,
 * in what order they go, and that nothing waits forever or is read after it was given up.
 */
import assert from 'node:assert/strict';
import { BodyBudget } from '../../../src/net/body-budget';
import { readPush } from '../../../src/push/read-push';
import { fakeJpeg, multipart, streamOf } from './push-bodies';

const MB = 1024 * 1024;

function budget(maxWaitMs = 60_000): BodyBudget {
  return new BodyBudget({ limitBytes: 4 * MB, freeBytes: 512 * 1024, maxWaitMs });
}

/** Admits a body and records when it may be read. */
function admit(b: BodyBudget, bytes: number, started: string[], name: string) {
  return b.admit(bytes, () => started.push(name));
}

describe('push parser: body budget', () => {
  it('bodies up to the free size and of unknown size never wait, however many are read', () => {
    const b = budget();
    const started: string[] = [];
    admit(b, 3 * MB, started, 'large');
    for (let i = 0; i < 20; i++) admit(b, 500 * 1024, started, `small${i}`);
    admit(b, 0, started, 'unknown');
    assert.equal(started.length, 22);
    assert.equal(b.waitingCount, 0);
  });

  it('large bodies wait until they fit, then go in arrival order', () => {
    const b = budget();
    const started: string[] = [];
    const first = admit(b, 3 * MB, started, 'a');
    admit(b, 2 * MB, started, 'b');
    admit(b, 1 * MB, started, 'c');
    assert.deepEqual(started, ['a', 'c']);
    assert.equal(b.waitingCount, 1);
    first.release();
    assert.deepEqual(started, ['a', 'c', 'b']);
    assert.equal(b.readingBytes, 3 * MB);
  });

  it('one body is always read, even one larger than the whole budget', () => {
    const b = budget();
    const started: string[] = [];
    const huge = admit(b, 10 * MB, started, 'huge');
    admit(b, 1 * MB, started, 'next');
    assert.deepEqual(started, ['huge']);
    huge.release();
    assert.deepEqual(started, ['huge', 'next']);
  });

  it('a waiting body given up (its device went away) is never started and frees its place', () => {
    const b = budget();
    const started: string[] = [];
    const a = admit(b, 4 * MB, started, 'a');
    const gone = admit(b, 1 * MB, started, 'gone');
    admit(b, 1 * MB, started, 'c');
    gone.release();
    a.release();
    assert.deepEqual(started, ['a', 'c']);
    assert.equal(b.waitingCount, 0);
    gone.release(); // twice is harmless
    assert.equal(b.readingBytes, 1 * MB);
  });

  it('no body waits longer than maxWaitMs (a stalled upload cannot hold the others up)', async () => {
    const b = budget(30);
    const started: string[] = [];
    admit(b, 4 * MB, started, 'stalled');
    admit(b, 2 * MB, started, 'waiting');
    assert.deepEqual(started, ['stalled']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(started, ['stalled', 'waiting']);
  });

  it('with a refuse callback, a body that waited maxWaitMs is refused, never read', async () => {
    const b = budget(30);
    const events: string[] = [];
    b.admit(4 * MB, () => events.push('stalled'));
    b.admit(2 * MB, () => events.push('read'), () => events.push('refused'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(events, ['stalled', 'refused']);
    assert.equal(b.waitingCount, 0);
    assert.equal(b.readingBytes, 4 * MB);
  });

  it('bytes received count whatever the framing; past the limit take() refuses, and the reserve is for small bodies', () => {
    const b = new BodyBudget({ limitBytes: 4 * MB, reserveBytes: 1 * MB, freeBytes: 512 * 1024, maxWaitMs: 60_000 });
    const chunked = b.admit(0, () => undefined);
    assert.equal(chunked.take(2 * MB), true);
    const second = b.admit(0, () => undefined);
    assert.equal(second.take(1 * MB), true);
    assert.equal(second.take(1), false, 'large bodies stop where the reserve begins');
    const small = b.admit(0, () => undefined);
    assert.equal(small.take(400 * 1024), true, 'a small body still fits, in the reserve');
    assert.equal(b.readingBytes, 3 * MB + 400 * 1024);
    second.release();
    chunked.release();
    small.release();
    assert.equal(b.readingBytes, 0);
  });

  it('readPush with a budget: a waiting body is not read until its turn, then parses as usual', async () => {
    const b = budget();
    const blocker = b.admit(4 * MB, () => undefined);
    const picture = fakeJpeg(700 * 1024);
    const body = multipart('b', [
      { headers: ['Content-Type: application/xml'], data: '<EventNotificationAlert><eventType>ANPR</eventType></EventNotificationAlert>' },
      { headers: ['Content-Type: image/jpeg'], data: picture },
    ]);
    const stream = streamOf(body);
    let settled = false;
    const reading = readPush(stream, { contentType: 'multipart/form-data; boundary=b', contentLength: body.length, images: true, budget: b })
      .finally(() => { settled = true; });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(settled, false);
    assert.equal(stream.readableFlowing, null, 'nothing read while waiting');
    blocker.release();
    const { events } = await reading;
    assert.equal(events[0].eventType, 'ANPR');
    assert.ok(events[0].images[0].data.equals(picture));
    assert.equal(b.readingBytes, 0, 'its place is given back once read');
  });
});
