/**
 * Node `hikvision-isc-subscribe`: subscribes to iSC / HikCentral event types with this machine's
 * callback URL, keeps the subscription alive, and turns every OnEventNotify the platform POSTs
 * into one message per event (output 1). `msg.payload.action` subscribe / unsubscribe / view
 * calls the platform on demand; its answer leaves on output 2. The work is done by the
 * controller in `hikvision-isc-subscribe/`.
 */
import type { Node, NodeAPI, NodeMessageInFlow } from 'node-red';
import type { HikvisionIscNode } from './hikvision-isc';
import { IscSubscribeController } from './hikvision-isc-subscribe/subscribe-controller';
import { readSubscribeSettings, subscriptionRequest, type IscSubscribeDef } from './hikvision-isc-subscribe/subscribe-settings';

export { DEFAULT_LISTEN_PORT, DEFAULT_PATH, DEFAULT_RESUBSCRIBE_SECONDS, type IscSubscribeDef } from './hikvision-isc-subscribe/subscribe-settings';

export default function register(RED: NodeAPI): void {
  function IscSubscribe(this: Node, def: IscSubscribeDef): void {
    RED.nodes.createNode(this, def);
    const config = RED.nodes.getNode(def.platform) as HikvisionIscNode | null;
    const settings = readSubscribeSettings(def);
    const { eventTypes, invalid, callbackUrl } = settings;

    const refuse = (text: string, message: string) => {
      this.status({ fill: 'red', shape: 'ring', text });
      this.error(message);
    };
    if (!config) return refuse(RED._('hikvision-isc-subscribe.status.no-platform'), RED._('hikvision-isc-subscribe.errors.no-platform'));
    if (!config.platform.host) return refuse(RED._('hikvision-isc-subscribe.status.no-host'), RED._('hikvision-isc-subscribe.errors.no-host'));
    if (!config.platform.appKey || !config.platform.appSecret) {
      return refuse(RED._('hikvision-isc-subscribe.status.no-credentials'), RED._('hikvision-isc-subscribe.errors.no-credentials'));
    }
    if (invalid.length > 0 || eventTypes.length === 0) {
      const message = invalid.length
        ? RED._('hikvision-isc-subscribe.errors.bad-types-listed', { codes: invalid.join(', ') })
        : RED._('hikvision-isc-subscribe.errors.bad-types');
      return refuse(RED._('hikvision-isc-subscribe.status.bad-types'), message);
    }
    if (!callbackUrl) {
      return refuse(RED._('hikvision-isc-subscribe.status.no-callback'), RED._('hikvision-isc-subscribe.errors.no-callback'));
    }

    const subscription = new IscSubscribeController(RED, this, config.platform, settings, subscriptionRequest({ ...settings, callbackUrl }));
    subscription.start();

    this.on('input', (msg, send, done) => {
      subscription.runAction(msg).then(({ action, answer }) => {
        const out = msg as NodeMessageInFlow & { action?: string };
        out.payload = answer;
        out.topic = `isc/${action}`;
        out.action = action;
        send([null, out]);
        done();
      }, (err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
    });

    this.on('close', (_removed: boolean, done: () => void) => {
      subscription.close(def.unsubscribeOnClose).then(() => done(), () => done());
    });
  }

  RED.nodes.registerType('hikvision-isc-subscribe', IscSubscribe);
}
