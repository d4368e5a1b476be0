/**
 * Fetches pictures from one device (event picture URLs, channel snapshots) with its digest login,
 * a size cap, a timeout, and a few requests at once: a burst of events must not open dozens of
 * connections to a camera, and a dead device must not pile up requests.
 */
import { DigestClient } from './digest-client';
import type { DeviceTarget } from './device-target';
import { IsapiError, statusError } from './isapi-error';

export interface PictureLimits {
  /** The longest an event waits for its pictures, ms. */
  timeoutMs: number;
  /** Largest picture accepted, bytes. */
  maxBytes: number;
  /** Requests to one device at the same time. */
  concurrency: number;
}

export const DEFAULT_PICTURE_LIMITS: Readonly<PictureLimits> = Object.freeze({ timeoutMs: 5000, maxBytes: 8 * 1024 * 1024, concurrency: 2 });

/** A node's timeout setting in seconds (0.5 to 60) as ms; anything else gives the default. */
export function pictureTimeoutMs(seconds: unknown): number {
  const n = typeof seconds === 'number' ? seconds : typeof seconds === 'string' ? Number.parseFloat(seconds) : NaN;
  return Number.isFinite(n) && n >= 0.5 && n <= 60 ? Math.round(n * 1000) : DEFAULT_PICTURE_LIMITS.timeoutMs;
}

export interface FetchedPicture {
  data: Buffer;
  contentType: string;
  /** Where it came from, without credentials: `http://host:port/path?query`. */
  url: string;
}

const JPEG_MAGIC = Buffer.from([0xff, 0xd8]);

export class DevicePictureSource {
  private readonly client: DigestClient;
  private active = 0;
  private loggedIn = false;
  private readonly waiting: (() => void)[] = [];

  constructor(target: DeviceTarget, private readonly limits: PictureLimits = DEFAULT_PICTURE_LIMITS) {
    // A refused password is final (the device locks the account after a few): the client then sends nothing more.
    this.client = new DigestClient(target, { timeoutMs: limits.timeoutMs, maxBodyBytes: limits.maxBytes, authHoldOffMs: Infinity });
  }

  get origin(): string {
    return this.client.origin;
  }

  /**
   * GETs one picture (path with query, sent unchanged). Rejects with an IsapiError when the device
   * refuses, answers something that is not a picture, or the deadline (ms since the epoch) passes
   * first, whether waiting for a free request slot or for the answer.
   */
  async fetch(path: string, deadline: number): Promise<FetchedPicture> {
    await this.acquire(deadline);
    try {
      const res = await beforeDeadline(this.client.request({ method: 'GET', path }), deadline, `${this.origin} did not send the picture in time`);
      this.loggedIn = true; // any answer but 401 (which rejects) means the login was taken
      if (res.status !== 200) throw statusError('GET', path, res.status, res.body);
      const contentType = (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const picture = contentType.startsWith('image/') || (contentType === '' || contentType === 'application/octet-stream') && res.body.subarray(0, 2).equals(JPEG_MAGIC);
      if (!picture || res.body.length === 0) {
        throw new IsapiError('protocol', `GET ${path.split('?')[0]} answered 200 with ${contentType || 'no Content-Type'} (${res.body.length} bytes), not a picture`);
      }
      return { data: res.body, contentType: contentType.startsWith('image/') ? contentType : 'image/jpeg', url: `${this.origin}${path}` };
    } finally {
      this.release();
    }
  }

  /**
   * One request at a time until the device has accepted the login once: with a wrong password,
   * parallel requests would each fail a login and bring the account lock-out closer.
   */
  private get concurrency(): number {
    return this.loggedIn ? this.limits.concurrency : 1;
  }

  private acquire(deadline: number): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        this.active++;
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(grant);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(new IsapiError('timeout', `${this.origin} was still busy with other picture requests when the event could wait no longer`));
      }, Math.max(0, deadline - Date.now()));
      this.waiting.push(grant);
    });
  }

  private release(): void {
    this.active--;
    while (this.waiting.length > 0 && this.active < this.concurrency) this.waiting.shift()?.();
  }
}

/** The promise, or a timeout error at the deadline (the request itself ends at its own timeout). */
function beforeDeadline<T>(promise: Promise<T>, deadline: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new IsapiError('timeout', message)), Math.max(0, deadline - Date.now()));
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err: unknown) => { clearTimeout(timer); reject(err instanceof Error ? err : new Error(String(err))); },
    );
  });
}

/** One source per device target, shared by every node, so the per-device limit holds process-wide. */
const sources = new WeakMap<DeviceTarget, DevicePictureSource>();

export function pictureSourceFor(target: DeviceTarget, limits: PictureLimits = DEFAULT_PICTURE_LIMITS): DevicePictureSource {
  let source = sources.get(target);
  if (!source) {
    source = new DevicePictureSource(target, limits);
    sources.set(target, source);
  }
  return source;
}
