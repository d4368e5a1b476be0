import assert from 'node:assert/strict';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PushError } from '../../../src/push/push-error';
import { xmlEvent } from './push-bodies';

const XML = 'application/xml; charset="UTF-8"';

function parseXml(text: string) {
  return parsePushBody(Buffer.from(text), XML);
}

function one(text: string) {
  const events = parseXml(text);
  assert.equal(events.length, 1);
  return events[0];
}

const BASIC = {
  ipAddress: '192.168.1.64', portNo: '80', protocol: 'HTTP', macAddress: '44:19:b6:00:00:01', channelID: '1',
  dateTime: '2026-11-20T08:15:42+08:00', activePostCount: '1', eventType: 'linedetection', eventState: 'active',
  eventDescription: 'linedetection alarm',
};

describe('push parser: XML events', () => {
  it('normalises a typical EventNotificationAlert into the payload fields', () => {
    const event = one(xmlEvent(BASIC));
    assert.deepEqual({ ...event, event: undefined }, {
      eventType: 'linedetection', eventState: 'active', dateTime: '2026-11-20T08:15:42+08:00', channelID: 1,
      ipAddress: '192.168.1.64', macAddress: '44:19:b6:00:00:01', activePostCount: 1, format: 'xml', replay: false,
      event: undefined, images: [],
    });
    assert.equal(event.event.portNo, '80');
    assert.equal(event.event.eventDescription, 'linedetection alarm');
  });

  for (const namespace of [
    'http://www.hikvision.com/ver20/XMLSchema', 'http://www.hikvision.com/ver10/XMLSchema',
    'http://www.isapi.org/ver20/XMLSchema', 'urn:psialliance-org', 'http://www.std-cgi.com/ver20/XMLSchema',
  ]) {
    it(`namespace ${namespace} parses like any other`, () => {
      const event = one(xmlEvent(BASIC, namespace));
      assert.equal(event.eventType, 'linedetection');
      assert.equal(event.event.macAddress, '44:19:b6:00:00:01');
    });
  }

  it('no namespace, no version and a trailing space in the root tag (<EventNotificationAlert >)', () => {
    const event = one('<?xml version="1.0" encoding="UTF-8"?><EventNotificationAlert ><ipAddress>10.0.0.1</ipAddress><eventType>PeopleCounting</eventType></EventNotificationAlert>');
    assert.equal(event.eventType, 'PeopleCounting');
    assert.equal(event.ipAddress, '10.0.0.1');
  });

  it('element prefixes such as ns1: are stripped (NVR forwarding)', () => {
    const event = one('<ns1:EventNotificationAlert xmlns:ns1="http://www.hikvision.com/ver20/XMLSchema"><ns1:eventType>VMD</ns1:eventType><ns1:DetectionRegionList><ns1:DetectionRegionEntry><ns1:regionID>1</ns1:regionID></ns1:DetectionRegionEntry></ns1:DetectionRegionList></ns1:EventNotificationAlert>');
    assert.equal(event.eventType, 'VMD');
    assert.deepEqual(event.event.DetectionRegionList, { DetectionRegionEntry: [{ regionID: '1' }] });
  });

  it('Extensions children with their own namespaces (psia serialNumber/eventPush) stay plain strings', () => {
    const event = one(`<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<eventType>videoloss</eventType>
<Extensions version="1.0" xmlns="urn:psialliance-org">
<serialNumber xmlns="urn:selfextension:psiaext-ver10-xsd">DS-2CD2T85FWD-I5(B)20191224AAWRE00834723</serialNumber>
<eventPush xmlns="urn:selfextension:psiaext-ver10-xsd">IO&amp;&amp;DS-2CD2T85FWD-I5(B)20191224AAWRE00834723,2020-12-18T22:39:33+01:00,1.0</eventPush>
</Extensions>
</EventNotificationAlert>`);
    assert.deepEqual(event.event.Extensions, {
      serialNumber: 'DS-2CD2T85FWD-I5(B)20191224AAWRE00834723',
      eventPush: 'IO&&DS-2CD2T85FWD-I5(B)20191224AAWRE00834723,2020-12-18T22:39:33+01:00,1.0',
    });
  });

  it('leaves stay strings: plate 0123, card number with leading zeros, numeric-looking fields', () => {
    const event = one(xmlEvent({ ...BASIC, eventType: 'ANPR', cardNo: '0004581234', employeeNo: '0012', ANPR: '<licensePlate>0123</licensePlate><confidenceLevel>98</confidenceLevel><plateCharBelieve>99,99</plateCharBelieve>' }));
    assert.deepEqual(event.event.ANPR, { licensePlate: '0123', confidenceLevel: '98', plateCharBelieve: '99,99' });
    assert.equal(event.event.cardNo, '0004581234');
    assert.equal(event.event.employeeNo, '0012');
    assert.equal(event.event.activePostCount, '1');
  });

  it('UTF-8 Chinese plate 京A12345 and name 张三 stay intact', () => {
    const event = one(xmlEvent({ ...BASIC, eventType: 'ANPR', channelName: '大门', ANPR: '<licensePlate>京A12345</licensePlate><ownerName>张三</ownerName>' }));
    assert.deepEqual(event.event.ANPR, { licensePlate: '京A12345', ownerName: '张三' });
    assert.equal(event.event.channelName, '大门');
  });

  it('values with newlines and spaces are trimmed (ipAddress "192.168.1.152\\n")', () => {
    const event = one('<EventNotificationAlert version="2.0" \nxmlns="http://www.hikvision.com/ver20/XMLSchema">\n<ipAddress>192.168.1.152\n</ipAddress>\n<eventType>\n IO </eventType>\n<serialNumber>DS-7608NXI\n    </serialNumber>\n</EventNotificationAlert>');
    assert.equal(event.ipAddress, '192.168.1.152');
    assert.equal(event.eventType, 'IO');
    assert.equal(event.event.serialNumber, 'DS-7608NXI');
  });

  it('empty elements <channelID/> <dynChannelID/> <activePostCount/> <channelName/> give null fields and "" in .event', () => {
    const event = one('<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">\n<ipAddress></ipAddress>\n<dynChannelID/>\n      \n<channelID/>\n<activePostCount/>\n<eventType>videoloss</eventType>\n<channelName/>\n</EventNotificationAlert>');
    assert.equal(event.channelID, null);
    assert.equal(event.activePostCount, null);
    assert.equal(event.ipAddress, null);
    assert.equal(event.macAddress, null);
    assert.equal(event.eventState, '');
    assert.equal(event.dateTime, '');
    assert.equal(event.event.channelName, '');
    assert.equal(event.event.channelID, '');
  });

  it('channelID falls back to dynChannelID (NVR: only dynChannelID, or empty channelID)', () => {
    assert.equal(one(xmlEvent({ dynChannelID: '5', eventType: 'VMD' })).channelID, 5);
    assert.equal(one(xmlEvent({ channelID: '', dynChannelID: '12', eventType: 'VMD' })).channelID, 12);
    assert.equal(one(xmlEvent({ dynChannelID: '2', channelID: '34', eventType: 'VMD' })).channelID, 34);
    assert.equal(one(xmlEvent({ channelID: '0', eventType: 'videoloss' })).channelID, 0);
    assert.equal(one(xmlEvent({ channelID: 'x1', eventType: 'VMD' })).channelID, null);
  });

  it('element name variants protocol/protocolType and inputIOPortID/dynInputIOPortID are kept as sent', () => {
    const event = one(xmlEvent({ protocolType: 'HTTP', eventType: 'IO', dynInputIOPortID: '3', inputIOPortID: '1' }));
    assert.equal(event.event.protocolType, 'HTTP');
    assert.equal(event.event.dynInputIOPortID, '3');
    assert.equal(event.event.inputIOPortID, '1');
  });

  it('unescaped & inside XML text is tolerated', () => {
    const event = one(xmlEvent({ eventType: 'VMD', channelName: 'Gate & Yard', bkgUrl: 'http://10.0.0.5/pic?name=a&size=1' }));
    assert.equal(event.event.channelName, 'Gate & Yard');
    assert.equal(event.event.bkgUrl, 'http://10.0.0.5/pic?name=a&size=1');
  });

  it('the five XML entities and character references are decoded, unknown entities left as written', () => {
    const event = one(xmlEvent({ eventType: 'VMD', a: '&lt;&gt;&quot;&apos;&amp;', b: '&#20140;&#x41;', c: '&nbsp;&#0;&#x110000;' }));
    assert.equal(event.event.a, '<>"\'&');
    assert.equal(event.event.b, '京A');
    assert.equal(event.event.c, '&nbsp;&#0;&#x110000;');
  });

  it('repeated elements become arrays, and children of …List elements are always arrays', () => {
    const single = one(xmlEvent({ eventType: 'fielddetection', DetectionRegionList: '<DetectionRegionEntry><regionID>1</regionID><RegionCoordinatesList><RegionCoordinates><positionX>1</positionX><positionY>2</positionY></RegionCoordinates></RegionCoordinatesList></DetectionRegionEntry>' }));
    assert.deepEqual(single.event.DetectionRegionList, {
      DetectionRegionEntry: [{ regionID: '1', RegionCoordinatesList: { RegionCoordinates: [{ positionX: '1', positionY: '2' }] } }],
    });
    const repeated = one(xmlEvent({ eventType: 'ANPR', extra: '1</extra><extra>2', pictureInfoList: '<pictureInfo><fileName>a.jpg</fileName></pictureInfo><pictureInfo><fileName>b.jpg</fileName></pictureInfo>' }));
    assert.deepEqual(repeated.event.extra, ['1', '2']);
    assert.deepEqual(repeated.event.pictureInfoList, { pictureInfo: [{ fileName: 'a.jpg' }, { fileName: 'b.jpg' }] });
  });

  it('empty <DetectionRegionList> (PTZ, HiWatch) and empty <regionID></regionID> (NVR) become ""', () => {
    const event = one(xmlEvent({ eventType: 'VMD', DetectionRegionList: '\n', other: '<DetectionRegionList><DetectionRegionEntry><regionID></regionID><RegionCoordinatesList>\n</RegionCoordinatesList></DetectionRegionEntry></DetectionRegionList>' }));
    assert.equal(event.event.DetectionRegionList, '');
    assert.deepEqual(event.event.other, { DetectionRegionList: { DetectionRegionEntry: [{ regionID: '', RegionCoordinatesList: '' }] } });
  });

  it('eventType duration keeps "duration"; the real type is at event.DurationList.Duration[0].relationEvent', () => {
    const event = one(xmlEvent({ eventType: 'duration', eventState: 'active', DurationList: '<Duration><relationEvent>fielddetection</relationEvent></Duration>' }));
    assert.equal(event.eventType, 'duration');
    assert.deepEqual(event.event.DurationList, { Duration: [{ relationEvent: 'fielddetection' }] });
  });

  it('eventType case and alias names are kept as sent (VMD, linedetection, heartBeat, shelteralarm, TMA)', () => {
    for (const type of ['VMD', 'motiondetection', 'linedetection', 'regionEntrance', 'heartBeat', 'shelteralarm', 'tamperdetection', 'thermometry', 'TMA']) {
      assert.equal(one(xmlEvent({ eventType: type })).eventType, type);
    }
  });

  it('dateTime is kept raw whatever its form (-6:00, offset glued to seconds, no offset, milliseconds, Z)', () => {
    for (const dateTime of ['2017-12-01T09:01:18-6:00', '2021-12-14T09:06:1600:00', '2025-04-06T14:16:04', '2025-11-12T10:44:56.365+07:00', '2026-01-01T00:00:00Z']) {
      assert.equal(one(xmlEvent({ eventType: 'VMD', dateTime })).dateTime, dateTime);
    }
  });

  it('isDataRetransmission true marks a replay; false does not', () => {
    assert.equal(one(xmlEvent({ eventType: 'VMD', isDataRetransmission: 'true' })).replay, true);
    assert.equal(one(xmlEvent({ eventType: 'VMD', isDataRetransmission: ' TRUE\n' })).replay, true);
    assert.equal(one(xmlEvent({ eventType: 'VMD', isDataRetransmission: 'false' })).replay, false);
  });

  it('several EventNotificationAlert roots in one body become several events in order', () => {
    const body = xmlEvent({ eventType: 'VMD', activePostCount: '1' }) + '\n' + xmlEvent({ eventType: 'VMD', activePostCount: '2' }) + xmlEvent({ eventType: 'IO' });
    const events = parseXml(body);
    assert.deepEqual(events.map((e) => [e.eventType, e.activePostCount]), [['VMD', 1], ['VMD', 2], ['IO', null]]);
  });

  it('a wrapper root (EventNotificationAlertList) gives one event per EventNotificationAlert', () => {
    const events = parseXml('<EventNotificationAlertList><EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert><EventNotificationAlert><eventType>IO</eventType></EventNotificationAlert></EventNotificationAlertList>');
    assert.deepEqual(events.map((e) => e.eventType), ['VMD', 'IO']);
  });

  it('XML declaration variants: none, encoding="utf-8", a space before ?>, a byte order mark', () => {
    for (const prolog of ['', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="UTF-8" ?>\n', '\ufeff<?xml version="1.0"?>']) {
      assert.equal(one(`${prolog}<EventNotificationAlert version="1.0"\n  xmlns="urn:psialliance-org"><eventType>PIR</eventType></EventNotificationAlert>`).eventType, 'PIR');
    }
  });

  it('CRLF, LF, TAB-indented and single-line documents parse alike', () => {
    const lines = ['<EventNotificationAlert>', '\t<eventType>audioexception</eventType>', '\t<AudioExceptionDetection>', '\t\t<audioDecibel>51</audioDecibel>', '\t</AudioExceptionDetection>', '</EventNotificationAlert>'];
    for (const eol of ['\r\n', '\n', '']) {
      const event = one(lines.join(eol));
      assert.equal(event.eventType, 'audioexception');
      assert.deepEqual(event.event.AudioExceptionDetection, { audioDecibel: '51' });
    }
  });

  it('the empty template <EventNotificationAlert/> gives one event with empty fields', () => {
    const event = one('<EventNotificationAlert/>');
    assert.deepEqual(event.event, {});
    assert.equal(event.eventType, '');
    assert.equal(event.channelID, null);
  });

  it('another root is kept under its own name (what the device sent stays visible)', () => {
    const event = one('<?xml version="1.0"?><HttpHostNotification><id>1</id></HttpHostNotification>');
    assert.deepEqual(event.event, { HttpHostNotification: { id: '1' } });
    assert.equal(event.eventType, '');
  });

  it('a document cut short anywhere is malformed, never a partial event', () => {
    const text = xmlEvent({ ...BASIC, DetectionRegionList: '<DetectionRegionEntry><regionID>1</regionID></DetectionRegionEntry>' });
    const end = text.trimEnd().length;
    for (let cut = 1; cut < end; cut += 7) {
      assert.throws(() => parseXml(text.slice(0, cut)), (err: unknown) => err instanceof PushError && (err.code === 'malformed' || err.code === 'empty'), `cut at ${cut}`);
    }
  });

  it('a root element holding only text is malformed', () => {
    assert.throws(() => parseXml('<EventNotificationAlert>hello</EventNotificationAlert>'), { code: 'malformed' });
  });
});
