/**
 * Fixed-size records in Store heaps, for the models that keep kernel objects as numbered records (gdrcopy's files,
 * pins and VMAs; /dev/nvidia-uvm's files and VMAs): reads past a heap's end are 0, writes grow the heap and are
 * recorded, and a bitmap of PTEs can have a run of pages set or cleared in a few word writes. A subclass names its
 * heaps and its record layouts; this holds no state of its own beyond the store.
 */
import { popcount32 } from './bits';
import type { Store } from './store';

export abstract class RecordHeaps {
  constructor(
    readonly store: Store,
    /** The heap of header words (counts of each record kind, allocation cursors). */
    readonly hHdr: number,
  ) {}

  protected read(heap: number, i: number): number {
    const h = this.store.heaps[heap];
    return i < h.length ? h[i] : 0;
  }
  protected put(heap: number, i: number, v: number, kind: number, obj: number): void {
    this.store.ensure(heap, i + 1);
    this.store.write(heap, i, v, kind, obj);
  }

  hdr(i: number): number {
    return this.read(this.hHdr, i);
  }
  setHdr(i: number, v: number, kind: number): void {
    this.put(this.hHdr, i, v, kind, i);
  }

  /**
   * Set (present) or clear bits [lo, hi) of the bitmap at word `base` of `heap`, one recorded write per word touched;
   * returns how many bits changed.
   */
  protected setBitRange(heap: number, base: number, lo: number, hi: number, present: boolean, kind: number, obj: number): number {
    let changed = 0;
    for (let p = lo; p < hi; ) {
      const w = p >>> 5;
      const end = Math.min(hi, (w + 1) * 32);
      const span = end - p;
      const bits = (span === 32 ? 0xffffffff : ((1 << span) - 1) << (p & 31)) >>> 0;
      const before = this.read(heap, base + w);
      changed += popcount32((present ? bits & ~before : bits & before) >>> 0);
      if (present) this.store.setBits(heap, base + w, bits, kind, obj);
      else this.store.clearBits(heap, base + w, bits, kind, obj);
      p = end;
    }
    return changed;
  }
}
