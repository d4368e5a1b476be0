/**
 * Config node `hikvision-config`: one device's ISAPI address and login, and the port (with its
 * device authentication and TLS) where that device's pushes arrive. Credentials stay in Node-RED's
 * credential store: never in flow JSON, never logged. The settings are read in `hikvision-config/`.
 */
import type { Node, NodeAPI } from 'node-red';
import { deviceLogins } from '../isapi/device-logins';
import type { DeviceTarget } from '../isapi/device-target';
import type { ListenSettings } from '../server/listen-settings';
import { deviceTarget, listenSettings, type HikvisionConfigCredentials, type HikvisionConfigDef } from './hikvision-config/config-settings';
import { localAddressHandler } from './hikvision-config/local-address-endpoint';

export { toPort, type HikvisionConfigCredentials, type HikvisionConfigDef } from './hikvision-config/config-settings';

export interface HikvisionConfigNode extends Node<HikvisionConfigCredentials> {
  device: DeviceTarget;
  listen: ListenSettings;
  /** Why the listening settings cannot be used (unreadable certificate…), or null. */
  listenError: string | null;
}

export default function register(RED: NodeAPI): void {
  function HikvisionConfig(this: HikvisionConfigNode, def: HikvisionConfigDef): void {
    RED.nodes.createNode(this, def);
    this.device = deviceTarget(def, this.credentials);
    const { listen, listenError } = listenSettings(def, this.credentials, RED);
    this.listen = listen;
    this.listenError = listenError;
    // Nodes that fetch pictures for an event find this device's login by the event's address.
    if (this.device.host) {
      const remove = deviceLogins.add(this.device);
      this.on('close', () => { remove(); });
    }
  }

  RED.nodes.registerType<HikvisionConfigNode, HikvisionConfigDef, unknown, HikvisionConfigCredentials>('hikvision-config', HikvisionConfig, {
    credentials: {
      username: { type: 'text' },
      password: { type: 'password' },
      listenUsername: { type: 'text' },
      listenPassword: { type: 'password' },
    },
  });

  // Editors show the address a device (or platform) should send to.
  RED.httpAdmin.get('/hikvision/local-address', RED.auth.needsPermission('hikvision.read'),
    localAddressHandler((id) => RED.nodes.getNode(id) as HikvisionConfigNode | null));
}
