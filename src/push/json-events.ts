/**
 * JSON event documents: kept as sent (numbers stay numbers, `"0012"` stays a string). Accepted shapes:
 * one event object, an array of them, objects written back to back, and wrappers around the event
 * (`{"EventNotificationAlert": {…}}` from DeepinView cameras, `{"data": {…}}`): the wrapper is
 * removed so the event's own fields sit at the top of `.event` whatever the device.
 *
 * Safety: JSON.parse makes `"__proto__"` an ordinary own property, harmless until someone copies it
 * by assignment; such keys carry nothing a device means, so they are deleted. Documents nested deeper
 * than {@link MAX_JSON_DEPTH} are refused (they would overflow recursive consumers downstream).
 */
import { PushError } from './push-error';
import { isRecord } from '../util/is-record';

export const MAX_JSON_DEPTH = 64;
const EVENT_ROOT = 'EventNotificationAlert';
const MAX_WRAPPER_DEPTH = 3;

export function parseJsonEvents(text: string): Record<string, unknown>[] {
  const values = parseJsonValues(text);
  if (mayNeedWalk(text)) for (const value of values) sanitise(value);
  const events: Record<string, unknown>[] = [];
  for (const value of values) collectEvents(value, events);
  if (events.length === 0) throw new PushError('malformed', 'JSON without an event object');
  return events;
}

function parseJsonValues(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    const pieces = splitConcatenated(text);
    if (pieces && pieces.length > 1) {
      try {
        return pieces.map((piece) => JSON.parse(piece) as unknown);
      } catch {
        // fall through
      }
    }
    // JSON.parse's message quotes the text (names, card numbers): say only what failed
    throw new PushError('malformed', 'JSON not readable');
  }
}

/** Top-level objects/arrays written one after another (`{…}{…}` or one per line); null if not that. */
function splitConcatenated(text: string): string[] | null {
  const pieces: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
      continue;
    }
    if (ch === 0x22) {
      if (depth === 0) return null;
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      if (depth++ === 0) start = i;
    } else if (ch === 0x7d || ch === 0x5d) {
      if (--depth < 0) return null;
      if (depth === 0) pieces.push(text.slice(start, i + 1));
    } else if (depth === 0 && ch !== 0x20 && ch !== 0x09 && ch !== 0x0a && ch !== 0x0d && ch !== 0x2c) {
      return null;
    }
  }
  return depth === 0 ? pieces : null;
}

/**
 * A walk over the parsed value is only needed when the text could hold a `__proto__` key (also
 * spelled with \u escapes) or be deeply nested; typical device JSON needs none.
 */
function mayNeedWalk(text: string): boolean {
  if (text.includes('__proto__') || text.includes('\\u')) return true;
  let containers = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++containers > MAX_JSON_DEPTH) return true;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++containers > MAX_JSON_DEPTH) return true;
  return false;
}

/** Deletes `__proto__` keys and refuses deep nesting; iterative, so depth cannot overflow the stack. */
function sanitise(root: unknown): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) throw new PushError('malformed', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(record, '__proto__')) delete record['__proto__'];
    for (const key of Object.keys(record)) stack.push([record[key], depth + 1]);
  }
}

function collectEvents(value: unknown, out: Record<string, unknown>[]): void {
  const found: Record<string, unknown>[] = [];
  findEventObjects(value, 0, found);
  if (found.length > 0) out.push(...found);
  else if (isRecord(value)) out.push(value);
  else if (Array.isArray(value)) for (const item of value) if (isRecord(item)) out.push(item);
}

/**
 * Objects that are events: those with an `eventType`, and the content of `EventNotificationAlert`,
 * looked for at the top, in arrays, and inside single-key wrappers, a few levels deep.
 */
function findEventObjects(value: unknown, depth: number, out: Record<string, unknown>[]): void {
  if (depth > MAX_WRAPPER_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) findEventObjects(item, depth + 1, out);
    return;
  }
  if (!isRecord(value)) return;
  if ('eventType' in value) {
    out.push(value);
    return;
  }
  if (EVENT_ROOT in value) {
    const inner = value[EVENT_ROOT];
    for (const item of Array.isArray(inner) ? inner : [inner]) if (isRecord(item)) out.push(item);
    return;
  }
  const keys = Object.keys(value);
  if (keys.length === 1) findEventObjects(value[keys[0]], depth + 1, out);
}
