/**
 * Hands events on in arrival order while some of them wait for pictures to be fetched (a node's
 * `pictures` option). Fetches start the moment an event arrives and end by its own deadline, so
 * keeping the order never holds an event longer than the timeout.
 */
import type { HikEvent } from '../push/hik-event';
import { deviceDirectory, type DeviceDirectory } from './device-directory';
import { addPictures, wantsPictures, type PictureMode, type PictureProblem } from './event-pictures';
import { DEFAULT_PICTURE_LIMITS, pictureSourceFor, type PictureLimits } from './picture-fetcher';

export interface PictureDeliveryOptions {
  mode: PictureMode;
  limits?: PictureLimits;
  /** Where device logins are found by address (the process-wide one unless a test gives its own). */
  directory?: DeviceDirectory;
  /** A picture that could not be fetched; the event went out without it. */
  onProblem(problem: PictureProblem, device: string): void;
  /** No config node knows the device at this address, so nothing could be fetched. */
  onUnknownDevice(address: string): void;
}

export class PictureDelivery {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly limits: PictureLimits;
  private readonly directory: DeviceDirectory;

  constructor(private readonly options: PictureDeliveryOptions) {
    this.limits = options.limits ?? DEFAULT_PICTURE_LIMITS;
    this.directory = options.directory ?? deviceDirectory;
  }

  /**
   * Sends the event, with its fetched pictures when the mode asks for them. `addresses` say which
   * device it came from (the address it connected from, then the one it reports), first match wins.
   */
  deliver(event: HikEvent, addresses: readonly (string | null)[], send: (event: HikEvent) => void): void {
    if (!wantsPictures(event, this.options.mode)) {
      this.inOrder(event, send);
      return;
    }
    const target = this.directory.find(...addresses);
    if (!target) {
      this.options.onUnknownDevice(addresses.find(Boolean) ?? '?');
      this.inOrder(event, send);
      return;
    }
    const source = pictureSourceFor(target, this.limits);
    const withPictures = addPictures(event, this.options.mode, source, Date.now() + this.limits.timeoutMs).then(({ event: out, problems }) => {
      for (const problem of problems) this.options.onProblem(problem, source.origin);
      return out;
    });
    this.inOrder(withPictures, send);
  }

  /** Resolves when every event handed in so far has been sent (a node's close waits for it). */
  idle(): Promise<void> {
    return this.tail;
  }

  private inOrder(ready: HikEvent | Promise<HikEvent>, send: (event: HikEvent) => void): void {
    if (this.pending === 0 && !(ready instanceof Promise)) {
      // Nothing waiting ahead of it and nothing to fetch: out at once, on the hot path's own tick.
      send(ready);
      return;
    }
    this.pending++;
    this.tail = this.tail
      .then(() => ready)
      .then((event) => send(event))
      .catch(() => undefined) // a throwing send must not stop the events behind it
      .finally(() => { this.pending--; });
  }
}
