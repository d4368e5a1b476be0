/**
 * Node `hikvision-listener`: the events Hikvision devices push over HTTP ("HTTP listening"),
 * one message per event. The port, its TLS and device authentication come from the
 * `hikvision-config` node; the server is shared per port with every other node that uses it.
 */
import { randomBytes } from 'node:crypto';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { HikEvent } from '../push/hik-event';
import type { PushError } from '../push/push-error';
import { portRegistry, normalisePath, type RouteLease, type ServerState } from '../server/port-registry';
import { PushRoute, type PushMeta, type PushSubscriber } from '../server/push-route';
import { toEmailAttachments } from '../push/email-attachments';
import { pictureMode, type PictureMode } from '../isapi/event-pictures';
import { PictureDelivery } from '../isapi/picture-delivery';
import { DEFAULT_PICTURE_LIMITS, pictureTimeoutMs } from '../isapi/picture-fetcher';
import type { HikvisionConfigNode } from './hikvision-config';
import { StatusThrottle } from './status-throttle';
import { clientErrorKind, WarningLimiter } from './warning-limiter';

interface ListenerDef extends NodeDef {
  config: string;
  path: string;
  images: 'buffer' | 'none';
  replays: 'pass' | 'tag' | 'drop';
  attachments: boolean;
  pictures?: PictureMode;
  /** Seconds an event may wait for its pictures (default 5). */
  pictureTimeout?: string | number;
}

export interface ListenerMessage extends NodeMessage {
  payload: HikEvent;
  topic: string;
  remoteAddress: string;
  replay?: true;
  attachments?: ReturnType<typeof toEmailAttachments>;
}

/** Warnings about misbehaving clients at most this often, so a scanner cannot flood the log. */
const CLIENT_ERROR_WARN_MS = 60_000;

