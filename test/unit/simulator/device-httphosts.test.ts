import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { startDeviceSimulator, type DeviceSimulator } from '../../../src/simulator/device/device-simulator';
import { freePort, rawExchange } from '../../support/http';
import { startCaptureServer } from './support/capture-server';
import { DigestClient } from './support/isapi-client';

const HOSTS = '/ISAPI/Event/notification/httpHosts';
const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'HttpHostNotification' });

type Slot = Record<string, unknown>;

function xmlSlots(body: string): Slot[] {
  const parsed = xml.parse(body) as { HttpHostNotificationList: { HttpHostNotification: Slot[] } };
  return parsed.HttpHostNotificationList.HttpHostNotification;
}

function status(body: string): Record<string, string> {
  return (xml.parse(body) as { ResponseStatus: Record<string, string> }).ResponseStatus;
}

const SLOT2_PUT = `<?xml version="1.0" encoding="UTF-8"?>
<HttpHostNotificationList version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
  <HttpHostNotification version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
    <id>1</id><url>/</url><protocolType>HTTP</protocolType><parameterFormatType>XML</parameterFormatType>
    <addressingFormatType>ipaddress</addressingFormatType><ipAddress>0.0.0.0</ipAddress><portNo>80</portNo>
    <userName></userName><httpAuthenticationMethod>none</httpAuthenticationMethod><httpBroken>false</httpBroken>
  </HttpHostNotification>
  <HttpHostNotification version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
    <id>2</id><url>/hik/alarm?token=a&amp;b</url><protocolType>HTTP</protocolType><parameterFormatType>XML</parameterFormatType>
    <addressingFormatType>ipaddress</addressingFormatType><ipAddress>192.168.1.10</ipAddress><portNo>8088</portNo>
    <userName>device</userName><password>pw-0012</password><httpAuthenticationMethod>MD5digest</httpAuthenticationMethod>
    <httpBroken>true</httpBroken>
    <ANPR><detectionUpLoadPicturesType>all</detectionUpLoadPicturesType></ANPR>
    <Extensions xmlns="urn:selfextension:psiaext-ver10-xsd"><intervalBetweenEvents>0</intervalBetweenEvents></Extensions>
  </HttpHostNotification>
</HttpHostNotificationList>`;

