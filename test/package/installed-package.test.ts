/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into a fresh Node-RED 4.1
 * user directory (a real copy, no symlink), then Node-RED 4.1 started on it (its CLI, red.js). Over
 * HTTP: every node type in package.json registers, its help and message catalogue are served in
 * both languages, the examples are listed and served, the icons are served; and the installed bin
 * `hikvision-sim` runs. The node types, examples and icons expected come from the repository, so a
 * new node is checked without editing this file.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/http';
import { repoRoot } from '../support/samples';

const run = promisify(execFile);
const ROOT = repoRoot();
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const LANGUAGES = ['en-US', 'zh-CN'];

interface Manifest {
  name: string;
  main: string;
  bin: Record<string, string>;
  'node-red': { nodes: Record<string, string> };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const NODE_TYPES = Object.keys(manifest['node-red'].nodes);
const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).sort();
const ICONS = fs.readdirSync(path.join(ROOT, 'icons')).sort();

/**
 * The environment without npm's own variables: under `npm test`, npm_config_local_prefix (and the
 * rest) would make `npm install` in the user directory work on this repository instead.
 */
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

interface Answer { status: number; type: string; body: string }

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }); });
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await get(url, { Accept: 'application/json', ...headers });
  assert.equal(res.status, 200, `GET ${url}: ${res.status} ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as T;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { resolve(false); }, ms);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

/** Settings that keep Node-RED quiet and offline: loopback only, no telemetry, no tours, no projects. */
function settings(port: number): string {
  return `module.exports = ${JSON.stringify({
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: 'package-test-only',
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
  }, null, 2)};\n`;
}

interface PackResult { filename: string; files: { path: string }[] }
interface NodeSet { id: string; types: string[]; enabled: boolean; loaded: boolean; err?: string }

describe('the package as npm installs it, in Node-RED 4.1', function () {
  this.timeout(300_000);
  let temp = '';
  let userDir = '';
  let installed = '';
  let packed: PackResult | undefined;
  let nodeRed: ChildProcess | undefined;
  let output = '';
  let url = '';

  before(async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-package-'));
    // `prepare` would rebuild dist/ under the tests that are running from it: --ignore-scripts, and
    // HIK_PACK_KEEP_DIST for the npm versions that run prepare on pack all the same.
    const pack = await run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', temp], {
      cwd: ROOT, env: { ...CLEAN_ENV, HIK_PACK_KEEP_DIST: '1' }, maxBuffer: 64 * 1024 * 1024,
    });
    packed = (JSON.parse(pack.stdout) as PackResult[])[0];

    userDir = path.join(temp, 'userDir');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }, null, 2));
    await run(NPM, ['install', path.join(temp, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: userDir, env: CLEAN_ENV, maxBuffer: 64 * 1024 * 1024 });
    installed = path.join(userDir, 'node_modules', manifest.name);

    const port = await freePort();
    fs.writeFileSync(path.join(userDir, 'settings.js'), settings(port));
    nodeRed = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'node-red', 'red.js'), '--settings', path.join(userDir, 'settings.js'), '-u', userDir, '-p', String(port)], {
      cwd: userDir,
      env: { ...CLEAN_ENV, NODE_RED_ENABLE_PROJECTS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nodeRed.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    nodeRed.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    url = `http://127.0.0.1:${port}`;
    const end = Date.now() + 120_000;
    for (;;) {
      if (nodeRed.exitCode !== null) throw new Error(`Node-RED exited with ${nodeRed.exitCode}:\n${output}`);
      if ((await get(`${url}/settings`).catch(() => null))?.status === 200) break;
      if (Date.now() > end) throw new Error(`Node-RED did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  after(async () => {
    if (nodeRed && !(nodeRed.exitCode !== null || nodeRed.signalCode !== null)) {
      nodeRed.kill('SIGINT');
      if (!(await exited(nodeRed, 20_000))) {
        nodeRed.kill('SIGKILL');
        await exited(nodeRed, 5_000);
      }
    }
    if (temp !== '') fs.rmSync(temp, { recursive: true, force: true });
  });

  it('the tarball holds main, the bin and every node file, and no source maps or tests', () => {
    const files = packed!.files.map((file) => file.path);
    for (const file of [manifest.main, ...Object.values(manifest.bin), ...Object.values(manifest['node-red'].nodes)]) {
      assert.ok(files.includes(path.posix.normalize(file)), `${file} is in the tarball`);
    }
    assert.deepEqual(files.filter((file) => file.endsWith('.map')), [], 'no source maps');
    assert.deepEqual(files.filter((file) => file.startsWith('dist/test/') || file.startsWith('src/') || file.startsWith('test/')), [], 'no tests or TypeScript sources');
  });

  it('is installed as a real directory, and its main loads', () => {
    const stat = fs.lstatSync(installed);
    assert.ok(stat.isDirectory() && !stat.isSymbolicLink(), `${installed} is a directory, not a link`);
    const main = require(installed) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports -- the installed package, by path
    assert.equal(typeof main.parsePushBody, 'function');
    assert.equal(typeof main.startDeviceSimulator, 'function');
  });

  it(`registers every node type in package.json (${NODE_TYPES.length}), without load errors`, async () => {
    const info = await getJson<{ name: string; nodes: NodeSet[] }>(`${url}/nodes/${manifest.name}`);
    const errors = info.nodes.filter((set) => set.err !== undefined).map((set) => `${set.id}: ${set.err}`);
    assert.deepEqual(errors, [], `load errors:\n${output}`);
    assert.deepEqual(info.nodes.filter((set) => !set.enabled).map((set) => set.id), [], `every set enabled: ${JSON.stringify(info.nodes[0])}`);
    assert.deepEqual(info.nodes.flatMap((set) => set.types).sort(), [...NODE_TYPES].sort());
  });

  for (const lang of LANGUAGES) {
    it(`serves help and the message catalogue of every node in ${lang}`, async () => {
      const html = await get(`${url}/nodes`, { Accept: 'text/html', 'Accept-Language': lang });
      assert.equal(html.status, 200);
      for (const type of NODE_TYPES) {
        assert.ok(html.body.includes(`data-template-name="${type}"`), `${type}: edit dialog`);
        const help = new RegExp(`data-help-name="${type}"[^>]*>([\\s\\S]*?)</script>`).exec(html.body);
        assert.ok(help && help[1].trim().length > 40, `${type}: help in ${lang}`);
        const catalogue = await getJson<Record<string, unknown>>(`${url}/locales/${manifest.name}/${type}?lng=${lang}`);
        assert.ok(typeof catalogue[type] === 'object' && Object.keys(catalogue[type] as object).length > 0, `${type}: messages in ${lang}: ${JSON.stringify(catalogue).slice(0, 200)}`);
      }
    });
  }

  it(`lists and serves the examples (${EXAMPLES.length})`, async () => {
    // The editor's Import › Examples menu: entries `{ fn: label }` (and folder names, none here).
    const listing = await getJson<({ fn: string } | string)[]>(`${url}/library/examples/flows/${manifest.name}`);
    assert.deepEqual(listing.map((entry) => (typeof entry === 'string' ? entry : entry.fn)).sort(), EXAMPLES);
    for (const label of EXAMPLES) {
      const flow = await getJson<{ type: string }[]>(`${url}/library/examples/flows/${manifest.name}/${encodeURIComponent(label)}`);
      assert.ok(Array.isArray(flow) && flow.some((node) => NODE_TYPES.includes(node.type)), `${label} uses this package's nodes`);
    }
  });

  it(`serves the icons (${ICONS.length}), and every icon a node names is one of them`, async () => {
    const listed = await getJson<Record<string, string[]>>(`${url}/icons`);
    assert.deepEqual([...(listed[manifest.name] ?? [])].sort(), ICONS);
    for (const icon of ICONS) {
      const res = await get(`${url}/icons/${manifest.name}/${icon}`);
      assert.equal(res.status, 200, icon);
      assert.match(res.type, /image\/svg\+xml/, icon);
      assert.match(res.body, /<svg[\s>]/, icon);
    }
    const html = await get(`${url}/nodes`, { Accept: 'text/html' });
    const named = [...html.body.matchAll(/icon:\s*['"]([^'"]+)['"]/g)].map((match) => match[1]).filter((icon) => icon.startsWith('hikvision-'));
    assert.ok(named.length > 0, 'nodes name icons');
    assert.deepEqual(named.filter((icon) => !ICONS.includes(icon)), [], 'named icons that are not served');
  });

  it('npx hikvision-sim --help runs from the installed package', async () => {
    const { stdout } = await run(NPX, ['--no', '--', 'hikvision-sim', '--help'], { cwd: userDir, env: CLEAN_ENV });
    assert.match(stdout, /Usage: hikvision-sim/);
  });
});
