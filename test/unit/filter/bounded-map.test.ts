import assert from 'node:assert/strict';
import { BoundedMap } from '../../../src/filter/bounded-map';

describe('filter: bounded key map', () => {
  it('keeps at most maxSize keys and evicts the oldest first, telling the owner', () => {
    const evicted: [string, number][] = [];
    const map = new BoundedMap<string, number>(3, (k, v) => evicted.push([k, v]));
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, i);
    assert.equal(map.size, 3);
    assert.deepEqual(evicted, [['a', 0], ['b', 1]]);
    assert.deepEqual([...map.values()], [2, 3, 4]);
  });

  it('writing a key again makes it the newest', () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>(2, (k) => evicted.push(k));
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    map.set('c', 4);
    assert.deepEqual(evicted, ['b']);
    assert.equal(map.get('a'), 3);
  });

  it('clear and delete forget without eviction calls', () => {
    let calls = 0;
    const map = new BoundedMap<string, number>(2, () => calls++);
    map.set('a', 1);
    map.set('b', 2);
    assert.ok(map.delete('a'));
    map.clear();
    assert.equal(map.size, 0);
    assert.equal(calls, 0);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN]) assert.throws(() => new BoundedMap(bad), RangeError);
  });

  it('stays at its bound under many keys', () => {
    const map = new BoundedMap<number, number>(10_000);
    for (let i = 0; i < 100_000; i++) map.set(i, i);
    assert.equal(map.size, 10_000);
    assert.equal(map.get(89_999), undefined);
    assert.equal(map.get(90_000), 90_000);
  });
});
