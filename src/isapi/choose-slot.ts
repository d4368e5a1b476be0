/**
 * Which httpHosts slot a configurator may write: the one asked for, or (auto) the slot already
 * pointing at this listener, else the first unused one. Never someone else's slot by accident.
 */
import { IsapiError } from './isapi-error';
import { describeSlotTarget, slotPointsAt, type HttpHostsSlot } from './http-hosts-slot';

export type SlotChoiceReason = 'requested' | 'already-pointing' | 'unused';

export interface SlotChoice {
  slot: HttpHostsSlot;
  reason: SlotChoiceReason;
}

/** `1 → 10.0.0.5:8080/alarm, 2 → unused` */
export function listSlots(slots: readonly HttpHostsSlot[]): string {
  return slots.map((s) => `${s.id} → ${describeSlotTarget(s)}`).join(', ');
}

/**
 * `requested` is 'auto' or a slot id. Throws an IsapiError (kind 'bad-request') that lists the
 * slots when the id does not exist or when every slot points somewhere else.
 */
export function chooseSlot(slots: readonly HttpHostsSlot[], requested: string, host: string, port: number): SlotChoice {
  if (slots.length === 0) throw new IsapiError('protocol', 'the device lists no httpHosts slots');
  const wanted = requested.trim();
  if (wanted !== '' && wanted.toLowerCase() !== 'auto') {
    const slot = slots.find((s) => s.id === wanted);
    if (!slot) throw new IsapiError('bad-request', `the device has no httpHosts slot "${wanted}"; its slots: ${listSlots(slots)}`);
    return { slot, reason: 'requested' };
  }
  const ours = slots.find((s) => slotPointsAt(s, host, port));
  if (ours) return { slot: ours, reason: 'already-pointing' };
  const unused = slots.find((s) => !s.inUse);
  if (unused) return { slot: unused, reason: 'unused' };
  throw new IsapiError(
    'bad-request',
    `every httpHosts slot is in use and none points at ${host}:${port}: ${listSlots(slots)}. Choose the slot to overwrite in the node's "slot" setting`,
  );
}

/** The slot pointing at host:port, or null (for `get` and `test` with slot 'auto'). */
export function findOwnSlot(slots: readonly HttpHostsSlot[], requested: string, host: string, port: number): HttpHostsSlot | null {
  const wanted = requested.trim();
  if (wanted !== '' && wanted.toLowerCase() !== 'auto') return slots.find((s) => s.id === wanted) ?? null;
  return slots.find((s) => slotPointsAt(s, host, port)) ?? null;
}
