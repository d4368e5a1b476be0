/**
 * What a listener node does once configured: takes its route on the shared port, turns pushes into
 * messages, keeps the status (count, last event, time) and logs what went wrong without flooding
 * the log. The node file only reads its config and hands this its output.
 */
import type { NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import { PictureDelivery } from '../../isapi/picture-delivery';
import { DEFAULT_PICTURE_LIMITS } from '../../isapi/picture-fetcher';
import type { HikEvent } from '../../push/hik-event';
import type { PushError } from '../../push/push-error';
import { normalisePath } from '../../net/url-path';
import type { ListenSettings } from '../../server/listen-settings';
import { portRegistry, type PortRegistry, type RouteLease, type ServerState, type SharedServer } from '../../server/port-registry';
import { listenProblem, sameSecurity } from '../../server/listen-security';
import { PushRoute, type PushMeta, type PushSubscriber } from '../../server/push-route';
import { StatusThrottle } from '../status-throttle';
import { LimitedErrors } from '../limited-errors';
import { LimitedLog } from '../limited-log';
import { clientErrorKind } from '../warning-limiter';
import { ListenerMessages, type ListenerMessageOptions } from './listener-messages';
import { StatusClock } from './status-clock';

/** Where the controller's output goes: the node itself. */
export interface ListenerOutput {
  send(msg: NodeMessage): void;
  error(text: string, msg?: NodeMessage): void;
  warn(text: string): void;
  status(status: NodeStatus): void;
}

export class ListenerController {
  private readonly status: StatusThrottle;
  private readonly messages: ListenerMessages;
  private readonly clock = new StatusClock();
  /** Rate-limited warnings: the first of a kind a minute, with how many were held back. */
  private readonly warnings: LimitedLog;
  /** Errors about bodies: every one to Catch nodes, the log lines limited like the warnings. */
  private readonly errors: LimitedErrors;
  /** What the route calls for this node's pushes. */
  private readonly subscriber: PushSubscriber;
  /** Fetches the pictures events name (or a snapshot) before they go out, keeping their order. */
  private readonly pictures: PictureDelivery;
  private readonly port: number;
  private count = 0;
  private lease: RouteLease<PushRoute> | null = null;
  private unsubscribe: (() => void) | null = null;
  private server: SharedServer | null = null;

  constructor(
    private readonly RED: Pick<NodeAPI, '_'>,
    private readonly node: ListenerOutput,
    private readonly settings: ListenSettings,
    options: ListenerMessageOptions,
    private readonly registry: PortRegistry = portRegistry,
  ) {
    this.status = new StatusThrottle((s) => node.status(s));
    this.warnings = new LimitedLog((text) => node.warn(text), (count) => RED._('hikvision-listener.errors.held-back', { count }));
    this.errors = new LimitedErrors(node, (count) => RED._('hikvision-listener.errors.errors-held-back', { count }));
    this.messages = new ListenerMessages(options);
    this.port = settings.port;
    this.subscriber = this.pushSubscriber(options.wantImages);
    this.pictures = new PictureDelivery({
      mode: options.pictures,
      limits: { ...DEFAULT_PICTURE_LIMITS, timeoutMs: options.pictureTimeoutMs },
      onProblem: (problem, device) => this.warnings.report('pictures', () => RED._('hikvision-listener.errors.picture', {
        source: problem.source, path: problem.path, device, reason: problem.reason,
      })),
      onUnknownDevice: (address) => this.warnings.report('pictures-device', () => RED._('hikvision-listener.errors.picture-device', { address })),
    });
  }

  private deliver(event: HikEvent, meta: PushMeta): void {
    const msg = this.messages.toMessage(event, meta);
    if (msg) this.node.send(msg);
  }

  private pushSubscriber(wantImages: boolean): PushSubscriber {
    return {
      images: wantImages,
      onEvents: (events, meta) => {
        const { port } = this;
        for (const event of events) {
          if (!this.messages.drops(event)) this.pictures.deliver(event, [meta.remoteAddress, event.ipAddress], (e) => this.deliver(e, meta));
        }
        this.count += events.length;
        const last = events.at(-1);
        if (last) this.status.later({ fill: 'green', shape: 'dot', text: `:${port} · ${this.count} · ${last.eventType} ${this.clock.text()}` });
      },
      onError: (error: PushError, meta) => {
        const { RED, port } = this;
        const msg = { payload: error.raw, topic: `hikvision/${meta.remoteAddress}/error`, remoteAddress: meta.remoteAddress, code: error.code };
        this.errors.report('bad-body', () => RED._('hikvision-listener.errors.bad-body', { code: error.code, detail: error.message, remote: meta.remoteAddress }), msg);
        this.status.later({ fill: 'yellow', shape: 'dot', text: `:${port} · ${this.count} · ${error.code}` });
      },
      onRejected: (reason) => {
        const { RED } = this;
        // Refused requests come as fast as anyone can send them: never one log line each.
        this.warnings.report('rejected', () => RED._('hikvision-listener.errors.rejected', { reason }));
      },
    };
  }

  private readonly onState = (state: ServerState): void => {
    const { RED, port } = this;
    if (state.kind === 'listening') {
      this.status.now({ fill: 'green', shape: 'dot', text: RED._('hikvision-listener.status.listening', { port: state.port }) });
    } else if (state.kind === 'error') {
      const text = state.code === 'EADDRINUSE'
        ? RED._('hikvision-listener.status.in-use', { port })
        : `${state.code} :${port}`;
      this.status.now({ fill: 'red', shape: 'ring', text });
      this.node.error(RED._('hikvision-listener.errors.listen', { port, detail: state.message }));
    }
  };

  private readonly onClientError = (code: string): void => {
    const { RED, port } = this;
    const kind = clientErrorKind(code);
    if (kind === null) return;
    const key = { timeout: 'client-timeout', tls: 'client-tls', malformed: 'client' }[kind];
    this.warnings.report('client', () => RED._(`hikvision-listener.errors.${key}`, { port, code }));
  };

  /** Takes the route for `path` on the config's port (shared with every other node using it). */
  open(path: string): void {
    const { RED, port, settings } = this;
    const problem = listenProblem(settings);
    if (problem) {
      // Auth on without credentials, or an allow-list it cannot read: never fail open.
      this.node.error(RED._(`hikvision-listener.errors.${problem.code}`, problem.code === 'allow-list-invalid' ? { entry: problem.entry } : { mode: problem.mode }));
      this.status.now({ fill: 'red', shape: 'ring', text: RED._('hikvision-listener.status.config-error') });
      return;
    }
    try {
      const server = this.registry.server({ port, bind: settings.bind, tls: settings.tls });
      this.lease = server.use(normalisePath(path), 'Hikvision listener', () => new PushRoute(settings));
      if (this.lease.route.settings !== settings && !sameSecurity(this.lease.route.settings, settings)) {
        // One route has one allow-list and one login: sharing it would hand this config's devices the other's security.
        void this.lease.release();
        this.lease = null;
        throw new Error(RED._('hikvision-listener.errors.shared-route-security', { port, path: normalisePath(path) ?? '*' }));
      }
      this.unsubscribe = this.lease.route.subscribe(this.subscriber);
      server.on('state', this.onState);
      server.on('clientError', this.onClientError);
      this.server = server;
      this.onState(server.state);
      if (server.state.kind === 'starting') this.status.now({ fill: 'yellow', shape: 'ring', text: `:${port}` });
    } catch (err) {
      this.status.now({ fill: 'red', shape: 'ring', text: RED._('hikvision-listener.status.unavailable', { port }) });
      this.node.error((err as Error).message);
    }
  }

  /** Leaves the route; the port closes when its last user goes. */
  close(): Promise<void> {
    this.server?.off('state', this.onState);
    this.server?.off('clientError', this.onClientError);
    this.status.stop();
    this.unsubscribe?.();
    // Events still waiting for their pictures go out first (each waits at most the fetch timeout).
    return this.pictures.idle().then(() => this.lease?.release());
  }
}
