/**
 * What an httpHosts node does with the device: one conversation at a time (two read-modify-writes
 * must not interleave), each run resolved from the node's settings and msg.payload, its outcome
 * shown in the status; an ISAPI failure described in msg.isapi.
 */
import type { NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import { DigestClient } from '../../isapi/digest-client';
import { runLinkage } from '../../isapi/event-trigger-linkage';
import { HttpHostsConfigurator } from '../../isapi/http-hosts-configurator';
import { describeSlotTarget } from '../../isapi/http-hosts-slot';
import { IsapiError } from '../../isapi/isapi-error';
import { detectLocalAddress } from '../../isapi/local-address';
import type { HikvisionConfigNode } from '../hikvision-config';
import { resolveRequest, withOverrides, type HttpHostsDef } from './http-hosts-request';

export interface HttpHostsMessage extends NodeMessage {
  isapi?: { kind: string; httpStatus?: number; responseStatus?: object };
}

/** Where the controller's output goes: the node itself. */
export interface HttpHostsOutput {
  warn(text: string): void;
  status(status: NodeStatus): void;
}

export class HttpHostsController {
  private client: DigestClient | null = null;
  private configurator: HttpHostsConfigurator | null = null;
  private detected: Promise<string | null> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Why the node cannot work (no config node, no device address), or null. */
  readonly problem: string | null;

  constructor(
    private readonly RED: Pick<NodeAPI, '_'>,
    private readonly node: HttpHostsOutput,
    private readonly def: HttpHostsDef,
    private readonly config: Pick<HikvisionConfigNode, 'device' | 'listen'> | null,
  ) {
    const t = this.t;
    this.problem = !config ? t('errors.no-config') : !config.device.host ? t('errors.no-device') : null;
    if (this.problem) node.status({ fill: 'red', shape: 'ring', text: t('status.no-config') });
  }

  private readonly t = (key: string) => this.RED._(`hikvision-httphosts.${key}`);

  private async run(msg: HttpHostsMessage): Promise<HttpHostsMessage> {
    const { config, problem, def, t } = this;
    if (!config || problem) throw new Error(problem ?? t('errors.no-config'));
    if (!this.configurator) {
      this.client = new DigestClient(config.device);
      this.configurator = new HttpHostsConfigurator(this.client);
    }
    const configurator = this.configurator;
    const isapi = this.client;
    if (!isapi) throw new Error(t('errors.no-config'));
    const settings = withOverrides(def, msg.payload);
    this.detected ??= detectLocalAddress(config.device.host, config.device.port);
    const request = resolveRequest(settings, config, settings.host ? null : await this.detected, this.RED);
    const { target } = request;
    this.node.status({ fill: 'blue', shape: 'ring', text: this.RED._('hikvision-httphosts.status.running', { action: request.action }) });
    let payload: object;
    switch (request.action) {
      case 'get': {
        const out = await configurator.get(request.format, request.slot, target);
        payload = out;
        this.node.status({ fill: 'blue', shape: 'dot', text: out.slot ? `${t('status.slot')} ${out.slot.id} → ${describeSlotTarget(out.slot)}` : `${out.slots.length} ${t('status.slots-read')}` });
        break;
      }
      case 'set': {
        const out = await configurator.set(request.format, request.slot, target);
        // With notifyCenter, a factory-fresh device also gets its triggers' center linkage.
        payload = request.centerRules ? { ...out, linkage: await runLinkage(isapi, request.centerRules) } : out;
        const text = `${t('status.slot')} ${out.slot?.id ?? '?'} → ${out.slot ? describeSlotTarget(out.slot) : '?'}`;
        this.node.status({ fill: 'green', shape: out.changed ? 'dot' : 'ring', text });
        if (out.rebootRequired) this.node.warn(t('errors.reboot'));
        break;
      }
      case 'test': {
        const out = await configurator.test(request.format, request.slot, target);
        payload = out;
        this.node.status({ fill: 'green', shape: 'dot', text: `${t('status.tested')} ${out.slot?.id ?? ''}`.trim() });
        break;
      }
      case 'linkage': {
        const out = await runLinkage(isapi, request.centerRules);
        payload = out;
        this.node.status({ fill: 'green', shape: out.changed.length > 0 ? 'dot' : 'ring', text: this.RED._('hikvision-httphosts.status.linkage', { count: out.changed.length }) });
        break;
      }
      case 'capabilities': {
        const out = await configurator.capabilities(request.format);
        payload = out;
        this.node.status({ fill: 'blue', shape: 'dot', text: `${out.capabilities.hostNumber ?? '?'} ${t('status.slots-max')}` });
        break;
      }
    }
    msg.payload = payload;
    return msg;
  }

  /** The error to report for a failed run; sets msg.isapi and the status. */
  failed(err: unknown, msg: HttpHostsMessage): Error {
    const { t } = this;
    const error = err instanceof Error ? err : new Error(String(err));
    const kind = error instanceof IsapiError ? error.kind : 'settings';
    if (error instanceof IsapiError) {
      msg.isapi = { kind, ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}), ...(error.responseStatus ? { responseStatus: error.responseStatus } : {}) };
    }
    this.node.status({ fill: 'red', shape: 'ring', text: t(`status.error.${kind}`) });
    return error;
  }

  /** One device conversation at a time: two read-modify-writes must not interleave. */
  enqueue(msg: HttpHostsMessage): Promise<HttpHostsMessage> {
    const next = this.queue.then(() => (this.closed ? Promise.reject(new Error(this.t('errors.closed'))) : this.run(msg)));
    this.queue = next.catch(() => undefined);
    return next;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.client?.close();
  }
}
