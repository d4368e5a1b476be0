/** When the n-th event of a run is due, for a given rate: evenly spaced from the start. */
export class RateSchedule {
  /** @param rate events per second; 0 = as fast as possible */
  constructor(private readonly rate: number) {}

  /** Milliseconds after the start at which event `index` (0-based) may go. */
  dueAt(index: number): number {
    return this.rate > 0 ? (index * 1000) / this.rate : 0;
  }

  /** How many events are due by `elapsedMs` after the start (every one, with no rate). */
  dueBy(elapsedMs: number, total: number): number {
    if (this.rate <= 0) return total;
    return Math.min(total, Math.floor((elapsedMs * this.rate) / 1000) + 1);
  }
}
