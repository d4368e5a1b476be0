/**
 * Valid baseline JPEG files of a chosen size, made without image libraries: a greyscale picture
 * whose 8×8 blocks carry only a DC value (a seeded pattern, so pictures differ), Huffman-coded as
 * a decoder expects, then padded with COM segments up to the requested byte count.
 */

export interface JpegOptions {
  width: number;
  height: number;
  /** Total file size in bytes; the picture is padded with comment segments up to it. */
  size?: number;
  /** Varies the pixels and the padding, so two pictures with different seeds differ. */
  seed?: number;
}

/** Huffman table for DC differences: the luminance table of ITU-T T.81 Annex K.3. */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** AC table with one symbol, end-of-block (0x00): every block ends right after its DC value. */
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00];
/** DC quantiser 8: a quantised DC value v means a block of grey level v + 128. */
const QUANT = Array.from({ length: 64 }, (_, k) => 8 + k);

interface HuffmanCode { code: number; length: number }

/** Canonical codes from the BITS/HUFFVAL lists (T.81 Annex C). */
function huffmanCodes(bits: number[], values: number[]): Map<number, HuffmanCode> {
  const codes = new Map<number, HuffmanCode>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]; i++) codes.set(values[k++], { code: code++, length });
    code <<= 1;
  }
  return codes;
}

const DC_CODES = huffmanCodes(DC_BITS, DC_VALUES);
const EOB = huffmanCodes(AC_BITS, AC_VALUES).get(0x00) ?? { code: 0, length: 1 };

/** Entropy-coded bits with the 0xFF → 0xFF 0x00 stuffing the JPEG format requires. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  write(code: number, length: number): void {
    for (let bit = length - 1; bit >= 0; bit--) {
      this.current = (this.current << 1) | ((code >> bit) & 1);
      if (++this.used === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.used = 0;
  }

  finish(): Buffer {
    // Pad the last byte with 1-bits, as T.81 F.1.2.3 says.
    while (this.used !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }
}

/** A small deterministic generator: the same seed gives the same picture. */
function seededRandom(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

function entropyData(width: number, height: number, seed: number): Buffer {
  const random = seededRandom(seed + 1);
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  const phase = (seed % 97) / 7;
  const writer = new BitWriter();
  let previous = 0;
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      const level = 60 * Math.sin(bx * 0.05 + phase) + 40 * Math.cos(by * 0.09 - phase) + (random() - 0.5) * 12;
      const value = Math.max(-127, Math.min(127, Math.round(level)));
      const diff = value - previous;
      previous = value;
      const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      const code = DC_CODES.get(category);
      if (!code) throw new Error(`no DC code for category ${category}`);
      writer.write(code.code, code.length);
      // Negative differences are sent as the ones' complement of their magnitude (T.81 F.1.2.1).
      if (category > 0) writer.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
      writer.write(EOB.code, EOB.length);
    }
  }
  return writer.finish();
}

/** COM segments holding printable text (never 0xFF, so naive EOI scanners are not fooled). */
function paddingSegments(bytes: number, seed: number): Buffer[] {
  const random = seededRandom(seed + 7);
  const segments: Buffer[] = [];
  let remaining = bytes;
  while (remaining >= 4) {
    // Leave either nothing or at least one whole segment header for the next round.
    let take = Math.min(remaining, 65535 + 2);
    if (remaining - take > 0 && remaining - take < 4) take -= 4;
    const text = Buffer.alloc(take - 4);
    const label = Buffer.from(`hikvision-sim picture ${seed} `, 'latin1');
    label.copy(text, 0, 0, Math.min(label.length, text.length));
    for (let i = label.length; i < text.length; i++) text[i] = 0x20 + Math.floor(random() * 95);
    segments.push(segment(0xfe, text));
    remaining -= take;
  }
  return segments;
}

/** A baseline greyscale JPEG: SOI, APP0 (JFIF), COM padding, DQT, SOF0, DHT ×2, SOS, data, EOI. */
export function makeJpeg(options: JpegOptions): Buffer {
  const width = Math.max(1, Math.min(65535, Math.round(options.width)));
  const height = Math.max(1, Math.min(65535, Math.round(options.height)));
  const seed = Math.abs(Math.round(options.seed ?? 0));

  const jfif = segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = segment(0xdb, Buffer.from([0x00, ...QUANT]));
  const sofPayload = Buffer.alloc(9);
  sofPayload.writeUInt8(8, 0);
  sofPayload.writeUInt16BE(height, 1);
  sofPayload.writeUInt16BE(width, 3);
  sofPayload.set([1, 1, 0x11, 0], 5);
  const sof = segment(0xc0, sofPayload);
  const dhtDc = segment(0xc4, Buffer.from([0x00, ...DC_BITS, ...DC_VALUES]));
  const dhtAc = segment(0xc4, Buffer.from([0x10, ...AC_BITS, ...AC_VALUES]));
  const sos = segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  const data = entropyData(width, height, seed);
  const soi = Buffer.from([0xff, 0xd8]);
  const eoi = Buffer.from([0xff, 0xd9]);

  const body = [dqt, sof, dhtDc, dhtAc, sos, data, eoi];
  const unpadded = soi.length + jfif.length + body.reduce((sum, b) => sum + b.length, 0);
  const padding = paddingSegments(Math.max(0, (options.size ?? 0) - unpadded), seed);
  return Buffer.concat([soi, jfif, ...padding, ...body]);
}

const cache = new Map<string, Buffer>();

/** makeJpeg with a small cache: generating a 150 kB picture per event would slow a load run. */
export function cachedJpeg(options: JpegOptions): Buffer {
  const key = `${options.width}x${options.height}:${options.size ?? 0}:${options.seed ?? 0}`;
  let jpeg = cache.get(key);
  if (!jpeg) {
    jpeg = makeJpeg(options);
    if (cache.size > 256) cache.clear();
    cache.set(key, jpeg);
  }
  return jpeg;
}
