/**
 * OnEventNotify parsing and topics: every public sample, bodies with several events, and bodies
 * that are malformed, truncated or of the wrong shape (each keeps its raw text in the error).
 */
import assert from 'node:assert/strict';
import { EventNotifyError, parseEventNotify } from '../../../src/isc/event-notify';
import { iscEventTopic, isLinkageEvent } from '../../../src/isc/event-topic';
import { listSamples, readSample } from '../../support/samples';

/** What each sample must give: events, ability, first event's topic. From test/fixtures/INDEX.md. */
const EXPECTED: Record<string, { events: number; ability: string; topic: string }> = {
  '01-acs-196883-multipleauth-card.json': { events: 1, ability: 'event_acs', topic: 'isc/event_acs/196883' },
  '02-rule-131588-area-intrusion-real.json': { events: 1, ability: 'event_rule', topic: 'isc/event_rule/131588' },
  '03-vss-131331-motion-detection-doc.json': { events: 1, ability: 'event_vss', topic: 'isc/event_vss/131331' },
  '04-vss-131329-video-loss-doc.json': { events: 1, ability: 'event_vss', topic: 'isc/event_vss/131329' },
  '05-vss-131612-scene-change-stop-doc.json': { events: 1, ability: 'event_vss', topic: 'isc/event_vss/131612' },
  '06-io-589825-alarm-input-doc.json': { events: 1, ability: 'event_io', topic: 'isc/event_io/589825' },
  '07-rule-131588-area-intrusion-doc.json': { events: 1, ability: 'event_rule', topic: 'isc/event_rule/131588' },
  '08-linkage-status4-frs-1644175361-eventDetails.json': { events: 1, ability: '', topic: 'isc/linkage/event_frs/1644175361' },
  '09-generic-format-spec-event_pms-771764226-doc.json': { events: 1, ability: 'event_pms', topic: 'isc/event_pms/771764226' },
  '10-face-recognition-1644171265-stranger.json': { events: 1, ability: 'event_face_recognition', topic: 'isc/event_face_recognition/1644171265' },
  '11-face-recognition-1644175361-watchlist-match.json': { events: 1, ability: 'event_face_recognition', topic: 'isc/event_face_recognition/1644175361' },
  '12-pdc-131616-people-counting-mq.json': { events: 1, ability: 'event_pdc', topic: 'isc/event_pdc/131616' },
  '13-acs-196893-face-auth-mq.json': { events: 1, ability: 'event_acs', topic: 'isc/event_acs/196893' },
};

function parseFails(body: string | Buffer): EventNotifyError {
  try {
    parseEventNotify(body);
  } catch (err) {
    assert.ok(err instanceof EventNotifyError);
    return err;
  }
  assert.fail('expected a parse error');
}

