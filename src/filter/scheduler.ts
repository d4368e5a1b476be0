/**
 * Time as the filter sees it: a clock and one-shot timers. The node passes the real one; tests pass
 * a manual one and move time themselves, so nothing waits on the wall clock.
 */
/** Opaque: a Node Timeout object for the real scheduler, anything else for test ones. */
export type TimerHandle = object | number;

export interface Scheduler {
  /** Milliseconds on a clock that only moves forward. */
  now(): number;
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Node's timers and a monotonic clock (wall-clock changes on the host must not end episodes). */
export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
