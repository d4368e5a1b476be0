/**
 * The simulated device's `GET /ISAPI/Event/notification/alertStream`: behind its digest login, a
 * never-ending `multipart/mixed` body framed as devices frame it (alert-stream.md §2–3: raw bytes
 * without chunking, `Connection: close`, a Content-Length per part that counts an XML part's final
 * CRLF, picture parts after their event), heartbeats every N seconds, and switches for what real
 * devices do to streams: one session only, busy 403, a drop in the middle of a part, a stall.
 */
import type http from 'node:http';
import type { DeviceAuth } from './device-auth';
import { renderResponseStatus, STATUS } from './response-status';
import { buildStreamEvent, type BuildPushContext, type StreamEvent } from '../push/build-push';
import { formatDeviceTime } from '../push/device-time';
import { NS_HIKVISION } from '../push/event-content';
import { EVENT_KINDS, type EventKind } from '../push/event-kind';
import type { MultipartPart } from '../push/multipart-body';
import { element, leaf, renderXml, XML_DECLARATION } from '../xml-element';

export const ALERT_STREAM_PATH = '/ISAPI/Event/notification/alertStream';

export interface AlertStreamSettings {
  /** Heartbeat every this many ms (videoloss inactive); 0: none, as on new firmware. Default 10 s. */
  heartbeatMs?: number;
  /** A terminal: one session; a second GET gets 404 while one is open. */
  singleSession?: boolean;
  /** Answer every stream with 403 invalidOperation (a connection limit reached). */
  busy?: boolean;
  /** The boundary in the header and the body (default `boundary`). */
  boundary?: string;
}

export interface StreamEmitOptions {
  /** Kinds to send in turn (default every kind). */
  kinds?: EventKind[];
  /** Events to send (default each kind once). */
  total?: number;
  /** Stop sending after this many ms (load runs, with a large total). */
  forMs?: number;
  /** Events per second; 0 or absent: as fast as the client reads. */
  rate?: number;
  /** Mark them as stored events sent again (isDataRetransmission). */
  replay?: boolean;
  /** Build each kind once and send it again (load runs). */
  reuse?: boolean;
  /** Each event as built, before it is written (tests compare pictures byte for byte). */
  onBuilt?: (event: StreamEvent) => void;
}

/** What the stream side saw, for tests. */
export interface AlertStreamStats {
  /** GETs of the alertStream, whatever the answer. */
  requests: number;
  /** 401 answers to wrong credentials (not the first challenge, not stale nonces). */
  refused: number;
  /** Streams opened (200). */
  opened: number;
  /** 403/404 busy answers. */
  busy: number;
  /** Streams open now. */
  open: number;
  /** Events written (heartbeats not included). */
  events: number;
  heartbeats: number;
}

export interface AlertStreamControl {
  /** Changes the switches for the next requests (and heartbeats of open streams). */
  configure(settings: AlertStreamSettings): void;
  /** Writes events to every open stream; resolves with how many were written to each. */
  emit(options?: StreamEmitOptions): Promise<number>;
  /** Keeps sending events of these kinds at this rate to whatever streams are open (the CLI's mode). */
  startEmitting(options: { kinds?: EventKind[]; rate?: number }): void;
  stopEmitting(): void;
  /** Cuts every open stream in the middle of a part (as a reboot or a network loss does). */
  drop(): void;
  /** Stops writing to the open streams without closing them (a half-open TCP connection). */
  stall(): void;
  stats(): AlertStreamStats;
}

interface OpenStream {
  res: http.ServerResponse;
  stalled: boolean;
}

export interface AlertStreamServiceOptions {
  auth: DeviceAuth;
  namespace: string;
  context: () => BuildPushContext;
  settings?: AlertStreamSettings;
  log: (line: string) => void;
}

export class AlertStreamService implements AlertStreamControl {
  private settings: Required<AlertStreamSettings>;
  private readonly streams = new Set<OpenStream>();
  private readonly counts = { requests: 0, refused: 0, opened: 0, busy: 0, events: 0, heartbeats: 0 };
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private emitTimer: NodeJS.Timeout | null = null;
  private sequence = 0;

  constructor(private readonly options: AlertStreamServiceOptions) {
    this.settings = { heartbeatMs: 10_000, singleSession: false, busy: false, boundary: 'boundary', ...options.settings };
  }

  configure(settings: AlertStreamSettings): void {
    this.settings = { ...this.settings, ...settings };
    this.restartHeartbeats();
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counts.requests++;
    const remote = req.socket.remoteAddress ?? '?';
    req.resume();
    if (req.method !== 'GET') {
      this.answerStatus(res, STATUS.methodNotAllowed);
      return;
    }
    const auth = this.options.auth.check('GET', req.url ?? ALERT_STREAM_PATH, req.headers.authorization);
    if (!auth.ok) {
      if (auth.reason === 'wrong' || auth.reason === 'locked') this.counts.refused++;
      res.writeHead(401, { 'Content-Type': auth.contentType, 'Content-Length': Buffer.byteLength(auth.body), 'WWW-Authenticate': auth.challenges });
      res.end(auth.body);
      this.options.log(`${remote} GET alertStream -> 401 (${auth.reason})`);
      return;
    }
    if (this.settings.busy || (this.settings.singleSession && this.streams.size > 0)) {
      this.counts.busy++;
      this.answerStatus(res, this.settings.busy ? STATUS.invalidOperation : STATUS.notFound);
      this.options.log(`${remote} GET alertStream -> busy`);
      return;
    }
    this.counts.opened++;
    // Raw bytes until the socket closes: no Content-Length and no chunked encoding, as devices send it.
    res.removeHeader('Transfer-Encoding');
    res.writeHead(200, {
      'MIME-Version': '1.0',
      Connection: 'close',
      'Content-Type': `multipart/mixed; boundary=${this.settings.boundary}`,
    });
    res.flushHeaders();
    const stream: OpenStream = { res, stalled: false };
    this.streams.add(stream);
    res.on('close', () => {
      this.streams.delete(stream);
      if (this.streams.size === 0) this.stopHeartbeats();
    });
    this.options.log(`${remote} GET alertStream -> 200 streaming`);
    this.restartHeartbeats();
  }

