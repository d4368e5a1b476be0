/** Builders for the request bodies the push parser tests send. */
import { Readable } from 'node:stream';

export interface PartSpec {
  /** Header lines as the device writes them (no line ends). */
  headers: string[];
  data: Buffer | string;
}

export interface MultipartOptions {
  /** Line end used for delimiters and headers (devices use CRLF; some captures show LF). */
  eol?: string;
  /** Write the closing `--boundary--` (default true). */
  close?: boolean;
}

/** A multipart body: `--boundary` EOL headers EOL EOL data EOL … `--boundary--` EOL. */
export function multipart(boundary: string, parts: readonly PartSpec[], options: MultipartOptions = {}): Buffer {
  const eol = options.eol ?? '\r\n';
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(`--${boundary}${eol}${part.headers.map((line) => line + eol).join('')}${eol}`));
    pieces.push(typeof part.data === 'string' ? Buffer.from(part.data) : part.data);
    pieces.push(Buffer.from(eol));
  }
  if (options.close !== false) pieces.push(Buffer.from(`--${boundary}--${eol}`));
  return Buffer.concat(pieces);
}

/**
 * JPEG-looking bytes (SOI, APP0, pseudo-random scan data without FF, EOI), the same for the same
 * seed. The data holds no newline, so no delimiter can appear inside by chance.
 */
export function fakeJpeg(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(Math.max(size, 8));
  out[0] = 0xff; out[1] = 0xd8; out[2] = 0xff; out[3] = 0xe0;
  let state = seed >>> 0 || 1;
  for (let i = 4; i < out.length - 2; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    let byte = state >>> 24;
    if (byte === 0xff || byte === 0x0a) byte = 0x00;
    out[i] = byte;
  }
  out[out.length - 2] = 0xff; out[out.length - 1] = 0xd9;
  return out;
}

/** A minimal XML event with the given fields (in order), in the hikvision ver20 namespace. */
export function xmlEvent(fields: Record<string, string>, namespace = 'http://www.hikvision.com/ver20/XMLSchema'): string {
  const body = Object.entries(fields).map(([name, value]) => `<${name}>${value}</${name}>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<EventNotificationAlert version="2.0" xmlns="${namespace}">\n${body}\n</EventNotificationAlert>\n`;
}

/** A stream that delivers `body` cut at the given offsets. */
export function streamOf(body: Buffer, cuts: readonly number[] = []): Readable {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= body.length) continue;
    pieces.push(body.subarray(from, cut));
    from = cut;
  }
  pieces.push(body.subarray(from));
  return Readable.from(pieces);
}

/** A stream delivering `body` in pieces of `size` bytes. */
export function streamInPieces(body: Buffer, size: number): Readable {
  const cuts: number[] = [];
  for (let at = size; at < body.length; at += size) cuts.push(at);
  return streamOf(body, cuts);
}
