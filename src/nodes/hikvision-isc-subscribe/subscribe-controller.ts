/**
 * What an iSC subscribe node does once configured: receives the platform's pushes on its callback
 * port and path, keeps the subscription alive and shows how it stands, runs the subscribe /
 * unsubscribe / view actions asked for in msg.payload, and unsubscribes on close if asked.
 */
import type { NodeAPI, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import { ArtemisClient } from '../../isc/artemis-client';
import type { ArtemisError } from '../../isc/artemis-error';
import { EVENT_SERVICE_PATHS, type ArtemisEnvelope, type EventSubscriptionRequest } from '../../isc/event-service-api';
import { iscEventTopic } from '../../isc/event-topic';
import { parseEventTypeList } from '../../isc/event-type-list';
import type { IscPlatform } from '../../isc/isc-platform';
import { IscNotifyReceiver } from '../../isc/notify-receiver';
import type { IscEvent } from '../../isc/event-notify';
import { DEFAULT_PLATFORM_PICTURE_LIMITS, fetchPlatformPictures } from '../../isc/platform-picture-fetcher';
import { PushSilence } from '../../isc/push-silence';
import { OrderedSender } from '../../net/ordered-sender';
import { SubscriptionKeeper, type SubscriptionState } from '../../isc/subscription-keeper';
import { realScheduler } from '../../filter/scheduler';
import { portRegistry, type PortRegistry, type RouteLease } from '../../server/port-registry';
import { LimitedErrors } from '../limited-errors';
import { LimitedLog } from '../limited-log';
import { clientErrorKind } from '../warning-limiter';
import type { IscSubscribeSettings } from './subscribe-settings';
import { isRecord } from '../../util/is-record';

/** Where the controller's output goes: the node itself. */
export interface IscSubscribeOutput {
  send(msg: (NodeMessage | null)[]): void;
  error(text: string, msg?: NodeMessage): void;
  warn(text: string): void;
  log(text: string): void;
  status(status: NodeStatus): void;
}

/** Unsubscribing on close must finish well inside Node-RED's 15 s close limit. */
const CLOSE_CALL_TIMEOUT_MS = 5_000;
const ACTIONS = ['subscribe', 'unsubscribe', 'view'] as const;
/** The message key of each kind of client error worth a warning. */
const CLIENT_ERRORS = { timeout: 'client-timeout', tls: 'client-tls', malformed: 'client' } as const;
export type Action = (typeof ACTIONS)[number];

/** A retry delay as the status shows it: 5s, 2min. */
export function seconds(RED: Pick<NodeAPI, '_'>, ms: number): string {
  return ms >= 60_000
    ? RED._('hikvision-isc-subscribe.status.minutes', { count: Math.round(ms / 60_000) })
    : RED._('hikvision-isc-subscribe.status.seconds', { count: Math.round(ms / 1000) });
}

/** The short status text for a failed attempt: the platform code, or what kind of failure. */
export function failureLabel(RED: Pick<NodeAPI, '_'>, error: Error): string {
  const artemis = error as Partial<ArtemisError>;
  switch (artemis.kind) {
    case 'platform': return artemis.code ?? RED._('hikvision-isc-subscribe.failure.platform');
    case 'tls': return RED._('hikvision-isc-subscribe.failure.tls');
    case 'http': return RED._('hikvision-isc-subscribe.failure.http', { status: artemis.httpStatus ?? '?' });
    case 'response': return RED._('hikvision-isc-subscribe.failure.response');
    case 'network':
    case 'timeout': return RED._('hikvision-isc-subscribe.failure.unreachable');
    default: return RED._('hikvision-isc-subscribe.failure.other');
  }
}

export class IscSubscribeController {
  private readonly client: ArtemisClient;
  private readonly platform: IscPlatform;
  private readonly keeper: SubscriptionKeeper;
  /** Warnings about misbehaving clients of the callback port: the first a minute, with how many were held back. */
  private readonly clientWarnings: LimitedLog;
  /** Malformed pushes: every one to Catch nodes, the log lines limited. */
  private readonly pushErrors: LimitedErrors;
  private lease: RouteLease<IscNotifyReceiver> | null = null;
  private detach: (() => void) | null = null;
  private lastProblem = '';
  /** Says once when no push has come for `silentAfter` minutes. */
  private readonly silence: PushSilence;
  private subscribedCount = 0;
  /** Events leave in the order they came, also while some wait for their pictures. */
  private readonly outgoing: OrderedSender<NodeMessage>;
  private readonly pictureWarnings: LimitedLog;
  private pushStatusAt = 0;

  constructor(
    private readonly RED: Pick<NodeAPI, '_'>,
    private readonly node: IscSubscribeOutput,
    platform: IscPlatform,
    private readonly settings: IscSubscribeSettings,
    private readonly request: EventSubscriptionRequest,
    private readonly registry: PortRegistry = portRegistry,
  ) {
    this.clientWarnings = new LimitedLog((text) => node.warn(text), (count) => RED._('hikvision-isc-subscribe.errors.held-back', { count }));
    this.pushErrors = new LimitedErrors(node, (count) => RED._('hikvision-isc-subscribe.errors.errors-held-back', { count }));
    this.client = new ArtemisClient(platform);
    this.platform = platform;
    this.outgoing = new OrderedSender((msg) => node.send([msg, null]));
    this.pictureWarnings = new LimitedLog((text) => node.warn(text), (count) => RED._('hikvision-isc-subscribe.errors.held-back', { count }));
    this.keeper = new SubscriptionKeeper(this.client, request, { resubscribeIntervalMs: settings.resubscribeMs });
    this.keeper.on('state', this.onState);
    this.keeper.on('drift', (drift: string) => { node.log(RED._('hikvision-isc-subscribe.log.drift', { drift })); });
    const minutes = settings.silentAfterMinutes;
    this.silence = new PushSilence(minutes * 60_000, realScheduler, (lastPushAt) => {
      const last = lastPushAt === null ? null : new Date(lastPushAt).toISOString();
      node.warn(RED._('hikvision-isc-subscribe.errors.silent', { minutes, last: last ?? '-' }));
      node.send([null, { topic: 'isc/silent', payload: { state: 'silent', lastPushAt: last } }]);
    });
  }

  /** A push arrived: the silence clock restarts, and the status shows its time (at most once a second). */
  private pushed(): void {
    this.silence.pushed();
    if (this.subscribedCount > 0 && Date.now() - this.pushStatusAt >= 1000) {
      this.pushStatusAt = Date.now();
      const time = new Date().toTimeString().slice(0, 8);
      this.node.status({ fill: 'green', shape: 'dot', text: this.RED._('hikvision-isc-subscribe.status.last-push', { count: this.subscribedCount, time }) });
    }
  }

  /** A red status and an error in the log: the node cannot work. */
  refuse(text: string, message: string): void {
    this.node.status({ fill: 'red', shape: 'ring', text });
    this.node.error(message);
  }

  private readonly onState = (state: SubscriptionState): void => {
    const { RED } = this;
    switch (state.kind) {
      case 'subscribing':
        if (state.attempt === 1) this.node.status({ fill: 'yellow', shape: 'ring', text: RED._('hikvision-isc-subscribe.status.subscribing') });
        break;
      case 'subscribed':
        this.lastProblem = '';
        this.subscribedCount = state.eventTypes.length;
        this.node.status({ fill: 'green', shape: 'dot', text: RED._('hikvision-isc-subscribe.status.subscribed', { count: state.eventTypes.length }) });
        break;
      case 'unconfirmed':
        this.node.status({ fill: 'yellow', shape: 'dot', text: RED._('hikvision-isc-subscribe.status.unconfirmed') });
        if (state.reason !== this.lastProblem) this.node.warn(RED._('hikvision-isc-subscribe.errors.unconfirmed', { reason: state.reason }));
        this.lastProblem = state.reason;
        break;
      case 'retrying':
        this.node.status({ fill: 'red', shape: 'ring', text: RED._('hikvision-isc-subscribe.status.retry', { reason: failureLabel(RED, state.error), delay: seconds(RED, state.delayMs) }) });
        if (state.error.message !== this.lastProblem) this.node.warn(RED._('hikvision-isc-subscribe.errors.retrying', { detail: state.error.message }));
        this.lastProblem = state.error.message;
        break;
      case 'idle':
      case 'stopped':
        break;
    }
  };

  private readonly onClientError = (code: string): void => {
    const { RED } = this;
    const { listenPort: port } = this.settings;
    const kind = clientErrorKind(code);
    if (kind === null) return;
    this.clientWarnings.report('client', () => RED._(`hikvision-isc-subscribe.errors.${CLIENT_ERRORS[kind]}`, { port, code }));
  };

  /** Takes the callback route, then subscribes once the port listens. */
  start(): void {
    const { RED, settings } = this;
    const { listenPort, path } = settings;
    try {
      this.lease = this.registry.server({ port: listenPort, bind: '' }).use(path, 'iSC receiver', () => new IscNotifyReceiver());
    } catch (err) {
      this.refuse(RED._('hikvision-isc-subscribe.status.path-in-use'), (err as Error).message);
    }
    const lease = this.lease;
    if (!lease) return;
    this.detach = lease.route.attach({
      events: (notify) => {
        this.pushed();
        for (const event of notify.events) {
          const message = (payload: IscEvent): NodeMessage => ({ payload, topic: iscEventTopic(notify.ability, event), ability: notify.ability, sendTime: notify.sendTime });
          this.outgoing.push(this.settings.fetchPictures ? this.withPictures(notify.ability, event).then(message) : message(event));
        }
      },
      malformed: (error, remoteAddress) => {
        this.pushErrors.report('malformed', () => error.message, { payload: error.raw, topic: 'isc/malformed', remoteAddress });
      },
    });
    lease.server.on('clientError', this.onClientError);
    lease.server.ready().then(
      () => {
        if (!this.detach) return;
        this.keeper.start();
        this.silence.start();
      },
      (err: unknown) => {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        this.refuse(RED._('hikvision-isc-subscribe.status.port-error', { port: listenPort, code }), RED._('hikvision-isc-subscribe.errors.listen', { port: listenPort, detail: (err as Error).message }));
      },
    );
  }

  /** The event with `images`: the pictures it names, fetched through the platform (at most the timeout). */
  private async withPictures(ability: string, event: IscEvent): Promise<IscEvent> {
    const deadline = Date.now() + DEFAULT_PLATFORM_PICTURE_LIMITS.timeoutMs;
    const { images, failures } = await fetchPlatformPictures(this.client, this.platform, ability, event, deadline);
    const first = failures.at(0);
    if (first) this.pictureWarnings.report('pictures', () => this.RED._('hikvision-isc-subscribe.errors.picture', { uri: first.uri, reason: first.reason }));
    return { ...event, images };
  }

  /** Runs the action msg.payload asks for; the platform's answer. */
  async runAction(msg: NodeMessageInFlow): Promise<{ action: Action; answer: ArtemisEnvelope }> {
    const { client, request, RED } = this;
    const payload = msg.payload;
    const requested = typeof payload === 'string' ? payload : isRecord(payload) ? payload.action : undefined;
    const action = ACTIONS.find((a) => a === requested);
    if (!action) throw new Error(RED._('hikvision-isc-subscribe.errors.bad-action'));
    let types = this.settings.eventTypes;
    if (isRecord(payload) && payload.eventTypes !== undefined) {
      const parsed = parseEventTypeList(payload.eventTypes);
      if (parsed.invalid.length > 0 || parsed.codes.length === 0) throw new Error(RED._('hikvision-isc-subscribe.errors.bad-action-types'));
      types = parsed.codes;
    }
    const answer = action === 'subscribe' ? await client.subscribeByEventTypes({ ...request, eventTypes: types })
      : action === 'unsubscribe' ? await client.unsubscribeByEventTypes({ eventTypes: types })
        : await client.viewSubscriptions();
    return { action, answer };
  }

  /** Stops renewing, leaves the route and, if asked, unsubscribes the node's types. */
  close(unsubscribeOnClose: boolean): Promise<void> {
    const { RED } = this;
    const { eventTypes } = this.settings;
    this.lease?.server.off('clientError', this.onClientError);
    this.keeper.stop();
    this.silence.stop();
    this.detach?.();
    this.detach = null;
    const release = this.lease ? this.lease.release() : Promise.resolve();
    const unsubscribe = unsubscribeOnClose
      ? this.client.call(EVENT_SERVICE_PATHS.unsubscribe, { eventTypes }, { timeoutMs: CLOSE_CALL_TIMEOUT_MS })
        .then(
          () => this.node.log(RED._('hikvision-isc-subscribe.errors.unsubscribed', { types: eventTypes.join(',') })),
          (err: unknown) => this.node.warn(RED._('hikvision-isc-subscribe.errors.unsubscribe-failed', { detail: (err as Error).message })),
        )
      : Promise.resolve();
    return Promise.all([release, unsubscribe, this.outgoing.idle()]).then(() => undefined);
  }
}
