/**
 * Notices when the platform stops pushing: `silentAfterMs` without a push (counted from start or
 * the last push) calls `onSilent` once; the next push re-arms it. Time comes from a Scheduler so
 * tests move the clock themselves.
 */
import type { Scheduler, TimerHandle } from '../filter/scheduler';

export class PushSilence {
  private timer: TimerHandle | null = null;
  private lastPushAt: number | null = null;
  private silent = false;

  constructor(
    private readonly silentAfterMs: number,
    private readonly scheduler: Scheduler,
    private readonly onSilent: (lastPushAt: number | null) => void,
    private readonly wallClock: () => number = Date.now,
  ) {}

  /** Epoch ms of the last push, or null. */
  get lastPush(): number | null {
    return this.lastPushAt;
  }

  start(): void {
    this.arm();
  }

  /** A push arrived. Returns true when it ended a silence. */
  pushed(): boolean {
    this.lastPushAt = this.wallClock();
    const ended = this.silent;
    this.silent = false;
    this.arm();
    return ended;
  }

  stop(): void {
    if (this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.silentAfterMs <= 0) return;
    this.stop();
    this.timer = this.scheduler.setTimer(() => {
      this.timer = null;
      this.silent = true;
      this.onSilent(this.lastPushAt);
    }, this.silentAfterMs);
  }
}
