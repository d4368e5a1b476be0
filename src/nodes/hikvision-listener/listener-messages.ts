/**
 * The listener's message contract: one message per event, with its topic, the sender's address,
 * the replay tag and the e-mail attachments as the node's settings ask.
 */
import type { NodeMessage } from 'node-red';
import { pictureMode, type PictureMode } from '../../isapi/event-pictures';
import { pictureTimeoutMs } from '../../isapi/picture-fetcher';
import { toEmailAttachments } from '../../push/email-attachments';
import type { HikEvent } from '../../push/hik-event';
import { deviceDirectory, type KnownDevice } from '../../server/device-directory';
import type { PushMeta } from '../../server/push-route';
import { MessageIds } from './message-ids';

export interface ListenerMessage extends NodeMessage {
  payload: HikEvent;
  topic: string;
  remoteAddress: string;
  replay?: true;
  /** How the event arrived: `push` here (the alert-stream node sends `stream`). */
  via: 'push';
  /** The device's identity, when a device watch has read it from this address. */
  device?: KnownDevice;
  attachments?: ReturnType<typeof toEmailAttachments>;
}

/** The node's properties that shape its messages. */
export interface ListenerMessageDef {
  images: 'buffer' | 'none';
  replays: 'pass' | 'tag' | 'drop';
  attachments: boolean;
  /** Pictures for events that came without them: `as-sent` (default), `fetch-urls`, `snapshot`. */
  pictures?: PictureMode;
  /** Seconds an event may wait for its pictures (default 5). */
  pictureTimeout?: string | number;
}

export interface ListenerMessageOptions {
  wantImages: boolean;
  replays: 'pass' | 'tag' | 'drop';
  attachments: boolean;
  /** `as-sent` whenever pictures are dropped anyway. */
  pictures: PictureMode;
  pictureTimeoutMs: number;
}

/** The options from the node's properties (flows saved by older versions may lack some). */
export function listenerMessageOptions(def: Partial<ListenerMessageDef>): ListenerMessageOptions {
  const wantImages = def.images !== 'none';
  const replays = def.replays === 'drop' || def.replays === 'pass' ? def.replays : 'tag';
  return {
    wantImages,
    replays,
    attachments: Boolean(def.attachments),
    pictures: wantImages ? pictureMode(def.pictures) : 'as-sent',
    pictureTimeoutMs: pictureTimeoutMs(def.pictureTimeout),
  };
}

/** Builds the message for an event, or null when the settings drop it (a replay with replays 'drop'). */
export class ListenerMessages {
  private readonly ids = new MessageIds();

  constructor(private readonly options: ListenerMessageOptions) {}

  /** A replay the settings drop: nothing to send, and nothing to fetch pictures for. */
  drops(event: HikEvent): boolean {
    return event.replay && this.options.replays === 'drop';
  }

  toMessage(event: HikEvent, meta: PushMeta): ListenerMessage | null {
    const { wantImages } = this.options;
    if (this.drops(event)) return null;
    const payload = wantImages ? event : { ...event, images: [] };
    const source = event.ipAddress ?? meta.remoteAddress.replace(/^::ffff:/, '');
    const msg: ListenerMessage = {
      _msgid: this.ids.next(),
      payload,
      topic: `hikvision/${source}/${event.eventType}`,
      remoteAddress: meta.remoteAddress,
      via: 'push',
    };
    if (event.replay && this.options.replays === 'tag') {
      msg.replay = true;
      msg.topic += '/replay';
    }
    const device = deviceDirectory.lookup(meta.remoteAddress);
    if (device) msg.device = device;
    if (this.options.attachments && payload.images.length > 0) msg.attachments = toEmailAttachments(payload.images);
    return msg;
  }
}
