/**
 * Node `hikvision-isc-subscribe`: subscribes to iSC / HikCentral event types with this machine's
 * callback URL, keeps the subscription alive, and turns every OnEventNotify the platform POSTs
 * into one message per event (output 1). `msg.payload.action` subscribe / unsubscribe / view
 * calls the platform on demand; its answer leaves on output 2.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { ArtemisClient } from '../isc/artemis-client';
import type { ArtemisError } from '../isc/artemis-error';
import { defaultCallbackUrl } from '../isc/callback-url';
import { EVENT_SERVICE_PATHS, type ArtemisEnvelope, type EventSubscriptionRequest, type SubscriptionSubType } from '../isc/event-service-api';
import { parseEventLevels, parseEventTypeList } from '../isc/event-type-list';
import type { IscEvent } from '../isc/event-notify';
import { iscEventTopic } from '../isc/event-topic';
import { IscNotifyReceiver } from '../isc/notify-receiver';
import { fetchPlatformPictures, DEFAULT_PLATFORM_PICTURE_LIMITS } from '../isc/platform-picture-fetcher';
import { OrderedSender } from '../net/ordered-sender';
import { SubscriptionKeeper, type SubscriptionState } from '../isc/subscription-keeper';
import { normalisePath, portRegistry, type RouteLease } from '../server/port-registry';
import type { HikvisionIscNode } from './hikvision-isc';
import { clientErrorKind, WarningLimiter } from './warning-limiter';

export interface IscSubscribeDef extends NodeDef {
  platform: string;
  eventTypes: string;
  subType: 'raw' | 'linkage' | 'both';
  eventLvl: string;
  listenPort: string | number;
  path: string;
  callbackUrl: string;
  unsubscribeOnClose: boolean;
  resubscribeInterval: string | number;
  /** `fetch`: download the pictures events name, through the platform, into `payload.images`. */
  pictures?: 'as-sent' | 'fetch';
}

export const DEFAULT_LISTEN_PORT = 8089;
export const DEFAULT_PATH = '/isc/events';
/** As the editor's default: hourly, cheap, and it heals a subscription the platform lost. */
export const DEFAULT_RESUBSCRIBE_SECONDS = 3600;
/** Unsubscribing on close must finish well inside Node-RED's 15 s close limit. */
const CLOSE_CALL_TIMEOUT_MS = 5_000;
const SUB_TYPES: Readonly<Record<string, SubscriptionSubType>> = { raw: 0, linkage: 1, both: 2 };
const ACTIONS = ['subscribe', 'unsubscribe', 'view'] as const;
/** Warnings about misbehaving clients of the callback port at most this often. */
const CLIENT_ERROR_WARN_MS = 60_000;
const CLIENT_ERRORS = {
  timeout: 'a client did not send its request in time and was disconnected (a stalled or deliberately slow sender)',
  tls: 'a TLS handshake failed',
  malformed: 'a request that is not HTTP arrived',
};
type Action = (typeof ACTIONS)[number];

function toNumber(value: string | number | undefined, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' ? value : parseInt(value ?? '', 10);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)}min` : `${Math.round(ms / 1000)}s`;
}

/** The short status text for a failed attempt: the platform code, or what kind of failure. */
function failureLabel(error: Error): string {
  const artemis = error as Partial<ArtemisError>;
  switch (artemis.kind) {
    case 'platform': return artemis.code ?? 'platform error';
    case 'tls': return 'TLS error';
    case 'http': return `HTTP ${artemis.httpStatus ?? '?'}`;
    case 'response': return 'bad answer';
    case 'network':
    case 'timeout': return 'platform unreachable';
    default: return 'error';
  }
}

