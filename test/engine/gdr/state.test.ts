import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/engine/core/store';
import { allocBar1Pages, coalesce } from '../../../src/engine/gdr/bar1';
import { GdrState, V_LEN, V_PRESENT } from '../../../src/engine/gdr/state';

describe('the BAR1 allocator', () => {
  it('takes the first hole that holds the whole pin', () => {
    expect(allocBar1Pages([], 8, 3)).toEqual([0, 1, 2]);
    expect(allocBar1Pages([2, 0, 1, 5], 10, 2)).toEqual([3, 4]);
    expect(allocBar1Pages([2, 0, 1, 5], 10, 3)).toEqual([6, 7, 8]);
  });

  it('spreads a pin over the holes, lowest first, only when no single hole is large enough, and fails when BAR1 is full', () => {
    expect(allocBar1Pages([2, 3, 6, 7], 8, 4)).toEqual([0, 1, 4, 5]);
    expect(allocBar1Pages([2, 3, 6, 7], 8, 5)).toBeNull();
  });
});

describe('gdrdrv_mmap\u2019s coalescing', () => {
  it('makes one run per physically contiguous stretch of 64 KiB pages', () => {
    const P = 0x10000;
    expect(coalesce([0, P, 2 * P, 8 * P, 9 * P, 3 * P])).toEqual([
      [0, 3, 0],
      [3, 2, 8 * P],
      [5, 1, 3 * P],
    ]);
    expect(coalesce([])).toEqual([]);
  });
});

describe('a VMA\u2019s PTE bitmap', () => {
  it('sets and clears ranges across word boundaries, keeps the present count and lists the runs', () => {
    const store = new Store();
    const s = new GdrState(store);
    s.setVma(0, V_LEN, 100 * 4096);
    s.allocBits(0, 100);
    expect(s.setPtes(0, 0, 100, true)).toBe(100);
    expect(s.setPtes(0, 10, 40, false)).toBe(30);
    expect(s.setPtes(0, 64, 96, false)).toBe(32);
    expect(s.setPtes(0, 20, 70, false)).toBe(24); // only 40–64 were still there
    expect(s.vma(0, V_PRESENT)).toBe(100 - 30 - 32 - 24);
    expect(s.presentRuns(0)).toEqual([
      [0, 10],
      [96, 100],
    ]);
    expect(s.setPtes(0, 32, 64, true)).toBe(32);
    expect(s.presentRuns(0)).toEqual([
      [0, 10],
      [32, 64],
      [96, 100],
    ]);
  });
});
