import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliUsageError, parseCli, slotFromUrl } from '../../../src/simulator/cli-args';
import { startCaptureServer } from './support/capture-server';
import { DigestClient } from './support/isapi-client';

const CLI = path.join(__dirname, '../../../src/simulator/cli.js');

function run(args: string[]): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
  return { child, output: () => output, exit };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('simulator: command line arguments', () => {
  it('reads the device options and the push options', () => {
    const command = parseCli([
      '--port', '8080', '--user', 'op', '--password', 'pw', '--nvr', '--rate', '2', '--kinds', 'anpr,acs',
      '--push-to', 'http://127.0.0.1:8088/alarm', '--total', '10', '--quirks', 'noHost,chunked', '--basic', '--refuse-json',
    ]);
    assert.equal(command.command, 'device');
    assert.equal(command.device.port, 8080);
    assert.equal(command.device.username, 'op');
    assert.equal(command.device.password, 'pw');
    assert.equal(command.device.nvr, true);
    assert.equal(command.device.refuseJson, true);
    assert.deepEqual(command.device.authMethods, ['digest', 'basic']);
    assert.deepEqual(command.push.kinds, ['anpr', 'acs']);
    assert.equal(command.push.rate, 2);
    assert.equal(command.push.total, 10);
    assert.deepEqual(command.push.quirks, { noHost: true, chunked: true });
    assert.deepEqual(command.device.slots?.[0], {
      url: '/alarm', protocolType: 'HTTP', parameterFormatType: 'XML', addressingFormatType: 'ipaddress', ipAddress: '127.0.0.1',
      hostName: '', portNo: 8088, httpAuthenticationMethod: 'none', userName: '', password: '',
    });
  });

  it('has defaults: port 8080, admin, 1 event per second, no preset slot', () => {
    const command = parseCli([], {});
    assert.ok(command.command === 'device');
    assert.deepEqual([command.device.port, command.device.username, command.device.password, command.push.rate, command.device.slots],
      [8080, 'admin', 'hik12345', 1, undefined]);
    const fromEnv = parseCli([], { HIKVISION_SIM_PASSWORD: 'from-env' });
    assert.ok(fromEnv.command === 'device' && fromEnv.device.password === 'from-env');
  });

  it('turns --push-to URLs into slot 1: hostnames, HTTPS, credentials, auth and format', () => {
    assert.deepEqual(
      slotFromUrl('https://cam:s%40crt@nodered.local/hik?x=1', 'digest', 'json'),
      {
        url: '/hik?x=1', protocolType: 'HTTPS', parameterFormatType: 'json', addressingFormatType: 'hostname', ipAddress: '0.0.0.0',
        hostName: 'nodered.local', portNo: 443, httpAuthenticationMethod: 'MD5digest', userName: 'cam', password: 's@crt',
      },
    );
    assert.equal(slotFromUrl('http://[::1]:9000/', 'basic', undefined).ipAddress, '::1');
  });

  it('refuses what it does not know, saying why', () => {
    const bad: [string[], RegExp][] = [
      [['--kinds', 'anpr,bogus'], /unknown event kind bogus/],
      [['--quirks', 'sometimes'], /unknown quirk/],
      [['--rate', '-1'], /--rate/],
      [['--port', '70000'], /--port/],
      [['--port', '80.5'], /--port must be a whole number/],
      [['--total', ''], /--total/],
      [['--push-to', 'ftp://x/'], /http/],
      [['--push-to', 'not a url'], /--push-to/],
      [['--format', 'json'], /--push-to/],
      [['--json-wrapper', 'odd'], /--json-wrapper/],
      [['--frobnicate'], /frobnicate/],
      [['extra'], /unexpected argument/],
      [['--cert', 'a.pem'], /--cert and --key/],
    ];
    for (const [args, message] of bad) assert.throws(() => parseCli(args, {}), (err: unknown) => err instanceof CliUsageError && message.test(err.message), args.join(' '));
  });

  it('takes fractional rates (one event every two seconds)', () => {
    const command = parseCli(['--rate', '0.5'], {});
    assert.ok(command.command === 'device');
    assert.equal(command.push.rate, 0.5);
  });

  it('hands `platform …` to the platform simulator', () => {
    assert.deepEqual(parseCli(['platform', '--port', '9000']), { command: 'platform', argv: ['--port', '9000'] });
  });
});

describe('simulator: the hikvision-sim command', function () {
  this.timeout(20_000);

  it('starts a device, pushes to the --push-to slot (replay first), prints each request, answers ISAPI, stops on SIGTERM', async () => {
    const listener = await startCaptureServer();
    const sim = run(['--port', '0', '--push-to', `http://127.0.0.1:${listener.port}/alarm`, '--rate', '0', '--total', '3', '--kinds', 'io,anpr', '--stored', '1', '--password', 'Cli-pw-1']);
    try {
      await listener.waitFor(4);
      await until(() => /slot 1: 4 sent/.test(sim.output()), 'the run summary');
      const url = /ISAPI on (http:\/\/127\.0\.0\.1:\d+)/.exec(sim.output())?.[1];
      assert.ok(url, sim.output());
      const isapi = new DigestClient(url, 'admin', 'Cli-pw-1');
      const hosts = await isapi.request('GET', '/ISAPI/Event/notification/httpHosts');
      assert.equal(hosts.status, 200);
      assert.match(hosts.body, new RegExp(`<portNo>${listener.port}</portNo>`));
      await until(() => /GET \/ISAPI\/Event\/notification\/httpHosts -> 200/.test(sim.output()), 'the request line');
      sim.child.kill('SIGTERM');
      assert.equal(await sim.exit, 0);
      const out = sim.output();
      assert.match(out, /slot 1: replaying 1 stored events to http:\/\/127\.0\.0\.1:\d+\/alarm/);
      assert.match(out, /push IO \[replay\] -> /);
      assert.equal(out.match(/^\S+ push /gm)?.length, 4);
      assert.match(out, /GET \/ISAPI\/Event\/notification\/httpHosts -> 401 \(challenge\)/);
      assert.match(out, /stopping/);
      assert.doesNotMatch(out, /Cli-pw-1/);
      assert.equal(listener.requests.length, 4);
    } finally {
      sim.child.kill('SIGKILL');
      await listener.close();
    }
  });

  it('prints usage for --help and exits 2 on a bad argument', async () => {
    const help = run(['--help']);
    assert.equal(await help.exit, 0);
    assert.match(help.output(), /Usage: hikvision-sim/);
    const bad = run(['--kinds', 'nope']);
    assert.equal(await bad.exit, 2);
    assert.match(bad.output(), /unknown event kind nope/);
  });

  it('hands `platform --help` to the platform simulator when built, else says it is missing', async () => {
    const platform = run(['platform', '--help']);
    const code = await platform.exit;
    if (existsSync(path.join(path.dirname(CLI), 'platform', 'cli.js'))) {
      assert.equal(code, 0, platform.output());
      assert.ok(platform.output().length > 0);
      assert.doesNotMatch(platform.output(), /not part of this build|Usage: hikvision-sim \[options\]/);
    } else {
      assert.equal(code, 2);
      assert.match(platform.output(), /platform simulator is not part of this build/);
    }
  });
});
