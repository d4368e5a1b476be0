/**
 * What the filter needs to know about a message, read from either shape it receives:
 * - device (the listener's `HikEvent` payload): `eventType` a string, `eventState`, `channelID`,
 *   `ipAddress`/`macAddress`, `replay`; `msg.remoteAddress` beside it;
 * - platform (the iSC node: the OnEventNotify event as sent): `eventType` a number, `status` 0–5,
 *   `eventId`, `srcIndex`/`srcName`, and for linkage events (outer `eventType` 0) the original
 *   events in `eventDetails[]`.
 * Nothing here changes the message.
 */
import { canonicalEventType } from './event-type-aliases';
import { isRecord } from '../util/is-record';

export type EventShape = 'device' | 'isc';

export interface EventFacts {
  shape: EventShape;
  /** Every type the event answers to, as sent (codes as decimal strings); inner types included. */
  types: string[];
  /** The event's type for keys: lower-case, one name per alias group. */
  keyType: string;
  /** Device: `eventState` lower-cased ('' when none). Platform: `status` as a digit ('' when none). */
  state: string;
  /** Device channel (`channelID`) as a decimal string; null on the platform shape or when absent. */
  channel: string | null;
  /** Lower-case identifiers the `devices` rule may name: IP, MAC, remote address / srcIndex, srcName. */
  deviceIds: string[];
  /** The one identifier used in keys: ipAddress, else the remote address, else MAC (device); srcIndex (platform). */
  deviceKey: string;
  /** The device marked the event as re-sent from its store (`payload.replay`, or the listener's `msg.replay`). */
  replay: boolean;
  /** Platform event id (the status-4/5 twin carries its first event's id); null on devices. */
  eventId: string | null;
  /** Platform status 0–5; null on devices or when absent. */
  status: number | null;
}

type Fields = Record<string, unknown>;

function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A code as its canonical decimal string (`0131329` → `131329`), or null when not a code. */
export function eventCode(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return value.trim().replace(/^0+(?=\d)/, '');
  return null;
}

/** Strips the IPv4-mapped IPv6 prefix Node gives remote addresses (`::ffff:192.168.1.64`). */
function plainAddress(address: string): string {
  return address.replace(/^::ffff:/i, '');
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function isPlatformEvent(payload: Fields): boolean {
  if (typeof payload.eventType === 'number') return true;
  // Some platforms might send the code as a string: an eventId and a status tell the shape apart.
  return eventCode(payload.eventType) !== null && 'eventId' in payload && 'status' in payload && !('eventState' in payload);
}

function deviceFacts(msg: Fields, payload: Fields, eventType: string): EventFacts {
  const types = [eventType];
  let keyType = canonicalEventType(eventType);
  // `duration` wraps the real event type in DurationList/Duration/relationEvent (device-formats.md).
  if (eventType.toLowerCase() === 'duration' && isRecord(payload.event)) {
    const list = payload.event.DurationList;
    const relations = (isRecord(list) ? asList(list.Duration) : [])
      .map((d) => (isRecord(d) ? text(d.relationEvent) : null))
      .filter((t): t is string => t !== null);
    types.push(...relations);
    if (relations.length > 0) keyType += '/' + relations.map(canonicalEventType).join('+');
  }
  const channel = eventCode(payload.channelID);
  const ip = text(payload.ipAddress);
  const remote = typeof msg.remoteAddress === 'string' ? text(plainAddress(msg.remoteAddress)) : null;
  const mac = text(payload.macAddress);
  const ids = [ip, remote, mac].filter((v): v is string => v !== null).map((v) => v.toLowerCase());
  return {
    shape: 'device',
    types,
    keyType,
    state: (text(payload.eventState) ?? '').toLowerCase(),
    channel,
    deviceIds: ids,
    deviceKey: (ip ?? remote ?? mac ?? '').toLowerCase(),
    replay: payload.replay === true || msg.replay === true,
    eventId: null,
    status: null,
  };
}

function platformFacts(payload: Fields): EventFacts {
  const outer = eventCode(payload.eventType) ?? '';
  const types = [outer];
  // Linkage events: outer eventType 0, the events that triggered the linkage in eventDetails[].
  for (const detail of asList(payload.eventDetails)) {
    const inner = isRecord(detail) ? eventCode(detail.eventType) : null;
    if (inner !== null && !types.includes(inner)) types.push(inner);
  }
  const status = typeof payload.status === 'number' ? payload.status : Number(eventCode(payload.status) ?? NaN);
  const srcIndex = text(payload.srcIndex);
  const srcName = text(payload.srcName);
  return {
    shape: 'isc',
    types,
    keyType: types.join('+'),
    state: Number.isInteger(status) ? String(status) : '',
    channel: null,
    deviceIds: [srcIndex, srcName].filter((v): v is string => v !== null).map((v) => v.toLowerCase()),
    deviceKey: (srcIndex ?? '').toLowerCase(),
    replay: false,
    eventId: text(payload.eventId),
    status: Number.isInteger(status) ? status : null,
  };
}

/** The facts of a message, or null when its payload is not an event of either shape. */
export function readEventFacts(msg: unknown): EventFacts | null {
  if (!isRecord(msg) || !isRecord(msg.payload)) return null;
  const payload = msg.payload;
  if (isPlatformEvent(payload)) return platformFacts(payload);
  const eventType = text(payload.eventType);
  if (typeof payload.eventType !== 'string' || eventType === null) return null;
  return deviceFacts(msg, payload, eventType);
}
