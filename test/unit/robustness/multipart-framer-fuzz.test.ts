/**
 * The multipart framer on arbitrary input: lines of delimiters (right, wrong case, closing, padded,
 * other boundaries), headers, blanks and data, with any line ends, in any chunking. Whatever comes,
 * the sink sees well-formed calls (no data outside a part, no part inside a part), only PushError
 * escapes, and the result does not depend on how the bytes were cut. test/unit/push/multipart-
 * framer.test.ts proves exact framing of well-formed bodies; this file proves the rest.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MultipartCollector } from '../../../src/push/multipart-collector';
import { MultipartFramer, type PartSink } from '../../../src/push/multipart-framer';
import { PushError } from '../../../src/push/push-error';
import { DEFAULT_PUSH_LIMITS } from '../../../src/push/push-limits';
import { chunking, mutatedBody, pieces } from './support/mutate';
import { simulatorPushes } from './support/real-bodies';

interface Framed {
  parts: { headers: string[]; data: string }[];
  sawDelimiter: boolean;
  error: string | null;
}

/** A sink that checks the call order and records every part. */
class StrictSink implements PartSink {
  readonly parts: Framed['parts'] = [];
  private current: { headers: string[]; chunks: Buffer[] } | null = null;
  partStart(headerLines: string[]): void {
    assert.equal(this.current, null, 'a part started inside a part');
    this.current = { headers: [...headerLines], chunks: [] };
  }
  partData(chunk: Buffer): void {
    assert.ok(this.current, 'data outside a part');
    assert.ok(chunk.length > 0, 'an empty data chunk');
    this.current.chunks.push(Buffer.from(chunk));
  }
  partEnd(): void {
    assert.ok(this.current, 'a part ended that never started');
    this.parts.push({ headers: this.current.headers, data: Buffer.concat(this.current.chunks).toString('latin1') });
    this.current = null;
  }
  get open(): boolean {
    return this.current !== null;
  }
}

function frame(body: Buffer, headerBoundary: string | undefined, cuts: number[]): Framed {
  const sink = new StrictSink();
  const framer = new MultipartFramer(sink, headerBoundary);
  let error: string | null = null;
  try {
    for (const piece of pieces(body, cuts)) framer.write(piece);
    framer.end();
    assert.equal(sink.open, false, 'a part left open after end()');
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(err instanceof PushError, `not a PushError: ${String(err)}`);
    error = err.code;
  }
  return { parts: sink.parts, sawDelimiter: framer.sawDelimiter, error };
}

const line = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('--b', '--B', '--b--', '--b  ', '--b\t', '--b --') },
  { weight: 1, arbitrary: fc.constantFrom('--c', '--b-', '--', '-', '--bb', 'x--b') },
  { weight: 2, arbitrary: fc.constantFrom('Content-Type: image/jpeg', 'Content-Disposition: form-data; name="x"', '\tfolded', 'Not a header', 'Content-Length: 99') },
  { weight: 2, arbitrary: fc.constantFrom('', '<x/>', '{"a":1}', 'data', '\xff\xd8\xff', 'b', '\r') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const eol = fc.constantFrom('\r\n', '\r\n', '\n', '\n', '\r', '');
const multipartish = fc.array(fc.tuple(line, eol), { maxLength: 30 })
  .map((lines) => Buffer.from(lines.map(([text, end]) => text + end).join(''), 'latin1'));

describe('robustness: the multipart framer on arbitrary input', () => {
  it('gives the same parts whatever the chunking, with well-formed sink calls (property)', () => {
    fc.assert(fc.property(multipartish, fc.constantFrom(undefined, 'b', 'B', 'c'), chunking(600), (body, boundary, cuts) => {
      assert.deepEqual(frame(body, boundary, cuts), frame(body, boundary, []));
    }), { numRuns: 20_000 });
  });

  it('random bytes: only PushError escapes and the sink calls stay well-formed (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)), fc.constantFrom(undefined, 'b', '\xff'), chunking(2000), (body, boundary, cuts) => {
      assert.deepEqual(frame(body, boundary, cuts), frame(body, boundary, []));
    }), { numRuns: 3000 });
  });

  it('mutated simulator pushes frame the same in any chunking (property)', () => {
    const multipartPushes = simulatorPushes().filter((p) => p.contentType?.startsWith('multipart/'));
    fc.assert(fc.property(mutatedBody(multipartPushes), chunking(400_000), (input, cuts) => {
      const boundary = /boundary=([^;\s]+)/.exec(input.contentType ?? '')?.[1];
      assert.deepEqual(frame(input.body, boundary, cuts), frame(input.body, boundary, []));
    }), { numRuns: 150 });
  });

  it('an over-long header line, or a line before the first delimiter that never ends, is refused, not buffered', () => {
    const header = Buffer.from(`--b\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\nx\r\n--b--\r\n`);
    assert.equal(frame(header, 'b', [100, 5000, 17_000]).error, 'malformed');
    assert.equal(frame(header, 'b', []).error, 'malformed');
    const preamble = Buffer.from(`${'p'.repeat(40_000)}\r\n--b\r\n\r\nx\r\n--b--\r\n`);
    assert.equal(frame(preamble, 'b', [7, 9000, 18_000]).error, 'malformed');
  });

  it('100 000 parts: the framer keeps up, and the collector stops at its part limit', () => {
    const body = Buffer.from(`${'--b\r\nContent-Type: image/jpeg\r\n\r\nx\r\n'.repeat(100_000)}--b--\r\n`);
    let parts = 0;
    const counter: PartSink = { partStart: () => { parts++; }, partData: () => undefined, partEnd: () => undefined };
    const framer = new MultipartFramer(counter, 'b');
    for (const piece of pieces(body, Array.from({ length: 200 }, (_, i) => (i + 1) * 7919))) framer.write(piece);
    framer.end();
    assert.equal(parts, 100_000);

    const collector = new MultipartCollector(true, DEFAULT_PUSH_LIMITS);
    assert.throws(() => new MultipartFramer(collector, 'b').write(body), (err: unknown) => err instanceof PushError && err.code === 'too-many-parts');
  });
});
