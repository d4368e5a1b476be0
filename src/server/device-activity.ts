/**
 * How many events each device address pushed to each listening port, and when the last one came:
 * the listeners record, the device watch reads. Bounded: a flood of spoofed addresses cannot grow
 * it past MAX_ADDRESSES (the oldest entry goes first).
 */
export interface AddressActivity {
  /** Events received from this address on this port since the process started (or the entry was evicted). */
  total: number;
  /** Epoch ms of the last event, or null. */
  lastAt: number | null;
}

const MAX_ADDRESSES = 4096;

/** `::ffff:10.0.0.5` and `10.0.0.5` are the same device; IPv6 letters in one case. */
export function normaliseAddress(address: string): string {
  return address.trim().replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();
}

export class DeviceActivity {
  private readonly entries = new Map<string, { total: number; lastAt: number }>();

  record(port: number, remoteAddress: string, events: number, at: number = Date.now()): void {
    if (events <= 0) return;
    const key = `${port} ${normaliseAddress(remoteAddress)}`;
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      entry.total += events;
      entry.lastAt = at;
      this.entries.set(key, entry);
      return;
    }
    if (this.entries.size >= MAX_ADDRESSES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { total: events, lastAt: at });
  }

  read(port: number, address: string): AddressActivity {
    const entry = this.entries.get(`${port} ${normaliseAddress(address)}`);
    return entry ? { total: entry.total, lastAt: entry.lastAt } : { total: 0, lastAt: null };
  }
}

/** The process's one record, shared by every listener and watch. */
export const deviceActivity = new DeviceActivity();
