/**
 * A run of pushes against one listener: stored events replayed first, then live events of the
 * chosen kinds, repeated while "active" with a rising activePostCount, at a rate and with a
 * number of concurrent connections — what the tests, the demo and the benchmark drive.
 */
import { buildPush, type BuildPushContext, type BuiltPush, type PushFormat } from './build-push';
import { EVENT_KINDS, type EventKind, type Quirks } from './event-kind';
import { PushClient, type PushTarget } from './push-client';
import { RateSchedule } from './rate-schedule';

export interface PushRunOptions {
  /** Kinds to send, in turn (default: every kind). */
  kinds?: EventKind[];
  /** Live requests to send, repeats included, replays not (default: each kind once × activeRepeats; unbounded with a signal). */
  total?: number;
  /** Events per second; 0 or absent = as fast as possible. */
  rate?: number;
  /** Requests in flight at once, each on its own connection (default 1). */
  concurrency?: number;
  quirks?: Quirks;
  /** Stored events replayed first, one after another, marked as retransmissions (default 0). */
  replayStored?: number;
  /** How many times each event is posted while active, activePostCount 1, 2, … (default 1). */
  activeRepeats?: number;
  /** The slot's parameterFormatType (default XML). */
  format?: PushFormat;
  nvr?: boolean;
  deviceIp?: string;
  mac?: string;
  channel?: number;
  /** Access-control events with their picture (default) or as plain JSON. */
  pictures?: boolean;
  /** ANPR and access control name their pictures by URL (the device serves them; see publishPicture). */
  pictureUrls?: boolean;
  /** Called before an event that names pictures by URL is sent, for each such picture: the device serves it from then on. */
  publishPicture?: (path: string, data: Buffer) => void;
  envelope?: BuildPushContext['envelope'];
  /** Sequence number of the first event, replays first (a device keeps counting across runs; default 0). */
  firstSequence?: number;
  /**
   * Build at most this many different bodies per kind and reuse them, for load runs where
   * building costs too much; their serial numbers and times then repeat. Default 0: every body
   * is built afresh (current time, unique serial numbers); pictures are cached either way.
   */
  distinctBodies?: number;
  /** Stops the run (requests in flight finish). */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called after each request, for progress lines. */
  onResult?: (result: PushResult) => void;
}

export interface PushResult {
  kind: EventKind;
  eventType: string;
  replay: boolean;
  sequence: number;
  activePostCount: number;
  /** HTTP status, or null when no answer came (the error says why). */
  status: number | null;
  error?: string;
  bytes: number;
}

export interface PushReport {
  /** Requests sent, replays included. */
  sent: number;
  /** Answered 2xx. */
  ok: number;
  failed: number;
  /** Count per HTTP status, and `error` for requests without an answer. */
  statuses: Record<string, number>;
  /** Distinct error messages (at most 20). */
  errors: string[];
  replayed: number;
  /** Body bytes sent. */
  bytes: number;
}

function count(statuses: Record<string, number>, key: string): void {
  statuses[key] = ((statuses[key] as number | undefined) ?? 0) + 1;
}

export function emptyReport(): PushReport {
  return { sent: 0, ok: 0, failed: 0, statuses: {}, errors: [], replayed: 0, bytes: 0 };
}

export function mergeReports(reports: PushReport[]): PushReport {
  const merged = emptyReport();
  for (const r of reports) {
    merged.sent += r.sent;
    merged.ok += r.ok;
    merged.failed += r.failed;
    merged.replayed += r.replayed;
    merged.bytes += r.bytes;
    for (const [status, n] of Object.entries(r.statuses)) merged.statuses[status] = ((merged.statuses[status] as number | undefined) ?? 0) + n;
    for (const e of r.errors) if (!merged.errors.includes(e) && merged.errors.length < 20) merged.errors.push(e);
  }
  return merged;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

interface Planned {
  kind: EventKind;
  sequence: number;
  activePostCount: number;
  replay: boolean;
}

export async function pushEvents(target: PushTarget, options: PushRunOptions = {}): Promise<PushReport> {
  const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : [...EVENT_KINDS];
  const repeats = Math.max(1, Math.floor(options.activeRepeats ?? 1));
  const rate = Math.max(0, options.rate ?? 0);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const total = options.total !== undefined ? Math.max(0, Math.floor(options.total)) : options.signal ? Infinity : kinds.length * repeats;
  const replays = Math.max(0, Math.floor(options.replayStored ?? 0));
  const firstSequence = Math.max(0, Math.floor(options.firstSequence ?? 0));
  const distinct = Math.max(0, Math.floor(options.distinctBodies ?? 0));
  const quirks = options.quirks ?? {};
  const report = emptyReport();
  const client = new PushClient(target, { timeoutMs: options.timeoutMs, quirks });
  const cache = new Map<string, BuiltPush>();

  const build = (plan: Planned): BuiltPush => {
    const context: BuildPushContext = {
      deviceIp: options.deviceIp, mac: options.mac, channel: options.channel, nvr: options.nvr, quirks,
      format: options.format, pictures: options.pictures, pictureUrls: options.pictureUrls, envelope: options.envelope,
      activePostCount: plan.activePostCount, replay: plan.replay, sequence: plan.sequence,
    };
    if (distinct === 0) return buildPush(plan.kind, context);
    const key = `${plan.kind}|${plan.activePostCount}|${plan.replay}|${plan.sequence % distinct}`;
    let built = cache.get(key);
    if (!built) {
      built = buildPush(plan.kind, { ...context, sequence: plan.sequence % distinct });
      cache.set(key, built);
    }
    return built;
  };

  const send = async (plan: Planned): Promise<void> => {
    const built = build(plan);
    for (const picture of built.linkedPictures) options.publishPicture?.(picture.path, picture.data);
    const result: PushResult = {
      kind: plan.kind, eventType: built.eventType, replay: plan.replay, sequence: plan.sequence,
      activePostCount: plan.activePostCount, status: null, bytes: built.body.length,
    };
    report.sent++;
    report.bytes += built.body.length;
    if (plan.replay) report.replayed++;
    try {
      const response = await client.send(built);
      result.status = response.status;
      count(report.statuses, String(response.status));
      if (response.status >= 200 && response.status < 300) report.ok++;
      else report.failed++;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result.error = message;
      report.failed++;
      count(report.statuses, 'error');
      if (!report.errors.includes(message) && report.errors.length < 20) report.errors.push(message);
    }
    options.onResult?.(result);
  };

  try {
    // A device empties its store in order, one event after another, before live events.
    for (let r = 0; r < replays && !options.signal?.aborted; r++) {
      await send({ kind: kinds[r % kinds.length], sequence: firstSequence + r, activePostCount: 1, replay: true });
    }
    const schedule = new RateSchedule(rate);
    const start = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!options.signal?.aborted) {
        const index = next++;
        if (index >= total) return;
        await sleep(start + schedule.dueAt(index) - Date.now(), options.signal);
        if (options.signal?.aborted) return;
        const logical = Math.floor(index / repeats);
        await send({
          kind: kinds[logical % kinds.length],
          sequence: firstSequence + replays + logical,
          activePostCount: (index % repeats) + 1,
          replay: false,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  } finally {
    client.close();
  }
  return report;
}
