/**
 * The UVM model's state: one va_space (uvm_va_space.h) holding the scenario's managed regions as va_ranges, each cut
 * into 2 MiB va_blocks, plus per-GPU physical memory (PMM) and page trees. All of it lives in Store heaps; this class
 * knows where, and offers the small recorded mutations the kernel paths are written with.
 */

import { PageMask, WORDS_PER_BLOCK_MASK as MW } from '../core/bits';
import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import type { Scenario } from '../scenario/types';
import { PAGE_SIZE } from '../scenario/types';
import { BlockLayout } from './layout';
import { K } from './kinds';
import { CLOCK_WORD, SCALAR_WORDS, counterWord, type CounterName } from './counters';

export const BLOCK_SIZE = 2 * 1024 * 1024; // UVM_VA_BLOCK_SIZE (uvm_va_block_types.h)
export const PAGES_PER_BLOCK = BLOCK_SIZE / PAGE_SIZE; // 512
export const BIG_PAGE_SIZE = 64 * 1024; // UVM_BIG_PAGE_SIZE
export const PAGES_PER_BIG_PAGE = BIG_PAGE_SIZE / PAGE_SIZE; // 16
/** Where the first managed range starts: 2 MiB aligned, in the user half of a 57-bit GPU VA (see docs/model.md). */
export const VA_BASE = 0x7f0000000000;

/** va_range policy words (uvm_va_policy.h), one record per region. */
export const POLICY_READ_DUP = 0; // 0 unset, 1 enabled, 2 disabled
export const POLICY_PREFERRED = 1; // preferred location proc + 1, 0 = none
export const POLICY_ACCESSED_BY = 2; // bit per proc
export const POLICY_WORDS = 4;

export interface RegionInfo {
  index: number;
  name: string;
  firstBlock: number;
  blocks: number;
  pages: number;
  va: number;
}

export class Model {
  readonly layout: BlockLayout;
  readonly gpus: number;
  readonly procs: number;
  readonly regions: RegionInfo[] = [];
  /** Region index of each block. */
  readonly blockRegion: Uint32Array;
  /** Pages in each block (512 except possibly a region's last block). */
  readonly blockPages: Uint16Array;
  readonly blockVa: Float64Array;
  readonly nBlocks: number;

  readonly hBlocks: number;
  readonly hRegions: number;
  readonly hScalars: number;
  /** Per GPU (index gpu - 1): PMM heap, page-table heap. */
  readonly hPmm: number[] = [];
  readonly hPageTables: number[] = [];
  readonly hThrash: number;
  readonly hThrashTime: number;
  /** Per block: the time of its last migration event (block_thrashing->last_time_stamp). */
  readonly hBlockTime: number;
  /** Root chunks per GPU. */
  readonly rootChunks: number[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly store: Store,
    readonly steps: StepTable,
  ) {
    this.gpus = scenario.machine.gpus.length;
    this.procs = this.gpus + 1;
    this.layout = new BlockLayout(this.gpus);
    let block = 0;
    let va = VA_BASE;
    for (const r of scenario.regions) {
      const pages = Math.ceil(r.size / PAGE_SIZE);
      // UVM va_ranges: managed allocations, and for a file the managed range GAIA's gmmap shares it through
      // (cudaMallocManaged of the file's size, mapped onto the file by UVM_MAP_VMA_RANGE)
      const inUvm = r.kind === 'managed' || r.kind === 'file';
      const blocks = inUvm ? Math.ceil(pages / PAGES_PER_BLOCK) : 0;
      this.regions.push({ index: r.index, name: r.name, firstBlock: block, blocks, pages, va: inUvm ? va : 0 });
      block += blocks;
      // next range starts on the next 2 MiB boundary after a one-block guard gap
      if (inUvm) va += (blocks + 1) * BLOCK_SIZE;
    }
    this.nBlocks = block;
    this.blockRegion = new Uint32Array(block);
    this.blockPages = new Uint16Array(block);
    this.blockVa = new Float64Array(block);
    for (const r of this.regions) {
      for (let b = 0; b < r.blocks; b++) {
        const id = r.firstBlock + b;
        this.blockRegion[id] = r.index;
        // cudaMallocManaged hands out VA in whole 2 MiB granules, and the driver's va_range (so its last va_block)
        // covers the granule, not just the bytes asked for: captures show 2 MiB-aligned allocations that abut, and a
        // 16 KiB allocation whose first GPU touch also prefetches the 48 KiB after it (docs/model.md, "Managed
        // allocations"). A file's range is the file's size (GAIA's gmmap), so its last block stays partial.
        const managed = this.scenario.regions[r.index].kind === 'managed';
        this.blockPages[id] = managed ? PAGES_PER_BLOCK : Math.min(PAGES_PER_BLOCK, r.pages - b * PAGES_PER_BLOCK);
        this.blockVa[id] = r.va + b * BLOCK_SIZE;
      }
    }
    this.hBlocks = store.addHeap('blocks', 'u32', this.nBlocks * this.layout.stride);
    this.hRegions = store.addHeap('regions', 'u32', this.regions.length * POLICY_WORDS);
    this.hScalars = store.addHeap('scalars', 'f64', SCALAR_WORDS);
    for (let g = 1; g <= this.gpus; g++) {
      this.rootChunks.push(Math.floor(scenario.machine.gpus[g - 1].memory / BLOCK_SIZE));
      this.hPmm.push(store.addHeap(`pmm.gpu${g}`, 'u32', 0));
      this.hPageTables.push(store.addHeap(`pagetables.gpu${g}`, 'u32', 0));
    }
    this.hThrash = store.addHeap('thrashing', 'u32', 0);
    this.hThrashTime = store.addHeap('thrashing.time', 'f64', 0);
    this.hBlockTime = store.addHeap('blocks.time', 'f64', this.nBlocks);
  }

