/**
 * The read-modify-write workflow over real HTTP with digest auth, against a small fake device whose
 * firmware quirks each test picks (JSON refused, no list PUT, PUT ignored, reboot required…).
 * The full device simulator drives the node tests.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { DigestClient } from '../../../src/isapi/digest-client';
import { HttpHostsConfigurator } from '../../../src/isapi/http-hosts-configurator';
import { IsapiError } from '../../../src/isapi/isapi-error';
import { startDigestTestServer, type TestServer } from './digest-test-server';
import { ACCESS_TERMINAL_CAPABILITIES, IPC_LIST, LIST_JSON } from './http-hosts-samples';

interface FakeDevice {
  xml: string;
  json: string;
  refuseJson?: 'status' | 'xml-instead';
  listPut?: 'ok' | 'not-allowed' | 'ignored' | 'reboot' | 'bad-content';
  forbidCapabilities?: boolean;
  capabilities?: string;
  requests: { method: string; url: string; body: string }[];
}

const OK = '<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><requestURL>/x</requestURL><statusCode>1</statusCode><statusString>OK</statusString><subStatusCode>ok</subStatusCode></ResponseStatus>';
const status = (code: number, text: string, sub: string) =>
  `<ResponseStatus><statusCode>${code}</statusCode><statusString>${text}</statusString><subStatusCode>${sub}</subStatusCode></ResponseStatus>`;

function fakeDevice(device: FakeDevice): (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void {
  return (req, body, res) => {
    const url = req.url ?? '';
    device.requests.push({ method: req.method ?? '', url, body: body.toString() });
    const json = url.includes('format=json');
    const path = url.split('?')[0];
    const send = (code: number, text: string, type = 'application/xml') => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(text);
    };
    if (path === '/ISAPI/Event/notification/httpHosts' && req.method === 'GET') {
      if (json && device.refuseJson === 'status') return send(403, status(4, 'Invalid Operation', 'notSupport'));
      if (json && device.refuseJson !== 'xml-instead') return send(200, device.json, 'application/json');
      return send(200, device.xml);
    }
    if (path === '/ISAPI/Event/notification/httpHosts' && req.method === 'PUT') {
      switch (device.listPut ?? 'ok') {
        case 'not-allowed': return send(405, status(4, 'Invalid Operation', 'methodNotAllowed'));
        case 'bad-content': return send(400, status(6, 'Invalid XML Content', 'badXmlContent'));
        case 'ignored': return send(200, OK);
        case 'reboot':
          return send(200, status(7, 'Reboot Required', 'rebootRequired'));
        default:
          if (json) device.json = body.toString();
          else device.xml = body.toString();
          return send(200, json ? '{"statusCode":1,"statusString":"OK","subStatusCode":"ok"}' : OK, json ? 'application/json' : 'application/xml');
      }
    }
    if (path === '/ISAPI/Event/notification/httpHosts/2' && req.method === 'PUT') {
      // Firmware with only the per-slot PUT: splice the slot into the list it keeps.
      const slot = body.toString().replace(/^<\?xml[^>]*>\s*/, '');
      device.xml = device.xml.replace(/<HttpHostNotification[^>]*>\s*<id>2<\/id>[\s\S]*?<\/HttpHostNotification>/, slot);
      return send(200, OK);
    }
    if (path === '/ISAPI/Event/notification/httpHosts/capabilities') {
      if (device.forbidCapabilities) return send(403, status(4, 'Invalid Operation', 'notSupport'));
      if (json) return send(404, status(4, 'Invalid Operation', 'notSupport'));
      return send(200, device.capabilities ?? ACCESS_TERMINAL_CAPABILITIES);
    }
    if (/^\/ISAPI\/Event\/notification\/httpHosts\/\d+\/test$/.test(path) && req.method === 'POST') return send(200, OK);
    return send(404, status(4, 'Invalid Operation', 'notSupport'));
  };
}

const target = { host: '192.168.1.10', portNo: 8088, url: '/alarm', protocolType: 'HTTP' };

