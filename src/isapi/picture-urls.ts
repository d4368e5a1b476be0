/**
 * Where a device event says its pictures are: the URL fields of VMD/intrusion events in URL mode
 * (`bkgUrl`), access-control terminals (`pictureURL`), face events (`faceURL`, `facePicUrl`) and
 * the ANPR firmware that sends links instead of parts. Field names vary by model, so every string
 * whose key ends in "url" and whose value points at a path on a device is taken.
 */

/** At most this many URLs per event: a hostile body must not turn one event into a flood of fetches. */
export const MAX_PICTURE_URLS = 4;
/** How deep into the event the search goes (the deepest real picture URL sits at depth 3). */
const MAX_DEPTH = 6;
/** Strings longer than this are not picture URLs (a device URL is well under 1 kB). */
const MAX_URL_LENGTH = 2048;

export interface PictureUrl {
  /** The key it was found under (`bkgUrl`, `pictureURL`, …): names the fetched image. */
  field: string;
  /** Path and query on the device (`/picture/Streaming/tracks/103/?name=…&size=…`), sent unchanged. */
  path: string;
  /** The URL as the event gave it, without any user:password part. */
  url: string;
}

/**
 * The picture URLs in an event, in document order, de-duplicated. Absolute `http(s)://` URLs keep
 * only their path and query: the host is the device's own view of its address, which DHCP and NAT
 * make wrong, so the fetch goes to the address the config node knows.
 */
export function findPictureUrls(event: Record<string, unknown>, limit = MAX_PICTURE_URLS): PictureUrl[] {
  const found: PictureUrl[] = [];
  const seen = new Set<string>();
  const visit = (value: unknown, key: string, depth: number): void => {
    if (found.length >= limit || depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      if (!/url$/i.test(key)) return;
      const url = pictureUrl(key, value);
      if (url && !seen.has(url.path)) {
        seen.add(url.path);
        found.push(url);
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key, depth + 1);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const name of Object.keys(value)) visit((value as Record<string, unknown>)[name], name, depth + 1);
    }
  };
  visit(event, '', 0);
  return found;
}

function pictureUrl(field: string, raw: string): PictureUrl | null {
  const text = raw.trim();
  if (text === '' || text.length > MAX_URL_LENGTH) return null;
  if (text.startsWith('/')) return /^\/[^/\\]/.test(text) ? { field, path: text, url: text } : null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  // Path and query go out as the device wrote them (the query is part of the digest uri); only an
  // XML-escaped `&amp;` that survived is undone.
  const authorityStart = text.indexOf('//') + 2;
  const pathStart = text.slice(authorityStart).search(/[/?#]/);
  const rest = pathStart === -1 ? '/' : text.slice(authorityStart + pathStart).replace(/#.*$/, '');
  const path = (rest.startsWith('/') ? rest : `/${rest}`).replace(/&amp;/g, '&');
  return { field, path, url: `${parsed.protocol}//${parsed.host}${path}` };
}

/** The snapshot of a channel's main stream: `/ISAPI/Streaming/channels/<channel>01/picture`. */
export function snapshotPath(channelID: number | null): string {
  const channel = channelID !== null && Number.isInteger(channelID) && channelID > 0 ? channelID : 1;
  return `/ISAPI/Streaming/channels/${channel}01/picture`;
}
