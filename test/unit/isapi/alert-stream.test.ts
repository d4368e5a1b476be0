import assert from 'node:assert/strict';
import http from 'node:http';
import { AlertStream, type StreamState } from '../../../src/isapi/alert-stream';
import type { DeviceTarget } from '../../../src/isapi/device-target';
import type { HikEvent } from '../../../src/push/hik-event';
import { startDeviceSimulator, type DeviceSimulator } from '../../../src/simulator/device/device-simulator';
import type { StreamEvent } from '../../../src/simulator/push/build-push';
import { EVENT_KINDS } from '../../../src/simulator/push/event-kind';

const FAST_BACKOFF = [20, 40, 80];

function targetOf(sim: DeviceSimulator, password = 'hik12345'): DeviceTarget {
  return { host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, username: 'admin', password };
}

/** Resolves once `check` is true, looking every 10 ms (fails the test after `ms`). */
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Recorder {
  events: HikEvent[];
  states: StreamState[];
  errors: Error[];
}

function open(stream: AlertStream): Recorder {
  const rec: Recorder = { events: [], states: [], errors: [] };
  stream.subscribe({
    onEvent: (event) => rec.events.push(event),
    onState: (state) => rec.states.push(state),
    onPartError: (error) => rec.errors.push(error),
  });
  return rec;
}

describe('alertStream client against the simulated device', () => {
  let sim: DeviceSimulator;
  let stream: AlertStream | undefined;
  afterEach(async () => {
    stream?.close();
    stream = undefined;
    await sim.close();
  });

  it('reads every event kind with its pictures byte for byte', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    stream = new AlertStream(targetOf(sim), { backoffMs: FAST_BACKOFF });
    const rec = open(stream);
    await until(() => sim.alertStream.stats().open === 1, 'the stream to open');
    const sent: StreamEvent[] = [];
    await sim.alertStream.emit({ kinds: [...EVENT_KINDS], onBuilt: (event) => sent.push(event) });
    await until(() => rec.events.length === EVENT_KINDS.length, 'every event');
    assert.deepEqual(rec.events.map((e) => e.eventType), sent.map((e) => e.eventType));
    for (const [i, event] of rec.events.entries()) {
      assert.equal(event.images.length, sent[i].images.length, `pictures of ${event.eventType}`);
      event.images.forEach((image, j) => assert.ok(image.data.equals(sent[i].images[j]), `picture ${j} of ${event.eventType} byte-exact`));
    }
    assert.ok(rec.events.some((e) => e.images.length > 0), 'some kinds carry pictures');
    assert.deepEqual(rec.errors, []);
    assert.equal(stream.reconnects, 0);
  });

  it('delivers heartbeats as videoloss inactive events', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 30 } });
    stream = new AlertStream(targetOf(sim), { backoffMs: FAST_BACKOFF });
    const rec = open(stream);
    await until(() => rec.events.length >= 2, 'two heartbeats');
    assert.deepEqual([rec.events[0].eventType, rec.events[0].eventState], ['videoloss', 'inactive']);
  });

  it('reopens the stream after a drop in the middle of a part, and after a stall', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    stream = new AlertStream(targetOf(sim), { backoffMs: FAST_BACKOFF, idleTimeoutMs: 300 });
    const rec = open(stream);
    await until(() => sim.alertStream.stats().open === 1, 'the stream to open');
    await sim.alertStream.emit({ kinds: ['vmd'] });
    await until(() => rec.events.length === 1, 'the first event');
    sim.alertStream.drop();
    await until(() => sim.alertStream.stats().opened === 2 && sim.alertStream.stats().open === 1, 'a second stream');
    assert.equal(stream.reconnects, 1);
    const dropState = rec.states.find((s) => s.kind === 'retrying');
    assert.deepEqual(dropState?.kind === 'retrying' && dropState.reason, { kind: 'ended' });
    sim.alertStream.stall();
    await until(() => sim.alertStream.stats().opened === 3 && sim.alertStream.stats().open === 1, 'a third stream after the stall');
    assert.equal(stream.reconnects, 2);
    assert.ok(rec.states.some((s) => s.kind === 'retrying' && s.reason.kind === 'idle'));
    await sim.alertStream.emit({ kinds: ['io'] });
    await until(() => rec.events.length === 2, 'an event on the new stream');
    assert.equal(rec.events[1].eventType, 'IO');
  });

  it('backs off while a single-session device is busy, then streams', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0, singleSession: true } });
    // another client holds the one session
    const holder = new AlertStream(targetOf(sim), { backoffMs: FAST_BACKOFF });
    open(holder);
    await until(() => sim.alertStream.stats().open === 1, 'the first session');
    stream = new AlertStream(targetOf(sim), { backoffMs: FAST_BACKOFF });
    const rec = open(stream);
    await until(() => rec.states.filter((s) => s.kind === 'retrying').length >= 4, 'four busy answers');
    const delays = rec.states.flatMap((s) => (s.kind === 'retrying' ? [s.delayMs] : []));
    assert.deepEqual(delays.slice(0, 4), [20, 40, 80, 80]);
    const first = rec.states.find((s) => s.kind === 'retrying');
    assert.deepEqual(first?.kind === 'retrying' && first.reason, { kind: 'busy', status: 404 });
    holder.close();
    await until(() => rec.states.at(-1)?.kind === 'streaming', 'the stream once the session is free');
  });

  it('sends a refused password exactly once and never again', async () => {
    sim = await startDeviceSimulator({ alertStream: { heartbeatMs: 0 } });
    stream = new AlertStream(targetOf(sim, 'wrong'), { backoffMs: FAST_BACKOFF });
    const rec = open(stream);
    await until(() => rec.states.at(-1)?.kind === 'refused', 'the refusal');
    await new Promise((resolve) => setTimeout(resolve, 300)); // many backoff periods
    assert.equal(sim.alertStream.stats().refused, 1);
    assert.equal(sim.alertStream.stats().requests, 2, 'the challenge, then one answer');
    assert.equal(sim.authState().failedAttempts, 1);
  });

  it('answers a stale nonce once more', async () => {
    let challenges = 0;
    const server = http.createServer((req, res) => {
      const auth = req.headers.authorization;
      if (!auth || challenges < 2) {
        challenges++;
        res.writeHead(401, { 'WWW-Authenticate': `Digest qop="auth", realm="r", nonce="n${challenges}", stale="${auth ? 'TRUE' : 'FALSE'}"` });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'multipart/mixed; boundary=boundary' });
      const xml = '<EventNotificationAlert><eventType>VMD</eventType><eventState>active</eventState></EventNotificationAlert>\r\n';
      res.write(`--boundary\r\nContent-Type: application/xml\r\nContent-Length: ${xml.length}\r\n\r\n${xml}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sim = await startDeviceSimulator();
    const port = (server.address() as { port: number }).port;
    stream = new AlertStream({ ...targetOf(sim), port }, { backoffMs: FAST_BACKOFF });
    const rec = open(stream);
    try {
      await until(() => rec.events.length === 1, 'the event after the stale nonce');
      assert.equal(rec.events[0].eventType, 'VMD');
      assert.ok(!rec.states.some((s) => s.kind === 'refused'));
    } finally {
      stream.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
