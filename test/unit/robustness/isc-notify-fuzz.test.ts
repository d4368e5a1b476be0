/**
 * The iSC callback side on hostile and broken input: parseEventNotify on any JSON, on envelopes with
 * random params and on mutated real pushes (an event list or an EventNotifyError, nothing else), no
 * `__proto__` key and no deep nesting reaching a flow, and the receiver over real HTTP answering
 * every body (sent whole or chunked) and reporting each exactly once.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import net from 'node:net';
import { EventNotifyError, MAX_NOTIFY_DEPTH, MAX_NOTIFY_EVENTS, parseEventNotify, type EventNotify } from '../../../src/isc/event-notify';
import { IscNotifyReceiver } from '../../../src/isc/notify-receiver';
import { PortRegistry, type RouteLease } from '../../../src/server/port-registry';
import { freePort } from '../../support/http';
import { mutatedBody, pieces } from './support/mutate';
import { iscSamples } from './support/real-bodies';

function outcome(body: string | Buffer): EventNotify | EventNotifyError {
  try {
    const notify = parseEventNotify(body);
    assert.equal(typeof notify.ability, 'string');
    assert.ok(Array.isArray(notify.events));
    for (const event of notify.events) {
      assert.equal(Object.getPrototypeOf(event), Object.prototype);
      assertShallowerThan(event, MAX_NOTIFY_DEPTH);
    }
    return notify;
  } catch (err) {
    assert.ok(err instanceof EventNotifyError, `not an EventNotifyError: ${String(err)}`);
    assert.equal(err.raw, typeof body === 'string' ? body : body.toString('utf8'), 'the error carries the body as received');
    return err;
  }
}

/** No `__proto__` own key anywhere, and no deeper nesting than `limit`. */
function assertShallowerThan(root: unknown, limit: number): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    assert.ok(depth < limit, 'nested too deep');
    assert.ok(!Object.hasOwn(value, '__proto__'), 'an own __proto__ key');
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

const envelope = fc.record({
  method: fc.oneof(fc.constant('OnEventNotify'), fc.jsonValue({ maxDepth: 1 })),
  params: fc.oneof(
    fc.record({ ability: fc.jsonValue({ maxDepth: 1 }), sendTime: fc.jsonValue({ maxDepth: 1 }), events: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 3 }),
  ),
}, { requiredKeys: [] });

describe('robustness: OnEventNotify bodies', () => {
  afterEach(() => assert.equal(({} as Record<string, unknown>).polluted, undefined));

  it('any JSON value, any envelope: events or an EventNotifyError with the raw body (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), envelope), (value) => {
      outcome(JSON.stringify(value));
    }), { numRuns: 3000 });
  });

  it('mutated real pushes, as text and as bytes (invalid UTF-8 included) (property)', () => {
    fc.assert(fc.property(mutatedBody(iscSamples()), (input) => {
      outcome(input.body);
      outcome(input.body.toString('latin1'));
    }), { numRuns: 1500 });
  });

  it('"__proto__" keys never reach an event, however they are spelled; other keys stay as sent', () => {
    const body = '{"method":"OnEventNotify","params":{"ability":"event_acs","events":[{"eventId":"1","__proto__":{"polluted":"yes"},'
      + '"data":{"\\u005f_proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"list":[{"__proto__":{"polluted":"yes"}}]}}]}}';
    const notify = parseEventNotify(body);
    const [event] = notify.events;
    assertShallowerThan(notify.params, MAX_NOTIFY_DEPTH);
    assert.equal(event.eventId, '1');
    assert.deepEqual(event.data, { constructor: { prototype: { polluted: 'yes' } }, list: [{}] });
    const copied: Record<string, unknown> = Object.assign({}, event, event.data as object); // a careless copy downstream
    assert.equal(copied.polluted, undefined);
  });

  it('a push of more events than a platform ever sends is refused whole, not turned into a flood of messages', () => {
    const events = (n: number) => `{"method":"OnEventNotify","params":{"ability":"event_acs","events":[${Array.from({ length: n }, () => '{}').join(',')}]}}`;
    assert.equal((outcome(events(MAX_NOTIFY_EVENTS)) as EventNotify).events.length, MAX_NOTIFY_EVENTS);
    const err = outcome(events(300_000));
    assert.ok(err instanceof EventNotifyError);
    assert.equal(err.message, 'OnEventNotify with more than 1000 events');
  });

  it('nesting deeper than the limit is refused at any depth of the body, without a stack overflow', () => {
    for (const depth of [MAX_NOTIFY_DEPTH, 1000, 100_000]) {
      const deep = `{"method":"OnEventNotify","params":{"ability":"x","events":[{"a":${'['.repeat(depth)}${']'.repeat(depth)}}]}}`;
      const err = outcome(deep);
      assert.ok(err instanceof EventNotifyError);
      assert.match(err.message, /nested deeper than 64 levels/);
    }
    const fits = `{"method":"OnEventNotify","params":{"events":[{"a":${'['.repeat(MAX_NOTIFY_DEPTH - 5)}${']'.repeat(MAX_NOTIFY_DEPTH - 5)}}]}}`;
    assert.equal((outcome(fits) as EventNotify).events.length, 1);
  });
});

describe('robustness: the iSC receiver over HTTP', () => {
  let registry: PortRegistry;
  let port: number;
  let lease: RouteLease<IscNotifyReceiver>;
  const reports: ('events' | 'malformed')[] = [];

  before(async () => {
    registry = new PortRegistry();
    port = await freePort();
    lease = registry.server({ port, bind: '127.0.0.1' }).use('/isc', 'iSC receiver', () => new IscNotifyReceiver({ maxBodyBytes: 64 * 1024 }));
    await lease.server.ready();
    lease.route.attach({ events: () => { reports.push('events'); }, malformed: () => { reports.push('malformed'); } });
  });
  after(() => lease.release());

  /** Sends one POST on a fresh connection, whole or chunk-encoded in the given pieces; resolves with the status line. */
  function post(body: Buffer, cuts: number[] | null): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      socket.on('connect', () => {
        if (cuts === null) {
          socket.write(`POST /isc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
          socket.end(body);
          return;
        }
        socket.write('POST /isc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
        for (const piece of pieces(body, cuts)) if (piece.length > 0) socket.write(`${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`, 'latin1');
        socket.end('0\r\n\r\n');
      });
      socket.on('data', (chunk: Buffer) => { answer += chunk.toString('latin1'); });
      socket.on('close', () => resolve(answer.split('\r\n')[0]));
      socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve(answer.split('\r\n')[0]) : reject(err)));
    });
  }

  it('answers every mutated push 200 (413 when too large), and reports each exactly once (property)', async function () {
    this.timeout(30_000);
    await fc.assert(fc.asyncProperty(mutatedBody(iscSamples()), fc.option(fc.array(fc.nat({ max: 5000 }), { maxLength: 8 })), async (input, cuts) => {
      const before = reports.length;
      const status = await post(input.body, cuts);
      assert.match(status, input.body.length > 64 * 1024 ? /^HTTP\/1\.1 413/ : /^HTTP\/1\.1 200/);
      const expected = outcome(input.body) instanceof EventNotifyError || input.body.length > 64 * 1024 ? 'malformed' : 'events';
      const deadline = Date.now() + 2000;
      while (reports.length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(reports.slice(before), [expected]);
    }), { numRuns: 60 });
  });
});
