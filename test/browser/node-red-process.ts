/**
 * A real Node-RED 4.1 (its CLI, in a child process) with this package INSTALLED in a fresh user
 * directory: translations, locale help and examples are only served for installed modules, not
 * for nodesDir. The package is the repository (package.json → dist/…), or a temporary package
 * whose `dist` is another build output (HIK_PACKAGE_DIST, or the build this test was compiled
 * into), so a helper can test its own build without touching dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/http';
import { PACKAGE_NAME, REPO_ROOT } from './repo-root';

export { PACKAGE_NAME, REPO_ROOT };

export interface RunningNodeRed {
  /** http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  readonly userDir: string;
  /** Everything Node-RED printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The package directory to install: the repo when its dist/ is what runs, else a temporary
 * package with `dist` → the chosen build and `examples` → the repo's examples.
 */
export function packageDir(tempRoot: string): string {
  const compiledInto = path.resolve(__dirname, '../..'); // <out>/test/browser → <out>
  const dist = process.env.HIK_PACKAGE_DIST ? path.resolve(REPO_ROOT, process.env.HIK_PACKAGE_DIST) : compiledInto;
  if (dist === path.join(REPO_ROOT, 'dist')) return REPO_ROOT;
  const dir = path.join(tempRoot, 'package');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(dist, path.join(dir, 'dist'), 'dir');
  fs.symlinkSync(path.join(REPO_ROOT, 'examples'), path.join(dir, 'examples'), 'dir');
  return dir;
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }); });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The settings a test needs: no telemetry consent dialog, no tours, loopback only. */
function settingsFile(port: number): string {
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: 'browser-test-only',
    telemetry: { enabled: false },
    editorTheme: { tours: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  return `module.exports = ${JSON.stringify(settings, null, 2)};\n`;
}

/**
 * Stops a Node-RED child: SIGINT first, so it stops its flows (and closes the listeners' ports)
 * before it exits, SIGKILL if it has not after 20 s; then removes its user directory.
 */
export async function stopNodeRedProcess(child: ChildProcess, userRoot: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    if (!(await waitForExit(child, 20_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  }
  fs.rmSync(userRoot, { recursive: true, force: true });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { resolve(false); }, ms);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

export async function startNodeRed(startTimeoutMs = 90_000): Promise<RunningNodeRed> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-browser-'));
  const userDir = path.join(root, 'userDir');
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  const pkg = packageDir(root);
  fs.symlinkSync(pkg, path.join(userDir, 'node_modules', PACKAGE_NAME), 'dir');
  // Listed as a dependency, as `npm install` in the user directory would leave it.
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({
    name: 'node-red-project', private: true, dependencies: { [PACKAGE_NAME]: `file:${pkg}` },
  }, null, 2));
  const port = await freePort();
  const settings = path.join(userDir, 'settings.js');
  fs.writeFileSync(settings, settingsFile(port));

  const redJs = require.resolve('node-red/red.js');
  const child = spawn(process.execPath, [redJs, '--settings', settings, '--userDir', userDir], {
    cwd: userDir,
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString('utf8'); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString('utf8'); });
  const url = `http://127.0.0.1:${port}`;

  const stop = (): Promise<void> => stopNodeRedProcess(child, root);

  try {
    const end = Date.now() + startTimeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}`);
      const res = await get(`${url}/settings`).catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > end) throw new Error(`Node-RED did not start within ${startTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- Node-RED output ---\n${output}`, { cause: err });
  }
  return { url, userDir, output: () => output, stop };
}

/** The module as Node-RED's registry reports it (GET /nodes/<module>): its node sets, types and load errors. */
export interface ModuleInfo {
  name: string;
  nodes: { id: string; types: string[]; enabled: boolean; loaded: boolean; err?: string }[];
}

export async function installedModule(nodeRed: RunningNodeRed): Promise<ModuleInfo | null> {
  const res = await get(`${nodeRed.url}/nodes/${PACKAGE_NAME}`, { Accept: 'application/json' });
  return res.status === 200 ? (JSON.parse(res.body) as ModuleInfo) : null;
}

/** The example flows Node-RED offers for this package (GET /examples/…), by menu label. */
export async function exampleFlow(nodeRed: RunningNodeRed, label: string): Promise<unknown[]> {
  const res = await get(`${nodeRed.url}/examples/${PACKAGE_NAME}/${encodeURIComponent(label)}`, { Accept: 'application/json' });
  if (res.status !== 200) throw new Error(`example "${label}": HTTP ${res.status}`);
  return JSON.parse(res.body) as unknown[];
}
