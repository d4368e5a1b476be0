/**
 * Node `hikvision-httphosts`: reads and changes the device's `/ISAPI/Event/notification/httpHosts`
 * so it pushes its alarms to this machine's listener — one slot, read-modify-write, verified.
 * Also the editor's admin endpoint that reads the slots and tells this machine's address.
 * The work is done by the controller in `hikvision-httphosts/`.
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { HikvisionConfigNode } from './hikvision-config';
import { readSlotsHandler } from './hikvision-httphosts/editor-slots';
import { HttpHostsController, type HttpHostsMessage } from './hikvision-httphosts/http-hosts-controller';
import type { HttpHostsDef } from './hikvision-httphosts/http-hosts-request';

export { resolveRequest, withOverrides, type HttpHostsDef, type HttpHostsRequest } from './hikvision-httphosts/http-hosts-request';

export default function register(RED: NodeAPI): void {
  function HikvisionHttpHosts(this: Node, def: HttpHostsDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.config) as HikvisionConfigNode | null;
    const httpHosts = new HttpHostsController(RED, this, def, config);
    let deployTimer: NodeJS.Timeout | null = null;

    this.on('input', (msg: NodeMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      httpHosts.enqueue(msg as HttpHostsMessage).then(
        (out) => { send(out); done(); },
        (err: unknown) => done(httpHosts.failed(err, msg as HttpHostsMessage)),
      );
    });

    if (def.onDeploy && !httpHosts.problem) {
      // After the flow has started (the listener opens its port in the same deploy).
      deployTimer = setTimeout(() => {
        deployTimer = null;
        const msg: HttpHostsMessage = { _msgid: RED.util.generateId(), payload: {} };
        httpHosts.enqueue(msg).then(
          (out) => this.send(out),
          (err: unknown) => { if (!httpHosts.isClosed) this.error(httpHosts.failed(err, msg), msg); },
        );
      }, 100);
    }

    this.on('close', (_removed: boolean, done: () => void) => {
      if (deployTimer) clearTimeout(deployTimer);
      httpHosts.close();
      done();
    });
  }

  RED.nodes.registerType('hikvision-httphosts', HikvisionHttpHosts);

  // Editor: read the device's slots so the user can pick one. Reads only; never returns credentials.
  RED.httpAdmin.post('/hikvision/httphosts/slots', RED.auth.needsPermission('hikvision.read'), readSlotsHandler(RED));
}
