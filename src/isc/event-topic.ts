/**
 * `msg.topic` for one platform event: `isc/<ability>/<eventType>`. A linkage event (subType 1)
 * arrives with ability "" and eventType 0, which says nothing; its original event is in
 * `eventDetails[0]`, so its topic is `isc/linkage/<original ability>/<original eventType>` — a
 * flow can switch on the original type yet tell the linkage shape (`eventDetails`, `linkageResult`)
 * from the raw one.
 */
import type { IscEvent } from './event-notify';
import { isRecord } from '../util/is-record';

function segment(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** True for the outer event of a linkage push: empty ability, eventType 0. */
export function isLinkageEvent(ability: string, event: IscEvent): boolean {
  return ability === '' && (event.eventType === 0 || event.eventType === '0');
}

export function iscEventTopic(ability: string, event: IscEvent): string {
  if (isLinkageEvent(ability, event)) {
    const original = Array.isArray(event.eventDetails) ? event.eventDetails[0] : undefined;
    if (isRecord(original)) return `isc/linkage/${segment(original.ability)}/${segment(original.eventType)}`;
  }
  return `isc/${ability}/${segment(event.eventType)}`;
}
