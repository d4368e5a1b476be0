#!/usr/bin/env node
// The long run of the load test: 50 simulated devices pushing into a listener for 60 s (LOAD_SECONDS
// overrides), on Node-RED 4.1 and on 5.0, checking that every event answered 200 reaches the flow
// exactly once and that memory stays flat. Runs the built tests: `npm run build` first, or pass
// `--out DIR` for a build made with `node scripts/build.js --out DIR`.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outArg = process.argv.indexOf('--out');
const built = outArg !== -1 ? path.resolve(root, process.argv[outArg + 1]) : path.join(root, 'dist');
const spec = path.join(built, 'test', 'nodes', 'robustness-load.test.js');
const mocha = require.resolve('mocha/bin/mocha.js');
const seconds = process.env.LOAD_SECONDS ?? '60';

let failed = 0;
for (const nodeRed of ['node-red', 'node-red-5']) {
  console.log(`\n=== soak: ${seconds} s on ${nodeRed}`);
  const result = spawnSync(process.execPath, [mocha, '--timeout', '20000', '--exit', spec], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_RED_PACKAGE: nodeRed, LOAD_SECONDS: seconds },
  });
  if (result.status !== 0) failed++;
}
console.log(failed === 0 ? '\nsoak passed' : `\nsoak failed on ${failed} Node-RED version(s)`);
process.exit(failed === 0 ? 0 : 1);
