/**
 * The event filter node in a real Node-RED (4.1 or 5.0, chosen by NODE_RED_PACKAGE), with helper
 * nodes on its outputs. The decisions themselves are covered in test/unit/filter.
 */
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { collect, eventually, statuses } from '../support/flow';
import { helper, nodeModule } from '../support/node-red';
import { deviceEvent, linkageEvent, platformEvent } from '../unit/filter/event-messages';

const filterNode = nodeModule('hikvision-event-filter');

interface FilterProps {
  eventTypes?: string;
  states?: string;
  channels?: string;
  devices?: string;
  replays?: string;
  repeats?: string;
  repeatWindow?: number | string;
  twins?: string;
}

async function load(props: FilterProps, outputs: 1 | 2) {
  // `outputs` is a property Node-RED itself reads; the flow typings do not list it.
  const filter = { id: 'filter', type: 'hikvision-event-filter', outputs, ...props, wires: outputs === 2 ? [['matched'], ['unmatched']] : [['matched']] };
  await helper.load(filterNode, [
    filter,
    { id: 'matched', type: 'helper' },
    { id: 'unmatched', type: 'helper' },
  ]);
  const node = helper.getNode('filter');
  return {
    matched: collect('matched'),
    unmatched: collect('unmatched'),
    send: (msg: object) => node.receive(msg as NodeMessage),
  };
}

