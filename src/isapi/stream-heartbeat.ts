/**
 * Which stream events are keep-alives rather than alarms (alert-stream.md §4): `videoloss` +
 * `inactive` (the ISAPI guide's heartbeat; a real video loss repeats with a rising activePostCount),
 * doorbells' `other` + `Heartbeat`, and subscribeEvent's and terminals' `heartBeat`.
 */
import type { HikEvent } from '../push/hik-event';

export function isHeartbeat(event: HikEvent): boolean {
  const type = event.eventType.toLowerCase();
  if (type === 'heartbeat') return true;
  const inactive = event.eventState.toLowerCase() === 'inactive';
  if (type === 'videoloss') return inactive && (event.activePostCount === null || event.activePostCount <= 1);
  const description = event.event.eventDescription;
  return inactive && typeof description === 'string' && description.trim().toLowerCase() === 'heartbeat';
}
