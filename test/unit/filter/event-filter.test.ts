import assert from 'node:assert/strict';
import { EventFilter, type FilterMessage, type RoutedMessage } from '../../../src/filter/event-filter';
import { parseFilterRules, type FilterRuleText } from '../../../src/filter/filter-rules';
import { readFilterChoices, type FilterChoiceText } from '../../../src/filter/filter-settings';
import { deviceEvent, linkageEvent, platformEvent } from './event-messages';
import { ManualScheduler } from './manual-scheduler';

function setup(text: FilterRuleText & FilterChoiceText = {}, maxKeys?: number) {
  const clock = new ManualScheduler();
  const later: RoutedMessage[] = [];
  const filter = new EventFilter({
    rules: parseFilterRules(text).rules,
    choices: readFilterChoices(text),
    scheduler: clock,
    maxKeys,
    onLater: (routed) => later.push(routed),
  });
  /** Where one message went: 'matched', 'unmatched', or 'discarded'. */
  const route = (msg: FilterMessage): string => {
    const out = filter.process(msg).filter((r) => r.msg === msg);
    return out.length === 0 ? 'discarded' : out.map((r) => r.output).join(',');
  };
  return { filter, clock, later, route };
}

type Payload = Record<string, unknown>;

describe('event filter: outputs and counts', () => {
  it('sends matched events to the matched output and the rest to not matched, on both shapes', () => {
    const { filter, route } = setup({ eventTypes: 'ANPR, 198914' });
    assert.equal(route(deviceEvent({ eventType: 'ANPR' })), 'matched');
    assert.equal(route(deviceEvent({ eventType: 'VMD' })), 'unmatched');
    assert.equal(route(platformEvent()), 'matched');
    assert.equal(route(platformEvent({ eventType: 131331 })), 'unmatched');
    assert.deepEqual(filter.counts, { passed: 2, dropped: 2 });
  });

  it('sends messages that are not events to not matched, unchanged', () => {
    const { route } = setup();
    const msg = { payload: 'hello', topic: 'x' };
    assert.equal(route(msg), 'unmatched');
    assert.deepEqual(msg, { payload: 'hello', topic: 'x' });
    assert.equal(route({}), 'unmatched');
  });

  it('passes the incoming message object itself (no copy for plain matches)', () => {
    const { filter } = setup();
    const msg = deviceEvent();
    assert.equal(filter.process(msg)[0]?.msg, msg);
  });
});

describe('event filter: replays', () => {
  it('pass: replayed device events go on like live ones', () => {
    const { route } = setup({ replays: 'pass' });
    assert.equal(route(deviceEvent({ replay: true })), 'matched');
  });

  it('drop: replayed device events are discarded (neither output), live ones pass', () => {
    const { filter, route } = setup({ replays: 'drop' });
    assert.equal(route(deviceEvent({ replay: true })), 'discarded');
    assert.equal(route({ ...deviceEvent(), replay: true }), 'discarded');
    assert.equal(route(deviceEvent({ replay: false })), 'matched');
    assert.deepEqual(filter.counts, { passed: 1, dropped: 2 });
  });

  it('drop: iSC events carry no replay mark and pass', () => {
    const { route } = setup({ replays: 'drop' });
    assert.equal(route(platformEvent()), 'matched');
    assert.equal(route(platformEvent({ replay: true })), 'matched', 'payload.replay is a device field only');
  });

  it('a dropped replay does not open a repeat episode', () => {
    const { route } = setup({ replays: 'drop', repeats: 'collapse' });
    assert.equal(route(deviceEvent({ replay: true })), 'discarded');
    assert.equal(route(deviceEvent()), 'matched', 'the live active is the start');
  });
});

