/**
 * A shared server's own timeouts (ServerKey.timeouts): slow and stalled clients are cut off at the
 * server's limits — headers, whole request, TLS handshake — and reported as clientError, while
 * clients that behave are served. The defaults stay minutes-safe for slow links.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { PortRegistry, SERVER_TIMEOUTS, type SharedServer } from '../../../src/server/port-registry';
import type { RouteHandler } from '../../../src/server/port-registry';
import { SIMULATOR_TLS } from '../../../src/simulator/platform/simulator-certificate';

const SHORT = { headersMs: 600, requestMs: 1200, checkMs: 100 };

/** Answers 200 once the body is in. */
const echo: RouteHandler = {
  handle(req, res) {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Length': '2' }).end('ok'));
  },
};

/** Connects and does `act`; resolves with what came back once the server hung up. */
function hangUp(port: number, act: (socket: net.Socket) => void): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => act(socket));
    let answer = '';
    socket.on('data', (data: Buffer) => { answer += data.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
  });
}

describe('robustness: per-server timeouts', () => {
  let registry: PortRegistry;
  let server: SharedServer;
  let release: (() => Promise<void>) | undefined;
  const clientErrors: string[] = [];

  async function start(tls: boolean): Promise<number> {
    registry = new PortRegistry();
    server = registry.server({ port: 0, bind: '127.0.0.1', timeouts: SHORT, ...(tls ? { tls: { cert: SIMULATOR_TLS.cert, key: SIMULATOR_TLS.key } } : {}) });
    const lease = server.use(null, 'test', () => echo);
    release = () => lease.release();
    server.on('clientError', (code: string) => clientErrors.push(code));
    return server.ready();
  }

  afterEach(async () => {
    clientErrors.length = 0;
    if (!release) return;
    await release();
    release = undefined;
    for (let i = 0; i < 50 && server.connectionCount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(server.connectionCount, 0, 'every connection closed with the server');
  });

  it('the defaults leave room for slow links and check for stalled clients every few seconds', () => {
    assert.ok(SERVER_TIMEOUTS.requestMs >= 30_000 && SERVER_TIMEOUTS.headersMs <= SERVER_TIMEOUTS.requestMs);
    assert.ok(SERVER_TIMEOUTS.checkMs <= 5_000, 'Node would otherwise look only every 30 s');
  });

  it('cuts off headers that trickle in, and a body that never ends, answering 408', async () => {
    const port = await start(false);
    let trickle: NodeJS.Timeout | undefined;
    const slow = hangUp(port, (socket) => {
      const head = 'POST / HTTP/1.1\r\nHost: x\r\n';
      let i = 0;
      trickle = setInterval(() => { if (socket.writable) socket.write(head[i++ % head.length]); }, 100);
    });
    const endless = hangUp(port, (socket) => socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'));
    const [slowAnswer, endlessAnswer] = await Promise.all([slow, endless]);
    clearInterval(trickle);
    assert.match(slowAnswer, /^HTTP\/1\.1 408 /);
    assert.match(endlessAnswer, /^HTTP\/1\.1 408 /);
    assert.deepEqual(clientErrors, ['ERR_HTTP_REQUEST_TIMEOUT', 'ERR_HTTP_REQUEST_TIMEOUT']);
    const ok = await hangUp(port, (socket) => socket.end('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi'));
    assert.match(ok, /^HTTP\/1\.1 200 /, 'a client that behaves is served');
  });

  it('HTTPS: a client that never starts its handshake is cut off too, and HTTPS clients are served', async () => {
    const port = await start(true);
    const answer = await hangUp(port, () => { /* TCP connected, no ClientHello */ });
    assert.equal(answer, '');
    assert.ok(clientErrors.some((code) => /TLS_HANDSHAKE_TIMEOUT/.test(code)), clientErrors.join());
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, method: 'POST', rejectUnauthorized: false, agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end('hi');
    });
    assert.equal(status, 200);
  });
});
