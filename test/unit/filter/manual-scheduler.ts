/**
 * A scheduler whose clock moves only when the test says so: episode ends and status updates can
 * be checked without waiting on real time. It also counts pending timers (leak checks).
 */
import type { Scheduler, TimerHandle } from '../../../src/filter/scheduler';

interface Task {
  id: number;
  at: number;
  callback: () => void;
}

export class ManualScheduler implements Scheduler {
  private clock = 1_000_000;
  private nextId = 1;
  private tasks: Task[] = [];

  now(): number {
    return this.clock;
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    const task = { id: this.nextId++, at: this.clock + Math.max(0, ms), callback };
    this.tasks.push(task);
    return task.id;
  }

  clearTimer(handle: TimerHandle): void {
    this.tasks = this.tasks.filter((t) => t.id !== handle);
  }

  get pendingTimers(): number {
    return this.tasks.length;
  }

  /** Moves the clock forward, running each timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.clock + ms;
    for (;;) {
      const dueNow = this.tasks.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id);
      if (dueNow.length === 0) break;
      const due = dueNow[0];
      this.tasks = this.tasks.filter((t) => t !== due);
      this.clock = due.at;
      due.callback();
    }
    this.clock = end;
  }
}
