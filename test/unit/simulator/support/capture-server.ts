/** A plain Node HTTP server that records every request it gets, as a listener would see it. */
import http from 'node:http';
import type net from 'node:net';

export interface CapturedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  /** Which TCP connection carried it (1, 2, …): tells keep-alive from one connection per event. */
  connection: number;
}

export interface CaptureServer {
  port: number;
  requests: CapturedRequest[];
  connections(): number;
  /** Resolves once `count` requests arrived. */
  waitFor(count: number): Promise<CapturedRequest[]>;
  close(): Promise<void>;
}

export async function startCaptureServer(
  respond: (req: CapturedRequest, res: http.ServerResponse) => void = (_req, res) => { res.end(); },
): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const waiters: { count: number; resolve: (r: CapturedRequest[]) => void }[] = [];
  const ids = new WeakMap<net.Socket, number>();
  let connections = 0;
  // requireHostHeader:false: some cameras send no Host header (device-push.md).
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: CapturedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        connection: ids.get(req.socket) ?? 0,
      };
      requests.push(captured);
      respond(captured, res);
      for (const waiter of [...waiters]) {
        if (requests.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(requests.slice(0, waiter.count));
        }
      }
    });
  });
  server.on('connection', (socket: net.Socket) => { ids.set(socket, ++connections); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    requests,
    connections: () => connections,
    waitFor: (count) => requests.length >= count
      ? Promise.resolve(requests.slice(0, count))
      : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () => new Promise<void>((resolve) => {
      server.close(() => { resolve(); });
      server.closeAllConnections();
    }),
  };
}
