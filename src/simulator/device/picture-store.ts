/**
 * The pictures a simulated device serves behind its login: a JPEG per channel for snapshots (each
 * channel's its own, so tests can tell them apart), and the captures its URL-mode events name,
 * each for a limited time, as a device's storage overwrites old captures.
 */
import { cachedJpeg } from '../push/jpeg';

export const SNAPSHOT_SIZE = { width: 640, height: 360, size: 24_000 };

/** Stored captures kept at most (oldest dropped first). */
const MAX_STORED = 500;

/** The JPEG channel `channel`'s snapshot returns: the same bytes every time, different per channel. */
export function snapshotJpeg(channel: number): Buffer {
  return cachedJpeg({ ...SNAPSHOT_SIZE, seed: 50_000 + channel * 7 });
}

export class PictureStore {
  private readonly stored = new Map<string, { data: Buffer; expiresAt: number }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  /** Serves `data` at `path` (with its query, as the event names it) until the time to live passes. */
  add(path: string, data: Buffer): void {
    this.stored.delete(path);
    this.stored.set(path, { data, expiresAt: this.now() + this.ttlMs });
    if (this.stored.size > MAX_STORED) this.stored.delete(this.stored.keys().next().value as string);
  }

  /** The picture at this path and query, or null when there never was one or it has expired. */
  get(pathWithQuery: string): Buffer | null {
    const entry = this.stored.get(pathWithQuery);
    if (!entry) return null;
    if (this.now() >= entry.expiresAt) {
      this.stored.delete(pathWithQuery);
      return null;
    }
    return entry.data;
  }

  /** Makes every stored picture expire now (tests of an expired URL). */
  expireAll(): void {
    this.stored.clear();
  }
}

/**
 * The channel a snapshot URL asks for: `/ISAPI/Streaming/channels/101/picture` → 1, `…/3301/…` → 33,
 * also through `/ISAPI/ContentMgmt/StreamingProxy/…`. Null when the path is not a snapshot or names
 * a stream other than the main one.
 */
export function snapshotChannel(path: string): number | null {
  const match = /^\/ISAPI\/(?:Streaming|ContentMgmt\/StreamingProxy)\/channels\/(\d{3,5})\/picture$/.exec(path);
  if (!match) return null;
  const id = Number(match[1]);
  return id % 100 === 1 && id >= 101 ? Math.floor(id / 100) : null;
}
