/**
 * A request body kept as it arrives, in order, with tiny chunks copied together: a body trickled in
 * a byte at a time would otherwise hold one Buffer object (about 100 bytes of heap) per byte, a
 * hundred times the body's size.
 */
const TINY_CHUNK_BYTES = 1024;
const GATHER_BYTES = 16 * 1024;
/** The first gather buffer is small (a short line or event must not cost 16 KiB), later ones double. */
const FIRST_GATHER_BYTES = 256;

export class BodyChunks {
  private readonly chunks: Buffer[] = [];
  private gather: Buffer | null = null;
  private gathered = 0;
  private total = 0;

  /** Bytes added so far. */
  get bytes(): number {
    return this.total;
  }

  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (chunk.length >= TINY_CHUNK_BYTES) {
      this.flush();
      this.chunks.push(chunk);
      return;
    }
    if (!this.gather || this.gathered + chunk.length > this.gather.length) {
      this.flush();
      this.gather = Buffer.allocUnsafe(Math.min(GATHER_BYTES, Math.max(FIRST_GATHER_BYTES, chunk.length, this.total)));
    }
    chunk.copy(this.gather, this.gathered);
    this.gathered += chunk.length;
  }

  /** The body so far as one Buffer. */
  concat(): Buffer {
    this.flush();
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
  }

  private flush(): void {
    if (this.gather && this.gathered > 0) this.chunks.push(this.gather.subarray(0, this.gathered));
    this.gather = null;
    this.gathered = 0;
  }
}
