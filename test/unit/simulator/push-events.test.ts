import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import {
  computeDigestResponse, formatDigestChallenge, parseDigestAuthorization,
} from '../../../src/http-auth/digest';
import { selfSignedCertificate } from '../../../src/simulator/device/self-signed-cert';
import { buildPush, JPEG_TRAILING_BYTES, PushClient, pushEvents, RateSchedule } from '../../../src/simulator/push';
import { freePort } from '../../support/http';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from './support/capture-server';
import { checkJpeg } from './support/jpeg-check';
import { boundaryOf, splitMultipart } from './support/multipart';

const xml = new XMLParser({ parseTagValue: false, removeNSPrefix: true });

function eventXml(req: CapturedRequest): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  const text = type.startsWith('multipart/')
    ? splitMultipart(req.body, boundaryOf(type)).parts[0].body.toString()
    : req.body.toString();
  return (xml.parse(text) as { EventNotificationAlert: Record<string, string> }).EventNotificationAlert;
}

describe('simulator: pushEvents to a plain Node server', () => {
  let server: CaptureServer;
  const target = (): { host: string; port: number; path: string } => ({ host: '127.0.0.1', port: server.port, path: '/alarm' });

  beforeEach(async () => { server = await startCaptureServer(); });
  afterEach(async () => { await server.close(); });

  it('sends exactly `total` requests over `concurrency` connections, all answered', async () => {
    const report = await pushEvents(target(), { kinds: ['io', 'vmd'], total: 12, concurrency: 3 });
    assert.equal(server.requests.length, 12);
    assert.deepEqual({ sent: report.sent, ok: report.ok, failed: report.failed, statuses: report.statuses }, { sent: 12, ok: 12, failed: 0, statuses: { 200: 12 } });
    assert.ok(server.connections() <= 3, `connections ${server.connections()}`);
    assert.ok(server.requests.every((r) => r.method === 'POST' && r.url === '/alarm'));
    assert.deepEqual(server.requests.map((r) => eventXml(r).eventType).sort(), [...Array<string>(6).fill('IO'), ...Array<string>(6).fill('VMD')].sort());
  });

  it('defaults to one event of every kind', async () => {
    const report = await pushEvents(target(), {});
    assert.equal(report.sent, 9);
    assert.equal(server.requests.length, 9);
  });

  it('keep-alive reuses one connection; connectionClose opens one per event', async () => {
    await pushEvents(target(), { kinds: ['io'], total: 5 });
    assert.equal(server.connections(), 1);
    assert.ok(server.requests.every((r) => r.headers.connection === 'keep-alive'));
    await pushEvents(target(), { kinds: ['io'], total: 5, quirks: { connectionClose: true } });
    assert.equal(server.connections(), 1 + 5);
    assert.ok(server.requests.slice(5).every((r) => r.headers.connection === 'close'));
  });

  it('sends Host normally and none at all with noHost', async () => {
    await pushEvents(target(), { kinds: ['io'], total: 1 });
    assert.equal(server.requests[0].headers.host, `127.0.0.1:${server.port}`);
    await pushEvents(target(), { kinds: ['io', 'anpr'], total: 2, quirks: { noHost: true } });
    for (const req of server.requests.slice(1)) {
      assert.equal(req.headers.host, undefined);
      assert.ok(!req.rawHeaders.some((h) => h.toLowerCase() === 'host'));
    }
  });

  it('chunked: the body arrives chunk-encoded and reassembles to the exact bytes built', async () => {
    const client = new PushClient(target(), { quirks: { chunked: true } });
    try {
      for (const kind of ['io', 'anpr'] as const) {
        const push = buildPush(kind, { quirks: { chunked: true } });
        const response = await client.send(push);
        assert.equal(response.status, 200);
        const req = server.requests[server.requests.length - 1];
        assert.equal(req.headers['transfer-encoding'], 'chunked');
        assert.equal(req.headers['content-length'], undefined);
        assert.deepEqual(req.body, push.body);
      }
    } finally {
      client.close();
    }
  });

  it('sends the bytes buildPush made, Content-Length and all', async () => {
    const client = new PushClient(target());
    try {
      const push = buildPush('facecapture', { sequence: 5 });
      await client.send(push);
      const req = server.requests[0];
      assert.deepEqual(req.body, push.body);
      assert.equal(req.headers['content-length'], String(push.body.length));
      assert.equal(req.headers['content-type'], push.headers['Content-Type']);
    } finally {
      client.close();
    }
  });

  it('duplicateBoundary: the repeated delimiter line reaches the server', async () => {
    await pushEvents(target(), { kinds: ['anpr'], total: 1, quirks: { duplicateBoundary: true } });
    const req = server.requests[0];
    const delimiter = `--${boundaryOf(req.headers['content-type'])}\r\n`;
    assert.notEqual(req.body.indexOf(delimiter + delimiter), -1);
  });

  it('noFinalBoundary: the body ends without the closing delimiter', async () => {
    await pushEvents(target(), { kinds: ['acs'], total: 1, quirks: { noFinalBoundary: true } });
    const body = server.requests[0].body;
    assert.equal(body.indexOf('--MIME_boundary--'), -1);
    assert.deepEqual(body.subarray(-2), Buffer.from([0xff, 0xd9]), 'ends with the picture');
  });

  it('jpegTrailingBytes: pictures arrive with bytes after their EOI marker', async () => {
    await pushEvents(target(), { kinds: ['anpr'], total: 1, quirks: { jpegTrailingBytes: true } });
    const req = server.requests[0];
    const [, plate, scene] = splitMultipart(req.body, boundaryOf(req.headers['content-type'])).parts;
    for (const image of [plate.body, scene.body]) {
      assert.deepEqual(image.subarray(-JPEG_TRAILING_BYTES.length), JPEG_TRAILING_BYTES);
      assert.equal(checkJpeg(image).end, image.length - JPEG_TRAILING_BYTES.length);
    }
  });

  it('unescapedAmp and emptyElements arrive in the XML as devices write them', async () => {
    await pushEvents(target(), { kinds: ['io'], total: 1, quirks: { unescapedAmp: true, emptyElements: true } });
    const text = server.requests[0].body.toString();
    assert.match(text, /<channelName>Camera 01 & Gate<\/channelName>/);
    assert.match(text, /<channelID\/>/);
    assert.match(text, /<activePostCount\/>/);
  });

  it('repeats active events with a rising activePostCount', async () => {
    await pushEvents(target(), { kinds: ['vmd', 'linedetection'], total: 6, activeRepeats: 3 });
    const seen = server.requests.map((r) => `${eventXml(r).eventType}:${eventXml(r).activePostCount}`);
    assert.deepEqual(seen, ['VMD:1', 'VMD:2', 'VMD:3', 'linedetection:1', 'linedetection:2', 'linedetection:3']);
  });

  it('replays stored events first, marked as retransmissions, then live ones', async () => {
    const report = await pushEvents(target(), { kinds: ['io', 'acs'], total: 2, replayStored: 3 });
    assert.equal(report.sent, 5);
    assert.equal(report.replayed, 3);
    const marks = server.requests.map((r) => {
      if ((r.headers['content-type'] ?? '').startsWith('multipart/')) {
        const json = JSON.parse(splitMultipart(r.body, 'MIME_boundary').parts[0].body.toString()) as { AccessControllerEvent: { currentEvent: boolean } };
        return json.AccessControllerEvent.currentEvent ? 'live' : 'replay';
      }
      return eventXml(r).isDataRetransmission === 'true' ? 'replay' : 'live';
    });
    assert.deepEqual(marks, ['replay', 'replay', 'replay', 'live', 'live']);
  });

  it('a rate limits how many are due, by count; a rated run still sends exactly `total`', async () => {
    const schedule = new RateSchedule(5);
    assert.equal(schedule.dueBy(0, 100), 1);
    assert.equal(schedule.dueBy(999, 100), 5);
    assert.equal(schedule.dueBy(1999, 100), 10);
    assert.equal(schedule.dueBy(60_000, 7), 7);
    assert.equal(new RateSchedule(0).dueBy(0, 50), 50);
    assert.equal(schedule.dueAt(10), 2000);
    const report = await pushEvents(target(), { kinds: ['io'], total: 5, rate: 500 });
    assert.equal(report.sent, 5);
    assert.equal(server.requests.length, 5);
  });

  it('an abort signal stops an open-ended run; every request sent was answered', async () => {
    const controller = new AbortController();
    const report = await pushEvents(target(), {
      kinds: ['io'], signal: controller.signal, onResult: (r) => { if (r.sequence >= 2) controller.abort(); },
    });
    assert.ok(report.sent >= 3);
    assert.equal(server.requests.length, report.sent);
    assert.equal(report.ok, report.sent);
  });

  it('builds every body afresh (unique serial numbers) unless told to reuse a few', async () => {
    const serials = (from: number): number[] => server.requests.slice(from).map((r) => {
      const json = JSON.parse(splitMultipart(r.body, 'MIME_boundary').parts[0].body.toString()) as { AccessControllerEvent: { serialNo: number } };
      return json.AccessControllerEvent.serialNo;
    });
    await pushEvents(target(), { kinds: ['acs'], total: 4 });
    assert.deepEqual(serials(0), [1000, 1001, 1002, 1003]);
    await pushEvents(target(), { kinds: ['acs'], total: 4, distinctBodies: 2 });
    assert.deepEqual(serials(4), [1000, 1001, 1000, 1001]);
  });

  it('counts non-2xx answers as failed, by status', async () => {
    await server.close();
    server = await startCaptureServer((_req, res) => { res.statusCode = 503; res.end('busy'); });
    const report = await pushEvents(target(), { kinds: ['io'], total: 3 });
    assert.deepEqual({ ok: report.ok, failed: report.failed, statuses: report.statuses }, { ok: 0, failed: 3, statuses: { 503: 3 } });
  });

  it('reports a peer that answers garbage or hangs up without answering', async () => {
    const answers = [Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\r\n'), null];
    let n = 0;
    const peer = net.createServer((socket) => {
      const answer = answers[n++ % answers.length];
      socket.once('data', () => { if (answer) socket.end(answer); else socket.destroy(); });
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    try {
      const port = (peer.address() as net.AddressInfo).port;
      const report = await pushEvents({ host: '127.0.0.1', port, path: '/' }, { kinds: ['io'], total: 2 });
      assert.equal(report.failed, 2);
      assert.equal(report.statuses.error, 2);
      assert.ok(report.errors.some((e) => /not an HTTP response/.test(e)), report.errors.join('; '));
      assert.ok(report.errors.some((e) => /closed before a response|ECONNRESET/.test(e)), report.errors.join('; '));
    } finally {
      await new Promise<void>((resolve) => peer.close(() => { resolve(); }));
    }
  });

  it('reports an unreachable listener as errors, without throwing', async () => {
    const port = await freePort();
    const report = await pushEvents({ host: '127.0.0.1', port, path: '/' }, { kinds: ['io'], total: 2 });
    assert.equal(report.failed, 2);
    assert.equal(report.statuses.error, 2);
    assert.match(report.errors[0], /ECONNREFUSED/);
  });

  it('reads chunked answers and honours Connection: close from the listener', async () => {
    await server.close();
    let n = 0;
    server = await startCaptureServer((_req, res) => {
      n++;
      if (n === 1) { res.write('ok'); res.end(' chunked'); } // no Content-Length: chunked
      else { res.setHeader('Connection', 'close'); res.end('bye'); }
    });
    const report = await pushEvents(target(), { kinds: ['io'], total: 3 });
    assert.equal(report.ok, 3);
    assert.equal(server.connections(), 2, 'a new connection after the server closed one');
  });
});

describe('simulator: pushing to a listener that authenticates devices', () => {
  const realm = 'listener';
  let server: CaptureServer;
  let challenges = 0;
  let staleOnce = false;

  async function digestListener(password: string): Promise<CaptureServer> {
    const nonces = new Set<string>();
    return startCaptureServer((req, res) => {
      const creds = parseDigestAuthorization(req.headers.authorization);
      const good = creds !== null && nonces.has(creds.nonce) && creds.response === computeDigestResponse({
        algorithm: 'MD5', username: 'device', password, realm, method: req.method, uri: creds.uri, nonce: creds.nonce,
        qop: creds.qop, nc: creds.nc, cnonce: creds.cnonce,
      });
      if (good && staleOnce) {
        staleOnce = false;
        nonces.clear();
      } else if (good) {
        res.end();
        return;
      }
      challenges++;
      const nonce = `n${challenges}`;
      nonces.add(nonce);
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', formatDigestChallenge({ realm, nonce, algorithm: 'MD5', qop: ['auth'], stale: good }));
      res.end();
    });
  }

  beforeEach(() => { challenges = 0; staleOnce = false; });
  afterEach(async () => { await server.close(); });

  it('digest (MD5digest): answers the first challenge, then reuses the nonce', async () => {
    server = await digestListener('secret');
    const report = await pushEvents(
      { host: '127.0.0.1', port: server.port, path: '/alarm', auth: { method: 'MD5digest', username: 'device', password: 'secret' } },
      { kinds: ['io', 'anpr'], total: 5 },
    );
    assert.deepEqual({ ok: report.ok, failed: report.failed }, { ok: 5, failed: 0 });
    assert.equal(challenges, 1);
    assert.equal(server.requests.length, 6);
    const ncs = server.requests.slice(1).map((r) => parseDigestAuthorization(r.headers.authorization)?.nc);
    assert.deepEqual(ncs, ['00000001', '00000002', '00000003', '00000004', '00000005']);
  });

  it('digest: a stale nonce gets one more try with the new one', async () => {
    server = await digestListener('secret');
    const auth = { method: 'MD5digest' as const, username: 'device', password: 'secret' };
    await pushEvents({ host: '127.0.0.1', port: server.port, path: '/a', auth }, { kinds: ['io'], total: 1 });
    staleOnce = true;
    const report = await pushEvents({ host: '127.0.0.1', port: server.port, path: '/a', auth }, { kinds: ['io'], total: 1 });
    assert.equal(report.ok, 1);
  });

  it('digest with a wrong password: every event fails with 401, never more than two tries each', async () => {
    server = await digestListener('secret');
    const report = await pushEvents(
      { host: '127.0.0.1', port: server.port, path: '/alarm', auth: { method: 'MD5digest', username: 'device', password: 'wrong' } },
      { kinds: ['io'], total: 3 },
    );
    assert.deepEqual(report.statuses, { 401: 3 });
    assert.equal(server.requests.length, 6, 'one challenge and one answer per event');
  });

  it('basic (base64): sends the credentials with every request', async () => {
    server = await startCaptureServer();
    await pushEvents(
      { host: '127.0.0.1', port: server.port, path: '/alarm', auth: { method: 'base64', username: 'device', password: 'pässword' } },
      { kinds: ['io'], total: 2 },
    );
    const expected = `Basic ${Buffer.from('device:pässword', 'utf8').toString('base64')}`;
    assert.deepEqual(server.requests.map((r) => r.headers.authorization), [expected, expected]);
  });
});

describe('simulator: pushing over HTTPS', () => {
  it('delivers to a listener with a self-signed certificate', async () => {
    const pair = await selfSignedCertificate('listener');
    const bodies: number[] = [];
    const server = https.createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => { size += c.length; });
      req.on('end', () => { bodies.push(size); res.end(); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const report = await pushEvents({ host: '127.0.0.1', port, path: '/alarm', protocol: 'https' }, { kinds: ['anpr', 'io'], total: 4 });
      assert.equal(report.ok, 4);
      assert.equal(bodies.length, 4);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    }
  });
});
