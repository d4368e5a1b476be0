/**
 * The httpHosts reader on what a device (or anything pretending to be one) may answer: generated
 * XML and JSON documents with vendor elements, prefixes, comments, CDATA, entities, odd wrappers and
 * value types, and byte-level mutations of real answers. Every input is read or refused with an
 * IsapiError; whatever is read can be changed, and the change reads back exactly, leaving the other
 * slots as they were. (test/unit/isapi/http-hosts-document.test.ts mutates five fixtures by string
 * splices and checks the error type only.)
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HttpHostsDocument } from '../../../src/isapi/http-hosts-document';
import { unappliedFields, type SlotChange } from '../../../src/isapi/http-hosts-slot';
import { IsapiError } from '../../../src/isapi/isapi-error';
import { mutatedBody } from './support/mutate';
import { httpHostsBodies } from './support/real-bodies';

const VALUES = ['1', '2', '0.0.0.0', '192.168.1.20', '::', 'fd00::5', 'ipv6', 'nvr.local', '', ' 80 ', '8088', '65535', 'x',
  'HTTP', 'HTTPS', 'XML', 'json', 'ipaddress', 'hostname', 'MD5digest', 'none', '/alarm?a=1&amp;b=2', '&lt;&gt;&quot;&#x41;&#65;&#0;', 'a & b',
  '<![CDATA[<raw> & ]]>', '<!-- c -->9', '张三'];
const FIELDS = ['id', 'url', 'protocolType', 'parameterFormatType', 'addressingFormatType', 'hostName', 'ipAddress', 'ipv6Address', 'portNo', 'userName', 'httpAuthenticationMethod'];

const prefix = fc.constantFrom('', '', 'hik:', 'ns0:');
const space = fc.constantFrom('', '\n  ', ' ', '\r\n\t');
const attributes = fc.constantFrom('', ' version="2.0"', ' xmlns="http://www.hikvision.com/ver20/XMLSchema"', " opt='a,b'", ' xmlns:hik="urn:x"');

const xmlField = fc.tuple(prefix, fc.constantFrom(...FIELDS, 'httpBroken', 'Extensions', '__proto__', 'constructor'), fc.constantFrom(...VALUES), space, fc.boolean())
  .map(([p, name, value, ws, selfClosing]) => (selfClosing ? `${ws}<${p}${name}/>` : `${ws}<${p}${name}>${value}</${p}${name}>`));
const vendor = fc.constantFrom('<SubscribeEvent><heartbeat>30</heartbeat><eventMode>all</eventMode></SubscribeEvent>', '<!-- vendor -->', '<?pi x?>', '<Extensions><intervalBetweenEvents>5</intervalBetweenEvents></Extensions>');
const xmlSlot = fc.tuple(prefix, attributes, fc.array(fc.oneof({ weight: 6, arbitrary: xmlField }, { weight: 1, arbitrary: vendor }), { maxLength: 14 }), space)
  .map(([p, attrs, children, ws]) => `<${p}HttpHostNotification${attrs}>${children.join('')}${ws}</${p}HttpHostNotification>`);
const xmlDocument = fc.tuple(fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>\n', '\uFEFF', '  '), prefix, attributes, fc.array(xmlSlot, { maxLength: 4 }), fc.boolean())
  .map(([head, p, attrs, slots, single]) => (single && slots.length > 0
    ? `${head}${slots[0]}`
    : `${head}<${p}HttpHostNotificationList${attrs}>${slots.join('\n')}</${p}HttpHostNotificationList>`));

const jsonValue = fc.oneof(fc.constantFrom(...VALUES), fc.integer({ min: -1, max: 70_000 }), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const jsonSlot = fc.dictionary(fc.constantFrom(...FIELDS, ' portNo', 'ipAddress ', 'Extensions', '__proto__', 'constructor'), jsonValue, { maxKeys: 12 });
const jsonDocument = fc.tuple(fc.array(jsonSlot, { maxLength: 4 }), fc.constantFrom('list', 'list-wrapped', 'items', 'single', 'list-of-items'), fc.constantFrom(0, 2, 4))
  .map(([slots, shape, indent]) => {
    const root = shape === 'list' ? { HttpHostNotificationList: { HttpHostNotification: slots } }
      : shape === 'list-wrapped' ? { HttpHostNotificationList: slots.map((slot) => ({ HttpHostNotification: slot })) }
        : shape === 'items' ? { HttpHostNotification: slots }
          : shape === 'single' ? { HttpHostNotification: slots[0] ?? {} }
            : { HttpHostNotificationList: slots };
    return JSON.stringify(root, null, indent);
  });

const host = fc.oneof(
  fc.ipV4(), fc.constantFrom('fd00::7', '::1', '2001:db8::1'),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5})?$/),
);
const trimmed = (max: number) => fc.string({ maxLength: max }).map((s) => s.trim());
const change: fc.Arbitrary<SlotChange> = fc.record({
  host, portNo: fc.integer({ min: 1, max: 65535 }), url: trimmed(20),
  protocolType: fc.constantFrom('HTTP', 'HTTPS'), parameterFormatType: fc.constantFrom('XML', 'JSON', 'querystring'),
  httpAuthenticationMethod: fc.constantFrom('none', 'MD5digest', 'basic'), userName: trimmed(8), password: fc.string({ maxLength: 16 }),
}, { requiredKeys: [] });

/** Reads the body; when it reads, changes a slot and checks the change and the other slots. */
function readAndChange(body: string | Buffer, wanted: SlotChange, pick: number): void {
  let doc: HttpHostsDocument;
  try {
    doc = HttpHostsDocument.parse(body);
  } catch (err) {
    assert.ok(err instanceof IsapiError, `not an IsapiError: ${String(err)}`);
    assert.ok(err.message.length > 0 && err.message.length < 400, err.message);
    return;
  }
  if (doc.slots.length === 0) {
    assert.throws(() => doc.withSlotChange('1', wanted), IsapiError); // an empty list: nothing to change
    return;
  }
  const index = pick % doc.slots.length;
  const id = doc.slots[index].id;
  const first = doc.slots.findIndex((s) => s.id === id); // a repeated id names its first slot
  let result: ReturnType<HttpHostsDocument['withSlotChange']>;
  try {
    result = doc.withSlotChange(id, wanted);
  } catch (err) {
    assert.ok(err instanceof IsapiError, `not an IsapiError: ${String(err)}`);
    return;
  }
  const after = result.document;
  assert.equal(after.slots.length, doc.slots.length);
  assert.deepEqual(unappliedFields(after.slots[first], wanted), [], 'the change reads back');
  doc.slots.forEach((slot, i) => { if (i !== first) assert.deepEqual(after.slots[i], slot, `slot ${i} untouched`); });
  if (!result.changed) assert.equal(after.raw, doc.raw);
  const alone = HttpHostsDocument.parse(after.slotBody(id));
  assert.equal(alone.slots.length, 1);
  // (a slot without an id element is numbered by position, which alone is always 1)
  assert.deepEqual({ ...alone.slots[0], id }, { ...after.slots[first] }, 'the one-slot body says the same');
}

describe('robustness: the httpHosts reader on generated and broken answers', () => {
  afterEach(() => assert.equal(({} as Record<string, unknown>).polluted, undefined));

  it('generated XML documents: read and changed, or refused with an IsapiError (property)', () => {
    fc.assert(fc.property(xmlDocument, change, fc.nat(), readAndChange), { numRuns: 1500 });
  });

  it('generated JSON documents: read and changed, or refused with an IsapiError (property)', () => {
    fc.assert(fc.property(jsonDocument, change, fc.nat(), readAndChange), { numRuns: 1500 });
  });

  it('real answers mutated byte by byte (invalid UTF-8 included) (property)', () => {
    fc.assert(fc.property(mutatedBody(httpHostsBodies()), change, fc.nat(), (input, wanted, pick) => readAndChange(input.body, wanted, pick)), { numRuns: 1500 });
  });

  it('any JSON value: an IsapiError or slots, never a throw of another kind (property)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom('', 'HttpHostNotificationList', 'HttpHostNotification'), (value, wrapper) => {
      readAndChange(JSON.stringify(wrapper ? { [wrapper]: value } : value), { host: '10.0.0.1', portNo: 8088 }, 0);
    }), { numRuns: 1500 });
  });
});
