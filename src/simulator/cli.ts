#!/usr/bin/env node
/**
 * `hikvision-sim`: a simulated Hikvision device for demos and tests, printing what it does as it
 * does it. `hikvision-sim platform …` hands over to the platform (iSC) simulator when present.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliUsageError, parseCli, USAGE } from './cli-args';
import { startDeviceSimulator } from './device/device-simulator';

interface PlatformCli {
  main?: (argv: string[]) => unknown;
}

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

async function runPlatform(argv: string[]): Promise<number> {
  const file = path.join(__dirname, 'platform', 'cli.js');
  if (!existsSync(file)) {
    console.error('hikvision-sim: the platform simulator is not part of this build');
    return 2;
  }
  // Loaded by path so this file builds before the platform simulator exists.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const platform = require(file) as PlatformCli;
  if (typeof platform.main !== 'function') {
    console.error('hikvision-sim: the platform simulator has no main()');
    return 2;
  }
  const code = await platform.main(argv);
  return typeof code === 'number' ? code : 0;
}

async function runDevice(command: Extract<ReturnType<typeof parseCli>, { command: 'device' }>): Promise<number> {
  const quiet = command.quiet;
  let started = false;
  const print = (line: string): void => {
    if (quiet && started && !/error|fail|lock/i.test(line)) return;
    console.log(`${stamp()} ${line}`);
  };
  const simulator = await startDeviceSimulator({ ...command.device, log: print });
  started = true;
  const enabled = simulator.slots().filter((s) => s.enabled).length;
  console.log(`${stamp()} configure it with the httpHosts node (device ${simulator.url}, user ${command.device.username ?? 'admin'})` +
    `${enabled > 0 ? '; pushing to the preset slot now' : '; it pushes once a slot points at a listener'}. Ctrl+C stops.`);
  simulator.startPushing(command.push);
  simulator.alertStream.startEmitting({ kinds: command.push.kinds, rate: command.push.rate });

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log(`${stamp()} stopping`);
  await simulator.close();
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let command: ReturnType<typeof parseCli>;
  try {
    command = parseCli(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`hikvision-sim: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command.command === 'platform') return runPlatform(command.argv);
  return runDevice(command);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      console.error(`hikvision-sim: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
