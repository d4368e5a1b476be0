/**
 * This machine's addresses that a device or platform on the network could reach: IPv4 before
 * IPv6, physical interfaces before container bridges and VPN tunnels, no loopback or link-local.
 */
import os from 'node:os';

/** Container bridges and VPN tunnels: their addresses are rarely what a device can reach. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vmnet|vboxnet|cni|flannel|kube|lxc|lxd|tailscale|zt|tun|tap)/i;

type Interfaces = NodeJS.Dict<os.NetworkInterfaceInfo[]>;

export function localAddresses(interfaces: Interfaces = os.networkInterfaces()): string[] {
  const ranked: { address: string; rank: number }[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      // Node 18.0-18.3 reported the family as a number.
      const family: unknown = info.family;
      const v4 = family === 'IPv4' || family === 4;
      if (info.internal || info.address.startsWith('169.254.') || /^fe80:/i.test(info.address)) continue;
      ranked.push({ address: info.address, rank: (v4 ? 0 : 2) + (VIRTUAL_INTERFACE.test(name) ? 1 : 0) });
    }
  }
  // A stable sort keeps the system's interface order within each rank.
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.address);
}

/** The address to offer by default: the first reachable IPv4 address, or null when there is none. */
export function localIPv4Address(interfaces: Interfaces = os.networkInterfaces()): string | null {
  const first = localAddresses(interfaces).at(0);
  return first !== undefined && !first.includes(':') ? first : null;
}
