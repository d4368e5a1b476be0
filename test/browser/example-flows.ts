/** The package's example flows (examples/<menu label>.json), as the tests read them. */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './repo-root';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  x?: number;
  y?: number;
  wires?: string[][];
  [property: string]: unknown;
}

/** Menu labels: the file names without .json, as Import → Examples lists them. */
export function exampleLabels(): string[] {
  return fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

export function readExample(label: string): FlowNode[] {
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${label}.json`), 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`example "${label}" is not an array of nodes`);
  return parsed as FlowNode[];
}

/** Config nodes have no position; Node-RED treats a node without x/y as one. */
export function isFlowNode(node: FlowNode): boolean {
  return typeof node.x === 'number' && typeof node.y === 'number';
}
