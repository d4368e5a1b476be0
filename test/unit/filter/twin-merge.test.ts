import assert from 'node:assert/strict';
import { mergeTwinPayload } from '../../../src/filter/twin-tracker';

describe('filter: merging an iSC twin into its first event', () => {
  it('lays the later fields over the first; fields only the first had stay', () => {
    const first = { eventId: 'X', status: 0, happenTime: 't0', data: { plate: '京A12345', lane: 1 } };
    const later = { eventId: 'X', status: 4, linkageResult: [{ linkageType: 'recordEventVideo' }], data: { picUrl: 'https://p/1.jpg' } };
    assert.deepEqual(mergeTwinPayload(first, later), {
      eventId: 'X',
      status: 4,
      happenTime: 't0',
      data: { plate: '京A12345', lane: 1, picUrl: 'https://p/1.jpg' },
      linkageResult: [{ linkageType: 'recordEventVideo' }],
    });
  });

  it('takes arrays and values of the later event whole, and changes neither input', () => {
    const first = { list: [1, 2, 3], data: { a: { b: 1 } } };
    const later = { list: [9], data: { a: 'flat' } };
    const before = JSON.stringify({ first, later });
    assert.deepEqual(mergeTwinPayload(first, later), { list: [9], data: { a: 'flat' } });
    assert.equal(JSON.stringify({ first, later }), before);
  });

  it('keeps a JSON key "__proto__" as a plain field, never as the prototype', () => {
    const later = JSON.parse('{"__proto__": {"polluted": true}, "status": 4}') as Record<string, unknown>;
    const merged = mergeTwinPayload({ status: 0 }, later);
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal((merged as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value, { polluted: true });
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('does not recurse without end on very deep input', () => {
    let deepA: Record<string, unknown> = {};
    let deepB: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) {
      deepA = { n: deepA };
      deepB = { n: deepB };
    }
    const merged = mergeTwinPayload(deepA, deepB);
    assert.ok('n' in merged);
  });
});
