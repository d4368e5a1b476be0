/**
 * A fake iSC / HikCentral Artemis gateway for tests, the demo and the `hikvision-sim platform`
 * command. It behaves like the platform where subscribers can tell: it verifies every signature
 * exactly and answers failures with HTTP 200 and the platform's `{code,msg}` envelope, stores one
 * subscription per eventDest, and pushes OnEventNotify bodies (up to 50 events per POST, one
 * ability per POST) to every callback whose subscription matches the event's type and subType.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ARTEMIS_PREFIX, EVENT_SERVICE_PATHS } from '../../isc/event-service-api';
import { PICTURE_APIS, servePictureApi, servePictureService } from './picture-service';
import { SIMULATOR_TLS } from './simulator-certificate';
import { platformIsoTime, SIMULATED_EVENT_KINDS, simulateOccurrence, type SimulatedEvent, type SimulatedEventKind } from './simulated-events';
import { SubscriptionStore, type StoredSubscription } from './subscription-store';
import { verifyArtemisRequest, type ArtemisRejection } from './verify-artemis-request';
import { isRecord } from '../../util/is-record';

export interface PlatformSimulatorOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** Address to bind; loopback unless told otherwise. */
  host?: string;
  appKey: string;
  appSecret: string;
  /** Serve HTTPS with a self-signed certificate, as real platforms do. */
  https?: boolean;
  /** How far a request's x-ca-timestamp may be from this clock (default 15 minutes). */
  maxClockSkewMs?: number;
}

export interface PushOptions {
  kinds?: readonly SimulatedEventKind[];
  /** Occurrences per kind (parking and linkage occurrences are two events each). */
  count?: number;
  /** Events per POST, 1-50. */
  perPost?: number;
}

export interface PushRecord {
  eventDest: string;
  ability: string;
  events: number;
  /** The subscriber's HTTP status, or null when the POST failed. */
  status: number | null;
  error: string | null;
}

export interface PushReport {
  posts: PushRecord[];
  /** Events delivered with a 200 answer. */
  delivered: number;
  failed: number;
}

export interface RecordedCall {
  path: string;
  /** The platform code answered ("0" for success), or `HTTP_<status>`. */
  code: string;
}

export interface PlatformSimulator {
  readonly port: number;
  /** `http(s)://host:port` — the gateway origin; API paths start with /artemis. */
  readonly url: string;
  subscriptions(): StoredSubscription[];
  calls(): RecordedCall[];
  /** Pushes freshly made events to every matching subscription. */
  pushEvents(options?: PushOptions): Promise<PushReport>;
  /** Answers every authenticated event service call with this error (null: back to normal). */
  setFault(fault: ArtemisRejection | null): void;
  /** Drops the subscription of one callback (or every one), as a platform restart or an administrator does; returns how many. */
  dropSubscription(eventDest?: string): number;
  close(): Promise<void>;
}

export const MAX_EVENTS_PER_POST = 50;
const REQUEST_BODY_LIMIT = 1024 * 1024;
const PUSH_TIMEOUT_MS = 5_000;

function matches(subscription: StoredSubscription, event: SimulatedEvent): boolean {
  if (!subscription.eventTypes.includes(event.subscribedType)) return false;
  if (event.linkage) {
    if (subscription.subType === 0) return false;
    return subscription.eventLvl === null || event.eventLvl === null || subscription.eventLvl.includes(event.eventLvl);
  }
  return subscription.subType !== 1;
}

/** Splits the events into POST bodies: consecutive events of one ability, at most `perPost` each. */
function batches(events: SimulatedEvent[], perPost: number): SimulatedEvent[][] {
  const result: SimulatedEvent[][] = [];
  for (const event of events) {
    const last = result.at(-1);
    if (last && last.length < perPost && last[0]?.ability === event.ability) last.push(event);
    else result.push([event]);
  }
  return result;
}

