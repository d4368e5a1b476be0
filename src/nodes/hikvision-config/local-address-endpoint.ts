/**
 * GET /hikvision/local-address for the editors: the address a device (or platform) should send
 * to — the route toward the device when its address is known, else this machine's first
 * reachable IPv4 address — and every address of this machine.
 */
import type { Request, Response } from 'express';
import type { DeviceTarget } from '../../isapi/device-target';
import { detectLocalAddress } from '../../isapi/local-address';
import { localAddresses, localIPv4Address } from '../../net/local-addresses';

/** `deployedConfig` finds a deployed config node by id. */
export function localAddressHandler(deployedConfig: (id: string) => { device: DeviceTarget } | null) {
  return (req: Request, res: Response): void => {
    const query = req.query as Record<string, unknown>;
    const config = typeof query.config === 'string' ? deployedConfig(query.config) : null;
    const host = typeof query.host === 'string' && query.host.trim() ? query.host.trim() : config?.device.host ?? '';
    const port = Number(query.port) || undefined;
    const lookup = host ? detectLocalAddress(host, port) : Promise.resolve(localIPv4Address());
    const answer = (address: string | null) => res.json({ address: address ?? localIPv4Address(), addresses: localAddresses() });
    lookup.then(answer, () => answer(null));
  };
}
