#!/usr/bin/env node
// Runs every test group with mocha and ends with one line "N passed, N failed, N skipped".
// The node tests run twice: on Node-RED 4.1 (what CLI users on Node 20 have) and on 5.0 (embedded).
// `package` packs the package, installs the tarball into a fresh Node-RED 4.1 and checks what it serves.
// --forbid-only: a stray `.only` fails the run instead of quietly running one test.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const mocha = require.resolve('mocha/bin/mocha.js');
const only = process.argv[2];

const groups = [
  { name: 'core', spec: 'dist/test/unit/**/*.test.js', env: {} },
  { name: 'nodes on Node-RED 4', spec: 'dist/test/nodes/**/*.test.js', env: { NODE_RED_PACKAGE: 'node-red' } },
  { name: 'nodes on Node-RED 5', spec: 'dist/test/nodes/**/*.test.js', env: { NODE_RED_PACKAGE: 'node-red-5' } },
  { name: 'browser', spec: 'dist/test/browser/**/*.test.js', env: {} },
  { name: 'package', spec: 'dist/test/package/**/*.test.js', env: {} },
];

const total = { passes: 0, failures: 0, pending: 0 };
let failedGroups = 0;
for (const group of groups) {
  if (only && !group.name.startsWith(only)) continue;
  const countsFile = path.join(os.tmpdir(), `hik-test-counts-${process.pid}-${group.name.replace(/\W+/g, '-')}.json`);
  fs.rmSync(countsFile, { force: true });
  console.log(`\n=== ${group.name}`);
  const result = spawnSync(
    process.execPath,
    [mocha, '--forbid-only', '--reporter', path.join(__dirname, 'mocha-reporter.js'), '--timeout', '20000', '--exit', group.spec],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...group.env, TEST_COUNTS_FILE: countsFile } },
  );
  let counts = { passes: 0, failures: 1, pending: 0 };
  if (fs.existsSync(countsFile)) counts = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
  fs.rmSync(countsFile, { force: true });
  if (result.status !== 0 && counts.failures === 0) counts.failures = 1; // a crash outside any test
  if (counts.failures > 0) failedGroups++;
  for (const key of Object.keys(total)) total[key] += counts[key];
}
console.log(`\n${total.passes} passed, ${total.failures} failed, ${total.pending} skipped`);
process.exit(failedGroups > 0 ? 1 : 0);
