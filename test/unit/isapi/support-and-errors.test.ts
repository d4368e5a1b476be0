/**
 * The small pieces: the XML scanner, ResponseStatus and userCheck bodies, the error messages,
 * slot choice, capabilities and the local address.
 */
import assert from 'node:assert/strict';
import { chooseSlot, findOwnSlot } from '../../../src/isapi/choose-slot';
import { parseHttpHostsCapabilities } from '../../../src/isapi/http-hosts-capabilities';
import { HttpHostsDocument } from '../../../src/isapi/http-hosts-document';
import { describeSlotTarget, normaliseSlot, slotWrites } from '../../../src/isapi/http-hosts-slot';
import { IsapiError, statusError, transportError } from '../../../src/isapi/isapi-error';
import { detectLocalAddress, routeSourceAddress } from '../../../src/isapi/local-address';
import { describeResponseStatus, isSuccessStatus, parseResponseStatus, parseUserCheck } from '../../../src/isapi/response-status';
import { leafText, scanXml } from '../../../src/xml/scan-xml';
import { applyTextEdits } from '../../../src/xml/text-edits';
import { ACCESS_TERMINAL_CAPABILITIES, IPC_LIST } from './http-hosts-samples';

describe('xml scanner', () => {
  it('records where each element starts and ends', () => {
    const text = '<?xml version="1.0"?>\n<a x="1" y=\'2\'><b>t&amp;</b><c/><!-- n --></a>';
    const doc = scanXml(text);
    assert.equal(doc.root.name, 'a');
    assert.deepEqual({ ...doc.root.attributes }, { x: '1', y: '2' });
    const [b, c] = doc.root.children.filter((n) => n.kind === 'element');
    assert.equal(text.slice(b.openStart, b.closeEnd), '<b>t&amp;</b>');
    assert.equal(leafText(doc, b), 't&');
    assert.equal(c.selfClosing, true);
    assert.equal(leafText(doc, doc.root), null, 'not a leaf');
  });

  it('accepts a BOM, leading whitespace and comments around the root', () => {
    assert.equal(scanXml('\uFEFF  <!-- c --><a/>\n').root.name, 'a');
  });

  for (const [name, text] of [
    ['unclosed element', '<a><b></a>'],
    ['text outside the root', 'x<a/>'],
    ['unterminated comment', '<a><!-- </a>'],
    ['unterminated CDATA', '<a><![CDATA[x</a>'],
    ['repeated attribute', '<a x="1" x="2"/>'],
    ['< in an attribute', '<a x="<"/>'],
    ['attribute without value', '<a x/>'],
    ['attributes without space', '<a x="1"y="2"/>'],
    ['no root', '<!-- only -->'],
    ['a bad name', '<1a/>'],
  ]) {
    it(`refuses ${name}`, () => assert.throws(() => scanXml(text), /at offset/));
  }

  it('applies edits from the end so offsets stay valid, and refuses overlaps', () => {
    assert.equal(applyTextEdits('abcdef', [{ start: 1, end: 2, insert: 'X' }, { start: 4, end: 4, insert: 'Y' }]), 'aXcdYef');
    assert.throws(() => applyTextEdits('abcdef', [{ start: 1, end: 4, insert: '' }, { start: 2, end: 3, insert: '' }]), /overlapping/);
  });
});

