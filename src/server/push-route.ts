/**
 * The route that takes device pushes on one port and path: allow-list, device authentication,
 * body read and parse (once, however many listener nodes share the route), an immediate answer
 * to the device, then the events handed to every subscriber.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HikEvent } from '../push/hik-event';
import { PushError } from '../push/push-error';
import { readPush, type PushLimits } from '../push/read-push';
import { DeviceAuthenticator } from './device-auth';
import { isAllowed, type ListenSettings } from './listen-settings';
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

export class PushRoute implements RouteHandler {
  readonly settings: ListenSettings;
  private readonly subscribers = new Set<PushSubscriber>();
  private readonly auth: DeviceAuthenticator;
  private readonly limits: Partial<PushLimits> | undefined;

  constructor(settings: ListenSettings, limits?: Partial<PushLimits>) {
    this.settings = settings;
    this.auth = new DeviceAuthenticator(settings.auth.mode, settings.auth.username, settings.auth.password);
    this.limits = limits;
  }

  subscribe(subscriber: PushSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const meta: PushMeta = { remoteAddress: req.socket.remoteAddress ?? '', path: (req.url ?? '/').split('?')[0] };
    if (!isAllowed(this.settings.allow, meta.remoteAddress)) {
      this.reject(req, res, 403, {}, `device ${meta.remoteAddress} is not in the allow-list`, meta);
      return;
    }
    const outcome = this.auth.check(req.method ?? 'POST', req.headers);
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
    readPush(req, { contentType: req.headers['content-type'], contentLength, images, limits: this.limits }).then(
      (result) => {
        // Answer first: devices wait for it, and a slow flow must not slow the device down.
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '0' }).end();
        for (const s of this.subscribers) s.onEvents(result.events, meta);
      },
      (err: unknown) => {
        const error = err instanceof PushError ? err : new PushError('aborted', String(err), Buffer.alloc(0));
        const tooBig = error.code === 'too-large' || error.code === 'too-many-parts';
        if (!res.headersSent && !res.destroyed) {
          // 200 even for a body we could not parse: devices retry in loops on anything else.
          res.writeHead(tooBig ? 413 : 200, tooBig ? { Connection: 'close', 'Content-Length': '0' } : { 'Content-Length': '0' }).end();
        }
        if (error.code !== 'aborted' || error.raw.length > 0) {
          for (const s of this.subscribers) s.onError(error, meta);
        }
      },
    );
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
