/**
 * x86-64 4-level page tables of the processes (arch/x86: PGD → PUD → PMD → PTE, 512 entries each, 9 bits per level,
 * 48-bit VA). Each table is a record in the `mm.pgtables` heap and occupies one 4 KiB frame of system RAM (PageTable)
 * from mem_map, as pte_alloc_one / pmd_alloc_one / pud_alloc_one allocate it. Tables are made lazily on the fault
 * path (__pud_alloc, __pmd_alloc, __pte_alloc) and kept. Simplification: free_pgtables after munmap is not modelled;
 * empty tables stay until the model ends (they cost no PTE and no invariant depends on them being freed).
 * No huge pages: every mapping is a 4 KiB PTE.
 *
 * Layout: HEADER words, then TABLE_WORDS per table: T_MM (mm + 1), T_LEVEL (4 PGD … 1 PTE), T_PARENT (table + 1),
 * T_INDEX (entry in the parent), T_COUNT (non-zero entries), T_PFN (the frame holding it), then 512 entries. A
 * directory entry holds the child table + 1; a PTE entry holds a cpu/pte.ts value.
 */

import type { Store } from '../core/store';
import { MK } from './kinds';
import { MemMap, PG } from './memmap';
import { pteNone } from './pte';

export const LEVEL_PGD = 4;
export const LEVEL_PTE = 1;
export const LEVEL_NAMES = ['', 'PTE', 'PMD', 'PUD', 'PGD'];
export const ENTRIES = 512;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** VA bytes one entry of a level covers: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
const ENTRY_SPAN = [0, 1, 2, 3, 4, 5].map((l) => (l === 0 ? 0 : PAGE_SIZE * 2 ** (9 * (l - 1))));
export function entrySpan(level: number): number {
  return ENTRY_SPAN[level];
}
export function entryIndex(level: number, va: number): number {
  return Math.floor(va / entrySpan(level)) % ENTRIES;
}

export const T_MM = 0;
export const T_LEVEL = 1;
export const T_PARENT = 2;
export const T_INDEX = 3;
export const T_COUNT = 4;
export const T_PFN = 5;
export const T_ENTRIES = 8;
export const TABLE_WORDS = T_ENTRIES + ENTRIES;
const H_COUNT = 0;
const HEADER = 2;

export class PageTables {
  readonly heap: number;

  constructor(
    readonly store: Store,
    readonly mem: MemMap,
  ) {
    this.heap = store.addHeap('mm.pgtables', 'u32', HEADER);
  }

  count(): number {
    return this.store.u32(this.heap)[H_COUNT];
  }
  word(t: number, w: number): number {
    return this.store.u32(this.heap)[HEADER + t * TABLE_WORDS + w];
  }
  entry(t: number, i: number): number {
    return this.word(t, T_ENTRIES + i);
  }
  /** Heap word of entry i of table t (what a PTE transition's idx names). */
  entryWord(t: number, i: number): number {
    return HEADER + t * TABLE_WORDS + T_ENTRIES + i;
  }
  private setWord(t: number, w: number, v: number): void {
    this.store.write(this.heap, HEADER + t * TABLE_WORDS + w, v >>> 0, MK.pgtable, t);
  }

  /** Allocate a zeroed table page of `level` hanging from (parent, index); parent -1 for a PGD. */
  alloc(mm: number, level: number, parent: number, index: number): number {
    const t = this.count();
    this.store.ensure(this.heap, HEADER + (t + 1) * TABLE_WORDS);
    this.store.write(this.heap, H_COUNT, t + 1, MK.pgtable, t);
    const pfn = this.mem.alloc();
    this.mem.setFlag(pfn, PG.table);
    this.setWord(t, T_MM, mm + 1);
    this.setWord(t, T_LEVEL, level);
    this.setWord(t, T_PARENT, parent + 1);
    this.setWord(t, T_INDEX, index);
    this.setWord(t, T_PFN, pfn);
    if (parent >= 0) {
      this.setWord(parent, T_ENTRIES + index, t + 1);
      this.setWord(parent, T_COUNT, this.word(parent, T_COUNT) + 1);
    }
    this.store.event(MK.pgtableAlloc, t, mm, level, pfn);
    return t;
  }

  /** The PTE table covering `va` under `pgd`, or -1 (a pure walk). */
  pteTable(pgd: number, va: number): number {
    let t = pgd;
    for (let level = LEVEL_PGD; level > LEVEL_PTE; level--) {
      t = this.entry(t, entryIndex(level, va)) - 1;
      if (t < 0) return -1;
    }
    return t;
  }

  /** The PTE table covering `va`, allocating the PUD, PMD and PTE tables that are missing. */
  ensurePteTable(mm: number, pgd: number, va: number): number {
    let t = pgd;
    for (let level = LEVEL_PGD; level > LEVEL_PTE; level--) {
      const i = entryIndex(level, va);
      let child = this.entry(t, i) - 1;
      if (child < 0) child = this.alloc(mm, level - 1, t, i);
      t = child;
    }
    return t;
  }

  /** The PTE value for `va` (0 when no table covers it). */
  get(pgd: number, va: number): number {
    const t = this.pteTable(pgd, va);
    return t < 0 ? 0 : this.entry(t, entryIndex(LEVEL_PTE, va));
  }

  /** set_pte_at / pte_clear: write a PTE word, keeping the table's count of used entries. */
  setPte(t: number, i: number, v: number): void {
    const before = this.entry(t, i);
    if (before === v) return;
    this.store.write(this.heap, this.entryWord(t, i), v >>> 0, MK.pte, t);
    if (pteNone(before) !== pteNone(v)) this.setWord(t, T_COUNT, this.word(t, T_COUNT) + (pteNone(v) ? -1 : 1));
  }

  /**
   * Every non-none PTE with start <= va < end under `pgd`, in address order: fn(va, table, index, pte). Skips
   * absent directories whole, so a sparse walk costs what is mapped.
   */
  forEachPte(pgd: number, start: number, end: number, fn: (va: number, t: number, i: number, pte: number) => void): void {
    const walk = (t: number, level: number, base: number): void => {
      const span = entrySpan(level);
      const first = Math.max(0, Math.floor((start - base) / span));
      for (let i = first; i < ENTRIES; i++) {
        const lo = base + i * span;
        if (lo >= end) return;
        if (lo + span <= start) continue;
        const e = this.entry(t, i);
        if (e === 0) continue;
        if (level === LEVEL_PTE) fn(lo, t, i, e);
        else walk(e - 1, level - 1, lo);
      }
    };
    walk(pgd, LEVEL_PGD, 0);
  }

  /** Tables of one mm (for invariants and views). */
  tablesOf(mm: number): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.count(); t++) if (this.word(t, T_MM) === mm + 1) out.push(t);
    return out;
  }
}
