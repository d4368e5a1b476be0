/**
 * What the hikvision-alert-stream node does, without Node-RED: joins the device's shared alertStream,
 * turns its events into messages of the listener's contract (plus `msg.via = 'stream'`), and says
 * what to show as status. Every outgoing message passes through `deliver`.
 */
import type { NodeMessage } from 'node-red';
import { alertStreamRegistry, type AlertStreamLease } from '../../isapi/alert-stream-registry';
import type { RetryReason, StreamState } from '../../isapi/alert-stream';
import type { DeviceTarget } from '../../isapi/device-target';
import type { PictureMode, PictureProblem } from '../../isapi/event-pictures';
import { PictureDelivery } from '../../isapi/picture-delivery';
import { DEFAULT_PICTURE_LIMITS } from '../../isapi/picture-fetcher';
import { isHeartbeat } from '../../isapi/stream-heartbeat';
import { toEmailAttachments } from '../../push/email-attachments';
import type { HikEvent } from '../../push/hik-event';
import type { PushError } from '../../push/push-error';

export interface AlertStreamSettings {
  /** The config node's id: every node using it shares one stream. */
  configId: string;
  device: DeviceTarget;
  images: 'buffer' | 'none';
  replays: 'pass' | 'tag' | 'drop';
  attachments: boolean;
  heartbeats: 'drop' | 'pass';
  idleTimeoutMs: number;
  /** Pictures for events that came without them (as the listener's option); `as-sent` by default. */
  pictures?: PictureMode;
  pictureTimeoutMs?: number;
}

export interface AlertStreamMessage extends NodeMessage {
  payload: HikEvent;
  topic: string;
  remoteAddress: string;
  via: 'stream';
  replay?: true;
  attachments?: ReturnType<typeof toEmailAttachments>;
}

export type StatusView =
  | { kind: 'connecting' }
  | { kind: 'streaming'; count: number; last?: { eventType: string; at: Date } }
  | { kind: 'retrying'; seconds: number; reason: RetryReason }
  | { kind: 'refused' }
  | { kind: 'closed' };

export interface AlertStreamOutputs {
  send(msg: AlertStreamMessage): void;
  /** Status changes; `urgent` ones (state changes) are shown at once, the others may be throttled. */
  status(view: StatusView, urgent: boolean): void;
  refused(origin: string): void;
  partError(error: PushError, msg: { payload: Buffer; topic: string; remoteAddress: string; code: string }): void;
  /** A picture the event names could not be fetched; the event went out without it. */
  pictureProblem(problem: PictureProblem, device: string): void;
}

export class AlertStreamController {
  private lease: AlertStreamLease | null = null;
  private count = 0;
  private last: { eventType: string; at: Date } | undefined;
  private readonly host: string;
  private readonly pictures: PictureDelivery;

  constructor(private readonly settings: AlertStreamSettings, private readonly out: AlertStreamOutputs) {
    this.host = settings.device.host.replace(/^\[(.*)\]$/, '$1');
    this.pictures = new PictureDelivery({
      mode: settings.images === 'none' ? 'as-sent' : settings.pictures ?? 'as-sent',
      limits: { ...DEFAULT_PICTURE_LIMITS, timeoutMs: settings.pictureTimeoutMs ?? DEFAULT_PICTURE_LIMITS.timeoutMs },
      onProblem: (problem, device) => { out.pictureProblem(problem, device); },
      // The stream's own device: its config node registered the login under this address.
      onUnknownDevice: () => undefined,
    });
  }

  start(): void {
    this.lease = alertStreamRegistry.use(this.settings.configId, this.settings.device, {
      idleTimeoutMs: this.settings.idleTimeoutMs,
      images: true, // shared: a node without pictures drops them itself
    }, {
      onEvent: (event) => { this.onEvent(event); },
      onState: (state) => { this.onState(state); },
      onPartError: (error) => {
        this.out.partError(error, { payload: error.raw, topic: `hikvision/${this.host}/error`, remoteAddress: this.host, code: error.code });
      },
    });
  }

  /** Leaves the stream; the last node to leave closes its socket at once. Resolves once events waiting for pictures went out. */
  stop(): Promise<void> {
    this.lease?.release();
    this.lease = null;
    return this.pictures.idle();
  }

  private onEvent(event: HikEvent): void {
    if (this.settings.heartbeats === 'drop' && isHeartbeat(event)) return;
    if (event.replay && this.settings.replays === 'drop') return;
    this.pictures.deliver(event, [this.host], (e) => { this.deliver(e); });
  }

  /** The one way out for every message of this node. */
  private deliver(event: HikEvent): void {
    const { replays, images, attachments } = this.settings;
    if (event.replay && replays === 'drop') return;
    // a copy per node: several nodes share the stream's events
    const payload: HikEvent = { ...event, images: images === 'none' ? [] : [...event.images] };
    const msg: AlertStreamMessage = {
      payload,
      topic: `hikvision/${event.ipAddress ?? this.host}/${event.eventType}`,
      remoteAddress: this.host,
      via: 'stream',
    };
    if (event.replay && replays === 'tag') {
      msg.replay = true;
      msg.topic += '/replay';
    }
    if (attachments && payload.images.length > 0) msg.attachments = toEmailAttachments(payload.images);
    this.out.send(msg);
    this.count++;
    this.last = { eventType: event.eventType, at: new Date() };
    this.out.status({ kind: 'streaming', count: this.count, last: this.last }, false);
  }

  private onState(state: StreamState): void {
    switch (state.kind) {
      case 'connecting':
        this.out.status({ kind: 'connecting' }, true);
        break;
      case 'streaming':
        this.out.status({ kind: 'streaming', count: this.count, last: this.last }, true);
        break;
      case 'retrying':
        this.out.status({ kind: 'retrying', seconds: Math.round(state.delayMs / 100) / 10, reason: state.reason }, true);
        break;
      case 'refused': {
        const { protocol, port } = this.settings.device;
        this.out.status({ kind: 'refused' }, true);
        this.out.refused(`${protocol}://${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}`);
        break;
      }
      case 'closed':
        break;
    }
  }
}