  get blocks(): Uint32Array {
    return this.store.u32(this.hBlocks);
  }

  gpuName(proc: number): string {
    return proc === 0 ? 'cpu' : this.scenario.machine.gpus[proc - 1].name;
  }

  // ---- clock and counters ----
  now(): number {
    return this.store.f64(this.hScalars)[CLOCK_WORD];
  }
  /** Advance simulated time; always the transition right after the event it pays for. */
  spend(ns: number): void {
    if (ns <= 0) return;
    this.store.write(this.hScalars, CLOCK_WORD, this.now() + ns, K.clock, 0);
  }
  /** Move the clock forward to `t` if it is behind (waiting for a throttle to end, say). */
  advanceTo(t: number): void {
    if (t > this.now()) this.store.write(this.hScalars, CLOCK_WORD, t, K.clock, 0);
  }
  count(name: CounterName, by = 1): void {
    const w = counterWord(name);
    this.store.write(this.hScalars, w, this.store.f64(this.hScalars)[w] + by, K.counter, w);
  }
  counter(name: CounterName): number {
    return this.store.f64(this.hScalars)[counterWord(name)];
  }

  // ---- region policy ----
  policy(region: number, word: number): number {
    return this.store.u32(this.hRegions)[region * POLICY_WORDS + word];
  }
  setPolicy(region: number, word: number, value: number): void {
    this.store.write(this.hRegions, region * POLICY_WORDS + word, value >>> 0, K.regionPolicy, region);
  }
  preferredLocation(region: number): number {
    return this.policy(region, POLICY_PREFERRED) - 1; // -1 when unset
  }
  readDupEnabled(region: number): boolean {
    return this.policy(region, POLICY_READ_DUP) === 1;
  }
  accessedBy(region: number): number {
    return this.policy(region, POLICY_ACCESSED_BY);
  }

  // ---- block masks ----
  /** Read a heap mask (base word) into a fresh PageMask. */
  readMask(base: number, pages = PAGES_PER_BLOCK): PageMask {
    const m = new PageMask(pages);
    const a = this.blocks;
    for (let w = 0; w < m.words.length; w++) m.words[w] = a[base + w];
    return m;
  }

  /** Set (or clear) the pages of `mask` in the heap mask at `base`, recording one transition per changed word. */
  writeMask(base: number, mask: PageMask, set: boolean, kind: number, block: number): void {
    const s = this.store;
    for (let w = 0; w < MW && w < mask.words.length; w++) {
      const bits = mask.words[w];
      if (bits === 0) continue;
      if (set) s.setBits(this.hBlocks, base + w, bits, kind, block);
      else s.clearBits(this.hBlocks, base + w, bits, kind, block);
    }
  }

  isResident(block: number, proc: number, page: number): boolean {
    const a = this.blocks;
    const base = this.layout.residentBase(block, proc);
    return ((a[base + (page >>> 5)] >>> (page & 31)) & 1) === 1;
  }
  isMapped(block: number, proc: number, prot: number, page: number): boolean {
    const a = this.blocks;
    const base = this.layout.mappedBase(block, proc, prot);
    return ((a[base + (page >>> 5)] >>> (page & 31)) & 1) === 1;
  }

  /** Processors holding page `page` of `block`, as a bit mask over proc ids. */
  residentProcs(block: number, page: number): number {
    let m = 0;
    for (let p = 0; p < this.procs; p++) if (this.isResident(block, p, page)) m |= 1 << p;
    return m;
  }

  blockWord(block: number, field: number, gpu = 1): number {
    return this.blocks[this.layout.word(block, field, gpu)];
  }
  setBlockWord(block: number, field: number, value: number, kind: number, gpu = 1): void {
    this.store.write(this.hBlocks, this.layout.word(block, field, gpu), value >>> 0, kind, block);
  }

  regionOfBlock(block: number): RegionInfo {
    return this.regions[this.blockRegion[block]];
  }

  /** Block and page-in-block of page `page` of region `region`. */
  locate(region: number, page: number): { block: number; page: number } {
    const r = this.regions[region];
    const b = page >>> 9;
    return { block: r.firstBlock + b, page: page & (PAGES_PER_BLOCK - 1) };
  }

  /** Mask of all pages of a block. */
  fullMask(block: number): PageMask {
    const m = new PageMask(PAGES_PER_BLOCK);
    m.setRange(0, this.blockPages[block]);
    return m;
  }

}
