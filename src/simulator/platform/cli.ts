/**
 * `hikvision-sim platform …`: runs the simulated iSC / HikCentral gateway and pushes events to
 * whoever subscribes, until interrupted. The device simulator's CLI dispatches here.
 */
import { parseArgs } from 'node:util';
import { startPlatformSimulator } from './platform-simulator';
import { SIMULATED_EVENT_KINDS, SIMULATED_EVENT_CODES, type SimulatedEventKind } from './simulated-events';

export const PLATFORM_USAGE = `Usage: hikvision-sim platform [options]

Runs a simulated iSC / HikCentral OpenAPI (Artemis) gateway that checks signatures, stores event
subscriptions and pushes OnEventNotify events to every subscriber's callback.

Options:
  --port <n>          port to listen on (default 8443; 0 = any free port)
  --host <address>    address to bind (default 127.0.0.1; 0.0.0.0 for every address)
  --http              plain HTTP instead of HTTPS (HTTPS uses a self-signed certificate)
  --app-key <key>     partner appKey the gateway accepts (default sim-app-key)
  --app-secret <s>    partner appSecret (default sim-app-secret)
  --push <kinds>      comma-separated kinds to push: ${SIMULATED_EVENT_KINDS.join(',')} (default all)
  --interval <s>      seconds between pushes (default 5; 0 = subscribe only, never push)
  --count <n>         occurrences of each kind per push (default 1)
  --per-post <n>      events per POST, 1-50 (default 50)
  -h, --help          this text

Event codes: ${SIMULATED_EVENT_KINDS.map((kind) => `${kind} ${SIMULATED_EVENT_CODES[kind]}`).join(', ')}
(linkage events are subscribed by their original type with subType 1 or 2).
`;

export interface PlatformCliOptions {
  port: number;
  host: string;
  https: boolean;
  appKey: string;
  appSecret: string;
  kinds: SimulatedEventKind[];
  intervalSeconds: number;
  count: number;
  perPost: number;
  help: boolean;
}

function toNumber(text: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return value;
}

/** Reads the command line (with or without the leading `platform`); throws on bad options. */
export function parsePlatformArgs(argv: readonly string[]): PlatformCliOptions {
  const args = argv[0] === 'platform' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      http: { type: 'boolean' },
      'app-key': { type: 'string' },
      'app-secret': { type: 'string' },
      push: { type: 'string' },
      interval: { type: 'string' },
      count: { type: 'string' },
      'per-post': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const kinds = (values.push ?? SIMULATED_EVENT_KINDS.join(','))
    .split(',').map((kind) => kind.trim()).filter(Boolean);
  const unknown = kinds.filter((kind) => !(SIMULATED_EVENT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new Error(`unknown event kind(s): ${unknown.join(', ')} (known: ${SIMULATED_EVENT_KINDS.join(', ')})`);
  return {
    port: toNumber(values.port, 8443, 'port', 0, 65535),
    host: values.host ?? '127.0.0.1',
    https: values.http !== true,
    appKey: values['app-key'] ?? 'sim-app-key',
    appSecret: values['app-secret'] ?? 'sim-app-secret',
    kinds: kinds as SimulatedEventKind[],
    intervalSeconds: toNumber(values.interval, 5, 'interval', 0, 86400),
    count: toNumber(values.count, 1, 'count', 1, 1000),
    perPost: toNumber(values['per-post'], 50, 'per-post', 1, 50),
    help: values.help === true,
  };
}

/**
 * Runs until SIGINT/SIGTERM. Resolves with the exit code (2: bad options), which it also sets as
 * `process.exitCode` for callers that ignore it.
 */
export async function main(argv: string[]): Promise<number> {
  let options: PlatformCliOptions;
  try {
    options = parsePlatformArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${PLATFORM_USAGE}`);
    process.exitCode = 2;
    return 2;
  }
  if (options.help) {
    process.stdout.write(PLATFORM_USAGE);
    return 0;
  }
  const simulator = await startPlatformSimulator({
    port: options.port, host: options.host, https: options.https, appKey: options.appKey, appSecret: options.appSecret,
  });
  const defaults = options.appKey === 'sim-app-key' && options.appSecret === 'sim-app-secret';
  process.stdout.write(`iSC platform simulator at ${simulator.url}/artemis (appKey ${options.appKey}${defaults ? ', appSecret sim-app-secret' : ''})\n`);
  if (options.https) process.stdout.write('HTTPS with a self-signed certificate: turn certificate verification off in the client\n');

  let lastSubscriptions = '[]';
  const tick = async () => {
    const subscriptions = JSON.stringify(simulator.subscriptions());
    if (subscriptions !== lastSubscriptions) {
      lastSubscriptions = subscriptions;
      process.stdout.write(`subscriptions: ${subscriptions}\n`);
    }
    if (options.intervalSeconds === 0 || subscriptions === '[]') return;
    const report = await simulator.pushEvents({ kinds: options.kinds, count: options.count, perPost: options.perPost });
    if (report.posts.length > 0) {
      const failures = report.posts.filter((post) => post.status !== 200)
        .map((post) => `${post.eventDest}: ${post.error ?? `HTTP ${post.status ?? '?'}`}`);
      process.stdout.write(`pushed ${report.delivered} event(s) in ${report.posts.length} POST(s)${failures.length ? `; failed: ${[...new Set(failures)].join('; ')}` : ''}\n`);
    }
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick().catch((err: unknown) => process.stderr.write(`push failed: ${String(err)}\n`)).finally(() => { running = false; });
  }, Math.max(1, options.intervalSeconds || 1) * 1000);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  clearInterval(timer);
  await simulator.close();
  process.stdout.write('platform simulator stopped\n');
  return 0;
}
