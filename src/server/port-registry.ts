/**
 * One HTTP(S) server per port, shared by every node that listens on it (listeners, iSC receivers),
 * reference-counted by routes and closed when the last route goes (a redeploy frees the port).
 * Requests are routed by URL path; the query string is ignored because some devices drop it.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { requestPath } from '../net/url-path';

/** Where it always was; it lives in net/url-path now. */
export { normalisePath } from '../net/url-path';

export interface ServerKey {
  port: number;
  /** Address to bind; empty or undefined binds every address. */
  bind?: string;
  /** PEM certificate and key: the server speaks HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Overrides of SERVER_TIMEOUTS for this server (tests shorten them); the first user of a port sets them. */
  timeouts?: Partial<ServerTimeouts>;
}

export interface RouteHandler {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
}

export type ServerState =
  | { kind: 'starting' }
  | { kind: 'listening'; port: number }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'closed' };

export interface ServerTimeouts {
  /** Whole request, headers and body (a 2 MB picture upload on a slow link fits). */
  requestMs: number;
  /** Request line and headers; on HTTPS also the TLS handshake before them. */
  headersMs: number;
  keepAliveMs: number;
  /** How often Node looks for connections past the two limits above (its default is 30 s). */
  checkMs: number;
}

/** Timeouts that keep slow or stuck clients (slowloris, a body that never ends) from holding sockets. */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  requestMs: 60_000,
  headersMs: 10_000,
  keepAliveMs: 5_000,
  checkMs: 2_000,
};

interface RouteEntry {
  path: string | null;
  kind: string;
  handler: RouteHandler;
  users: number;
}

/** A handle a node keeps while it uses a route; `release()` on close. */
export interface RouteLease<T extends RouteHandler> {
  readonly route: T;
  readonly server: SharedServer;
  release(): Promise<void>;
}

/**
 * A listening server and its routes. Emits `state` (ServerState) and `clientError`
 * (a count of malformed connections, for a rate-limited warning).
 */
export class SharedServer extends EventEmitter {
  readonly key: ServerKey;
  private readonly server: http.Server;
  private readonly routes: RouteEntry[] = [];
  private readonly sockets = new Set<Socket>();
  private stateValue: ServerState = { kind: 'starting' };
  private closing: Promise<void> | null = null;
  private readonly onEmpty: () => void;

