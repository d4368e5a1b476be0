/**
 * The node boxes of a flow as the Node-RED editor draws them, estimated without a browser, and the
 * house layout rule checked on them. Used by the layout test for every file in examples/.
 *
 * How the editor (4.x, view.js) sizes a node: x/y is the box centre; width is
 * max(100, 20 * ceil((label width + 50 + (7 if it has an input)) / 20)); height is
 * max(30, 6 + 24 * label lines, 15 * outputs). Output port i of n sits on the right edge at
 * y + 13 * (i - (n - 1) / 2); the input port sits on the left edge at y. Comments are boxes too.
 *
 * What is estimated: the label text (the node's name, else what its label function would show,
 * else its type) and its width at the editor's 14 px sans-serif. Chromium on Linux draws it in
 * Arial or a metric twin (Liberation Sans), so Arial's published character widths are used, plus
 * 10 % for wider fonts (Helvetica Neue on macOS). A wire is drawn as a curve; here it is the
 * straight segment between its ports, which can miss a curve clipping a box corner near its ends.
 * The browser test of the demo checks the rendered boxes of the demo's tabs for the real thing.
 */
import type { FlowNode } from '../../browser/example-flows';

export const NODE_MIN_WIDTH = 100;
export const NODE_MIN_HEIGHT = 30;
/** Space kept free between two boxes, and between a wire and a box it passes. */
export const LAYOUT_MARGIN = 10;
const LABEL_FONT_PX = 14;
const FONT_SAFETY = 1.1;

/** Arial advance widths in 1/1000 em (its published metrics); anything else counts as 1 em. */
const ARIAL_WIDTHS: Record<string, number> = {
  ' ': 278, '!': 278, '"': 355, '#': 556, '$': 556, '%': 889, '&': 667, "'": 191, '(': 333, ')': 333, '*': 389,
  '+': 584, ',': 278, '-': 333, '.': 278, '/': 278, ':': 278, ';': 278, '<': 584, '=': 584, '>': 584, '?': 556,
  '@': 1015, '[': 278, '\\': 278, ']': 278, '^': 469, _: 556, '`': 333, '{': 334, '|': 260, '}': 334, '~': 584,
  A: 667, B: 667, C: 722, D: 722, E: 667, F: 611, G: 778, H: 722, I: 278, J: 500, K: 667, L: 556, M: 833,
  N: 722, O: 778, P: 667, Q: 778, R: 722, S: 667, T: 611, U: 722, V: 667, W: 944, X: 667, Y: 667, Z: 611,
  a: 556, b: 556, c: 500, d: 556, e: 556, f: 278, g: 556, h: 556, i: 222, j: 222, k: 500, l: 222, m: 833,
  n: 556, o: 556, p: 556, q: 556, r: 333, s: 500, t: 278, u: 556, v: 500, w: 722, x: 500, y: 500, z: 500,
};
for (const digit of '0123456789') ARIAL_WIDTHS[digit] = 556;

export function textWidth(text: string): number {
  let units = 0;
  for (const char of text) units += ARIAL_WIDTHS[char] ?? 1000;
  return (units / 1000) * LABEL_FONT_PX * FONT_SAFETY;
}

/** Inputs of the types examples use; a type not listed is taken to have one input (the wider box). */
const INPUTS: Record<string, number> = {
  comment: 0, inject: 0, catch: 0, status: 0, complete: 0, 'link in': 0, 'mqtt in': 0, 'http in': 0,
  'hikvision-listener': 0,
};

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function shortList(value: unknown, max: number): string {
  const list = text(value).split(/[,\n]/).map((t) => t.trim()).filter((t) => t !== '').join(',');
  return list.length > max ? `${list.slice(0, max - 1)}…` : list;
}

