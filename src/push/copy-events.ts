/**
 * A copy of parsed events that shares nothing mutable with the original, for the second and later
 * subscribers of one route: a change node in one flow must not alter what another flow sees. The
 * first subscriber keeps the original, so a route with one listener copies nothing.
 */
import type { HikEvent, HikImage } from './hik-event';

/** @param withImages whether picture bytes are copied too (a subscriber without pictures gets none) */
export function copyEvents(events: readonly HikEvent[], withImages: boolean): HikEvent[] {
  return events.map((event) => ({
    ...event,
    event: structuredClone(event.event),
    images: withImages ? event.images.map(copyImage) : [],
  }));
}

function copyImage(image: HikImage): HikImage {
  // Buffer.from copies the bytes; structuredClone would turn the Buffer into a plain Uint8Array
  return { ...image, data: Buffer.from(image.data) };
}
