/**
 * Checks a JPEG the way a decoder reads it: markers and segment lengths from SOI to EOI, then
 * the entropy-coded data Huffman-decoded block by block with the file's own tables.
 */
export interface JpegReport {
  width: number;
  height: number;
  segments: string[];
  blocksDecoded: number;
  /** Offset just after the EOI marker. */
  end: number;
}

interface Table { codes: Map<string, number> }

function buildTable(bits: number[], values: number[]): Table {
  const codes = new Map<string, number>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]; i++) codes.set((code++).toString(2).padStart(length, '0'), values[k++]);
    code <<= 1;
  }
  return { codes };
}

export function checkJpeg(data: Buffer): JpegReport {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('no SOI marker');
  const segments: string[] = ['SOI'];
  const tables = new Map<number, Table>();
  let width = 0;
  let height = 0;
  let offset = 2;
  for (;;) {
    if (data[offset] !== 0xff) throw new Error(`expected a marker at ${offset}`);
    const marker = data[offset + 1];
    if (marker === 0xd9) {
      segments.push('EOI');
      return { width, height, segments, blocksDecoded: -1, end: offset + 2 };
    }
    const length = data.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > data.length) throw new Error(`segment ${marker.toString(16)} overruns the file`);
    const payload = data.subarray(offset + 4, offset + 2 + length);
    segments.push(marker.toString(16));
    if (marker === 0xc0) {
      height = payload.readUInt16BE(1);
      width = payload.readUInt16BE(3);
      if (payload[5] !== 1) throw new Error('expected one component');
    } else if (marker === 0xc4) {
      const bits = [...payload.subarray(1, 17)];
      const count = bits.reduce((a, b) => a + b, 0);
      tables.set(payload[0], buildTable(bits, [...payload.subarray(17, 17 + count)]));
    }
    offset += 2 + length;
    if (marker === 0xda) break;
  }
  // Entropy-coded data up to the next marker that is not a stuffed 0xFF00 or a restart.
  const bytes: number[] = [];
  for (;;) {
    if (offset >= data.length) throw new Error('no EOI marker after the scan');
    const b = data[offset];
    if (b === 0xff) {
      const next = data[offset + 1];
      if (next === 0x00) { bytes.push(0xff); offset += 2; continue; }
      break;
    }
    bytes.push(b);
    offset++;
  }
  if (data[offset] !== 0xff || data[offset + 1] !== 0xd9) throw new Error('scan not followed by EOI');
  segments.push('EOI');
  const bitText = bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
  let position = 0;
  const readSymbol = (table: Table): number => {
    let code = '';
    while (code.length < 16) {
      if (position >= bitText.length) throw new Error('ran out of bits');
      code += bitText[position++];
      const symbol = table.codes.get(code);
      if (symbol !== undefined) return symbol;
    }
    throw new Error(`no Huffman code matches at bit ${position}`);
  };
  const dc = tables.get(0x00);
  const ac = tables.get(0x10);
  if (!dc || !ac) throw new Error('missing Huffman tables');
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let block = 0; block < blocks; block++) {
    const category = readSymbol(dc);
    position += category;
    for (let k = 1; k < 64;) {
      const symbol = readSymbol(ac);
      if (symbol === 0x00) break;
      position += symbol & 0x0f;
      k += (symbol >> 4) + 1;
    }
  }
  // Only 1-bit padding may remain.
  if (/0/.test(bitText.slice(position))) throw new Error('data left after the last block');
  return { width, height, segments, blocksDecoded: blocks, end: offset + 2 };
}
