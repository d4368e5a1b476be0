/**
 * Pictures for events without them, core side: which URLs an event names, which snapshot it gets,
 * and the delivery that keeps events in order while some wait for pictures (real HTTP on loopback
 * as the device).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DeviceLogins, normaliseAddress } from '../../../src/isapi/device-logins';
import { addPictures, pictureMode, wantsPictures } from '../../../src/isapi/event-pictures';
import { PictureDelivery } from '../../../src/isapi/picture-delivery';
import { DevicePictureSource, pictureTimeoutMs } from '../../../src/isapi/picture-fetcher';
import { findPictureUrls, MAX_PICTURE_URLS, snapshotPath } from '../../../src/isapi/picture-urls';
import type { HikEvent } from '../../../src/push/hik-event';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PictureStore, snapshotChannel } from '../../../src/simulator/device/picture-store';

/** The repository's test/fixtures, from dist/test/unit/isapi or test/unit/isapi. */
function fixture(name: string): Buffer {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return fs.readFileSync(path.join(dir, 'test', 'fixtures', 'device', name));
}

function event(overrides: Partial<HikEvent> = {}): HikEvent {
  return {
    eventType: 'VMD', eventState: 'active', dateTime: '2026-11-20T08:15:42+08:00', channelID: 1, ipAddress: '192.168.1.64',
    macAddress: null, activePostCount: 1, format: 'xml', replay: false, event: {}, images: [], ...overrides,
  };
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 7), Buffer.from([0xff, 0xd9])]);

