/**
 * A Hikvision device on loopback (or any address): its ISAPI side answers the httpHosts
 * configurator behind digest login, and its push side sends events to every slot that points
 * somewhere, replaying stored events first — what the demo, the tests and the benchmark use in
 * place of a camera, an NVR or an access terminal.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { ALERT_STREAM_PATH, AlertStreamService, type AlertStreamControl, type AlertStreamSettings } from './alert-stream-service';
import { DeviceAuth, deviceRealm, type AuthMethod } from './device-auth';
import { DeviceControl } from './device-control';
import { SimEventTriggers } from './event-triggers';
import { deviceIdentity, type DeviceIdentity } from './device-identity';
import { HttpHostSlots, type JsonWrapper, type SimSlot } from './http-host-slots';
import { IsapiService } from './isapi-service';
import { PictureStore } from './picture-store';
import { selfSignedCertificate } from './self-signed-cert';
import { ContinuousPusher, ReplayTracker, slotTarget } from './slot-pusher';
import { buildTestPush, DEFAULT_DEVICE_IP, DEFAULT_MAC } from '../push/build-push';
import { PushClient } from '../push/push-client';
import { mergeReports, pushEvents, type PushReport, type PushResult, type PushRunOptions } from '../push/push-events';

export type { SimSlot, JsonWrapper } from './http-host-slots';
export type { AlertStreamControl, AlertStreamSettings, AlertStreamStats, StreamEmitOptions } from './alert-stream-service';
export type { PushReport, PushRunOptions } from '../push/push-events';

export interface DeviceSimulatorOptions {
  /** 0 or absent: the OS picks a free port. */
  port?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Serve ISAPI over HTTPS with a self-signed certificate (made with `openssl`) or cert/key. */
  https?: boolean;
  cert?: string;
  key?: string;
  username?: string;
  password?: string;
  /** Login schemes the device accepts (default digest only). */
  authMethods?: AuthMethod[];
  /** NVR: 1 slot, isapi.org namespace, capabilities and /test answer 403, channels from 33. */
  nvr?: boolean;
  /** Firmware that answers `?format=json` with 403 notSupport. */
  refuseJson?: boolean;
  /** Firmware that ignores `?format=json` and answers XML. */
  ignoreJson?: boolean;
  /** JSON shape of the httpHosts list it answers with (default `list`; PUT accepts every shape). */
  jsonWrapper?: JsonWrapper;
  /** Failed logins in a row before the account locks (default 5). */
  lockoutAttempts?: number;
  /** How long the lock lasts (default 30 minutes). */
  lockoutMs?: number;
  /** How long a digest nonce stays valid before the device answers stale=TRUE (default 5 minutes). */
  nonceTtlMs?: number;
  /** Preset slots (else every slot unused: 0.0.0.0 and '/'). */
  slots?: Partial<SimSlot>[];
  /** The ipAddress the device reports in its events (default 192.168.1.64). */
  deviceIp?: string;
  macAddress?: string;
  model?: string;
  /** Events kept in the device's store, replayed to a slot the first time it points somewhere (default 3). */
  storedEvents?: number;
  /** How long the captures URL-mode events name stay downloadable (default 10 minutes). */
  pictureUrlTtlMs?: number;
  /** Defaults for push() and startPushing() (kinds, rate, quirks, pictureUrls, …). */
  pushDefaults?: PushRunOptions;
  /** Where progress lines go (one per request; never passwords). Default: nowhere. */
  log?: (line: string) => void;
  /** The clock behind nonce expiry and the lock-out, in ms (tests move it instead of waiting). */
  clock?: () => number;
  /** Reboot with the httpHosts slots reset every this many ms (0/absent: never). */
  rebootEveryMs?: number;
  /** Video channels of the event trigger list (camera 1, NVR 4). */
  channels?: number;
  /** False: the login lacks the right to change event triggers (PUT answers 403 noPermission). */
  triggerRight?: boolean;
  /** The alertStream's heartbeat and busy/single-session switches (see AlertStreamSettings). */
  alertStream?: AlertStreamSettings;
}

