/**
 * The callback URL (eventDest) the platform should POST to. By default it is built from this
 * machine's first non-internal IPv4 address; behind NAT or a proxy the platform sees another
 * address, so the node lets the user override it.
 */
import { localIPv4Address } from '../net/local-addresses';
import { normalisePath } from '../net/url-path';

/** `http://<address>:<listenPort><path>`, or null when this machine has no usable IPv4 address. */
export function defaultCallbackUrl(listenPort: number, path: string, address: string | null = localIPv4Address()): string | null {
  if (!address) return null;
  return `http://${address}:${listenPort}${normalisePath(path) ?? '/'}`;
}
