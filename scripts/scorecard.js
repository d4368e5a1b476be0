#!/usr/bin/env node
// Runs the Flow Library's scorecard (`node-red-dev validate`) on this package and prints one line
// per check. Offline-safe: scripts/scorecard-preload.js answers the outside catalogue request
// (P08, N01), which otherwise aborts the run; those two checks then pass without meaning and are
// marked so. The other checks ask the npm registry, as the Flow Library does.
//
//   node scripts/scorecard.js                 the package as published: package.json → dist/ (npm run build first)
//   node scripts/scorecard.js --dist .build/x  another build output, through a temporary package
//
// Exit code: 0 when every check that can run here passes, 1 otherwise, 2 when node-red-dev is missing.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const OFFLINE = new Set(['P08', 'N01']);
const NAMES = {
  P01: 'license', P03: 'repository or bugs URL', P04: 'package name', P05: 'keyword node-red',
  P06: 'node-red.version matches current Node-RED', P07: 'engines.node fits Node-RED\'s minimum',
  P08: 'no similarly named package (catalogue)', N01: 'node types unique (catalogue)', N02: 'every node used in an example',
  N03: 'node files parse', D01: 'at most 6 dependencies', D02: 'no known-bad package in the tree', D03: 'dependencies at their latest version',
};

function findNodeRedDev() {
  try {
    return path.dirname(require.resolve('node-red-dev/package.json', { paths: [root] }));
  } catch {
    return process.env.NODE_RED_DEV_DIR && fs.existsSync(path.join(process.env.NODE_RED_DEV_DIR, 'bin', 'run'))
      ? path.resolve(process.env.NODE_RED_DEV_DIR)
      : null;
  }
}

/** The directory to validate: the repo, or a temporary package whose dist is another build. */
function packageDir(temp) {
  const at = process.argv.indexOf('--dist');
  if (at === -1) return root;
  const dist = path.resolve(root, process.argv[at + 1] || '');
  const dir = path.join(temp, 'package');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(dist, path.join(dir, 'dist'), 'dir');
  fs.symlinkSync(path.join(root, 'examples'), path.join(dir, 'examples'), 'dir');
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function main() {
  const tool = findNodeRedDev();
  if (!tool) {
    console.error('scorecard: node-red-dev is not installed (npm i -D node-red-dev, or set NODE_RED_DEV_DIR)');
    return 2;
  }
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-scorecard-'));
  try {
    const dir = packageDir(temp);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const missing = Object.values(manifest['node-red'].nodes).filter((file) => !fs.existsSync(path.join(dir, file.replace(/\.js$/, '.html'))));
    if (missing.length > 0) {
      console.error(`scorecard: build first (npm run build, or --dist DIR): missing ${missing.join(', ')}`);
      return 1;
    }
    const out = path.join(temp, 'scorecard.json');
    const run = spawnSync(process.execPath, ['-r', path.join(__dirname, 'scorecard-preload.js'), path.join(tool, 'bin', 'run'), 'validate', '-p', dir, '-o', out], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000,
    });
    process.stdout.write(run.stdout || '');
    process.stderr.write(run.stderr || '');
    if (!fs.existsSync(out)) {
      console.error(`scorecard: node-red-dev wrote no scorecard (exit ${run.status})`);
      return 1;
    }
    const card = JSON.parse(fs.readFileSync(out, 'utf8'));
    let failed = 0;
    console.log(`\nScorecard for ${card.package ? `${card.package.name}@${card.package.version}` : manifest.name}:`);
    for (const [code, result] of Object.entries(card)) {
      if (code === 'package' || typeof result !== 'object' || result === null) continue;
      const offline = OFFLINE.has(code);
      if (!result.test && !offline) failed++;
      const mark = offline ? 'n/a' : result.test ? 'pass' : 'FAIL';
      const note = offline ? ' (catalogue.nodered.org is not reachable here: answered with an empty catalogue)' : '';
      console.log(`  ${code} ${mark.padEnd(4)} ${NAMES[code] || ''}${note}`);
    }
    console.log(failed === 0 ? 'scorecard: every check that can run here passes' : `scorecard: ${failed} check(s) failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

process.exitCode = main();
