/**
 * Node status at most about once a second on busy nodes: the editor gets every status over its
 * websocket, and hundreds a second would swamp it.
 */
import type { NodeStatus } from 'node-red';

export class StatusThrottle {
  private pending: NodeStatus | null = null;
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  constructor(
    private readonly apply: (status: NodeStatus) => void,
    private readonly intervalMs = 1000,
  ) {}

  /** Shows a status at once (state changes: listening, errors). */
  now(status: NodeStatus): void {
    this.pending = null;
    this.last = Date.now();
    this.apply(status);
  }

  /** Shows a status soon; later calls within the interval replace it. */
  later(status: NodeStatus): void {
    this.pending = status;
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.pending) this.now(this.pending);
    }, wait);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }
}
