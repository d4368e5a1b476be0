/**
 * The lexical rules both readers share, so they accept and refuse the same documents: what a name
 * is, how a tag's attributes are written (always quoted, never repeated, no `<` inside), and that a
 * DOCTYPE is never accepted (a device has no reason to send one; entity definitions are how
 * expansion and external-entity attacks start).
 */
import { XmlError } from './xml-error';

/** Deeper documents are refused (events nest about 5 levels, httpHosts 3). */
export const MAX_XML_DEPTH = 64;

const SLASH = 0x2f, GT = 0x3e, LT = 0x3c, EQUALS = 0x3d, QUOT = 0x22, APOS = 0x27, COLON = 0x3a, DASH = 0x2d, DOT = 0x2e;

export function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
}

export function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === DASH || code === DOT;
}

export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** The end of the name (prefix allowed) starting at `from`; `from` itself when no name starts there. */
export function nameEnd(text: string, from: number): number {
  if (!isNameStart(text.charCodeAt(from))) return from;
  let pos = from + 1;
  for (; pos < text.length; pos++) {
    const code = text.charCodeAt(pos);
    if (!isNameChar(code) && code !== COLON) break;
  }
  return pos;
}

/** Called with each attribute: its name and its value as written (not decoded). */
export type AttributeSink = (name: string, rawValue: string) => void;

/**
 * Reads the attributes of a tag, from just after the element name to the end of the tag, and
 * returns the position of the tag's `>` (or of the `/` of `/>`). Throws XmlError for anything that
 * is not `name="value"` or `name='value'` after a blank.
 */
export function scanAttributes(text: string, from: number, sink: AttributeSink | null): number {
  const length = text.length;
  let pos = from;
  let seen: string[] | null = null;
  for (;;) {
    const before = pos;
    while (isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= length) throw new XmlError('cut short');
    const code = text.charCodeAt(pos);
    if (code === GT) return pos;
    if (code === SLASH) {
      if (pos + 1 >= length) throw new XmlError('cut short');
      if (text.charCodeAt(pos + 1) === GT) return pos;
      throw new XmlError('with a bad tag', pos);
    }
    if (code === LT) throw new XmlError('with an unclosed tag', pos);
    if (pos === before || !isNameStart(code)) throw new XmlError('with a bad attribute', pos);
    const nameStart = pos;
    pos = nameEnd(text, pos);
    const name = text.slice(nameStart, pos);
    while (isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= length) throw new XmlError('cut short');
    if (text.charCodeAt(pos) !== EQUALS) throw new XmlError('with an attribute without a value', pos);
    pos++;
    while (isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= length) throw new XmlError('cut short');
    const quote = text.charCodeAt(pos);
    if (quote !== QUOT && quote !== APOS) throw new XmlError('with an unquoted attribute value', pos);
    const end = text.indexOf(quote === QUOT ? '"' : "'", pos + 1);
    if (end === -1) throw new XmlError('cut short');
    const raw = text.slice(pos + 1, end);
    if (raw.includes('<')) throw new XmlError('with "<" in an attribute value', pos);
    seen ??= [];
    if (seen.includes(name)) throw new XmlError(`with the attribute ${name} repeated`, pos);
    seen.push(name);
    if (sink !== null) sink(name, raw);
    pos = end + 1;
  }
}

/** The error for any `<!DOCTYPE` or other `<!` declaration. */
export function doctypeRefused(offset?: number): XmlError {
  return new XmlError('with a DOCTYPE or declaration (not accepted)', offset);
}
