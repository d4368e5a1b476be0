/**
 * fast-check arbitraries that break real bodies the way networks and firmware do: bytes flipped,
 * ranges dropped or duplicated, markup tokens inserted, the body cut short; and random chunkings.
 */
import fc from 'fast-check';

/** Tokens that matter to the parsers: delimiters, markup, entities, line ends. */
const TOKENS = [
  '\r\n', '\n', '\r', '--', '--boundary', '--MIME_boundary--', '\r\n--', '<', '>', '</', '/>', '<!--', '-->', '<![CDATA[', ']]>',
  '<!DOCTYPE x [<!ENTITY e "ee">]>', '&e;', '&amp;', '&#0;', '&#x110000;', '&', '"', '{', '}', '[', ']', ':', ',', '\\u0000',
  '"__proto__":{"polluted":1},', '<__proto__>', '<constructor>', 'Content-Type: image/jpeg\r\n', 'Content-Disposition: form-data; name="x"\r\n',
  '\r\n\r\n', '\xef\xbb\xbf', '\xff\xd8', '\0', '=', '%', '%zz',
].map((token) => Buffer.from(token, 'latin1'));

type Edit =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'drop'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Buffer }
  | { kind: 'repeat'; at: number; length: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.constantFrom(...TOKENS), fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a))) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }),
);

function apply(body: Buffer, edits: readonly Edit[], cut: number | null): Buffer {
  let out = body;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + 1);
    switch (e.kind) {
      case 'set':
        if (at < out.length) {
          out = Buffer.from(out);
          out[at] = e.byte;
        }
        break;
      case 'drop':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + e.length)]);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), e.bytes, out.subarray(at)]);
        break;
      case 'repeat':
        out = Buffer.concat([out.subarray(0, at + e.length), out.subarray(at)]);
        break;
    }
  }
  if (cut !== null && out.length > 0) out = out.subarray(0, cut % (out.length + 1));
  return out;
}

/** A body from `bodies`, with up to `maxEdits` edits and perhaps cut short. */
export function mutatedBody<T extends { body: Buffer }>(bodies: readonly T[], maxEdits = 6): fc.Arbitrary<T & { original: Buffer }> {
  return fc.tuple(fc.constantFrom(...bodies), fc.array(edit, { maxLength: maxEdits }), fc.option(fc.nat(), { freq: 4 }))
    .map(([source, edits, cut]) => ({ ...source, original: source.body, body: apply(source.body, edits, cut) }));
}

/** Cut positions for a body of up to `max` bytes: a few random ones, or many small pieces. */
export function chunking(max: number): fc.Arbitrary<number[]> {
  return fc.oneof(
    fc.array(fc.nat({ max }), { maxLength: 24 }),
    fc.integer({ min: 1, max: 97 }).map((size) => Array.from({ length: Math.ceil(max / size) }, (_, i) => (i + 1) * size)),
  );
}

/** `body` cut at the given offsets (sorted, deduplicated, within the body). */
export function pieces(body: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= body.length) continue;
    out.push(body.subarray(from, cut));
    from = cut;
  }
  out.push(body.subarray(from));
  return out;
}