describe('parseEventNotify', () => {
  it('knows every sample file', () => {
    assert.deepEqual(listSamples('isc').filter((name) => name.endsWith('.json')), Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`parses ${file}`, () => {
      const raw = readSample(`isc/${file}`).toString('utf8');
      const notify = parseEventNotify(Buffer.from(raw, 'utf8'));
      assert.equal(notify.events.length, expected.events);
      assert.equal(notify.ability, expected.ability);
      const first = notify.events[0];
      assert.equal(iscEventTopic(notify.ability, first), expected.topic);
      // The event is the one sent, unchanged.
      const sent = JSON.parse(raw) as { params: { events: unknown[]; sendTime?: unknown } };
      assert.deepEqual(first, sent.params.events[0]);
      assert.equal(notify.sendTime, sent.params.sendTime ?? null);
    });
  }

  it('keeps times as sent: ISO 8601 and "YYYY-MM-DD hh:mm:ss"', () => {
    const real = parseEventNotify(readSample('isc/02-rule-131588-area-intrusion-real.json').toString('utf8'));
    assert.equal(real.events[0].happenTime, '2019-03-13 17:38:34');
    assert.equal(real.sendTime, '2019-03-13T17:38:18.142+08:00');
    const spec = parseEventNotify(readSample('isc/09-generic-format-spec-event_pms-771764226-doc.json').toString('utf8'));
    assert.equal(spec.sendTime, '2018-06-28 17:04:31');
    assert.equal(spec.params.uids, '');
  });

  it('gives one event per entry when a POST carries several', () => {
    const events = ['03-vss-131331-motion-detection-doc.json', '04-vss-131329-video-loss-doc.json', '05-vss-131612-scene-change-stop-doc.json']
      .map((file) => (JSON.parse(readSample(`isc/${file}`).toString('utf8')) as { params: { events: unknown[] } }).params.events[0]);
    const body = JSON.stringify({ method: 'OnEventNotify', params: { ability: 'event_vss', sendTime: '2018-08-16T14:05:14.435+08:00', events } });
    const notify = parseEventNotify(body);
    assert.deepEqual(notify.events.map((e) => iscEventTopic(notify.ability, e)), ['isc/event_vss/131331', 'isc/event_vss/131329', 'isc/event_vss/131612']);
    const fifty = JSON.stringify({ method: 'OnEventNotify', params: { ability: 'event_vss', events: Array.from({ length: 50 }, (_, i) => ({ eventId: String(i), eventType: 131331 })) } });
    assert.equal(parseEventNotify(fifty).events.length, 50);
  });

  it('accepts an empty event list, a missing sendTime and a byte-order mark', () => {
    const notify = parseEventNotify(`\ufeff${JSON.stringify({ method: 'OnEventNotify', params: { ability: 'event_acs', events: [] } })}`);
    assert.equal(notify.events.length, 0);
    assert.equal(notify.sendTime, null);
  });

  const malformed: Record<string, string> = {
    'an empty body': '',
    'whitespace': '  \r\n',
    'text': 'hello',
    'XML': '<EventNotificationAlert/>',
    'truncated JSON': readSample('isc/07-rule-131588-area-intrusion-doc.json').toString('utf8').slice(0, 300),
    'a JSON array': '[]',
    'a JSON string': '"OnEventNotify"',
    'another method': '{"method":"OnOtherThing","params":{"events":[]}}',
    'no method': '{"params":{"ability":"event_acs","events":[]}}',
    'no params': '{"method":"OnEventNotify"}',
    'params not an object': '{"method":"OnEventNotify","params":[1]}',
    'no events': '{"method":"OnEventNotify","params":{"ability":"event_acs"}}',
    'events not a list': '{"method":"OnEventNotify","params":{"ability":"event_acs","events":{"eventId":"x"}}}',
    'an event that is not an object': '{"method":"OnEventNotify","params":{"ability":"event_acs","events":[{"eventId":"a"},42]}}',
    'a numeric ability': '{"method":"OnEventNotify","params":{"ability":7,"events":[]}}',
  };
  for (const [what, body] of Object.entries(malformed)) {
    it(`refuses ${what}, keeping the raw body`, () => {
      const err = parseFails(body);
      assert.equal(err.raw, body);
      assert.ok(err.message.length > 0);
    });
  }

  it('keeps the raw body of invalid UTF-8 as decoded text', () => {
    const err = parseFails(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    assert.equal(err.raw, '{\ufffd\ufffd}');
  });
});

describe('iscEventTopic', () => {
  it('uses ability and eventType for raw events', () => {
    assert.equal(iscEventTopic('event_acs', { eventType: 198914 }), 'isc/event_acs/198914');
    assert.equal(iscEventTopic('event_acs', { eventType: '198914' }), 'isc/event_acs/198914');
    assert.equal(iscEventTopic('event_acs', {}), 'isc/event_acs/');
  });

  it('names a linkage event after its original event', () => {
    const linkage = { eventType: 0, eventDetails: [{ ability: 'event_rule', eventType: 131588 }, { ability: 'event_vss', eventType: 131331 }] };
    assert.ok(isLinkageEvent('', linkage));
    assert.equal(iscEventTopic('', linkage), 'isc/linkage/event_rule/131588');
  });

  it('falls back to the plain formula when a linkage event has no usable details', () => {
    assert.equal(iscEventTopic('', { eventType: 0 }), 'isc//0');
    assert.equal(iscEventTopic('', { eventType: 0, eventDetails: [] }), 'isc//0');
    assert.equal(iscEventTopic('', { eventType: 0, eventDetails: ['x'] }), 'isc//0');
  });

  it('does not treat an event with a real ability as linkage', () => {
    assert.ok(!isLinkageEvent('event_acs', { eventType: 0 }));
    assert.equal(iscEventTopic('event_acs', { eventType: 0, eventDetails: [{ ability: 'x', eventType: 1 }] }), 'isc/event_acs/0');
  });
});
