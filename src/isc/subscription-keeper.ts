/**
 * Keeps one event subscription in place on the platform: subscribes, checks with a view that the
 * callback is registered for every type, retries with growing delays while the platform is down
 * or refuses, and every interval views the platform's subscriptions and subscribes again only
 * when the callback or its types differ or are missing (a platform restart or an administrator
 * may drop subscriptions): reconcile, not a blind re-subscribe. Emits `state` with a
 * `SubscriptionState` and `drift` with what differed; never throws.
 */
import { EventEmitter } from 'node:events';
import type { ArtemisEventService } from './artemis-client';
import type { EventSubscriptionRequest, SubscriptionView } from './event-service-api';
import { subscriptionDrift } from './subscription-drift';

export type SubscriptionState =
  | { kind: 'idle' }
  | { kind: 'subscribing'; attempt: number }
  /** Subscribed, and the view lists the callback with every type. */
  | { kind: 'subscribed'; eventTypes: number[] }
  /** Subscribed, but the view does not confirm it (or could not be read). */
  | { kind: 'unconfirmed'; reason: string }
  | { kind: 'retrying'; error: Error; attempt: number; delayMs: number }
  | { kind: 'stopped' };

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

export interface SubscriptionKeeperOptions {
  /** View (and re-subscribe on a difference) this often once subscribed; 0 = never. */
  resubscribeIntervalMs?: number;
  /** Delay before retry n (the last one repeats). */
  retryDelaysMs?: readonly number[];
}

function sameDest(a: string, b: string): boolean {
  const norm = (url: string) => url.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** Why the view does not confirm the subscription, or null when it does. */
export function viewProblem(view: SubscriptionView, request: EventSubscriptionRequest): string | null {
  const entries = view.detail.filter((entry) => typeof entry.eventDest === 'string' && sameDest(entry.eventDest, request.eventDest));
  if (entries.length === 0) return `the platform does not list ${request.eventDest}`;
  const listed = new Set(entries.flatMap((entry) => (Array.isArray(entry.eventTypes) ? entry.eventTypes : []).map(String)));
  const missing = request.eventTypes.filter((type) => !listed.has(String(type)));
  return missing.length > 0 ? `types not listed for the callback: ${missing.join(',')}` : null;
}

export class SubscriptionKeeper extends EventEmitter {
  private readonly service: ArtemisEventService;
  private readonly request: EventSubscriptionRequest;
  private readonly resubscribeIntervalMs: number;
  private readonly retryDelaysMs: readonly number[];
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by start/stop so answers to calls made before are ignored. */
  private generation = 0;
  private failures = 0;
  private current: SubscriptionState = { kind: 'idle' };

  constructor(service: ArtemisEventService, request: EventSubscriptionRequest, options: SubscriptionKeeperOptions = {}) {
    super();
    this.service = service;
    this.request = request;
    this.resubscribeIntervalMs = Math.max(0, options.resubscribeIntervalMs ?? 0);
    const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.retryDelaysMs = delays.length > 0 ? delays : DEFAULT_RETRY_DELAYS_MS;
  }

  get state(): SubscriptionState {
    return this.current;
  }

  start(): void {
    this.clearTimer();
    this.generation++;
    this.failures = 0;
    void this.attempt(this.generation);
  }

  stop(): void {
    this.clearTimer();
    this.generation++;
    this.setState({ kind: 'stopped' });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(generation: number, delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt(generation);
    }, delayMs);
  }

  private setState(state: SubscriptionState): void {
    this.current = state;
    this.emit('state', state);
  }

  private async attempt(generation: number): Promise<void> {
    this.setState({ kind: 'subscribing', attempt: this.failures + 1 });
    try {
      await this.service.subscribeByEventTypes(this.request);
    } catch (err) {
      if (generation !== this.generation) return;
      const delayMs = this.retryDelaysMs[Math.min(this.failures, this.retryDelaysMs.length - 1)] ?? 60_000;
      this.failures++;
      this.setState({ kind: 'retrying', error: err instanceof Error ? err : new Error(String(err)), attempt: this.failures, delayMs });
      this.schedule(generation, delayMs);
      return;
    }
    if (generation !== this.generation) return;
    this.failures = 0;
    let problem: string | null;
    try {
      problem = viewProblem((await this.service.viewSubscriptions()).data, this.request);
    } catch (err) {
      problem = `could not check with view: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (generation !== this.generation) return;
    this.setState(problem === null ? { kind: 'subscribed', eventTypes: [...this.request.eventTypes] } : { kind: 'unconfirmed', reason: problem });
    this.scheduleReconcile(generation);
  }

  private scheduleReconcile(generation: number): void {
    if (this.resubscribeIntervalMs <= 0) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reconcile(generation);
    }, this.resubscribeIntervalMs);
  }

  /** One view; subscribe again only when it differs from what we asked for. */
  private async reconcile(generation: number): Promise<void> {
    let drift: string | null;
    try {
      drift = subscriptionDrift((await this.service.viewSubscriptions()).data, this.request);
    } catch (err) {
      drift = `could not view the subscriptions: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (generation !== this.generation) return;
    if (drift === null) {
      if (this.current.kind !== 'subscribed') this.setState({ kind: 'subscribed', eventTypes: [...this.request.eventTypes] });
      this.scheduleReconcile(generation);
      return;
    }
    this.emit('drift', drift);
    await this.attempt(generation);
  }
}
