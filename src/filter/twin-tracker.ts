/**
 * iSC/HikCentral twins: an event with linkage capture/recording arrives twice with the same
 * `eventId` — first as it happened (status 0, or 1–3), then as a status-4 "linkage result update"
 * carrying `linkageResult` and the linkage pictures; parking lane pictures come later as status 5
 * (seed 002 FAQ). A status-4/5 event whose `eventId` was seen before is the twin of that event.
 */
import { BoundedMap } from './bounded-map';

export type Fields = Record<string, unknown>;

export interface TwinRecord {
  /** The event so far (first event, then merged with each twin); kept only for `merge`. */
  payload: Fields | null;
  /** Whether the first event went to the matched output: a merged update goes the same way. */
  firstMatched: boolean;
}

const TWIN_STATUSES = new Set([4, 5]);

export class TwinTracker {
  private readonly seen: BoundedMap<string, TwinRecord>;

  constructor(maxKeys: number) {
    this.seen = new BoundedMap(maxKeys);
  }

  get size(): number {
    return this.seen.size;
  }

  /** The earlier event's record when this one is its twin, else null. */
  twinOf(eventId: string, status: number | null): TwinRecord | null {
    if (status === null || !TWIN_STATUSES.has(status)) return null;
    return this.seen.get(eventId) ?? null;
  }

  /** Remembers an event (or the merged state after a twin) under its id, as the newest entry. */
  remember(eventId: string, record: TwinRecord): void {
    this.seen.set(eventId, record);
  }

  clear(): void {
    this.seen.clear();
  }
}

/** Deeper than this the later value is taken whole: platform JSON is a few levels deep. */
const MAX_MERGE_DEPTH = 32;

function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function setOwn(target: Fields, key: string, value: unknown): void {
  // defineProperty: a JSON key "__proto__" stays a plain field instead of replacing the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function merge(first: Fields, later: Fields, depth: number): Fields {
  const out: Fields = {};
  for (const key of Object.keys(first)) setOwn(out, key, first[key]);
  for (const key of Object.keys(later)) {
    const before = out[key];
    const after = later[key];
    const both = Object.prototype.hasOwnProperty.call(out, key) && isPlainObject(before) && isPlainObject(after);
    setOwn(out, key, both && depth < MAX_MERGE_DEPTH ? merge(before, after, depth + 1) : after);
  }
  return out;
}

/**
 * The first event with the later one's fields laid over it: objects are merged key by key
 * (nested too), every other value (arrays, strings, numbers, `status`) is the later one's. Fields
 * only the first event had stay. Neither input is changed.
 */
export function mergeTwinPayload(first: Fields, later: Fields): Fields {
  return merge(first, later, 0);
}
