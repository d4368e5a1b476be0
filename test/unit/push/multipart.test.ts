import assert from 'node:assert/strict';
import type { HikEvent } from '../../../src/push/hik-event';
import { parsePushBody } from '../../../src/push/parse-push-body';
import { PushError } from '../../../src/push/push-error';
import { readSample } from '../../support/samples';
import { fakeJpeg, multipart, xmlEvent } from './push-bodies';

const XML_PART = (name: string, withFilename = true) => [
  `Content-Disposition: form-data; name="${name}"${withFilename ? `; filename="${name}"` : ''}`,
  'Content-Type: application/xml',
];
const JPEG_PART = (name: string, extra: string[] = []) => [
  `Content-Disposition: form-data; name="${name}"; filename="${name}"`,
  'Content-Type: image/jpeg',
  ...extra,
];

const vmd = xmlEvent({ ipAddress: '10.11.12.101', portNo: '8089', channelID: '1', eventType: 'VMD', eventState: 'active', activePostCount: '1' });

/** @param boundary null: a multipart Content-Type without boundary parameter */
function parseMultipart(body: Buffer, boundary: string | null = 'boundary', images = true): HikEvent[] {
  const contentType = boundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`;
  return parsePushBody(body, contentType, { images });
}

/** The ANPR capture pasted into a Go mock, back in wire form (its lines carry one TAB of indentation). */
function anprCapture(pictures: Buffer[], eol: string): Buffer {
  const text = readSample('device/unknown-10440627654__ANPR_multipart_anpr.xml_go_mock.txt').toString('utf8');
  const lines = text.split('\n').map((line, i) => (i === 0 ? line : line.replace(/^\t/, '')));
  const wire = lines.join(eol);
  const placeholder = wire.indexOf('efwefwefwef');
  const pieces = [Buffer.from(wire.slice(0, placeholder)), pictures[0]];
  // the capture holds one picture; a second part like it follows when asked for
  for (const extra of pictures.slice(1)) {
    pieces.push(Buffer.from(`${eol}---------------------------7e13971310878${eol}Content-Disposition: form-data;name="detectionPicture.jpg";filename="detectionPicture.jpg"${eol}Content-Type: image/jpeg${eol}Content-Length: ${extra.length}${eol}${eol}`), extra);
  }
  pieces.push(Buffer.from(eol)); // the body just ends: no closing boundary
  return Buffer.concat(pieces);
}

describe('push parser: multipart bodies', () => {
  it('ANPR capture: anpr.xml + two JPEGs (bytes exact), IE-style boundary, ";filename=" without space, no closing boundary', () => {
    const plate = fakeJpeg(24708, 1);
    const scene = fakeJpeg(417908, 2);
    const body = anprCapture([plate, scene], '\r\n');
    const events = parsePushBody(body, 'multipart/form-data; boundary=---------------------------7e13971310878');
    assert.equal(events.length, 1);
    const [event] = events;
    assert.equal(event.eventType, 'ANPR');
    assert.equal(event.format, 'xml');
    assert.equal(event.ipAddress, '192.168.100.248');
    assert.equal(event.activePostCount, 17);
    const anpr = event.event.ANPR as Record<string, unknown>;
    assert.equal(anpr.licensePlate, '蓝苏A8HK52');
    assert.equal((anpr.illegalInfo as Record<string, unknown>).illegalName, '正常');
    assert.deepEqual(event.images.map((image) => [image.name, image.filename, image.contentType]), [
      ['licensePlatePicture.jpg', 'licensePlatePicture.jpg', 'image/jpeg'],
      ['detectionPicture.jpg', 'detectionPicture.jpg', 'image/jpeg'],
    ]);
    assert.ok(event.images[0].data.equals(plate));
    assert.ok(event.images[1].data.equals(scene));
  });

  it('LF-only line endings (as some captures show) frame the same way', () => {
    const plate = fakeJpeg(5000, 3);
    const [event] = parsePushBody(anprCapture([plate], '\n'), 'multipart/form-data; boundary=---------------------------7e13971310878');
    assert.equal(event.eventType, 'ANPR');
    assert.ok(event.images[0].data.equals(plate));
  });

  it('boundary in the header in another letter case than in the body (mime_boundary vs --MIME_boundary)', () => {
    const picture = fakeJpeg(3000);
    const body = multipart('MIME_boundary', [
      { headers: ['Content-Disposition: form-data; name="AccessControllerEvent"', 'Content-Type: application/json'], data: JSON.stringify({ eventType: 'AccessControllerEvent', AccessControllerEvent: { picturesNumber: 1 } }) },
      { headers: JPEG_PART('Picture', ['Content-ID: pictureImage']), data: picture },
    ]);
    const [event] = parseMultipart(body, 'mime_boundary');
    assert.equal(event.eventType, 'AccessControllerEvent');
    assert.equal(event.format, 'json');
    assert.equal(event.images.length, 1);
    assert.equal(event.images[0].contentId, 'pictureImage');
    assert.ok(event.images[0].data.equals(picture));
  });

  it('no boundary in the header: it is taken from the body\'s first line', () => {
    const body = multipart('hikboundary', [{ headers: XML_PART('MoveDetection.xml'), data: vmd }]);
    assert.equal(parseMultipart(body, null)[0].eventType, 'VMD');
  });

  it('a header boundary that the body does not use: the body\'s first line wins', () => {
    const body = multipart('boundary', [{ headers: XML_PART('MoveDetection.xml'), data: vmd }]);
    assert.equal(parseMultipart(body, 'somethingElse')[0].eventType, 'VMD');
  });

  it('Content-Type not multipart (or absent) but the body is: the body\'s bytes decide', () => {
    const body = multipart('boundary', [{ headers: XML_PART('MoveDetection.xml'), data: vmd }]);
    for (const contentType of ['application/xml', 'text/plain', undefined]) {
      assert.equal(parsePushBody(body, contentType)[0].eventType, 'VMD');
    }
  });

  it('header forms: ";boundary=" without space, quoted boundary, multipart/mixed', () => {
    const body = multipart('<frontier>', [{ headers: XML_PART('Event_Type'), data: vmd }]);
    for (const contentType of ['multipart/form-data;boundary=<frontier>', 'multipart/form-data; boundary="<frontier>"', 'multipart/mixed; boundary=<frontier>']) {
      assert.equal(parsePushBody(body, contentType)[0].eventType, 'VMD');
    }
  });

  it('duplicated --boundary delimiter lines are skipped', () => {
    const picture = fakeJpeg(2000);
    const clean = multipart('boundary', [{ headers: XML_PART('linedetection', false), data: vmd }, { headers: JPEG_PART('lineCrossImage'), data: picture }]);
    const doubled = Buffer.from(clean.toString('latin1').replace(/--boundary\r\n/g, '--boundary\r\n--boundary\r\n'), 'latin1');
    const [event] = parseMultipart(doubled);
    assert.equal(event.eventType, 'VMD');
    assert.equal(event.images.length, 1);
    assert.ok(event.images[0].data.equals(picture));
  });

  it('missing final --boundary-- (the body just ends): the last part ends with the body', () => {
    const picture = fakeJpeg(4096);
    for (const ending of ['\r\n', '\n', '']) {
      const body = Buffer.concat([multipart('boundary', [{ headers: XML_PART('anpr.xml'), data: vmd }], { close: false }), Buffer.from('--boundary\r\nContent-Type: image/jpeg\r\n\r\n'), picture, Buffer.from(ending)]);
      const [event] = parseMultipart(body);
      assert.ok(event.images[0].data.equals(picture), `ending ${JSON.stringify(ending)}`);
    }
    const onlyXml = multipart('boundary', [{ headers: XML_PART('MoveDetection.xml'), data: vmd }], { close: false });
    assert.equal(parseMultipart(onlyXml)[0].eventType, 'VMD');
  });

  it('a body ending on a delimiter line without the closing dashes', () => {
    const body = Buffer.concat([multipart('boundary', [{ headers: XML_PART('MoveDetection.xml'), data: vmd }], { close: false }), Buffer.from('--boundary')]);
    assert.equal(parseMultipart(body)[0].eventType, 'VMD');
  });

  it('empty parts (no headers, no data, or whitespace only) are skipped', () => {
    const picture = fakeJpeg(1000);
    const body = multipart('boundary', [
      { headers: [], data: '' },
      { headers: XML_PART('MoveDetection.xml'), data: '' },
      { headers: XML_PART('MoveDetection.xml'), data: vmd },
      { headers: ['Content-Disposition: form-data; name="blank"'], data: '\r\n  ' },
      { headers: JPEG_PART('VMDImage'), data: '' },
      { headers: JPEG_PART('VMDImage'), data: picture },
    ]);
    const events = parseMultipart(body);
    assert.equal(events.length, 1);
    assert.equal(events[0].images.length, 1);
    assert.ok(events[0].images[0].data.equals(picture));
  });

  it('JPEG parts with trailing bytes after the EOI marker keep every byte as sent', () => {
    const picture = Buffer.concat([fakeJpeg(3000), Buffer.from([0x00, 0x00, 0x0d, 0x0a, 0x20, 0xff])]);
    const body = multipart('boundary', [{ headers: XML_PART('MoveDetection.xml'), data: vmd }, { headers: JPEG_PART('VMDImage'), data: picture }]);
    assert.ok(parseMultipart(body)[0].images[0].data.equals(picture));
  });

  it('part Content-Length is ignored: XML counting its trailing newline, exact JPEG length, or plain wrong', () => {
    const picture = fakeJpeg(24708);
    const xml = `${vmd}\r\n`; // the device's Content-Length counts this newline
    const body = multipart('boundary', [
      { headers: [...XML_PART('anpr.xml'), `Content-Length: ${Buffer.byteLength(xml)}`], data: xml },
      { headers: [...JPEG_PART('licensePlatePicture.jpg'), `Content-Length: ${picture.length}`], data: picture },
      { headers: [...JPEG_PART('detectionPicture.jpg'), 'Content-Length: 10'], data: picture },
    ]);
    const [event] = parseMultipart(body);
    assert.equal(event.eventType, 'VMD');
    assert.ok(event.images[0].data.equals(picture));
    assert.ok(event.images[1].data.equals(picture));
  });

  it('XML part without Content-Type (no type, no filename) is recognised by its content', () => {
    const body = multipart('boundary', [{ headers: ['Content-Disposition: form-data; name="fielddetection"'], data: vmd.replace(/^<\?xml[^>]*>\n/, '') }]);
    const [event] = parseMultipart(body);
    assert.equal(event.eventType, 'VMD');
  });

  it('JSON event part with no Content-Disposition at all (ISAPI doc template)', () => {
    const body = multipart('MIME_boundary', [{ headers: ['Content-Type: application/json', 'Content-Length: 40'], data: '{"eventType":"personQueueCounting"}' }]);
    assert.equal(parseMultipart(body, 'MIME_boundary')[0].eventType, 'personQueueCounting');
  });

  it('Content-Disposition with no name and image/pjpeg (thermal TMA with two pictures)', () => {
    const first = fakeJpeg(7000, 5);
    const second = fakeJpeg(6000, 6);
    const tma = xmlEvent({ eventType: 'TMA', eventState: 'active', currTemperature: '48', detectionPicturesNumber: '2' });
    const body = multipart('boundary', [
      { headers: ['Content-Type: application/xml; charset="UTF-8"', `Content-Length: ${Buffer.byteLength(tma)}`], data: tma },
      { headers: ['Content-Disposition: form-data;', 'Content-Type: image/pjpeg', `Content-Length: ${first.length}`], data: first },
      { headers: ['Content-Disposition: form-data;', 'Content-Type: image/pjpeg'], data: second },
    ]);
    const [event] = parseMultipart(body);
    assert.equal(event.eventType, 'TMA');
    assert.deepEqual(event.images.map((image) => [image.name, image.filename, image.contentType]), [['', null, 'image/pjpeg'], ['', null, 'image/pjpeg']]);
    assert.ok(event.images[0].data.equals(first));
    assert.ok(event.images[1].data.equals(second));
  });

  it('part headers without spaces: form-data;name="…";filename="…"', () => {
    const picture = fakeJpeg(500);
    const body = multipart('boundary', [
      { headers: ['Content-Disposition: form-data;name="anpr.xml";filename="anpr.xml"', 'Content-Type:application/xml'], data: vmd },
      { headers: ['content-disposition:form-data;name="licensePlatePicture.jpg";filename="licensePlatePicture.jpg"', 'content-type:image/jpeg'], data: picture },
    ]);
    const [event] = parseMultipart(body);
    assert.deepEqual(event.images.map((image) => [image.name, image.filename, image.contentType]), [['licensePlatePicture.jpg', 'licensePlatePicture.jpg', 'image/jpeg']]);
  });

  it('smart event: XML part named after the eventType (no filename) + lineCrossImage picture', () => {
    const picture = fakeJpeg(1500);
    const xml = xmlEvent({ eventType: 'linedetection', detectionPictureTransType: 'binary', detectionPicturesNumber: '1' });
    const [event] = parseMultipart(multipart('boundary', [{ headers: ['Content-Disposition: form-data; name="linedetection"', 'Content-Type: application/xml'], data: xml }, { headers: ['Content-Disposition: form-data; name="lineCrossImage"', 'Content-Type: image/jpeg'], data: picture }]));
    assert.equal(event.eventType, 'linedetection');
    assert.deepEqual(event.images.map((image) => [image.name, image.filename]), [['lineCrossImage', null]]);
  });

  it('DeepinView faceCapture JSON + faceImage/backgroundImage whose Content-ID equals a pId in the JSON', () => {
    const capture = readSample('device/Controle-de-Acesso__faceCapture_json_DeepinView.json');
    const face = fakeJpeg(2000, 7);
    const background = fakeJpeg(9000, 8);
    const body = multipart('boundary', [
      { headers: ['Content-Disposition: form-data; name="faceCapture"', 'Content-Type: application/json'], data: capture },
      { headers: ['Content-Disposition: form-data; name="faceImage"; filename="faceImage.jpg"', 'Content-Type: image/jpeg', 'Content-ID: 20260807104530501003h08tIVLEvt9q'], data: face },
      { headers: ['Content-Disposition: form-data; name="backgroundImage"; filename="backgroundImage.jpg"', 'Content-Type: image/jpeg', 'Content-ID: <2026080710453050100C03LKTGnH49aV>'], data: background },
    ]);
    const [event] = parseMultipart(body);
    assert.equal(event.eventType, 'faceCapture');
    const faces = ((event.event.faceCapture as Record<string, unknown>[])[0].faces as Record<string, unknown>[]);
    assert.equal(event.images[0].contentId, faces[0].pId);
    assert.equal(event.images[1].contentId, '2026080710453050100C03LKTGnH49aV');
    assert.ok(event.images[0].data.equals(face));
    assert.ok(event.images[1].data.equals(background));
  });

  it('pictures as application/octet-stream or with no type are recognised by their bytes', () => {
    const picture = fakeJpeg(800);
    const body = multipart('boundary', [
      { headers: XML_PART('MoveDetection.xml'), data: vmd },
      { headers: ['Content-Disposition: form-data; name="a"; filename="a.jpg"', 'Content-Type: application/octet-stream'], data: picture },
      { headers: ['Content-Disposition: form-data; name="b"'], data: picture },
    ]);
    const [event] = parseMultipart(body);
    assert.deepEqual(event.images.map((image) => image.name), ['a', 'b']);
    assert.ok(event.images.every((image) => image.data.equals(picture)));
  });

  it('images: false parses the event and returns images: []', () => {
    const body = multipart('boundary', [{ headers: XML_PART('anpr.xml'), data: vmd }, { headers: JPEG_PART('licensePlatePicture.jpg'), data: fakeJpeg(100000) }]);
    const [event] = parseMultipart(body, 'boundary', false);
    assert.equal(event.eventType, 'VMD');
    assert.deepEqual(event.images, []);
  });

  it('several event parts give several events; each picture goes with the event part before it', () => {
    const one = fakeJpeg(300, 1);
    const two = fakeJpeg(400, 2);
    const body = multipart('boundary', [
      { headers: XML_PART('MoveDetection.xml'), data: vmd },
      { headers: JPEG_PART('VMDImage'), data: one },
      { headers: ['Content-Disposition: form-data; name="heartBeat"', 'Content-Type: application/json'], data: '{"eventType":"heartBeat"}' },
      { headers: ['Content-Disposition: form-data; name="LocalUserChange"', 'Content-Type: application/json'], data: '{"eventType":"LocalUserChange"}' },
      { headers: JPEG_PART('Picture'), data: two },
    ]);
    const events = parseMultipart(body);
    assert.deepEqual(events.map((e) => [e.eventType, e.images.length]), [['VMD', 1], ['heartBeat', 0], ['LocalUserChange', 1]]);
    assert.ok(events[2].images[0].data.equals(two));
  });

  it('one XML part holding several EventNotificationAlert documents gives several events', () => {
    const body = multipart('boundary', [{ headers: XML_PART('batch'), data: vmd + vmd }]);
    assert.equal(parseMultipart(body).length, 2);
  });

  it('a picture before the event part belongs to the first event', () => {
    const picture = fakeJpeg(300);
    const body = multipart('boundary', [{ headers: JPEG_PART('Picture'), data: picture }, { headers: XML_PART('x.xml'), data: vmd }]);
    const [event] = parseMultipart(body);
    assert.ok(event.images[0].data.equals(picture));
  });

  it('bytes that look like a delimiter inside a picture (\\r\\n--boundaryX) stay picture data', () => {
    const picture = Buffer.concat([fakeJpeg(100), Buffer.from('\r\n--boundaryX\r\n--boundar'), fakeJpeg(100)]);
    const body = multipart('boundary', [{ headers: XML_PART('x.xml'), data: vmd }, { headers: JPEG_PART('p'), data: picture }]);
    assert.ok(parseMultipart(body)[0].images[0].data.equals(picture));
  });

  it('part headers followed directly by the data (no blank line) still frame', () => {
    const body = Buffer.from(`--boundary\r\nContent-Type: application/xml\r\n${vmd}\r\n--boundary--\r\n`);
    assert.equal(parseMultipart(body)[0].eventType, 'VMD');
  });

  it('a multipart body with pictures but no event part is unsupported; with nothing in it, empty', () => {
    const pictures = multipart('boundary', [{ headers: JPEG_PART('p'), data: fakeJpeg(100) }]);
    assert.throws(() => parseMultipart(pictures), (err: unknown) => err instanceof PushError && err.code === 'unsupported' && err.raw.length > 0);
    assert.throws(() => parseMultipart(Buffer.from('--boundary\r\n\r\n\r\n--boundary--\r\n')), { code: 'empty' });
    assert.throws(() => parseMultipart(Buffer.from('--boundary--\r\n')), { code: 'empty' });
  });

  it('an event part that is not XML or JSON is malformed', () => {
    const body = multipart('boundary', [{ headers: XML_PART('x.xml'), data: 'hello' }]);
    assert.throws(() => parseMultipart(body), { code: 'malformed' });
  });

  it('a truncated body (ANPR capture cut anywhere) gives events or a PushError, never anything else', () => {
    const body = anprCapture([fakeJpeg(3000, 1), fakeJpeg(3000, 2)], '\r\n');
    const xmlEnd = body.indexOf('</EventNotificationAlert>') + '</EventNotificationAlert>'.length;
    for (let cut = 0; cut < body.length; cut += 37) {
      const piece = body.subarray(0, cut);
      let events: HikEvent[];
      try {
        events = parsePushBody(piece, 'multipart/form-data; boundary=---------------------------7e13971310878');
      } catch (err) {
        assert.ok(err instanceof PushError, `cut ${cut}: ${String(err)}`);
        assert.ok(cut < xmlEnd, `cut ${cut} after a complete event part must still parse`);
        continue;
      }
      assert.equal(events[0].eventType, 'ANPR');
      const pictureBytes = events[0].images.reduce((sum, image) => sum + image.data.length, 0);
      assert.ok(pictureBytes <= 6000);
    }
  });

  it('too many parts is refused with too-many-parts', () => {
    const parts = Array.from({ length: 10 }, () => ({ headers: JPEG_PART('p'), data: 'x' }));
    const body = multipart('boundary', [{ headers: XML_PART('x.xml'), data: vmd }, ...parts]);
    assert.throws(() => parsePushBody(body, 'multipart/form-data; boundary=boundary', { limits: { maxParts: 5 } }), { code: 'too-many-parts' });
    assert.equal(parsePushBody(body, 'multipart/form-data; boundary=boundary', { limits: { maxParts: 11 } }).length, 1);
  });

  it('a picture part above maxPartBytes, or an event part above maxEventBytes, is too-large', () => {
    const body = multipart('boundary', [{ headers: XML_PART('x.xml'), data: vmd }, { headers: JPEG_PART('p'), data: fakeJpeg(5000) }]);
    assert.throws(() => parsePushBody(body, undefined, { limits: { maxPartBytes: 4000 } }), { code: 'too-large' });
    assert.throws(() => parsePushBody(body, undefined, { limits: { maxEventBytes: 100 } }), { code: 'too-large' });
    assert.throws(() => parsePushBody(body, undefined, { limits: { maxBodyBytes: 1000 } }), { code: 'too-large' });
  });

  it('overlong part headers are malformed', () => {
    const body = Buffer.from(`--boundary\r\nX-Long: ${'a'.repeat(20000)}\r\n\r\n${vmd}\r\n--boundary--`);
    assert.throws(() => parseMultipart(body), { code: 'malformed' });
  });
});
