/**
 * Text from a device or platform, quoted into errors and logs: hostile servers on loopback echo
 * the request's secrets and put newlines and megabytes into what they answer. Nothing derived from
 * a secret may come out, no quoted text may start a new log line, none may be written whole. Also
 * the httpHosts document over HTTP in the encodings devices use, written back whole.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DigestClient } from '../../../src/isapi/digest-client';
import { HttpHostsConfigurator } from '../../../src/isapi/http-hosts-configurator';
import { ArtemisClient } from '../../../src/isc/artemis-client';
import { ArtemisError } from '../../../src/isc/artemis-error';
import type { EventNotifyError } from '../../../src/isc/event-notify';
import { IscNotifyReceiver } from '../../../src/isc/notify-receiver';
import { escapeControlChars, quoteForeignText, redactEchoedSecrets } from '../../../src/net/log-text';
import { PortRegistry } from '../../../src/server/port-registry';
import { freePort, request } from '../../support/http';

type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;

async function hostileServer(handler: Handler): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const PASSWORD = 'Dev1ce-Passw0rd!';
const APP_KEY = 'AK-hostile-1234';
const APP_SECRET = 'AS-hostile-Qm8rT5vX';

describe('foreign text in errors and logs', () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

  it('log-text: redacts secret-like values, escapes control characters, caps the length', () => {
    const echoed = 'Authorization: Digest username="admin", realm="x", nonce="n", uri="/a", response="0123456789abcdef0123456789abcdef", cnonce="c1"';
    const redacted = redactEchoedSecrets(echoed);
    assert.ok(!redacted.includes('0123456789abcdef'), redacted);
    assert.ok(!redacted.includes('"c1"'), redacted);
    assert.match(redactEchoedSecrets('{"x-ca-signature":"c2lnbmF0dXJl","x-ca-key":"k"}'), /"x-ca-signature":\*\*\*/);
    assert.equal(redactEchoedSecrets('Basic YWRtaW46c2VjcmV0'), 'Basic ***');
    assert.equal(escapeControlChars('a\nb\r\u001b[31m\u2028'), 'a\\nb\\r\\u001b[31m\\u2028');
    const long = quoteForeignText('x'.repeat(7_000_000));
    assert.ok(long.length < 300 && long.endsWith('(7000000 characters)'), long.slice(-40));
    assert.equal(quoteForeignText('appKey AK secret AS', 200, ['AK', 'AS']), 'appKey *** secret ***');
  });

  it('a device echoing the Authorization header: no digest response in the error, no forged log line', async () => {
    let sentAuthorization = '';
    const device = await hostileServer((req, _body, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'WWW-Authenticate': 'Digest realm="hostile", qop="auth", nonce="abc123", algorithm=MD5' }).end();
        return;
      }
      sentAuthorization = req.headers.authorization;
      res.writeHead(401, { 'Content-Type': 'application/xml' }).end(`<ResponseStatus><statusCode>4</statusCode><statusString>Authorization: ${sentAuthorization}</statusString>`
        + `<subStatusCode>badAuthorization</subStatusCode><errorMsg>you sent ${sentAuthorization.replace(/^Digest /, '')}\nERROR forged log line</errorMsg></ResponseStatus>`);
    });
    servers.push(device);
    const client = new DigestClient({ host: '127.0.0.1', port: device.port, protocol: 'http', rejectUnauthorized: true, username: 'admin', password: PASSWORD });
    const err = await client.request({ method: 'GET', path: '/ISAPI/System/deviceInfo' }).then(() => null, (e: unknown) => e as Error);
    assert.ok(err, 'the request fails');
    const response = /response="([^"]+)"/.exec(sentAuthorization)?.[1] ?? '';
    assert.ok(response.length >= 32, 'the client did send a digest response');
    const everything = `${err.message} ${JSON.stringify(err)}`;
    assert.ok(!everything.includes(response), everything);
    assert.ok(!everything.includes(PASSWORD));
    assert.ok(!err.message.includes('\n'), err.message);
    assert.match(err.message, /401/);
  });

  it('a platform echoing x-ca-signature and the appKey, with a newline in msg: all redacted and escaped', async () => {
    let signature = '';
    const platform = await hostileServer((req, _body, res) => {
      signature = String(req.headers['x-ca-signature']);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({
        code: '0x02401003', msg: `signature mismatch\nERROR forged line x-ca-signature: ${signature} key=${APP_KEY}`,
      }));
    });
    const echoing = await hostileServer((req, _body, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`bad request\r\nheaders: ${JSON.stringify(req.headers)}`);
    });
    servers.push(platform, echoing);
    for (const port of [platform.port, echoing.port]) {
      const client = new ArtemisClient({ host: '127.0.0.1', port, protocol: 'http', rejectUnauthorized: false, appKey: APP_KEY, appSecret: APP_SECRET }, { timeoutMs: 3000 });
      const err = await client.viewSubscriptions().then(() => null, (e: unknown) => e as ArtemisError);
      assert.ok(err instanceof ArtemisError);
      const everything = `${err.message} ${err.platformMessage ?? ''} ${JSON.stringify(err)}`;
      assert.ok(signature.length > 10, 'the client did sign');
      assert.ok(!everything.includes(signature), everything);
      assert.ok(!everything.includes(APP_KEY) && !everything.includes(APP_SECRET), everything);
      assert.ok(!err.message.includes('\n') && !err.message.includes('\r'), err.message);
    }
  });

  it('an iSC push whose method is a 7 MB string: the error quotes a capped excerpt', async () => {
    const registry = new PortRegistry();
    const port = await freePort();
    const lease = registry.server({ port, bind: '127.0.0.1' }).use('/isc/events', 'iSC receiver', () => new IscNotifyReceiver({ maxBodyBytes: 16 * 1024 * 1024 }));
    try {
      await lease.server.ready();
      const errors: EventNotifyError[] = [];
      lease.route.attach({ events: () => undefined, malformed: (e) => { errors.push(e); } });
      const body = JSON.stringify({ method: `On\n${'x'.repeat(7 * 1024 * 1024)}`, params: {} });
      const res = await request({ port, path: '/isc/events', headers: { 'Content-Type': 'application/json' }, body });
      assert.ok(res.status < 500);
      for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(errors.length, 1);
      assert.ok(errors[0].message.length < 1000, `message of ${errors[0].message.length} characters`);
      assert.ok(!errors[0].message.includes('\n'));
      assert.match(errors[0].message, /unexpected method/);
    } finally {
      lease.release();
    }
  });
});