export default function register(RED: NodeAPI): void {
  function HikvisionListener(this: Node, def: ListenerDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.config) as HikvisionConfigNode | null;
    const status = new StatusThrottle((s) => this.status(s));
    if (!config) {
      status.now({ fill: 'red', shape: 'ring', text: RED._('hikvision-listener.status.no-config') });
      return;
    }
    if (config.listenError) {
      this.error(config.listenError);
      status.now({ fill: 'red', shape: 'ring', text: RED._('hikvision-listener.status.tls-error') });
      return;
    }
    const settings = config.listen;
    const wantImages = def.images !== 'none';
    const replays = def.replays === 'drop' || def.replays === 'pass' ? def.replays : 'tag';
    const port = settings.port;
    let count = 0;
    const warnings = new WarningLimiter(CLIENT_ERROR_WARN_MS);
    /** A rate-limited warning: the first of its kind a minute, with how many were held back. */
    const warnLimited = (kind: string, text: string): void => {
      const held = warnings.take(kind);
      if (held === null) return;
      this.warn(held > 0 ? `${text} ${RED._('hikvision-listener.errors.held-back', { count: held })}` : text);
    };

    // The time shown in the status, formatted once a second rather than for every event.
    let clockSecond = -1;
    let clockText = '';
    const clock = (): string => {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      if (second !== clockSecond) {
        clockSecond = second;
        clockText = new Date(now).toTimeString().slice(0, 8);
      }
      return clockText;
    };

    // Message ids as Node-RED makes them (16 hex digits), from a random start and a counter: the
    // runtime's own generator costs about as much as the rest of a delivery.
    let idPrefix = randomBytes(4).toString('hex');
    let idCount = 0;
    const nextMessageId = (): string => {
      if (idCount === 0xffffffff) {
        idPrefix = randomBytes(4).toString('hex');
        idCount = 0;
      }
      idCount++;
      return idPrefix + idCount.toString(16).padStart(8, '0');
    };

    // Pictures the events name by URL, or a snapshot, fetched before the event goes out (in order).
    const pictures = new PictureDelivery({
      mode: wantImages ? pictureMode(def.pictures) : 'as-sent',
      limits: { ...DEFAULT_PICTURE_LIMITS, timeoutMs: pictureTimeoutMs(def.pictureTimeout) },
      onProblem: (problem, device) => warnLimited('pictures', RED._('hikvision-listener.errors.picture', {
        source: problem.source, path: problem.path, device, reason: problem.reason,
      })),
      onUnknownDevice: (address) => warnLimited('pictures-device', RED._('hikvision-listener.errors.picture-device', { address })),
    });

    const deliver = (event: HikEvent, meta: PushMeta): void => {
      const payload = wantImages ? event : { ...event, images: [] };
      const source = event.ipAddress ?? meta.remoteAddress.replace(/^::ffff:/, '');
      const msg: ListenerMessage = {
        _msgid: nextMessageId(),
        payload,
        topic: `hikvision/${source}/${event.eventType}`,
        remoteAddress: meta.remoteAddress,
      };
      if (event.replay && replays === 'tag') {
        msg.replay = true;
        msg.topic += '/replay';
      }
      if (def.attachments && payload.images.length > 0) msg.attachments = toEmailAttachments(payload.images);
      this.send(msg);
    };

    const subscriber: PushSubscriber = {
      images: wantImages,
      onEvents: (events, meta) => {
        for (const event of events) {
          if (event.replay && replays === 'drop') continue;
          pictures.deliver(event, [meta.remoteAddress, event.ipAddress], (e) => deliver(e, meta));
        }
        count += events.length;
        const last = events.at(-1);
        if (last) status.later({ fill: 'green', shape: 'dot', text: `:${port} · ${count} · ${last.eventType} ${clock()}` });
      },
      onError: (error: PushError, meta) => {
        const msg = { payload: error.raw, topic: `hikvision/${meta.remoteAddress}/error`, remoteAddress: meta.remoteAddress, code: error.code };
        this.error(RED._('hikvision-listener.errors.bad-body', { code: error.code, detail: error.message, remote: meta.remoteAddress }), msg);
        status.later({ fill: 'yellow', shape: 'dot', text: `:${port} · ${count} · ${error.code}` });
      },
      onRejected: (reason) => {
        // Refused requests come as fast as anyone can send them: never one log line each.
        warnLimited('rejected', RED._('hikvision-listener.errors.rejected', { reason }));
      },
    };

    let lease: RouteLease<PushRoute> | null = null;
    let unsubscribe: (() => void) | null = null;
    try {
      const server = portRegistry.server({ port, bind: settings.bind, tls: settings.tls });
      lease = server.use(normalisePath(def.path), 'Hikvision listener', () => new PushRoute(settings));
      if (lease.route.settings !== settings && lease.route.settings.auth.mode !== settings.auth.mode) {
        this.warn(RED._('hikvision-listener.errors.shared-route', { port }));
      }
      unsubscribe = lease.route.subscribe(subscriber);
      const onState = (state: ServerState) => {
        if (state.kind === 'listening') {
          status.now({ fill: 'green', shape: 'dot', text: RED._('hikvision-listener.status.listening', { port: state.port }) });
        } else if (state.kind === 'error') {
          const text = state.code === 'EADDRINUSE'
            ? RED._('hikvision-listener.status.in-use', { port })
            : `${state.code} :${port}`;
          status.now({ fill: 'red', shape: 'ring', text });
          this.error(RED._('hikvision-listener.errors.listen', { port, detail: state.message }));
        }
      };
      const onClientError = (code: string) => {
        const kind = clientErrorKind(code);
        if (kind === null) return;
        const key = { timeout: 'client-timeout', tls: 'client-tls', malformed: 'client' }[kind];
        warnLimited('client', RED._(`hikvision-listener.errors.${key}`, { port, code }));
      };
      server.on('state', onState);
      server.on('clientError', onClientError);
      onState(server.state);
      if (server.state.kind === 'starting') status.now({ fill: 'yellow', shape: 'ring', text: `:${port}` });
      this.on('close', (_removed: boolean, done: () => void) => {
        server.off('state', onState);
        server.off('clientError', onClientError);
        status.stop();
        unsubscribe?.();
        // Events still waiting for their pictures go out first (each waits at most the fetch timeout).
        const closing = pictures.idle().then(() => lease?.release());
        closing.then(() => done(), () => done());
      });
    } catch (err) {
      status.now({ fill: 'red', shape: 'ring', text: RED._('hikvision-listener.status.unavailable', { port }) });
      this.error((err as Error).message);
    }
  }

  RED.nodes.registerType('hikvision-listener', HikvisionListener);
}