export interface DeviceSimulator {
  readonly port: number;
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly identity: DeviceIdentity;
  slots(): SimSlot[];
  /** Pushes events to every enabled slot (after a replay of stored events the first time a slot is set). */
  push(options?: PushRunOptions): Promise<PushReport>;
  /** Keeps pushing to every enabled slot, following slot changes (the CLI's mode); stopPushing() ends it. */
  startPushing(options?: PushRunOptions): void;
  stopPushing(): Promise<void>;
  /** Called after a PUT changed slots. Returns a function that removes the listener. */
  onSlotsChanged(listener: (changedIds: string[], slots: SimSlot[]) => void): () => void;
  /** Login state: failed attempts in a row and whether the account is locked. */
  authState(): { failedAttempts: number; locked: boolean };
  /** Reboot with every httpHosts slot reset to 0.0.0.0 (also `POST /simulator/reboot`). */
  reboot(): void;
  /** Offline drops every ISAPI connection until set back (also `POST /simulator/offline|online`). */
  setOffline(offline: boolean): void;
  /** ISAPI requests that reached the device while online. */
  requestCount(): number;
  /** The stored text of an event trigger, exactly as last written (or as the device made it). */
  triggerText(id: string): string | undefined;
  /** The pull side: events, drops and stalls on open alertStreams, and what it saw. */
  readonly alertStream: AlertStreamControl;
  /** Makes every capture URL-mode events named so far expire (the storage overwrote them). */
  expirePictures(): void;
  close(): Promise<void>;
}

/** The bind address as a certificate name, unless it is a wildcard or already listed. */
function extraNames(host: string | undefined): string[] {
  if (!host || host === '0.0.0.0' || host === '::' || host === '127.0.0.1' || host === 'localhost') return [];
  return [net.isIP(host) ? `IP:${host}` : `DNS:${host}`];
}

