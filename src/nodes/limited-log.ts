/**
 * Log lines of a kind at most once per interval, the next one saying how many were held back: a
 * scanner, a flood of refused requests or of malformed bodies cannot fill the log, yet the user
 * still learns how many there were. The one way the nodes rate-limit what they log.
 */
import { WarningLimiter } from './warning-limiter';

/** Warnings and errors about misbehaving clients at most this often. */
export const LOG_INTERVAL_MS = 60_000;

export class LimitedLog {
  private readonly limiter: WarningLimiter;

  /**
   * @param write writes one line (node.warn, node.error)
   * @param heldBack the note appended to a line after held-back ones, e.g. "(3 more since the last warning)"
   */
  constructor(
    private readonly write: (text: string) => void,
    private readonly heldBack: (count: number) => string,
    intervalMs = LOG_INTERVAL_MS,
    now?: () => number,
  ) {
    this.limiter = new WarningLimiter(intervalMs, now);
  }

  /**
   * Writes the line unless one of this kind was written within the interval. `text` is only
   * called for a line that is written. Keys should be a small fixed set. Whether it was written.
   */
  report(kind: string, text: () => string): boolean {
    const held = this.limiter.take(kind);
    if (held === null) return false;
    this.write(held > 0 ? `${text()} ${this.heldBack(held)}` : text());
    return true;
  }
}
