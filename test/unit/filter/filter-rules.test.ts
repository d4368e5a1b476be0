import assert from 'node:assert/strict';
import { readEventFacts } from '../../../src/filter/event-facts';
import { allowsState, globMatch, parseFilterRules, selectsEvent, type FilterRuleText } from '../../../src/filter/filter-rules';
import type { FilterMessage } from '../../../src/filter/event-filter';
import { deviceEvent, linkageEvent, platformEvent } from './event-messages';

/** Whether a message passes every rule (selection and state). */
function passes(text: FilterRuleText, msg: FilterMessage): boolean {
  const { rules } = parseFilterRules(text);
  const facts = readEventFacts(msg);
  return facts !== null && selectsEvent(rules, facts) && allowsState(rules, facts.state);
}

describe('filter rules: eventTypes', () => {
  it('empty means any type, on both shapes', () => {
    assert.ok(passes({ eventTypes: '' }, deviceEvent()));
    assert.ok(passes({ eventTypes: '  , ' }, platformEvent()));
    assert.ok(passes({}, linkageEvent()));
  });

  it('names match case-insensitively, as a list', () => {
    assert.ok(passes({ eventTypes: 'anpr, linedetection' }, deviceEvent({ eventType: 'ANPR' })));
    assert.ok(passes({ eventTypes: 'ANPR,LineDetection' }, deviceEvent({ eventType: 'linedetection' })));
    assert.ok(!passes({ eventTypes: 'ANPR' }, deviceEvent({ eventType: 'VMD' })));
    assert.ok(!passes({ eventTypes: 'line' }, deviceEvent({ eventType: 'linedetection' })), 'names are whole, not prefixes');
  });

  it('* stands for any run of characters', () => {
    assert.ok(passes({ eventTypes: 'region*' }, deviceEvent({ eventType: 'regionEntrance' })));
    assert.ok(passes({ eventTypes: '*detection' }, deviceEvent({ eventType: 'fielddetection' })));
    assert.ok(!passes({ eventTypes: 'region*' }, deviceEvent({ eventType: 'fielddetection' })));
    assert.ok(passes({ eventTypes: '*' }, platformEvent()));
    assert.ok(passes({ eventTypes: '1315*' }, platformEvent({ eventType: 131588 })));
    assert.ok(passes({ eventTypes: 'a.c' }, deviceEvent({ eventType: 'a.c' })));
    assert.ok(!passes({ eventTypes: 'a.c' }, deviceEvent({ eventType: 'abc' })), 'regex characters are literal');
  });

  it('codes match exactly (iSC eventType numbers), leading zeros ignored', () => {
    assert.ok(passes({ eventTypes: '198914' }, platformEvent()));
    assert.ok(passes({ eventTypes: '131331, 0198914' }, platformEvent()));
    assert.ok(!passes({ eventTypes: '19891' }, platformEvent()));
    assert.ok(!passes({ eventTypes: '1989140' }, platformEvent()));
    assert.ok(!passes({ eventTypes: 'VMD' }, platformEvent()), 'a device name never matches a platform code');
    assert.ok(!passes({ eventTypes: '131331' }, deviceEvent()), 'a code never matches a device name');
  });

  it('treats the alias pairs as one event', () => {
    const pairs: [string, string][] = [
      ['VMD', 'motiondetection'],
      ['shelteralarm', 'tamperdetection'],
      ['thermometry', 'TMA'],
    ];
    for (const [a, b] of pairs) {
      assert.ok(passes({ eventTypes: a }, deviceEvent({ eventType: b })), `${a} selects ${b}`);
      assert.ok(passes({ eventTypes: b.toUpperCase() }, deviceEvent({ eventType: a.toLowerCase() })), `${b} selects ${a}`);
    }
    assert.ok(passes({ eventTypes: 'motion*' }, deviceEvent({ eventType: 'VMD' })), 'wildcards see aliases too');
    assert.ok(!passes({ eventTypes: 'TMA' }, deviceEvent({ eventType: 'TMPA' })), 'the pre-alarm is another event');
    assert.ok(!passes({ eventTypes: 'VMD' }, deviceEvent({ eventType: 'tamperdetection' })));
  });

  it('matches the real type inside a duration event', () => {
    const msg = deviceEvent({ eventType: 'duration', event: { DurationList: { Duration: [{ relationEvent: 'fielddetection' }] } } });
    assert.ok(passes({ eventTypes: 'fielddetection' }, msg));
    assert.ok(passes({ eventTypes: 'duration' }, msg));
    assert.ok(!passes({ eventTypes: 'linedetection' }, msg));
  });

  it('matches iSC linkage events on their inner types and on the outer code 0', () => {
    assert.ok(passes({ eventTypes: '1644175361' }, linkageEvent()));
    assert.ok(passes({ eventTypes: '0' }, linkageEvent()));
    assert.ok(!passes({ eventTypes: '198914' }, linkageEvent()));
  });
});

