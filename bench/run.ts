/**
 * `npm run bench`: the listener against a bare `http` server and Node-RED's own `http in`, with the
 * same bodies and load, each target in its own process and the load in another. Prints the tables
 * and writes them to bench/results.md.
 *
 * Options: --quick (1 s cells), --duration=<ms>, --targets=bare,node-red-http-in,this,
 * --workloads=xml-vmd,json-acs,mp-anpr,mp-acs,isc-100,upload-1mb, --connections=1,10,100,
 * --modes=keep-alive,close, --profile=<target> (a --cpu-prof profile of that target, per workload),
 * --images=none (the listener skips pictures), --no-write (print only), --no-stream (no alertStream row). Extra target: `core` (the
 * listener's push route without Node-RED).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startPlatformSimulator, type PlatformSimulator } from '../src/simulator/platform/platform-simulator';
import type { ConnectionMode, LoadResult } from './load-client';
import {
  baselineTable, checkTargets, machine, machineLine, targetsTable, workloadTable, type Cell, type WorkloadInfo,
} from './report';
import { EXTRA_TARGETS, HTTP_IN_XML_PATH, TARGETS, type LoadCommand, type LoadReply, type TargetArgs, type TargetCommand, type TargetKind, type TargetMessage, type TargetStats } from './protocol';
import { averageBodyBytes, buildWorkload, isWorkloadId, WORKLOAD_IDS, type WorkloadId } from './workloads';
import type { StreamDeviceCommand, StreamDeviceMessage } from './stream-device';
import type { EventKind } from '../src/simulator/push/event-kind';

interface Options {
  durationMs: number;
  warmupMs: number;
  targets: TargetKind[];
  workloads: WorkloadId[];
  connections: number[];
  modes: ConnectionMode[];
  profile: TargetKind | null;
  images: 'buffer' | 'none';
  write: boolean;
  /** Also measure the alertStream row (off with --no-stream). */
  stream: boolean;
}

const APP_KEY = '24681357';
const APP_SECRET = 'bench-secret-not-used-elsewhere';

function parseOptions(argv: string[]): Options {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const list = (name: string) => value(name)?.split(',').map((s) => s.trim()).filter(Boolean);
  const quick = argv.includes('--quick');
  const durationMs = Number(value('duration') ?? (quick ? 1000 : 4000));
  const targets = list('targets') ?? [...TARGETS];
  const workloads = list('workloads') ?? [...WORKLOAD_IDS];
  const known: readonly string[] = [...TARGETS, ...EXTRA_TARGETS];
  for (const t of targets) if (!known.includes(t)) throw new Error(`unknown target ${t}`);
  for (const w of workloads) if (!isWorkloadId(w)) throw new Error(`unknown workload ${w}`);
  const profile = value('profile');
  if (profile !== undefined && !known.includes(profile)) throw new Error(`unknown target ${profile}`);
  return {
    durationMs,
    warmupMs: quick ? 500 : 1500,
    targets: targets as TargetKind[],
    workloads: workloads as WorkloadId[],
    connections: (list('connections') ?? ['1', '10', '100']).map(Number),
    modes: (list('modes') ?? ['keep-alive', 'close']) as ConnectionMode[],
    profile: (profile ?? null) as TargetKind | null,
    images: value('images') === 'none' ? 'none' : 'buffer',
    write: !argv.includes('--no-write'),
    stream: !argv.includes('--no-stream'),
  };
}

