import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildPush, EVENT_KINDS, JPEG_TRAILING_BYTES, type BuiltPush } from '../../../src/simulator/push';
import { checkJpeg } from './support/jpeg-check';
import { boundaryOf, splitMultipart, type Part } from './support/multipart';

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, removeNSPrefix: true });

type Doc = Record<string, unknown>;

function alert(text: string): Doc {
  const parsed = xml.parse(text) as { EventNotificationAlert?: Doc };
  assert.ok(parsed.EventNotificationAlert, 'an EventNotificationAlert document');
  return parsed.EventNotificationAlert;
}

function parts(push: BuiltPush): Part[] {
  return splitMultipart(push.body, boundaryOf(push.headers['Content-Type'])).parts;
}

/** The event document of a push: the whole body, or the first multipart part. */
function eventText(push: BuiltPush): string {
  return push.headers['Content-Type'].startsWith('multipart/') ? parts(push)[0].body.toString('utf8') : push.body.toString('utf8');
}

describe('simulator: buildPush (event bodies)', () => {
  it('builds every kind with a matching Content-Length, keep-alive and its pictures inside the body', () => {
    for (const kind of EVENT_KINDS) {
      const push = buildPush(kind, { sequence: 1 });
      assert.equal(push.kind, kind);
      assert.equal(push.headers['Content-Length'], String(push.body.length), kind);
      assert.equal(push.headers.Connection, 'keep-alive');
      assert.equal(push.replay, false);
      for (const image of push.images) {
        assert.notEqual(push.body.indexOf(image), -1, `${kind}: picture bytes inside the body`);
        checkJpeg(image);
      }
    }
  });

  it('names the event types as devices do', () => {
    const types = Object.fromEntries(EVENT_KINDS.map((k) => [k, buildPush(k).eventType]));
    assert.deepEqual(types, {
      vmd: 'VMD', linedetection: 'linedetection', fielddetection: 'fielddetection', io: 'IO', videoloss: 'videoloss',
      anpr: 'ANPR', acs: 'AccessControllerEvent', facecapture: 'faceCapture', duration: 'duration',
    });
  });

  it('XML events carry the camera envelope in the ver20 namespace', () => {
    for (const kind of ['vmd', 'linedetection', 'fielddetection', 'io', 'videoloss', 'duration'] as const) {
      const text = eventText(buildPush(kind, { activePostCount: 4, deviceIp: '10.1.2.3' }));
      assert.equal(XMLValidator.validate(text), true, kind);
      assert.match(text, /<EventNotificationAlert version="2.0" xmlns="http:\/\/www.hikvision.com\/ver20\/XMLSchema">/);
      const doc = alert(text);
      assert.equal(doc.ipAddress, '10.1.2.3');
      assert.equal(doc.channelID, '1');
      assert.equal(doc.activePostCount, '4');
      assert.equal(doc.eventState, 'active');
      assert.equal(doc.isDataRetransmission, 'false');
      assert.match(String(doc.dateTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    }
  });

  it('VMD comes as the MoveDetection.xml part, line crossing with its lineCrossImage', () => {
    const vmd = parts(buildPush('vmd'));
    assert.equal(vmd.length, 1);
    assert.match(vmd[0].headers['content-disposition'], /name="MoveDetection.xml"; filename="MoveDetection.xml"/);
    const line = buildPush('linedetection');
    const [event, image] = parts(line);
    assert.match(event.headers['content-disposition'], /name="linedetection"$/);
    assert.match(image.headers['content-disposition'], /name="lineCrossImage"/);
    assert.equal(image.headers['content-type'], 'image/jpeg');
    assert.deepEqual(image.body, line.images[0]);
    assert.equal((alert(event.body.toString()).DetectionRegionList as Doc).DetectionRegionEntry !== undefined, true);
  });

  it('fielddetection sends its XML part without Content-Type, as captured', () => {
    const push = buildPush('fielddetection');
    assert.match(push.headers['Content-Type'], /^multipart\/form-data;boundary=/);
    const [event] = parts(push);
    assert.equal(event.headers['content-type'], undefined);
    assert.equal(alert(event.body.toString()).detectionPicturesNumber, '1');
  });

  it('ANPR: anpr.xml + licensePlatePicture.jpg + detectionPicture.jpg, 100-200 kB, UTF-8 plates kept as text', () => {
    const push = buildPush('anpr', { sequence: 0 });
    assert.ok(push.body.length > 100_000 && push.body.length < 200_000, `size ${push.body.length}`);
    assert.match(boundaryOf(push.headers['Content-Type']), /^-{27}7e1[0-9a-f]{10}$/);
    const [event, plate, scene] = parts(push);
    assert.equal(event.headers['content-disposition'], 'form-data; name="anpr.xml";filename="anpr.xml"');
    assert.equal(Number(event.headers['content-length']), event.body.length + 2, 'XML part length counts the line break');
    assert.equal(plate.headers['content-disposition'], 'form-data;name="licensePlatePicture.jpg";filename="licensePlatePicture.jpg"');
    assert.equal(Number(plate.headers['content-length']), plate.body.length);
    assert.match(scene.headers['content-disposition'], /name="detectionPicture.jpg"/);
    assert.deepEqual([plate.body, scene.body], push.images);
    assert.match(event.body.toString(), /xmlns="http:\/\/www.isapi.org\/ver20\/XMLSchema"/);
    const doc = alert(event.body.toString('utf8'));
    assert.equal((doc.ANPR as Doc).licensePlate, '京A12345');
    assert.equal(doc.picNum, '2');
    const zeroPlate = alert(parts(buildPush('anpr', { sequence: 4 }))[0].body.toString('utf8'));
    assert.equal((zeroPlate.ANPR as Doc).licensePlate, '0123');
  });

  it('access control: MIME_boundary, JSON part then Picture with Content-ID; names and numbers as strings', () => {
    const push = buildPush('acs', { sequence: 1 });
    assert.equal(push.headers['Content-Type'], 'multipart/form-data; boundary=MIME_boundary');
    const [event, picture] = parts(push);
    assert.match(event.headers['content-disposition'], /name="AccessControllerEvent"/);
    assert.equal(event.headers['content-type'], 'application/json');
    const body = JSON.parse(event.body.toString('utf8')) as { eventType: string; AccessControllerEvent: Record<string, unknown> };
    assert.equal(body.eventType, 'AccessControllerEvent');
    const acs = body.AccessControllerEvent;
    assert.equal(acs.name, '李四');
    assert.equal(acs.employeeNoString, '0007');
    assert.equal(acs.cardNo, '0001234567');
    assert.equal(acs.currentEvent, true);
    assert.equal(acs.picturesNumber, 1);
    assert.match(picture.headers['content-disposition'], /name="Picture"; filename="Picture.jpg"/);
    assert.equal(picture.headers['content-id'], 'pictureImage');
    assert.deepEqual(picture.body, push.images[0]);
    const face = JSON.parse(parts(buildPush('acs', { sequence: 0 }))[0].body.toString()) as { AccessControllerEvent: Record<string, unknown> };
    assert.equal(face.AccessControllerEvent.name, '张三');
    assert.equal(face.AccessControllerEvent.employeeNoString, '0012');
    assert.equal(face.AccessControllerEvent.subEventType, 75);
  });

  it('access control without pictures is a bare JSON body of about 1.5 kB', () => {
    const push = buildPush('acs', { pictures: false });
    assert.equal(push.headers['Content-Type'], 'application/json');
    assert.ok(push.body.length > 700 && push.body.length < 2000, `size ${push.body.length}`);
    assert.deepEqual(push.images, []);
    assert.equal((JSON.parse(push.body.toString()) as { AccessControllerEvent: { picturesNumber: number } }).AccessControllerEvent.picturesNumber, 0);
  });

  it('face capture: JSON names its pictures by contentID and pId, which the parts carry as Content-ID', () => {
    const push = buildPush('facecapture', { sequence: 2 });
    const [event, face, background] = parts(push);
    const body = JSON.parse(event.body.toString()) as { faceCapture: { targetAttrs: { pId: string }; faces: { pId: string; contentID: string }[] }[] };
    const capture = body.faceCapture[0];
    assert.equal(face.headers['content-id'], capture.faces[0].pId);
    assert.match(face.headers['content-disposition'], /name="faceImage"/);
    assert.equal(background.headers['content-id'], capture.targetAttrs.pId);
    assert.equal(push.images.length, 2);
  });

  it('duration wraps the real event in DurationList/Duration/relationEvent', () => {
    const doc = alert(buildPush('duration', { sequence: 0 }).body.toString());
    assert.equal(((doc.DurationList as Doc).Duration as Doc).relationEvent, 'fielddetection');
  });

  it('IO events name the input port', () => {
    assert.equal(alert(buildPush('io').body.toString()).inputIOPortID, '1');
  });

  it('NVR style: channels from 33 with dynChannelID, version 1.0, protocolType, psia Extensions', () => {
    for (let sequence = 0; sequence < 4; sequence++) {
      const doc = alert(buildPush('videoloss', { nvr: true, sequence }).body.toString());
      assert.equal(doc['@_version'], '1.0');
      assert.equal(doc.channelID, String(33 + sequence));
      assert.equal(doc.dynChannelID, doc.channelID);
      assert.equal(doc.protocolType, 'HTTP');
      assert.match(String((doc.Extensions as Doc).eventPush), /^videoloss&&DS-7608NXI/);
    }
    assert.equal(alert(buildPush('io', { nvr: true, channel: 40 }).body.toString()).channelID, '40');
  });

  it('replayed events are marked (isDataRetransmission, currentEvent false) and dated earlier', () => {
    const now = new Date('2026-11-20T00:15:42Z');
    const live = alert(buildPush('io', { now }).body.toString());
    const replay = buildPush('io', { now, replay: true });
    assert.equal(replay.replay, true);
    const doc = alert(replay.body.toString());
    assert.equal(doc.isDataRetransmission, 'true');
    assert.ok(String(doc.dateTime) < String(live.dateTime));
    const acs = JSON.parse(parts(buildPush('acs', { replay: true }))[0].body.toString()) as { AccessControllerEvent: { currentEvent: boolean } };
    assert.equal(acs.AccessControllerEvent.currentEvent, false);
    const face = JSON.parse(parts(buildPush('facecapture', { replay: true }))[0].body.toString()) as { isDataRetransmission: boolean };
    assert.equal(face.isDataRetransmission, true);
  });

  it('follows the slot format: JSON and querystring for camera events; terminals stay JSON', () => {
    const json = buildPush('io', { format: 'json' });
    assert.equal(json.headers['Content-Type'], 'application/json');
    const parsed = JSON.parse(json.body.toString()) as Record<string, unknown>;
    assert.equal(parsed.eventType, 'IO');
    assert.equal(parsed.channelID, 1);
    assert.equal(parsed.isDataRetransmission, false);
    const line = parts(buildPush('linedetection', { format: 'json' }));
    assert.equal(line[0].headers['content-type'], 'application/json');
    assert.equal(line.length, 2);
    const form = buildPush('duration', { format: 'querystring' });
    assert.equal(form.headers['Content-Type'], 'application/x-www-form-urlencoded');
    const fields = new URLSearchParams(form.body.toString());
    assert.equal(fields.get('eventType'), 'duration');
    assert.deepEqual(JSON.parse(fields.get('DurationList') ?? ''), { Duration: { relationEvent: 'fielddetection' } });
    assert.equal(buildPush('acs', { format: 'XML' }).headers['Content-Type'], 'multipart/form-data; boundary=MIME_boundary');
  });

  it('envelope bare / multipart overrides the device framing', () => {
    const bare = buildPush('vmd', { envelope: 'bare' });
    assert.equal(bare.headers['Content-Type'], 'application/xml; charset="UTF-8"');
    assert.equal(alert(bare.body.toString()).eventType, 'VMD');
    const wrapped = parts(buildPush('io', { envelope: 'multipart' }));
    assert.match(wrapped[0].headers['content-disposition'], /name="IO.xml"/);
  });
});

describe('simulator: buildPush quirks', () => {
  it('unescapedAmp writes a raw & into the XML (which strict parsers refuse)', () => {
    const text = buildPush('io', { quirks: { unescapedAmp: true } }).body.toString();
    assert.match(text, /<channelName>[^<]* & Gate<\/channelName>/);
    assert.notEqual(XMLValidator.validate(text), true);
  });

  it('emptyElements leaves channelID, activePostCount and channelName empty, dynChannelID set', () => {
    const text = buildPush('vmd', { quirks: { emptyElements: true } });
    const body = parts(text)[0].body.toString();
    assert.match(body, /<channelID\/>/);
    assert.match(body, /<activePostCount\/>/);
    assert.match(body, /<channelName\/>/);
    assert.match(body, /<ipv6Address><\/ipv6Address>/);
    assert.match(body, /<dynChannelID>1<\/dynChannelID>/);
  });

  it('duplicateBoundary repeats a delimiter line', () => {
    const push = buildPush('anpr', { quirks: { duplicateBoundary: true } });
    const delimiter = `--${boundaryOf(push.headers['Content-Type'])}\r\n`;
    assert.notEqual(push.body.indexOf(delimiter + delimiter), -1);
    assert.equal(splitMultipart(push.body, boundaryOf(push.headers['Content-Type'])).parts.length, 3);
  });

  it('noFinalBoundary ends the body right after the last picture', () => {
    const push = buildPush('acs', { quirks: { noFinalBoundary: true } });
    assert.equal(push.body.indexOf('--MIME_boundary--'), -1);
    assert.deepEqual(push.body.subarray(push.body.length - push.images[0].length), push.images[0]);
    assert.equal(splitMultipart(push.body, 'MIME_boundary').closed, false);
  });

  it('jpegTrailingBytes puts bytes after the EOI marker inside the picture part', () => {
    const push = buildPush('linedetection', { quirks: { jpegTrailingBytes: true } });
    const image = push.images[0];
    assert.deepEqual(image.subarray(image.length - JPEG_TRAILING_BYTES.length), JPEG_TRAILING_BYTES);
    const jpegEnd = checkJpeg(image).end;
    assert.equal(jpegEnd, image.length - JPEG_TRAILING_BYTES.length);
    assert.deepEqual(parts(push)[1].body, image);
  });

  it('chunked drops Content-Length for Transfer-Encoding; connectionClose says Connection: close', () => {
    const push = buildPush('io', { quirks: { chunked: true, connectionClose: true } });
    assert.equal(push.headers['Transfer-Encoding'], 'chunked');
    assert.equal(push.headers['Content-Length'], undefined);
    assert.equal(push.headers.Connection, 'close');
  });
});
