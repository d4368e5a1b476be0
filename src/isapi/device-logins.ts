/**
 * The devices this Node-RED knows, by address: every config node registers its device's ISAPI
 * target here, so that a listener shared by many devices can fetch a picture from the device an
 * event came from with that device's own login.
 */
import type { DeviceTarget } from './device-target';

/** `::ffff:192.168.1.64` → `192.168.1.64`; `[fe80::1]` → `fe80::1`; lower case. */
export function normaliseAddress(address: string): string {
  return address.trim().replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();
}

export class DeviceLogins {
  private readonly byAddress = new Map<string, DeviceTarget[]>();

  /** Adds a device; the returned function removes it again (on the config node's close). */
  add(target: DeviceTarget): () => void {
    const key = normaliseAddress(target.host);
    const list = this.byAddress.get(key) ?? [];
    list.push(target);
    this.byAddress.set(key, list);
    return () => {
      const current = this.byAddress.get(key);
      if (!current) return;
      const rest = current.filter((t) => t !== target);
      if (rest.length > 0) this.byAddress.set(key, rest);
      else this.byAddress.delete(key);
    };
  }

  /** The device at the first of these addresses that one is registered for (the first registered wins). */
  find(...addresses: (string | null | undefined)[]): DeviceTarget | undefined {
    for (const address of addresses) {
      if (!address) continue;
      const hit = this.byAddress.get(normaliseAddress(address))?.[0];
      if (hit) return hit;
    }
    return undefined;
  }
}

/** The process-wide directory the config nodes fill. */
export const deviceLogins = new DeviceLogins();
