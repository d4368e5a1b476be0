/**
 * Every device fixture (test/fixtures/device) through the parser: complete XML/JSON bodies
 * as they are, excerpts and logs where they hold complete events, and the three HikSink corpora of
 * real alertStream parts (one XML document per line).
 */
import assert from 'node:assert/strict';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PushError } from '../../../src/push/push-error';
import { listSamples, readSample } from '../../support/samples';
import { fakeJpeg, multipart } from './push-bodies';

const DEVICE = 'device';
const files = listSamples(DEVICE);
const COMPLETE_EVENT = /<EventNotificationAlert[\s>](?:(?!<EventNotificationAlert[\s>])[\s\S])*?<\/EventNotificationAlert>/g;

function text(name: string): string {
  return readSample(`${DEVICE}/${name}`).toString('utf8');
}

/** The eventType element's text, as the device wrote it. */
function xmlEventType(xml: string): string {
  return /<(?:[\w.-]+:)?eventType>\s*([^<]*?)\s*<\//.exec(xml)?.[1] ?? '';
}

function jsonEventType(value: unknown): string {
  const record = value as Record<string, unknown>;
  const inner = (record.EventNotificationAlert ?? record) as Record<string, unknown>;
  return typeof inner.eventType === 'string' ? inner.eventType : '';
}

/** Complete EventNotificationAlert documents found in an excerpt or log. */
function completeEvents(name: string): string[] {
  return text(name).match(COMPLETE_EVENT) ?? [];
}