/** The repository root: the nearest folder above the compiled bench that holds package.json. */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => { socket.destroy(); resolve(); });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > until) reject(new Error(`nothing listens on port ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A child process spoken to by request/answer over IPC, one request at a time. */
class Child<Request, Answer> {
  private waiting: ((answer: Answer) => void) | null = null;
  private readonly exited: Promise<void>;

  constructor(readonly process: ChildProcess, private readonly isAnswer: (message: unknown) => boolean) {
    process.on('message', (message: unknown) => {
      if (!this.isAnswer(message)) return;
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.(message as Answer);
    });
    this.exited = new Promise((resolve) => process.once('exit', () => resolve()));
  }

  ask(request: Request): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.process.send(request as object, (err) => { if (err) reject(err); });
    });
  }

  /** Disconnecting lets the child exit by itself (and write its CPU profile). */
  async stop(): Promise<void> {
    if (this.process.connected) this.process.disconnect();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

type TargetChild = Child<TargetCommand, TargetStats & { type: 'stats' }>;

async function startTarget(kind: TargetKind, args: TargetArgs, profileDir: string | null): Promise<TargetChild> {
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(path.join(__dirname, 'target.js'), [JSON.stringify(args)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: TargetMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(`target ${kind} failed to start: ${message.error}`));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`target ${kind} exited (${code})`)));
  });
  await waitForPort(args.pushPort, 15_000);
  if (kind === 'this' && args.platformPort !== null) await waitForPort(args.iscPort, 15_000);
  return new Child(child, (m) => (m as TargetMessage).type === 'stats');
}

/** Waits until the flow has counted `expected` events, or its count stops moving. */
async function settle(target: TargetChild, before: number, expected: number): Promise<TargetStats> {
  let last = await target.ask({ cmd: 'stats', resetPeak: false });
  let stableSince = Date.now();
  const until = Date.now() + 10_000;
  while (last.delivered - before < expected && Date.now() < until && Date.now() - stableSince < 1_000) {
    await sleep(50);
    const now = await target.ask({ cmd: 'stats', resetPeak: false });
    if (now.delivered !== last.delivered) stableSince = Date.now();
    last = now;
  }
  return last;
}

/** `bursts`: each connection sends one request, this many times over, instead of sending for a duration. */
interface Plan { mode: ConnectionMode; connections: number; bursts?: number }

/** Bursts of the upload run: 200 devices upload at once, three times. */
const UPLOAD_BURSTS = 3;

function plansFor(workload: WorkloadId, options: Options): Plan[] {
  if (workload === 'upload-1mb') {
    return [{ mode: 'keep-alive', connections: 200, bursts: UPLOAD_BURSTS }, { mode: 'keep-alive', connections: 200 }];
  }
  if (workload === 'isc-100') return options.connections.filter((c) => c <= 10).map((connections) => ({ mode: 'keep-alive', connections }));
  return options.modes.flatMap((mode) => options.connections.map((connections) => ({ mode, connections })));
}

/** One load, or `bursts` of one request per connection, summed (p50: their median, p99: the worst). */
async function runPlan(load: Child<LoadCommand, LoadReply>, command: LoadCommand, bursts: number | undefined): Promise<LoadResult> {
  if (bursts === undefined) {
    const reply = await load.ask(command);
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  }
  const results: LoadResult[] = [];
  for (let i = 0; i < bursts; i++) {
    const reply = await load.ask({ ...command, requestsPerConnection: 1 });
    if (!reply.ok) throw new Error(reply.error);
    results.push(reply.result);
  }
  const p50s = results.map((r) => r.p50).sort((a, b) => a - b);
  return {
    ok: results.reduce((n, r) => n + r.ok, 0),
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 5),
    elapsedMs: results.reduce((n, r) => n + r.elapsedMs, 0),
    p50: p50s[Math.floor(p50s.length / 2)],
    p99: Math.max(...results.map((r) => r.p99)),
    max: Math.max(...results.map((r) => r.max)),
    bytesSent: results.reduce((n, r) => n + r.bytesSent, 0),
  };
}

function describeLoad(result: LoadResult): string {
  return result.errors > 0 ? `, ${result.errors} errors (${result.errorSamples.join('; ')})` : '';
}

/** The alertStream row: one stream from a simulated device at full speed into the alert-stream node. */
interface StreamRow { workload: WorkloadId; kind: EventKind; eventsPerSec: number; delivered: number; sent: number }

const STREAM_WORKLOADS: { workload: WorkloadId; kind: EventKind }[] = [{ workload: 'xml-vmd', kind: 'vmd' }, { workload: 'mp-anpr', kind: 'anpr' }];

async function measureAlertStream(options: Options): Promise<StreamRow[]> {
  const device = fork(path.join(__dirname, 'stream-device.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T extends StreamDeviceMessage['type']>(type: T) => new Promise<Extract<StreamDeviceMessage, { type: T }>>((resolve) => {
    const on = (message: StreamDeviceMessage) => {
      if (message.type !== type) return;
      device.off('message', on);
      resolve(message as Extract<StreamDeviceMessage, { type: T }>);
    };
    device.on('message', on);
  });
  const ask = async <T extends StreamDeviceMessage['type']>(command: StreamDeviceCommand, type: T) => {
    const answer = next(type);
    device.send(command);
    return answer;
  };
  const rows: StreamRow[] = [];
  try {
    const { port } = await next('ready');
    for (const { workload, kind } of STREAM_WORKLOADS) {
      const args: TargetArgs = {
        kind: 'this', pushPort: await freePort(), iscPort: await freePort(), platformPort: null, appKey: APP_KEY, appSecret: APP_SECRET,
        images: options.images, streamPort: port,
      };
      const child = await startTarget('this', args, null);
      try {
        const until = Date.now() + 15_000;
        while ((await ask({ cmd: 'open' }, 'open')).streams < 1) {
          if (Date.now() > until) throw new Error('the alert-stream node did not open the stream');
          await sleep(50);
        }
        await ask({ cmd: 'emit', kind, durationMs: options.warmupMs }, 'emitted');
        const before = await settle(child, 0, Number.MAX_SAFE_INTEGER);
        const emitted = await ask({ cmd: 'emit', kind, durationMs: options.durationMs }, 'emitted');
        const after = await settle(child, before.delivered, emitted.events);
        const delivered = after.delivered - before.delivered;
        rows.push({ workload, kind, eventsPerSec: delivered / (emitted.elapsedMs / 1000), delivered, sent: emitted.events });
        console.log(`  alertStream      ${workload.padEnd(10)} one stream:  ${Math.round(delivered / (emitted.elapsedMs / 1000)).toLocaleString('en-US').padStart(8)} ev/s, delivered ${delivered}/${emitted.events}`);
      } finally {
        await child.stop();
      }
    }
  } finally {
    if (device.connected) device.disconnect();
  }
  return rows;
}

function streamTable(rows: StreamRow[], cells: Cell[]): string {
  const push = (workload: WorkloadId) => cells.find((c) => c.target === 'this' && c.workload === workload && c.mode === 'keep-alive' && c.connections === 1)?.eventsPerSec;
  const fmt = (n: number | undefined) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
  return [
    '| workload | alertStream: one stream, simulator at full speed (ev/s) | delivered / sent | listener push, keep-alive, 1 connection (ev/s) |',
    '|---|--:|--:|--:|',
    ...rows.map((r) => `| ${r.workload} | ${fmt(r.eventsPerSec)} | ${r.delivered.toLocaleString('en-US')} / ${r.sent.toLocaleString('en-US')} | ${fmt(push(r.workload))} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = repoRoot();
  const host = machine();
  const started = new Date();
  console.log(`bench: ${machineLine(host)}`);
  console.log(`bench: ${options.durationMs} ms per cell; targets ${options.targets.join(', ')}`);
  const profileDir = options.profile ? path.join(root, '.build', 'bench-profiles') : null;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });

  const infos: WorkloadInfo[] = options.workloads.map((id) => {
    const w = buildWorkload(id);
    return { id, label: w.label, bodyBytes: averageBodyBytes(w), eventsPerRequest: w.eventsPerRequest };
  });
  const needsPlatform = options.targets.includes('this') && options.workloads.includes('isc-100');
  const platform: PlatformSimulator | null = needsPlatform
    ? await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, host: '127.0.0.1' })
    : null;
  const load = new Child<LoadCommand, LoadReply>(
    fork(path.join(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    () => true,
  );

  const cells: Cell[] = [];
  let streamRows: StreamRow[] = [];
  /** Each target's RSS right after it started, before any load. */
  const idleRss = new Map<TargetKind, number>();
  try {
    for (const target of options.targets) {
      for (const info of infos) {
        const args: TargetArgs = {
          kind: target,
          pushPort: await freePort(),
          iscPort: await freePort(),
          platformPort: platform?.port ?? null,
          appKey: APP_KEY,
          appSecret: APP_SECRET,
          images: options.images,
        };
        // bare and http-in take every path on one port
        const port = info.id === 'isc-100' && target === 'this' ? args.iscPort : args.pushPort;
        const loadPath = target === 'node-red-http-in' && info.id === 'xml-vmd' ? HTTP_IN_XML_PATH : undefined;
        const child = await startTarget(target, args, options.profile === target ? profileDir : null);
        try {
          if (!idleRss.has(target)) idleRss.set(target, (await child.ask({ cmd: 'stats', resetPeak: false })).rss);
          const perEvent = target === 'bare' ? 1 : info.eventsPerRequest;
          const warm = await load.ask({ port, path: loadPath, workload: info.id, connections: 10, mode: 'keep-alive', durationMs: options.warmupMs });
          if (!warm.ok) throw new Error(warm.error);
          let before = await settle(child, 0, warm.result.ok * perEvent);
          for (const plan of plansFor(info.id, options)) {
            await child.ask({ cmd: 'stats', resetPeak: true });
            const result = await runPlan(load, { port, path: loadPath, workload: info.id, connections: plan.connections, mode: plan.mode, durationMs: options.durationMs }, plan.bursts);
            const answered = result.ok * perEvent;
            const after = await settle(child, before.delivered, answered);
            const cell: Cell = {
              target,
              workload: info.id,
              mode: plan.bursts !== undefined ? `burst ×${plan.bursts}` : plan.mode,
              connections: plan.connections,
              eventsPerSec: (result.ok * info.eventsPerRequest) / (result.elapsedMs / 1000),
              p50: result.p50,
              p99: result.p99,
              cpuPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.ok + result.non2xx),
              peakRssBytes: after.peakRss,
              delivered: after.delivered - before.delivered,
              answered,
              non2xx: result.non2xx,
              errors: result.errors,
              errorSamples: result.errorSamples,
            };
            cells.push(cell);
            before = after;
            console.log(`  ${target.padEnd(16)} ${info.id.padEnd(10)} ${cell.mode.padEnd(10)} ${String(plan.connections).padStart(3)} conns: `
              + `${Math.round(cell.eventsPerSec).toLocaleString('en-US').padStart(8)} ev/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, `
              + `CPU ${cell.cpuPerRequest.toFixed(1)} µs/request, `
              + `peak RSS ${Math.round(cell.peakRssBytes / 2 ** 20)} MB, delivered ${cell.delivered}/${answered}`
              + `${result.non2xx > 0 ? `, ${result.non2xx} non-2xx` : ''}${describeLoad(result)}`);
          }
          const final = await child.ask({ cmd: 'stats', resetPeak: false });
          if (final.problems > 0) console.log(`  ${target}: ${final.problems} Node-RED warnings/errors, e.g. ${final.problemSamples.join(' | ')}`);
        } finally {
          await child.stop();
        }
      }
    }
    if (options.stream) streamRows = await measureAlertStream(options);
  } finally {
    await load.stop();
    await platform?.close();
  }

  const checks = checkTargets(cells, idleRss);
  const sections = [
    `# Listener benchmark`,
    '',
    `Run ${started.toISOString()} on ${machineLine(host)}; load average at the end ${machine().loadAverage}.`,
    `${options.durationMs / 1000} s per cell after a warm-up; load from a separate process on 127.0.0.1 (the load process`,
    'and the target share the 2 cores); every target in its own process, restarted for each workload.',
    '',
    '- `bare`: a plain `http` server that reads the whole body and answers 200.',
    '- `http-in`: Node-RED 4.1 `http in` (POST, file uploads on) → a `function` that finds the event (JSON.parse, regular',
    '  expressions for XML fields, pictures from `msg.req.files`) → `http response` 200. Bare XML goes to a second `http in`',
    '  without uploads: with uploads on, Node-RED hands a non-multipart, non-JSON body over as `{}`.',
    `- \`this\`: \`hikvision-listener\` (pictures ${options.images === 'none' ? 'skipped' : 'kept'}) and \`hikvision-isc-subscribe\` in the same Node-RED.`,
    '- Every flow ends in a node that counts the messages reaching it: delivered/answered = events counted there /',
    '  events in the requests answered 2xx (bare: bodies read). ev/s = events answered 2xx per second.',
    '- CPU µs/request: the target\'s CPU time per request. On one machine it includes the kernel\'s loopback work for',
    '  the client (waking it up costs the sender most when the server, not the client, is the bottleneck).',
    '- Upload run: 200 connections each upload one ~1 MB ANPR body at once (`burst ×3`: three such bursts), and',
    `  200 connections uploading without pause for ${options.durationMs / 1000} s.`,
    '',
    '## Goals (issue 8)',
    '',
    targetsTable(checks),
    '',
    '## Against the issue\'s figures',
    '',
    baselineTable(cells),
    '',
    ...(streamRows.length > 0 ? [
      '## alertStream (pull) beside push',
      '',
      'One `hikvision-alert-stream` node reading one alertStream from the device simulator (another process) writing',
      `events as fast as the node takes them, for ${options.durationMs / 1000} s; beside it the listener's rate for the same event pushed`,
      'over one keep-alive connection.',
      '',
      streamTable(streamRows, cells),
      '',
    ] : []),
    '## All cells',
    '',
    ...infos.map((info) => `${workloadTable(info, cells, options.targets)}\n`),
  ];
  const text = sections.join('\n');
  console.log(`\n${text}`);
  if (options.write) {
    const file = path.join(root, 'bench', 'results.md');
    fs.writeFileSync(file, `${text}\n`);
    console.log(`bench: written to ${path.relative(process.cwd(), file) || file}`);
  }
  if (profileDir) console.log(`bench: CPU profiles in ${profileDir}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
