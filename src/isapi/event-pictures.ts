/**
 * Pictures for events that arrive without them: download the picture URLs an event carries, and
 * take a snapshot of the event's channel when it has no picture at all. The result joins
 * `payload.images` in the shape pushed pictures have, plus where it came from.
 */
import type { HikEvent, HikImage } from '../push/hik-event';
import type { DevicePictureSource } from './picture-fetcher';
import { findPictureUrls, snapshotPath } from './picture-urls';

/** The listener's and the alert-stream node's `pictures` property. */
export type PictureMode = 'as-sent' | 'fetch-urls' | 'snapshot';

export const PICTURE_MODES: readonly PictureMode[] = ['as-sent', 'fetch-urls', 'snapshot'];

export function pictureMode(value: unknown): PictureMode {
  return PICTURE_MODES.includes(value as PictureMode) ? (value as PictureMode) : 'as-sent';
}

/** Why a picture is missing: the event still goes out, and the node warns (rate-limited). */
export interface PictureProblem {
  /** `url` for a picture URL, `snapshot` for a channel snapshot. */
  source: 'url' | 'snapshot';
  path: string;
  reason: string;
}

/** Whether this mode could fetch anything for this event (cheap: decides if the event waits at all). */
export function wantsPictures(event: HikEvent, mode: PictureMode): boolean {
  if (mode === 'as-sent') return false;
  if (findPictureUrls(event.event, 1).length > 0) return true;
  return mode === 'snapshot' && snapshotWorthy(event);
}

/**
 * A snapshot shows the scene now, so only for an event happening now that brought no picture:
 * not for the end of an event, a keep-alive (`videoloss`/`inactive` every few seconds) or a replay
 * of a stored event.
 */
function snapshotWorthy(event: HikEvent): boolean {
  return event.images.length === 0 && !event.replay && event.eventState.toLowerCase() !== 'inactive';
}

/**
 * The event with its fetched pictures added (a new object: the pushed one may be shared), and what
 * could not be fetched. Never rejects and never waits past the deadline (ms since the epoch).
 */
export async function addPictures(
  event: HikEvent,
  mode: PictureMode,
  source: DevicePictureSource,
  deadline: number,
): Promise<{ event: HikEvent; problems: PictureProblem[] }> {
  const problems: PictureProblem[] = [];
  const fetched: HikImage[] = [];
  if (mode === 'as-sent') return { event, problems };

  const urls = findPictureUrls(event.event);
  const results = await Promise.allSettled(urls.map((u) => source.fetch(u.path, deadline)));
  results.forEach((result, i) => {
    const { field, path } = urls[i];
    if (result.status === 'fulfilled') {
      fetched.push(image(field, fileName(path, field), result.value.contentType, result.value.data, 'url', result.value.url));
    } else {
      problems.push({ source: 'url', path: path.split('?')[0], reason: reasonOf(result.reason) });
    }
  });

  if (mode === 'snapshot' && fetched.length === 0 && snapshotWorthy(event)) {
    const path = snapshotPath(event.channelID);
    try {
      const picture = await source.fetch(path, deadline);
      const channel = event.channelID ?? 1;
      fetched.push(image('snapshot', `snapshot-ch${channel}.jpg`, picture.contentType, picture.data, 'snapshot', picture.url));
    } catch (err) {
      problems.push({ source: 'snapshot', path, reason: reasonOf(err) });
    }
  }
  if (fetched.length === 0) return { event, problems };
  return { event: { ...event, images: [...event.images, ...fetched] }, problems };
}

function image(name: string, filename: string, contentType: string, data: Buffer, source: 'url' | 'snapshot', url: string): HikImage {
  return { name, filename, contentType, contentId: null, data, source, url };
}

/** The URL's own file name when it has one (`01_170640_30075_0.jpeg`), else `<field>.jpg`. */
function fileName(path: string, field: string): string {
  const last = path.split('?')[0].split('/').filter(Boolean).at(-1) ?? '';
  const clean = last.replace(/@.*$/, '');
  return /^[\w.-]{1,100}\.(jpe?g|png|bmp)$/i.test(clean) ? clean : `${field}.jpg`;
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
