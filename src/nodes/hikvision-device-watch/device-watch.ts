/**
 * The device watch's check cycle, without Node-RED: every interval it reads deviceInfo (reachable?
 * who?), reads httpHosts (does a slot point at this listener?), puts a lost slot back when asked
 * (at most one write per check, only into the slot that was ours or an unused one), and counts the
 * events the listeners got from the device. It reports only changes of state.
 */
import type { DigestClient } from '../../isapi/digest-client';
import { readDeviceInfo, type DeviceInfo } from '../../isapi/device-info';
import { HttpHostsConfigurator, type ListenerTarget } from '../../isapi/http-hosts-configurator';
import { describeSlotTarget, slotPointsAt, type HttpHostsSlot } from '../../isapi/http-hosts-slot';
import { IsapiError } from '../../isapi/isapi-error';
import type { Scheduler, TimerHandle } from '../../filter/scheduler';
import type { DeviceActivity } from '../../server/device-activity';

export type HealthState = 'online' | 'offline' | 'slot-lost' | 'slot-restored' | 'silent' | 'auth-failed';

export interface HealthSlot {
  id: string;
  url: string;
  host: string;
  port: number | null;
}

export interface HealthReport {
  state: HealthState;
  previous: HealthState | null;
  /** ISO time the state began. */
  since: string;
  /** offline: `unreachable` | `timeout`; slot-lost/slot-restored: `cleared` | `changed` | `missing`; silent: `no-events`; auth-failed: `unauthorized`; null otherwise. */
  reason: string | null;
  /** What went wrong in words (never credentials), or null. */
  detail: string | null;
  device: Pick<DeviceInfo, 'deviceName' | 'model' | 'serialNumber' | 'firmwareVersion' | 'macAddress'> | null;
  slot: HealthSlot | null;
  /** ISO time of the last event from the device on this port, or null. */
  lastEventAt: string | null;
  eventsSinceCheck: number;
}

/** One repair: `found` is what the slot said (`unused`, `10.0.0.9:7200/vms`), `wrote` where it points now. */
export interface SlotRepair {
  slot: string;
  found: string;
  wrote: string | null;
  fields: string[];
  /** Why the repair failed (the device's words), or null. */
  error: string | null;
}

export interface DeviceWatchOptions {
  client: DigestClient;
  /** Where the slot must point; resolved once, lazily (the address toward the device may need detecting). */
  resolveTarget: () => Promise<ListenerTarget>;
  /** The config node's listen port and the device's address (an IP; a function when it is resolved later): the key of the event count. */
  listenPort: number;
  deviceAddress: string | (() => string);
  activity: DeviceActivity;
  intervalMs: number;
  /** 0 = off. */
  silentAfterMs: number;
  guardSlot: boolean;
  scheduler: Scheduler;
  /** Wall clock (epoch ms) for the times in reports. */
  wallClock?: () => number;
  /** A state change. */
  onReport: (report: HealthReport) => void;
  /** After every check (for the status line), with the current state. */
  onChecked?: (report: HealthReport) => void;
  /** deviceInfo read (the identity cache). */
  onIdentity?: (info: DeviceInfo) => void;
  /** A repair (or a failed one), with what was found and what was written. */
  onRepair?: (repair: SlotRepair) => void;
}

const OFFLINE_KINDS = new Set(['unreachable', 'timeout', 'connection', 'tls', 'aborted']);

function toHealthSlot(slot: HttpHostsSlot): HealthSlot {
  return { id: slot.id, url: slot.url, host: slot.host, port: slot.portNo };
}

function pointsHere(slot: HttpHostsSlot, target: ListenerTarget): boolean {
  return slotPointsAt(slot, target.host, target.portNo) && (target.url === undefined || slot.url === target.url);
}

export class DeviceWatch {
  private timer: TimerHandle | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private target: ListenerTarget | null = null;
  private state: HealthState | null = null;
  private since = 0;
  private device: HealthReport['device'] = null;
  private slot: HealthSlot | null = null;
  /** The slot id that last pointed here: the only used slot a repair may write. */
  private ownSlotId: string | null = null;
  private lastTotal: number | null = null;
  private readonly startedAt: number;
  private readonly configurator: HttpHostsConfigurator;
  private readonly wallClock: () => number;

  constructor(private readonly options: DeviceWatchOptions) {
    this.configurator = new HttpHostsConfigurator(options.client);
    this.wallClock = options.wallClock ?? Date.now;
    this.startedAt = this.wallClock();
  }

  get currentState(): HealthState | null {
    return this.state;
  }

  /** The first check after `firstDelayMs`, then one every interval (counted from the end of the last). */
  start(firstDelayMs = 0): void {
    this.schedule(firstDelayMs);
  }

  /** Runs one check now (tests; the timer calls it too). Resolves when it is done. */
  checkNow(): Promise<void> {
    if (this.running) return this.running;
    if (this.timer !== null) {
      this.options.scheduler.clearTimer(this.timer);
      this.timer = null;
    }
    this.running = this.check().finally(() => {
      this.running = null;
      if (!this.stopped && this.state !== 'auth-failed') this.schedule(this.options.intervalMs);
    });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.options.scheduler.clearTimer(this.timer);
    this.timer = null;
  }