export default function register(RED: NodeAPI): void {
  function IscSubscribe(this: Node, def: IscSubscribeDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.platform) as HikvisionIscNode | null;
    const { codes: eventTypes, invalid } = parseEventTypeList(def.eventTypes);
    const listenPort = toNumber(def.listenPort, DEFAULT_LISTEN_PORT, 1, 65535);
    const path = normalisePath(def.path) ?? DEFAULT_PATH;
    const callbackUrl = (def.callbackUrl || '').trim() || defaultCallbackUrl(listenPort, path);
    const subType = SUB_TYPES[def.subType] ?? 0;
    const eventLvl = parseEventLevels(def.eventLvl);
    const resubscribeMs = toNumber(def.resubscribeInterval, DEFAULT_RESUBSCRIBE_SECONDS, 0, 7 * 86400) * 1000;

    const refuse = (text: string, message: string) => {
      this.status({ fill: 'red', shape: 'ring', text });
      this.error(message);
    };
    if (!config) return refuse(RED._('hikvision-isc-subscribe.status.no-platform'), 'no iSC platform configured: choose one in the node');
    if (!config.platform.host) return refuse(RED._('hikvision-isc-subscribe.status.no-host'), 'the iSC platform node has no address');
    if (!config.platform.appKey || !config.platform.appSecret) {
      return refuse(RED._('hikvision-isc-subscribe.status.no-credentials'), 'the iSC platform node needs the partner\'s AppKey and AppSecret');
    }
    if (invalid.length > 0 || eventTypes.length === 0) {
      return refuse(RED._('hikvision-isc-subscribe.status.bad-types'), `event types must be numeric codes${invalid.length ? `; not codes: ${invalid.join(', ')}` : ''}`);
    }
    if (!callbackUrl) {
      return refuse(RED._('hikvision-isc-subscribe.status.no-callback'), 'cannot work out this machine\'s IPv4 address: set the callback URL the platform should use');
    }

    const client = new ArtemisClient(config.platform);
    // Older platforms (before iSC 1.3) know neither field: send them only when they say something.
    const request: EventSubscriptionRequest = { eventTypes, eventDest: callbackUrl };
    if (subType !== 0) request.subType = subType;
    if (subType !== 0 && eventLvl.length > 0) request.eventLvl = eventLvl;

    const keeper = new SubscriptionKeeper(client, request, { resubscribeIntervalMs: resubscribeMs });
    let lastProblem = '';
    keeper.on('state', (state: SubscriptionState) => {
      switch (state.kind) {
        case 'subscribing':
          if (state.attempt === 1) this.status({ fill: 'yellow', shape: 'ring', text: RED._('hikvision-isc-subscribe.status.subscribing') });
          break;
        case 'subscribed':
          lastProblem = '';
          this.status({ fill: 'green', shape: 'dot', text: RED._('hikvision-isc-subscribe.status.subscribed', { count: state.eventTypes.length }) });
          break;
        case 'unconfirmed':
          this.status({ fill: 'yellow', shape: 'dot', text: RED._('hikvision-isc-subscribe.status.unconfirmed') });
          if (state.reason !== lastProblem) this.warn(`subscribed, but the platform's view does not confirm it: ${state.reason}`);
          lastProblem = state.reason;
          break;
        case 'retrying':
          this.status({ fill: 'red', shape: 'ring', text: RED._('hikvision-isc-subscribe.status.retry', { reason: failureLabel(state.error), delay: seconds(state.delayMs) }) });
          if (state.error.message !== lastProblem) this.warn(`subscribe failed: ${state.error.message}; retrying`);
          lastProblem = state.error.message;
          break;
        case 'idle':
        case 'stopped':
          break;
      }
    });

    let lease: RouteLease<IscNotifyReceiver> | null = null;
    let detach: (() => void) | null = null;
    const clientWarnings = new WarningLimiter(CLIENT_ERROR_WARN_MS);
    const onClientError = (code: string): void => {
      const kind = clientErrorKind(code);
      const held = kind === null ? null : clientWarnings.take('client');
      if (kind === null || held === null) return;
      const more = held > 0 ? ` (${held} more since the last warning)` : '';
      this.warn(`${CLIENT_ERRORS[kind]} on port ${listenPort} (${code}); further ones are not logged for a minute${more}`);
    };
    try {
      lease = portRegistry.server({ port: listenPort, bind: '' }).use(path, 'iSC receiver', () => new IscNotifyReceiver());
    } catch (err) {
      refuse(RED._('hikvision-isc-subscribe.status.path-in-use'), (err as Error).message);
    }
    // With pictures fetched, events still leave in the order they came, each after at most the timeout.
    const fetchPictures = def.pictures === 'fetch';
    const pictureWarnings = new WarningLimiter(CLIENT_ERROR_WARN_MS);
    const outgoing = new OrderedSender<NodeMessage>((msg) => this.send([msg, null]));
    const withPictures = async (ability: string, event: IscEvent): Promise<IscEvent> => {
      const { images, failures } = await fetchPlatformPictures(client, config.platform, ability, event, Date.now() + DEFAULT_PLATFORM_PICTURE_LIMITS.timeoutMs);
      const held = failures.length > 0 ? pictureWarnings.take('pictures') : null;
      if (held !== null) {
        const more = held > 0 ? ` ${RED._('hikvision-isc-subscribe.errors.held-back', { count: held })}` : '';
        this.warn(RED._('hikvision-isc-subscribe.errors.picture', { uri: failures[0].uri, reason: failures[0].reason }) + more);
      }
      return { ...event, images };
    };
    if (lease) {
      detach = lease.route.attach({
        events: (notify) => {
          for (const event of notify.events) {
            const message = (payload: IscEvent): NodeMessage => ({ payload, topic: iscEventTopic(notify.ability, event), ability: notify.ability, sendTime: notify.sendTime });
            outgoing.push(fetchPictures ? withPictures(notify.ability, event).then(message) : message(event));
          }
        },
        malformed: (error, remoteAddress) => {
          this.error(error.message, { payload: error.raw, topic: 'isc/malformed', remoteAddress });
        },
      });
      lease.server.on('clientError', onClientError);
      lease.server.ready().then(
        () => { if (detach) keeper.start(); },
        (err: unknown) => {
          const code = (err as NodeJS.ErrnoException).code ?? 'error';
          refuse(`port ${listenPort}: ${code}`, `cannot listen on port ${listenPort} for platform events: ${(err as Error).message}`);
        },
      );
    }

    const runAction = async (msg: NodeMessageInFlow): Promise<{ action: Action; answer: ArtemisEnvelope }> => {
      const payload = msg.payload;
      const requested = typeof payload === 'string' ? payload : isRecord(payload) ? payload.action : undefined;
      const action = ACTIONS.find((a) => a === requested);
      if (!action) throw new Error('msg.payload.action must be "subscribe", "unsubscribe" or "view"');
      let types = eventTypes;
      if (isRecord(payload) && payload.eventTypes !== undefined) {
        const parsed = parseEventTypeList(payload.eventTypes);
        if (parsed.invalid.length > 0 || parsed.codes.length === 0) throw new Error('msg.payload.eventTypes must list numeric event type codes');
        types = parsed.codes;
      }
      const answer = action === 'subscribe' ? await client.subscribeByEventTypes({ ...request, eventTypes: types })
        : action === 'unsubscribe' ? await client.unsubscribeByEventTypes({ eventTypes: types })
          : await client.viewSubscriptions();
      return { action, answer };
    };

    this.on('input', (msg, send, done) => {
      runAction(msg).then(({ action, answer }) => {
        const out = msg as NodeMessageInFlow & { action?: string };
        out.payload = answer;
        out.topic = `isc/${action}`;
        out.action = action;
        send([null, out]);
        done();
      }, (err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
    });

    this.on('close', (_removed: boolean, done: () => void) => {
      lease?.server.off('clientError', onClientError);
      keeper.stop();
      detach?.();
      detach = null;
      const release = lease ? lease.release() : Promise.resolve();
      const unsubscribe = def.unsubscribeOnClose
        ? client.call(EVENT_SERVICE_PATHS.unsubscribe, { eventTypes }, { timeoutMs: CLOSE_CALL_TIMEOUT_MS })
          .then(() => this.log(`unsubscribed ${eventTypes.join(',')}`), (err: unknown) => this.warn(`unsubscribe on close failed: ${(err as Error).message}`))
        : Promise.resolve();
      Promise.all([release, unsubscribe, outgoing.idle()]).then(() => done(), () => done());
    });
  }

  RED.nodes.registerType('hikvision-isc-subscribe', IscSubscribe);
}
