import assert from 'node:assert/strict';
import { parseRepeatWindow, readFilterChoices } from '../../../src/filter/filter-settings';

describe('filter: reading the node choices', () => {
  it('defaults pass everything through', () => {
    assert.deepEqual(readFilterChoices({}), { replays: 'pass', repeats: 'pass', repeatWindowMs: 5000, twins: 'pass', outputs: 1 });
  });

  it('reads each choice as flows write it (numbers as numbers or strings)', () => {
    assert.deepEqual(readFilterChoices({ replays: 'drop', repeats: 'collapse', repeatWindow: '2.5', twins: 'merge', outputs: '2' }), {
      replays: 'drop',
      repeats: 'collapse',
      repeatWindowMs: 2500,
      twins: 'merge',
      outputs: 2,
    });
    assert.equal(readFilterChoices({ twins: 'drop', outputs: 2 }).twins, 'drop');
    assert.equal(readFilterChoices({ outputs: 2 }).outputs, 2);
  });

  it('unknown values fall back to the defaults', () => {
    assert.deepEqual(readFilterChoices({ replays: 'DROP', repeats: 1, repeatWindow: 'soon', twins: {}, outputs: 3 }), {
      replays: 'pass',
      repeats: 'pass',
      repeatWindowMs: 5000,
      twins: 'pass',
      outputs: 1,
    });
  });

  it('accepts repeat windows from 0.05 s to a day', () => {
    assert.equal(parseRepeatWindow(' 3 '), 3);
    assert.equal(parseRepeatWindow(0.05), 0.05);
    assert.equal(parseRepeatWindow(86_400), 86_400);
    for (const bad of ['', '0', -1, 0.01, 86_401, 'Infinity', null, undefined, '1e999']) {
      assert.equal(parseRepeatWindow(bad), null, String(bad));
    }
  });
});
