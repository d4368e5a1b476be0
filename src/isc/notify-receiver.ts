/**
 * The route behind the callback URL (eventDest): takes OnEventNotify POSTs, answers 200 as soon as
 * the body is in (a slow answer makes events pile up on the platform), then hands the parsed events
 * to every attached sink. A body that is not an OnEventNotify still gets 200 — the platform would
 * only resend it — and goes to the sinks as an error carrying the raw body, so nothing is lost
 * silently. One receiver serves every node that shares a port and path.
 */
import type http from 'node:http';
import { bodyBudget, BUSY_RETRY_AFTER_SECONDS, type BodyBudget } from '../net/body-budget';
import { BodyChunks } from '../net/body-chunks';
import type { RouteHandler } from '../server/port-registry';
import { EventNotifyError, parseEventNotify, type EventNotify } from './event-notify';

/** Larger than any real push (50 events with linkage picture URLs stay well under 1 MiB). */
export const NOTIFY_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/** How much of an oversized or cut-off body travels with the error. */
const RAW_EXCERPT_BYTES = 64 * 1024;

export interface NotifySink {
  events(notify: EventNotify, remoteAddress: string | undefined): void;
  malformed(error: EventNotifyError, remoteAddress: string | undefined): void;
}

export interface NotifyReceiverOptions {
  maxBodyBytes?: number;
  /** The process-wide one unless a test gives its own. */
  budget?: BodyBudget;
}

export class IscNotifyReceiver implements RouteHandler {
  private readonly sinks = new Set<NotifySink>();
  private readonly maxBodyBytes: number;
  private readonly budget: BodyBudget;

  constructor(options: NotifyReceiverOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? NOTIFY_BODY_LIMIT_BYTES;
    this.budget = options.budget ?? bodyBudget;
  }

  /** Adds a sink; the returned function removes it. */
  attach(sink: NotifySink): () => void {
    this.sinks.add(sink);
    return () => { this.sinks.delete(sink); };
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const remote = req.socket.remoteAddress;
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' }).end('OnEventNotify expects POST\n');
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBodyBytes) {
      this.refuseTooLarge(req, res, declared, Buffer.alloc(0), remote);
      return;
    }
    const chunks = new BodyChunks();
    let done = false;
    const refuseBusy = (): void => {
      done = true;
      ticket.release();
      this.refuseBusy(req, res, chunks.bytes, remote);
    };
    // The body is read once the process-wide budget has room for it (at once for ordinary pushes).
    const read = (): void => {
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        const size = chunks.bytes + chunk.length;
        if (size > this.maxBodyBytes) {
          done = true;
          ticket.release();
          this.refuseTooLarge(req, res, size, chunks.concat(), remote);
          return;
        }
        if (!ticket.take(chunk.length)) {
          refuseBusy();
          return;
        }
        chunks.add(chunk);
      });
      req.on('end', onEnd);
    };
    const onEnd = (): void => {
      if (done) return;
      done = true;
      ticket.release();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"code":"0","msg":"success"}');
      const body = chunks.concat();
      let notify: EventNotify;
      try {
        notify = parseEventNotify(body);
      } catch (err) {
        this.toSinks((sink) => sink.malformed(
          err instanceof EventNotifyError ? err : new EventNotifyError(String(err), body.toString('utf8')), remote));
        return;
      }
      this.toSinks((sink) => sink.events(notify, remote));
    };
    // The sender went away before the body was complete: say so, with what did arrive.
    req.on('close', () => {
      if (done || req.complete) return;
      done = true;
      ticket.release();
      const partial = chunks.concat();
      this.toSinks((sink) => sink.malformed(new EventNotifyError(
        `OnEventNotify body cut off after ${partial.length} bytes (connection closed)`,
        partial.subarray(0, RAW_EXCERPT_BYTES).toString('utf8')), remote));
    });
    const ticket = this.budget.admit(Number.isFinite(declared) && declared > 0 ? declared : 0, read, refuseBusy);
  }

  private refuseBusy(req: http.IncomingMessage, res: http.ServerResponse, size: number, remote: string | undefined): void {
    if (!res.headersSent) {
      res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS), Connection: 'close' }).end('busy\n');
    }
    req.resume();
    this.toSinks((sink) => sink.malformed(new EventNotifyError(
      `OnEventNotify body refused (HTTP 503) after ${size} bytes: too many bodies are being read at once in this Node-RED; the platform is asked to send again later`,
      ''), remote));
  }

  private refuseTooLarge(req: http.IncomingMessage, res: http.ServerResponse, size: number, head: Buffer, remote: string | undefined): void {
    res.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' }).end('body too large\n');
    req.resume();
    res.on('finish', () => req.socket.destroy());
    this.toSinks((sink) => sink.malformed(new EventNotifyError(
      `OnEventNotify body refused (HTTP 413): at least ${size} bytes, over the ${this.maxBodyBytes}-byte limit; its first bytes are attached`,
      head.subarray(0, RAW_EXCERPT_BYTES).toString('utf8')), remote));
  }

  // One failing sink must not keep the others (or the server) from their events.
  private toSinks(deliver: (sink: NotifySink) => void): void {
    for (const sink of [...this.sinks]) {
      try {
        deliver(sink);
      } catch {
        // the sink reports its own failures
      }
    }
  }
}
