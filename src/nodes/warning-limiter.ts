/**
 * Lets a kind of warning through at most once per interval and counts the ones it held back, so a
 * scanner or a flood of refused requests cannot fill the log, yet the user still learns how many.
 */
export class WarningLimiter {
  private readonly kinds = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether a warning of this kind may be logged now. Returns null to hold it back, else how many
   * of the kind were held back since the last one logged. Keys should be a small fixed set.
   */
  take(kind: string): number | null {
    const now = this.now();
    const entry = this.kinds.get(kind);
    if (entry && now - entry.at < this.intervalMs) {
      entry.held++;
      return null;
    }
    const held = entry?.held ?? 0;
    this.kinds.set(kind, { at: now, held: 0 });
    return held;
  }
}

/**
 * What a server `clientError` code means to a user: a stalled sender, a failed TLS handshake, bytes
 * that are not HTTP, or null for a client that simply went away (a reset: port probes and health
 * checks do that, and it harms nothing).
 */
export function clientErrorKind(code: string): 'timeout' | 'tls' | 'malformed' | null {
  if (/(^|\s)(ECONNRESET|EPIPE)$/.test(code)) return null;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'timeout';
  return /^(TLS|ERR_SSL|ERR_TLS)/.test(code) ? 'tls' : 'malformed';
}