describe('ResponseStatus and userCheck', () => {
  it('reads the XML envelope in any namespace', () => {
    const status = parseResponseStatus('<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><requestURL>/ISAPI/Event/notification/httpHosts</requestURL><statusCode>6</statusCode><statusString>Invalid XML Content</statusString><subStatusCode>badXmlContent</subStatusCode></ResponseStatus>');
    assert.deepEqual(status, { requestURL: '/ISAPI/Event/notification/httpHosts', statusCode: 6, statusString: 'Invalid XML Content', subStatusCode: 'badXmlContent' });
    assert.equal(describeResponseStatus(status), 'Invalid XML Content (badXmlContent)');
    assert.equal(isSuccessStatus(status), false);
  });

  it('reads the JSON envelope, flat or wrapped, with errorCode and errorMsg', () => {
    const flat = parseResponseStatus('{"statusCode":4,"statusString":"Invalid Operation","subStatusCode":"notSupport","errorCode":1073741825,"errorMsg":"portNo"}');
    assert.equal(flat?.errorCode, 1073741825);
    assert.equal(describeResponseStatus(flat), 'Invalid Operation (notSupport) - portNo');
    assert.equal(parseResponseStatus('{"ResponseStatus":{"statusCode":1,"statusString":"OK"}}')?.statusCode, 1);
  });

  it('treats OK and Reboot Required as success', () => {
    assert.equal(isSuccessStatus({ statusCode: 1 }), true);
    assert.equal(isSuccessStatus({ statusCode: 7, statusString: 'Reboot Required' }), true);
    assert.equal(isSuccessStatus(null), true);
  });

  it('returns null for bodies that carry no status, and for garbage', () => {
    assert.equal(parseResponseStatus(IPC_LIST), null);
    assert.equal(parseResponseStatus('<html><body>401</body>'), null);
    assert.equal(parseResponseStatus(Buffer.from([0xff, 0x00, 0x3c])), null);
    assert.equal(parseResponseStatus('{"statusCode":'), null);
  });

  it('clips a device string that is absurdly long', () => {
    const status = parseResponseStatus(`<ResponseStatus><statusCode>4</statusCode><statusString>${'x'.repeat(100000)}</statusString></ResponseStatus>`);
    assert.ok((status?.statusString?.length ?? 0) < 300);
  });

  it('reads a userCheck lock state', () => {
    assert.deepEqual(parseUserCheck('<userCheck><statusValue>401</statusValue><statusString>Unauthorized</statusString><lockStatus>lock</lockStatus><unlockTime>600</unlockTime></userCheck>'),
      { statusString: 'Unauthorized', lockStatus: 'lock', unlockTime: 600 });
  });
});

