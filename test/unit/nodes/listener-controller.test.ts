/**
 * The listener's controller without Node-RED: its messages (ids, topics, replays, pictures,
 * attachments), its status clock, and a push over real HTTP on a loopback port.
 */
import assert from 'node:assert/strict';
import type { NodeMessage, NodeStatus } from 'node-red';
import type { HikEvent } from '../../../src/push/hik-event';
import type { ListenSettings } from '../../../src/server/listen-settings';
import { ListenerController } from '../../../src/nodes/hikvision-listener/listener-controller';
import { ListenerMessages, listenerMessageOptions, type ListenerMessage } from '../../../src/nodes/hikvision-listener/listener-messages';
import { MessageIds } from '../../../src/nodes/hikvision-listener/message-ids';
import { StatusClock } from '../../../src/nodes/hikvision-listener/status-clock';
import { enUs } from '../../support/en-us-messages';
import { freePort, request } from '../../support/http';

const RED = { _: enUs };
const META = { remoteAddress: '::ffff:10.0.0.7', path: '/alarm' };

function event(overrides: Partial<HikEvent> = {}): HikEvent {
  return {
    eventType: 'VMD', eventState: 'active', dateTime: '2026-01-01T00:00:00+08:00', channelID: 1, ipAddress: '192.168.1.64',
    macAddress: null, activePostCount: 1, format: 'xml', replay: false, event: {},
    images: [{ name: 'Picture', filename: null, contentType: 'image/jpeg', contentId: 'pic1', data: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) }],
    ...overrides,
  };
}

describe('listener controller', () => {
  it('makes message ids as Node-RED does: 16 hex digits, each different', () => {
    const ids = new MessageIds();
    const seen = new Set(Array.from({ length: 1000 }, () => ids.next()));
    assert.equal(seen.size, 1000);
    for (const id of seen) assert.match(id, /^[0-9a-f]{16}$/);
  });

  it('shows the local time of the second in the status clock', () => {
    let now = new Date(2026, 0, 1, 13, 5, 9, 100).getTime();
    const clock = new StatusClock(() => now);
    assert.equal(clock.text(), '13:05:09');
    now += 950;
    assert.equal(clock.text(), '13:05:10');
  });

  it('reads the node settings with the defaults of older flows', () => {
    assert.deepEqual(listenerMessageOptions({}), { wantImages: true, replays: 'tag', attachments: false, pictures: 'as-sent', pictureTimeoutMs: 5000 });
    assert.deepEqual(listenerMessageOptions({ images: 'none', replays: 'drop', attachments: true, pictures: 'snapshot' }), {
      wantImages: false, replays: 'drop', attachments: true, pictures: 'as-sent', pictureTimeoutMs: 5000,
    });
    assert.deepEqual(listenerMessageOptions({ pictures: 'fetch-urls', pictureTimeout: '2' }).pictures, 'fetch-urls');
  });

  it('builds one message per event: topic from the device address, replays tagged or dropped', () => {
    const tagging = new ListenerMessages(listenerMessageOptions({ images: 'buffer', replays: 'tag' }));
    const live = tagging.toMessage(event(), META);
    assert.ok(live);
    assert.equal(live.topic, 'hikvision/192.168.1.64/VMD');
    assert.equal(live.remoteAddress, META.remoteAddress);
    assert.equal(live.replay, undefined);
    const replay = tagging.toMessage(event({ replay: true, ipAddress: null }), META);
    assert.ok(replay);
    assert.equal(replay.topic, 'hikvision/10.0.0.7/VMD/replay');
    assert.equal(replay.replay, true);
    const dropping = new ListenerMessages(listenerMessageOptions({ replays: 'drop' }));
    assert.equal(dropping.toMessage(event({ replay: true }), META), null);
  });

  it('drops pictures when asked, and gives them as e-mail attachments when asked', () => {
    const none = new ListenerMessages(listenerMessageOptions({ images: 'none', attachments: true })).toMessage(event(), META);
    assert.ok(none);
    assert.deepEqual(none.payload.images, []);
    assert.equal(none.attachments, undefined);
    const mail = new ListenerMessages(listenerMessageOptions({ images: 'buffer', attachments: true })).toMessage(event(), META);
    assert.deepEqual(mail?.attachments?.map((a) => [a.filename, a.cid]), [['Picture.jpg', 'pic1']]);
  });

  it('takes its route, delivers a real push, shows the count and leaves the port on close', async () => {
    const port = await freePort();
    const settings: ListenSettings = { port, bind: '127.0.0.1', auth: { mode: 'none', username: '', password: '' }, allow: [] };
    const sent: NodeMessage[] = [];
    const statuses: NodeStatus[] = [];
    const errors: string[] = [];
    const node = { send: (m: NodeMessage) => sent.push(m), error: (t: string) => errors.push(t), warn: (t: string) => errors.push(t), status: (s: NodeStatus) => statuses.push(s) };
    const listener = new ListenerController(RED, node, settings, listenerMessageOptions({}));
    listener.open('/alarm');
    try {
      const body = '<EventNotificationAlert><ipAddress>192.168.1.64</ipAddress><channelID>1</channelID><eventType>VMD</eventType><eventState>active</eventState></EventNotificationAlert>';
      for (let i = 0; i < 50 && !statuses.some((s) => s.text === `listening :${port}`); i++) await new Promise((r) => setTimeout(r, 20));
      const answer = await request({ port, path: '/alarm', body, headers: { 'Content-Type': 'application/xml' } });
      assert.equal(answer.status, 200);
      for (let i = 0; i < 100 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal((sent[0] as ListenerMessage | undefined)?.topic, 'hikvision/192.168.1.64/VMD');
      assert.deepEqual(errors, []);
      assert.ok(statuses.some((s) => s.text === enUs('hikvision-listener.status.listening', { port })), 'the listening status');
    } finally {
      await listener.close();
    }
    await assert.rejects(request({ port, path: '/alarm', body: 'x' }), /ECONNREFUSED/);
  });
});
