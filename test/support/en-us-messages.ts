/**
 * node-red-node-test-helper gives nodes an `RED._` that returns the message key. To check the text
 * a user reads, node tests wrap the node modules so `RED._` renders the package's en-US catalogue
 * (`nodes/locales/en-US/*.json`, `__name__` placeholders) the way Node-RED does.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NodeAPI } from 'node-red';
import type { TestNodeInitializer } from 'node-red-node-test-helper';
import { repoRoot } from './samples';

type Catalogue = Record<string, unknown>;

let catalogue: Catalogue | undefined;

function load(): Catalogue {
  if (catalogue) return catalogue;
  const dir = path.join(repoRoot(), 'nodes', 'locales', 'en-US');
  const merged: Catalogue = {};
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    Object.assign(merged, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Catalogue);
  }
  catalogue = merged;
  return merged;
}

/** The en-US text for `key` with its placeholders filled; the key itself when the catalogue lacks it. */
export function enUs(key: string, params: Record<string, unknown> = {}): string {
  let value: unknown = load();
  for (const part of key.split('.')) value = typeof value === 'object' && value !== null ? (value as Catalogue)[part] : undefined;
  if (typeof value !== 'string') return key;
  return value.replace(/__(\w+)__/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The node modules, each registered with an `RED._` that renders en-US text. */
export function withEnUs(modules: TestNodeInitializer[]): TestNodeInitializer[] {
  return modules.map((init) => (RED: NodeAPI) => {
    (RED as unknown as { _: typeof enUs })._ = enUs;
    return (init as (red: NodeAPI) => void)(RED);
  });
}

/** A pattern for the en-US text of `key`: string params must appear as given, RegExp params match there. */
export function enUsPattern(key: string, params: Record<string, string | number | RegExp>): RegExp {
  const markers: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    markers[name] = `@@${name}@@`;
    sources[name] = value instanceof RegExp ? `(?:${value.source})` : String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const escaped = enUs(key, markers).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/@@(\w+)@@/g, (_whole, name: string) => sources[name])}$`);
}

/** The loopback address as a socket may report it (IPv4, or IPv4-mapped on a dual-stack port). */
export const LOOPBACK = /(?:::ffff:)?127\.0\.0\.1/;
