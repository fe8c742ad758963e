/**
 * The GPU page tree of one GPU, Hopper layout (uvm_hopper_mmu.c): six levels for a 57-bit VA.
 *
 *   depth 0 PDE4  bit 56        2 entries
 *   depth 1 PDE3  bits 55:47  512 entries
 *   depth 2 PDE2  bits 46:38  512 entries
 *   depth 3 PDE1  bits 37:29  512 entries
 *   depth 4 PDE0  bits 28:21  256 dual entries (a big-page and a small-page half), or a 2M PTE
 *   depth 5 PTE   bits 20:16 (64K, 32 entries, 256 B table) or 20:12 (4K, 512 entries, 4 KiB table)
 *
 * Tables are allocated lazily and kept (uvm_page_tree_get_ptes / page_tree_ensure). Where they live follows
 * uvm_mmu.c:page_tree_set_location: vidmem by default, from kernel-type PMM chunks, falling back to sysmem only if
 * the vidmem allocation fails even with eviction.
 *
 * The PTEs themselves are not stored one by one: which PTE size maps each part of a block (pte2m, bigPtes) is
 * state, and each PTE's validity, protection and aperture follow from the block's mapped and resident masks, the way
 * block_gpu_compute_new_pte_state derives them.
 */

import type { Model } from './model';
import { K } from './kinds';

export const Aperture = { none: 0, vid: 1, sys: 2, peer: 3 } as const;
export const APERTURE_NAMES = ['none', 'VID', 'SYS', 'PEER'];

export interface LevelInfo {
  name: string;
  /** Lowest VA bit this level indexes. */
  shift: number;
  entries: number;
  entryBytes: number;
  tableBytes: number;
}

/** Hopper levels (uvm_hopper_mmu.c: index_bits_hopper, entry_size_hopper, allocation_size_hopper). */
export const HOPPER_LEVELS: LevelInfo[] = [
  { name: 'PDE4', shift: 56, entries: 2, entryBytes: 8, tableBytes: 4096 },
  { name: 'PDE3', shift: 47, entries: 512, entryBytes: 8, tableBytes: 4096 },
  { name: 'PDE2', shift: 38, entries: 512, entryBytes: 8, tableBytes: 4096 },
  { name: 'PDE1', shift: 29, entries: 512, entryBytes: 8, tableBytes: 4096 },
  { name: 'PDE0', shift: 21, entries: 256, entryBytes: 16, tableBytes: 4096 },
  { name: 'PTE_4K', shift: 12, entries: 512, entryBytes: 8, tableBytes: 4096 },
  { name: 'PTE_64K', shift: 16, entries: 32, entryBytes: 8, tableBytes: 256 },
];
export const LEVEL_PTE_4K = 5;
export const LEVEL_PTE_64K = 6;

// table record words
const T_LEVEL = 0;
const T_PARENT = 1; // table + 1
const T_INDEX = 2; // entry index in the parent
const T_APERTURE = 3;
const T_PHYS = 4; // kernel piece id (VID) or sysmem page number (SYS)
const T_KEY = 5; // va / 2^(shift of the level above), identifies which table of its level this is
const TABLE_WORDS = 6;
const H_COUNT = 0;
const H_SYS_NEXT = 1;
const HEADER = 2;

const pow2 = (n: number): number => 2 ** n;

export class PageTree {
  private readonly heap: number;
  /** (level, key) -> table id, valid while the run is being recorded (tables are only ever added then). */
  private readonly index = new Map<number, number>();

  constructor(
    private readonly m: Model,
    readonly gpu: number,
  ) {
    this.heap = m.hPageTables[gpu - 1];
    m.store.ensure(this.heap, HEADER);
  }

  private get h(): Uint32Array {
    return this.m.store.u32(this.heap);
  }
  count(): number {
    return this.h[H_COUNT];
  }
  table(id: number): { level: number; parent: number; index: number; aperture: number; phys: number; key: number } {
    const b = HEADER + id * TABLE_WORDS;
    const h = this.h;
    return { level: h[b + T_LEVEL], parent: h[b + T_PARENT] - 1, index: h[b + T_INDEX], aperture: h[b + T_APERTURE], phys: h[b + T_PHYS], key: h[b + T_KEY] };
  }

  /** Key of the table at `level` covering `va`: which table of that level it is. */
  static keyOf(level: number, va: number): number {
    if (level === 0) return 0;
    const coverShift = level === LEVEL_PTE_4K || level === LEVEL_PTE_64K ? 21 : HOPPER_LEVELS[level - 1].shift;
    return Math.floor(va / pow2(coverShift));
  }
  static entryIndex(parentLevel: number, va: number): number {
    const l = HOPPER_LEVELS[parentLevel];
    return Math.floor(va / pow2(l.shift)) % l.entries;
  }

  /**
   * Find or create the table of `level` covering `va`, creating the directories above it first. `allocVid` places a
   * table in vidmem and returns its physical id or -1 (then the table goes to sysmem).
   */
  ensure(level: number, va: number, allocVid: (bytes: number) => number): number {
    const key = PageTree.keyOf(level, va);
    const mapKey = level * 2 ** 40 + key;
    const known = this.index.get(mapKey);
    if (known !== undefined) return known;
    const parentLevel = level === LEVEL_PTE_4K || level === LEVEL_PTE_64K ? 4 : level - 1;
    const parent = level === 0 ? -1 : this.ensure(parentLevel, va, allocVid);
    const bytes = HOPPER_LEVELS[level].tableBytes;
    let phys = allocVid(bytes);
    let aperture: number = Aperture.vid;
    if (phys < 0) {
      aperture = Aperture.sys;
      phys = this.h[H_SYS_NEXT];
      this.m.store.write(this.heap, H_SYS_NEXT, phys + 1, K.pageTable, this.gpu);
    }
    const id = this.count();
    const s = this.m.store;
    const b = HEADER + id * TABLE_WORDS;
    s.ensure(this.heap, b + TABLE_WORDS);
    s.write(this.heap, H_COUNT, id + 1, K.pageTable, this.gpu);
    s.write(this.heap, b + T_LEVEL, level, K.pageTable, id);
    s.write(this.heap, b + T_PARENT, parent + 1, K.pageTable, id);
    s.write(this.heap, b + T_INDEX, level === 0 ? 0 : PageTree.entryIndex(parentLevel, va), K.pageTable, id);
    s.write(this.heap, b + T_APERTURE, aperture, K.pageTable, id);
    s.write(this.heap, b + T_PHYS, phys, K.pageTable, id);
    s.write(this.heap, b + T_KEY, key, K.pageTable, id);
    s.event(K.pageTableAlloc, id, this.gpu, level, aperture);
    this.m.count(aperture === Aperture.vid ? 'page_tables_vid' : 'page_tables_sys');
    this.index.set(mapKey, id);
    return id;
  }
}
