/**
 * An XML body's bytes to text, in the encoding the document says it is in: a UTF-16 byte order mark
 * (LE or BE), else the `encoding` of an `<?xml …?>` declaration (GB2312, GBK, UTF-16, ISO-8859-1, …
 * through TextDecoder, which knows the WHATWG labels), else UTF-8. Chinese firmware sends GB2312
 * names; reading them as UTF-8 would garble every one of them.
 */
import { XmlError } from './xml-error';

export interface XmlText {
  /** The document as text, without any byte order mark. */
  text: string;
  /** The WHATWG name of the encoding it was read in (`utf-8`, `utf-16le`, `gbk`, …). */
  encoding: string;
}

const DECLARATION = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/;
/** A declaration is the first thing in a document; this many bytes always hold its encoding. */
const DECLARATION_BYTES = 200;

/**
 * Reads `bytes` from `start` (the first byte that is not a blank or a UTF-8 BOM; 0 for the whole
 * buffer) as XML text. Throws XmlError for an encoding TextDecoder does not know.
 */
export function decodeXmlBytes(bytes: Buffer, start = 0): XmlText {
  const b0 = bytes[0], b1 = bytes[1];
  if (b0 === 0xff && b1 === 0xfe) return { text: decode('utf-16le', bytes.subarray(2)), encoding: 'utf-16le' };
  if (b0 === 0xfe && b1 === 0xff) return { text: decode('utf-16be', bytes.subarray(2)), encoding: 'utf-16be' };
  // the usual case costs one byte test: no declaration, or one that names UTF-8
  if (bytes[start + 1] === 0x3f) {
    const label = declaredEncoding(bytes.toString('latin1', start, Math.min(bytes.length, start + DECLARATION_BYTES)));
    if (label !== undefined && !isUtf8(label)) return decodeAs(label, bytes.subarray(start));
  }
  return { text: bytes.toString('utf8', start), encoding: 'utf-8' };
}

/** True when a body starts with a UTF-16 byte order mark (its first bytes are then no `<`). */
export function hasUtf16Bom(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/** The `encoding` of the XML declaration at the start of `text`, if it has one. */
export function declaredEncoding(text: string): string | undefined {
  const match = DECLARATION.exec(text);
  return match ? ((match[1] as string | undefined) ?? match[2]).trim() : undefined;
}

function isUtf8(label: string): boolean {
  const lower = label.toLowerCase();
  return lower === 'utf-8' || lower === 'utf8' || lower === 'us-ascii' || lower === 'ascii';
}

function decodeAs(label: string, bytes: Buffer): XmlText {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    throw new XmlError(`in an unknown encoding "${label.slice(0, 40).replace(/[^\w.:-]/g, '?')}"`);
  }
  // a declaration readable one byte per character is not in UTF-16, whatever it says (firmware
  // copies `encoding="UTF-16"` into UTF-8 bodies)
  if (decoder.encoding.startsWith('utf-16')) return { text: bytes.toString('utf8'), encoding: 'utf-8' };
  return { text: stripBom(decoder.decode(bytes)), encoding: decoder.encoding };
}

function decode(encoding: string, bytes: Buffer): string {
  return stripBom(new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A body as text that stays a correct document when sent back as UTF-8 (read-modify-write): bytes
 * are decoded as decodeXmlBytes does, and a declaration naming another encoding is made to say
 * UTF-8 (nothing else changes; a UTF-8 body comes back character for character). A string is taken
 * as it is, less a leading byte order mark.
 */
export function xmlTextForUtf8(body: string | Buffer): string {
  if (typeof body === 'string') return stripBom(body);
  const start = firstNonBlank(body);
  const { text, encoding } = decodeXmlBytes(body, start);
  const lead = encoding === 'utf-8' ? body.toString('utf8', 0, start).replace(/^\uFEFF/, '') : '';
  if (encoding === 'utf-8') return lead + text;
  return text.replace(DECLARED_ENCODING, (_whole, before: string, quote: string) => `${before}${quote}UTF-8${quote}`);
}

const DECLARED_ENCODING = /^(\s*<\?xml\s[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/;

/** The first byte that is not a blank or part of a UTF-8 byte order mark. */
function firstNonBlank(bytes: Buffer): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}
