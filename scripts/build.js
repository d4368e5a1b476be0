#!/usr/bin/env node
// Compiles the TypeScript and lays the editor files (HTML, locales, icons) beside the built node
// files, where Node-RED looks for them. tsc copies none of these itself.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// `--out DIR` builds elsewhere (inside the repo, so node_modules resolve) and keeps going past type
// errors: several people can then build and test their part of the tree at the same time.
const outArg = process.argv.indexOf('--out');
const dev = outArg !== -1;
const outRoot = dev ? path.resolve(root, process.argv[outArg + 1]) : path.join(root, 'dist');
const out = path.join(outRoot, 'src', 'nodes');

fs.rmSync(outRoot, { recursive: true, force: true });
try {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--outDir', outRoot],
    { stdio: 'inherit', cwd: root },
  );
} catch (err) {
  if (!dev) throw err;
  console.error('build: type errors above; files were emitted anyway (--out)');
}

fs.mkdirSync(out, { recursive: true });
for (const entry of fs.readdirSync(path.join(root, 'nodes'))) {
  fs.cpSync(path.join(root, 'nodes', entry), path.join(out, entry), { recursive: true });
}
fs.cpSync(path.join(root, 'icons'), path.join(out, 'icons'), { recursive: true });
const cli = path.join(outRoot, 'src', 'simulator', 'cli.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