/** A device on loopback answering picture paths; `delays` holds answers back per path. */
async function pictureServer(delays: Record<string, number> = {}) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push(url);
    const answer = () => {
      if (url.includes('missing')) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no');
      else res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(Buffer.concat([JPEG, Buffer.from(url)]));
    };
    const delay = Object.entries(delays).find(([p]) => url.includes(p))?.[1];
    if (delay === undefined) answer();
    else setTimeout(answer, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port, protocol: 'http' as const, rejectUnauthorized: false, username: 'u', password: 'p' };
  return {
    target,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('picture URLs in events', () => {
  it('finds the bkgUrl of a real VMD event in URL mode, with its query as the device wrote it', () => {
    const [vmd] = parsePushBody(fixture('hikvision_next__VMD_human_picture_by_url_bkgUrl.xml'), 'application/xml');
    const urls = findPictureUrls(vmd.event);
    assert.deepEqual(urls, [{
      field: 'bkgUrl',
      path: '/picture/Streaming/tracks/103/?name=ch00001_00000000012032933529600294553&size=294553',
      url: 'http://192.168.20.24/picture/Streaming/tracks/103/?name=ch00001_00000000012032933529600294553&size=294553',
    }]);
    assert.equal(wantsPictures(vmd, 'fetch-urls'), true);
    assert.equal(wantsPictures(vmd, 'as-sent'), false);
  });

  it('takes URL fields at any depth, once each, drops logins, and ignores what is not a device picture URL', () => {
    const urls = findPictureUrls({
      AccessControllerEvent: { pictureURL: 'http://cam:pw@192.168.0.106/LOCALS/pic/acsLinkCap/202605_00/01_170640_30075_0.jpeg@WEB000000000189' },
      list: [{ faceURL: '/LOCALS/pic/enrlFace/0/1.jpg' }, { faceURL: '/LOCALS/pic/enrlFace/0/1.jpg' }],
      ExtEventPictureURL: 'ftp://x/y.jpg',
      imageUrl: '//evil.example/x.jpg',
      pictureName: 'http://192.168.0.106/not-a-url-field.jpg',
      bkgUrl: 'not a url',
      escapedUrl: 'http://10.0.0.2/picture/Streaming/tracks/203/?name=a&amp;size=5',
    });
    assert.deepEqual(urls.map((u) => [u.field, u.path]), [
      ['pictureURL', '/LOCALS/pic/acsLinkCap/202605_00/01_170640_30075_0.jpeg@WEB000000000189'],
      ['faceURL', '/LOCALS/pic/enrlFace/0/1.jpg'],
      ['escapedUrl', '/picture/Streaming/tracks/203/?name=a&size=5'],
    ]);
    assert.equal(urls[0].url, 'http://192.168.0.106/LOCALS/pic/acsLinkCap/202605_00/01_170640_30075_0.jpeg@WEB000000000189');
  });

  it('takes at most a few URLs from one event', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}Url`, `/pic/${i}.jpg`]));
    assert.equal(findPictureUrls(many).length, MAX_PICTURE_URLS);
  });

  it('names the main stream snapshot of the event\'s channel', () => {
    assert.equal(snapshotPath(null), '/ISAPI/Streaming/channels/101/picture');
    assert.equal(snapshotPath(2), '/ISAPI/Streaming/channels/201/picture');
    assert.equal(snapshotPath(33), '/ISAPI/Streaming/channels/3301/picture');
    assert.equal(snapshotPath(-1), '/ISAPI/Streaming/channels/101/picture');
  });

  it('reads the mode and timeout settings, falling back to the defaults', () => {
    assert.equal(pictureMode('snapshot'), 'snapshot');
    assert.equal(pictureMode('bogus'), 'as-sent');
    assert.equal(pictureMode(undefined), 'as-sent');
    assert.equal(pictureTimeoutMs('2.5'), 2500);
    assert.equal(pictureTimeoutMs(0), 5000);
    assert.equal(pictureTimeoutMs('x'), 5000);
  });
});

describe('the device directory', () => {
  it('finds a device by any form of its address and forgets it when removed', () => {
    const directory = new DeviceLogins();
    const target = { host: '192.168.1.64', port: 80, protocol: 'http' as const, rejectUnauthorized: false, username: 'a', password: 'b' };
    const remove = directory.add(target);
    assert.equal(directory.find('::ffff:192.168.1.64'), target);
    assert.equal(directory.find(null, '10.0.0.1', '192.168.1.64'), target);
    assert.equal(normaliseAddress('[FE80::1]'), 'fe80::1');
    remove();
    assert.equal(directory.find('192.168.1.64'), undefined);
  });
});

describe('addPictures', () => {
  it('adds fetched pictures after the pushed ones and leaves the pushed event untouched', async () => {
    const device = await pictureServer();
    try {
      const pushed = { name: 'Picture', filename: 'Picture.jpg', contentType: 'image/jpeg', contentId: null, data: JPEG };
      const original = event({ event: { pictureURL: 'http://1.2.3.4/LOCALS/pic/a.jpeg', other: { bkgUrl: '/picture/x?name=b' } }, images: [pushed] });
      const source = new DevicePictureSource(device.target);
      const { event: out, problems } = await addPictures(original, 'fetch-urls', source, Date.now() + 2000);
      assert.deepEqual(problems, []);
      assert.equal(original.images.length, 1, 'the pushed event object is not changed');
      assert.deepEqual(out.images.map((i) => [i.name, i.filename, i.source]), [
        ['Picture', 'Picture.jpg', undefined], ['pictureURL', 'a.jpeg', 'url'], ['bkgUrl', 'bkgUrl.jpg', 'url'],
      ]);
      assert.ok(out.images[1].data.equals(Buffer.concat([JPEG, Buffer.from('/LOCALS/pic/a.jpeg')])));
      assert.equal(out.images[2].url, `http://127.0.0.1:${device.target.port}/picture/x?name=b`);
    } finally {
      await device.close();
    }
  });

  it('snapshot mode: a snapshot only when no picture came or could be fetched; a failed URL is reported', async () => {
    const device = await pictureServer();
    try {
      const source = new DevicePictureSource(device.target);
      const { event: out, problems } = await addPictures(event({ channelID: 4, event: { bkgUrl: '/picture/missing' } }), 'snapshot', source, Date.now() + 2000);
      assert.deepEqual(out.images.map((i) => [i.source, i.filename]), [['snapshot', 'snapshot-ch4.jpg']]);
      assert.equal(problems.length, 1);
      assert.equal(problems[0].source, 'url');
      assert.match(problems[0].reason, /404/);
      assert.deepEqual(device.seen, ['/picture/missing', '/ISAPI/Streaming/channels/401/picture']);
      const replay = await addPictures(event({ replay: true }), 'snapshot', source, Date.now() + 2000);
      assert.deepEqual(replay.event.images, [], 'no snapshot of now for a stored event');
    } finally {
      await device.close();
    }
  });
});

