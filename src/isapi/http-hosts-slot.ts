/**
 * One slot of a device's httpHosts list, normalised the same way whether the device spoke XML or
 * JSON, and the change a configurator makes to one slot.
 */
import net from 'node:net';

export interface HttpHostsSlot {
  id: string;
  url: string;
  protocolType: string;
  parameterFormatType: string;
  addressingFormatType: string;
  ipAddress: string;
  ipv6Address: string;
  hostName: string;
  /** null when missing or not a number. */
  portNo: number | null;
  userName: string;
  httpAuthenticationMethod: string;
  /** Where the slot points: hostName, ipv6Address or ipAddress, as addressingFormatType says. */
  host: string;
  /** false for a slot nobody configured (address 0.0.0.0, :: or empty). */
  inUse: boolean;
}

/** The elements a slot change may write, in the order the ISAPI schema lists them. */
export const SLOT_FIELDS = [
  'id', 'url', 'protocolType', 'parameterFormatType', 'addressingFormatType', 'hostName', 'ipAddress',
  'ipv6Address', 'portNo', 'userName', 'password', 'httpAuthenticationMethod',
] as const;
export type SlotField = (typeof SLOT_FIELDS)[number];

/** What a configurator wants one slot to say. Absent fields stay as the device has them. */
export interface SlotChange {
  url?: string;
  protocolType?: string;
  parameterFormatType?: string;
  /** An IPv4/IPv6 address (written as ipaddress) or a host name (written as hostname). */
  host?: string;
  portNo?: number;
  httpAuthenticationMethod?: string;
  userName?: string;
  /** Write-only on devices: cannot be compared, so giving it always counts as a change. */
  password?: string;
}

const UNUSED_ADDRESSES = new Set(['', '0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** Builds the normalised slot from a field reader (XML leaf text or JSON value). */
export function normaliseSlot(read: (field: SlotField) => string | undefined, position: number): HttpHostsSlot {
  const text = (field: SlotField): string => (read(field) ?? '').trim();
  const port = text('portNo');
  const addressing = text('addressingFormatType');
  const ipAddress = text('ipAddress');
  const ipv6Address = text('ipv6Address');
  const hostName = text('hostName');
  let host: string;
  if (addressing.toLowerCase() === 'hostname') host = hostName;
  // The seed's annex shows ipAddress holding the address family ("ipv6") beside ipv6Address.
  else if (ipv6Address && (ipAddress.toLowerCase() === 'ipv6' || UNUSED_ADDRESSES.has(ipAddress))) host = ipv6Address;
  else host = ipAddress;
  const id = text('id') || String(position + 1);
  return {
    id,
    url: text('url'),
    protocolType: text('protocolType'),
    parameterFormatType: text('parameterFormatType'),
    addressingFormatType: addressing,
    ipAddress,
    ipv6Address,
    hostName,
    portNo: /^\d{1,5}$/.test(port) ? parseInt(port, 10) : null,
    userName: text('userName'),
    httpAuthenticationMethod: text('httpAuthenticationMethod'),
    host,
    inUse: !UNUSED_ADDRESSES.has(host) && host.toLowerCase() !== 'ipv4' && host.toLowerCase() !== 'ipv6',
  };
}

/** `192.168.1.10:8088/alarm`, or `unused`. */
export function describeSlotTarget(slot: HttpHostsSlot): string {
  if (!slot.inUse) return 'unused';
  const host = slot.host.includes(':') ? `[${slot.host}]` : slot.host;
  const address = `${host}:${slot.portNo ?? '?'}`;
  // Some firmware (the seed's annex) holds a whole URL in url.
  if (/^[a-z]+:\/\//i.test(slot.url)) return `${address} ${slot.url}`;
  return `${address}${slot.url.startsWith('/') || slot.url === '' ? slot.url : `/${slot.url}`}`;
}

function sameHost(a: string, b: string): boolean {
  const strip = (h: string) => h.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return strip(a) === strip(b);
}

/** True when the slot already sends to host:port. */
export function slotPointsAt(slot: HttpHostsSlot, host: string, port: number): boolean {
  return slot.inUse && sameHost(slot.host, host) && slot.portNo === port;
}

/** The element values a change writes into a slot, with only those that differ from `slot`. */
export function slotWrites(slot: HttpHostsSlot, change: SlotChange): Partial<Record<SlotField, string>> {
  const writes: Partial<Record<SlotField, string>> = {};
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (change.url !== undefined && change.url !== slot.url) writes.url = change.url;
  if (change.protocolType !== undefined && !same(change.protocolType, slot.protocolType)) writes.protocolType = change.protocolType;
  if (change.parameterFormatType !== undefined && !same(change.parameterFormatType, slot.parameterFormatType)) {
    writes.parameterFormatType = change.parameterFormatType;
  }
  if (change.host !== undefined) {
    const host = change.host.trim().replace(/^\[(.*)\]$/, '$1');
    const family = net.isIP(host);
    const addressing = family === 0 ? 'hostname' : 'ipaddress';
    if (!same(slot.addressingFormatType, addressing)) writes.addressingFormatType = addressing;
    if (family === 0 && !sameHost(slot.hostName, host)) writes.hostName = host;
    if (family === 4 && slot.ipAddress !== host) writes.ipAddress = host;
    if (family === 6) {
      if (!sameHost(slot.ipv6Address, host)) writes.ipv6Address = host;
      // An IPv4 address left in ipAddress would win over ipv6Address; the seed's annex marks the family there.
      if (!UNUSED_ADDRESSES.has(slot.ipAddress) && slot.ipAddress.toLowerCase() !== 'ipv6') writes.ipAddress = 'ipv6';
    }
  }
  if (change.portNo !== undefined && change.portNo !== slot.portNo) writes.portNo = String(change.portNo);
  if (change.httpAuthenticationMethod !== undefined && !same(change.httpAuthenticationMethod, slot.httpAuthenticationMethod)) {
    writes.httpAuthenticationMethod = change.httpAuthenticationMethod;
  }
  if (change.userName !== undefined && change.userName !== slot.userName) writes.userName = change.userName;
  if (change.password !== undefined) writes.password = change.password;
  return writes;
}

/** Fields of `expected` (a change) that the slot read back does not show; empty when it took. */
export function unappliedFields(slot: HttpHostsSlot, change: SlotChange): string[] {
  const { password: _password, ...comparable } = change;
  const writes = slotWrites(slot, comparable);
  return Object.keys(writes);
}
