/**
 * Who each device address is, as its deviceInfo said: filled by the device watch (and whoever else
 * reads deviceInfo), read synchronously by the listeners so an event can carry `msg.device`
 * without waiting on the device. Bounded like the activity record.
 */
import { normaliseAddress } from './device-activity';

export interface KnownDevice {
  deviceName: string;
  model: string;
  serialNumber: string;
  firmwareVersion: string;
}

const MAX_DEVICES = 4096;

export class DeviceDirectory {
  private readonly devices = new Map<string, KnownDevice>();

  remember(address: string, device: KnownDevice): void {
    const key = normaliseAddress(address);
    this.devices.delete(key);
    if (this.devices.size >= MAX_DEVICES) {
      const oldest = this.devices.keys().next().value;
      if (oldest !== undefined) this.devices.delete(oldest);
    }
    this.devices.set(key, {
      deviceName: device.deviceName, model: device.model, serialNumber: device.serialNumber, firmwareVersion: device.firmwareVersion,
    });
  }

  /** A copy (each message gets its own), or undefined for an address nobody has read. */
  lookup(address: string): KnownDevice | undefined {
    const found = this.devices.get(normaliseAddress(address));
    return found ? { ...found } : undefined;
  }
}

/** The process's one directory. */
export const deviceDirectory = new DeviceDirectory();