describe('error messages', () => {
  const status = (code: number, sub: string, text: string) =>
    `<ResponseStatus><statusCode>${code}</statusCode><statusString>${text}</statusString><subStatusCode>${sub}</subStatusCode></ResponseStatus>`;

  it('403 names the missing permission and passes the device status through', () => {
    const err = statusError('PUT', '/ISAPI/Event/notification/httpHosts?format=json', 403, status(4, 'noPermission', 'Invalid Operation'));
    assert.equal(err.kind, 'forbidden');
    assert.match(err.message, /Parameters Settings/);
    assert.match(err.message, /Invalid Operation \(noPermission\)/);
    assert.doesNotMatch(err.message, /format=json/);
  });

  it('404 and 405 say the firmware lacks the resource', () => {
    assert.match(statusError('GET', '/ISAPI/Event/notification/httpHosts/capabilities', 404, '').message, /no GET \/ISAPI\/Event\/notification\/httpHosts\/capabilities/);
    assert.equal(statusError('PUT', '/x', 405, '').kind, 'not-found');
  });

  it('400 carries statusString and subStatusCode', () => {
    const err = statusError('PUT', '/ISAPI/Event/notification/httpHosts', 400, status(6, 'badXmlContent', 'Invalid XML Content'));
    assert.equal(err.kind, 'bad-request');
    assert.equal(err.responseStatus?.subStatusCode, 'badXmlContent');
    assert.match(err.message, /Invalid XML Content \(badXmlContent\)/);
  });

  it('401 carries the lock-out warning', () => {
    assert.match(statusError('GET', '/a', 401, '').message, /lock the account after a few failed logins/);
  });

  it('transport errors say what to check', () => {
    const mk = (code: string, message = code) => Object.assign(new Error(message), { code });
    assert.equal(transportError(mk('EHOSTUNREACH'), 'http://10.0.0.9:80').kind, 'unreachable');
    assert.match(transportError(mk('ENOTFOUND'), 'http://cam.local:80').message, /does not resolve/);
    assert.match(transportError(mk('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'https://x:443').message, /Verify the device's certificate/);
    assert.ok(transportError(mk('EWHATEVER', 'odd'), 'http://x:80') instanceof IsapiError);
  });
});

describe('choosing the slot', () => {
  const slots = HttpHostsDocument.parse(IPC_LIST).slots;

  it('takes the slot asked for, even one pointing elsewhere', () => {
    assert.deepEqual(chooseSlot(slots, '1', '192.168.1.10', 8088), { slot: slots[0], reason: 'requested' });
  });

  it('auto: the slot already pointing at this host:port', () => {
    assert.equal(chooseSlot(slots, 'auto', '1.0.0.20', 8123).reason, 'already-pointing');
    assert.equal(chooseSlot(slots, 'auto', '1.0.0.20', 8123).slot.id, '1');
  });

  it('auto: else the first unused slot', () => {
    assert.deepEqual(chooseSlot(slots, 'auto', '192.168.1.10', 8088), { slot: slots[1], reason: 'unused' });
    assert.equal(chooseSlot(slots, '', '1.0.0.20', 9999).slot.id, '2', 'same host, other port: not ours');
  });

  it('auto: an error listing the slots when all point elsewhere', () => {
    const full = HttpHostsDocument.parse(IPC_LIST.replace(/0\.0\.0\.0/g, '10.9.9.9')).slots;
    assert.throws(() => chooseSlot(full, 'auto', '192.168.1.10', 8088), (err: IsapiError) => {
      assert.match(err.message, /every httpHosts slot is in use/);
      assert.match(err.message, /1 → 1\.0\.0\.20:8123\/api\/hikvision, 2 → 10\.9\.9\.9:80\/, 3 → 10\.9\.9\.9:80\//);
      return true;
    });
  });

  it('an unknown id is an error that lists the slots', () => {
    assert.throws(() => chooseSlot(slots, '7', 'h', 1), /no httpHosts slot "7"; its slots: 1 → 1.0.0.20:8123\/api\/hikvision, 2 → unused, 3 → unused/);
  });

  it('findOwnSlot: null when nothing points here', () => {
    assert.equal(findOwnSlot(slots, 'auto', '192.168.1.10', 8088), null);
    assert.equal(findOwnSlot(slots, '3', '192.168.1.10', 8088)?.id, '3');
  });
});

describe('slot values', () => {
  const blank = normaliseSlot(() => undefined, 0);

  it('describes a slot the way the status shows it', () => {
    assert.equal(describeSlotTarget(HttpHostsDocument.parse(IPC_LIST).slots[0]), '1.0.0.20:8123/api/hikvision');
    assert.equal(describeSlotTarget(blank), 'unused');
    assert.equal(blank.id, '1', 'a slot without id gets its position');
  });

  it('writes an IPv6 target into ipv6Address and marks the family', () => {
    const slot = normaliseSlot((f) => ({ ipAddress: '10.0.0.1', addressingFormatType: 'ipaddress' } as Record<string, string>)[f], 0);
    assert.deepEqual(slotWrites(slot, { host: '[fd00::5]' }), { ipv6Address: 'fd00::5', ipAddress: 'ipv6' });
    const after = normaliseSlot((f) => ({ ipAddress: 'ipv6', ipv6Address: 'fd00::5', addressingFormatType: 'ipaddress', portNo: '80' } as Record<string, string>)[f], 0);
    assert.equal(describeSlotTarget(after), '[fd00::5]:80');
  });
});

describe('capabilities', () => {
  it('reads the access terminal\'s XML capabilities', () => {
    assert.deepEqual(parseHttpHostsCapabilities(ACCESS_TERMINAL_CAPABILITIES), {
      hostNumber: 2,
      protocolType: ['HTTP', 'HTTPS', 'EHome'],
      parameterFormatType: [],
      addressingFormatType: ['ipaddress', 'hostname'],
      httpAuthenticationMethod: ['MD5digest', 'none', 'basic'],
      urlMaxLength: 128,
    });
  });

  it('reads the JSON form with @opt strings or arrays', () => {
    const caps = parseHttpHostsCapabilities('{"HttpHostNotificationCap":{"hostNumber":3,"protocolType":{"@opt":["HTTP","HTTPS"]},"parameterFormatType":{"@opt":"XML,JSON"},"urlLen":{"@max":256}}}');
    assert.equal(caps.hostNumber, 3);
    assert.deepEqual(caps.protocolType, ['HTTP', 'HTTPS']);
    assert.deepEqual(caps.parameterFormatType, ['XML', 'JSON']);
    assert.equal(caps.urlMaxLength, 256);
  });

  it('refuses garbage with an IsapiError', () => {
    assert.throws(() => parseHttpHostsCapabilities('<HttpHostNotificationCap>'), IsapiError);
    assert.throws(() => parseHttpHostsCapabilities('nope'), IsapiError);
  });
});

describe('local address toward the device', () => {
  it('is 127.0.0.1 for a device on loopback', async () => {
    assert.equal(await routeSourceAddress('127.0.0.1', 80), '127.0.0.1');
    assert.equal(await detectLocalAddress('127.0.0.1'), '127.0.0.1');
  });

  it('is null for an empty or unresolvable host, and detection then falls back to an interface address', async () => {
    assert.equal(await routeSourceAddress(''), null);
    assert.equal(await routeSourceAddress('no-such-host.invalid', 80, 1500), null);
  });
});