describe('httpHosts document over HTTP in the encodings devices use', () => {
  const FRONT_DOOR_GB2312 = Buffer.from([0xc7, 0xb0, 0xc3, 0xc5]);
  const list = (head: string, name: string) => `${head}\n<HttpHostNotificationList version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
  <HttpHostNotification>
    <id>1</id><url>/old</url><protocolType>HTTP</protocolType><parameterFormatType>XML</parameterFormatType>
    <addressingFormatType>ipaddress</addressingFormatType><ipAddress>10.0.0.9</ipAddress><portNo>80</portNo>
    <deviceName>${name}</deviceName><httpAuthenticationMethod>none</httpAuthenticationMethod>
  </HttpHostNotification>
</HttpHostNotificationList>
`;
  const servers: { close: () => Promise<void> }[] = [];
  afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

  /** A device without authentication that stores what is PUT and serves it back. */
  async function device(first: Buffer) {
    const state = { stored: first, puts: [] as Buffer[] };
    const server = await hostileServer((req, body, res) => {
      if (req.method === 'PUT') {
        state.puts.push(body);
        state.stored = body;
        res.writeHead(200, { 'Content-Type': 'application/xml' }).end('<ResponseStatus><statusCode>1</statusCode><statusString>OK</statusString></ResponseStatus>');
        return;
      }
      if (req.url?.includes('format=json')) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'Content-Type': 'application/xml' }).end(state.stored);
    });
    servers.push(server);
    const client = new DigestClient({ host: '127.0.0.1', port: server.port, protocol: 'http', rejectUnauthorized: true, username: 'admin', password: PASSWORD });
    return { state, configurator: new HttpHostsConfigurator(client) };
  }

  it('a GB2312 list with a Chinese name: read in GB2312, written back whole as UTF-8 that says so', async () => {
    const [before, after] = list('<?xml version="1.0" encoding="GB2312"?>', '@@').split('@@');
    const { state, configurator } = await device(Buffer.concat([Buffer.from(before), FRONT_DOOR_GB2312, Buffer.from(after)]));
    const doc = await configurator.read('xml');
    assert.ok(doc.raw.includes('<deviceName>前门</deviceName>'), doc.raw);
    const outcome = await configurator.set('xml', '1', { host: '10.0.0.5', portNo: 8080, url: '/alarm' });
    assert.equal(outcome.changed, true);
    assert.equal(state.puts.length, 1);
    const put = state.puts[0].toString('utf8');
    assert.equal(put, list('<?xml version="1.0" encoding="UTF-8"?>', '前门').replace('/old', '/alarm').replace('10.0.0.9', '10.0.0.5').replace('<portNo>80<', '<portNo>8080<'));
  });

  it('a UTF-16 list with a byte order mark is read, and a UTF-8 list goes back byte for byte where unchanged', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(list('<?xml version="1.0" encoding="UTF-16"?>', '前门'), 'utf16le')]);
    const { configurator } = await device(utf16);
    const doc = await configurator.read('xml');
    assert.equal(doc.slots[0].url, '/old');
    assert.ok(doc.raw.includes('<deviceName>前门</deviceName>'));

    const utf8 = list('<?xml version="1.0" encoding="UTF-8"?>', '<![CDATA[Gate &amp; Yard]]>');
    const second = await device(Buffer.from(utf8));
    await second.configurator.set('xml', '1', { url: '/alarm', host: '10.0.0.9', portNo: 80 });
    assert.equal(second.state.puts[0].toString('utf8'), utf8.replace('/old', '/alarm'));
  });

  it('refuses a DOCTYPE and an unquoted attribute, as the listener does', async () => {
    for (const [body, why] of [
      [list('<?xml version="1.0"?><!DOCTYPE HttpHostNotificationList>', 'x'), /DOCTYPE/],
      [list('<?xml version="1.0"?>', 'x').replace('version="2.0"', 'version=2.0'), /unquoted attribute/],
    ] as const) {
      const { configurator } = await device(Buffer.from(body));
      await assert.rejects(configurator.read('xml'), why);
    }
  });
});
