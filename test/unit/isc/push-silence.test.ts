import assert from 'node:assert/strict';
import { PushSilence } from '../../../src/isc/push-silence';
import { ManualScheduler } from '../filter/manual-scheduler';

describe('PushSilence (manual clock)', () => {
  it('says silent once after silentAfter without a push, and again only after pushes resumed and stopped', () => {
    const scheduler = new ManualScheduler();
    const silences: (number | null)[] = [];
    let wall = 1_000;
    const silence = new PushSilence(5 * 60_000, scheduler, (last) => silences.push(last), () => wall);
    silence.start();
    scheduler.advance(4 * 60_000);
    assert.deepEqual(silences, []);
    wall = 2_000;
    assert.equal(silence.pushed(), false);
    scheduler.advance(4 * 60_000);
    assert.deepEqual(silences, [], 'the push re-armed the timer');
    scheduler.advance(60_000);
    assert.deepEqual(silences, [2_000]);
    scheduler.advance(60 * 60_000);
    assert.deepEqual(silences, [2_000], 'warned once');
    wall = 3_000;
    assert.equal(silence.pushed(), true, 'the push ended the silence');
    assert.equal(silence.lastPush, 3_000);
    scheduler.advance(5 * 60_000);
    assert.deepEqual(silences, [2_000, 3_000]);
    silence.stop();
    assert.equal(scheduler.pendingTimers, 0);
  });

  it('0 = off: no timer at all', () => {
    const scheduler = new ManualScheduler();
    const silence = new PushSilence(0, scheduler, () => assert.fail('no silence when off'));
    silence.start();
    silence.pushed();
    assert.equal(scheduler.pendingTimers, 0);
  });
});
