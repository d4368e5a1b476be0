/**
 * This machine's address as the device would see it: the local address of a UDP socket
 * "connected" toward the device (connect on UDP only picks the route; nothing is sent), else the
 * first non-internal address (IPv4 first).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { localAddresses } from '../net/local-addresses';

/** The local address a connection toward `deviceHost` would leave from; null when it cannot tell. */
export function routeSourceAddress(deviceHost: string, port = 80, timeoutMs = 2000): Promise<string | null> {
  const host = deviceHost.trim().replace(/^\[(.*)\]$/, '$1');
  if (!host) return Promise.resolve(null);
  const type = net.isIP(host) === 6 ? 'udp6' : 'udp4';
  return new Promise((resolve) => {
    const socket = dgram.createSocket(type);
    let settled = false;
    const done = (address: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(address);
    };
    // Name resolution may hang on a broken resolver.
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('error', () => done(null));
    try {
      socket.connect(port || 80, host, () => {
        try {
          const { address } = socket.address();
          done(address && address !== '0.0.0.0' && address !== '::' ? address : null);
        } catch {
          done(null);
        }
      });
    } catch {
      done(null);
    }
  });
}

/** The address a device at `deviceHost` should push to: the route's source, else the first external IPv4. */
export async function detectLocalAddress(deviceHost: string, port?: number): Promise<string | null> {
  return (await routeSourceAddress(deviceHost, port)) ?? localAddresses().at(0) ?? null;
}
