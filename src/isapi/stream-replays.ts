/**
 * Events a device sends again after the stream reopens (a reboot or reconnect backlog) are marked
 * as replays, like the stored events a device re-sends by push: within a short window after each
 * reconnect, an event whose type, channel and dateTime were already delivered. Events the device
 * itself marks as retransmissions arrive with `replay` set already.
 */
import type { HikEvent } from '../push/hik-event';

export const DEFAULT_REPLAY_WINDOW_MS = 15_000;
/** Recent events remembered; a backlog burst is far shorter. */
const REMEMBERED = 512;

export class StreamReplays {
  private readonly seen = new Set<string>();
  private windowEnds = 0;
  private streams = 0;

  constructor(private readonly windowMs = DEFAULT_REPLAY_WINDOW_MS, private readonly now: () => number = Date.now) {}

  /** A stream (re)opened: from the second one on, repeats within the window are replays. */
  reconnected(): void {
    this.streams++;
    if (this.streams > 1) this.windowEnds = this.now() + this.windowMs;
  }

  mark(event: HikEvent): void {
    const key = `${event.eventType}\u0000${event.channelID ?? ''}\u0000${event.dateTime}\u0000${event.activePostCount ?? ''}`;
    if (!event.replay && this.now() < this.windowEnds && this.seen.has(key)) event.replay = true;
    if (this.seen.has(key)) this.seen.delete(key);
    this.seen.add(key);
    if (this.seen.size > REMEMBERED) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }
}
