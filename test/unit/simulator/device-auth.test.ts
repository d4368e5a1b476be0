import assert from 'node:assert/strict';
import { parseDigestChallenges } from '../../../src/http-auth/digest';
import { startDeviceSimulator, type DeviceSimulator } from '../../../src/simulator/device/device-simulator';
import { DigestClient, digestAnswer, send } from './support/isapi-client';

const INFO = '/ISAPI/System/deviceInfo';

describe('simulator: ISAPI login (digest, basic, lock-out)', () => {
  let sim: DeviceSimulator;
  afterEach(async () => { await sim.close(); });

  it('answers an unauthenticated request with a camera-style digest challenge', async () => {
    sim = await startDeviceSimulator();
    const response = await send(sim.url, 'GET', INFO);
    assert.equal(response.status, 401);
    const header = String(response.headers['www-authenticate']);
    assert.match(header, /^Digest qop="auth", realm="IP Camera\([0-9A-Z]{5}\)", nonce="[0-9a-f]{48}", stale="FALSE"$/);
    const [challenge] = parseDigestChallenges(header);
    assert.deepEqual(challenge.qop, ['auth']);
    assert.equal(challenge.algorithm, 'MD5');
    assert.match(response.body, /<userCheck[\s\S]*<statusValue>401<\/statusValue>[\s\S]*<lockStatus>unlock<\/lockStatus>/);
  });

  it('logs in with an RFC 7616 digest computed by the client, and keeps the nonce working', async () => {
    sim = await startDeviceSimulator({ username: 'admin', password: 'hik12345' });
    const client = new DigestClient(sim.url, 'admin', 'hik12345');
    const first = await client.request('GET', INFO);
    assert.equal(first.status, 200);
    assert.match(first.body, /<DeviceInfo version="2.0" xmlns="http:\/\/www.hikvision.com\/ver20\/XMLSchema">/);
    assert.match(first.body, /<model>DS-2CD2T46G2-ISU\/SL<\/model>/);
    const nonce = client.challenge?.nonce;
    const second = await client.request('GET', '/ISAPI/Event/notification/httpHosts');
    assert.equal(second.status, 200);
    assert.equal(client.challenge?.nonce, nonce, 'no new challenge needed');
  });

  it('the digest covers the query string too', async () => {
    sim = await startDeviceSimulator();
    const client = new DigestClient(sim.url, 'admin', 'hik12345');
    const response = await client.request('GET', '/ISAPI/Event/notification/httpHosts?format=json');
    assert.equal(response.status, 200);
    assert.ok(JSON.parse(response.body));
  });

  it('NVR style challenge: hex realm, domain, opaque, quoted algorithm, nonce with a timestamp', async () => {
    sim = await startDeviceSimulator({ nvr: true });
    const header = String((await send(sim.url, 'GET', INFO)).headers['www-authenticate']);
    assert.match(header, /^Digest realm="[0-9a-f]{24}", domain="::", qop="auth", nonce="[0-9a-f]{32}:\d+", opaque="", algorithm="MD5", stale="FALSE"$/);
    const client = new DigestClient(sim.url, 'admin', 'hik12345');
    assert.equal((await client.request('GET', INFO)).status, 200);
  });

  it('a right answer to an expired or unknown nonce gets stale=TRUE and does not count as a failure', async () => {
    let now = 1_000_000;
    sim = await startDeviceSimulator({ nonceTtlMs: 60_000, lockoutAttempts: 2, clock: () => now });
    const client = new DigestClient(sim.url, 'admin', 'hik12345');
    assert.equal((await client.request('GET', INFO)).status, 200);
    const challenge = client.challenge;
    assert.ok(challenge);
    now += 60_001; // the nonce is now older than its lifetime
    for (let i = 0; i < 3; i++) {
      const stale = await send(sim.url, 'GET', INFO, { Authorization: digestAnswer(challenge, 'admin', 'hik12345', 'GET', INFO, 9 + i) });
      assert.equal(stale.status, 401);
      assert.equal(parseDigestChallenges(stale.headers['www-authenticate'])[0].stale, true);
    }
    const made = await send(sim.url, 'GET', INFO, { Authorization: digestAnswer({ ...challenge, nonce: 'feedface' }, 'admin', 'hik12345', 'GET', INFO, 1) });
    assert.equal(parseDigestChallenges(made.headers['www-authenticate'])[0].stale, true);
    assert.deepEqual(sim.authState(), { failedAttempts: 0, locked: false });
    // The client follows the stale challenge and gets in.
    assert.equal((await client.request('GET', INFO)).status, 200);
  });

  it('a wrong password gets 401 with stale=FALSE and counts', async () => {
    sim = await startDeviceSimulator();
    const client = new DigestClient(sim.url, 'admin', 'wrong');
    const response = await client.request('GET', INFO);
    assert.equal(response.status, 401);
    assert.equal(parseDigestChallenges(response.headers['www-authenticate'])[0].stale, false);
    assert.match(response.body, /<retryLoginTime>4<\/retryLoginTime>/);
    assert.deepEqual(sim.authState(), { failedAttempts: 1, locked: false });
  });

  it('wrong user, wrong realm, wrong uri and malformed headers all count as failures', async () => {
    sim = await startDeviceSimulator({ lockoutAttempts: 10 });
    const challenge = parseDigestChallenges((await send(sim.url, 'GET', INFO)).headers['www-authenticate'])[0];
    const tries = [
      digestAnswer(challenge, 'root', 'hik12345', 'GET', INFO, 1),
      digestAnswer({ ...challenge, realm: 'other' }, 'admin', 'hik12345', 'GET', INFO, 1),
      digestAnswer(challenge, 'admin', 'hik12345', 'GET', '/ISAPI/other', 1),
      'Digest username="admin"',
      `Digest ${'x'.repeat(5000)}`,
    ];
    for (const authorization of tries) assert.equal((await send(sim.url, 'GET', INFO, { Authorization: authorization })).status, 401);
    assert.equal(sim.authState().failedAttempts, tries.length);
  });

  it('locks the account after N failures: even the right password gets 401 with the lock in the body, until the lock ends', async () => {
    let now = 1_000_000;
    sim = await startDeviceSimulator({ lockoutAttempts: 3, lockoutMs: 30 * 60_000, clock: () => now });
    const bad = new DigestClient(sim.url, 'admin', 'nope');
    for (let i = 0; i < 2; i++) assert.match((await bad.request('GET', INFO)).body, /<lockStatus>unlock<\/lockStatus>/);
    const locking = await bad.request('GET', INFO);
    assert.equal(locking.status, 401);
    assert.match(locking.body, /<lockStatus>lock<\/lockStatus>/);
    assert.match(locking.body, /<unlockTime>1800<\/unlockTime>/);
    assert.equal(sim.authState().locked, true);

    const good = new DigestClient(sim.url, 'admin', 'hik12345');
    const refused = await good.request('GET', INFO);
    assert.equal(refused.status, 401);
    assert.match(refused.body, /<lockStatus>lock<\/lockStatus>/);
    assert.ok(refused.headers['www-authenticate'], 'still a challenge');

    now += 29 * 60_000;
    const still = await good.request('GET', INFO);
    assert.equal(still.status, 401);
    assert.match(still.body, /<unlockTime>60<\/unlockTime>/);
    now += 60_000; // the lock is over
    assert.equal((await good.request('GET', INFO)).status, 200);
    assert.deepEqual(sim.authState(), { failedAttempts: 0, locked: false });
  });

  it('a success resets the failure count', async () => {
    sim = await startDeviceSimulator({ lockoutAttempts: 3 });
    await new DigestClient(sim.url, 'admin', 'nope').request('GET', INFO);
    await new DigestClient(sim.url, 'admin', 'nope').request('GET', INFO);
    assert.equal((await new DigestClient(sim.url, 'admin', 'hik12345').request('GET', INFO)).status, 200);
    await new DigestClient(sim.url, 'admin', 'nope').request('GET', INFO);
    assert.deepEqual(sim.authState(), { failedAttempts: 1, locked: false });
  });

  it('basic: refused (with only a digest challenge) unless enabled; then right and wrong passwords', async () => {
    const basic = (password: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });
    sim = await startDeviceSimulator();
    const refused = await send(sim.url, 'GET', INFO, basic('hik12345'));
    assert.equal(refused.status, 401);
    assert.match(String(refused.headers['www-authenticate']), /^Digest /);
    assert.equal(sim.authState().failedAttempts, 0, 'an unoffered scheme is not a failed login');
    await sim.close();

    sim = await startDeviceSimulator({ authMethods: ['digest', 'basic'] });
    const challenge = await send(sim.url, 'GET', INFO);
    // Two WWW-Authenticate headers, which Node's client joins with a comma.
    assert.match(String(challenge.headers['www-authenticate']), /^Digest qop="auth", .*, Basic realm="IP Camera\(/);
    assert.equal(parseDigestChallenges(challenge.headers['www-authenticate']).length, 1);
    assert.equal((await send(sim.url, 'GET', INFO, basic('hik12345'))).status, 200);
    assert.equal((await send(sim.url, 'GET', INFO, basic('wrong'))).status, 401);
    assert.equal((await send(sim.url, 'GET', INFO, { Authorization: 'Basic !!!' })).status, 401);
    assert.equal(sim.authState().failedAttempts, 2);
  });

  it('never writes the password or the Authorization header to its log', async () => {
    const lines: string[] = [];
    sim = await startDeviceSimulator({ password: 'S3cret-pw', log: (line) => lines.push(line) });
    await new DigestClient(sim.url, 'admin', 'S3cret-pw').request('GET', INFO);
    await new DigestClient(sim.url, 'admin', 'wrong-pw').request('GET', INFO);
    const text = lines.join('\n');
    assert.match(text, /GET \/ISAPI\/System\/deviceInfo -> 200/);
    assert.match(text, /-> 401 \(wrong credentials/);
    assert.doesNotMatch(text, /S3cret-pw|wrong-pw|response=|Digest /);
  });
});
