/**
 * The Artemis event service calls this package makes: paths (after the gateway prefix) and bodies,
 * shared by the client and the platform simulator.
 */

/** Every Artemis API path starts with this prefix, and the signature covers it. */
export const ARTEMIS_PREFIX = '/artemis';

export const EVENT_SERVICE_PATHS = {
  subscribe: '/api/eventService/v1/eventSubscriptionByEventTypes',
  unsubscribe: '/api/eventService/v1/eventUnSubscriptionByEventTypes',
  view: '/api/eventService/v1/eventSubscriptionView',
} as const;

/** 0 raw events (also when absent), 1 linkage events, 2 both (iSC 1.3 and later). */
export type SubscriptionSubType = 0 | 1 | 2;

export interface EventSubscriptionRequest {
  eventTypes: number[];
  /** The callback URL the platform POSTs events to. */
  eventDest: string;
  subType?: SubscriptionSubType;
  /** Linkage event levels: 0 unconfigured, 1 low, 2 medium, 3 high; absent = all. */
  eventLvl?: number[];
}

export interface EventUnsubscriptionRequest {
  eventTypes: number[];
}

export interface SubscriptionViewEntry {
  eventDest: string;
  eventTypes: (number | string)[];
  [field: string]: unknown;
}

export interface SubscriptionView {
  detail: SubscriptionViewEntry[];
  [field: string]: unknown;
}

/** The envelope of every Artemis answer. */
export interface ArtemisEnvelope<T = unknown> {
  code: string;
  msg: string;
  data?: T;
}
