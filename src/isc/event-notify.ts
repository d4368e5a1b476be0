/**
 * The body an iSC / HikCentral platform POSTs to a subscriber's eventDest:
 * `{"method":"OnEventNotify","params":{"ability":…,"sendTime":…,"events":[…]}}`. Events are kept
 * exactly as sent (times stay ISO 8601 or `YYYY-MM-DD hh:mm:ss`, numbers stay numbers); this
 * module only checks the envelope and hands out one event object per event.
 *
 * Safety, as for device pushes: `"__proto__"` keys are deleted (JSON.parse makes them own
 * properties, which a careless copy downstream turns into an object's prototype; no platform sends
 * one), and bodies nested deeper than {@link MAX_NOTIFY_DEPTH} are refused (flows clone and
 * stringify messages recursively; real events nest about 5 levels), as are bodies of more than
 * {@link MAX_NOTIFY_EVENTS} events.
 */
import { quoteForeignText } from '../net/log-text';
import { isRecord } from '../util/is-record';

export const MAX_NOTIFY_DEPTH = 64;
/** A platform sends at most 50 events per POST; far more would flood the flow (one message each). */
export const MAX_NOTIFY_EVENTS = 1000;

/** One platform event, as sent. The fields named here are the ones every event carries. */
export interface IscEvent {
  eventId?: string;
  /** A code such as 198914; 0 on the outer event of a linkage event. */
  eventType?: number | string;
  /** 0 instantaneous, 1 start, 2 stop, 3 pulse, 4 linkage result update, 5 late picture upload. */
  status?: number;
  happenTime?: string;
  srcIndex?: string;
  srcType?: string;
  srcName?: string;
  /** Linkage events: the original events. */
  eventDetails?: unknown[];
  [field: string]: unknown;
}

export interface EventNotify {
  /** `event_acs`, `event_vss`, `event_rule`, `event_pms`…; '' for linkage events. */
  ability: string;
  /** As sent (ISO 8601 or `YYYY-MM-DD hh:mm:ss`); null when the platform sent none. */
  sendTime: string | number | null;
  events: IscEvent[];
  /** The whole `params` object, for the fields this module does not name (`uids`, `clients`…). */
  params: Record<string, unknown>;
}

/** A body that is not an OnEventNotify; `raw` is the body as received, for the flow to inspect. */
export class EventNotifyError extends Error {
  readonly raw: string;

  constructor(message: string, raw: string) {
    super(message);
    this.name = 'EventNotifyError';
    this.raw = raw;
  }
}

/** Parses an OnEventNotify body; throws `EventNotifyError` (with the raw body) when it is not one. */
export function parseEventNotify(body: string | Buffer): EventNotify {
  const raw = typeof body === 'string' ? body : body.toString('utf8');
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trim() === '') throw new EventNotifyError('empty OnEventNotify body', raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new EventNotifyError(`OnEventNotify body is not JSON: ${quoteForeignText((err as Error).message)}`, raw);
  }
  if (!isRecord(parsed)) throw new EventNotifyError('OnEventNotify body is not a JSON object', raw);
  sanitise(parsed, raw);
  if (parsed.method !== 'OnEventNotify') {
    throw new EventNotifyError(`unexpected method ${quoteForeignText(JSON.stringify(parsed.method ?? null))} (expected "OnEventNotify")`, raw);
  }
  const params = parsed.params;
  if (!isRecord(params)) throw new EventNotifyError('OnEventNotify without a params object', raw);
  const ability = params.ability ?? '';
  if (typeof ability !== 'string') throw new EventNotifyError('OnEventNotify params.ability is not a string', raw);
  const events = params.events;
  if (!Array.isArray(events)) throw new EventNotifyError('OnEventNotify without a params.events array', raw);
  if (events.length > MAX_NOTIFY_EVENTS) throw new EventNotifyError(`OnEventNotify with more than ${MAX_NOTIFY_EVENTS} events`, raw);
  const bad = events.findIndex((event) => !isRecord(event));
  if (bad !== -1) throw new EventNotifyError(`OnEventNotify params.events[${bad}] is not an object`, raw);
  const sendTime = typeof params.sendTime === 'string' || typeof params.sendTime === 'number' ? params.sendTime : null;
  return { ability, sendTime, events: events as IscEvent[], params };
}

/** Deletes `__proto__` keys and refuses deep nesting; iterative, so depth cannot overflow the stack. */
function sanitise(root: unknown, raw: string): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_NOTIFY_DEPTH) throw new EventNotifyError(`OnEventNotify body nested deeper than ${MAX_NOTIFY_DEPTH} levels`, raw);
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (Object.hasOwn(record, '__proto__')) delete record['__proto__'];
    for (const key of Object.keys(record)) stack.push([record[key], depth + 1]);
  }
}
