#!/usr/bin/env node
// Compiles the TypeScript and lays the editor files (HTML, locales, icons) beside the built node
// files, where Node-RED looks for them. tsc copies none of these itself.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// Two type-checked passes, each failing the build on a type error without writing output
// (noEmitOnError): tsconfig.build.json compiles the runtime code (src/) alone, without mocha's
// globals in scope; tsconfig.json then compiles the tests and benchmarks beside it.
// `--package` stops after the first pass (what npm pack ships; `prepare` uses it).
// `--out DIR` builds elsewhere (inside the repo, so node_modules resolve) and keeps going past type
// errors: several people can then build and test their part of the tree at the same time.
const outArg = process.argv.indexOf('--out');
const dev = outArg !== -1;
const packageOnly = process.argv.includes('--package');
const outRoot = dev ? path.resolve(root, process.argv[outArg + 1]) : path.join(root, 'dist');
const out = path.join(outRoot, 'src', 'nodes');
const configs = packageOnly ? ['tsconfig.build.json'] : ['tsconfig.build.json', 'tsconfig.json'];

// The package test packs the dist/ the tests run from; `prepare` rebuilding it there would pull the
// tests out from under the run (some npm versions run prepare on pack despite --ignore-scripts).
if (packageOnly && process.env.HIK_PACK_KEEP_DIST === '1' && fs.existsSync(path.join(outRoot, 'src', 'index.js'))) {
  console.error('build: HIK_PACK_KEEP_DIST=1, dist/ kept as built'); // stderr: npm pack --json owns stdout
  process.exit(0);
}

fs.rmSync(outRoot, { recursive: true, force: true });
for (const config of configs) {
  const args = [require.resolve('typescript/bin/tsc'), '-p', path.join(root, config), '--outDir', outRoot];
  if (dev) args.push('--noEmitOnError', 'false');
  try {
    execFileSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  } catch {
    if (!dev) {
      console.error(`build: type errors above (${config}); nothing more was written`);
      process.exit(1);
    }
    console.error(`build: type errors above (${config}); files were emitted anyway (--out)`);
  }
}

fs.mkdirSync(out, { recursive: true });
for (const entry of fs.readdirSync(path.join(root, 'nodes'))) {
  fs.cpSync(path.join(root, 'nodes', entry), path.join(out, entry), { recursive: true });
}
fs.cpSync(path.join(root, 'icons'), path.join(out, 'icons'), { recursive: true });
const cli = path.join(outRoot, 'src', 'simulator', 'cli.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
