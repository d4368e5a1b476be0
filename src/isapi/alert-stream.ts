/**
 * One device's alertStream (pull mode): `GET /ISAPI/Event/notification/alertStream` kept open,
 * its never-ending multipart body turned into events by the push parser, reopened with backoff
 * when it ends, breaks, falls silent, or the device is busy (terminals allow one session).
 *
 * Digest: the device's 401 challenge is answered, and so is a `stale` nonce; a 401 that answers our
 * credentials stops the stream for good (devices lock the account after a few failed logins).
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { offersBasic, parseDigestChallenges, type DigestChallenge } from '../http-auth/digest';
import { AlertStreamParser } from '../push/alert-stream-parser';
import { boundaryParam, isMultipartType } from '../push/content-type';
import type { HikEvent } from '../push/hik-event';
import type { PushError } from '../push/push-error';
import type { DeviceTarget } from './device-target';
import { digestAuthorization } from './digest-client';
import { StreamReplays } from './stream-replays';

export const ALERT_STREAM_PATH = '/ISAPI/Event/notification/alertStream';
/** Seconds between tries after a failure, the last repeated. */
export const DEFAULT_BACKOFF_MS: readonly number[] = [1000, 2000, 5000, 10_000, 30_000, 60_000];
export const DEFAULT_IDLE_TIMEOUT_MS = 40_000;
/** Pictures follow their event at once: an event waits this long for them when the stream goes quiet. */
const PICTURE_LINGER_MS = 150;
/** 401 answers in a row that may be answered again: the handshake and stale nonces. */
const MAX_AUTH_ROUNDS = 3;

/** Why the stream is being reopened. */
export type RetryReason =
  | { kind: 'busy'; status: number } // 403 / 404: another session holds the device, or a limit
  | { kind: 'status'; status: number } // 5xx and other answers
  | { kind: 'ended' } // the device closed the stream
  | { kind: 'idle'; seconds: number }
  | { kind: 'network'; code: string }
  | { kind: 'not-multipart' }
  | { kind: 'bad-stream'; detail: string };

export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'streaming' }
  | { kind: 'retrying'; delayMs: number; reason: RetryReason; reconnects: number }
  /** The device refused the credentials: nothing more is sent until the node is redeployed. */
  | { kind: 'refused'; status: number }
  | { kind: 'closed' };

export interface StreamTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AlertStreamOptions {
  /** Silence longer than this drops and reopens the stream (any byte counts as traffic). */
  idleTimeoutMs?: number;
  /** Waits before each try after a failure (the last one repeats); reset once a stream carries data. */
  backoffMs?: readonly number[];
  /** Keep picture bytes. */
  images?: boolean;
  /** After a reconnect, events seen before within this time count as replays. */
  replayWindowMs?: number;
  timers?: StreamTimers;
}

export interface AlertStreamSubscriber {
  onEvent(event: HikEvent): void;
  onState(state: StreamState): void;
  onPartError(error: PushError): void;
}

const NODE_TIMERS: StreamTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type Auth = { kind: 'none' } | { kind: 'basic' } | { kind: 'digest'; challenge: DigestChallenge; nc: number };

export class AlertStream {
  private readonly subscribers = new Set<AlertStreamSubscriber>();
  private readonly idleTimeoutMs: number;
  private readonly backoffMs: readonly number[];
  private readonly timers: StreamTimers;
  private readonly replays: StreamReplays;
  private stateNow: StreamState = { kind: 'connecting' };
  private request: http.ClientRequest | null = null;
  private retryTimer: unknown = null;
  private idleTimer: unknown = null;
  private lingerTimer: unknown = null;
  private failures = 0;
  private reconnectCount = 0;
  private started = false;
  private closed = false;
  private auth: Auth = { kind: 'none' };

  constructor(private readonly target: DeviceTarget, private readonly options: AlertStreamOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.backoffMs = options.backoffMs && options.backoffMs.length > 0 ? options.backoffMs : DEFAULT_BACKOFF_MS;
    this.timers = options.timers ?? NODE_TIMERS;
    this.replays = new StreamReplays(options.replayWindowMs);
  }

  get state(): StreamState {
    return this.stateNow;
  }

  /** Streams opened again after the first (drops, stalls, busy answers…). */
  get reconnects(): number {
    return this.reconnectCount;
  }

  subscribe(subscriber: AlertStreamSubscriber): () => void {
    this.subscribers.add(subscriber);
    subscriber.onState(this.stateNow);
    if (!this.started) {
      this.started = true;
      this.open();
    }
    return () => { this.subscribers.delete(subscriber); };
  }