describe('event filter: collapsing repeats (device events)', () => {
  it('passes the first active, discards the repeats, then sends a synthetic inactive', () => {
    const { clock, later, route } = setup({ repeats: 'collapse', repeatWindow: 5 });
    const first = deviceEvent({ activePostCount: 1, images: [{ name: 'p.jpg', filename: 'p.jpg', contentType: 'image/jpeg', contentId: null, data: Buffer.alloc(4) }] });
    assert.equal(route({ ...first, _msgid: 'm1', attachments: [{ filename: 'p.jpg' }] }), 'matched');
    for (let n = 2; n <= 6; n++) {
      clock.advance(1000);
      assert.equal(route(deviceEvent({ activePostCount: n })), 'discarded');
    }
    clock.advance(4999);
    assert.equal(later.length, 0, 'the window runs from the last repeat');
    clock.advance(1);
    assert.equal(later.length, 1);
    const end = later[0];
    assert.equal(end.output, 'matched');
    const payload = end.msg.payload as Payload;
    assert.equal(payload.eventState, 'inactive');
    assert.equal(payload.activePostCount, 6, 'a copy of the last repeat');
    assert.equal(payload.eventType, 'VMD');
    assert.equal(payload.channelID, 1);
    assert.deepEqual(payload.images, []);
    assert.equal(end.msg.synthetic, true);
    assert.equal(end.msg.topic, 'hikvision/192.168.1.64/VMD');
    assert.equal(end.msg._msgid, undefined, 'Node-RED gives it a new id');
    assert.equal(end.msg.attachments, undefined);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a real inactive ends the episode: it passes and no synthetic one follows', () => {
    const { clock, later, route } = setup({ repeats: 'collapse', repeatWindow: 5 });
    assert.equal(route(deviceEvent()), 'matched');
    assert.equal(route(deviceEvent()), 'discarded');
    assert.equal(route(deviceEvent({ eventState: 'inactive' })), 'matched');
    assert.equal(clock.pendingTimers, 0);
    clock.advance(60_000);
    assert.equal(later.length, 0);
    assert.equal(route(deviceEvent()), 'matched', 'the next active starts a new episode');
  });

  it('starts a new episode after a synthetic end', () => {
    const { clock, later, route } = setup({ repeats: 'collapse', repeatWindow: 2 });
    assert.equal(route(deviceEvent()), 'matched');
    clock.advance(2000);
    assert.equal(later.length, 1);
    assert.equal(route(deviceEvent()), 'matched');
  });

  it('keys episodes by device + channel + event type; aliases share a key', () => {
    const { route } = setup({ repeats: 'collapse' });
    assert.equal(route(deviceEvent()), 'matched');
    assert.equal(route(deviceEvent({ channelID: 2 })), 'matched');
    assert.equal(route(deviceEvent({ ipAddress: '192.168.1.65' }, '192.168.1.65')), 'matched');
    assert.equal(route(deviceEvent({ eventType: 'linedetection' })), 'matched');
    assert.equal(route(deviceEvent({ eventType: 'motiondetection' })), 'discarded', 'VMD and motiondetection are one event');
    assert.equal(route(deviceEvent({ ipAddress: null }, '::ffff:192.168.1.64')), 'discarded', 'remote address stands in for ipAddress');
  });

  it('the synthetic end is a private copy: changes downstream to the start do not leak into it', () => {
    const { clock, later, filter } = setup({ repeats: 'collapse', repeatWindow: 1 });
    const start = deviceEvent();
    filter.process(start);
    (start.payload as unknown as Payload).eventType = 'changed downstream';
    (start.payload.event as Payload).channelName = 'changed too';
    clock.advance(1000);
    const payload = later[0].msg.payload as Payload;
    assert.equal(payload.eventType, 'VMD');
    assert.equal((payload.event as Payload).channelName, 'Gate');
  });

  it('the state rule applies to every message sent: no synthetic inactive when only active is wanted', () => {
    const { clock, later, route } = setup({ repeats: 'collapse', repeatWindow: 1, states: 'active' });
    assert.equal(route(deviceEvent()), 'matched');
    clock.advance(1000);
    assert.equal(later.length, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('with states = inactive only the ends go out matched (start on not matched)', () => {
    const { clock, later, route } = setup({ repeats: 'collapse', repeatWindow: 1, states: 'inactive' });
    assert.equal(route(deviceEvent()), 'unmatched');
    assert.equal(route(deviceEvent()), 'discarded');
    clock.advance(1000);
    assert.equal(later[0]?.output, 'matched');
  });

  it('events without a state, and events the rules do not select, are not collapsed', () => {
    const { route } = setup({ repeats: 'collapse', eventTypes: 'VMD' });
    assert.equal(route(deviceEvent({ eventState: '' })), 'matched');
    assert.equal(route(deviceEvent({ eventState: '' })), 'matched');
    assert.equal(route(deviceEvent({ eventType: 'IO' })), 'unmatched');
    assert.equal(route(deviceEvent({ eventType: 'IO' })), 'unmatched');
  });

  it('pass: every repeat goes on', () => {
    const { clock, route } = setup({ repeats: 'pass' });
    for (let i = 0; i < 5; i++) assert.equal(route(deviceEvent({ activePostCount: i + 1 })), 'matched');
    assert.equal(clock.pendingTimers, 0);
  });

  it('iSC events pass through collapse unchanged (the platform sends its own start/stop)', () => {
    const { clock, route } = setup({ repeats: 'collapse' });
    assert.equal(route(platformEvent({ status: 1 })), 'matched');
    assert.equal(route(platformEvent({ status: 1 })), 'matched');
    assert.equal(route(platformEvent({ status: 2 })), 'matched');
    assert.equal(clock.pendingTimers, 0);
  });

  it('collapses duration events per related event type', () => {
    const { route } = setup({ repeats: 'collapse' });
    const duration = (relation: string) => deviceEvent({ eventType: 'duration', event: { DurationList: { Duration: { relationEvent: relation } } } });
    assert.equal(route(duration('fielddetection')), 'matched');
    assert.equal(route(duration('linedetection')), 'matched');
    assert.equal(route(duration('fielddetection')), 'discarded');
  });
});

describe('event filter: iSC status-4/5 twins', () => {
  const id = 'A1B2C3';
  const first = () => platformEvent({ eventId: id, status: 0, data: { plate: '京A12345', lane: 1 } });
  const update = () => platformEvent({ eventId: id, status: 4, linkageResult: [{ linkageType: 'captureEventPicture' }], data: { picUrl: 'https://p/1.jpg' } });
  const picture = () => platformEvent({ eventId: id, status: 5, data: { vehiclePicUrl: 'https://p/2.jpg' } });

  it('pass: both go on as they came', () => {
    const { route } = setup({ twins: 'pass' });
    assert.equal(route(first()), 'matched');
    const twin = update();
    assert.equal(route(twin), 'matched');
    assert.equal(twin.twin, undefined);
    assert.equal(twin.payload.status, 4);
  });

  it('drop: the status-4 and status-5 twins of a seen event are discarded', () => {
    const { filter, route } = setup({ twins: 'drop' });
    assert.equal(route(first()), 'matched');
    assert.equal(route(update()), 'discarded');
    assert.equal(route(picture()), 'discarded');
    assert.deepEqual(filter.counts, { passed: 1, dropped: 2 });
  });

  it('drop: a status 4 without a seen first event, or with another eventId, is no twin', () => {
    const { route } = setup({ twins: 'drop' });
    assert.equal(route(update()), 'matched', 'the first never came: this is all there is');
    assert.equal(route(platformEvent({ eventId: 'OTHER', status: 4 })), 'matched');
    assert.equal(route(platformEvent({ eventId: 'OTHER', status: 0 })), 'matched', 'a re-sent status 0 is not a twin');
    assert.equal(route(platformEvent({ eventId: undefined, status: 4 })), 'matched');
  });

  it('drop: works on the linkage shape (outer eventType 0, sample 08)', () => {
    const { route } = setup({ twins: 'drop', eventTypes: '1644175361' });
    assert.equal(route(linkageEvent({ status: 0 })), 'matched');
    assert.equal(route(linkageEvent({ status: 4, linkageResult: [] })), 'discarded');
  });

  it('merge: the twin goes out as one update — first event with the later fields, msg.twin = true', () => {
    const { route } = setup({ twins: 'merge' });
    assert.equal(route(first()), 'matched');
    const twin = update();
    assert.equal(route(twin), 'matched');
    assert.equal(twin.twin, true);
    assert.deepEqual(twin.payload.data, { plate: '京A12345', lane: 1, picUrl: 'https://p/1.jpg' });
    assert.deepEqual(twin.payload.linkageResult, [{ linkageType: 'captureEventPicture' }]);
    assert.equal(twin.payload.status, 4);
    const late = picture();
    assert.equal(route(late), 'matched');
    assert.deepEqual(late.payload.data, { plate: '京A12345', lane: 1, picUrl: 'https://p/1.jpg', vehiclePicUrl: 'https://p/2.jpg' });
    assert.deepEqual(late.payload.linkageResult, [{ linkageType: 'captureEventPicture' }], 'merged updates accumulate');
    assert.equal(late.payload.status, 5);
  });

  it('merge: the update goes where its first event went, whatever its own status', () => {
    const matchedFirst = setup({ twins: 'merge', states: '0' });
    assert.equal(matchedFirst.route(first()), 'matched');
    assert.equal(matchedFirst.route(update()), 'matched');
    const unmatchedFirst = setup({ twins: 'merge', states: '4' });
    assert.equal(unmatchedFirst.route(first()), 'unmatched');
    assert.equal(unmatchedFirst.route(update()), 'unmatched');
  });

  it('merge: keeps its own copy of the first event (downstream changes do not leak in)', () => {
    const { filter } = setup({ twins: 'merge' });
    const msg = first();
    filter.process(msg);
    (msg.payload.data as Payload).plate = 'changed downstream';
    const twin = update();
    filter.process(twin);
    assert.equal((twin.payload.data as Payload).plate, '京A12345');
  });

  it('twin handling leaves device events alone', () => {
    const { route } = setup({ twins: 'drop' });
    assert.equal(route(deviceEvent()), 'matched');
    assert.equal(route(deviceEvent()), 'matched');
  });
});

describe('event filter: bounded state', () => {
  it('keeps at most maxKeys episodes; the one idle longest ends early, before the message that evicted it', () => {
    const { filter, clock } = setup({ repeats: 'collapse' }, 3);
    for (let ch = 1; ch <= 3; ch++) filter.process(deviceEvent({ channelID: ch }));
    clock.advance(1000);
    filter.process(deviceEvent({ channelID: 1 })); // a repeat: channel 1 is now the newest
    const fourth = deviceEvent({ channelID: 4 });
    const out = filter.process(fourth);
    assert.equal(out.length, 2);
    const ended = out[0];
    assert.equal((ended.msg.payload as Payload).channelID, 2, 'channel 2 idled longest');
    assert.equal((ended.msg.payload as Payload).eventState, 'inactive');
    assert.equal(ended.msg.synthetic, true);
    assert.equal(out[1].msg, fourth);
    assert.equal(filter.stateSize.episodes, 3);
    assert.equal(clock.pendingTimers, 3);
  });

  it('stays at the default bound of 10 000 keys, with one timer per open episode', () => {
    const { filter, clock } = setup({ repeats: 'collapse', twins: 'merge' });
    for (let i = 0; i < 20_000; i++) {
      filter.process(deviceEvent({ channelID: i }));
      filter.process(platformEvent({ eventId: `E${i}` }));
    }
    assert.deepEqual(filter.stateSize, { episodes: 10_000, twins: 10_000 });
    assert.equal(clock.pendingTimers, 10_000);
  });

  it('forgets the oldest twin ids: a twin of an evicted event is no longer recognised', () => {
    const { filter, route } = setup({ twins: 'drop' }, 2);
    for (const id of ['A', 'B', 'C']) route(platformEvent({ eventId: id }));
    assert.equal(filter.stateSize.twins, 2);
    assert.equal(route(platformEvent({ eventId: 'A', status: 4 })), 'matched');
    assert.equal(route(platformEvent({ eventId: 'C', status: 4 })), 'discarded');
  });
});

describe('event filter: close', () => {
  it('cancels every timer, forgets all state and sends nothing afterwards', () => {
    const { filter, clock, later } = setup({ repeats: 'collapse', twins: 'merge' });
    for (let ch = 1; ch <= 50; ch++) filter.process(deviceEvent({ channelID: ch }));
    filter.process(platformEvent());
    assert.equal(clock.pendingTimers, 50);
    filter.close();
    assert.equal(clock.pendingTimers, 0);
    assert.deepEqual(filter.stateSize, { episodes: 0, twins: 0 });
    clock.advance(3_600_000);
    assert.equal(later.length, 0);
  });
});