export async function startDeviceSimulator(options: DeviceSimulatorOptions = {}): Promise<DeviceSimulator> {
  const nvr = options.nvr ?? false;
  const log = options.log ?? ((): void => undefined);
  const identity = deviceIdentity({ nvr, macAddress: options.macAddress ?? DEFAULT_MAC, model: options.model });
  const deviceIp = options.deviceIp ?? DEFAULT_DEVICE_IP;
  const storedEvents = Math.max(0, options.storedEvents ?? 3);
  const style = nvr ? 'nvr' : 'camera';
  const auth = new DeviceAuth({
    username: options.username ?? 'admin',
    password: options.password ?? 'hik12345',
    methods: options.authMethods && options.authMethods.length > 0 ? options.authMethods : ['digest'],
    lockoutAttempts: Math.max(1, options.lockoutAttempts ?? 5),
    lockoutMs: options.lockoutMs ?? 30 * 60_000,
    nonceTtlMs: options.nonceTtlMs ?? 5 * 60_000,
    style,
    realm: deviceRealm(style, identity.serialNumber),
    namespace: identity.namespace,
    now: options.clock,
  });
  const store = new HttpHostSlots({ nvr, namespace: identity.namespace, count: identity.slotCount, presets: options.slots });
  const replays = new ReplayTracker();
  const listeners = new Set<(changedIds: string[], slots: SimSlot[]) => void>();
  const pictures = new PictureStore(options.pictureUrlTtlMs ?? 10 * 60_000, options.clock);
  let sequence = 0;

  const pushOptionsFor = (slot: SimSlot, extra: PushRunOptions): PushRunOptions => {
    const stored = replays.take(slot, storedEvents);
    return {
      ...options.pushDefaults,
      ...extra,
      format: slot.parameterFormatType,
      nvr,
      deviceIp,
      mac: identity.macAddress,
      firstSequence: sequence,
      replayStored: extra.replayStored ?? stored,
      publishPicture: (path, data) => { pictures.add(path, data); },
    };
  };

  const describe = (slot: SimSlot): string => {
    const t = slotTarget(slot);
    return `${t.protocol ?? 'http'}://${t.host}:${t.port}${t.path}`;
  };

  const progress = (slot: SimSlot) => (result: PushResult): void => {
    sequence = Math.max(sequence, result.sequence + 1);
    const what = `${result.eventType}${result.activePostCount > 1 ? ` (active #${result.activePostCount})` : ''}${result.replay ? ' [replay]' : ''}`;
    const outcome = result.status !== null ? String(result.status) : `error: ${result.error ?? '?'}`;
    log(`push ${what} -> ${describe(slot)}: ${outcome} (${(result.bytes / 1024).toFixed(1)} kB)`);
  };

  const runSlot = (slot: SimSlot, extra: PushRunOptions): Promise<PushReport> => {
    const runOptions = pushOptionsFor(slot, extra);
    if ((runOptions.replayStored ?? 0) > 0) log(`slot ${slot.id}: replaying ${runOptions.replayStored ?? 0} stored events to ${describe(slot)}`);
    const userResult = runOptions.onResult;
    return pushEvents(slotTarget(slot), {
      ...runOptions,
      onResult: (result) => { progress(slot)(result); userResult?.(result); },
    });
  };

  // The continuous mode's options are read when a slot's run starts (after a PUT, too).
  let continuous: PushRunOptions | null = null;
  const pusher = new ContinuousPusher((slot, signal) => runSlot(slot, { ...continuous, signal }), log);

  const triggers = new SimEventTriggers({ nvr, namespace: identity.namespace, channels: options.channels, triggerRight: options.triggerRight });
  const service = new IsapiService({
    triggers,
    identity,
    auth,
    slots: store,
    jsonWrapper: options.jsonWrapper ?? 'list',
    refuseJson: options.refuseJson ?? false,
    ignoreJson: options.ignoreJson ?? false,
    log,
    pictures,
    testSlot: async (slot) => {
      const client = new PushClient(slotTarget(slot), { timeoutMs: 5000 });
      try {
        const push = buildTestPush({ deviceIp, mac: identity.macAddress, nvr, format: slot.parameterFormatType, sequence });
        const response = await client.send(push);
        return { ok: response.status >= 200 && response.status < 300, outcome: String(response.status) };
      } catch (err) {
        return { ok: false, outcome: err instanceof Error ? err.message : String(err) };
      } finally {
        client.close();
      }
    },
    slotsChanged: (changedIds) => { slotsChanged(changedIds); },
  });
  function slotsChanged(changedIds: string[]): void {
    const slots = store.list();
    for (const listener of listeners) listener(changedIds, slots);
    if (continuous) pusher.sync(slots);
  }
  const control = new DeviceControl({
    resetSlots: () => {
      const changed = store.reset();
      if (changed.length > 0) slotsChanged(changed);
      return changed;
    },
    log,
  });
  const rebootTimer = options.rebootEveryMs ? setInterval(() => { control.reboot(); }, options.rebootEveryMs) : null;
  rebootTimer?.unref();

  const alertStreams = new AlertStreamService({
    auth,
    namespace: identity.namespace,
    context: () => ({ deviceIp, mac: identity.macAddress, nvr }),
    settings: options.alertStream,
    log,
  });

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (control.intercept(req, res)) return;
    if ((req.url ?? '').split('?')[0] === ALERT_STREAM_PATH) alertStreams.handle(req, res);
    else void service.handle(req, res);
  };
  let server: http.Server | https.Server;
  if (options.https) {
    const pair = options.cert && options.key
      ? { cert: options.cert, key: options.key }
      : await selfSignedCertificate(identity.serialNumber, ['IP:127.0.0.1', 'DNS:localhost', ...extraNames(options.host)]);
    server = https.createServer({ cert: pair.cert, key: pair.key }, handler);
  } else {
    server = http.createServer(handler);
  }
  server.keepAliveTimeout = 10_000; // Keep-Alive: timeout=10 as on cameras
  server.on('clientError', (_err, socket: net.Socket) => { socket.destroy(); });

  const bindHost = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const url = `${options.https ? 'https' : 'http'}://${urlHost}:${port}`;
  log(`${nvr ? 'NVR' : 'camera'} ${identity.model} ISAPI on ${url} (user ${options.username ?? 'admin'}, ${identity.slotCount} httpHosts slot${identity.slotCount > 1 ? 's' : ''})`);

  return {
    port,
    url,
    identity,
    slots: () => store.list(),
    async push(extra: PushRunOptions = {}): Promise<PushReport> {
      const enabled = store.list().filter((s) => s.enabled);
      const first = sequence;
      const reports = await Promise.all(enabled.map((slot) => runSlot(slot, extra)));
      sequence = Math.max(sequence, first + Math.max(0, ...reports.map((r) => r.sent)));
      return mergeReports(reports);
    },
    startPushing(extra: PushRunOptions = {}): void {
      continuous = extra;
      pusher.resume();
      pusher.sync(store.list());
    },
    async stopPushing(): Promise<void> {
      continuous = null;
      await pusher.stop();
    },
    onSlotsChanged(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    authState: () => ({ failedAttempts: auth.failedAttempts, locked: auth.locked }),
    reboot: () => { control.reboot(); },
    setOffline: (offline) => { control.setOffline(offline); },
    requestCount: () => control.requestCount,
    triggerText: (id) => triggers.text(id),
    alertStream: alertStreams,
    expirePictures: () => { pictures.expireAll(); },
    async close(): Promise<void> {
      if (rebootTimer) clearInterval(rebootTimer);
      continuous = null;
      alertStreams.close();
      await pusher.stop();
      await new Promise<void>((resolve) => {
        server.close(() => { resolve(); });
        server.closeAllConnections();
      });
    },
  };
}
