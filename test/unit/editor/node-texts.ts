/**
 * Finds string literals with words in them that a node shows a user without the message
 * catalogue: arguments of `.error(`, `.warn(`, `.log(`, `new Error(`, `refuse(`, a limited log's
 * `.report(kind, text)`, and the `text:` of
 * a status (`.status(`, `.now(`, `.later(`). Text inside `RED._(…)` or a `t(…)` shorthand is the
 * catalogue's; `fill`, `shape` and the message object an error carries (its second argument) are not
 * text a user reads.
 */

export interface UserTextLiteral {
  line: number;
  literal: string;
}

const CALL = /(?:\.(error|warn|log|status|now|later|report)|\bnew Error|\b(refuse))\(/g;
/** A catalogue call: `RED._(`, `this.RED._(`, `t(`, `this.t(`. */
const TRANSLATION = /^(?:this\.)?(?:RED\._|t)\(/;

/** The index just past the bracket that closes the one at `open`, skipping strings and templates. */
function closing(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === "'" || c === '"' || c === '`') {
      i = stringEnd(source, i) - 1;
    } else if (c === '(' || c === '{' || c === '[') {
      depth++;
    } else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return source.length;
}

/** The index just past the string or template starting at `start` (templates' `${…}` skipped whole). */
function stringEnd(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (quote === '`' && c === '$' && source[i + 1] === '{') i = closing(source, i + 1) - 1;
    else if (c === quote) return i + 1;
  }
  return source.length;
}

/** Top-level pieces of `a, b, c` (inside one bracket pair). */
function splitTopLevel(inner: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'" || c === '"' || c === '`') i = stringEnd(inner, i) - 1;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === separator && depth === 0) {
      parts.push(inner.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(inner.slice(from));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The string literals in an expression outside catalogue calls whose literal text has a letter. */
function wordyLiterals(expression: string): { literal: string; offset: number }[] {
  const found: { literal: string; offset: number }[] = [];
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    const translation = TRANSLATION.exec(expression.slice(i));
    if (translation && !/[\w.$]/.test(expression[i - 1] ?? '')) {
      i = closing(expression, i + translation[0].length - 1) - 1;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const end = stringEnd(expression, i);
      const literal = expression.slice(i, end);
      const text = c === '`' ? literalPartsOfTemplate(literal) : literal.slice(1, -1);
      if (/[A-Za-z]{2}/.test(text)) found.push({ literal, offset: i });
      else if (c === '`') found.push(...templateExpressions(literal).flatMap((e) => wordyLiterals(e.expression).map((f) => ({ literal: f.literal, offset: i + e.offset + f.offset }))));
      i = end - 1;
    }
  }
  return found;
}

/** A template's literal text, without its `${…}` parts. */
function literalPartsOfTemplate(template: string): string {
  let out = '';
  for (let i = 1; i < template.length - 1; i++) {
    if (template[i] === '\\') { out += template[i + 1]; i++; continue; }
    if (template[i] === '$' && template[i + 1] === '{') { i = closing(template, i + 1) - 1; continue; }
    out += template[i];
  }
  return out;
}

function templateExpressions(template: string): { expression: string; offset: number }[] {
  const out: { expression: string; offset: number }[] = [];
  for (let i = 1; i < template.length - 1; i++) {
    if (template[i] === '\\') { i++; continue; }
    if (template[i] === '$' && template[i + 1] === '{') {
      const end = closing(template, i + 1);
      out.push({ expression: template.slice(i + 2, end - 1), offset: i + 2 });
      i = end - 1;
    }
  }
  return out;
}

export function userTextLiterals(source: string): UserTextLiteral[] {
  const found: UserTextLiteral[] = [];
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  for (const match of source.matchAll(CALL)) {
    const open = match.index + match[0].length - 1;
    const inner = source.slice(open + 1, closing(source, open) - 1);
    const args = splitTopLevel(inner, ',');
    const [, method, refuse] = match as unknown as [string, string | undefined, string | undefined];
    const kind = method ?? (refuse ? 'refuse' : 'Error');
    let texts: string[];
    if (kind === 'status' || kind === 'now' || kind === 'later') {
      const object = args[0]?.startsWith('{') ? args[0].slice(1, -1) : '';
      texts = splitTopLevel(object, ',').filter((p) => /^text\s*:/.test(p)).map((p) => p.replace(/^text\s*:/, ''));
    } else {
      // refuse(status, error) is all text; a limited log's report(kind, text) has its text second.
      texts = kind === 'refuse' ? args : kind === 'report' ? args.slice(1, 2) : args.slice(0, 1);
    }
    for (const text of texts) {
      const at = source.indexOf(text, open);
      for (const literal of wordyLiterals(text)) found.push({ line: lineOf(at + literal.offset), literal: literal.literal });
    }
  }
  return found;
}
