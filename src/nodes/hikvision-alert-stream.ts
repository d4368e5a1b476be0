/**
 * Node `hikvision-alert-stream`: events pulled from the device's alertStream (for devices that
 * cannot push: httpHosts slots taken, NAT, a configuration nobody may change), one message per
 * event in the listener's contract plus `msg.via = 'stream'`. One stream per config node.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { DEFAULT_IDLE_TIMEOUT_MS, type RetryReason } from '../isapi/alert-stream';
import { AlertStreamController, type StatusView } from './hikvision-alert-stream/alert-stream-controller';
import type { HikvisionConfigNode } from './hikvision-config';
import { pictureMode, type PictureMode } from '../isapi/event-pictures';
import { pictureTimeoutMs } from '../isapi/picture-fetcher';
import { LimitedLog } from './limited-log';
import { StatusThrottle } from './status-throttle';

interface AlertStreamDef extends NodeDef {
  config: string;
  images: 'buffer' | 'none';
  replays: 'pass' | 'tag' | 'drop';
  attachments?: boolean;
  heartbeats: 'drop' | 'pass';
  idleTimeout: string | number;
  pictures?: PictureMode;
  pictureTimeout?: string | number;
}

export default function register(RED: NodeAPI): void {
  const reasonText = (reason: RetryReason): string => {
    const key = `hikvision-alert-stream.reason.${reason.kind}`;
    switch (reason.kind) {
      case 'busy':
      case 'status':
        return RED._(key, { status: reason.status });
      case 'idle':
        return RED._(key, { seconds: reason.seconds });
      case 'network':
        return RED._(key, { code: reason.code });
      default:
        return RED._(key);
    }
  };

  function HikvisionAlertStream(this: Node, def: AlertStreamDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.config) as HikvisionConfigNode | null;
    const status = new StatusThrottle((s) => this.status(s));
    if (!config) {
      status.now({ fill: 'red', shape: 'ring', text: RED._('hikvision-alert-stream.status.no-config') });
      return;
    }
    if (!config.device.host) {
      status.now({ fill: 'red', shape: 'ring', text: RED._('hikvision-alert-stream.status.no-host') });
      return;
    }
    const idleSeconds = Number(def.idleTimeout);
    const show = (view: StatusView, urgent: boolean): void => {
      let shown;
      switch (view.kind) {
        case 'connecting':
          shown = { fill: 'yellow', shape: 'ring', text: RED._('hikvision-alert-stream.status.connecting') } as const;
          break;
        case 'streaming':
          shown = {
            fill: 'green', shape: 'dot',
            text: view.last
              ? RED._('hikvision-alert-stream.status.streaming-event', { count: view.count, event: view.last.eventType, time: view.last.at.toTimeString().slice(0, 8) })
              : RED._('hikvision-alert-stream.status.streaming', { count: view.count }),
          } as const;
          break;
        case 'retrying':
          shown = { fill: 'yellow', shape: 'ring', text: RED._('hikvision-alert-stream.status.retrying', { seconds: view.seconds, reason: reasonText(view.reason) }) } as const;
          break;
        case 'refused':
          shown = { fill: 'red', shape: 'ring', text: RED._('hikvision-alert-stream.status.refused') } as const;
          break;
        default:
          return;
      }
      if (urgent) status.now(shown);
      else status.later(shown);
    };
    const warnings = new LimitedLog((text) => this.warn(text), (count) => RED._('hikvision-alert-stream.errors.held-back', { count }));
    const controller = new AlertStreamController({
      configId: config.id,
      device: config.device,
      images: def.images === 'none' ? 'none' : 'buffer',
      replays: def.replays === 'drop' || def.replays === 'pass' ? def.replays : 'tag',
      attachments: def.attachments === true,
      heartbeats: def.heartbeats === 'pass' ? 'pass' : 'drop',
      idleTimeoutMs: Number.isFinite(idleSeconds) && idleSeconds > 0 ? idleSeconds * 1000 : DEFAULT_IDLE_TIMEOUT_MS,
      pictures: pictureMode(def.pictures),
      pictureTimeoutMs: pictureTimeoutMs(def.pictureTimeout),
    }, {
      send: (msg) => { this.send(msg); },
      status: show,
      refused: (origin) => { this.error(RED._('hikvision-alert-stream.errors.refused', { origin })); },
      pictureProblem: (problem, device) => {
        warnings.report('pictures', () => RED._('hikvision-alert-stream.errors.picture', { source: problem.source, path: problem.path, device, reason: problem.reason }));
      },
      partError: (error, msg) => {
        this.error(RED._('hikvision-alert-stream.errors.bad-part', { code: error.code, detail: error.message, remote: msg.remoteAddress }), msg);
      },
    });
    controller.start();
    this.on('close', (_removed: boolean, done: () => void) => {
      status.stop();
      controller.stop().then(() => done(), () => done());
    });
  }

  RED.nodes.registerType('hikvision-alert-stream', HikvisionAlertStream);
}
