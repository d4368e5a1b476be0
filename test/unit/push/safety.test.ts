import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PushError } from '../../../src/push/push-error';
import { fakeJpeg, multipart } from './push-bodies';

function assertNoPollution(): void {
  const probe: Record<string, unknown> = {};
  assert.equal(probe.polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
}

describe('push parser: hostile and broken bodies', () => {
  afterEach(assertNoPollution);

  it('billion laughs: a DOCTYPE is refused, so no entity is ever defined or expanded', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><EventNotificationAlert><eventType>&lol2;</eventType><channelName>&lol;</channelName></EventNotificationAlert>';
    assert.throws(() => parsePushBody(Buffer.from(lol), 'application/xml'), (err: unknown) => err instanceof PushError && err.code === 'malformed' && /DOCTYPE/.test(err.message));
  });

  it('XXE: an external entity is not resolved; the document is refused as malformed', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><EventNotificationAlert><eventType>&xxe;</eventType></EventNotificationAlert>';
    assert.throws(() => parsePushBody(Buffer.from(xxe), 'application/xml'), (err: unknown) => err instanceof PushError && err.code === 'malformed' && !err.message.includes('root:'));
  });

  it('XML elements named __proto__ / constructor / prototype are refused; no prototype changes', () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const xml = `<EventNotificationAlert><eventType>VMD</eventType><${name}><polluted>yes</polluted></${name}></EventNotificationAlert>`;
      assert.throws(() => parsePushBody(Buffer.from(xml), 'application/xml'), { code: 'malformed' });
    }
    const [event] = parsePushBody(Buffer.from('<EventNotificationAlert><toString>1</toString><hasOwnProperty>2</hasOwnProperty></EventNotificationAlert>'), 'application/xml');
    assert.equal(typeof event.event.hasOwnProperty, 'function', 'built-in methods stay usable');
  });

  it('JSON "__proto__" keys (plain or \\u-escaped, at any depth) are dropped and pollute nothing, even when copied', () => {
    const bodies = [
      '{"eventType":"VMD","__proto__":{"polluted":"yes"}}',
      '{"eventType":"VMD","AccessControllerEvent":{"__proto__":{"polluted":"yes"},"name":"x"}}',
      '{"eventType":"VMD","\\u005f_proto__":{"polluted":"yes"}}',
      '[{"eventType":"VMD","list":[{"__proto__":{"polluted":"yes"}}]}]',
    ];
    for (const body of bodies) {
      const [event] = parsePushBody(Buffer.from(body), 'application/json');
      assert.equal(event.eventType, 'VMD');
      assert.equal(Object.getPrototypeOf(event.event), Object.prototype);
      assert.equal(JSON.stringify(event.event).includes('__proto__'), false);
      Object.assign({}, event.event, event.event.AccessControllerEvent); // a careless copy downstream
      structuredClone(event.event);
    }
  });

  it('a form field named __proto__ is ignored', () => {
    const [event] = parsePushBody(Buffer.from('eventType=VMD&__proto__=x&__proto__[polluted]=yes'), 'application/x-www-form-urlencoded');
    assert.equal(event.eventType, 'VMD');
    assert.equal(Object.getPrototypeOf(event.event), Object.prototype);
  });

  it('deep nesting is refused as malformed, without a stack overflow (XML and JSON)', () => {
    const depth = 100000;
    const xml = `<EventNotificationAlert>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</EventNotificationAlert>`;
    assert.throws(() => parsePushBody(Buffer.from(xml), 'application/xml'), { code: 'malformed' });
    const json = `{"eventType":"VMD","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    assert.throws(() => parsePushBody(Buffer.from(json), 'application/json'), { code: 'malformed' });
    const objects = `{"eventType":"VMD","x":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`;
    assert.throws(() => parsePushBody(Buffer.from(objects), 'application/json'), { code: 'malformed' });
  });

  it('random bytes never escape as anything but PushError (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(undefined, 'application/xml', 'multipart/form-data; boundary=b', 'application/x-www-form-urlencoded'), (bytes, contentType) => {
      try {
        parsePushBody(Buffer.from(bytes), contentType);
      } catch (err) {
        assert.ok(err instanceof PushError, String(err));
        assert.ok(err.raw.length <= 64 * 1024);
      }
    }), { numRuns: 2000 });
  });

  it('mutated multipart bodies never escape as anything but PushError (property)', () => {
    const base = multipart('boundary', [
      { headers: ['Content-Disposition: form-data; name="x.xml"', 'Content-Type: application/xml'], data: '<EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert>' },
      { headers: ['Content-Type: image/jpeg'], data: fakeJpeg(64) },
    ]);
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat({ max: base.length }), (edits, cut) => {
      const body = Buffer.from(base.subarray(0, cut));
      for (const [at, byte] of edits) if (at < body.length) body[at] = byte;
      try {
        const events = parsePushBody(body, 'multipart/form-data; boundary=boundary');
        assert.ok(events.length > 0);
      } catch (err) {
        assert.ok(err instanceof PushError, String(err));
      }
    }), { numRuns: 2000 });
  });

  it('a refused body keeps at most 64 KiB of raw bytes, as a copy', () => {
    const body = Buffer.concat([Buffer.from('garbage!'), Buffer.alloc(200 * 1024, 0x41)]);
    try {
      parsePushBody(body, 'text/plain');
      assert.fail('expected malformed');
    } catch (err) {
      assert.ok(err instanceof PushError);
      assert.equal(err.code, 'malformed');
      assert.equal(err.raw.length, 64 * 1024);
      assert.notEqual(err.raw.buffer, body.buffer);
      assert.ok(err.raw.equals(body.subarray(0, 64 * 1024)));
    }
  });

  it('errors never quote the body in their message (card numbers, names)', () => {
    const bodies = [
      '{"eventType":"AccessControllerEvent","cardNo":"0004581234",',
      '{"eventType":"AccessControllerEvent","cardNo":"0004581234"} 0004581234',
      '<EventNotificationAlert><cardNo>0004581234</cardNo><name',
      '<EventNotificationAlert><cardNo>0004581234</cardNo></EventNotificationAlert><!DOCTYPE x [<!ENTITY 0004581234 SYSTEM "x">]>',
    ];
    for (const body of bodies) {
      assert.throws(() => parsePushBody(Buffer.from(body), undefined), (err: unknown) => err instanceof PushError && !err.message.includes('0004581234'), body);
    }
  });
});
