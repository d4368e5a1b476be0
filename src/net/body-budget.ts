/**
 * How many body bytes the listener reads at the same time. Pictures must be kept whole until their
 * event has been delivered, so 200 devices uploading 1 MB at once would otherwise make the process
 * hold 200 MB of pictures (and 16 MB bodies on many connections far more). A request announcing a
 * large body (Content-Length) is read only once it fits beside the bodies being read; until then it
 * stays unread in its socket, and TCP flow control makes its device wait. Bodies of ordinary size
 * (XML, JSON, an ANPR body with its pictures) never wait, one body is always read however large,
 * and no request waits longer than `maxWaitMs` (a device stalling mid-body must not hold the others
 * up until its request times out).
 */

export interface BodyBudgetOptions {
  /** Announced body bytes read at the same time before larger bodies wait. */
  limitBytes: number;
  /** Bodies up to this size, and those of unknown size, never wait. */
  freeBytes: number;
  maxWaitMs: number;
}

export const DEFAULT_BODY_BUDGET: BodyBudgetOptions = Object.freeze({
  limitBytes: 8 * 1024 * 1024,
  freeBytes: 512 * 1024,
  maxWaitMs: 10_000,
});

/** A request's place in the budget; `release()` once its body is read or abandoned (waiting or not). */
export interface BodyTicket {
  release(): void;
}

interface Entry {
  bytes: number;
  go: () => void;
  state: 'waiting' | 'reading' | 'done';
  timer: NodeJS.Timeout | null;
}

export class BodyBudget {
  private used = 0;
  private reading = 0;
  private readonly queue: Entry[] = [];

  constructor(private readonly options: BodyBudgetOptions = DEFAULT_BODY_BUDGET) {}

  /** Bodies up to this size never wait: readers need not ask for them. */
  get freeBytes(): number {
    return this.options.freeBytes;
  }

  /** Announced bytes of the large bodies being read now. */
  get readingBytes(): number {
    return this.used;
  }

  get waitingCount(): number {
    return this.queue.length;
  }

  /**
   * Calls `go` when a body of `bytes` announced bytes (0: unknown) may be read: at once (before
   * returning), or later when earlier bodies are done. `go` is never called after `release()`.
   */
  admit(bytes: number, go: () => void): BodyTicket {
    const entry: Entry = { bytes: bytes > this.options.freeBytes ? bytes : 0, go, state: 'waiting', timer: null };
    if (this.fits(entry.bytes)) {
      this.start(entry);
    } else {
      this.queue.push(entry);
      entry.timer = setTimeout(() => this.startWaiting(entry), this.options.maxWaitMs);
      entry.timer.unref();
    }
    return { release: () => this.release(entry) };
  }

  private fits(bytes: number): boolean {
    return bytes === 0 || this.reading === 0 || this.used + bytes <= this.options.limitBytes;
  }

  private start(entry: Entry): void {
    entry.state = 'reading';
    if (entry.bytes > 0) {
      this.used += entry.bytes;
      this.reading++;
    }
    entry.go();
  }

  private startWaiting(entry: Entry): void {
    const at = this.queue.indexOf(entry);
    if (at === -1) return;
    this.queue.splice(at, 1);
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    this.start(entry);
  }

  private release(entry: Entry): void {
    if (entry.state === 'done') return;
    if (entry.state === 'reading') {
      if (entry.bytes > 0) {
        this.used -= entry.bytes;
        this.reading--;
      }
    } else {
      const at = this.queue.indexOf(entry);
      if (at !== -1) this.queue.splice(at, 1);
      if (entry.timer) clearTimeout(entry.timer);
    }
    entry.state = 'done';
    while (this.queue.length > 0 && this.fits(this.queue[0].bytes)) this.startWaiting(this.queue[0]);
  }
}

/** Shared by every listener route in the process: memory is the process's. */
export const bodyBudget = new BodyBudget();
