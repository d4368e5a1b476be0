/**
 * The node boxes the editor has drawn on a tab (each node's SVG rect, in page pixels), for the
 * checks that no two of them overlap: the rendered counterpart of test/unit/examples/flow-layout.ts.
 */
import type { Page } from 'playwright-core';
import type { EditorGlobals } from './editor-globals';

export interface DrawnBox { id: string; label: string; left: number; top: number; right: number; bottom: number }

interface Rect { left: number; top: number; right: number; bottom: number }
interface DrawnElement {
  id: string;
  textContent: string | null;
  querySelector(selector: string): (DrawnElement & { getBoundingClientRect(): Rect }) | null;
}
interface PageDocument { querySelectorAll(selector: string): ArrayLike<DrawnElement> }

/** The rendered node boxes of the tab on show. */
export function drawnBoxes(page: Page): Promise<DrawnBox[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    return Array.from(doc.querySelectorAll('#red-ui-workspace-chart .red-ui-flow-node-group')).flatMap((group) => {
      const rect = group.querySelector('rect.red-ui-flow-node');
      if (!rect) return [];
      const r = rect.getBoundingClientRect();
      const label = group.querySelector('.red-ui-flow-node-label')?.textContent?.trim() ?? '';
      return [{ id: group.id, label, left: r.left, top: r.top, right: r.right, bottom: r.bottom }];
    });
  });
}

/** Shows a tab, waits until every node on it is drawn, and returns their boxes. */
export async function showTab(page: Page, tab: string): Promise<DrawnBox[]> {
  const count = await page.evaluate((id) => {
    const { RED } = globalThis as unknown as EditorGlobals;
    RED.workspaces.show(id);
    return RED.nodes.filterNodes({ z: id }).length;
  }, tab);
  await page.waitForFunction((want) => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    return doc.querySelectorAll('#red-ui-workspace-chart .red-ui-flow-node-group rect.red-ui-flow-node').length === want;
  }, count);
  return drawnBoxes(page);
}

/** Every pair of boxes that overlap, by label. */
export function overlappingBoxes(boxes: DrawnBox[]): string[] {
  const clashes: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) clashes.push(`"${a.label}" and "${b.label}"`);
    }
  }
  return clashes;
}
