/**
 * The callback URL (eventDest) the platform should POST to. By default it is built from this
 * machine's first non-internal IPv4 address; behind NAT or a proxy the platform sees another
 * address, so the node lets the user override it.
 */
import os from 'node:os';
import { normalisePath } from '../server/port-registry';

/** Container bridges and VPN tunnels: their addresses are rarely what a platform can reach. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vmnet|vboxnet|cni|flannel|kube|lxc|lxd|tailscale|zt|tun|tap)/i;

/**
 * The first non-internal, non-link-local IPv4 address of this machine, preferring physical
 * interfaces over container bridges and tunnels; null when there is none.
 */
export function localIPv4Address(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string | null {
  const candidates: { name: string; address: string }[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      // Node 18.0-18.3 reported the family as a number.
      const family: unknown = info.family;
      if ((family === 'IPv4' || family === 4) && !info.internal && !info.address.startsWith('169.254.')) {
        candidates.push({ name, address: info.address });
      }
    }
  }
  const physical = candidates.find((c) => !VIRTUAL_INTERFACE.test(c.name));
  const chosen = physical ?? (candidates.length > 0 ? candidates[0] : undefined);
  return chosen ? chosen.address : null;
}

/** `http://<address>:<listenPort><path>`, or null when this machine has no usable IPv4 address. */
export function defaultCallbackUrl(listenPort: number, path: string, address: string | null = localIPv4Address()): string | null {
  if (!address) return null;
  return `http://${address}:${listenPort}${normalisePath(path) ?? '/'}`;
}
