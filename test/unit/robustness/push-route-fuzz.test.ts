/**
 * The listener's route over real HTTP with broken real bodies, sent with a Content-Length or chunked
 * in random pieces on kept-alive connections: every request is answered (200, or 413 past a limit),
 * each gives exactly one report to the subscriber — its events, the same as parsing the body whole,
 * or an error — and the connection stays usable for the next request.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import net from 'node:net';
import type { HikEvent } from '../../../src/push/hik-event';
import { parsePushBody } from '../../../src/push/parse-push-body';
import type { PushError } from '../../../src/push/push-error';
import { PortRegistry, type RouteLease } from '../../../src/server/port-registry';
import { PushRoute } from '../../../src/server/push-route';
import { mutatedBody, pieces } from './support/mutate';
import { devicePushSamples, simulatorPushes } from './support/real-bodies';

type Report = { events: HikEvent[] } | { error: PushError['code'] };

/** One kept-alive connection that sends requests one after another and reads their status lines. */
class Connection {
  private readonly socket: net.Socket;
  private buffer = '';
  private waiting: ((status: number) => void) | null = null;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (data: Buffer) => {
      this.buffer += data.toString('latin1');
      // Answers here have no body (Content-Length: 0), so each ends at its blank line.
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1 || !this.waiting) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(this.buffer)?.[1]);
      this.buffer = this.buffer.slice(end + 4);
      const resolve = this.waiting;
      this.waiting = null;
      resolve(status);
    });
  }

  send(body: Buffer, contentType: string | undefined, cuts: number[] | null): Promise<number> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      const type = contentType ? `Content-Type: ${contentType}\r\n` : '';
      if (cuts === null) {
        this.socket.write(`POST /alarm HTTP/1.1\r\nHost: x\r\n${type}Content-Length: ${body.length}\r\n\r\n`);
        this.socket.write(body);
        return;
      }
      this.socket.write(`POST /alarm HTTP/1.1\r\nHost: x\r\n${type}Transfer-Encoding: chunked\r\n\r\n`);
      for (const piece of pieces(body, cuts)) {
        if (piece.length > 0) this.socket.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
      }
      this.socket.write('0\r\n\r\n');
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('robustness: the listener route over HTTP with broken real bodies', () => {
  let lease: RouteLease<PushRoute>;
  let port: number;
  const reports: Report[] = [];

  before(async () => {
    const registry = new PortRegistry();
    const server = registry.server({ port: 0, bind: '127.0.0.1' });
    lease = server.use(null, 'Hikvision listener', () => new PushRoute({ port: 0, bind: '127.0.0.1', auth: { mode: 'none', username: '', password: '' }, allow: [] }));
    lease.route.subscribe({
      images: true,
      onEvents: (events) => { reports.push({ events }); },
      onError: (error) => { reports.push({ error: error.code }); },
      onRejected: () => assert.fail('nothing is refused here'),
    });
    port = await server.ready();
  });
  after(() => lease.release());

  it('answers every request, reports each exactly once, and keeps the connection (property)', async function () {
    this.timeout(60_000);
    const corpus = [...devicePushSamples(), ...simulatorPushes()];
    let connection = new Connection(port);
    try {
      await fc.assert(fc.asyncProperty(mutatedBody(corpus), fc.option(fc.array(fc.nat({ max: 400_000 }), { maxLength: 10 })), async (input, cuts) => {
        reports.length = 0;
        const status = await connection.send(input.body, input.contentType, cuts);
        let expected: Report;
        try {
          expected = { events: parsePushBody(input.body, input.contentType) };
        } catch (err) {
          expected = { error: (err as PushError).code };
        }
        const tooBig = 'error' in expected && (expected.error === 'too-large' || expected.error === 'too-many-parts');
        assert.equal(status, tooBig ? 413 : 200);
        if (tooBig) {
          // 413 comes with Connection: close
          connection.close();
          connection = new Connection(port);
        }
        for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(reports, [expected]);
      }), { numRuns: 300 });
    } finally {
      connection.close();
    }
  });
});