  /** Closes the socket at once; nothing is sent after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.request?.destroy();
    this.request = null;
    this.setState({ kind: 'closed' });
    this.subscribers.clear();
  }

  private open(): void {
    if (this.closed) return;
    this.setState({ kind: 'connecting' });
    this.send(0);
  }

  /** One GET; `round` counts the 401 answers already answered for this try. */
  private send(round: number): void {
    const { host, port, protocol, rejectUnauthorized } = this.target;
    const headers: http.OutgoingHttpHeaders = {
      Accept: '*/*',
      'Cache-Control': 'no-cache',
      'User-Agent': 'node-red-contrib-hikvision-events',
    };
    const authorization = this.authorization();
    if (authorization) headers.Authorization = authorization;
    const options: https.RequestOptions = {
      host: host.replace(/^\[(.*)\]$/, '$1'), port, method: 'GET', path: ALERT_STREAM_PATH, headers, agent: false,
    };
    if (protocol === 'https') options.rejectUnauthorized = rejectUnauthorized;
    const req = (protocol === 'https' ? https : http).request(options);
    this.request = req;
    // no answer at all (a terminal whose one session is taken may never send headers)
    this.armIdle(req);
    req.on('response', (res) => { this.onResponse(req, res, round); });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (this.request !== req) return;
      this.retry({ kind: 'network', code: err.code ?? err.name });
    });
    req.end();
  }

  private onResponse(req: http.ClientRequest, res: http.IncomingMessage, round: number): void {
    if (this.request !== req) {
      res.resume();
      return;
    }
    const status = res.statusCode ?? 0;
    if (status === 401) {
      res.resume(); // the body says nothing we need
      const sentCredentials = this.auth.kind !== 'none';
      const header = res.headers['www-authenticate'];
      const challenge = parseDigestChallenges(header)[0] as DigestChallenge | undefined;
      const mayAnswer = round < MAX_AUTH_ROUNDS && (!sentCredentials ? challenge !== undefined || offersBasic(header) : challenge?.stale === true);
      if (!mayAnswer) {
        this.auth = { kind: 'none' };
        // a device that keeps renewing its nonce has not refused the password: try again later
        if (challenge?.stale === true) this.retry({ kind: 'status', status });
        else this.stop({ kind: 'refused', status });
        return;
      }
      this.auth = challenge ? { kind: 'digest', challenge, nc: 0 } : { kind: 'basic' };
      this.request = null;
      req.destroy();
      this.send(round + 1);
      return;
    }
    if (status !== 200) {
      res.resume();
      req.destroy();
      this.retry(status === 403 || status === 404 ? { kind: 'busy', status } : { kind: 'status', status });
      return;
    }
    const contentType = res.headers['content-type'];
    if (!isMultipartType(contentType)) {
      res.resume();
      req.destroy();
      this.retry({ kind: 'not-multipart' });
      return;
    }
    this.read(req, res, boundaryParam(contentType));
  }

  private read(req: http.ClientRequest, res: http.IncomingMessage, boundary: string | undefined): void {
    this.setState({ kind: 'streaming' });
    this.replays.reconnected();
    const parser = new AlertStreamParser({
      boundary,
      images: this.options.images !== false,
      onEvent: (event) => { this.deliver(event); },
      onPartError: (error) => { for (const s of this.subscribers) s.onPartError(error); },
    });
    let sawData = false;
    res.on('data', (chunk: Buffer) => {
      if (this.request !== req) return;
      this.armIdle(req);
      if (!sawData) {
        sawData = true;
        this.failures = 0;
      }
      try {
        parser.write(chunk);
      } catch (err) {
        req.destroy();
        this.retry({ kind: 'bad-stream', detail: err instanceof Error ? err.message : String(err) });
        return;
      }
      this.timers.clearTimeout(this.lingerTimer);
      this.lingerTimer = parser.pending ? this.timers.setTimeout(() => { parser.flush(); }, PICTURE_LINGER_MS) : null;
    });
    const ended = (): void => {
      if (this.request !== req) return;
      try {
        parser.end();
      } catch {
        // a part cut off by the end: nothing more to read from it
      }
      this.retry({ kind: 'ended' });
    };
    res.on('end', ended);
    res.on('close', ended);
    res.on('error', () => undefined); // 'close' follows and reopens
  }

  private deliver(event: HikEvent): void {
    this.replays.mark(event);
    for (const subscriber of this.subscribers) subscriber.onEvent(event);
  }

  private authorization(): string | undefined {
    const auth = this.auth;
    const { username, password } = this.target;
    if (auth.kind === 'basic') return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    if (auth.kind !== 'digest') return undefined;
    auth.nc += 1;
    return digestAuthorization({
      challenge: auth.challenge, username, password, method: 'GET', uri: ALERT_STREAM_PATH, nc: auth.nc, cnonce: randomBytes(16).toString('hex'),
    });
  }

  private armIdle(req: http.ClientRequest): void {
    this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = this.timers.setTimeout(() => {
      if (this.request !== req) return;
      this.retry({ kind: 'idle', seconds: Math.round(this.idleTimeoutMs / 100) / 10 });
    }, this.idleTimeoutMs);
  }

  /** Drops the current request and schedules the next try. */
  private retry(reason: RetryReason): void {
    if (this.closed) return;
    const req = this.request;
    this.request = null;
    req?.destroy();
    this.clearTimers();
    // each new stream starts with a fresh challenge: a device may have restarted meanwhile
    this.auth = { kind: 'none' };
    const delayMs = this.backoffMs[Math.min(this.failures, this.backoffMs.length - 1)];
    this.failures++;
    this.reconnectCount++;
    this.setState({ kind: 'retrying', delayMs, reason, reconnects: this.reconnectCount });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delayMs);
  }

  private stop(state: StreamState): void {
    const req = this.request;
    this.request = null;
    req?.destroy();
    this.clearTimers();
    this.setState(state);
  }

  private clearTimers(): void {
    this.timers.clearTimeout(this.idleTimer);
    this.timers.clearTimeout(this.retryTimer);
    this.timers.clearTimeout(this.lingerTimer);
    this.idleTimer = null;
    this.retryTimer = null;
    this.lingerTimer = null;
  }

  private setState(state: StreamState): void {
    this.stateNow = state;
    for (const subscriber of this.subscribers) subscriber.onState(state);
  }
}