describe('httpHosts configurator (fake device over digest HTTP)', () => {
  let server: TestServer | undefined;
  let device: FakeDevice;

  async function configurator(quirks: Partial<FakeDevice> = {}, password = 'Passw0rd!'): Promise<HttpHostsConfigurator> {
    device = { xml: IPC_LIST, json: LIST_JSON, requests: [], ...quirks };
    server = await startDigestTestServer({ handler: fakeDevice(device) });
    const client = new DigestClient({ host: '127.0.0.1', port: server.port, protocol: 'http', rejectUnauthorized: true, username: 'admin', password });
    return new HttpHostsConfigurator(client);
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('auto format reads JSON when the device speaks it', async () => {
    const c = await configurator();
    const out = await c.get('auto', 'auto', target);
    assert.equal(out.format, 'json');
    assert.equal(out.slots.length, 2);
    assert.equal(out.slot, null, 'no slot points here yet');
  });

  it('auto format falls back to XML when JSON is refused, and remembers it', async () => {
    const c = await configurator({ refuseJson: 'status' });
    assert.equal((await c.get('auto', 'auto', target)).format, 'xml');
    await c.get('auto', 'auto', target);
    assert.equal(device.requests.filter((r) => r.url.includes('format=json')).length, 1, 'JSON asked for once only');
  });

  it('takes XML when the device ignores ?format=json', async () => {
    const c = await configurator({ refuseJson: 'xml-instead' });
    assert.equal((await c.get('auto', 'auto', target)).format, 'xml');
  });

  it('format json on a device without JSON is a clear error', async () => {
    const c = await configurator({ refuseJson: 'xml-instead' });
    await assert.rejects(c.get('json', 'auto', target), /answered \?format=json with XML/);
  });

  it('set: writes the first unused slot, PUTs the whole list, reads back', async () => {
    const c = await configurator();
    const out = await c.set('xml', 'auto', target);
    assert.equal(out.changed, true);
    assert.equal(out.reason, 'unused');
    assert.equal(out.slot?.id, '2');
    assert.equal(out.slot.host, '192.168.1.10');
    const put = device.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.url, '/ISAPI/Event/notification/httpHosts');
    assert.equal((put.body.match(/<HttpHostNotification /g) ?? []).length, 3, 'every slot sent back');
    assert.equal(device.requests.at(-1)?.method, 'GET', 'read back after the PUT');
    assert.equal(out.raw, device.xml);
  });

  it('set: the second time finds its own slot and skips the PUT', async () => {
    const c = await configurator();
    await c.set('xml', 'auto', target);
    const puts = () => device.requests.filter((r) => r.method === 'PUT').length;
    const before = puts();
    const again = await c.set('xml', 'auto', target);
    assert.equal(again.changed, false);
    assert.equal(again.reason, 'already-pointing');
    assert.equal(puts(), before, 'no PUT when nothing changes');
  });

  it('set in JSON keeps the wrapper the device used', async () => {
    const c = await configurator();
    const out = await c.set('json', 'auto', target);
    assert.equal(out.format, 'json');
    const put = device.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.url, '/ISAPI/Event/notification/httpHosts?format=json');
    const sent = JSON.parse(put.body) as { HttpHostNotificationList: { HttpHostNotification: { ipAddress: string } }[] };
    assert.equal(sent.HttpHostNotificationList[0].HttpHostNotification.ipAddress, '192.168.1.10');
  });

  it('falls back to PUT httpHosts/<id> when the firmware has no list PUT', async () => {
    const c = await configurator({ listPut: 'not-allowed' });
    const out = await c.set('xml', '2', target);
    assert.equal(out.changed, true);
    const puts = device.requests.filter((r) => r.method === 'PUT').map((r) => r.url);
    assert.deepEqual(puts, ['/ISAPI/Event/notification/httpHosts', '/ISAPI/Event/notification/httpHosts/2']);
    assert.equal(out.slot?.host, '192.168.1.10');
  });

  it('says so when the device accepts the PUT but keeps the old values', async () => {
    const c = await configurator({ listPut: 'ignored' });
    await assert.rejects(c.set('xml', 'auto', target), /accepted the change but slot 2 reads back unused \(not applied: url, ipAddress, portNo\)/);
  });

  it('passes Reboot Required through instead of failing the check', async () => {
    const c = await configurator({ listPut: 'reboot' });
    const out = await c.set('xml', 'auto', target);
    assert.equal(out.rebootRequired, true);
  });

  it('passes a 400 with the device\'s statusString and subStatusCode through', async () => {
    const c = await configurator({ listPut: 'bad-content' });
    await assert.rejects(c.set('xml', 'auto', target), (err: IsapiError) => {
      assert.equal(err.kind, 'bad-request');
      assert.equal(err.responseStatus?.subStatusCode, 'badXmlContent');
      assert.match(err.message, /Invalid XML Content \(badXmlContent\)/);
      return true;
    });
  });

  it('a wrong password fails once, with the lock-out warning, and the XML fallback is not tried', async () => {
    const c = await configurator({}, 'wrong');
    await assert.rejects(c.get('auto', 'auto', target), /lock the account/);
    assert.equal(server?.seen.filter((s) => s.outcome === 'refused').length, 1);
    assert.equal(device.requests.length, 0);
  });

  it('test: posts to the slot pointing here, and refuses when none does', async () => {
    const c = await configurator();
    await assert.rejects(c.test('xml', 'auto', target), /no httpHosts slot points at 192.168.1.10:8088 yet/);
    await c.set('xml', 'auto', target);
    const out = await c.test('xml', 'auto', target);
    assert.equal(out.test?.statusCode, 1);
    assert.ok(device.requests.some((r) => r.method === 'POST' && r.url === '/ISAPI/Event/notification/httpHosts/2/test'));
  });

  it('capabilities: JSON refused → XML; 403 → the permission error', async () => {
    const c = await configurator();
    const out = await c.capabilities('auto');
    assert.equal(out.format, 'xml');
    assert.equal(out.capabilities.hostNumber, 2);
    await server?.close();
    const forbidden = await configurator({ forbidCapabilities: true });
    await assert.rejects(forbidden.capabilities('xml'), /403 Forbidden .*Parameters Settings/);
  });

  it('writes basic authentication under the name the device lists (basic or base64)', async () => {
    const ipcCaps = '<HttpHostNotificationCap><hostNumber>3</hostNumber><httpAuthenticationMethod opt="none,base64"/></HttpHostNotificationCap>';
    const c = await configurator({ capabilities: ipcCaps });
    const out = await c.set('xml', 'auto', { ...target, httpAuthenticationMethod: 'basic', userName: 'dev', password: 'pw' });
    assert.equal(out.slot?.httpAuthenticationMethod, 'base64');
    await server?.close();
    const terminal = await configurator();
    const out2 = await terminal.set('xml', 'auto', { ...target, httpAuthenticationMethod: 'basic' });
    assert.equal(out2.slot?.httpAuthenticationMethod, 'basic');
  });
});
