/**
 * Node `hikvision-listener`: the events Hikvision devices push over HTTP ("HTTP listening"),
 * one message per event. The port, its TLS and device authentication come from the
 * `hikvision-config` node; the server is shared per port with every other node that uses it.
 * The work is done by the controller in `hikvision-listener/`.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { HikvisionConfigNode } from './hikvision-config';
import { ListenerController } from './hikvision-listener/listener-controller';
import { listenerMessageOptions, type ListenerMessageDef } from './hikvision-listener/listener-messages';

export type { ListenerMessage } from './hikvision-listener/listener-messages';

interface ListenerDef extends NodeDef, ListenerMessageDef {
  config: string;
  path: string;
}

export default function register(RED: NodeAPI): void {
  function HikvisionListener(this: Node, def: ListenerDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.config) as HikvisionConfigNode | null;
    if (!config) {
      this.status({ fill: 'red', shape: 'ring', text: RED._('hikvision-listener.status.no-config') });
      return;
    }
    if (config.listenError) {
      this.error(config.listenError);
      this.status({ fill: 'red', shape: 'ring', text: RED._('hikvision-listener.status.tls-error') });
      return;
    }
    const listener = new ListenerController(RED, this, config.listen, listenerMessageOptions(def));
    listener.open(def.path);
    this.on('close', (_removed: boolean, done: () => void) => {
      listener.close().then(() => done(), () => done());
    });
  }

  RED.nodes.registerType('hikvision-listener', HikvisionListener);
}
