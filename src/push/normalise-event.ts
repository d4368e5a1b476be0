/** Builds the listener's payload from one parsed event object (XML strings or JSON as sent). */
import type { HikEvent, PushFormat } from './hik-event';
import { isRecord } from '../util/is-record';

export function toHikEvent(event: Record<string, unknown>, format: PushFormat): HikEvent {
  return {
    eventType: text(event.eventType),
    eventState: text(event.eventState),
    dateTime: text(event.dateTime),
    channelID: integer(event.channelID) ?? integer(event.dynChannelID),
    ipAddress: optionalText(event.ipAddress),
    macAddress: optionalText(event.macAddress),
    activePostCount: integer(event.activePostCount),
    format,
    replay: isReplay(event),
    event,
    images: [],
  };
}

/** A field as a trimmed string ('' when absent); the first of repeated elements. */
function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length > 0) return text(value[0]);
  return '';
}

function optionalText(value: unknown): string | null {
  const result = text(value);
  return result === '' ? null : result;
}

/** A whole number, from a JSON number or a string of digits; null when absent, empty or not a number. */
function integer(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const digits = text(value);
  if (!/^[+-]?\d{1,15}$/.test(digits)) return null;
  return Number(digits);
}

function flagIs(value: unknown, wanted: boolean): boolean {
  if (typeof value === 'boolean') return value === wanted;
  return typeof value === 'string' && value.trim().toLowerCase() === String(wanted);
}

/**
 * Re-sent from the device's store: `isDataRetransmission` true (XML and JSON envelopes), or
 * `currentEvent` false, which access terminals put inside the `AccessControllerEvent` object when
 * they dump their backlog. Both are looked for on the event and on its direct child objects.
 */
function isReplay(event: Record<string, unknown>): boolean {
  if (flagIs(event.isDataRetransmission, true) || flagIs(event.currentEvent, false)) return true;
  for (const key of Object.keys(event)) {
    const child = event[key];
    if (isRecord(child) && (flagIs(child.isDataRetransmission, true) || flagIs(child.currentEvent, false))) return true;
  }
  return false;
}
