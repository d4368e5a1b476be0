import assert from 'node:assert/strict';
import { readEventFacts } from '../../../src/filter/event-facts';
import { deviceEvent, linkageEvent, platformEvent } from './event-messages';

describe('filter: reading events of both shapes', () => {
  it('reads a listener message (device shape)', () => {
    const facts = readEventFacts(deviceEvent({ eventType: 'linedetection', channelID: 34 }));
    assert.ok(facts);
    assert.equal(facts.shape, 'device');
    assert.deepEqual(facts.types, ['linedetection']);
    assert.equal(facts.state, 'active');
    assert.equal(facts.channel, '34');
    assert.deepEqual(facts.deviceIds, ['192.168.1.64', '192.168.1.64', '44:19:b6:00:00:01']);
    assert.equal(facts.deviceKey, '192.168.1.64');
    assert.equal(facts.replay, false);
  });

  it('falls back to the remote address (without ::ffff:) when the event has no ipAddress', () => {
    const facts = readEventFacts(deviceEvent({ ipAddress: null, macAddress: null }, '::ffff:10.0.0.9'));
    assert.equal(facts?.deviceKey, '10.0.0.9');
    assert.deepEqual(facts.deviceIds, ['10.0.0.9']);
  });

  it('sees a replay in payload.replay and in the listener tag msg.replay', () => {
    assert.equal(readEventFacts(deviceEvent({ replay: true }))?.replay, true);
    assert.equal(readEventFacts({ ...deviceEvent(), replay: true })?.replay, true);
  });

  it('reads the real event type of a duration event (DurationList/Duration/relationEvent)', () => {
    const msg = deviceEvent({
      eventType: 'duration',
      event: { DurationList: { Duration: { relationEvent: 'fielddetection' } } },
    });
    const facts = readEventFacts(msg);
    assert.deepEqual(facts?.types, ['duration', 'fielddetection']);
    assert.equal(facts.keyType, 'duration/fielddetection');
  });

  it('reads an iSC event (platform shape)', () => {
    const facts = readEventFacts(platformEvent({ status: 1 }));
    assert.ok(facts);
    assert.equal(facts.shape, 'isc');
    assert.deepEqual(facts.types, ['198914']);
    assert.equal(facts.state, '1');
    assert.equal(facts.status, 1);
    assert.equal(facts.channel, null);
    assert.deepEqual(facts.deviceIds, ['73fc53c972f64019b04a636c5757489a', '门2']);
    assert.equal(facts.eventId, '341BEAA4AEAD480484C595488FE5427C');
    assert.equal(facts.replay, false);
  });

  it('reads the inner event types of an iSC linkage event (outer eventType 0)', () => {
    assert.deepEqual(readEventFacts(linkageEvent())?.types, ['0', '1644175361']);
  });

  it('takes an iSC code sent as a string when eventId and status say it is the platform', () => {
    const facts = readEventFacts(platformEvent({ eventType: '131331', status: '2' }));
    assert.equal(facts?.shape, 'isc');
    assert.deepEqual(facts.types, ['131331']);
    assert.equal(facts.state, '2');
  });

  it('returns null for messages that are not events', () => {
    for (const msg of [
      undefined,
      null,
      'text',
      { payload: 'VMD' },
      { payload: Buffer.from('<EventNotificationAlert/>') },
      { payload: [deviceEvent().payload] },
      { payload: {} },
      { payload: { eventType: '' } },
      { payload: { eventType: '   ' } },
      { payload: { eventType: { nested: true } } },
      { payload: { eventType: null, status: 0 } },
    ]) {
      assert.equal(readEventFacts(msg), null, JSON.stringify(msg));
    }
  });

  it('survives truncated events: missing fields read as empty, never throw', () => {
    const facts = readEventFacts({ payload: { eventType: 'VMD' } });
    assert.deepEqual(
      { state: facts?.state, channel: facts?.channel, ids: facts?.deviceIds, key: facts?.deviceKey },
      { state: '', channel: null, ids: [], key: '' },
    );
    const platform = readEventFacts({ payload: { eventType: 131329, eventDetails: 'not-a-list', status: 'x' } });
    assert.deepEqual(
      { types: platform?.types, state: platform?.state, status: platform?.status, id: platform?.eventId },
      { types: ['131329'], state: '', status: null, id: null },
    );
    const badDuration = readEventFacts(deviceEvent({ eventType: 'duration', event: { DurationList: 'x' } }));
    assert.deepEqual(badDuration?.types, ['duration']);
  });

  it('copes with oversized input: a linkage event with 10 000 inner events', () => {
    const details = Array.from({ length: 10_000 }, (_, i) => ({ eventType: 131329 + (i % 3) }));
    const facts = readEventFacts(linkageEvent({ eventDetails: details }));
    assert.deepEqual(facts?.types, ['0', '131329', '131330', '131331']);
  });
});
