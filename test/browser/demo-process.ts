/**
 * `npm run demo` as a child process: scripts/demo.js itself (Node-RED, the simulated camera and
 * the simulated iSC platform), with its ports and user directory moved by the environment
 * variables the script reads, so that test runs side by side do not collide. It runs in a
 * process group of its own; stop() ends the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, request } from '../support/http';
import { REPO_ROOT } from './repo-root';

export interface DemoPorts {
  editor: number;
  device: number;
  platform: number;
  listener: number;
  callback: number;
}

/** The ports `npm run demo` uses when the environment does not move them. */
export const DEMO_DEFAULT_PORTS: DemoPorts = { editor: 1880, device: 8080, platform: 8443, listener: 8088, callback: 8089 };

export interface RunningDemo {
  readonly url: string;
  readonly ports: DemoPorts;
  /** Everything the demo printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function freeDemoPorts(): Promise<DemoPorts> {
  const [editor, device, platform, listener, callback] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  return { editor, device, platform, listener, callback };
}

/** Whether any process of the group is still there. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

export async function startDemo(ports: DemoPorts, startTimeoutMs = 90_000): Promise<RunningDemo> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-demo-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.js')], {
    cwd: REPO_ROOT,
    detached: true, // its own process group: stop() signals the demo and everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DEMO_USER_DIR: path.join(root, 'userDir'),
      DEMO_EDITOR_PORT: String(ports.editor),
      DEMO_DEVICE_PORT: String(ports.device),
      DEMO_PLATFORM_PORT: String(ports.platform),
      DEMO_LISTENER_PORT: String(ports.listener),
      DEMO_CALLBACK_PORT: String(ports.callback),
    },
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => { output += c.toString('utf8'); });
  child.stderr?.on('data', (c: Buffer) => { output += c.toString('utf8'); });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('the demo did not start');
  const url = `http://127.0.0.1:${ports.editor}`;

  const stop = async (): Promise<void> => {
    if (groupAlive(pgid)) {
      process.kill(-pgid, 'SIGTERM');
      if (!(await waitUntil(() => !groupAlive(pgid), 20_000))) {
        process.kill(-pgid, 'SIGKILL');
        await waitUntil(() => !groupAlive(pgid), 5_000);
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  };

  try {
    const end = Date.now() + startTimeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the demo exited with ${child.exitCode}`);
      const res = await request({ port: ports.editor, method: 'GET', path: '/settings' }).catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > end) throw new Error(`the demo's editor did not answer within ${startTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- demo output ---\n${output}`, { cause: err });
  }
  return { url, ports, output: () => output, stop };
}
