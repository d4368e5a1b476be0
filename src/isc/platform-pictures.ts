/**
 * Where the pictures of a platform event are, and which Artemis API hands them out:
 * - a relative URI (`/pic?…`, ACS `ExtEventPictureURL`) lives on a picture storage server named by
 *   the `svrIndexCode` beside it: ACS pictures come from `/api/acs/v1/event/pictures`, the others
 *   from `/api/video/v1/events/picture`, which answers a fetchable `picUrl`;
 * - an absolute URL (face `faceUrl`/`bkgUrl`, rule `imageUrl`, parking `picUrl`) often points at a
 *   device or a picture service that only the platform can reach, so it goes through
 *   `/api/frs/v1/application/picture`, which fetches it for us.
 * The API facts come from integrators' code (pictures-and-health.md §3), not from a platform.
 */
import type { IscEvent } from './event-notify';

export const PLATFORM_PICTURE_PATHS = {
  acs: '/api/acs/v1/event/pictures',
  video: '/api/video/v1/events/picture',
  frs: '/api/frs/v1/application/picture',
} as const;

export type PlatformPictureApi = keyof typeof PLATFORM_PICTURE_PATHS;

/** At most this many pictures per event. */
export const MAX_PLATFORM_PICTURES = 4;
const MAX_DEPTH = 6;
const MAX_URI_LENGTH = 2048;

export interface PlatformPictureRef {
  /** The key it was found under (`ExtEventPictureURL`, `imageUrl`, …). */
  field: string;
  /** The URI or URL as sent. */
  uri: string;
  /** The picture storage server a relative URI lives on ('' when the event names none). */
  svrIndexCode: string;
  api: PlatformPictureApi;
}

/** The picture references in an event, in document order, once each (linkage `eventDetails` included). */
export function findPlatformPictures(ability: string, event: IscEvent): PlatformPictureRef[] {
  const found: PlatformPictureRef[] = [];
  const seen = new Set<string>();
  const visit = (value: unknown, depth: number, outerAbility: string): void => {
    if (found.length >= MAX_PLATFORM_PICTURES || depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1, outerAbility);
      return;
    }
    const record = value as Record<string, unknown>;
    // An original event inside a linkage event names its own ability.
    const here = typeof record.ability === 'string' && record.ability !== '' ? record.ability : outerAbility;
    const server = typeof record.svrIndexCode === 'string' ? record.svrIndexCode : '';
    for (const [key, item] of Object.entries(record)) {
      if (typeof item === 'string') {
        if (!/(url|uri)$/i.test(key) || item.length > MAX_URI_LENGTH || seen.has(item)) continue;
        const api = apiFor(item, here);
        if (!api || found.length >= MAX_PLATFORM_PICTURES) continue;
        seen.add(item);
        found.push({ field: key, uri: item, svrIndexCode: server, api });
      } else {
        visit(item, depth + 1, here);
      }
    }
  };
  visit(event, 0, ability);
  return found;
}

function apiFor(uri: string, ability: string): PlatformPictureApi | null {
  if (/^\/[^/]/.test(uri)) return ability === 'event_acs' ? 'acs' : 'video';
  return /^https?:\/\/[^/\s]+/i.test(uri) ? 'frs' : null;
}

/** The request body each API takes for a reference. */
export function platformPictureRequest(ref: PlatformPictureRef, protocol: 'http' | 'https'): Record<string, string> {
  switch (ref.api) {
    case 'acs': return { svrIndexCode: ref.svrIndexCode, picUri: ref.uri };
    case 'video': return { svrIndexCode: ref.svrIndexCode, picUri: ref.uri.slice(Math.max(0, ref.uri.indexOf('/pic?'))), netProtocol: protocol };
    case 'frs': return { url: ref.uri };
  }
}