/** The label the editor shows: the name, else what the type's label function makes of the node. */
export function nodeLabel(node: FlowNode, flow: FlowNode[]): string {
  const name = text(node.name);
  if (name) return name;
  switch (node.type) {
    case 'hikvision-listener': {
      const config = flow.find((n) => n.id === node.config);
      const path = text(node.path);
      return `listener :${config ? text(config.listenPort) || '8088' : '?'}${path ? ` ${path.startsWith('/') ? '' : '/'}${path}` : ''}`;
    }
    case 'hikvision-event-filter':
      return `filter ${shortList(node.eventTypes, 24) || 'any'}`;
    case 'hikvision-isc-subscribe':
      return `iSC ${shortList(node.eventTypes, 28) || '?'}`;
    case 'hikvision-httphosts':
      return node.action === 'set' || !node.action ? `httpHosts → ${node.slot && node.slot !== 'auto' ? `slot ${text(node.slot)}` : 'auto'}` : `httpHosts ${text(node.action)}`;
    case 'debug':
      return node.complete === 'true' ? 'msg' : `msg.${text(node.complete) || 'payload'}`;
    case 'mqtt out':
      return text(node.topic) || 'mqtt';
    case 'catch':
      return Array.isArray(node.scope) ? `catch: ${node.scope.length}` : 'catch: all';
    default:
      return node.type;
  }
}

export interface Box {
  id: string;
  label: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function nodeBox(node: FlowNode, flow: FlowNode[]): Box {
  const label = nodeLabel(node, flow);
  const lines = label.split('\n');
  const inputs = INPUTS[node.type] ?? 1;
  const outputs = node.wires?.length ?? 0;
  const width = Math.max(NODE_MIN_WIDTH, 20 * Math.ceil((Math.max(...lines.map(textWidth)) + 50 + (inputs > 0 ? 7 : 0)) / 20));
  const height = Math.max(NODE_MIN_HEIGHT, 6 + 24 * lines.length, 15 * outputs);
  const x = node.x ?? 0;
  const y = node.y ?? 0;
  return { id: node.id, label, left: x - width / 2, right: x + width / 2, top: y - height / 2, bottom: y + height / 2 };
}

export function boxesOverlap(a: Box, b: Box, margin = LAYOUT_MARGIN): boolean {
  return a.left < b.right + margin && b.left < a.right + margin && a.top < b.bottom + margin && b.top < a.bottom + margin;
}

export interface Wire {
  from: string;
  to: string;
  start: { x: number; y: number };
  end: { x: number; y: number };
}

/** Every wire of the flow, from its output port to the target's input port. */
export function wiresOf(flow: FlowNode[], boxes: Map<string, Box>): Wire[] {
  const wires: Wire[] = [];
  for (const node of flow) {
    const source = boxes.get(node.id);
    if (!source) continue;
    const outputs = node.wires ?? [];
    outputs.forEach((targets, port) => {
      const y = (node.y ?? 0) + 13 * (port - (outputs.length - 1) / 2);
      for (const to of targets) {
        const target = boxes.get(to);
        if (!target) continue;
        wires.push({ from: node.id, to, start: { x: source.right, y }, end: { x: target.left, y: (target.top + target.bottom) / 2 } });
      }
    });
  }
  return wires;
}

/** Whether the segment passes through the box (grown by the margin): Liang–Barsky clipping. */
export function segmentCrossesBox(wire: Wire, box: Box, margin = LAYOUT_MARGIN): boolean {
  const dx = wire.end.x - wire.start.x;
  const dy = wire.end.y - wire.start.y;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, wire.start.x - (box.left - margin)], [dx, box.right + margin - wire.start.x],
    [-dy, wire.start.y - (box.top - margin)], [dy, box.bottom + margin - wire.start.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/** What breaks the house layout rule in a flow; empty when it is followed. */
export function layoutProblems(flow: FlowNode[]): string[] {
  const problems: string[] = [];
  const placed = flow.filter((n) => typeof n.x === 'number' && typeof n.y === 'number' && n.type !== 'tab');
  const boxes = new Map(placed.map((n) => [n.id, nodeBox(n, flow)]));
  const list = [...boxes.values()];
  const name = (box: Box) => `${box.id} "${box.label}"`;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      if (boxesOverlap(list[i], list[j])) problems.push(`${name(list[i])} and ${name(list[j])} overlap (or are closer than ${LAYOUT_MARGIN} px)`);
    }
  }
  for (const wire of wiresOf(placed, boxes)) {
    if (wire.end.x <= wire.start.x) problems.push(`the wire ${wire.from} → ${wire.to} runs right to left`);
    for (const box of list) {
      if (box.id === wire.from || box.id === wire.to) continue;
      if (segmentCrossesBox(wire, box)) problems.push(`the wire ${wire.from} → ${wire.to} crosses ${name(box)}`);
    }
  }
  return problems;
}