type Payload = Record<string, unknown>;
const payloadOf = (msg: NodeMessage) => msg.payload as Payload;
const activeTimeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('hikvision-event-filter node', function () {
  // 0.3.6 returns promises here; its typings still say void.
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(async () => {
    await helper.unload();
  });

  it('1 output: sends matched events of both shapes, holds back the rest', async () => {
    const { matched, unmatched, send } = await load({ eventTypes: 'ANPR, 198914' }, 1);
    send(deviceEvent({ eventType: 'VMD' }));
    send(deviceEvent({ eventType: 'ANPR' }));
    send(platformEvent({ eventType: 131331 }));
    send(platformEvent());
    send({ payload: 'not an event' });
    send({ ...deviceEvent({ eventType: 'anpr' }), topic: 'last' });
    const got = await matched.waitFor(3);
    assert.deepEqual(
      got.map((m) => payloadOf(m).eventType),
      ['ANPR', 198914, 'anpr'],
    );
    assert.equal(unmatched.messages.length, 0);
  });

  it('2 outputs: matched on the first, not matched on the second, both shapes', async () => {
    const { matched, unmatched, send } = await load({ eventTypes: 'VMD, 1644175361', states: 'active, 0' }, 2);
    send(deviceEvent({ eventType: 'motiondetection' }));
    send(deviceEvent({ eventType: 'VMD', eventState: 'inactive' }));
    send(linkageEvent({ status: 0 }));
    send(platformEvent());
    send({ payload: 42 });
    await matched.waitFor(2);
    await unmatched.waitFor(3);
    assert.deepEqual(matched.messages.map((m) => payloadOf(m).eventType), ['motiondetection', 0]);
    assert.deepEqual(unmatched.messages.map((m) => (typeof m.payload === 'object' ? payloadOf(m).eventType : m.payload)), ['VMD', 198914, 42]);
  });

  it('selects by channel and device', async () => {
    const { matched, unmatched, send } = await load({ channels: '33-40', devices: '192.168.1.*, 门2' }, 2);
    send(deviceEvent({ channelID: 34 }));
    send(deviceEvent({ channelID: 1 }));
    send(deviceEvent({ channelID: 35, ipAddress: '10.0.0.1' }, '10.0.0.1'));
    send(platformEvent());
    await matched.waitFor(1);
    await unmatched.waitFor(3);
    assert.equal(payloadOf(matched.messages[0]).channelID, 34);
  });

  it('replays = drop: re-sent device events go to neither output', async () => {
    const { matched, unmatched, send } = await load({ replays: 'drop' }, 2);
    send(deviceEvent({ replay: true, activePostCount: 1 }));
    send({ ...deviceEvent({ activePostCount: 2 }), replay: true });
    send(deviceEvent({ activePostCount: 3 }));
    await matched.waitFor(1);
    send(platformEvent());
    await matched.waitFor(2);
    assert.deepEqual(matched.messages.map((m) => payloadOf(m).activePostCount ?? 'isc'), [3, 'isc']);
    assert.equal(unmatched.messages.length, 0);
  });

  it('repeats = collapse: one start, then a synthetic inactive when the repeats stop', async () => {
    const { matched, unmatched, send } = await load({ repeats: 'collapse', repeatWindow: 0.3 }, 2);
    for (let n = 1; n <= 4; n++) send(deviceEvent({ activePostCount: n }));
    const [start, end] = await matched.waitFor(2);
    assert.equal(payloadOf(start).eventState, 'active');
    assert.equal(payloadOf(start).activePostCount, 1);
    assert.equal(payloadOf(end).eventState, 'inactive');
    assert.equal(payloadOf(end).activePostCount, 4);
    assert.equal(end.synthetic, true);
    assert.equal(typeof end._msgid, 'string');
    assert.notEqual(end._msgid, start._msgid);
    assert.equal(unmatched.messages.length, 0);
  });

  it('repeats = collapse: a real inactive ends the episode and passes', async () => {
    const { matched, send } = await load({ repeats: 'collapse', repeatWindow: 3600 }, 1);
    send(deviceEvent());
    send(deviceEvent());
    send(deviceEvent({ eventState: 'inactive' }));
    send(deviceEvent());
    const got = await matched.waitFor(3);
    assert.deepEqual(got.map((m) => [payloadOf(m).eventState, m.synthetic ?? false]), [
      ['active', false],
      ['inactive', false],
      ['active', false],
    ]);
  });

  it('twins = merge: the status-4 twin comes out as one merged update (msg.twin)', async () => {
    const { matched, send } = await load({ twins: 'merge' }, 2);
    send(platformEvent({ eventId: 'E1', status: 0, data: { plate: '京A12345' } }));
    send(platformEvent({ eventId: 'E1', status: 4, linkageResult: [{ linkageType: 'captureEventPicture' }], data: { picUrl: 'https://p/1.jpg' } }));
    const [, update] = await matched.waitFor(2);
    assert.equal(update.twin, true);
    assert.deepEqual(payloadOf(update).data, { plate: '京A12345', picUrl: 'https://p/1.jpg' });
    assert.equal(payloadOf(update).status, 4);
  });

  it('twins = drop: the twin goes to neither output', async () => {
    const { matched, unmatched, send } = await load({ twins: 'drop' }, 2);
    send(platformEvent({ eventId: 'E1', status: 0 }));
    send(platformEvent({ eventId: 'E1', status: 4 }));
    send(platformEvent({ eventId: 'E2', status: 5 }));
    const got = await matched.waitFor(2);
    assert.deepEqual(got.map((m) => payloadOf(m).eventId), ['E1', 'E2']);
    assert.equal(unmatched.messages.length, 0);
  });

  it('shows passed and dropped counts in the status', async () => {
    const { matched, send } = await load({ eventTypes: 'VMD' }, 1);
    const seen = statuses('filter');
    send(deviceEvent());
    send(deviceEvent({ eventType: 'IO' }));
    send(deviceEvent({ channelID: 2 }));
    await matched.waitFor(2);
    await eventually(() => seen.some((s) => s.text === '2 passed, 1 dropped' && s.fill === 'green'), 'the counts in the status');
  });

  it('warns about rule words it does not know and shows it in the status', async () => {
    const { matched, unmatched, send } = await load({ states: 'actve' }, 2);
    const warnings = helper
      .log()
      .args.map((call) => call[0] as { level?: number; type?: string; msg?: unknown })
      .filter((entry) => entry.type === 'hikvision-event-filter' && entry.level === 30);
    assert.equal(warnings.length, 1);
    const seen = statuses('filter');
    send(deviceEvent());
    await unmatched.waitFor(1);
    assert.equal(matched.messages.length, 0);
    await eventually(() => seen.some((s) => s.fill === 'yellow'), 'a yellow status');
  });

  it('leaves no timer behind when closed (episode timers, status timer)', async () => {
    const { matched, send } = await load({ repeats: 'collapse', repeatWindow: 3600 }, 1);
    const before = activeTimeouts();
    for (let ch = 1; ch <= 5; ch++) send(deviceEvent({ channelID: ch }));
    await matched.waitFor(5);
    assert.ok(activeTimeouts() > before, 'open episodes hold timers');
    await helper.unload();
    assert.ok(activeTimeouts() <= before, `timers left after close: ${activeTimeouts() - before}`);
  });
});
