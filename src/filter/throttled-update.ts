/**
 * Runs an update at most once per interval: the first request at once, later ones folded into
 * one run when the interval ends. Used for the node status, which a busy flow would otherwise
 * send to the editor hundreds of times a second.
 */
import type { Scheduler, TimerHandle } from './scheduler';

export class ThrottledUpdate {
  private timer: TimerHandle | null = null;
  private dirty = false;

  constructor(
    private readonly update: () => void,
    private readonly scheduler: Scheduler,
    private readonly intervalMs = 1000,
  ) {}

  get pending(): boolean {
    return this.timer !== null;
  }

  request(): void {
    if (this.timer !== null) {
      this.dirty = true;
      return;
    }
    this.update();
    this.arm();
  }

  cancel(): void {
    if (this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.timer = null;
    this.dirty = false;
  }

  private arm(): void {
    this.timer = this.scheduler.setTimer(() => {
      this.timer = null;
      if (!this.dirty) return;
      this.dirty = false;
      this.update();
      this.arm();
    }, this.intervalMs);
  }
}
