/**
 * The simulated platform's subscriptions, kept as the platform keeps them for one partner user:
 * one entry per eventDest. Subscribing an eventDest again replaces its entry (a redeployed
 * subscriber does not get every event twice); unsubscribing by type removes those types from
 * every callback of the user — the reason the help warns against sharing a partner.
 */
import type { ArtemisRejection } from './verify-artemis-request';

export interface StoredSubscription {
  eventDest: string;
  eventTypes: number[];
  subType: 0 | 1 | 2;
  /** Linkage event levels, or null for all. */
  eventLvl: number[] | null;
}

function isIntegerList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0);
}

export class SubscriptionStore {
  private readonly entries = new Map<string, StoredSubscription>();

  /** Validates a subscribe body as the platform does; stores it or says what is wrong. */
  subscribe(body: Record<string, unknown>): ArtemisRejection | null {
    const { eventTypes, eventDest, subType, eventLvl } = body;
    if (eventTypes === undefined || eventDest === undefined) return { code: '0x00072001', msg: 'eventTypes and eventDest are required' };
    if (!isIntegerList(eventTypes) || eventTypes.length === 0) return { code: '0x00072003', msg: 'eventTypes must be a non-empty list of codes' };
    if (typeof eventDest !== 'string' || !/^https?:\/\/[^/\s]+/i.test(eventDest)) {
      return { code: '0x00072003', msg: 'eventDest must be http(s)://ip:port/path' };
    }
    if (subType !== undefined && subType !== 0 && subType !== 1 && subType !== 2) return { code: '0x00072002', msg: 'subType must be 0, 1 or 2' };
    if (eventLvl !== undefined && (!isIntegerList(eventLvl) || eventLvl.some((lvl) => lvl > 3))) {
      return { code: '0x00072002', msg: 'eventLvl must list levels 0-3' };
    }
    this.entries.set(eventDest, {
      eventDest,
      eventTypes: [...new Set(eventTypes)],
      subType: subType ?? 0,
      eventLvl: eventLvl === undefined ? null : [...eventLvl],
    });
    return null;
  }

  unsubscribe(body: Record<string, unknown>): ArtemisRejection | null {
    const { eventTypes } = body;
    if (eventTypes === undefined) return { code: '0x00072001', msg: 'eventTypes is required' };
    if (!isIntegerList(eventTypes)) return { code: '0x00072003', msg: 'eventTypes must be a list of codes' };
    for (const [dest, entry] of this.entries) {
      const left = entry.eventTypes.filter((type) => !eventTypes.includes(type));
      if (left.length === 0) this.entries.delete(dest);
      else this.entries.set(dest, { ...entry, eventTypes: left });
    }
    return null;
  }

  /** What a platform restart or an administrator does: the subscription of one callback (or all) gone. Returns how many. */
  drop(eventDest?: string): number {
    if (eventDest === undefined) {
      const count = this.entries.size;
      this.entries.clear();
      return count;
    }
    return this.entries.delete(eventDest) ? 1 : 0;
  }

  /** The view answer's `data`. */
  view(): { detail: { eventDest: string; eventTypes: number[] }[] } {
    return { detail: this.list().map(({ eventDest, eventTypes }) => ({ eventDest, eventTypes })) };
  }

  list(): StoredSubscription[] {
    return [...this.entries.values()].map((entry) => ({
      ...entry,
      eventTypes: [...entry.eventTypes],
      eventLvl: entry.eventLvl ? [...entry.eventLvl] : null,
    }));
  }
}