function postJson(eventDest: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(eventDest);
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      agent: false,
      rejectUnauthorized: false,
      timeout: PUSH_TIMEOUT_MS,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${PUSH_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function startPlatformSimulator(options: PlatformSimulatorOptions): Promise<PlatformSimulator> {
  const store = new SubscriptionStore();
  const calls: RecordedCall[] = [];
  let fault: ArtemisRejection | null = null;
  let sequence = 0;
  /** `http(s)://host:port`, known once listening: picture URLs the platform hands out point here. */
  let origin = '';
  const verifier = {
    appKey: options.appKey,
    appSecret: options.appSecret,
    maxClockSkewMs: options.maxClockSkewMs ?? 15 * 60_000,
    now: Date.now,
  };

  const answer = (res: http.ServerResponse, path: string, envelope: { code: string; msg: string; data?: unknown }) => {
    calls.push({ path, code: envelope.code });
    res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' }).end(JSON.stringify(envelope));
  };
  const refuse = (res: http.ServerResponse, path: string, status: number, text: string) => {
    calls.push({ path, code: `HTTP_${status}` });
    res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`${text}\n`);
  };

  const serve = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (servePictureService(req, res)) return;
    if (!path.startsWith(`${ARTEMIS_PREFIX}/`)) return refuse(res, path, 404, 'not an Artemis path');
    if (req.method !== 'POST') return refuse(res, path, 405, 'POST expected');
    const rejection = verifyArtemisRequest({ method: req.method, url, headers: req.headers, body }, verifier);
    if (rejection) return answer(res, path, rejection);
    const api = path.slice(ARTEMIS_PREFIX.length);
    const known = [...Object.values(EVENT_SERVICE_PATHS), ...PICTURE_APIS] as string[];
    if (!known.includes(api)) return refuse(res, path, 404, 'no such API');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed)) return answer(res, path, { code: '0x02401021', msg: 'parse request JSON data error' });
    if (fault) return answer(res, path, fault);
    if (PICTURE_APIS.includes(api)) {
      calls.push({ path, code: '0' });
      return servePictureApi(api, parsed, origin, res, (envelope) => answer(res, path, envelope));
    }
    const problem = api === EVENT_SERVICE_PATHS.subscribe ? store.subscribe(parsed)
      : api === EVENT_SERVICE_PATHS.unsubscribe ? store.unsubscribe(parsed)
        : null;
    if (problem) return answer(res, path, problem);
    answer(res, path, { code: '0', msg: 'success', data: api === EVENT_SERVICE_PATHS.view ? store.view() : null });
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > REQUEST_BODY_LIMIT && !refused) {
        refused = true;
        res.writeHead(413, { Connection: 'close' }).end();
      }
      if (!refused) chunks.push(chunk);
    });
    req.on('end', () => { if (!refused) serve(req, res, Buffer.concat(chunks)); });
  };

  const server = options.https
    ? https.createServer({ cert: SIMULATOR_TLS.cert, key: SIMULATOR_TLS.key }, onRequest)
    : http.createServer(onRequest);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  origin = `${options.https ? 'https' : 'http'}://${urlHost}:${port}`;

  return {
    port,
    url: origin,
    subscriptions: () => store.list(),
    dropSubscription: (eventDest) => store.drop(eventDest),
    calls: () => calls.map((call) => ({ ...call })),
    setFault: (value) => { fault = value; },
    async pushEvents(push: PushOptions = {}): Promise<PushReport> {
      const kinds = push.kinds ?? SIMULATED_EVENT_KINDS;
      const count = Math.max(0, push.count ?? 1);
      const perPost = Math.min(MAX_EVENTS_PER_POST, Math.max(1, push.perPost ?? MAX_EVENTS_PER_POST));
      const events: SimulatedEvent[] = [];
      const now = new Date();
      for (let i = 0; i < count; i++) {
        for (const kind of kinds) events.push(...simulateOccurrence(kind, ++sequence, now));
      }
      const report: PushReport = { posts: [], delivered: 0, failed: 0 };
      for (const subscription of store.list()) {
        for (const batch of batches(events.filter((event) => matches(subscription, event)), perPost)) {
          const ability = batch[0]?.ability ?? '';
          const body = JSON.stringify({
            method: 'OnEventNotify',
            params: { ability, events: batch.map((e) => e.event), sendTime: platformIsoTime(new Date()) },
          });
          const record: PushRecord = { eventDest: subscription.eventDest, ability, events: batch.length, status: null, error: null };
          try {
            record.status = await postJson(subscription.eventDest, body);
          } catch (err) {
            record.error = (err as Error).message;
          }
          if (record.status === 200) report.delivered += batch.length;
          else report.failed += batch.length;
          report.posts.push(record);
        }
      }
      return report;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