describe('filter rules: states', () => {
  it('empty means any state', () => {
    assert.ok(passes({ states: '' }, deviceEvent({ eventState: 'inactive' })));
    assert.ok(passes({ states: '' }, platformEvent({ status: 5 })));
  });

  it('active/inactive select device events, case-insensitively', () => {
    assert.ok(passes({ states: 'Active' }, deviceEvent({ eventState: 'active' })));
    assert.ok(!passes({ states: 'active' }, deviceEvent({ eventState: 'inactive' })));
    assert.ok(passes({ states: 'active,inactive' }, deviceEvent({ eventState: 'INACTIVE' })));
    assert.ok(!passes({ states: 'active' }, deviceEvent({ eventState: '' })), 'an event without a state is not active');
  });

  it('0–5 select iSC statuses', () => {
    for (let status = 0; status <= 5; status++) {
      assert.ok(passes({ states: String(status) }, platformEvent({ status })), `status ${status}`);
      assert.ok(!passes({ states: String((status + 1) % 6) }, platformEvent({ status })));
    }
    assert.ok(passes({ states: '1, 2' }, platformEvent({ status: 2 })));
  });

  it('a list of one shape selects nothing of the other shape', () => {
    assert.ok(!passes({ states: 'active' }, platformEvent({ status: 1 })));
    assert.ok(!passes({ states: '1' }, deviceEvent({ eventState: 'active' })));
    assert.ok(passes({ states: 'active,0,1' }, platformEvent({ status: 0 })));
    assert.ok(passes({ states: 'active,0,1' }, deviceEvent()));
  });

  it('reports unknown states, which select nothing (never "any")', () => {
    const { rules, problems } = parseFilterRules({ states: 'actve, 6, inactive' });
    assert.deepEqual(problems, [
      { property: 'states', token: 'actve' },
      { property: 'states', token: '6' },
    ]);
    assert.ok(allowsState(rules, 'inactive'));
    assert.ok(!allowsState(rules, 'active'));
    assert.ok(!passes({ states: 'actve' }, deviceEvent()));
  });
});

describe('filter rules: channels', () => {
  it('empty means any channel, on both shapes', () => {
    assert.ok(passes({ channels: '' }, deviceEvent({ channelID: null })));
    assert.ok(passes({ channels: '' }, platformEvent()));
  });

  it('selects device channels by number and range', () => {
    assert.ok(passes({ channels: '1' }, deviceEvent({ channelID: 1 })));
    assert.ok(passes({ channels: '2, 33-40' }, deviceEvent({ channelID: 34 })));
    assert.ok(passes({ channels: '01' }, deviceEvent({ channelID: 1 })));
    assert.ok(!passes({ channels: '2, 33-40' }, deviceEvent({ channelID: 41 })));
    assert.ok(!passes({ channels: '1' }, deviceEvent({ channelID: null })), 'no channel is not channel 1');
  });

  it('never selects iSC events, which have no channel', () => {
    assert.ok(!passes({ channels: '0-999' }, platformEvent()));
  });

  it('reports tokens that are not channels', () => {
    assert.deepEqual(parseFilterRules({ channels: 'one, 5-2, 3' }).problems, [
      { property: 'channels', token: 'one' },
      { property: 'channels', token: '5-2' },
    ]);
    assert.ok(passes({ channels: 'one, 5-2, 3' }, deviceEvent({ channelID: 3 })));
  });
});

