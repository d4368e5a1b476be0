/**
 * Reads the message keys the editor files and the node files use, and the keys the locale
 * catalogues define — from the files themselves, the way Node-RED will meet them.
 */

/** `{a: {b: 'x'}}` → `{'a.b': 'x'}`. */
export function flatten(catalogue: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof catalogue === 'object' && catalogue !== null && !Array.isArray(catalogue)) {
    for (const [key, value] of Object.entries(catalogue)) {
      const full = prefix ? `${prefix}.${key}` : key;
      if (typeof value === 'string') out.set(full, value);
      else for (const [k, v] of flatten(value, full)) out.set(k, v);
    }
  }
  return out;
}

/** Keys of `data-i18n="[placeholder]a.b;[title]a.c;a.d"` attributes. */
export function dataI18nKeys(html: string): string[] {
  const keys: string[] = [];
  for (const match of html.matchAll(/data-i18n="([^"]*)"/g)) {
    for (const part of match[1].split(';')) {
      const key = part.trim().replace(/^\[[^\]]*\]/, '');
      if (key) keys.push(key);
    }
  }
  return keys;
}

/** Literal keys of `this._('…')`, `node._('…')`, `RED._('…')` calls (the editor's and the runtime's). */
export function literalCallKeys(source: string): string[] {
  return [...source.matchAll(/\b(?:this|node|RED)\._\(\s*'([^'\\]+)'\s*[,)]/g)].map((m) => m[1]);
}

/** Prefixes of keys built by concatenation: `node._('a.b.' + x)` or `var key = 'a.b.' + x` → `a.b` (keys start with the node type). */
export function concatenatedKeyPrefixes(source: string): string[] {
  return [...source.matchAll(/'(hikvision-[\w-]+(?:\.[\w-]+)*)\.'\s*\+/g)].map((m) => m[1]);
}

/**
 * Keys of runtime calls in a node file: `RED._('a.b')`, `RED._(\`a.${x}\`)`, and calls through a
 * local shorthand such as `const t = (key: string) => RED._(\`hikvision-httphosts.${key}\`)` (or a
 * controller's `private readonly t = (key: string) => this.RED._(…)`).
 * Template keys come back with their `${…}` parts, e.g. `a.errors.bad-${problem.property}`.
 */
export function runtimeKeys(source: string): string[] {
  const keys = [...source.matchAll(/\bRED\._\(\s*(['`])([^'`]+)\1/g)].map((m) => m[2]);
  for (const alias of source.matchAll(/(?:const|readonly) (\w+) = \((\w+)(?::\s*string)?\) => (?:this\.)?RED\._\(`([^`$]*)\$\{\2\}`\)/g)) {
    const [, name, , prefix] = alias;
    for (const call of source.matchAll(new RegExp(`\\b${name}\\(\\s*(['\`])([^'\`]+)\\1`, 'g'))) keys.push(prefix + call[2]);
  }
  // The shorthand's own definition is not a key.
  return keys.filter((k) => !/^[\w-]+\.\$\{key\}$/.test(k));
}

/** `a.errors.bad-${problem.property}` → /^a\.errors\.bad-[^.]+$/ */
export function templatePattern(key: string): RegExp {
  const parts = key.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^()|[\]\\{}$]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^.]+')}$`);
}

/** The names of `__name__` substitutions in a message. */
export function substitutions(message: string): string[] {
  return [...message.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
}

/** String literal members of `export type Name = | 'a' | 'b'` in a TypeScript source. */
export function unionMembers(source: string, typeName: string): string[] {
  const match = new RegExp(`type ${typeName}\\s*=([^;]+);`).exec(source);
  if (!match) throw new Error(`no type ${typeName}`);
  return [...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

/** Property names of `export interface Name { a: …; b: … }` in a TypeScript source. */
export function interfaceProperties(source: string, name: string): string[] {
  const match = new RegExp(`interface ${name}\\s*\\{([^}]*)\\}`).exec(source);
  if (!match) throw new Error(`no interface ${name}`);
  return [...match[1].matchAll(/^\s*(\w+)\??:/gm)].map((m) => m[1]);
}
