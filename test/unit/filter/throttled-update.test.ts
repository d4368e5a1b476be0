import assert from 'node:assert/strict';
import { ThrottledUpdate } from '../../../src/filter/throttled-update';
import { ManualScheduler } from './manual-scheduler';

describe('filter: status at most once per interval', () => {
  it('updates at once, folds a burst into one more update, then goes quiet', () => {
    const clock = new ManualScheduler();
    let updates = 0;
    const throttle = new ThrottledUpdate(() => updates++, clock, 1000);
    throttle.request();
    assert.equal(updates, 1);
    for (let i = 0; i < 500; i++) throttle.request();
    assert.equal(updates, 1);
    clock.advance(1000);
    assert.equal(updates, 2);
    clock.advance(1000);
    assert.equal(updates, 2);
    assert.equal(clock.pendingTimers, 0);
  });

  it('cancel leaves no timer and no late update', () => {
    const clock = new ManualScheduler();
    let updates = 0;
    const throttle = new ThrottledUpdate(() => updates++, clock, 1000);
    throttle.request();
    throttle.request();
    throttle.cancel();
    assert.equal(clock.pendingTimers, 0);
    clock.advance(5000);
    assert.equal(updates, 1);
  });
});
