/**
 * `hikvision-sim platform` as a user runs it: starts, prints where it listens, serves a signed
 * call, and stops cleanly on Ctrl-C.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ArtemisClient } from '../../../src/isc/artemis-client';

describe('hikvision-sim platform (command line)', () => {
  it('starts, serves signed calls, and stops on SIGINT', async () => {
    const cli = path.resolve(__dirname, '../../../src/simulator/platform/cli.js');
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(cli)}).main(process.argv.slice(1))`, 'platform', '--port', '0', '--http', '--interval', '0', '--app-key', 'cli-key', '--app-secret', 'cli-secret'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        const check = () => {
          const match = /simulator at (http:\/\/[^\s]+)\/artemis/.exec(output);
          if (match?.[1]) resolve(new URL(match[1]));
        };
        child.stdout.on('data', check);
        child.on('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      assert.ok(!output.includes('cli-secret'), 'a chosen secret is not printed');
      const client = new ArtemisClient({ host: url.hostname, port: Number(url.port), protocol: 'http', rejectUnauthorized: false, appKey: 'cli-key', appSecret: 'cli-secret' });
      assert.equal((await client.viewSubscriptions()).code, '0');
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
    assert.match(output, /platform simulator stopped/);
  });

  it('prints usage for --help and refuses unknown options with exit code 2', async () => {
    const cli = path.resolve(__dirname, '../../../src/simulator/platform/cli.js');
    const run = (args: string[]) => new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(cli)}).main(process.argv.slice(1))`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
      child.on('exit', (code) => resolve({ code, output }));
    });
    const help = await run(['platform', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.output, /Usage: hikvision-sim platform/);
    const bad = await run(['platform', '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.output, /bogus/);
  });
});
