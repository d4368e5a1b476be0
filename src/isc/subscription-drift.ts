/**
 * Whether the platform's view still holds our subscription as we made it: the callback listed,
 * with exactly our event types. The keeper re-subscribes only when this finds a difference.
 */
import type { EventSubscriptionRequest, SubscriptionView } from './event-service-api';

function sameDest(a: string, b: string): boolean {
  const norm = (url: string) => url.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** What differs between the view and the request, or null when the view matches it. */
export function subscriptionDrift(view: SubscriptionView, request: EventSubscriptionRequest): string | null {
  const entries = view.detail.filter((entry) => typeof entry.eventDest === 'string' && sameDest(entry.eventDest, request.eventDest));
  if (entries.length === 0) return `the platform no longer lists ${request.eventDest}`;
  const listed = new Set(entries.flatMap((entry) => (Array.isArray(entry.eventTypes) ? entry.eventTypes : []).map(String)));
  const wanted = new Set(request.eventTypes.map(String));
  const missing = [...wanted].filter((type) => !listed.has(type));
  if (missing.length > 0) return `types missing for the callback: ${missing.join(',')}`;
  const extra = [...listed].filter((type) => !wanted.has(type));
  return extra.length > 0 ? `other types listed for the callback: ${extra.join(',')}` : null;
}