describe('filter rules: devices', () => {
  it('empty means any device', () => {
    assert.ok(passes({ devices: '' }, deviceEvent()));
    assert.ok(passes({ devices: '' }, platformEvent()));
  });

  it('selects device events by ipAddress, MAC (any case) or remote address, with wildcards', () => {
    assert.ok(passes({ devices: '192.168.1.64' }, deviceEvent()));
    assert.ok(passes({ devices: '44:19:B6:00:00:01' }, deviceEvent({ ipAddress: '10.1.1.1' }, '10.1.1.1')));
    assert.ok(passes({ devices: '10.0.0.9' }, deviceEvent({ ipAddress: null }, '::ffff:10.0.0.9')));
    assert.ok(passes({ devices: '::ffff:10.0.0.9' }, deviceEvent({ ipAddress: null }, '::ffff:10.0.0.9')));
    assert.ok(passes({ devices: '192.168.1.*' }, deviceEvent()));
    assert.ok(!passes({ devices: '192.168.1.6' }, deviceEvent()));
    assert.ok(!passes({ devices: '192.168.2.*' }, deviceEvent()));
  });

  it('selects iSC events by srcIndex or srcName', () => {
    assert.ok(passes({ devices: '73FC53C972F64019B04A636C5757489A' }, platformEvent()));
    assert.ok(passes({ devices: '门2' }, platformEvent()));
    assert.ok(passes({ devices: '门*' }, platformEvent()));
    assert.ok(!passes({ devices: '门1' }, platformEvent()));
  });
});

describe('filter rules: combined and hostile text', () => {
  it('all rules must hold', () => {
    const text = { eventTypes: 'VMD', states: 'active', channels: '1', devices: '192.168.1.64' };
    assert.ok(passes(text, deviceEvent()));
    assert.ok(!passes(text, deviceEvent({ channelID: 2 })));
    assert.ok(!passes(text, deviceEvent({ eventState: 'inactive' })));
    assert.ok(!passes(text, deviceEvent({ ipAddress: '192.168.1.65' }, '192.168.1.65')));
  });

  it('takes numbers and oversized lists without trouble', () => {
    assert.ok(passes({ eventTypes: 198914 as unknown as string }, platformEvent()));
    const many = Array.from({ length: 5000 }, (_, i) => `type${i}`).join(',') + ',ANPR';
    assert.ok(passes({ eventTypes: many }, deviceEvent({ eventType: 'anpr' })));
    const stars = '*'.repeat(10_000) + 'x';
    assert.ok(!passes({ eventTypes: stars }, deviceEvent({ eventType: 'a'.repeat(10_000) })));
  });
});

describe('filter rules: wildcard matching', () => {
  it('matches globs like a shell, in linear-ish time on hostile patterns', () => {
    assert.ok(globMatch('a*c', 'abbbc'));
    assert.ok(globMatch('*', ''));
    assert.ok(globMatch('a*', 'a'));
    assert.ok(!globMatch('a*c', 'abbb'));
    assert.ok(globMatch('*b*d', 'abcd'));
    assert.ok(!globMatch('*b*d', 'abcdx'));
    // A backtracking regex takes exponential time here; the walk answers at once.
    assert.ok(!globMatch('*a'.repeat(30) + '*b', 'a'.repeat(5000)));
  });
});
