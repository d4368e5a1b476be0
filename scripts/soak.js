#!/usr/bin/env node
// The long run of the load test: 50 simulated devices pushing into a listener for 60 s (LOAD_SECONDS
// overrides), on Node-RED 4.1 and on 5.0, checking that every event answered 200 reaches the flow
// exactly once (the test's own assertions). The test hands over its figures (pushes, events per
// second, memory growth after garbage collection); this prints them and fails when memory grew by
// MEMORY_LIMIT_MB or more: those are judged here, not in `npm test`. Runs the built tests:
// `npm run build` first, or pass `--out DIR` for a build made with `node scripts/build.js --out DIR`.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outArg = process.argv.indexOf('--out');
const built = outArg !== -1 ? path.resolve(root, process.argv[outArg + 1]) : path.join(root, 'dist');
const spec = path.join(built, 'test', 'nodes', 'robustness-load.test.js');
const mocha = require.resolve('mocha/bin/mocha.js');
const seconds = process.env.LOAD_SECONDS ?? '60';
const MEMORY_LIMIT_MB = 32;

let failed = 0;
for (const nodeRed of ['node-red', 'node-red-5']) {
  const figuresFile = path.join(os.tmpdir(), `hik-soak-${process.pid}-${nodeRed}.json`);
  fs.rmSync(figuresFile, { force: true });
  console.log(`\n=== soak: ${seconds} s on ${nodeRed}`);
  const result = spawnSync(process.execPath, [mocha, '--timeout', '20000', '--exit', spec], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_RED_PACKAGE: nodeRed, LOAD_SECONDS: seconds, LOAD_FIGURES_FILE: figuresFile },
  });
  if (result.status !== 0) failed++;
  if (!fs.existsSync(figuresFile)) continue;
  const figures = JSON.parse(fs.readFileSync(figuresFile, 'utf8'));
  fs.rmSync(figuresFile, { force: true });
  console.log(`soak figures on ${nodeRed}: ${figures.pushes} pushes, ${figures.delivered} events delivered in ${figures.seconds} s`
    + ` (${figures.eventsPerSecond} events/s), memory after GC grew by ${figures.memoryGrowthMB} MB`);
  if (figures.memoryGrowthMB >= MEMORY_LIMIT_MB) {
    console.log(`soak: memory grew by ${MEMORY_LIMIT_MB} MB or more: a leak?`);
    if (result.status === 0) failed++;
  }
}
console.log(failed === 0 ? '\nsoak passed' : `\nsoak failed on ${failed} Node-RED version(s)`);
process.exit(failed === 0 ? 0 : 1);