  /** A method, not the field: stop() may run while a check awaits the device. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer !== null) return;
    this.timer = this.options.scheduler.setTimer(() => {
      this.timer = null;
      void this.checkNow();
    }, ms);
  }

  private async check(): Promise<void> {
    if (this.stopped || this.state === 'auth-failed') return;
    const events = this.countEvents();
    try {
      this.target ??= await this.options.resolveTarget();
      const info = await readDeviceInfo(this.options.client);
      this.device = {
        deviceName: info.deviceName, model: info.model, serialNumber: info.serialNumber, firmwareVersion: info.firmwareVersion, macAddress: info.macAddress,
      };
      this.options.onIdentity?.(info);
      await this.checkSlot(this.target, events);
    } catch (err) {
      if (this.isStopped()) return;
      const error = err instanceof Error ? err : new Error(String(err));
      const kind = error instanceof IsapiError ? error.kind : 'settings';
      if (kind === 'unauthorized') this.enter('auth-failed', events, 'unauthorized', error.message);
      else if (OFFLINE_KINDS.has(kind)) this.enter('offline', events, kind === 'timeout' ? 'timeout' : 'unreachable', error.message);
      // Reachable, but an answer we cannot use (403 on httpHosts, a body we cannot read…).
      else this.enter('slot-lost', events, 'unreadable', error.message);
    }
    if (!this.isStopped() && this.state) this.options.onChecked?.(this.report(this.state, this.state, null, null, events));
  }

  private async checkSlot(target: ListenerTarget, events: { count: number; lastAt: number | null }): Promise<void> {
    const doc = await this.configurator.read('auto');
    const own = doc.slots.find((s) => pointsHere(s, target));
    if (own) {
      this.ownSlotId = own.id;
      this.slot = toHealthSlot(own);
      this.onlineOrSilent(events);
      return;
    }
    const before = this.ownSlotId ? doc.slots.find((s) => s.id === this.ownSlotId) : undefined;
    this.slot = null;
    const lostReason = !before ? 'missing' : before.inUse ? 'changed' : 'cleared';
    const lostDetail = before ? `slot ${before.id} reads ${describeSlotTarget(before)}` : null;
    this.enter('slot-lost', events, lostReason, lostDetail);
    if (!this.options.guardSlot) return;
    // One write per check; into the slot that was ours, else (never seen) the first unused one.
    let outcome;
    try {
      outcome = await this.configurator.set('auto', this.ownSlotId ?? 'auto', target);
    } catch (err) {
      if (err instanceof IsapiError && err.kind === 'unauthorized') throw err;
      this.options.onRepair?.({
        slot: this.ownSlotId ?? 'auto', found: before ? describeSlotTarget(before) : '-', wrote: null, fields: [],
        error: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    const written = outcome.slot;
    if (!written) return;
    const found = doc.slots.find((s) => s.id === written.id);
    this.options.onRepair?.({
      slot: written.id, found: found ? describeSlotTarget(found) : '-', wrote: describeSlotTarget(written), fields: outcome.fields ?? [], error: null,
    });
    this.ownSlotId = written.id;
    this.slot = toHealthSlot(written);
    this.enter('slot-restored', events, lostReason, `slot ${written.id} → ${describeSlotTarget(written)}`);
    this.onlineOrSilent(events);
  }

  private onlineOrSilent(events: { count: number; lastAt: number | null }): void {
    const { silentAfterMs } = this.options;
    const quietSince = events.lastAt ?? this.startedAt;
    if (silentAfterMs > 0 && this.wallClock() - quietSince >= silentAfterMs) {
      this.enter('silent', events, 'no-events', null);
    } else {
      this.enter('online', events, null, null);
    }
  }

  /** Events on the config's port from the device's address since the previous check. */
  private countEvents(): { count: number; lastAt: number | null } {
    const { deviceAddress } = this.options;
    const address = typeof deviceAddress === 'function' ? deviceAddress() : deviceAddress;
    const seen = this.options.activity.read(this.options.listenPort, address);
    const count = this.lastTotal === null ? seen.total : Math.max(0, seen.total - this.lastTotal);
    this.lastTotal = seen.total;
    return { count, lastAt: seen.lastAt };
  }

  private enter(state: HealthState, events: { count: number; lastAt: number | null }, reason: string | null, detail: string | null): void {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.since = this.wallClock();
    if (state === 'offline' || state === 'auth-failed') this.slot = null;
    this.options.onReport(this.report(state, previous, reason, detail, events));
  }

  private report(state: HealthState, previous: HealthState | null, reason: string | null, detail: string | null, events: { count: number; lastAt: number | null }): HealthReport {
    return {
      state,
      previous,
      since: new Date(this.since).toISOString(),
      reason,
      detail,
      device: this.device,
      slot: this.slot,
      lastEventAt: events.lastAt === null ? null : new Date(events.lastAt).toISOString(),
      eventsSinceCheck: events.count,
    };
  }
}
