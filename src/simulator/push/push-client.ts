/**
 * Sends built pushes to one listener the way a device does: the request written by hand (so a
 * missing Host or a chunked body really goes out that way), keep-alive connections reused,
 * `Connection: close` honoured, and the listener's digest/basic authentication answered.
 */
import { ListenerAuth, type ListenerAuthMethod } from './listener-auth';
import { PushConnection } from './push-connection';
import type { RawResponse } from './http-response-reader';
import type { Quirks } from './event-kind';

export interface PushTarget {
  host: string;
  port: number;
  /** The request target exactly as the slot's `url` says (usually a path). */
  path: string;
  protocol?: 'http' | 'https';
  auth?: { method: ListenerAuthMethod; username: string; password: string };
}

export interface Sendable {
  headers: Record<string, string>;
  body: Buffer;
}

export interface PushClientOptions {
  timeoutMs?: number;
  quirks?: Quirks;
}

function hostHeader(target: PushTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const defaultPort = (target.protocol ?? 'http') === 'https' ? 443 : 80;
  return target.port === defaultPort ? host : `${host}:${target.port}`;
}

export class PushClient {
  private readonly idle: PushConnection[] = [];
  private readonly all = new Set<PushConnection>();
  private readonly auth: ListenerAuth;
  private closed = false;

  constructor(readonly target: PushTarget, private readonly options: PushClientOptions = {}) {
    this.auth = new ListenerAuth(target.auth);
  }

  /** Sends one request (answering an auth challenge at most as a device would) and returns the last answer. */
  async send(push: Sendable): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      const authorization = this.auth.authorize('POST', this.target.path || '/', push.body);
      const response = await this.exchange(push, authorization);
      if (response.status !== 401 || attempt >= 2) return response;
      if (!this.auth.acceptChallenge(response.headers['www-authenticate'], attempt === 0)) return response;
    }
  }

  /** Closes every connection; later sends open new ones unless closed for good. */
  close(): void {
    this.closed = true;
    for (const connection of this.all) connection.close();
    this.all.clear();
    this.idle.length = 0;
  }

  private isClosed(): boolean {
    return this.closed;
  }

  private head(push: Sendable, authorization: string | undefined): string {
    const lines = [`POST ${this.target.path || '/'} HTTP/1.1`];
    if (!this.options.quirks?.noHost) lines.push(`Host: ${hostHeader(this.target)}`);
    for (const [name, value] of Object.entries(push.headers)) lines.push(`${name}: ${value}`);
    if (authorization !== undefined) lines.push(`Authorization: ${authorization}`);
    return `${lines.join('\r\n')}\r\n\r\n`;
  }

  private async exchange(push: Sendable, authorization: string | undefined): Promise<RawResponse> {
    if (this.closed) throw new Error('push client closed');
    let connection = this.idle.pop();
    while (connection && !connection.open) {
      this.all.delete(connection);
      connection = this.idle.pop();
    }
    if (!connection) {
      connection = new PushConnection(
        { host: this.target.host, port: this.target.port, protocol: this.target.protocol ?? 'http' },
        this.options.timeoutMs,
      );
      this.all.add(connection);
    }
    const chunked = Object.entries(push.headers).some(([k, v]) => k.toLowerCase() === 'transfer-encoding' && /chunked/i.test(v));
    const closeAfter = Object.entries(push.headers).some(([k, v]) => k.toLowerCase() === 'connection' && /close/i.test(v));
    try {
      const response = await connection.request({ head: this.head(push, authorization), body: push.body, chunked });
      if (closeAfter || !response.keepAlive || this.isClosed()) {
        connection.close();
        this.all.delete(connection);
      } else this.idle.push(connection);
      return response;
    } catch (err) {
      connection.close();
      this.all.delete(connection);
      throw err;
    }
  }
}
