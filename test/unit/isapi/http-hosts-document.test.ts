/**
 * The httpHosts model on real device bodies: normalised slots, a change to one slot that keeps
 * every other byte (XML) or key, wrapper and type (JSON), the one-slot body, and bad input.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HttpHostsDocument } from '../../../src/isapi/http-hosts-document';
import { IsapiError } from '../../../src/isapi/isapi-error';
import {
  ACCESS_TERMINAL_LIST,
  ANPR_CLIENT_BODY,
  IPC_LIST,
  LIST_JSON,
  NVR_SINGLE,
  PSIA_NVR,
  SEED_JSON,
} from './http-hosts-samples';

function parseError(body: string): IsapiError {
  try {
    HttpHostsDocument.parse(body);
  } catch (err) {
    assert.ok(err instanceof IsapiError, `expected an IsapiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the body to be refused');
}

describe('httpHosts model: reading device bodies', () => {
  it('reads the 3 slots of an IPC (namespace on each slot)', () => {
    const doc = HttpHostsDocument.parse(IPC_LIST);
    assert.equal(doc.format, 'xml');
    assert.equal(doc.namespace, 'http://www.hikvision.com/ver20/XMLSchema');
    assert.deepEqual(doc.slots.map((s) => [s.id, s.host, s.portNo, s.url, s.inUse]), [
      ['1', '1.0.0.20', 8123, '/api/hikvision', true],
      ['2', '0.0.0.0', 80, '/', false],
      ['3', '0.0.0.0', 80, '/', false],
    ]);
    assert.deepEqual(doc.slots[0], {
      id: '1', url: '/api/hikvision', protocolType: 'HTTP', parameterFormatType: 'XML', addressingFormatType: 'ipaddress',
      ipAddress: '1.0.0.20', ipv6Address: '', hostName: '', portNo: 8123, userName: '', httpAuthenticationMethod: 'none',
      host: '1.0.0.20', inUse: true,
    });
  });

  it('reads the single slot of an NVR in the isapi.org namespace', () => {
    const doc = HttpHostsDocument.parse(NVR_SINGLE);
    assert.equal(doc.namespace, 'http://www.isapi.org/ver20/XMLSchema');
    assert.equal(doc.slots.length, 1);
    assert.equal(doc.slots[0].host, '1.0.0.20');
  });

  it('reads a PSIA-namespace NVR and an access terminal with an EHome slot', () => {
    assert.equal(HttpHostsDocument.parse(PSIA_NVR).slots[0].portNo, 8123);
    const terminal = HttpHostsDocument.parse(ACCESS_TERMINAL_LIST);
    assert.deepEqual(terminal.slots.map((s) => [s.id, s.protocolType, s.inUse, s.parameterFormatType]), [
      ['1', 'HTTP', true, ''],
      ['2', 'EHome', false, ''],
    ]);
  });

  it('reads a body with leading indentation and nested vendor elements', () => {
    const doc = HttpHostsDocument.parse(ANPR_CLIENT_BODY);
    assert.equal(doc.slots[0].host, '192.168.1.72');
  });

  it('reads a single-slot answer (GET httpHosts/<id>)', () => {
    const doc = HttpHostsDocument.parse('<HttpHostNotification version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><id>2</id><url></url><ipAddress>0.0.0.0</ipAddress><portNo>0</portNo></HttpHostNotification>');
    assert.deepEqual(doc.slots.map((s) => s.id), ['2']);
  });

  it('reads hostname addressing', () => {
    const doc = HttpHostsDocument.parse('<HttpHostNotificationList><HttpHostNotification><id>1</id><url>/a</url><addressingFormatType>hostname</addressingFormatType><hostName>NR.example.org</hostName><ipAddress>0.0.0.0</ipAddress><portNo>443</portNo></HttpHostNotification></HttpHostNotificationList>');
    assert.equal(doc.slots[0].host, 'NR.example.org');
    assert.equal(doc.slots[0].inUse, true);
  });

  it('decodes entities, CDATA and an unescaped & in values', () => {
    const doc = HttpHostsDocument.parse('<HttpHostNotificationList><HttpHostNotification><id>1</id><url>/a?x=1&amp;y=&#50;&z</url><userName><![CDATA[a<b]]></userName><ipAddress>10.0.0.1</ipAddress><portNo>80</portNo></HttpHostNotification></HttpHostNotificationList>');
    assert.equal(doc.slots[0].url, '/a?x=1&y=2&z');
    assert.equal(doc.slots[0].userName, 'a<b');
  });

  it('reads the seed annex JSON shape, keys with stray spaces and numeric ports', () => {
    const doc = HttpHostsDocument.parse(SEED_JSON);
    assert.equal(doc.format, 'json');
    assert.equal(doc.shape, 'HttpHostNotification[]');
    assert.deepEqual(doc.slots.map((s) => [s.id, s.host, s.portNo, s.parameterFormatType, s.inUse]), [
      ['1', '10.7.35.19', 7200, 'json', true],
      ['2', '0.0.0.0', 80, 'json', false],
    ]);
  });

  it('reads the list-of-wrapped JSON shape and the other wrappers', () => {
    assert.equal(HttpHostsDocument.parse(LIST_JSON).shape, 'HttpHostNotificationList[].HttpHostNotification');
    const nested = HttpHostsDocument.parse('{"HttpHostNotificationList":{"HttpHostNotification":[{"id":"1","ipAddress":"0.0.0.0"},{"id":"2","ipAddress":"0.0.0.0"}]}}');
    assert.equal(nested.shape, 'HttpHostNotificationList.HttpHostNotification[]');
    assert.equal(nested.slots.length, 2);
    const single = HttpHostsDocument.parse('{"HttpHostNotification":{"id":"3","ipAddress":"10.1.1.1","portNo":8080}}');
    assert.equal(single.shape, 'HttpHostNotification');
    assert.equal(single.slots[0].portNo, 8080);
  });
});

describe('httpHosts model: changing one slot', () => {
  const target = { host: '192.168.1.10', portNo: 8088, url: '/alarm', protocolType: 'HTTP' };

  it('changes only the leaves of the chosen slot and keeps every other byte', () => {
    const doc = HttpHostsDocument.parse(IPC_LIST);
    const { document, changed, fields } = doc.withSlotChange('2', target);
    assert.equal(changed, true);
    assert.deepEqual(fields, ['url', 'ipAddress', 'portNo']);
    const slot2 = IPC_LIST.indexOf('<id>2</id>');
    const expected = IPC_LIST.slice(0, slot2) + IPC_LIST.slice(slot2)
      .replace('<url>/</url>', '<url>/alarm</url>')
      .replace('<ipAddress>0.0.0.0</ipAddress>', '<ipAddress>192.168.1.10</ipAddress>')
      .replace('<portNo>80</portNo>', '<portNo>8088</portNo>');
    assert.equal(document.raw, expected);
    assert.equal(document.slots[1].host, '192.168.1.10');
    assert.equal(document.slots[2].host, '0.0.0.0', 'slot 3 untouched');
    assert.equal(doc.raw, IPC_LIST, 'the original document is not modified');
  });

  it('reports no change when the slot already says it all', () => {
    const doc = HttpHostsDocument.parse(IPC_LIST);
    const result = doc.withSlotChange('1', { host: '1.0.0.20', portNo: 8123, url: '/api/hikvision', protocolType: 'http' });
    assert.equal(result.changed, false);
    assert.equal(result.document, doc);
  });

  it('keeps the NVR Extensions element and its namespace', () => {
    const { document } = HttpHostsDocument.parse(NVR_SINGLE).withSlotChange('1', target);
    assert.match(document.raw, /<Extensions xmlns="urn:selfextension:psiaext-ver10-xsd">\s*<intervalBetweenEvents>0<\/intervalBetweenEvents>/);
    assert.match(document.raw, /^<\?xml version="1.0" encoding="UTF-8" \?>\n<HttpHostNotificationList version="2.0"\n {2}xmlns="http:\/\/www.isapi.org\/ver20\/XMLSchema">/);
  });

  it('keeps vendor subtrees and attributes (ANPR opt, SubscribeEvent)', () => {
    const anpr = HttpHostsDocument.parse(ANPR_CLIENT_BODY).withSlotChange('1', target).document.raw;
    assert.ok(anpr.includes('<detectionUpLoadPicturesType opt="all,licensePlatePicture,detectionPicture">detectionPicture</detectionUpLoadPicturesType>'));
    const terminal = HttpHostsDocument.parse(ACCESS_TERMINAL_LIST).withSlotChange('2', target).document;
    assert.ok(terminal.raw.includes('<pictureURLType>binary</pictureURLType>'));
    assert.equal(terminal.slots[0].host, '18.221.52.251');
    assert.equal(terminal.slots[1].protocolType, 'HTTP', 'the EHome slot now speaks HTTP');
  });

  it('adds a missing element in schema order with the neighbours\' indentation', () => {
    const { document, fields } = HttpHostsDocument.parse(NVR_SINGLE).withSlotChange('1', { host: 'nr.example.org', portNo: 443, protocolType: 'HTTPS' });
    assert.deepEqual(fields, ['protocolType', 'addressingFormatType', 'hostName', 'portNo']);
    assert.ok(document.raw.includes('<addressingFormatType>hostname</addressingFormatType>\n    <hostName>nr.example.org</hostName>\n    <ipAddress>1.0.0.20</ipAddress>'));
    assert.equal(document.slots[0].host, 'nr.example.org');
  });

  it('adds userName/password for a listener that authenticates devices, and never compares the password', () => {
    const doc = HttpHostsDocument.parse(IPC_LIST);
    const change = { ...target, httpAuthenticationMethod: 'MD5digest', userName: 'device', password: 's3cret&<' };
    const { document, fields } = doc.withSlotChange('2', change);
    assert.ok(fields.includes('password'));
    assert.ok(document.raw.includes('<userName>device</userName><password>s3cret&amp;&lt;</password>') ||
      /<userName>device<\/userName>\s*<password>s3cret&amp;&lt;<\/password>/.test(document.raw));
    assert.equal(document.slots[1].httpAuthenticationMethod, 'MD5digest');
  });

  it('writes a self-closing element as an element with text, keeping a prefix', () => {
    const body = '<h:HttpHostNotificationList xmlns:h="urn:x"><h:HttpHostNotification><h:id>1</h:id><h:url/><h:ipAddress>0.0.0.0</h:ipAddress><h:portNo>80</h:portNo></h:HttpHostNotification></h:HttpHostNotificationList>';
    const { document } = HttpHostsDocument.parse(body).withSlotChange('1', target);
    assert.equal(document.raw,
      '<h:HttpHostNotificationList xmlns:h="urn:x"><h:HttpHostNotification><h:id>1</h:id><h:url>/alarm</h:url><h:protocolType>HTTP</h:protocolType><h:addressingFormatType>ipaddress</h:addressingFormatType><h:ipAddress>192.168.1.10</h:ipAddress><h:portNo>8088</h:portNo></h:HttpHostNotification></h:HttpHostNotificationList>');
  });

  it('escapes what it writes', () => {
    const { document } = HttpHostsDocument.parse(IPC_LIST).withSlotChange('2', { url: '/a?b=1&c=<2>' });
    assert.ok(document.raw.includes('<url>/a?b=1&amp;c=&lt;2&gt;</url>'));
    assert.equal(document.slots[1].url, '/a?b=1&c=<2>');
  });

  it('JSON: keeps every key, the wrapper and each value\'s type', () => {
    const doc = HttpHostsDocument.parse(SEED_JSON);
    const { document } = doc.withSlotChange('2', { ...target, parameterFormatType: 'json' });
    const before = JSON.parse(SEED_JSON) as { HttpHostNotification: Record<string, unknown>[] } & Record<string, unknown>;
    const after = JSON.parse(document.raw) as typeof before;
    assert.deepEqual(after.HttpHostNotification[0], before.HttpHostNotification[0]);
    assert.deepEqual(after.HttpHostNotification[1], { ...before.HttpHostNotification[1], url: '/alarm', ipAddress: '192.168.1.10', portNo: 8088 });
    assert.equal(after.requestURL, 'test');
    assert.match(document.raw, /^\{\n {2}"requestURL"/, 'indentation kept');

    const list = HttpHostsDocument.parse(LIST_JSON).withSlotChange('1', target).document;
    const parsed = JSON.parse(list.raw) as { HttpHostNotificationList: { HttpHostNotification: Record<string, unknown> }[] };
    assert.equal(parsed.HttpHostNotificationList[0].HttpHostNotification.portNo, '8088', 'a string port stays a string');
    assert.deepEqual(parsed.HttpHostNotificationList[0].HttpHostNotification.Extensions, { intervalBetweenEvents: 0 });
    assert.equal(list.shape, 'HttpHostNotificationList[].HttpHostNotification');
  });

  it('JSON: writes to a key that carries a stray space', () => {
    const { document } = HttpHostsDocument.parse(SEED_JSON).withSlotChange('1', { parameterFormatType: 'XML' });
    const after = JSON.parse(document.raw) as { HttpHostNotification: Record<string, unknown>[] };
    assert.equal(after.HttpHostNotification[0]['parameterFormatType '], 'XML');
    assert.equal(Object.hasOwn(after.HttpHostNotification[0], 'parameterFormatType'), false);
  });

  it('refuses to change a slot that does not exist', () => {
    assert.throws(() => HttpHostsDocument.parse(IPC_LIST).withSlotChange('9', target), /no httpHosts slot "9"/);
  });
});

describe('httpHosts model: the one-slot body', () => {
  it('XML: the slot with the list\'s namespace and version, after the declaration', () => {
    const doc = HttpHostsDocument.parse(NVR_SINGLE).withSlotChange('1', { host: '10.0.0.2' }).document;
    const body = doc.slotBody('1');
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8" \?>\n<HttpHostNotification version="2.0" xmlns="http:\/\/www.isapi.org\/ver20\/XMLSchema">/);
    assert.match(body, /<ipAddress>10.0.0.2<\/ipAddress>/);
    assert.equal(HttpHostsDocument.parse(body).slots[0].host, '10.0.0.2');
  });

  it('XML: a slot that declares its own namespace is sent as it is', () => {
    const body = HttpHostsDocument.parse(IPC_LIST).slotBody('3');
    assert.equal((body.match(/xmlns=/g) ?? []).length, 1);
  });

  it('JSON: {"HttpHostNotification": {…}}', () => {
    const body = HttpHostsDocument.parse(LIST_JSON).slotBody('2');
    assert.equal((JSON.parse(body) as { HttpHostNotification: { id: string } }).HttpHostNotification.id, '2');
  });
});

describe('httpHosts model: bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['empty', '', /neither XML nor JSON/],
    ['HTML error page', 'Error 500', /neither XML nor JSON/],
    ['truncated XML', IPC_LIST.slice(0, 400), /malformed/],
    ['mismatched tags', '<HttpHostNotificationList><HttpHostNotification><id>1</ip></HttpHostNotification></HttpHostNotificationList>', /malformed/],
    ['two roots', '<a/><b/>', /malformed/],
    ['DOCTYPE with entities', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><HttpHostNotificationList>&a;</HttpHostNotificationList>', /DOCTYPE/],
    ['deep nesting', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, /nested deeper/],
    ['another resource', '<DeviceInfo><deviceName>x</deviceName></DeviceInfo>', /not an httpHosts list/],
    ['a ResponseStatus', '<ResponseStatus><statusCode>4</statusCode><statusString>Invalid Operation</statusString><subStatusCode>notSupport</subStatusCode></ResponseStatus>', /Invalid Operation \(notSupport\)/],
    ['truncated JSON', SEED_JSON.slice(0, 100), /JSON is malformed/],
    ['JSON array', '[1,2]', /not an object/],
    ['JSON without slots', '{"statusCode":4,"statusString":"Invalid Operation","subStatusCode":"notSupport"}', /Invalid Operation/],
    ['unquoted attribute', '<HttpHostNotificationList a=b></HttpHostNotificationList>', /malformed/],
    ['empty slot element', '<HttpHostNotificationList><HttpHostNotification/></HttpHostNotificationList>', /empty/],
  ];
  for (const [name, body, pattern] of cases) {
    it(`refuses ${name} with a clear error`, () => {
      assert.match(parseError(body).message, pattern);
    });
  }

  it('does not let __proto__ keys reach prototypes', () => {
    const doc = HttpHostsDocument.parse('{"HttpHostNotification":[{"id":"1","__proto__":{"polluted":true},"constructor":"x","ipAddress":"0.0.0.0"}]}');
    const { document } = doc.withSlotChange('1', { host: '10.0.0.1', portNo: 80 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.match(document.raw, /"__proto__":\{"polluted":true\}/);
  });

  it('refuses an oversized list (10 000 slots) with a clear error', () => {
    const slot = '<HttpHostNotification><id>#</id><ipAddress>0.0.0.0</ipAddress><portNo>80</portNo></HttpHostNotification>';
    const body = `<HttpHostNotificationList>${Array.from({ length: 10000 }, (_, i) => slot.replace('#', String(i + 1))).join('')}</HttpHostNotificationList>`;
    assert.match(parseError(body).message, /more than 20000 elements/);
  });

  it('never throws anything but an IsapiError on mutated real bodies', () => {
    const bodies = [IPC_LIST, NVR_SINGLE, ACCESS_TERMINAL_LIST, SEED_JSON, LIST_JSON];
    fc.assert(
      fc.property(fc.constantFrom(...bodies), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }), (body, a, b, insert) => {
        const start = a % (body.length + 1);
        const end = Math.min(body.length, start + (b % 20));
        const mutated = body.slice(0, start) + insert + body.slice(end);
        try {
          const doc = HttpHostsDocument.parse(mutated);
          if (doc.slots.length > 0) doc.withSlotChange(doc.slots[0].id, { host: '10.0.0.9', portNo: 9000, url: '/x' });
        } catch (err) {
          if (!(err instanceof IsapiError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