  constructor(key: ServerKey, onEmpty: () => void) {
    super();
    this.key = key;
    this.onEmpty = onEmpty;
    const timeouts: ServerTimeouts = { ...SERVER_TIMEOUTS, ...key.timeouts };
    const options: http.ServerOptions = {
      // Some cameras send no Host header; Node rejects those by default.
      requireHostHeader: false,
      requestTimeout: timeouts.requestMs,
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: timeouts.checkMs,
    };
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => { this.dispatch(req, res); };
    this.server = key.tls
      // A client that never finishes the handshake would otherwise hold its socket for 120 s.
      ? https.createServer({ ...options, cert: key.tls.cert, key: key.tls.key, handshakeTimeout: timeouts.headersMs }, onRequest)
      : http.createServer(options, onRequest);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Non-HTTP bytes, TLS garbage, header timeouts: answer if we can, never throw, never log a storm.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      this.emit('clientError', err.code ?? err.message);
      if (socket.writable && err.code !== 'ECONNRESET') {
        const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      }
      socket.destroy();
    });
    if (key.tls) {
      this.server.on('tlsClientError', (err: NodeJS.ErrnoException) => this.emit('clientError', err.code ? `TLS ${err.code}` : 'TLS'));
    }
    this.server.on('error', (err: NodeJS.ErrnoException) => {
      this.setState({ kind: 'error', code: err.code ?? 'ERROR', message: err.message });
    });
    this.server.listen({ port: key.port, host: key.bind === '' ? undefined : key.bind }, () => {
      const address = this.server.address();
      this.setState({ kind: 'listening', port: typeof address === 'object' && address ? address.port : key.port });
    });
  }

  get state(): ServerState {
    return this.stateValue;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  private setState(state: ServerState): void {
    this.stateValue = state;
    this.emit('state', state);
  }

  /** Resolves once listening; rejects with the bind error (EADDRINUSE, EACCES…). */
  ready(): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (state: ServerState) => {
        if (state.kind === 'listening') resolve(state.port);
        else if (state.kind === 'error') reject(Object.assign(new Error(state.message), { code: state.code }));
        else if (state.kind === 'closed') reject(new Error('server closed'));
        else return false;
        this.off('state', check);
        return true;
      };
      if (!check(this.stateValue)) this.on('state', check);
    });
  }

  /**
   * Uses the route for `path` (null: any path) of the given kind, creating it on first use.
   * A path already taken by another kind of route (a listener and an iSC receiver) is an error.
   */
  use<T extends RouteHandler>(path: string | null, kind: string, create: () => T): RouteLease<T> {
    let entry = this.routes.find((r) => r.path === path);
    if (entry && entry.kind !== kind) {
      throw new Error(`path ${path ?? '(any)'} on port ${this.key.port} is already used by a ${entry.kind}`);
    }
    if (!entry) {
      entry = { path, kind, handler: create(), users: 0 };
      // Exact paths are matched before the catch-all route.
      if (path === null) this.routes.push(entry);
      else this.routes.unshift(entry);
    }
    entry.users++;
    const owned = entry;
    let released = false;
    return {
      route: owned.handler as T,
      server: this,
      release: async () => {
        if (released) return;
        released = true;
        owned.users--;
        if (owned.users === 0) this.routes.splice(this.routes.indexOf(owned), 1);
        if (this.routes.length === 0) await this.close();
      },
    };
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = requestPath(req.url);
    const entry = this.routes.find((r) => r.path === path) ?? this.routes.find((r) => r.path === null);
    if (!entry) {
      req.resume();
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no listener on this path\n');
      return;
    }
    try {
      entry.handler.handle(req, res);
    } catch (err) {
      // A route must never take the process down; answer and keep serving.
      this.emit('routeError', err);
      if (!res.headersSent) res.writeHead(500).end();
    }
  }

  /** Stops listening and drops kept-alive device connections, so a redeploy is not held up. */
  close(): Promise<void> {
    if (!this.closing) {
      this.onEmpty();
      this.closing = new Promise<void>((resolve) => {
        if (!this.server.listening) {
          this.setState({ kind: 'closed' });
          resolve();
          return;
        }
        this.server.close(() => {
          this.setState({ kind: 'closed' });
          resolve();
        });
        this.server.closeAllConnections();
        for (const socket of this.sockets) socket.destroy();
      });
    }
    return this.closing;
  }
}

/** The process-wide map from port (and bind address) to its shared server. */
export class PortRegistry {
  private readonly servers = new Map<string, SharedServer>();

  private static id(key: ServerKey): string {
    return `${key.bind ?? ''}:${key.port}`;
  }

  /** The server for this port, started on first use. TLS settings must agree between users of a port. */
  server(key: ServerKey): SharedServer {
    const id = PortRegistry.id(key);
    const existing = this.servers.get(id);
    if (existing && existing.state.kind !== 'closed') {
      if (Boolean(existing.key.tls) !== Boolean(key.tls)) {
        throw new Error(`port ${key.port} is already in use here with ${existing.key.tls ? 'HTTPS' : 'HTTP'}`);
      }
      return existing;
    }
    const server = new SharedServer(key, () => {
      if (this.servers.get(id) === server) this.servers.delete(id);
    });
    this.servers.set(id, server);
    return server;
  }

  /** Ports with a live server, for tests that check nothing is left open. */
  openPorts(): number[] {
    return [...this.servers.values()].map((s) => s.key.port);
  }
}

/** Shared by every node of this package in one Node-RED process. */
export const portRegistry = new PortRegistry();