describe('simulator: httpHosts on the device', () => {
  let sim: DeviceSimulator;
  let isapi: DigestClient;
  const start = async (options: Parameters<typeof startDeviceSimulator>[0] = {}): Promise<void> => {
    sim = await startDeviceSimulator(options);
    isapi = new DigestClient(sim.url, 'admin', 'hik12345');
  };
  afterEach(async () => { await sim.close(); });

  it('starts with 3 unused slots (0.0.0.0 and /), camera style with version and namespace on each', async () => {
    await start();
    const response = await isapi.request('GET', HOSTS);
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /application\/xml/);
    assert.match(response.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<HttpHostNotificationList version="2.0" xmlns="http:\/\/www.hikvision.com\/ver20\/XMLSchema">/);
    assert.equal(response.body.match(/<HttpHostNotification version="2.0" xmlns="http:\/\/www.hikvision.com\/ver20\/XMLSchema">/g)?.length, 3);
    const slots = xmlSlots(response.body);
    assert.deepEqual(slots.map((s) => [s.id, s.ipAddress, s.url, s.portNo]), [['1', '0.0.0.0', '/', '80'], ['2', '0.0.0.0', '/', '80'], ['3', '0.0.0.0', '/', '80']]);
    assert.ok(sim.slots().every((s) => !s.enabled));
  });

  it('XML PUT then GET: changes stored, unknown elements and their namespaces kept, password never read back', async () => {
    await start();
    const put = await isapi.request('PUT', HOSTS, SLOT2_PUT, { 'Content-Type': 'application/xml' });
    assert.equal(put.status, 200);
    assert.deepEqual(
      [status(put.body).statusCode, status(put.body).statusString, status(put.body).subStatusCode],
      ['1', 'OK', 'ok'],
    );
    const got = await isapi.request('GET', HOSTS);
    const slots = xmlSlots(got.body);
    assert.equal(slots[1].ipAddress, '192.168.1.10');
    assert.equal(slots[1].portNo, '8088');
    assert.equal(slots[1].url, '/hik/alarm?token=a&b');
    assert.equal(slots[1].httpAuthenticationMethod, 'MD5digest');
    assert.deepEqual(slots[1].ANPR, { detectionUpLoadPicturesType: 'all' });
    assert.match(got.body, /<Extensions xmlns="urn:selfextension:psiaext-ver10-xsd">\s*<intervalBetweenEvents>0<\/intervalBetweenEvents>/);
    assert.doesNotMatch(got.body, /password|pw-0012/);
    assert.equal(slots[0].ipAddress, '0.0.0.0');
    const stored = sim.slots()[1];
    assert.deepEqual(
      [stored.enabled, stored.ipAddress, stored.portNo, stored.url, stored.userName, stored.password, stored.httpAuthenticationMethod],
      [true, '192.168.1.10', 8088, '/hik/alarm?token=a&b', 'device', 'pw-0012', 'MD5digest'],
    );
    assert.ok(stored.elements.some((e) => e.name === 'ANPR'));
  });

  it('a later PUT without password keeps the stored one (GET never shows it)', async () => {
    await start();
    await isapi.request('PUT', HOSTS, SLOT2_PUT);
    const again = (await isapi.request('GET', HOSTS)).body.replace('<portNo>8088</portNo>', '<portNo>9000</portNo>');
    assert.equal((await isapi.request('PUT', HOSTS, again)).status, 200);
    assert.deepEqual([sim.slots()[1].portNo, sim.slots()[1].password], [9000, 'pw-0012']);
  });

  it('accepts hostname addressing with HTTPS, isapi.org namespace and hostName after Extensions', async () => {
    await start();
    const body = '<?xml version="1.0" encoding="utf-8"?><HttpHostNotificationList version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><HttpHostNotification><id>1</id><url>/api/hikvision</url><protocolType>HTTPS</protocolType><parameterFormatType>XML</parameterFormatType><addressingFormatType>hostname</addressingFormatType><portNo>443</portNo><httpAuthenticationMethod>none</httpAuthenticationMethod><Extensions xmlns="urn:selfextension:psiaext-ver10-xsd"><intervalBetweenEvents>0</intervalBetweenEvents></Extensions><hostName>ha.hostname.domain</hostName></HttpHostNotification></HttpHostNotificationList>';
    assert.equal((await isapi.request('PUT', HOSTS, body)).status, 200);
    const slot = sim.slots()[0];
    assert.deepEqual([slot.addressingFormatType, slot.hostName, slot.protocolType, slot.portNo, slot.enabled], ['hostname', 'ha.hostname.domain', 'HTTPS', 443, true]);
  });

  it('JSON GET: the list wrapper, ids as strings, ports as numbers, no password', async () => {
    await start();
    await isapi.request('PUT', HOSTS, SLOT2_PUT);
    const response = await isapi.request('GET', `${HOSTS}?format=json`);
    assert.match(String(response.headers['content-type']), /application\/json/);
    const body = JSON.parse(response.body) as { HttpHostNotificationList: { HttpHostNotification: Record<string, unknown> }[] };
    const second = body.HttpHostNotificationList[1].HttpHostNotification;
    assert.equal(body.HttpHostNotificationList.length, 3);
    assert.deepEqual([second.id, second.ipAddress, second.portNo, second.httpBroken], ['2', '192.168.1.10', 8088, true]);
    assert.equal(second.password, undefined);
  });

  for (const [shape, make] of [
    ['{"HttpHostNotificationList":[{"HttpHostNotification":{…}}]}', (item: object) => ({ HttpHostNotificationList: [{ HttpHostNotification: item }] })],
    ['{"HttpHostNotification":[{…}]}', (item: object) => ({ HttpHostNotification: [item] })],
    ['{"HttpHostNotificationList":{"HttpHostNotification":[{…}]}}', (item: object) => ({ HttpHostNotificationList: { HttpHostNotification: [item] } })],
  ] as const) {
    it(`JSON PUT accepts ${shape}`, async () => {
      await start();
      const item = {
        id: 3, url: '/alarm', protocolType: 'HTTP', parameterFormatType: 'json', addressingFormatType: 'ipaddress',
        ipAddress: '10.0.0.5', portNo: 7200, httpAuthenticationMethod: 'none', eventType: 'alarmResult,captureResult',
      };
      const put = await isapi.request('PUT', `${HOSTS}?format=json`, JSON.stringify(make(item)), { 'Content-Type': 'application/json' });
      assert.equal(put.status, 200);
      assert.deepEqual(JSON.parse(put.body), { requestURL: HOSTS, statusCode: 1, statusString: 'OK', subStatusCode: 'ok', errorCode: 1, errorMsg: 'ok' });
      const slot = sim.slots()[2];
      assert.deepEqual([slot.ipAddress, slot.portNo, slot.parameterFormatType, slot.url], ['10.0.0.5', 7200, 'json', '/alarm']);
      assert.equal(xmlSlots((await isapi.request('GET', HOSTS)).body)[2].eventType, 'alarmResult,captureResult');
    });
  }

  it('answers JSON in the flat or nested wrapper when so configured', async () => {
    await start({ jsonWrapper: 'flat' });
    const flat = JSON.parse((await isapi.request('GET', `${HOSTS}?format=json`)).body) as { HttpHostNotification: unknown[] };
    assert.equal(flat.HttpHostNotification.length, 3);
    await sim.close();
    await start({ jsonWrapper: 'nested' });
    const nested = JSON.parse((await isapi.request('GET', `${HOSTS}?format=json`)).body) as { HttpHostNotificationList: { HttpHostNotification: unknown[] } };
    assert.equal(nested.HttpHostNotificationList.HttpHostNotification.length, 3);
  });

  it('one slot: GET and PUT …/httpHosts/<id> in XML and JSON', async () => {
    await start();
    const one = await isapi.request('GET', `${HOSTS}/2`);
    assert.match(one.body, /^<\?xml[^>]*>\n<HttpHostNotification version="2.0" xmlns="http:\/\/www.hikvision.com\/ver20\/XMLSchema">/);
    assert.match(one.body, /<id>2<\/id>/);
    const put = await isapi.request('PUT', `${HOSTS}/2`, '<HttpHostNotification><id>2</id><ipAddress>10.9.8.7</ipAddress><portNo>8089</portNo><url>/x</url></HttpHostNotification>');
    assert.equal(put.status, 200);
    assert.deepEqual([sim.slots()[1].ipAddress, sim.slots()[1].portNo], ['10.9.8.7', 8089]);
    const json = JSON.parse((await isapi.request('GET', `${HOSTS}/2?format=json`)).body) as { HttpHostNotification: Record<string, unknown> };
    assert.equal(json.HttpHostNotification.ipAddress, '10.9.8.7');
    const putJson = await isapi.request('PUT', `${HOSTS}/2?format=json`, JSON.stringify({ HttpHostNotification: { id: '2', portNo: 8090 } }));
    assert.equal(putJson.status, 200);
    assert.equal(sim.slots()[1].portNo, 8090);
    const mismatch = await isapi.request('PUT', `${HOSTS}/2`, '<HttpHostNotification><id>3</id></HttpHostNotification>');
    assert.equal(mismatch.status, 400);
    assert.equal(status(mismatch.body).errorMsg, 'id');
  });

  it('an unknown slot is 404, for GET, PUT and test', async () => {
    await start();
    for (const [method, path] of [['GET', `${HOSTS}/9`], ['PUT', `${HOSTS}/9`], ['POST', `${HOSTS}/9/test`], ['GET', `${HOSTS}/9?format=json`]]) {
      const response = await isapi.request(method, path, method === 'GET' ? undefined : '<HttpHostNotification><id>9</id></HttpHostNotification>');
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const list = await isapi.request('PUT', HOSTS, '<HttpHostNotificationList><HttpHostNotification><id>4</id><ipAddress>1.2.3.4</ipAddress></HttpHostNotification></HttpHostNotificationList>');
    assert.equal(list.status, 400);
    assert.equal(status(list.body).errorMsg, 'id');
  });

  it('malformed, truncated, wrongly rooted or entity-laden XML gets statusCode 6 badXmlContent with 400, and changes nothing', async () => {
    await start();
    const bodies = [
      '<HttpHostNotificationList><HttpHostNotification><id>1</id>',
      SLOT2_PUT.slice(0, SLOT2_PUT.length / 2),
      'not xml at all',
      '',
      '<ResponseStatus><id>1</id></ResponseStatus>',
      '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><HttpHostNotificationList><HttpHostNotification><id>1</id><url>&lol;</url></HttpHostNotification></HttpHostNotificationList>',
      '<HttpHostNotificationList><HttpHostNotification><id>1</id><__proto__>x</__proto__></HttpHostNotification></HttpHostNotificationList>',
    ];
    const before = (await isapi.request('GET', HOSTS)).body;
    for (const body of bodies) {
      const response = await isapi.request('PUT', HOSTS, body);
      assert.equal(response.status, 400, body.slice(0, 40));
      const s = status(response.body);
      assert.deepEqual([s.statusCode, s.subStatusCode], ['6', 'badXmlContent'], body.slice(0, 40));
    }
    assert.equal((await isapi.request('GET', HOSTS)).body, before);
  });

  it('malformed or misshapen JSON gets statusCode 6 badJsonContent in JSON', async () => {
    await start();
    for (const body of ['{"HttpHostNotificationList":[', '[]', '{"other":1}', 'null', '{"HttpHostNotification":[7]}', '']) {
      const response = await isapi.request('PUT', `${HOSTS}?format=json`, body);
      assert.equal(response.status, 400, body);
      const s = JSON.parse(response.body) as { statusCode: number; subStatusCode: string };
      assert.deepEqual([s.statusCode, s.subStatusCode], [6, 'badJsonContent'], body);
    }
  });

  it('stores a __proto__ key from JSON as plain data, without touching any prototype', async () => {
    await start();
    const body = '{"HttpHostNotification":[{"id":"1","ipAddress":"10.0.0.9","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}]}';
    assert.equal((await isapi.request('PUT', `${HOSTS}?format=json`, body)).status, 200);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(sim.slots()[0].ipAddress, '10.0.0.9');
    assert.equal((await isapi.request('GET', `${HOSTS}?format=json`)).status, 200);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses bad values, naming the field, all or nothing', async () => {
    await start();
    const cases: [string, string][] = [
      ['<portNo>70000</portNo>', 'portNo'],
      ['<portNo>80a</portNo>', 'portNo'],
      ['<ipAddress>300.1.1.1</ipAddress>', 'ipAddress'],
      ['<protocolType>FTP</protocolType>', 'protocolType'],
      ['<addressingFormatType>hostname</addressingFormatType><hostName></hostName>', 'hostName'],
      ['<httpAuthenticationMethod>ntlm</httpAuthenticationMethod>', 'httpAuthenticationMethod'],
      [`<url>/${'a'.repeat(200)}</url>`, 'url'],
      ['<password>12345678901234567</password>', 'password'],
    ];
    for (const [field, name] of cases) {
      const body = `<HttpHostNotificationList><HttpHostNotification><id>1</id><ipAddress>10.0.0.1</ipAddress></HttpHostNotification><HttpHostNotification><id>2</id>${field}</HttpHostNotification></HttpHostNotificationList>`;
      const response = await isapi.request('PUT', HOSTS, body);
      assert.equal(response.status, 400, field);
      assert.deepEqual([status(response.body).subStatusCode, status(response.body).errorMsg], ['badXmlContent', name], field);
      assert.equal(sim.slots()[0].ipAddress, '0.0.0.0', 'slot 1 untouched when slot 2 is refused');
    }
  });

  it('answers an oversized body with 413, unknown paths with 404 and wrong methods with 405', async () => {
    await start();
    const huge = `<HttpHostNotificationList>${'<x>y</x>'.repeat(200_000)}</HttpHostNotificationList>`;
    assert.equal((await isapi.request('PUT', HOSTS, huge)).status, 413);
    const unknown = await isapi.request('GET', '/ISAPI/Nothing/here');
    assert.equal(unknown.status, 404);
    assert.equal(status(unknown.body).statusCode, '4');
    const del = await isapi.request('DELETE', HOSTS);
    assert.equal(del.status, 405);
    assert.equal(status(del.body).subStatusCode, 'methodNotAllowed');
  });

  it('capabilities and deviceInfo, in XML and JSON', async () => {
    await start();
    const caps = await isapi.request('GET', `${HOSTS}/capabilities`);
    assert.equal(caps.status, 200);
    assert.match(caps.body, /<HttpHostNotificationCap version="2.0" xmlns="http:\/\/www.hikvision.com\/ver20\/XMLSchema">/);
    assert.match(caps.body, /<hostNumber>3<\/hostNumber>/);
    assert.match(caps.body, /<httpAuthenticationMethod opt="none,MD5digest,base64"\/>/);
    const capsJson = JSON.parse((await isapi.request('GET', `${HOSTS}/capabilities?format=json`)).body) as { HttpHostNotificationCap: { hostNumber: number } };
    assert.equal(capsJson.HttpHostNotificationCap.hostNumber, 3);
    const info = JSON.parse((await isapi.request('GET', '/ISAPI/System/deviceInfo?format=json')).body) as { DeviceInfo: Record<string, string> };
    assert.equal(info.DeviceInfo.deviceType, 'IPCamera');
    assert.equal(info.DeviceInfo.macAddress, '44:19:b6:6a:21:0c');
  });

  it('NVR: one slot in the isapi.org namespace with Extensions; capabilities and test answer 403', async () => {
    await start({ nvr: true });
    const list = await isapi.request('GET', HOSTS);
    assert.match(list.body, /<HttpHostNotificationList version="2.0" xmlns="http:\/\/www.isapi.org\/ver20\/XMLSchema">\n {2}<HttpHostNotification>/);
    assert.equal(xmlSlots(list.body).length, 1);
    assert.match(list.body, /<Extensions xmlns="urn:selfextension:psiaext-ver10-xsd">/);
    for (const path of [`${HOSTS}/capabilities`, `${HOSTS}/1/test`]) {
      const response = await isapi.request(path.endsWith('test') ? 'POST' : 'GET', path);
      assert.equal(response.status, 403, path);
      assert.deepEqual([status(response.body).statusCode, status(response.body).subStatusCode], ['4', 'notSupport']);
    }
    assert.equal((await isapi.request('GET', `${HOSTS}/2`)).status, 404);
    assert.match((await isapi.request('GET', '/ISAPI/System/deviceInfo')).body, /<deviceType>NVR<\/deviceType>/);
  });

  it('refuseJson: ?format=json answers 403 notSupport in XML; XML still works', async () => {
    await start({ refuseJson: true });
    const json = await isapi.request('GET', `${HOSTS}?format=json`);
    assert.equal(json.status, 403);
    assert.equal(status(json.body).subStatusCode, 'notSupport');
    assert.equal((await isapi.request('PUT', `${HOSTS}?format=json`, '{}')).status, 403);
    assert.equal((await isapi.request('GET', HOSTS)).status, 200);
  });

  it('ignoreJson: ?format=json answers XML', async () => {
    await start({ ignoreJson: true });
    const response = await isapi.request('GET', `${HOSTS}?format=json`);
    assert.equal(response.status, 200);
    assert.match(response.body, /^<\?xml/);
  });

  it('POST …/<id>/test sends a test notification to the slot and says OK', async () => {
    const listener = await startCaptureServer();
    try {
      await start({ slots: [{ ipAddress: '127.0.0.1', portNo: listener.port, url: '/hik' }] });
      const response = await isapi.request('POST', `${HOSTS}/1/test`);
      assert.equal(response.status, 200);
      assert.equal(status(response.body).statusCode, '1');
      assert.equal(listener.requests.length, 1);
      assert.equal(listener.requests[0].url, '/hik');
      assert.match(listener.requests[0].body.toString(), /<eventType>test<\/eventType>/);
      const unused = await isapi.request('POST', `${HOSTS}/2/test`);
      assert.equal(unused.status, 403);
      assert.equal(listener.requests.length, 1);
    } finally {
      await listener.close();
    }
  });

  it('a test to a listener that is not there fails with the device error', async () => {
    const port = await freePort();
    await start({ slots: [{ ipAddress: '127.0.0.1', portNo: port }] });
    const response = await isapi.request('POST', `${HOSTS}/1/test`);
    assert.equal(response.status, 500);
    assert.equal(status(response.body).subStatusCode, 'deviceError');
  });

  it('tells listeners which slots a PUT changed, and nothing for an unchanged PUT', async () => {
    await start();
    const seen: string[][] = [];
    sim.onSlotsChanged((ids) => seen.push(ids));
    await isapi.request('PUT', HOSTS, SLOT2_PUT);
    await isapi.request('PUT', HOSTS, SLOT2_PUT);
    assert.deepEqual(seen, [['2']]);
  });

  it('survives garbage bytes on its port', async () => {
    await start();
    const answer = await rawExchange(sim.port, Buffer.from([0x16, 0x03, 0x01, 0xff, 0x00, 0x13, 0x37]), 500);
    assert.doesNotMatch(answer, /200 OK/);
    assert.equal((await isapi.request('GET', HOSTS)).status, 200);
  });

  it('speaks HTTPS with a self-signed certificate', async () => {
    await start({ https: true });
    assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await isapi.request('GET', '/ISAPI/System/deviceInfo')).status, 200);
  });
});
