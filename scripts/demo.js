#!/usr/bin/env node
// `npm run demo`: Node-RED with this package and its simulator demo flow, a simulated camera that
// the flow's httpHosts node points at the listener, and a simulated iSC platform the flow
// subscribes to. Open the editor and watch the Debug sidebar. Ctrl+C stops everything.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { demoFlow } = require('./demo-flow');

const root = path.resolve(__dirname, '..');
// Every port and the user directory can be moved by the environment, so that a test (or a second
// demo) runs beside this one. DEMO_USER_DIR is wiped at start: give it a directory of its own.
const userDir = path.resolve(process.env.DEMO_USER_DIR || path.join(root, '.demo'));
const ports = {
  editor: Number(process.env.DEMO_EDITOR_PORT || 1880),
  device: Number(process.env.DEMO_DEVICE_PORT || 8080),
  platform: Number(process.env.DEMO_PLATFORM_PORT || 8443),
  listener: Number(process.env.DEMO_LISTENER_PORT || 8088),
  callback: Number(process.env.DEMO_CALLBACK_PORT || 8089),
};
const device = { username: 'admin', password: 'demo-Passw0rd' };
const platform = { appKey: 'demo-app-key', appSecret: 'demo-app-secret' };

if (!fs.existsSync(path.join(root, 'dist', 'src', 'nodes', 'hikvision-listener.js'))) {
  execFileSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit', cwd: root });
}

// A user directory where the package is installed as a module (translations and locale help load
// only for installed packages), the example flow as the flow file, and its credentials.
fs.rmSync(userDir, { recursive: true, force: true });
fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
fs.symlinkSync(root, path.join(userDir, 'node_modules', 'node-red-contrib-hikvision-events'), 'dir');
fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({
  name: 'hikvision-demo', private: true, dependencies: { 'node-red-contrib-hikvision-events': '*' },
}, null, 2));
fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = {
  flowFile: 'flows.json',
  credentialSecret: false, // the demo's made-up credentials sit in plain text in flows_cred.json
  uiHost: '127.0.0.1',
  telemetry: { enabled: false },
  editorTheme: { tours: false },
  logging: { console: { level: 'info' } },
};
`);

// The demo flow: the "simulator demo" and "iSC door events" examples on their own tabs, pointed
// at the simulators, plus an httpHosts node that points the simulated camera at the listener.
const { flow, credentials } = demoFlow({ root, ports, device, platform });
fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow, null, 2));
fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials, null, 2));

const children = [];
function start(name, args) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (line) => line && console.log(`[${name}] ${line}`);
  child.stdout.on('data', (d) => String(d).split('\n').forEach(prefix));
  child.stderr.on('data', (d) => String(d).split('\n').forEach(prefix));
  child.on('exit', (code) => {
    console.log(`[${name}] exited (${code})`);
    if (!stopping) stop(1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const sim = path.join(root, 'dist', 'src', 'simulator', 'cli.js');
start('camera', [sim, '--port', String(ports.device), '--user', device.username, '--password', device.password,
  '--rate', '0.5', '--kinds', 'vmd,linedetection,anpr,acs,io', '--stored', '2']);
start('iSC', [sim, 'platform', '--http', '--port', String(ports.platform), '--app-key', platform.appKey,
  '--app-secret', platform.appSecret, '--interval', '10']);
start('node-red', [require.resolve('node-red/red.js'), '--userDir', userDir, '--port', String(ports.editor)]);

console.log(`\nOpen http://127.0.0.1:${ports.editor}/ and the Debug sidebar: the httpHosts node points the`);
console.log(`simulated camera (127.0.0.1:${ports.device}) at the listener, then its events arrive. Ctrl+C stops.\n`);
