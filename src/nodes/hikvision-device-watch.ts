/**
 * Node `hikvision-device-watch`: keeps one device pushing to this machine. Every interval the
 * controller (./hikvision-device-watch/device-watch) checks the device and its httpHosts slot; this
 * node sends a health message when the state changes and shows the state in its status.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { realScheduler } from '../filter/scheduler';
import { DigestClient } from '../isapi/digest-client';
import { detectLocalAddress } from '../isapi/local-address';
import { deviceActivity } from '../server/device-activity';
import { deviceDirectory } from '../server/device-directory';
import { DeviceWatch, type HealthReport, type SlotRepair } from './hikvision-device-watch/device-watch';
import type { HikvisionConfigNode } from './hikvision-config';
import { resolveRequest } from './hikvision-httphosts';

export interface DeviceWatchDef extends NodeDef {
  config: string;
  /** Seconds between checks (at least 10). */
  interval: string | number;
  /** Minutes without events before `silent`; 0 = off. */
  silentAfter: string | number;
  guardSlot: boolean;
  /** The listener path the slot must point at. */
  path: string;
}

const MIN_INTERVAL_S = 10;

function numberOr(value: string | number | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export default function register(RED: NodeAPI): void {
  function HikvisionDeviceWatch(this: Node, def: DeviceWatchDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.config) as HikvisionConfigNode | null;
    const t = (key: string) => RED._(`hikvision-device-watch.${key}`);
    if (!config || !config.device.host) {
      this.status({ fill: 'red', shape: 'ring', text: t('status.no-config') });
      this.error(config ? t('errors.no-device') : t('errors.no-config'));
      return;
    }
    const device = config.device;
    const intervalMs = Math.max(MIN_INTERVAL_S, numberOr(def.interval, 60)) * 1000;
    const silentAfterMs = Math.max(0, numberOr(def.silentAfter, 0)) * 60_000;
    const client = new DigestClient(device, { timeoutMs: Math.min(10_000, intervalMs / 2) });
    // Pushes come from an IP address: a host name is resolved (once, in the background) to match them.
    let deviceAddress = device.host;
    if (!net.isIP(device.host)) lookup(device.host).then(({ address }) => { deviceAddress = address; }, () => undefined);
    const remember = (info: HealthReport['device']): void => {
      if (info && net.isIP(deviceAddress)) deviceDirectory.remember(deviceAddress, info);
    };

    const showStatus = (report: HealthReport): void => {
      const time = (iso: string) => new Date(iso).toTimeString().slice(0, 5);
      switch (report.state) {
        case 'online': {
          const last = report.lastEventAt === null
            ? t('status.no-event')
            : RED._('hikvision-device-watch.status.last-event', { minutes: Math.max(0, Math.round((Date.now() - Date.parse(report.lastEventAt)) / 60_000)) });
          this.status({ fill: 'green', shape: 'dot', text: RED._('hikvision-device-watch.status.online', { slot: report.slot?.id ?? '?', last }) });
          break;
        }
        case 'offline':
          this.status({ fill: 'red', shape: 'ring', text: RED._('hikvision-device-watch.status.offline', { time: time(report.since) }) });
          break;
        case 'auth-failed':
          this.status({ fill: 'red', shape: 'dot', text: t('status.auth-failed') });
          break;
        case 'silent':
          this.status({ fill: 'yellow', shape: 'dot', text: RED._('hikvision-device-watch.status.silent', { time: time(report.lastEventAt ?? report.since) }) });
          break;
        default:
          this.status({ fill: 'yellow', shape: 'ring', text: t(`status.${report.state}`) });
      }
    };

    const watch = new DeviceWatch({
      client,
      resolveTarget: async () => {
        const detected = await detectLocalAddress(device.host, device.port);
        const settings = { action: 'set', slot: 'auto', format: 'auto', url: (def.path || '').trim(), host: '', port: '', protocolType: '', parameterFormatType: '', httpAuthenticationMethod: '', notifyCenter: '' };
        return resolveRequest(settings, config, detected, RED).target;
      },
      listenPort: config.listen.port,
      deviceAddress: () => deviceAddress,
      activity: deviceActivity,
      intervalMs,
      silentAfterMs,
      // A flow saved without the property gets the default (on).
      guardSlot: (def as Partial<DeviceWatchDef>).guardSlot !== false,
      scheduler: realScheduler,
      onReport: (report) => {
        showStatus(report);
        if (report.state === 'auth-failed') this.error(RED._('hikvision-device-watch.errors.auth-failed', { detail: report.detail ?? '' }));
        this.send({ topic: `hikvision/${device.host}/health`, payload: report });
      },
      onChecked: showStatus,
      onIdentity: (info) => { remember(info); },
      onRepair: (repair: SlotRepair) => {
        if (repair.error === null) this.log(RED._('hikvision-device-watch.log.repaired', { slot: repair.slot, found: repair.found, wrote: repair.wrote ?? '', fields: repair.fields.join(', ') }));
        else this.warn(RED._('hikvision-device-watch.log.repair-failed', { slot: repair.slot, found: repair.found, error: repair.error }));
      },
    });
    this.status({ fill: 'grey', shape: 'ring', text: t('status.starting') });
    // The first check once the flow has started (the listener opens its port in the same deploy).
    watch.start(1000);

    this.on('close', (_removed: boolean, done: () => void) => {
      watch.stop();
      client.close();
      done();
    });
  }

  RED.nodes.registerType('hikvision-device-watch', HikvisionDeviceWatch);
}
