/**
 * Hands events on in arrival order while some of them wait for pictures to be fetched (a node's
 * `pictures` option). Fetches start the moment an event arrives and end by its own deadline, so
 * keeping the order never holds an event longer than the timeout.
 */
import { OrderedSender } from '../net/ordered-sender';
import type { HikEvent } from '../push/hik-event';
import { deviceLogins, type DeviceLogins } from './device-logins';
import { addPictures, wantsPictures, type PictureMode, type PictureProblem } from './event-pictures';
import { DEFAULT_PICTURE_LIMITS, pictureSourceFor, type PictureLimits } from './picture-fetcher';

export interface PictureDeliveryOptions {
  mode: PictureMode;
  limits?: PictureLimits;
  /** Where device logins are found by address (the process-wide one unless a test gives its own). */
  directory?: DeviceLogins;
  /** A picture that could not be fetched; the event went out without it. */
  onProblem(problem: PictureProblem, device: string): void;
  /** No config node knows the device at this address, so nothing could be fetched. */
  onUnknownDevice(address: string): void;
}

interface Outgoing {
  event: HikEvent;
  send: (event: HikEvent) => void;
}

export class PictureDelivery {
  private readonly queue = new OrderedSender<Outgoing>((out) => out.send(out.event));
  private readonly limits: PictureLimits;
  private readonly directory: DeviceLogins;

  constructor(private readonly options: PictureDeliveryOptions) {
    this.limits = options.limits ?? DEFAULT_PICTURE_LIMITS;
    this.directory = options.directory ?? deviceLogins;
  }

  /**
   * Sends the event, with its fetched pictures when the mode asks for them. `addresses` say which
   * device it came from (the address it connected from, then the one it reports), first match wins.
   */
  deliver(event: HikEvent, addresses: readonly (string | null)[], send: (event: HikEvent) => void): void {
    if (!wantsPictures(event, this.options.mode)) {
      this.queue.push({ event, send });
      return;
    }
    const target = this.directory.find(...addresses);
    if (!target) {
      this.options.onUnknownDevice(addresses.find(Boolean) ?? '?');
      this.queue.push({ event, send });
      return;
    }
    const source = pictureSourceFor(target, this.limits);
    const withPictures = addPictures(event, this.options.mode, source, Date.now() + this.limits.timeoutMs).then(({ event: out, problems }) => {
      for (const problem of problems) this.options.onProblem(problem, source.origin);
      return { event: out, send };
    });
    this.queue.push(withPictures);
  }

  /** Resolves when every event handed in so far has been sent (a node's close waits for it). */
  idle(): Promise<void> {
    return this.queue.idle();
  }
}
