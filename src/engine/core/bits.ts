/**
 * Page masks as runs of 32-bit words inside a Uint32Array heap: the model's equivalent of the driver's
 * `uvm_page_mask_t` (512 bits per 2 MiB va_block). Pure helpers over (array, base word) pairs; every write that
 * must be undoable goes through the Store instead (see store.ts).
 */

export const WORDS_PER_BLOCK_MASK = 16; // 512 pages / 32 bits

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Bits [lo, hi) of word `w` (w counts 32-page words from page 0) as a word-sized mask. */
export function wordRangeMask(w: number, lo: number, hi: number): number {
  const start = Math.max(lo - w * 32, 0);
  const end = Math.min(hi - w * 32, 32);
  if (end <= start) return 0;
  const width = end - start;
  const ones = width === 32 ? 0xffffffff : ((1 << width) - 1) >>> 0;
  return (ones << start) >>> 0;
}

/** Number of set bits among pages [lo, hi) of the mask at `base`. */
/** Whether the heap mask at `base` has no page set among its first `words` words. */
export function heapMaskEmpty(a: Uint32Array, base: number, words = WORDS_PER_BLOCK_MASK): boolean {
  for (let w = 0; w < words; w++) if (a[base + w] !== 0) return false;
  return true;
}

export function countRange(a: ArrayLike<number>, base: number, lo: number, hi: number): number {
  let n = 0;
  for (let w = lo >>> 5; w * 32 < hi; w++) n += popcount32((a[base + w] & wordRangeMask(w, lo, hi)) >>> 0);
  return n;
}

/** A free-standing 512-bit page mask, for computing sets (fault masks, prefetch masks) before they are applied. */
export class PageMask {
  readonly words: Uint32Array;
  constructor(readonly pages: number = 512) {
    this.words = new Uint32Array((pages + 31) >>> 5);
  }
  static of(pages: number, indices: Iterable<number>): PageMask {
    const m = new PageMask(pages);
    for (const i of indices) m.set(i);
    return m;
  }
  set(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }
  clear(i: number): void {
    this.words[i >>> 5] &= ~(1 << (i & 31));
  }
  has(i: number): boolean {
    return ((this.words[i >>> 5] >>> (i & 31)) & 1) === 1;
  }
  setRange(lo: number, hi: number): void {
    for (let w = lo >>> 5; w * 32 < hi; w++) this.words[w] |= wordRangeMask(w, lo, hi);
  }
  count(): number {
    let n = 0;
    for (let w = 0; w < this.words.length; w++) n += popcount32(this.words[w]);
    return n;
  }
  countRange(lo: number, hi: number): number {
    return countRange(this.words, 0, lo, hi);
  }
  isEmpty(): boolean {
    for (let w = 0; w < this.words.length; w++) if (this.words[w] !== 0) return false;
    return true;
  }
  clone(): PageMask {
    const m = new PageMask(this.pages);
    m.words.set(this.words);
    return m;
  }
  or(other: PageMask): this {
    for (let w = 0; w < this.words.length; w++) this.words[w] |= other.words[w];
    return this;
  }
  and(other: PageMask): this {
    for (let w = 0; w < this.words.length; w++) this.words[w] &= other.words[w];
    return this;
  }
  andNot(other: PageMask): this {
    for (let w = 0; w < this.words.length; w++) this.words[w] &= ~other.words[w];
    return this;
  }
  /** Keep only pages also set in the heap mask at (a, base). */
  andHeap(a: Uint32Array, base: number): this {
    for (let w = 0; w < this.words.length; w++) this.words[w] &= a[base + w];
    return this;
  }
  andNotHeap(a: Uint32Array, base: number): this {
    for (let w = 0; w < this.words.length; w++) this.words[w] &= ~a[base + w];
    return this;
  }
  orHeap(a: Uint32Array, base: number): this {
    for (let w = 0; w < this.words.length; w++) this.words[w] |= a[base + w];
    return this;
  }
  /** Whether any page of this mask is set in the heap mask at (a, base). */
  intersectsHeap(a: Uint32Array, base: number): boolean {
    for (let w = 0; w < this.words.length; w++) if ((this.words[w] & a[base + w]) !== 0) return true;
    return false;
  }
  first(): number {
    for (let w = 0; w < this.words.length; w++) {
      const x = this.words[w];
      if (x !== 0) return w * 32 + (31 - Math.clz32(x & -x));
    }
    return -1;
  }
  last(): number {
    for (let w = this.words.length - 1; w >= 0; w--) {
      const x = this.words[w];
      if (x !== 0) return w * 32 + (31 - Math.clz32(x));
    }
    return -1;
  }
  /** The first set page at or after `from`, or `pages` when there is none (whole empty words are skipped). */
  nextSet(from: number): number {
    let w = from >>> 5;
    if (w >= this.words.length) return this.pages;
    let x = (this.words[w] & (-1 << (from & 31))) >>> 0;
    while (x === 0) {
      if (++w >= this.words.length) return this.pages;
      x = this.words[w];
    }
    return Math.min(this.pages, w * 32 + (31 - Math.clz32(x & -x)));
  }
  /** The first clear page at or after `from`, or `pages` when there is none (whole full words are skipped). */
  nextClear(from: number): number {
    let w = from >>> 5;
    if (w >= this.words.length) return this.pages;
    let x = (~this.words[w] & (-1 << (from & 31))) >>> 0;
    while (x === 0) {
      if (++w >= this.words.length) return this.pages;
      x = ~this.words[w] >>> 0;
    }
    return Math.min(this.pages, w * 32 + (31 - Math.clz32(x & -x)));
  }
  /** Calls fn(lo, hi) for each maximal run of set pages, in order. */
  forEachRun(fn: (lo: number, hi: number) => void): void {
    for (let lo = this.nextSet(0); lo < this.pages; ) {
      const hi = this.nextClear(lo);
      fn(lo, hi);
      lo = this.nextSet(hi);
    }
  }
  forEach(fn: (i: number) => void): void {
    for (let w = 0; w < this.words.length; w++) {
      let x = this.words[w];
      while (x !== 0) {
        const low = x & -x;
        fn(w * 32 + (31 - Math.clz32(low)));
        x = (x ^ low) >>> 0;
      }
    }
  }
}
