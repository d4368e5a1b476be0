/**
 * Downloads the pictures a platform event names, through the platform: a signed call to the
 * picture API for each reference, then, where the API answers with a redirect or a `picUrl`, one
 * plain GET of that address. Every picture ends by the event's deadline; a failure costs only
 * that picture.
 */
import http from 'node:http';
import https from 'node:https';
import type { HikImage } from '../push/hik-event';
import type { ArtemisClient, RawAnswer } from './artemis-client';
import { ArtemisError, hintForArtemisCode } from './artemis-error';
import type { IscEvent } from './event-notify';
import type { IscPlatform } from './isc-platform';
import { findPlatformPictures, PLATFORM_PICTURE_PATHS, platformPictureRequest, type PlatformPictureRef } from './platform-pictures';

export interface PlatformPictureLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_PLATFORM_PICTURE_LIMITS: Readonly<PlatformPictureLimits> = Object.freeze({ timeoutMs: 5000, maxBytes: 8 * 1024 * 1024 });

/** A picture from the platform: the fetched image in the shape device pictures have. */
export type PlatformImage = HikImage & { source: 'url'; url: string };

export interface PlatformPictureFailure {
  uri: string;
  reason: string;
}

/**
 * The event's pictures, fetched through the platform, and what could not be fetched. Never
 * rejects; resolves by `deadline` (ms since the epoch).
 */
export async function fetchPlatformPictures(
  client: ArtemisClient,
  platform: IscPlatform,
  ability: string,
  event: IscEvent,
  deadline: number,
  limits: PlatformPictureLimits = DEFAULT_PLATFORM_PICTURE_LIMITS,
): Promise<{ images: PlatformImage[]; failures: PlatformPictureFailure[] }> {
  const refs = findPlatformPictures(ability, event);
  const results = await Promise.allSettled(refs.map((ref) => fetchOne(client, platform, ref, deadline, limits)));
  const images: PlatformImage[] = [];
  const failures: PlatformPictureFailure[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') images.push(result.value);
    else failures.push({ uri: refs[i].uri.split('?')[0], reason: result.reason instanceof Error ? result.reason.message : String(result.reason) });
  });
  return { images, failures };
}

async function fetchOne(client: ArtemisClient, platform: IscPlatform, ref: PlatformPictureRef, deadline: number, limits: PlatformPictureLimits): Promise<PlatformImage> {
  const left = () => Math.max(1, deadline - Date.now());
  const answer = await client.post(PLATFORM_PICTURE_PATHS[ref.api], platformPictureRequest(ref, platform.protocol), { timeoutMs: left(), maxBytes: limits.maxBytes });
  let picture = pictureIn(answer);
  let url = ref.uri;
  if (!picture) {
    const next = nextAddress(answer);
    if (!next) throw unusable(answer);
    url = next;
    const fetched = await get(next, platform.rejectUnauthorized, left(), limits.maxBytes);
    picture = pictureIn(fetched);
    if (!picture) throw new ArtemisError(`the picture address the platform gave answered HTTP ${fetched.status}, not a picture`, { kind: 'response', code: 'BAD_RESPONSE', httpStatus: fetched.status });
  }
  return { name: ref.field, filename: `${ref.field}.jpg`, contentType: picture.contentType, contentId: null, data: picture.data, source: 'url', url };
}

/** The picture bytes in a 200 answer: an image, or base64 in `data` (HikCentral's image_data style). */
function pictureIn(answer: RawAnswer): { data: Buffer; contentType: string } | null {
  if (answer.status !== 200 || answer.body.length === 0) return null;
  const type = (answer.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type.startsWith('image/')) return { data: answer.body, contentType: type };
  if (answer.body[0] === 0xff && answer.body[1] === 0xd8) return { data: answer.body, contentType: 'image/jpeg' };
  const data = envelope(answer)?.data;
  if (typeof data === 'string' && /^[A-Za-z0-9+/=\s]{16,}$/.test(data)) {
    const bytes = Buffer.from(data, 'base64');
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return { data: bytes, contentType: 'image/jpeg' };
  }
  return null;
}

/** Where the picture is when the API answered with an address: a redirect, or `data.picUrl`. */
function nextAddress(answer: RawAnswer): string | null {
  const location = answer.headers.location;
  if (answer.status >= 300 && answer.status < 400 && typeof location === 'string' && /^https?:\/\//i.test(location)) return location;
  const parsed = envelope(answer);
  if (parsed?.code !== '0') return null;
  const data = parsed.data as Record<string, unknown> | null | undefined;
  const picUrl = typeof data === 'object' && data !== null ? data.picUrl : undefined;
  return typeof picUrl === 'string' && /^https?:\/\//i.test(picUrl) ? picUrl : null;
}

function envelope(answer: RawAnswer): { code: string; msg: string; data?: unknown } | null {
  if (answer.body.length > 1024 * 1024) return null;
  try {
    const parsed = JSON.parse(answer.body.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || !('code' in parsed)) return null;
    const record = parsed as Record<string, unknown>;
    return { code: String(record.code), msg: typeof record.msg === 'string' ? record.msg : '', data: record.data };
  } catch {
    return null;
  }
}

function unusable(answer: RawAnswer): ArtemisError {
  const parsed = envelope(answer);
  if (parsed && parsed.code !== '0') {
    const hint = hintForArtemisCode(parsed.code);
    return new ArtemisError(`platform error ${parsed.code}: ${parsed.msg.slice(0, 200)}${hint ? ` (${hint})` : ''}`, { kind: 'platform', code: parsed.code, httpStatus: answer.status });
  }
  return new ArtemisError(`the picture API answered HTTP ${answer.status} without a picture`, { kind: 'response', code: 'BAD_RESPONSE', httpStatus: answer.status });
}

/** One plain GET of a picture address the platform handed out (it carries its own access token, if any). */
function get(url: string, rejectUnauthorized: boolean, timeoutMs: number, maxBytes: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.get(target, { agent: false, rejectUnauthorized, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) req.destroy(new ArtemisError(`the picture at ${target.origin}${target.pathname} is larger than ${maxBytes} bytes`, { kind: 'response', code: 'BAD_RESPONSE' }));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new ArtemisError(`no picture from ${target.origin} in time`, { kind: 'timeout', code: 'TIMEOUT' })));
    req.on('error', reject);
  });
}
