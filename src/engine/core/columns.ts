/**
 * Append-only columns of numbers stored in fixed-size chunks, so that a run of millions of records grows without
 * copying and wastes at most one chunk of slack (the bench measures bytes per transition including that slack).
 */

const CHUNK_BITS = 16;
export const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

type TypedArrayCtor<T> = { new (n: number): T };

export class ChunkedColumn<T extends Uint32Array | Int32Array | Float64Array | Uint8Array> {
  private readonly chunks: T[] = [];
  constructor(private readonly ctor: TypedArrayCtor<T>) {}

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & MASK];
  }
  set(i: number, v: number): void {
    const c = i >>> CHUNK_BITS;
    while (c >= this.chunks.length) this.chunks.push(new this.ctor(CHUNK));
    this.chunks[c][i & MASK] = v;
  }
  /** The chunk holding index i and the offset inside it, for tight loops that want to avoid per-item shifts. */
  chunkOf(i: number): T {
    return this.chunks[i >>> CHUNK_BITS];
  }
  bytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }
}

export { CHUNK_BITS, MASK as CHUNK_MASK };