describe('PictureDelivery', () => {
  it('sends events in arrival order, each waiting at most the timeout, and at once when nothing is fetched', async () => {
    const device = await pictureServer({ slow: 5000, medium: 100 });
    const directory = new DeviceLogins();
    directory.add(device.target);
    const problems: string[] = [];
    const delivery = new PictureDelivery({
      mode: 'fetch-urls', directory, limits: { timeoutMs: 400, maxBytes: 1e6, concurrency: 2 },
      onProblem: (p) => problems.push(p.path), onUnknownDevice: (a) => problems.push(`unknown ${a}`),
    });
    const sent: { type: string; pictures: number; at: number }[] = [];
    const start = Date.now();
    const send = (e: HikEvent) => sent.push({ type: e.eventType, pictures: e.images.length, at: Date.now() - start });
    try {
      // One fetch first: until a device has taken the login once, its requests go one at a time.
      delivery.deliver(event({ eventType: 'warm-up', event: { pictureURL: '/warm.jpg' } }), ['127.0.0.1'], send);
      await delivery.idle();
      sent.length = 0;
      delivery.deliver(event({ eventType: 'first' }), ['127.0.0.1'], send);
      assert.equal(sent.length, 1, 'nothing to fetch and nothing ahead: sent synchronously');
      delivery.deliver(event({ eventType: 'slow', event: { pictureURL: '/slow.jpg' } }), ['127.0.0.1'], send);
      delivery.deliver(event({ eventType: 'medium', event: { pictureURL: '/medium.jpg' } }), ['::ffff:127.0.0.1'], send);
      delivery.deliver(event({ eventType: 'plain' }), ['127.0.0.1'], send);
      delivery.deliver(event({ eventType: 'stranger', event: { pictureURL: '/x.jpg' } }), ['10.9.9.9', null], send);
      await delivery.idle();
      assert.deepEqual(sent.map((s) => [s.type, s.pictures]), [['first', 0], ['slow', 0], ['medium', 1], ['plain', 0], ['stranger', 0]]);
      assert.deepEqual(problems, ['unknown 10.9.9.9', '/slow.jpg']);
      // Behaviour, not speed: the slow picture was given up at its deadline, long before the server's 5 s.
      assert.ok(sent[1].at < 4000, `slow event held ${sent[1].at} ms`);
    } finally {
      await device.close();
    }
  });
});

describe('the simulator\'s picture store', () => {
  it('serves a capture until its time to live passes', () => {
    let now = 1000;
    const store = new PictureStore(60_000, () => now);
    store.add('/LOCALS/pic/a.jpeg@WEB1', JPEG);
    assert.ok(store.get('/LOCALS/pic/a.jpeg@WEB1')?.equals(JPEG));
    assert.equal(store.get('/LOCALS/pic/other'), null);
    now += 60_000;
    assert.equal(store.get('/LOCALS/pic/a.jpeg@WEB1'), null);
  });

  it('knows which channel a snapshot path asks for', () => {
    assert.equal(snapshotChannel('/ISAPI/Streaming/channels/101/picture'), 1);
    assert.equal(snapshotChannel('/ISAPI/ContentMgmt/StreamingProxy/channels/3301/picture'), 33);
    assert.equal(snapshotChannel('/ISAPI/Streaming/channels/102/picture'), null);
    assert.equal(snapshotChannel('/ISAPI/Streaming/channels/101'), null);
  });
});
