/**
 * Event type codes as users write them in the editor or in `msg.payload.eventTypes`:
 * "198914, 131331" or [198914, "131331"]. Codes are unsigned 32-bit integers (1644175361 fits).
 */

export interface EventTypeList {
  codes: number[];
  /** Entries that are not codes, as written. */
  invalid: string[];
}

const MAX_CODE = 0xffffffff;

export function parseEventTypeList(input: unknown): EventTypeList {
  const entries = Array.isArray(input)
    ? input.map((entry) => (typeof entry === 'number' || typeof entry === 'string' ? String(entry) : JSON.stringify(entry)))
    : typeof input === 'string' || typeof input === 'number' ? String(input).split(/[\s,;]+/) : [];
  const codes: number[] = [];
  const invalid: string[] = [];
  for (const entry of entries.map((e) => e.trim()).filter(Boolean)) {
    const code = /^\d{1,10}$/.test(entry) ? Number(entry) : NaN;
    if (Number.isInteger(code) && code > 0 && code <= MAX_CODE) {
      if (!codes.includes(code)) codes.push(code);
    } else {
      invalid.push(entry);
    }
  }
  return { codes, invalid };
}

/** Linkage event levels 0-3 from "1,2,3" (or a list); anything else is dropped. */
export function parseEventLevels(input: unknown): number[] {
  const entries = Array.isArray(input) ? input.map(String) : typeof input === 'string' ? input.split(/[\s,;]+/) : [];
  const levels = entries.map((e) => e.trim()).filter((e) => /^[0-3]$/.test(e)).map(Number);
  return [...new Set(levels)].sort((a, b) => a - b);
}
