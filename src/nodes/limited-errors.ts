/**
 * Errors about what clients send (malformed bodies, bad platform pushes): every one still goes to
 * the flow's Catch nodes with its message, as `node.error(text, msg)` does; only the log lines of
 * errors no Catch node takes are limited, to one per kind a minute with how many were held back.
 * Without it, 300 malformed bodies wrote 300 error lines.
 */
import type { NodeMessage } from 'node-red';
import { LimitedLog } from './limited-log';

/** The node the errors are about: its `error` writes a log line (or reaches Catch nodes with a msg). */
export interface ErrorReportingNode {
  error(text: string, msg?: NodeMessage): void;
}

/** How the runtime hands an error to Catch nodes (what Node-RED's own `node.error` calls); true when one took it. */
type HandOver = (node: object, text: string, msg: NodeMessage) => boolean;

/**
 * The runtime's hand-over to Catch nodes. `_flow.handleError` is not public API, but it is what
 * `Node.prototype.error` calls in Node-RED 3, 4 and 5; null where a runtime lacks it.
 */
function catchHandOver(node: object): HandOver | null {
  const flow = (node as { _flow?: { handleError?: unknown } })._flow;
  if (!flow || typeof flow.handleError !== 'function') return null;
  const handleError = flow.handleError as (this: unknown, node: object, text: string, msg: NodeMessage) => unknown;
  return (n, text, msg) => handleError.call(flow, n, text, msg) === true;
}

export class LimitedErrors {
  private readonly log: LimitedLog;

  /** @param heldBack the note on a log line after held-back ones */
  constructor(
    private readonly node: ErrorReportingNode,
    heldBack: (count: number) => string,
    intervalMs?: number,
    now?: () => number,
  ) {
    this.log = new LimitedLog((text) => node.error(text), heldBack, intervalMs, now);
  }

  /** Hands the error to Catch nodes; if none takes it, logs it unless one of its kind was logged within the interval. */
  report(kind: string, text: () => string, msg: NodeMessage): void {
    const line = text();
    const handOver = catchHandOver(this.node);
    if (!handOver) {
      // A runtime we cannot hand errors over in: every error as before, so no Catch node misses one.
      this.node.error(line, msg);
      return;
    }
    if (handOver(this.node, line, msg)) return;
    this.log.report(kind, () => line);
  }
}
