/**
 * What a body is, judged by its first bytes: devices do not reliably label what they send (an
 * access terminal sends JSON whatever format it is told to use), so the bytes win over the header.
 */
import { hasUtf16Bom } from '../xml/xml-bytes';
import { isFormType, isMultipartType } from './content-type';

export type BodyKind = 'empty' | 'xml' | 'json' | 'multipart' | 'jpeg' | 'form' | 'unknown';

const SPACE = 0x20, TAB = 0x09, CR = 0x0d, LF = 0x0a;
const LT = 0x3c, BRACE = 0x7b, BRACKET = 0x5b, DASH = 0x2d;

/** Index of the first byte that is not whitespace or a UTF-8 byte order mark, or -1. */
export function firstSignificantByte(buf: Buffer, from = 0): number {
  let i = from;
  if (i === 0 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
  for (; i < buf.length; i++) {
    const byte = buf[i];
    if (byte !== SPACE && byte !== TAB && byte !== CR && byte !== LF) return i;
  }
  return -1;
}

/** True when the byte starts an XML or JSON document. */
export function startsDocument(byte: number | undefined): boolean {
  return byte === LT || byte === BRACE || byte === BRACKET;
}

// a urlencoded field name followed by '='
const FORM_START = /^[\w.\-%+[\]*]+=/;

/** The kind of a complete body. */
export function sniffBody(buf: Buffer, contentType: string | undefined): BodyKind {
  const start = firstSignificantByte(buf);
  if (start === -1) return 'empty';
  const first = buf[start];
  if (first === LT || hasUtf16Bom(buf)) return 'xml';
  if (first === BRACE || first === BRACKET) return 'json';
  const second = buf[start + 1];
  if (first === DASH && second === DASH) return 'multipart';
  if (first === 0xff && second === 0xd8) return 'jpeg';
  if (isMultipartType(contentType)) return 'multipart'; // a preamble before the first delimiter
  if (isFormType(contentType)) return 'form';
  return FORM_START.test(buf.toString('latin1', start, Math.min(buf.length, start + 256))) ? 'form' : 'unknown';
}

/**
 * How to read a body whose first bytes are `head`: stream it as multipart, refuse it as a bare
 * picture, or buffer it whole (everything else). Undefined while the bytes seen cannot tell yet.
 */
export function streamingKind(head: Buffer, contentType: string | undefined): 'multipart' | 'jpeg' | 'whole' | undefined {
  const start = firstSignificantByte(head);
  if (start === -1) return undefined;
  const first = head[start];
  if (startsDocument(first) || hasUtf16Bom(head)) return 'whole';
  if (start + 1 >= head.length) return undefined;
  const second = head[start + 1];
  if (first === DASH && second === DASH) return 'multipart';
  if (first === 0xff && second === 0xd8) return 'jpeg';
  return isMultipartType(contentType) ? 'multipart' : 'whole';
}
