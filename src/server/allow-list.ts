/**
 * The listener's allow-list: which remote addresses may push. Entries are exact addresses (IPv4 or
 * IPv6), CIDR blocks (`192.168.1.0/24`, `fd00::/8`) or whole-octet IPv4 wildcards (`192.168.1.*`,
 * `10.*.*.*`; the older `192.168.1.` means the same). A bare prefix such as `192.168.1*` is refused:
 * it used to match 192.168.10.x to 192.168.199.x too, which nobody writing it meant.
 * The editor's check in nodes/hikvision-config.html follows the same grammar.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AllowListResult =
  | { ok: true; matcher: AllowListMatcher }
  | { ok: false; entry: string };

export interface AllowListMatcher {
  /** True when `remote` (as the socket reports it, possibly `::ffff:`-mapped) may push. */
  allows(remote: string | undefined): boolean;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** `a.b.*`, `a.b.c.*`, `a.b.c.` → [first address, prefix length]; null when not a whole-octet wildcard. */
function wildcardBlock(entry: string): [string, number] | null {
  const parts = entry.endsWith('.') ? [...entry.slice(0, -1).split('.'), '*'] : entry.split('.');
  if (parts.length < 2 || parts.length > 4) return null;
  const first = parts.indexOf('*');
  if (first < 1 || parts.slice(first).some((p) => p !== '*')) return null;
  const fixed = parts.slice(0, first);
  if (!fixed.every((p) => OCTET.test(p))) return null;
  const address = [...fixed, '0', '0', '0'].slice(0, 4).join('.');
  return [address, fixed.length * 8];
}

/** Adds one entry to `list`; false when the entry is not one of the forms above. */
function addEntry(list: BlockList, entry: string): boolean {
  if (isIPv4(entry)) { list.addAddress(entry, 'ipv4'); return true; }
  if (isIPv6(entry)) {
    list.addAddress(entry, 'ipv6');
    // An IPv4-mapped rule (::ffff:192.168.1.5) also allows the plain IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(entry);
    if (mapped && isIPv4(mapped[1])) list.addAddress(mapped[1], 'ipv4');
    return true;
  }
  const slash = entry.indexOf('/');
  if (slash !== -1) {
    const address = entry.slice(0, slash);
    const bitsText = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bitsText)) return false;
    const bits = Number(bitsText);
    if (isIPv4(address) && bits <= 32) { list.addSubnet(address, bits, 'ipv4'); return true; }
    if (isIPv6(address) && bits <= 128) { list.addSubnet(address, bits, 'ipv6'); return true; }
    return false;
  }
  const block = wildcardBlock(entry);
  if (!block) return false;
  list.addSubnet(block[0], block[1], 'ipv4');
  return true;
}

/** Builds the matcher, or names the first entry that is not a valid address, CIDR block or wildcard. */
export function compileAllowList(entries: readonly string[]): AllowListResult {
  const list = new BlockList();
  for (const entry of entries) {
    if (!addEntry(list, entry)) return { ok: false, entry };
  }
  const anyone = entries.length === 0;
  return {
    ok: true,
    matcher: {
      allows(remote) {
        if (anyone) return true;
        if (!remote) return false;
        const unmapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)?.[1];
        if (unmapped && isIPv4(unmapped)) return list.check(unmapped, 'ipv4');
        if (isIPv4(remote)) return list.check(remote, 'ipv4');
        if (isIPv6(remote)) return list.check(remote, 'ipv6');
        return false;
      },
    },
  };
}
