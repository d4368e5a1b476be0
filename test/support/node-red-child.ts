/**
 * A real Node-RED 4.1 in a child process with a small heap (`--max-old-space-size`, as on a
 * Raspberry Pi), this package installed in a fresh user directory and a given flow deployed from
 * its flow file. A push that makes the process run out of heap kills the child, so a memory
 * regression fails a test instead of only using more memory.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { packageDir, PACKAGE_NAME, stopNodeRedProcess } from '../browser/node-red-process';
import { freePort } from './http';

export interface ChildNodeRed {
  /** http://127.0.0.1:PORT of the editor and the flow's HTTP-in nodes. */
  readonly url: string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Everything Node-RED printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }); });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Starts Node-RED 4.1 with `flow` deployed and a heap of `heapMb` MB; resolves once its flows run. */
export async function startChildNodeRed(flow: object[], heapMb: number, startTimeoutMs = 90_000): Promise<ChildNodeRed> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-child-'));
  const userDir = path.join(root, 'userDir');
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  const pkg = packageDir(root);
  fs.symlinkSync(pkg, path.join(userDir, 'node_modules', PACKAGE_NAME), 'dir');
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({
    name: 'node-red-project', private: true, dependencies: { [PACKAGE_NAME]: `file:${pkg}` },
  }));
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
  const port = await freePort();
  const settings = path.join(userDir, 'settings.js');
  fs.writeFileSync(settings, `module.exports = ${JSON.stringify({
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: 'child-test-only',
    telemetry: { enabled: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  })};\n`);

  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, require.resolve('node-red/red.js'), '--settings', settings, '--userDir', userDir], {
    cwd: userDir,
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString('utf8'); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString('utf8'); });
  const url = `http://127.0.0.1:${port}`;
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = (): Promise<void> => stopNodeRedProcess(child, root);

  try {
    const end = Date.now() + startTimeoutMs;
    for (;;) {
      if (!alive()) throw new Error(`Node-RED exited with ${child.exitCode ?? child.signalCode}`);
      const res = await getText(`${url}/flows`).catch(() => null);
      if (res?.status === 200 && output.includes('Started flows')) break;
      if (Date.now() > end) throw new Error(`Node-RED did not start within ${startTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- Node-RED output ---\n${output}`, { cause: err });
  }
  return { url, alive, output: () => output, stop };
}
