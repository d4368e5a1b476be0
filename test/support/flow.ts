/** Small helpers for node tests: collect what a helper node receives, wait for it. */
import type { Node, NodeMessage } from 'node-red';
import { helper } from './node-red';

export interface Collector<T extends NodeMessage = NodeMessage> {
  messages: T[];
  /** Resolves when at least `n` messages arrived; rejects after `ms` with what did arrive. */
  waitFor(n: number, ms?: number): Promise<T[]>;
}

export function collect<T extends NodeMessage = NodeMessage>(nodeId: string): Collector<T> {
  const node = helper.getNode(nodeId) as Node | null;
  if (!node) throw new Error(`no node ${nodeId} in the flow`);
  const messages: T[] = [];
  const waiters: (() => void)[] = [];
  node.on('input', (msg: NodeMessage) => {
    messages.push(msg as T);
    for (const w of waiters.splice(0)) w();
  });
  return {
    messages,
    waitFor(n, ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`expected ${n} messages on ${nodeId}, got ${messages.length}`));
        }, ms);
        const check = () => {
          if (messages.length >= n) {
            clearTimeout(timer);
            resolve(messages);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** Statuses a node set, in order. */
export function statuses(nodeId: string): { fill?: string; shape?: string; text?: string }[] {
  const node = helper.getNode(nodeId) as (Node & { status: (s: object) => void }) | null;
  if (!node) throw new Error(`no node ${nodeId}`);
  const seen: { fill?: string; shape?: string; text?: string }[] = [];
  const original = node.status.bind(node);
  node.status = (s: object) => {
    seen.push(s);
    original(s);
  };
  return seen;
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `ms`. */
export async function eventually(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