  async emit(options: StreamEmitOptions = {}): Promise<number> {
    const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : EVENT_KINDS;
    const total = options.total ?? kinds.length;
    const gapMs = options.rate && options.rate > 0 ? 1000 / options.rate : 0;
    const built = new Map<EventKind, Buffer>();
    const stopAt = options.forMs !== undefined ? Date.now() + options.forMs : Infinity;
    let written = 0;
    for (let i = 0; i < total && Date.now() < stopAt; i++) {
      const kind = kinds[i % kinds.length];
      let bytes = options.reuse ? built.get(kind) : undefined;
      if (!bytes) {
        const event = buildStreamEvent(kind, { ...this.options.context(), sequence: this.sequence++, replay: options.replay ?? false });
        options.onBuilt?.(event);
        bytes = this.frame(event.parts);
        if (options.reuse) built.set(kind, bytes);
      }
      const targets = [...this.streams].filter((s) => !s.stalled);
      if (targets.length === 0) break;
      await Promise.all(targets.map((s) => write(s.res, bytes)));
      this.counts.events++;
      written++;
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    return written;
  }

  startEmitting(options: { kinds?: EventKind[]; rate?: number }): void {
    this.stopEmitting();
    const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : EVENT_KINDS;
    let next = 0;
    let busy = false;
    this.emitTimer = setInterval(() => {
      if (busy || this.streams.size === 0) return;
      busy = true;
      const kind = kinds[next++ % kinds.length];
      void this.emit({ kinds: [kind], total: 1 }).finally(() => { busy = false; });
    }, Math.max(1, 1000 / Math.max(options.rate ?? 1, 0.001)));
    this.emitTimer.unref();
  }

  stopEmitting(): void {
    if (this.emitTimer) clearInterval(this.emitTimer);
    this.emitTimer = null;
  }

  drop(): void {
    const cut = this.frame([{ headers: ['Content-Type: application/xml; charset="UTF-8"', 'Content-Length: 516'], body: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\r\n<EventNotificationAlert ') }]);
    for (const stream of this.streams) {
      stream.res.write(cut);
      stream.res.socket?.destroy();
    }
  }

  stall(): void {
    for (const stream of this.streams) stream.stalled = true;
  }

  stats(): AlertStreamStats {
    return { ...this.counts, open: this.streams.size };
  }

  /** Ends every stream (the simulator is closing). */
  close(): void {
    this.stopHeartbeats();
    this.stopEmitting();
    for (const stream of this.streams) stream.res.socket?.destroy();
    this.streams.clear();
  }

  private frame(parts: MultipartPart[]): Buffer {
    const chunks: Buffer[] = [];
    for (const part of parts) {
      chunks.push(Buffer.from(`--${this.settings.boundary}\r\n${part.headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'utf8'));
      chunks.push(part.body);
      // a picture's Content-Length is the picture alone: a line end follows it before the next delimiter
      if (!part.body.subarray(-2).equals(Buffer.from('\r\n'))) chunks.push(Buffer.from('\r\n'));
    }
    return Buffer.concat(chunks);
  }

  private heartbeat(): Buffer {
    const ctx = this.options.context();
    const doc = element('EventNotificationAlert', [
      leaf('ipAddress', ctx.deviceIp ?? '192.168.1.64'),
      leaf('portNo', 80),
      leaf('protocol', 'HTTP'),
      leaf('macAddress', ctx.mac ?? ''),
      leaf('channelID', ctx.nvr ? 0 : 1),
      leaf('dateTime', formatDeviceTime(new Date())),
      leaf('activePostCount', 0),
      leaf('eventType', 'videoloss'),
      leaf('eventState', 'inactive'),
      leaf('eventDescription', 'videoloss alarm'),
    ], [['version', '2.0'], ['xmlns', NS_HIKVISION]]);
    const body = Buffer.from(renderXml(doc, { declaration: XML_DECLARATION, indent: '', eol: '\r\n', finalEol: true }), 'utf8');
    return this.frame([{ headers: ['Content-Type: application/xml; charset="UTF-8"', `Content-Length: ${body.length}`], body }]);
  }

  private restartHeartbeats(): void {
    this.stopHeartbeats();
    if (this.settings.heartbeatMs <= 0 || this.streams.size === 0) return;
    this.heartbeatTimer = setInterval(() => {
      const bytes = this.heartbeat();
      for (const stream of this.streams) {
        if (stream.stalled) continue;
        stream.res.write(bytes);
        this.counts.heartbeats++;
      }
    }, this.settings.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private answerStatus(res: http.ServerResponse, status: (typeof STATUS)[keyof typeof STATUS]): void {
    const rendered = renderResponseStatus(status, 'xml', this.options.namespace, ALERT_STREAM_PATH);
    res.writeHead(status.httpStatus, { 'Content-Type': rendered.contentType });
    res.end(rendered.body);
  }
}

/** Writes and waits while the client's socket is full (a slow reader slows the device, as on TCP). */
function write(res: http.ServerResponse, bytes: Buffer): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  if (res.write(bytes)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
