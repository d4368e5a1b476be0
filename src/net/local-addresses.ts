/** This machine's addresses that a device on the network could reach (non-internal IPv4 first). */
import os from 'node:os';

export function localAddresses(): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv4') v4.push(info.address);
      else if (!info.address.startsWith('fe80')) v6.push(info.address);
    }
  }
  return [...v4, ...v6];
}
