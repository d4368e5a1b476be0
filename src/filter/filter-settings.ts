/**
 * The filter node's choices, read from its properties (public API names) with safe defaults:
 * anything unknown behaves as the default, which passes events through unchanged.
 */
export type ReplayChoice = 'pass' | 'drop';
export type RepeatChoice = 'pass' | 'collapse';
export type TwinChoice = 'pass' | 'drop' | 'merge';

export interface FilterChoiceText {
  replays?: unknown;
  repeats?: unknown;
  repeatWindow?: unknown;
  twins?: unknown;
  outputs?: unknown;
}

export interface FilterChoices {
  replays: ReplayChoice;
  repeats: RepeatChoice;
  /** Milliseconds without a repeat after which an active event counts as ended. */
  repeatWindowMs: number;
  twins: TwinChoice;
  outputs: 1 | 2;
}

export const DEFAULT_REPEAT_WINDOW_S = 5;
/** A day: longer windows are surely a typo, and Node's timers cap near 24.8 days anyway. */
export const MAX_REPEAT_WINDOW_S = 86_400;
/** Devices repeat about once a second; a window much below that cannot collapse anything. */
export const MIN_REPEAT_WINDOW_S = 0.05;

/** The window in seconds as typed (decimals allowed), or null when it is not a usable number. */
export function parseRepeatWindow(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= MIN_REPEAT_WINDOW_S && n <= MAX_REPEAT_WINDOW_S ? n : null;
}

export function readFilterChoices(text: FilterChoiceText): FilterChoices {
  return {
    replays: text.replays === 'drop' ? 'drop' : 'pass',
    repeats: text.repeats === 'collapse' ? 'collapse' : 'pass',
    repeatWindowMs: Math.round((parseRepeatWindow(text.repeatWindow) ?? DEFAULT_REPEAT_WINDOW_S) * 1000),
    twins: text.twins === 'drop' || text.twins === 'merge' ? text.twins : 'pass',
    outputs: Number(text.outputs) === 2 ? 2 : 1,
  };
}
