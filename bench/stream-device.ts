/**
 * The simulated device of the alertStream row, alone in its process: it serves the alertStream and,
 * on request over IPC, writes events to the open stream as fast as the reader takes them.
 */
import { startDeviceSimulator } from '../src/simulator/device/device-simulator';
import type { EventKind } from '../src/simulator/push/event-kind';
import { STREAM_DEVICE_PASSWORD } from './protocol';

export type StreamDeviceCommand = { cmd: 'open' } | { cmd: 'emit'; kind: EventKind; durationMs: number };
export type StreamDeviceMessage =
  | { type: 'ready'; port: number }
  | { type: 'open'; streams: number }
  | { type: 'emitted'; events: number; elapsedMs: number };

async function main(): Promise<void> {
  const sim = await startDeviceSimulator({ password: STREAM_DEVICE_PASSWORD, alertStream: { heartbeatMs: 0 } });
  process.on('message', (command: StreamDeviceCommand) => {
    if (command.cmd === 'open') {
      process.send?.({ type: 'open', streams: sim.alertStream.stats().open } satisfies StreamDeviceMessage);
      return;
    }
    const started = Date.now();
    void sim.alertStream.emit({ kinds: [command.kind], total: Number.MAX_SAFE_INTEGER, forMs: command.durationMs, reuse: true }).then((events) => {
      process.send?.({ type: 'emitted', events, elapsedMs: Date.now() - started } satisfies StreamDeviceMessage);
    });
  });
  process.on('disconnect', () => { void sim.close().then(() => process.exit(0)); });
  process.send?.({ type: 'ready', port: sim.port } satisfies StreamDeviceMessage);
}

main().catch((err: unknown) => {
  console.error(`bench stream device: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
