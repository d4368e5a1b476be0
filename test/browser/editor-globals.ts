/**
 * The few editor globals the browser test touches inside `page.evaluate`, typed here rather than
 * with the DOM library (which would leak browser globals into the whole project's type check).
 * In a page callback: `const { RED, $ } = globalThis as unknown as EditorGlobals;`.
 */

export interface EditorNode {
  id: string;
  type: string;
  z?: string;
  x?: number;
  y?: number;
  name?: string;
  valid?: boolean;
  changed?: boolean;
  dirty?: boolean;
  status?: { fill?: string; shape?: string; text?: string };
  credentials?: Record<string, unknown>;
  [property: string]: unknown;
}

export interface EditorRED {
  nodes: {
    node(id: string): EditorNode | null;
    getType(type: string): unknown;
    dirty(): boolean;
    dirty(value: boolean): void;
    eachNode(callback: (node: EditorNode) => boolean | undefined): void;
    eachConfig(callback: (node: EditorNode) => boolean | undefined): void;
    filterNodes(filter: { type?: string; z?: string }): EditorNode[];
    getNodeSet?(id: string): unknown;
  };
  editor: {
    edit(node: EditorNode): void;
    editConfig(name: string, type: string, id: string): void;
  };
  view: {
    importNodes(nodes: unknown[], options?: { generateIds?: boolean; addFlow?: boolean; touchImport?: boolean }): void;
    select(selection: string | { nodes: EditorNode[] }): void;
    redraw(updateActive?: boolean): void;
    selection(): { nodes?: EditorNode[] };
  };
  workspaces: { active(): string; show(id: string): void };
  sidebar: { help: { show(type: string, bringToFront?: boolean): void }; show(id: string): void };
  actions: { invoke(name: string): void };
  history: { push(event: unknown): void };
  i18n?: unknown;
}

export interface MiniQuery {
  length: number;
  text(): string;
  val(): string | number | string[] | undefined;
  val(value: string): MiniQuery;
  attr(name: string): string | undefined;
  hasClass(name: string): boolean;
  is(selector: string): boolean;
  trigger(event: string): MiniQuery;
  prop(name: string): unknown;
  css(name: string): string;
  find(selector: string): MiniQuery;
  toArray(): { textContent: string | null; className: string; id: string }[];
  each(callback: (index: number, element: unknown) => void): MiniQuery;
}

export interface EditorGlobals {
  RED: EditorRED;
  $: (selector: string) => MiniQuery;
}
