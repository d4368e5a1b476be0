/**
 * One alertStream per device, shared by every node that uses the same config (devices allow few
 * sessions, terminals one), reference-counted: the stream closes when its last user goes.
 */
import { AlertStream, type AlertStreamOptions, type AlertStreamSubscriber } from './alert-stream';
import type { DeviceTarget } from './device-target';

export interface AlertStreamLease {
  readonly stream: AlertStream;
  /** Leaves the stream; the last user's release closes its socket at once. */
  release(): void;
}

interface Entry {
  stream: AlertStream;
  users: number;
}

export class AlertStreamRegistry {
  private readonly streams = new Map<string, Entry>();

  /**
   * Joins the stream for `key` (the config node's id), opening it on first use with this target and
   * these options (later users share it as it is).
   */
  use(key: string, target: DeviceTarget, options: AlertStreamOptions, subscriber: AlertStreamSubscriber): AlertStreamLease {
    let entry = this.streams.get(key);
    if (!entry) {
      entry = { stream: new AlertStream(target, options), users: 0 };
      this.streams.set(key, entry);
    }
    const current = entry;
    current.users++;
    const unsubscribe = current.stream.subscribe(subscriber);
    let released = false;
    return {
      stream: current.stream,
      release: () => {
        if (released) return;
        released = true;
        unsubscribe();
        if (--current.users > 0) return;
        current.stream.close();
        if (this.streams.get(key) === current) this.streams.delete(key);
      },
    };
  }

  /** Streams open now (for tests). */
  get size(): number {
    return this.streams.size;
  }
}

export const alertStreamRegistry = new AlertStreamRegistry();
