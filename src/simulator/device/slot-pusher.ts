/**
 * The device side of "HTTP listening": where a slot sends events, whether the stored events were
 * already replayed to that address, and the continuous pushing the CLI runs — one run per
 * enabled slot, restarted when the slot is pointed somewhere else.
 */
import type { SimSlot } from './http-host-slots';
import type { PushTarget } from '../push/push-client';
import type { PushReport } from '../push/push-events';

export function slotTarget(slot: SimSlot): PushTarget {
  return {
    host: slot.addressingFormatType === 'hostname' ? slot.hostName : slot.ipAddress,
    port: slot.portNo,
    path: slot.url || '/',
    protocol: slot.protocolType === 'HTTPS' ? 'https' : 'http',
    auth: { method: slot.httpAuthenticationMethod, username: slot.userName, password: slot.password },
  };
}

/** What makes a slot "a new listener" for the device: a change of any of these restarts pushing. */
export function slotSignature(slot: SimSlot): string {
  const t = slotTarget(slot);
  return [t.protocol, t.host, t.port, t.path, slot.parameterFormatType, slot.httpAuthenticationMethod, slot.userName, slot.password].join('|');
}

/** Remembers the addresses the device already replayed its store to. */
export class ReplayTracker {
  private readonly done = new Set<string>();

  /** How many stored events to replay to this slot now: all of them the first time, then none. */
  take(slot: SimSlot, stored: number): number {
    const key = `${slot.id}|${slotSignature(slot)}`;
    if (this.done.has(key)) return 0;
    this.done.add(key);
    return stored;
  }
}

interface Runner {
  signature: string;
  controller: AbortController;
  done: Promise<void>;
}

export class ContinuousPusher {
  private readonly runners = new Map<string, Runner>();
  private stopped = false;

  constructor(private readonly run: (slot: SimSlot, signal: AbortSignal) => Promise<PushReport>, private readonly log: (line: string) => void) {}

  /** Starts, keeps or restarts one run per enabled slot. */
  sync(slots: SimSlot[]): void {
    if (this.stopped) return;
    for (const slot of slots) {
      const current = this.runners.get(slot.id);
      const signature = slot.enabled ? slotSignature(slot) : null;
      if (current && current.signature === signature) continue;
      if (current) {
        current.controller.abort();
        this.runners.delete(slot.id);
      }
      if (signature === null) continue;
      const controller = new AbortController();
      const done = this.run(slot, controller.signal).then(
        (report) => { this.log(`slot ${slot.id}: ${report.sent} sent, ${report.ok} answered 2xx, ${report.failed} failed`); },
        (err: unknown) => { this.log(`slot ${slot.id}: pushing stopped: ${err instanceof Error ? err.message : String(err)}`); },
      );
      this.runners.set(slot.id, { signature, controller, done });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const runners = [...this.runners.values()];
    this.runners.clear();
    for (const runner of runners) runner.controller.abort();
    await Promise.all(runners.map((r) => r.done));
  }

  /** Allows sync() again after stop(). */
  resume(): void {
    this.stopped = false;
  }
}
