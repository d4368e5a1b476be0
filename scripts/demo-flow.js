// The flow file of `npm run demo`: the "simulator demo" and "iSC door events" examples, each on
// its own tab as the example files carry it, pointed at the simulators, plus a row on the
// simulator tab with an httpHosts node that points the simulated camera at the listener on
// deploy, and a comment on each tab saying what the demo runs. Kept apart from demo.js so the
// layout test can check the demo's flow as it checks the examples.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES = ['simulator demo', 'iSC door events to filter and debug'];

function readExample(root, name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'examples', `${name}.json`), 'utf8'));
}

/** The lowest free row below a tab's nodes (y of box centres, 20 px grid). */
function rowBelow(flow, tab) {
  const ys = flow.filter((n) => n.z === tab && typeof n.y === 'number').map((n) => n.y);
  return Math.ceil((Math.max(...ys) + 80) / 20) * 20;
}

/**
 * @param {{ root: string, ports: { device: number, platform: number, listener: number, callback: number },
 *   device: { username: string, password: string }, platform: { appKey: string, appSecret: string } }} options
 */
function demoFlow({ root, ports, device, platform }) {
  const flow = EXAMPLES.flatMap((name) => readExample(root, name));
  const credentials = {};
  for (const node of flow) {
    if (node.type === 'hikvision-config') {
      Object.assign(node, { host: '127.0.0.1', port: ports.device, protocol: 'http', listenPort: ports.listener });
      credentials[node.id] = { ...device };
    } else if (node.type === 'hikvision-isc') {
      Object.assign(node, { host: '127.0.0.1', port: ports.platform, protocol: 'http' });
      credentials[node.id] = { ...platform };
    } else if (node.type === 'hikvision-isc-subscribe') {
      // The platform simulator runs here: call back on loopback, not on this machine's LAN address.
      node.listenPort = ports.callback;
      node.callbackUrl = `http://127.0.0.1:${ports.callback}${node.path}`;
    }
  }

  const listener = flow.find((n) => n.type === 'hikvision-listener');
  const simTab = listener.z;
  const simRow = rowBelow(flow, simTab);
  flow.push(
    {
      id: 'demo-sim-note', type: 'comment', z: simTab,
      name: 'npm run demo: on deploy, httpHosts points the simulated camera at this listener',
      info: `\`npm run demo\` runs the device simulator as a camera on 127.0.0.1:${ports.device} (user ${device.username}).\n`
        + `When the flow is deployed, "point the camera here" writes one of the camera's HTTP listening\n`
        + `slots (httpHosts) with the listener's address, port ${ports.listener} and path ${listener.path};\n`
        + '"camera slots" shows what the camera reported back. From then on the camera pushes its events\n'
        + 'to the listener above: nothing to start by hand.',
      x: 340, y: simRow, wires: [],
    },
    {
      id: 'demo-httphosts', type: 'hikvision-httphosts', z: simTab, name: 'point the camera here',
      config: listener.config, action: 'set', slot: 'auto', format: 'auto', url: listener.path,
      host: '127.0.0.1', port: '', protocolType: 'auto', parameterFormatType: '', httpAuthenticationMethod: 'auto',
      onDeploy: true, x: 150, y: simRow + 60, wires: [['demo-httphosts-result']],
    },
    {
      id: 'demo-httphosts-result', type: 'debug', z: simTab, name: 'camera slots', active: true,
      tosidebar: true, console: false, tostatus: false, complete: 'payload', targetType: 'msg',
      x: 400, y: simRow + 60, wires: [],
    },
  );

  const subscribe = flow.find((n) => n.type === 'hikvision-isc-subscribe');
  flow.push({
    id: 'demo-isc-note', type: 'comment', z: subscribe.z,
    name: 'npm run demo: "iSC platform" is the simulated platform, pushing every 10 s',
    info: `\`npm run demo\` runs the platform simulator on 127.0.0.1:${ports.platform} (plain HTTP) and has\n`
      + 'filled in its AppKey and AppSecret. On deploy the subscribe node subscribes with the callback URL\n'
      + `http://127.0.0.1:${ports.callback}${subscribe.path}; the simulator then pushes events every 10 s, and\n`
      + 'the door events among them reach "door events". Press "view subscriptions" to see what it stored.',
    x: 330, y: rowBelow(flow, subscribe.z), wires: [],
  });

  const tabs = new Set(flow.filter((n) => n.type === 'tab').map((n) => n.id));
  const stray = flow.filter((n) => n.z !== undefined && !tabs.has(n.z));
  if (stray.length > 0) throw new Error(`demo flow: ${stray.map((n) => n.id).join(', ')} on a tab missing from the flow`);
  return { flow, credentials };
}

module.exports = { demoFlow, DEMO_EXAMPLES: EXAMPLES };
