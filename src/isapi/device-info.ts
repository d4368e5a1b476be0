/**
 * `GET /ISAPI/System/deviceInfo`: who the device says it is. XML on every device (hikvision or
 * isapi.org namespace, version 1.0 or 2.0); `?format=json` is not asked for, as not all firmware has it.
 */
import type { DigestClient } from './digest-client';
import { IsapiError, statusError } from './isapi-error';
import { rootLeaves } from './response-status';

export const DEVICE_INFO_PATH = '/ISAPI/System/deviceInfo';

export interface DeviceInfo {
  deviceName: string;
  model: string;
  serialNumber: string;
  firmwareVersion: string;
  macAddress: string;
  /** IPCamera, IPDome, NVR, DVR, ACS… ('' when absent). */
  deviceType: string;
}

/** Reads a DeviceInfo body (XML or JSON); throws an IsapiError 'protocol' when it is not one. */
export function parseDeviceInfo(body: Buffer | string): DeviceInfo {
  const leaves = rootLeaves(body);
  if (!leaves || leaves.root !== 'DeviceInfo') throw new IsapiError('protocol', 'the device answered deviceInfo with something that is not a DeviceInfo document');
  const value = (name: string): string => leaves.values.get(name) ?? '';
  return {
    deviceName: value('deviceName'),
    model: value('model'),
    serialNumber: value('serialNumber'),
    firmwareVersion: value('firmwareVersion'),
    macAddress: value('macAddress'),
    deviceType: value('deviceType'),
  };
}

export async function readDeviceInfo(client: DigestClient): Promise<DeviceInfo> {
  const res = await client.request({ method: 'GET', path: DEVICE_INFO_PATH });
  if (res.status < 200 || res.status >= 300) throw statusError('GET', DEVICE_INFO_PATH, res.status, res.body);
  return parseDeviceInfo(res.body);
}
