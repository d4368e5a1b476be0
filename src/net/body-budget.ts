/**
 * How many request-body bytes the whole process holds at once, across every listener and iSC
 * receiver, whatever the framing (Content-Length or chunked). Pictures must be kept whole until
 * their event has been delivered, so without a bound 40 slow, nearly complete uploads grow the
 * process by hundreds of MB (enough to kill a Node-RED on a Raspberry Pi).
 *
 * - A body announcing more than `freeBytes` (Content-Length) reserves its size before it is read;
 *   until that fits it stays unread in its socket (TCP flow control makes its device wait), and
 *   after `maxWaitMs` it is refused rather than read anyway.
 * - Every body counts the bytes it has received (`take`); one that would pass the limit is refused.
 * - Large bodies (past `freeBytes`) share `limitBytes - reserveBytes`; one large body alone is
 *   always read (up to the per-body limit), so the largest legitimate push still passes.
 * - Small bodies (at most `freeBytes`) may use the whole limit, and always have `reserveBytes` among
 *   themselves: however many large or chunked uploads an attacker keeps open, small pushes (XML,
 *   JSON, an ANPR body with its pictures) still get through.
 *
 * A refused body is answered 503 with Retry-After by its reader.
 */

export interface BodyBudgetOptions {
  /** Body bytes held across the process at most. */
  limitBytes: number;
  /** Bodies up to this size never wait and may use the reserve. */
  freeBytes: number;
  /** How long a large body waits for room before it is refused. */
  maxWaitMs: number;
  /** The part of limitBytes only small bodies may use (0 when left out). */
  reserveBytes?: number;
}

export const DEFAULT_BODY_BUDGET: Readonly<Required<BodyBudgetOptions>> = Object.freeze({
  limitBytes: 24 * 1024 * 1024,
  reserveBytes: 8 * 1024 * 1024,
  freeBytes: 512 * 1024,
  maxWaitMs: 10_000,
});

/** Seconds a refused sender is told to wait (Retry-After). */
export const BUSY_RETRY_AFTER_SECONDS = 10;

/** A request's place in the budget; `release()` once its body is read or abandoned (waiting or not). */
export interface BodyTicket {
  /** Counts `bytes` more of the body as held; false when that would pass the limit: refuse the body. */
  take(bytes: number): boolean;
  release(): void;
}

interface Entry {
  /** Announced size reserved up front (large bodies only). */
  reserved: number;
  /** Bytes received so far. */
  held: number;
  /** What the entry counts for in `used`: the larger of the two. */
  charge: number;
  large: boolean;
  go: () => void;
  refuse: (() => void) | undefined;
  state: 'waiting' | 'reading' | 'done';
  timer: NodeJS.Timeout | null;
}

export class BodyBudget {
  private used = 0;
  /** What the small bodies count for: they always have reserveBytes among themselves. */
  private smallUsed = 0;
  private largeReading = 0;
  private readonly queue: Entry[] = [];
  private readonly options: Required<BodyBudgetOptions>;

  constructor(options: BodyBudgetOptions = DEFAULT_BODY_BUDGET) {
    this.options = { reserveBytes: 0, ...options };
  }

  /** Bodies up to this size never wait: readers need not ask before reading them. */
  get freeBytes(): number {
    return this.options.freeBytes;
  }

  /** Body bytes held (or reserved) now. */
  get readingBytes(): number {
    return this.used;
  }

  get waitingCount(): number {
    return this.queue.length;
  }

  /**
   * Calls `go` when a body of `bytes` announced bytes (0: unknown) may be read: at once (before
   * returning), or later when earlier bodies are done. After `maxWaitMs` without room it calls
   * `refuse` (or, without one, `go` anyway). Neither is called after `release()`.
   */
  admit(bytes: number, go: () => void, refuse?: () => void): BodyTicket {
    const reserved = bytes > this.options.freeBytes ? bytes : 0;
    const entry: Entry = { reserved, held: 0, charge: 0, large: false, go, refuse, state: 'waiting', timer: null };
    if (this.fits(reserved)) {
      this.start(entry);
    } else {
      this.queue.push(entry);
      entry.timer = setTimeout(() => this.waitedTooLong(entry), this.options.maxWaitMs);
      entry.timer.unref();
    }
    return { take: (n) => this.take(entry, n), release: () => this.release(entry) };
  }

  /** Room for a large body: beside the others outside the reserve, or it is the only large one. */
  private fits(bytes: number): boolean {
    return bytes === 0 || this.largeReading === 0 || this.used + bytes <= this.largeLimit();
  }

  private largeLimit(): number {
    return Math.max(0, this.options.limitBytes - this.options.reserveBytes);
  }

  private start(entry: Entry): void {
    const at = this.queue.indexOf(entry);
    if (at !== -1) this.queue.splice(at, 1);
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    entry.state = 'reading';
    this.charge(entry, entry.reserved);
    entry.go();
  }

  private waitedTooLong(entry: Entry): void {
    if (entry.state !== 'waiting') return;
    if (!entry.refuse) {
      this.start(entry);
      return;
    }
    this.release(entry);
    entry.refuse();
  }

  private take(entry: Entry, bytes: number): boolean {
    if (entry.state !== 'reading') return entry.state === 'waiting';
    const held = entry.held + bytes;
    const charge = Math.max(entry.reserved, held);
    const more = charge - entry.charge;
    if (more > 0 && !this.mayGrow(entry, charge, more)) return false;
    if (more > 0) this.charge(entry, charge);
    entry.held = held;
    return true;
  }

  private mayGrow(entry: Entry, charge: number, more: number): boolean {
    const { limitBytes, reserveBytes, freeBytes } = this.options;
    if (charge <= freeBytes) return this.used + more <= limitBytes || this.smallUsed + more <= reserveBytes;
    const alone = this.largeReading === (entry.large ? 1 : 0);
    return alone || this.used + more <= this.largeLimit();
  }

  private charge(entry: Entry, charge: number): void {
    this.used += charge - entry.charge;
    if (!entry.large) this.smallUsed -= entry.charge;
    entry.charge = charge;
    const large = charge > this.options.freeBytes;
    if (large !== entry.large) this.largeReading += large ? 1 : -1;
    entry.large = large;
    if (!large) this.smallUsed += charge;
  }

  private release(entry: Entry): void {
    if (entry.state === 'done') return;
    if (entry.state === 'reading') {
      this.charge(entry, 0);
    } else {
      const at = this.queue.indexOf(entry);
      if (at !== -1) this.queue.splice(at, 1);
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
    }
    entry.state = 'done';
    while (this.queue.length > 0 && this.fits(this.queue[0].reserved)) this.start(this.queue[0]);
  }
}

/** Shared by every listener route and iSC receiver in the process: memory is the process's. */
export const bodyBudget = new BodyBudget();
