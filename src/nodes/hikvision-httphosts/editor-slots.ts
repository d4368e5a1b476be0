/**
 * The editor's "Read slots" button: reads the device's httpHosts slots (read only) with the
 * device config as typed in its dialog, and tells this machine's address toward the device.
 * Never returns credentials.
 */
import type { Request, Response } from 'express';
import type { NodeAPI } from 'node-red';
import type { DeviceTarget } from '../../isapi/device-target';
import { DigestClient } from '../../isapi/digest-client';
import { readTriggersQuietly } from '../../isapi/event-trigger-linkage';
import { HttpHostsConfigurator, type FormatPreference } from '../../isapi/http-hosts-configurator';
import { describeSlotTarget, type HttpHostsSlot } from '../../isapi/http-hosts-slot';
import { IsapiError } from '../../isapi/isapi-error';
import { detectLocalAddress } from '../../isapi/local-address';
import type { HikvisionConfigNode } from '../hikvision-config';
import { FORMATS } from './http-hosts-request';
import { isRecord } from '../../util/is-record';

/** What the editor gets for a slot (no user names: they are the listener's credentials). */
export function slotSummary(slot: HttpHostsSlot) {
  return {
    id: slot.id, target: describeSlotTarget(slot), host: slot.host, portNo: slot.portNo, url: slot.url, inUse: slot.inUse,
    protocolType: slot.protocolType, parameterFormatType: slot.parameterFormatType, httpAuthenticationMethod: slot.httpAuthenticationMethod,
  };
}

/** The handler of POST /hikvision/httphosts/slots. */
export function readSlotsHandler(RED: NodeAPI) {
  return (req: Request, res: Response): void => {
    let target: DeviceTarget;
    try {
      target = editorTarget((id) => RED.nodes.getNode(id) as HikvisionConfigNode | null, isRecord(req.body) ? req.body : {}, RED);
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
      return;
    }
    const format = isRecord(req.body) && FORMATS.includes(req.body.format as FormatPreference) ? (req.body.format as FormatPreference) : 'auto';
    const client = new DigestClient(target, { timeoutMs: 8000 });
    Promise.all([new HttpHostsConfigurator(client).read(format), detectLocalAddress(target.host, target.port)]).then(
      // The triggers after the slots (one conversation at a time); a device that refuses them still shows its slots.
      async ([doc, address]) => res.json({ format: doc.format, slots: doc.slots.map(slotSummary), address, triggers: await readTriggersQuietly(client) }),
      (err: unknown) => {
        const error = err instanceof IsapiError ? err : new IsapiError('connection', (err as Error).message);
        res.status(error.kind === 'unauthorized' ? 401 : 502).json({ error: error.message, kind: error.kind });
      },
    );
  };
}

/**
 * The device the editor asks about: the deployed config node's, with the dialog's values over
 * it. The stored password is used only for the deployed address, so a request cannot send the
 * stored credentials to another host. `deployedConfig` finds a deployed config node by id.
 */
export function editorTarget(
  deployedConfig: (id: string) => { device: DeviceTarget } | null,
  body: Record<string, unknown>,
  RED: Pick<NodeAPI, '_'>,
): DeviceTarget {
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key]).trim() : typeof body[key] === 'number' ? String(body[key]) : '');
  const deployed = text('config') ? deployedConfig(text('config')) : null;
  const base = deployed?.device;
  const protocol = text('protocol') === 'https' || text('protocol') === 'http' ? (text('protocol') as 'http' | 'https') : base?.protocol ?? 'http';
  const host = text('host') || base?.host || '';
  if (!host) throw new Error(RED._('hikvision-httphosts.errors.editor-no-host'));
  const port = text('port') ? Number(text('port')) : base?.port ?? (protocol === 'https' ? 443 : 80);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(RED._('hikvision-httphosts.errors.editor-bad-port'));
  const typed = text('password');
  const typedPassword = typed !== '' && typed !== '__PWRD__';
  let password = typedPassword ? typed : '';
  if (!typedPassword) {
    if (!base) throw new Error(RED._('hikvision-httphosts.errors.editor-no-password'));
    if (base.host !== host || base.port !== port || base.protocol !== protocol) {
      throw new Error(RED._('hikvision-httphosts.errors.editor-other-address'));
    }
    password = base.password;
  }
  const rejectUnauthorized = typeof body.rejectUnauthorized === 'boolean' ? body.rejectUnauthorized : base?.rejectUnauthorized ?? false;
  const allowBasic = typeof body.allowBasicAuth === 'boolean' ? body.allowBasicAuth : base?.allowBasic === true;
  return { host, port, protocol, rejectUnauthorized, username: text('username') || base?.username || '', password, allowBasic };
}
