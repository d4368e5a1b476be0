/**
 * Memory a push costs, where it matters: a real Node-RED 4.1 in a child process with a 256 MB heap
 * (a Raspberry Pi). Pushes trickled in one byte per HTTP chunk (a picture of 3 MB, three event
 * parts of 1 MB with pictures kept or not) must be delivered without the process dying, and the
 * process must keep answering afterwards. A body that cost a hundred times its size in heap kills
 * the child, so such a regression fails here.
 * Each test counts what it added, so either runs alone.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { nodeRedPackage } from '../support/node-red';
import { getText, startChildNodeRed, type ChildNodeRed } from '../support/node-red-child';
import { freePort } from '../support/http';

const MB = 1024 * 1024;
const HEAP_MB = 256;

interface Stats { events: number; pictureBytes: number; eventBytes: number; errors: string[] }

/** Counts what the listeners deliver (and what Catch sees) in global context; GET /stats reads it. */
const COUNT = `
const s = global.get('stats') || { events: 0, pictureBytes: 0, eventBytes: 0, errors: [] };
if (msg.error) s.errors.push(msg.error.message);
else {
  s.events++;
  for (const image of msg.payload.images || []) s.pictureBytes += image.data.length;
  s.eventBytes += String((msg.payload.event && msg.payload.event.eventDescription) || '').length;
}
global.set('stats', s);
return null;`;

function flow(listenPort: number): object[] {
  const listener = { type: 'hikvision-listener', z: 'tab', config: 'cfg', replays: 'tag', attachments: false, wires: [['count']] };
  return [
    { id: 'tab', type: 'tab', label: 'memory' },
    { id: 'cfg', type: 'hikvision-config', host: '', listenPort, listenAuth: 'none', allowList: '' },
    { ...listener, id: 'pictures', path: '/pictures', images: 'buffer', x: 150, y: 60 },
    { ...listener, id: 'no-pictures', path: '/no-pictures', images: 'none', x: 150, y: 120 },
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, x: 150, y: 180, wires: [['count']] },
    { id: 'count', type: 'function', z: 'tab', func: COUNT, outputs: 1, x: 400, y: 120, wires: [[]] },
    { id: 'stats-in', type: 'http in', z: 'tab', url: '/stats', method: 'get', x: 150, y: 240, wires: [['stats']] },
    { id: 'stats', type: 'function', z: 'tab', func: "msg.payload = global.get('stats') || { events: 0, pictureBytes: 0, eventBytes: 0, errors: [] }; return msg;", outputs: 1, x: 400, y: 240, wires: [['stats-out']] },
    { id: 'stats-out', type: 'http response', z: 'tab', statusCode: '', headers: {}, x: 600, y: 240, wires: [] },
  ];
}

/** The body as HTTP chunks of one byte each; resolves with the status the listener answered. */
function postOneByteChunks(port: number, path: string, contentType: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const framed = Buffer.allocUnsafe(body.length * 6 + 5);
    let at = 0;
    for (const byte of body) {
      framed[at++] = 0x31; // "1"
      framed[at++] = 0x0d;
      framed[at++] = 0x0a;
      framed[at++] = byte;
      framed[at++] = 0x0d;
      framed[at++] = 0x0a;
    }
    framed.write('0\r\n\r\n', at, 'latin1');
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: camera\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
      socket.end(framed);
    });
    let answer = '';
    socket.on('data', (c: Buffer) => { answer += c.toString('latin1'); });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(answer);
      if (status) resolve(Number(status[1]));
      else reject(new Error(`no answer to ${path} (the connection closed)`));
    });
  });
}

function multipart(parts: { type: string; data: Buffer }[]): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(`--boundary\r\nContent-Type: ${part.type}\r\nContent-Length: ${part.data.length}\r\n\r\n`), part.data, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from('--boundary--\r\n'));
  return Buffer.concat(pieces);
}

function eventXml(description: string): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\r\n<EventNotificationAlert version="2.0"><ipAddress>10.0.0.7</ipAddress><eventType>VMD</eventType><eventState>active</eventState><eventDescription>${description}</eventDescription></EventNotificationAlert>\r\n`);
}

const MULTIPART = 'multipart/form-data; boundary=boundary';

(nodeRedPackage === 'node-red' ? describe : describe.skip)('robustness: memory of trickled pushes, Node-RED 4.1 in a child process with a 256 MB heap', function () {
  this.timeout(300_000);
  let nodeRed: ChildNodeRed;
  let port: number;

  before(async () => {
    port = await freePort();
    nodeRed = await startChildNodeRed(flow(port), HEAP_MB);
  });
  after(async () => { await nodeRed.stop(); });

  async function stats(): Promise<Stats> {
    assert.ok(nodeRed.alive(), `Node-RED died:\n${nodeRed.output().slice(-3000)}`);
    const res = await getText(`${nodeRed.url}/stats`);
    assert.equal(res.status, 200);
    return JSON.parse(res.body) as Stats;
  }

  async function delivered(events: number): Promise<Stats> {
    const end = Date.now() + 30_000;
    for (;;) {
      const now = await stats();
      if (now.events >= events || Date.now() > end) return now;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('a 3 MB picture push in 1-byte chunks is delivered whole, and Node-RED stays up', async () => {
    const picture = Buffer.alloc(3 * MB, 0xa5);
    picture[0] = 0xff;
    picture[1] = 0xd8;
    const body = multipart([{ type: 'application/xml', data: eventXml('picture') }, { type: 'image/jpeg', data: picture }]);
    assert.equal(await postOneByteChunks(port, '/pictures', MULTIPART, body), 200);
    const got = await delivered(1);
    assert.deepEqual(got.errors, []);
    assert.equal(got.events, 1);
    assert.equal(got.pictureBytes, picture.length);
  });

  it('three 1 MB event parts in 1-byte chunks, with pictures kept and not, are delivered, and Node-RED stays up', async () => {
    const description = 'x'.repeat(1_000_000 - 400);
    const body = multipart([0, 1, 2].map(() => ({ type: 'application/xml', data: eventXml(description) })));
    const before = await stats();
    // two devices at once, one to each listener
    assert.deepEqual(await Promise.all([
      postOneByteChunks(port, '/pictures', MULTIPART, body),
      postOneByteChunks(port, '/no-pictures', MULTIPART, body),
    ]), [200, 200]);
    const got = await delivered(before.events + 6);
    assert.deepEqual(got.errors, []);
    assert.equal(got.events - before.events, 6);
    assert.equal(got.eventBytes - before.eventBytes, 6 * description.length);
    // still answering: the editor and the flow
    assert.equal((await getText(`${nodeRed.url}/settings`)).status, 200);
    assert.ok(nodeRed.alive());
  });
});