describe('push parser: the stored device samples', () => {
  it('the samples folder is found', () => {
    assert.ok(files.length > 50);
  });

  for (const name of files.filter((file) => file.endsWith('.xml'))) {
    it(`XML sample ${name}`, () => {
      const body = readSample(`${DEVICE}/${name}`);
      const events = parsePushBody(body, 'application/xml');
      const xml = body.toString('utf8');
      if (xml.includes('<EventNotificationAlert')) {
        assert.equal(events.length, 1);
        assert.equal(events[0].eventType, xmlEventType(xml));
        assert.equal(events[0].format, 'xml');
        assert.ok(events[0].dateTime.length > 0);
      } else {
        // configuration documents (httpHosts): delivered under their root name, not as events
        assert.ok(events.length >= 1);
        for (const event of events) {
          assert.equal(event.eventType, '');
          assert.match(Object.keys(event.event)[0], /^HttpHostNotification/);
        }
      }
    });
  }

  for (const name of files.filter((file) => file.endsWith('.json'))) {
    it(`JSON sample ${name}`, () => {
      const body = readSample(`${DEVICE}/${name}`);
      const events = parsePushBody(body, 'application/json');
      assert.equal(events.length, 1);
      assert.equal(events[0].format, 'json');
      assert.equal(events[0].eventType, jsonEventType(JSON.parse(body.toString('utf8'))));
      assert.ok(events[0].dateTime.length > 0);
    });
  }

  it('excerpts and logs: every complete EventNotificationAlert in them parses', () => {
    const expected: Record<string, number> = {
      'HikvisionZM-issue2__PIR_event_bad_tz_offset.txt': 1,
      'hikvision-camera-bot-issue50__doorbell_HNDB302_heartbeat_other_psia_oneline.txt': 1,
      'hikvision-camera-bot-issue66__videoloss_heartbeat_isapi_org_whitespace_line.txt': 1,
      'iobroker-hikvision-alarmserver-issue5__push_multipart_AudioException.xml_excerpt.txt': 1,
      'node-red-hikvision-ultimate-issue105__NVR_alertStream_VMD_v1_dynChannelID_and_fielddetection_url_excerpts.txt': 3,
      'node-red-hikvision-ultimate-issue59__NVR_std-cgi_ns_malformed_dateTime_VMD_and_heartbeat.txt': 1,
      'pyHik-issue16__doorbell_DS-KB6003-WIP_heartbeat_other_and_403_ResponseStatus_excerpt.txt': 1,
      'pyHik-issue62__alertStream_ver10_ns_videoloss_duration_fielddetection_excerpts.txt': 6,
      'unifi-cam-proxy-issue145__alertStream_VMD_std-cgi_namespace.txt': 1,
      'unknown-10440627654__ANPR_multipart_anpr.xml_go_mock.txt': 1,
    };
    const found: Record<string, number> = {};
    for (const name of files.filter((file) => file.endsWith('.txt'))) {
      const docs = completeEvents(name);
      if (docs.length === 0) continue;
      found[name] = docs.length;
      for (const doc of docs) {
        const events = parsePushBody(Buffer.from(doc), 'application/xml');
        assert.equal(events.length, 1, name);
        assert.equal(events[0].eventType, xmlEventType(doc), name);
      }
    }
    assert.deepEqual(found, expected);
  });

  for (const corpus of files.filter((file) => file.endsWith('.jsonl') && file.includes('corpus'))) {
    it(`corpus ${corpus}: every alertStream XML part parses`, () => {
      const lines = text(corpus).split('\n').filter((line) => line.trim() !== '');
      assert.ok(lines.length > 500);
      const types = new Map<string, number>();
      for (const line of lines) {
        const content = (JSON.parse(line) as { content: string }).content;
        const [event] = parsePushBody(Buffer.from(content), 'application/xml; charset="UTF-8"');
        assert.equal(event.eventType, xmlEventType(content));
        assert.equal(event.eventState, /<eventState>([^<]*)</.exec(content)?.[1]);
        assert.ok(event.channelID !== null, 'every part names a channel');
        types.set(event.eventType, (types.get(event.eventType) ?? 0) + 1);
      }
      assert.ok(types.has('videoloss'));
    });
  }

  it('NVR corpus: only dynChannelID is sent and becomes channelID', () => {
    const line = text('HikSink__corpus_alertStream_parts_NVR.jsonl').split('\n')[0];
    const content = (JSON.parse(line) as { content: string }).content;
    assert.ok(!content.includes('<channelID>') && content.includes('<dynChannelID>'));
    const [event] = parsePushBody(Buffer.from(content), 'application/xml');
    assert.equal(event.channelID, Number(/<dynChannelID>(\d+)</.exec(content)?.[1]));
  });

  it('alertStream part with empty <dynChannelID/> <channelID/> and a whitespace-only line, framed as multipart without closing boundary (tropicoo #66)', () => {
    const [event] = parsePushBody(readSample(`${DEVICE}/hikvision-camera-bot-issue66__videoloss_heartbeat_isapi_org_whitespace_line.txt`), 'multipart/mixed; boundary=boundary');
    assert.equal(event.eventType, 'videoloss');
    assert.equal(event.eventState, 'inactive');
    assert.equal(event.channelID, null);
    assert.equal(event.activePostCount, 0);
    assert.equal(event.event.protocolType, 'HTTP');
  });

  it('truncated alertStream excerpts (HA #82767, homebridge #33) are malformed with the raw bytes kept', () => {
    for (const name of ['home-assistant-core-issue82767__alertStream_videoloss_heartbeat_empty_channel_excerpt.txt', 'homebridge-hikvision-issue33__NVR_alertStream_malformed_dateTime_excerpt.txt']) {
      const body = text(name);
      const cut = Buffer.from(body.slice(0, body.indexOf('[...')));
      assert.throws(() => parsePushBody(cut, 'multipart/mixed; boundary=boundary'), (err: unknown) => err instanceof PushError && err.code === 'malformed' && err.raw.equals(cut));
    }
  });

  it('AudioException.xml push with TAB-indented XML and the closing --boundary-- (ioBroker #5), headers unflattened', () => {
    const logged = text('iobroker-hikvision-alarmserver-issue5__push_multipart_AudioException.xml_excerpt.txt');
    const firstLineEnd = logged.indexOf('\n');
    const headers = logged.slice(0, firstLineEnd).replace(/ (Content-[A-Za-z]+:)/g, '\r\n$1').trim();
    const body = Buffer.from(`${headers}\r\n\r\n${logged.slice(firstLineEnd + 1)}\r\n`);
    const [event] = parsePushBody(body, 'multipart/form-data; boundary=boundary');
    assert.equal(event.eventType, 'audioexception');
    assert.deepEqual(event.event.AudioExceptionDetection, { alarmType: 'increase', audioDecibel: '51' });
    assert.equal(event.event.portNo, '8089');
  });

  it('alertStream-style multipart/mixed with boundary hikboundary and several XML parts (pyHik #62 documents)', () => {
    const docs = completeEvents('pyHik-issue62__alertStream_ver10_ns_videoloss_duration_fielddetection_excerpts.txt');
    const body = multipart('hikboundary', docs.map((doc) => ({ headers: ['Content-Type: application/xml; charset="UTF-8"', `Content-Length: ${Buffer.byteLength(doc) + 1}`], data: `${doc}\n` })), { close: false });
    const events = parsePushBody(body, 'multipart/mixed; boundary=hikboundary');
    assert.deepEqual(events.map((event) => event.eventType), docs.map(xmlEventType));
    const duration = events.find((event) => event.eventType === 'duration');
    assert.deepEqual(duration?.event.DurationList, { Duration: [{ relationEvent: 'fielddetection' }] });
  });

  it('ISAPI listening-mode template: boundary <frontier>, parts Event_Type (text/xml) and Picture_Name', () => {
    const picture = fakeJpeg(2048);
    const body = multipart('<frontier>', [
      { headers: ['Content-Disposition: form-data; name="Event_Type"', 'Content-Type: text/xml'], data: '<EventNotificationAlert/>' },
      { headers: ['Content-Disposition: form-data; name="Picture_Name"', `Content-Length: ${picture.length}`, 'Content-Type: image/jpeg'], data: picture },
    ]);
    const [event] = parsePushBody(body, 'multipart/form-data;boundary=<frontier>');
    assert.deepEqual(event.event, {});
    assert.equal(event.images[0].name, 'Picture_Name');
    assert.ok(event.images[0].data.equals(picture));
  });

  it('access-terminal JSON as logged by a PHP integration ({"data": …} wrapper), door and check-in events', () => {
    const comment = text('unknown-53288522870__AccessControllerEvent_json_door_and_checkin_php_comment.txt');
    const [door, checkIn] = comment.slice(comment.indexOf('{'), comment.lastIndexOf('}') + 1).split(/\n\s*OR\s*\n/);
    const [doorEvent] = parsePushBody(Buffer.from(door), 'application/json');
    const [checkInEvent] = parsePushBody(Buffer.from(checkIn), 'application/json');
    assert.equal(doorEvent.eventType, 'AccessControllerEvent');
    assert.equal((doorEvent.event.AccessControllerEvent as Record<string, unknown>).subEventType, 22);
    assert.equal((checkInEvent.event.AccessControllerEvent as Record<string, unknown>).employeeNoString, '1');
    assert.equal(checkInEvent.macAddress, 'a4:d5:c2:62:3e:31');
  });

  it('DS-K1T323 production capture (stored as a JS object): employeeNoString 000015 stays a string', () => {
    const source = text('unknown-68732632631__AccessControllerEvent_DS-K1T323_prod_capture_jsonb.txt');
    const literal = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
    const json = literal.replace(/'([^']*)'/g, '"$1"').replace(/([{,]\s*)([A-Za-z_]\w*):/g, '$1"$2":').replace(/,(\s*})/g, '$1');
    const [event] = parsePushBody(Buffer.from(json), 'application/json');
    assert.equal(event.eventType, 'AccessControllerEvent');
    assert.equal((event.event.AccessControllerEvent as Record<string, unknown>).employeeNoString, '000015');
  });

  it('pergolafabio #177 terminal: currentEvent true, no macAddress, no channelID', () => {
    const [event] = parsePushBody(readSample(`${DEVICE}/pergolafabio-Hikvision-Addons-issue177__AccessControllerEvent_json_DS-K1T502DBFWX-C.json`), 'application/json');
    assert.equal(event.replay, false);
    assert.equal(event.macAddress, null);
    assert.equal(event.channelID, null);
    assert.equal(event.ipAddress, 'whatever');
  });

  it('DeepinView access event wrapped in EventNotificationAlert: fields read from inside the wrapper', () => {
    const [event] = parsePushBody(readSample(`${DEVICE}/Controle-de-Acesso__AccessControllerEvent_wrapped_in_EventNotificationAlert_DeepinView.json`), 'application/json');
    assert.equal(event.ipAddress, '192.168.1.167');
    assert.equal(event.channelID, 1);
    assert.ok('AccessControllerEvent' in event.event);
  });

  it('alarmResult keeps score as the object the device sent ({"value": 52})', () => {
    const [event] = parsePushBody(readSample(`${DEVICE}/Controle-de-Acesso__alarmResult_json_match_DeepinView.json`), 'application/json');
    const faces = (event.event.alarmResult as Record<string, unknown>[])[0].faces as Record<string, unknown>[];
    assert.deepEqual(faces[0].score, { value: 52 });
  });

  it('ANPR samples: plates in Thai script and the placeholder %s stay as written, pictureInfo always an array', () => {
    const thaiXml = readSample(`${DEVICE}/unknown-58461693176__ANPR_xml_DS-TCG406-E_Thailand_mock_default.xml`);
    const [thai] = parsePushBody(thaiXml, 'application/xml');
    const anpr = thai.event.ANPR as Record<string, unknown>;
    assert.equal(anpr.licensePlate, /<licensePlate>([^<]*)</.exec(thaiXml.toString('utf8'))?.[1]);
    assert.equal(anpr.licensePlate, '8\u0e01\u0e1c444');
    assert.equal((anpr.pictureInfoList as { pictureInfo: unknown[] }).pictureInfo.length, 3);
    const [unknownPlate] = parsePushBody(readSample(`${DEVICE}/hikvision_next__ANPR_plate_unknown.xml`), 'application/xml');
    const pictures = ((unknownPlate.event.ANPR as Record<string, unknown>).pictureInfoList as { pictureInfo: unknown[] }).pictureInfo;
    assert.ok(Array.isArray(pictures));
    assert.equal(pictures.length, 1);
  });

  it('NVR psia fielddetection: no ipAddress (null), channel 34, serialNumber with a newline trimmed', () => {
    const [event] = parsePushBody(readSample(`${DEVICE}/hikvision_next__nvr_fielddetection_psia.xml`), 'application/xml');
    assert.equal(event.ipAddress, null);
    assert.equal(event.channelID, 34);
    assert.equal((event.event.Extensions as Record<string, unknown>).serialNumber, 'DS-7608NXI-I0/0P/S0000000000CCRRJ00000000WCVU');
  });
});
