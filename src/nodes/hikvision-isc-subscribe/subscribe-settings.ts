/**
 * The iSC subscribe node's properties read into what it subscribes and where the platform
 * should send: event type codes, callback port, path and URL, subType, levels, renewal interval.
 */
import type { NodeDef } from 'node-red';
import { defaultCallbackUrl } from '../../isc/callback-url';
import type { EventSubscriptionRequest, SubscriptionSubType } from '../../isc/event-service-api';
import { parseEventLevels, parseEventTypeList } from '../../isc/event-type-list';
import { normalisePath } from '../../net/url-path';

export interface IscSubscribeDef extends NodeDef {
  platform: string;
  eventTypes: string;
  subType: 'raw' | 'linkage' | 'both';
  eventLvl: string;
  listenPort: string | number;
  path: string;
  callbackUrl: string;
  unsubscribeOnClose: boolean;
  resubscribeInterval: string | number;
  /** Minutes without a push before output 2 says `silent`; 0 = off. */
  silentAfter?: string | number;
  /** `fetch`: download the pictures events name, through the platform, into `payload.images`. */
  pictures?: 'as-sent' | 'fetch';
}

export const DEFAULT_LISTEN_PORT = 8089;
export const DEFAULT_PATH = '/isc/events';
/** As the editor's default: hourly, cheap, and it heals a subscription the platform lost. */
export const DEFAULT_RESUBSCRIBE_SECONDS = 3600;
const SUB_TYPES: Readonly<Record<string, SubscriptionSubType>> = { raw: 0, linkage: 1, both: 2 };

export interface IscSubscribeSettings {
  eventTypes: number[];
  /** Entries of the event type list that are not codes. */
  invalid: string[];
  listenPort: number;
  path: string;
  /** null when this machine's address cannot be worked out and none was set. */
  callbackUrl: string | null;
  subType: SubscriptionSubType;
  eventLvl: number[];
  resubscribeMs: number;
  /** Minutes without a push before the node says the platform went silent; 0 = off. */
  silentAfterMinutes: number;
  fetchPictures: boolean;
}

function toNumber(value: string | number | undefined, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' ? value : parseInt(value ?? '', 10);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export function readSubscribeSettings(def: IscSubscribeDef): IscSubscribeSettings {
  const { codes: eventTypes, invalid } = parseEventTypeList(def.eventTypes);
  const listenPort = toNumber(def.listenPort, DEFAULT_LISTEN_PORT, 1, 65535);
  const path = normalisePath(def.path) ?? DEFAULT_PATH;
  const callbackUrl = (def.callbackUrl || '').trim() || defaultCallbackUrl(listenPort, path);
  const subType = SUB_TYPES[def.subType] ?? 0;
  const eventLvl = parseEventLevels(def.eventLvl);
  const resubscribeMs = toNumber(def.resubscribeInterval, DEFAULT_RESUBSCRIBE_SECONDS, 0, 7 * 86400) * 1000;
  const silentAfterMinutes = toNumber(def.silentAfter, 0, 0, 7 * 1440);
  return { eventTypes, invalid, listenPort, path, callbackUrl, subType, eventLvl, resubscribeMs, silentAfterMinutes, fetchPictures: def.pictures === 'fetch' };
}

/** The subscribe call's body for these settings. */
export function subscriptionRequest(settings: IscSubscribeSettings & { callbackUrl: string }): EventSubscriptionRequest {
  const { eventTypes, callbackUrl, subType, eventLvl } = settings;
  // Older platforms (before iSC 1.3) know neither field: send them only when they say something.
  const request: EventSubscriptionRequest = { eventTypes, eventDest: callbackUrl };
  if (subType !== 0) request.subType = subType;
  if (subType !== 0 && eventLvl.length > 0) request.eventLvl = eventLvl;
  return request;
}
