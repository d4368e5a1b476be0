/**
 * The house layout rule, checked on every file in examples/ (new ones included):
 *
 * - one `tab` node with a label; every node that is drawn has `z` = that tab; config nodes have none;
 * - nodes run left to right: every wire's target lies to the right of its source;
 * - no two node boxes overlap (comments are boxes too), with a 10 px margin;
 * - no wire passes through a third node's box.
 *
 * Laying out a new example: put x/y (box centres) on a 20 px grid; a row per path through the
 * flow, 60 to 80 px apart; leave about 60 px between a box's right edge and the next box; keep
 * the comment(s) in a row of their own above. Boxes are estimated from the label text
 * (flow-layout.ts says how, and what the estimate can miss); the demo's browser test measures the
 * rendered boxes of the demo's tabs.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { exampleLabels, isFlowNode, readExample, type FlowNode } from '../../browser/example-flows';
import { REPO_ROOT } from '../../browser/repo-root';
import { boxesOverlap, layoutProblems, nodeBox, segmentCrossesBox, type Box, type Wire } from './flow-layout';

describe('example layout', () => {
  it('reads the examples folder', () => {
    assert.ok(exampleLabels().length > 0);
  });

  for (const label of exampleLabels()) {
    describe(`"${label}"`, () => {
      const flow = readExample(label);

      it('is one labelled tab, and every drawn node sits on it', () => {
        const tabs = flow.filter((n) => n.type === 'tab');
        assert.equal(tabs.length, 1, 'exactly one tab node');
        const [tab] = tabs;
        assert.ok(typeof tab.label === 'string' && tab.label.trim() !== '', 'the tab has a label');
        for (const node of flow) {
          if (node.type === 'tab') continue;
          if (isFlowNode(node)) assert.equal(node.z, tab.id, `${node.id} is on the tab`);
          else assert.equal(node.z, undefined, `config node ${node.id} belongs to no tab`);
        }
      });

      it('runs left to right, with no overlapping boxes and no wire through a node', () => {
        assert.deepEqual(layoutProblems(flow), []);
      });
    });
  }
});

interface DemoFlowModule {
  DEMO_EXAMPLES: string[];
  demoFlow: (options: {
    root: string;
    ports: Record<'device' | 'platform' | 'listener' | 'callback', number>;
    device: { username: string; password: string };
    platform: { appKey: string; appSecret: string };
  }) => { flow: FlowNode[] };
}

describe('the flow file of npm run demo (scripts/demo-flow.js)', () => {
  const { demoFlow, DEMO_EXAMPLES } = createRequire(__filename)(path.join(REPO_ROOT, 'scripts', 'demo-flow.js')) as DemoFlowModule;
  const { flow } = demoFlow({
    root: REPO_ROOT,
    ports: { device: 18080, platform: 18443, listener: 18088, callback: 18089 },
    device: { username: 'admin', password: 'pw' },
    platform: { appKey: 'k', appSecret: 's' },
  });
  const tabs = flow.filter((n) => n.type === 'tab');

  it('has one tab per example it shows, and no node on a tab missing from the file', () => {
    assert.deepEqual(tabs.map((t) => t.id), DEMO_EXAMPLES.map((label) => readExample(label).find((n) => n.type === 'tab')?.id));
    const tabIds = new Set(tabs.map((t) => t.id));
    for (const node of flow) {
      if (node.type !== 'tab' && isFlowNode(node)) assert.ok(node.z !== undefined && tabIds.has(node.z), `${node.id} is on a tab of the file`);
    }
  });

  it('follows the layout rule on every tab, with the nodes the demo adds', () => {
    for (const tab of tabs) {
      const onTab = flow.filter((n) => n.z === tab.id || !isFlowNode(n));
      assert.deepEqual(layoutProblems(onTab), [], `tab "${String(tab.label)}"`);
    }
  });
});

describe('layout geometry', () => {
  const box = (left: number, top: number, right: number, bottom: number): Box => ({ id: 'b', label: '', left, right, top, bottom });
  const wire = (x1: number, y1: number, x2: number, y2: number): Wire => ({ from: 'a', to: 'c', start: { x: x1, y: y1 }, end: { x: x2, y: y2 } });

  it('sizes a box from its label as the editor does: at least 100 × 30, wider for a long label', () => {
    const short = nodeBox({ id: 's', type: 'debug', name: 'why', x: 100, y: 100, wires: [] }, []);
    assert.deepEqual([short.right - short.left, short.bottom - short.top], [100, 30]);
    const long = nodeBox({ id: 'l', type: 'debug', name: 'a rather long name for a debug node', x: 100, y: 100, wires: [] }, []);
    assert.ok(long.right - long.left > 200, `${long.right - long.left} px`);
    const ports = nodeBox({ id: 'p', type: 'function', name: 'f', x: 0, y: 0, wires: [[], [], [], []] }, []);
    assert.equal(ports.bottom - ports.top, 60, 'four outputs make the box 60 px high');
  });

  it('finds overlapping boxes, and boxes closer than the margin', () => {
    assert.ok(boxesOverlap(box(0, 0, 100, 30), box(50, 10, 150, 40)));
    assert.ok(boxesOverlap(box(0, 0, 100, 30), box(105, 0, 205, 30)), 'within the margin');
    assert.ok(!boxesOverlap(box(0, 0, 100, 30), box(120, 0, 220, 30)));
  });

  it('finds a wire through a box, and not one passing beside it', () => {
    assert.ok(segmentCrossesBox(wire(0, 15, 400, 15), box(150, 0, 250, 30)));
    assert.ok(segmentCrossesBox(wire(0, 0, 400, 100), box(150, 30, 250, 60)), 'diagonally');
    assert.ok(!segmentCrossesBox(wire(0, 100, 400, 100), box(150, 0, 250, 30)));
    assert.ok(!segmentCrossesBox(wire(0, 15, 100, 15), box(150, 0, 250, 30)), 'ends before the box');
  });

  it('reports a right-to-left wire and a wire through a node in a flow', () => {
    const flow = [
      { id: 'tab', type: 'tab', label: 't' },
      { id: 'a', type: 'inject', z: 'tab', name: 'a', x: 500, y: 100, wires: [['b']] },
      { id: 'b', type: 'debug', z: 'tab', name: 'b', x: 100, y: 100, wires: [] },
      { id: 'c', type: 'debug', z: 'tab', name: 'c', x: 300, y: 100, wires: [] },
    ];
    const problems = layoutProblems(flow);
    assert.ok(problems.some((p) => p.includes('a → b runs right to left')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('a → b crosses c')), problems.join('\n'));
  });
});
