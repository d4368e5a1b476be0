/**
 * The route that takes device pushes on one port and path: allow-list, device authentication,
 * body read and parse (once, however many listener nodes share the route), an immediate answer
 * to the device, then the events handed to every subscriber.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyBudget, BUSY_RETRY_AFTER_SECONDS, type BodyBudget } from '../net/body-budget';
import { copyEvents } from '../push/copy-events';
import type { HikEvent } from '../push/hik-event';
import { PushError } from '../push/push-error';
import { readPushBody, type PushLimits } from '../push/read-push';
import { withoutQuery } from '../net/url-path';
import { deviceActivity } from './device-activity';
import { DeviceAuthenticator } from './device-auth';
import { compileAllowList, type AllowListMatcher } from './allow-list';
import type { ListenSettings } from './listen-settings';
import type { RouteHandler } from './port-registry';

/** What the listener knows about the request an event came in. */
export interface PushMeta {
  remoteAddress: string;
  path: string;
}

export interface PushSubscriber {
  /** Whether this subscriber wants picture bytes (the route keeps them if any subscriber does). */
  readonly images: boolean;
  onEvents(events: HikEvent[], meta: PushMeta): void;
  /** A body that could not be used: the device still got its answer. */
  onError(error: PushError, meta: PushMeta): void;
  /** A request turned away before its body was read (allow-list, authentication). */
  onRejected(reason: string, meta: PushMeta): void;
}

/** The answer to a push: no body, so no Content-Type (one header object for every request). */
const OK_HEADERS = Object.freeze({ 'Content-Length': '0' });

export class PushRoute implements RouteHandler {
  readonly settings: ListenSettings;
  private readonly subscribers = new Set<PushSubscriber>();
  private readonly auth: DeviceAuthenticator;
  private readonly limits: Partial<PushLimits> | undefined;
  private readonly allow: AllowListMatcher;

  /** @param budget the process-wide one unless a test gives its own */
  constructor(settings: ListenSettings, limits?: Partial<PushLimits>, private readonly budget: BodyBudget = bodyBudget) {
    this.settings = settings;
    this.auth = new DeviceAuthenticator(settings.auth.mode, settings.auth.username, settings.auth.password);
    this.limits = limits;
    const allow = compileAllowList(settings.allow);
    // The node refuses an unreadable list before it gets here (listen-security.ts); should one slip through, allow no one.
    this.allow = allow.ok ? allow.matcher : { allows: () => false };
  }

  subscribe(subscriber: PushSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const meta: PushMeta = { remoteAddress: req.socket.remoteAddress ?? '', path: withoutQuery(req.url ?? '/') };
    if (!this.allow.allows(meta.remoteAddress)) {
      this.reject(req, res, 403, {}, `device ${meta.remoteAddress} is not in the allow-list`, meta);
      return;
    }
    const outcome = this.auth.check(req.method ?? 'POST', req.headers, req.url ?? '/');
    if (!outcome.ok) {
      // Devices answer the challenge; only a request that carried credentials is worth reporting.
      const reason = req.headers.authorization ? `device ${meta.remoteAddress} failed authentication` : '';
      this.reject(req, res, 401, { 'WWW-Authenticate': outcome.challenge }, reason, meta);
      return;
    }
    if (req.method !== 'POST' && req.method !== 'PUT') {
      req.resume();
      const ok = req.method === 'GET' || req.method === 'HEAD';
      res.writeHead(ok ? 200 : 405, { 'Content-Type': 'text/plain' }).end(ok ? 'hikvision listener: POST events here\n' : '');
      return;
    }
    let images = false;
    for (const s of this.subscribers) images ||= s.images;
    const contentLength = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const answer = () => {
      // Answer as soon as the body is in: devices wait for it, and parsing or a slow flow must not slow them down.
      if (!res.headersSent && !res.destroyed) res.writeHead(200, OK_HEADERS).end();
    };
    readPushBody(req, { contentType: req.headers['content-type'], contentLength, images, limits: this.limits, budget: this.budget }, {
      complete: answer,
      done: (result) => {
        answer();
        deviceActivity.record(this.settings.port, meta.remoteAddress, result.events.length);
        // each subscriber its own events: the first the parsed ones, the others copies
        let first = true;
        for (const s of this.subscribers) {
          s.onEvents(first ? result.events : copyEvents(result.events, s.images), meta);
          first = false;
        }
      },
      failed: (error) => {
        if (error.code === 'busy') {
          this.refuseBusy(req, res, meta);
          return;
        }
        const tooBig = error.code === 'too-large' || error.code === 'too-many-parts';
        if (!res.headersSent && !res.destroyed) {
          // 200 even for a body we could not parse: devices retry in loops on anything else.
          res.writeHead(tooBig ? 413 : 200, tooBig ? { Connection: 'close', 'Content-Length': '0' } : { 'Content-Length': '0' }).end();
        }
        if (error.code !== 'aborted' || error.raw.length > 0) {
          for (const s of this.subscribers) s.onError(error, meta);
        }
      },
    });
  }

  /** The process holds as many body bytes as it may: the device is asked to send again later. */
  private refuseBusy(req: IncomingMessage, res: ServerResponse, meta: PushMeta): void {
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(503, { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS), Connection: 'close', 'Content-Length': '0' }).end();
    }
    const reason = `device ${meta.remoteAddress}: push refused (HTTP 503), too many bodies are being read at once`;
    for (const s of this.subscribers) s.onRejected(reason, meta);
    req.resume();
  }

  private reject(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    reason: string,
    meta: PushMeta,
  ): void {
    req.resume(); // drain so a kept-alive connection stays usable for the retry
    res.writeHead(status, { ...headers, 'Content-Length': '0' }).end();
    if (reason) for (const s of this.subscribers) s.onRejected(reason, meta);
  }
}
