import assert from 'node:assert/strict';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PushError } from '../../../src/push/push-error';

const JSON_TYPE = 'application/json';

const ACCESS = {
  ipAddress: '192.168.1.70', portNo: 80, protocol: 'HTTP', macAddress: 'a4:d5:c2:2f:ea:d2', channelID: 1,
  dateTime: '2026-11-20T08:15:42+08:00', activePostCount: 1, eventType: 'AccessControllerEvent',
  eventState: 'active', eventDescription: 'Access Controller Event',
  AccessControllerEvent: {
    deviceName: 'Door 1', majorEventType: 5, subEventType: 75, name: '张三', employeeNoString: '0012',
    cardNo: '0004581234', cardReaderNo: 1, doorNo: 1, serialNo: 1042, currentVerifyMode: 'cardOrFace',
    attendanceStatus: 'checkIn', picturesNumber: 1,
  },
};

function parseJsonAs(value: unknown, contentType: string | undefined) {
  return parsePushBody(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), contentType);
}

function parseJson(value: unknown) {
  return parseJsonAs(value, JSON_TYPE);
}

describe('push parser: JSON events', () => {
  it('a bare access-control event: payload fields normalised, .event exactly as sent', () => {
    const [event] = parseJson(ACCESS);
    assert.equal(event.format, 'json');
    assert.equal(event.eventType, 'AccessControllerEvent');
    assert.equal(event.eventState, 'active');
    assert.equal(event.dateTime, '2026-11-20T08:15:42+08:00');
    assert.equal(event.channelID, 1);
    assert.equal(event.activePostCount, 1);
    assert.equal(event.ipAddress, '192.168.1.70');
    assert.equal(event.replay, false);
    assert.deepEqual(event.event, ACCESS);
  });

  it('identifiers with leading zeros stay strings and names keep their UTF-8 (employeeNoString 0012, 张三)', () => {
    const [event] = parseJson(ACCESS);
    const inner = event.event.AccessControllerEvent as Record<string, unknown>;
    assert.equal(inner.employeeNoString, '0012');
    assert.equal(inner.cardNo, '0004581234');
    assert.equal(inner.name, '张三');
  });

  it('wrapped in EventNotificationAlert (DeepinView): the wrapper is removed, fields at the top of .event', () => {
    const [event] = parseJson({ EventNotificationAlert: ACCESS });
    assert.equal(event.eventType, 'AccessControllerEvent');
    assert.equal(event.dateTime, ACCESS.dateTime);
    assert.deepEqual(event.event, ACCESS);
  });

  it('wrapped in a single "data" key (integration logs) is unwrapped the same way', () => {
    const [event] = parseJson({ data: ACCESS });
    assert.equal(event.eventType, 'AccessControllerEvent');
    assert.equal(event.macAddress, 'a4:d5:c2:2f:ea:d2');
  });

  it('an array of events, and objects written back to back, give several events', () => {
    const second = { ...ACCESS, eventType: 'heartBeat' };
    assert.deepEqual(parseJson([ACCESS, second]).map((e) => e.eventType), ['AccessControllerEvent', 'heartBeat']);
    assert.deepEqual(parseJson(`${JSON.stringify(ACCESS)}\n${JSON.stringify(second)}`).map((e) => e.eventType), ['AccessControllerEvent', 'heartBeat']);
    assert.deepEqual(parseJson(`${JSON.stringify(ACCESS)}${JSON.stringify(second)}`).map((e) => e.eventType), ['AccessControllerEvent', 'heartBeat']);
  });

  it('currentEvent false inside AccessControllerEvent (stored-event dump) marks a replay', () => {
    const replayed = { ...ACCESS, AccessControllerEvent: { ...ACCESS.AccessControllerEvent, currentEvent: false } };
    assert.equal(parseJson(replayed)[0].replay, true);
    const live = { ...ACCESS, AccessControllerEvent: { ...ACCESS.AccessControllerEvent, currentEvent: true } };
    assert.equal(parseJson(live)[0].replay, false);
  });

  it('isDataRetransmission true in a JSON envelope marks a replay', () => {
    assert.equal(parseJson({ ...ACCESS, isDataRetransmission: true })[0].replay, true);
    assert.equal(parseJson({ ...ACCESS, isDataRetransmission: false })[0].replay, false);
  });

  it('absent fields: no channelID/macAddress -> null, no eventState -> ""', () => {
    const [event] = parseJson({ ipAddress: '172.20.40.10', dateTime: '2026-07-29T10:12:44+08:00', eventType: 'LocalUserChange', LocalUserChange: { serialNo: 4471, localUserChangeType: 'userModify', employeeNo: 9999999 } });
    assert.equal(event.channelID, null);
    assert.equal(event.macAddress, null);
    assert.equal(event.activePostCount, null);
    assert.equal(event.eventState, '');
    assert.equal((event.event.LocalUserChange as Record<string, unknown>).employeeNo, 9999999, 'a JSON number stays a number');
  });

  it('string numbers in JSON envelopes still give numeric channelID/activePostCount', () => {
    const [event] = parseJson({ ...ACCESS, channelID: '33', activePostCount: '' });
    assert.equal(event.channelID, 33);
    assert.equal(event.activePostCount, null);
  });

  it('an object without eventType is still delivered, with eventType ""', () => {
    const [event] = parseJson({ AccessControllerEvent: { majorEventType: 5 } });
    assert.equal(event.eventType, '');
    assert.deepEqual(event.event, { AccessControllerEvent: { majorEventType: 5 } });
  });

  it('JSON is recognised by its bytes whatever the Content-Type says (terminal ignoring parameterFormatType)', () => {
    for (const contentType of ['application/xml', 'text/plain', undefined, 'application/x-www-form-urlencoded']) {
      assert.equal(parseJsonAs(ACCESS, contentType)[0].eventType, 'AccessControllerEvent');
    }
  });

  it('TAB-indented and pretty-printed JSON', () => {
    assert.equal(parseJson(JSON.stringify(ACCESS, null, '\t'))[0].eventType, 'AccessControllerEvent');
    assert.equal(parseJson(JSON.stringify(ACCESS, null, 4))[0].eventType, 'AccessControllerEvent');
  });

  it('unreadable JSON is malformed and keeps the raw bytes', () => {
    const body = '{"eventType":"heartBeat",';
    assert.throws(() => parseJson(body), (err: unknown) => err instanceof PushError && err.code === 'malformed' && err.raw.toString() === body && err.contentType === JSON_TYPE);
    assert.throws(() => parseJson('[1,2,3]'), { code: 'malformed' });
    assert.throws(() => parseJson('{"a":1} trailing'), { code: 'malformed' });
  });
});
