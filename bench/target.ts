/**
 * One target of the bench, alone in its process so its memory is its own:
 * - `bare`: a plain `http` server that reads each body whole and answers 200;
 * - `node-red-http-in`: embedded Node-RED 4.1 with `http in` (uploads on) → a parsing `function` →
 *   `http response`, events into a counter;
 * - `this`: the same Node-RED with `hikvision-listener` (and `hikvision-isc-subscribe`) into the counter.
 * The orchestrator talks to it over IPC: `ready` with the ports, then `stats` on request (events
 * delivered, RSS now and at its peak since the last reset).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { delivered, COUNT_SINK_HTML } from './count-sink';
import { httpInFlow, packageFlow, type FlowNode } from './flows';
import { STREAM_DEVICE_PASSWORD, type TargetArgs, type TargetCommand, type TargetMessage, type TargetStats } from './protocol';
import { portRegistry } from '../src/server/port-registry';
import { PushRoute } from '../src/server/push-route';

const problems = { count: 0, samples: [] as string[] };
let peakRss = process.memoryUsage.rss();

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function samplePeak(): void {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
}

function startBare(port: number): Promise<void> {
  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      Buffer.concat(chunks);
      delivered.events++;
      res.writeHead(200, { 'Content-Length': '0' }).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** The listener's shared server and push route as the node sets them up, events counted by a plain subscriber. */
async function startCore(port: number, images: boolean): Promise<void> {
  const settings = { port, bind: '127.0.0.1', auth: { mode: 'none' as const, username: '', password: '' }, allow: [] };
  const server = portRegistry.server({ port, bind: settings.bind });
  const lease = server.use(null, 'Hikvision listener', () => new PushRoute(settings));
  lease.route.subscribe({
    images,
    onEvents: (events) => { delivered.events += events.length; },
    onError: (error) => { problems.count++; if (problems.samples.length < 5) problems.samples.push(error.message); },
    onRejected: () => { problems.count++; },
  });
  await server.ready();
}

/** Node-RED's package, resolved from the repository (the bench runs from dist/ or .build/). */
interface NodeRedRuntime {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  httpNode: http.RequestListener;
}

async function startNodeRed(args: TargetArgs): Promise<void> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hik-bench-'));
  process.on('exit', () => fs.rmSync(userDir, { recursive: true, force: true }));
  // the counting node, loaded by Node-RED from the user directory's nodes/ like any local node
  const nodesDir = path.join(userDir, 'nodes');
  fs.mkdirSync(nodesDir);
  fs.writeFileSync(path.join(nodesDir, 'bench-count.js'), `module.exports = require(${JSON.stringify(path.join(__dirname, 'count-sink.js'))}).default;\n`);
  fs.writeFileSync(path.join(nodesDir, 'bench-count.html'), COUNT_SINK_HTML);

  let flow: FlowNode[];
  let credentials: Record<string, Record<string, string>> = {};
  if (args.kind === 'this') {
    flow = packageFlow({ pushPort: args.pushPort, iscPort: args.iscPort, platformPort: args.platformPort, appKey: args.appKey, images: args.images, streamPort: args.streamPort });
    credentials = { isc: { appKey: args.appKey, appSecret: args.appSecret }, device: { username: 'admin', password: STREAM_DEVICE_PASSWORD } };
  } else {
    flow = httpInFlow();
  }
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials));

  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Node-RED is CommonJS; its typings want settings the embedded runtime does not need
  const RED = require('node-red') as NodeRedRuntime;
  // `this` takes pushes on the listener's own port: Node-RED's web server is not needed there
  const ownServer = args.kind === 'node-red-http-in';
  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => { RED.httpNode(req, res); });
  const logHandler = () => (entry: { level: number; msg?: unknown; id?: string }) => {
    // 20 error, 30 warn (Node-RED's levels) from a node of the flow; the runtime's own notices are not counted
    if (entry.level > 30 || entry.id === undefined) return;
    problems.count++;
    if (problems.samples.length < 5) problems.samples.push(String(entry.msg).slice(0, 200));
  };
  RED.init(server, {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: ownServer ? '/' : false,
    // includes the package's node files (the bench's own build), found beside the bench
    nodesDir: args.kind === 'this' ? [path.join(__dirname, '..', 'src', 'nodes')] : [],
    logging: { console: { level: 'off', metrics: false, audit: false }, bench: { level: 'warn', metrics: false, audit: false, handler: logHandler } },
    editorTheme: { tours: false },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
  });
  await RED.start();
  if (!ownServer) return;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(args.pushPort, '127.0.0.1', () => resolve());
  });
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as TargetArgs;
  setInterval(samplePeak, 20).unref();
  if (args.kind === 'bare') await startBare(args.pushPort);
  else if (args.kind === 'core') await startCore(args.pushPort, args.images !== 'none');
  else await startNodeRed(args);
  process.on('message', (command: TargetCommand) => {
    samplePeak();
    const stats: TargetStats = {
      delivered: delivered.events,
      rss: process.memoryUsage.rss(),
      peakRss,
      cpuMicros: cpuMicros(),
      problems: problems.count,
      problemSamples: problems.samples,
    };
    if (command.resetPeak) peakRss = stats.rss;
    process.send?.({ type: 'stats', ...stats } satisfies TargetMessage);
  });
  process.on('disconnect', () => process.exit(0));
  // what Node-RED says while starting (projects disabled, unencrypted credentials) is not the bench's business
  problems.count = 0;
  problems.samples = [];
  process.send?.({ type: 'ready' } satisfies TargetMessage);
}

main().catch((err: unknown) => {
  const error = err instanceof Error ? err.stack ?? err.message : String(err);
  console.error(`bench target: ${error}`);
  process.send?.({ type: 'failed', error } satisfies TargetMessage, () => process.exit(1));
});
