import assert from 'node:assert/strict';
import { parsePushBody } from '../../../src/push/parse-push-body';

const FORM = 'application/x-www-form-urlencoded';

function parseForm(text: string, contentType: string | undefined = FORM) {
  return parsePushBody(Buffer.from(text), contentType);
}

describe('push parser: urlencoded form bodies (parameterFormatType querystring)', () => {
  it('fields of the event become the event, as strings', () => {
    const [event] = parseForm('ipAddress=192.168.1.64&channelID=1&eventType=VMD&eventState=active&dateTime=2026-11-20T08%3A15%3A42%2B08%3A00&activePostCount=3&cardNo=0012');
    assert.equal(event.format, 'form');
    assert.equal(event.eventType, 'VMD');
    assert.equal(event.dateTime, '2026-11-20T08:15:42+08:00');
    assert.equal(event.channelID, 1);
    assert.equal(event.activePostCount, 3);
    assert.equal(event.event.cardNo, '0012');
  });

  it('one field holding the JSON event is parsed as JSON', () => {
    const json = JSON.stringify({ eventType: 'AccessControllerEvent', channelID: 1, AccessControllerEvent: { name: '张三' } });
    const [event] = parseForm(`event_log=${encodeURIComponent(json)}`);
    assert.equal(event.format, 'json');
    assert.equal(event.eventType, 'AccessControllerEvent');
    assert.deepEqual(event.event.AccessControllerEvent, { name: '张三' });
  });

  it('one field holding the XML event is parsed as XML', () => {
    const [event] = parseForm(`xml=${encodeURIComponent('<EventNotificationAlert><eventType>IO</eventType></EventNotificationAlert>')}`);
    assert.equal(event.format, 'xml');
    assert.equal(event.eventType, 'IO');
  });

  it('a body that is only URL-encoded JSON (no field name) is parsed as JSON', () => {
    const [event] = parseForm(encodeURIComponent('{"eventType":"heartBeat"}'));
    assert.equal(event.eventType, 'heartBeat');
    assert.equal(event.format, 'json');
  });

  it('repeated field names become arrays; + and percent-encoded UTF-8 decode', () => {
    const [event] = parseForm('eventType=ANPR&plate=%E4%BA%ACA12345&name=Zhang+San&region=1&region=2');
    assert.equal(event.event.plate, '京A12345');
    assert.equal(event.event.name, 'Zhang San');
    assert.deepEqual(event.event.region, ['1', '2']);
  });

  it('a form body is recognised without a Content-Type', () => {
    assert.equal(parseForm('eventType=VMD&channelID=2', undefined)[0].channelID, 2);
  });
});
