/**
 * The memory panels' views of the model at the run's cursor, beyond views.ts: every region's pages (managed, file,
 * anonymous, device) as one byte per page and processor, the GPU PTE that maps each page (aperture and page size),
 * a file's page-cache state per page; each GPU's root chunks with their split pieces; each GPU page table with the
 * leaf PTEs below it. Pure reads of the heaps, shaped as typed arrays so a million pages stay cheap.
 *
 * Where the page state comes from, per region kind:
 *   - managed: the va_blocks' masks (resident, mapped by protection, read-duplicated, evicted) and PTE sizes;
 *   - file: the same for the UVM range GAIA shares the file through, plus the page cache (radix slots and tags) and
 *     the process's PTEs of its file mapping;
 *   - anonymous: the process's PTEs (present on the CPU, device-private on a GPU) and each HMM mirror's device page
 *     table (what each GPU maps);
 *   - device: a cudaMalloc buffer, resident on its GPU, mapped by the CPU through gdrcopy's BAR1 mapping.
 */

import type { Run } from './run';
import { popcount32, WORDS_PER_BLOCK_MASK as MW } from '../core/bits';
import { PAGES_PER_BIG_PAGE, PAGES_PER_BLOCK } from '../uvm/model';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from '../uvm/layout';
import { HOPPER_LEVELS, LEVEL_PTE_4K, LEVEL_PTE_64K, APERTURE_NAMES } from '../uvm/pagetree';
import { CHUNK_STATE_NAMES, LIST_NAMES, List } from '../uvm/pmm';
import { MAP_SIZE, N_BASE, N_HEIGHT, N_SLOTS, N_TAGS, Tag } from '../pagecache/radix';
import { PteKind, pteKind, ptePfn, pteWritable } from '../cpu/pte';
import { M_DEV, M_MM, DPT_XA_TAG_ATOMIC, DPT_XA_TAG_WRITE, ptIsDevice, ptTag, isDeviceFrame, DEVICE_FRAME_BASE } from '../hmm/state';
import { gdrView } from '../gdr/view';

const PAGE = 4096;

/** Bits of a page's byte per processor (the protocol's PAGE_* values). */
export const MAP_RESIDENT = 1;
export const MAP_READ = 2;
export const MAP_WRITE = 4;
export const MAP_ATOMIC = 8;
export const MAP_EVICTED = 16;
export const MAP_READ_DUP = 32;

/** A GPU's PTE for a page: aperture in bits 0-1, page size in bits 2-3 (the protocol's PTE_* values). */
export const PTE_VID = 1;
export const PTE_SYS = 2;
export const PTE_PEER = 3;
export const PTE_4K = 1 << 2;
export const PTE_64K = 2 << 2;
export const PTE_2M = 3 << 2;

/** A file page's page-cache and process-mapping state (the protocol's CACHE_* values). */
export const CACHE_PRESENT = 1;
export const CACHE_DIRTY = 2;
export const CACHE_WRITEBACK = 4;
export const CACHE_CPU_DIRTY = 8;
export const CACHE_ON_GPU = 16;
export const CACHE_PTE = 32;
export const CACHE_PTE_WRITE = 64;

export interface RegionPages {
  index: number;
  name: string;
  kind: string;
  /** Where the region's pages are addressed: the UVM range, else the process mapping, else the device buffer; 0 if none. */
  va: number;
  /** The process's (CPU) mapping of the region, -1 when it has none (a file not mmapped, a managed range). */
  cpuVa: number;
  pages: number;
  firstBlock: number;
  blocks: number;
  /** pages × procs, page-major, MAP_* bits. */
  state: Uint8Array;
  /** pages × procs, page-major: each GPU's PTE (PTE_* bits); the CPU's byte is 0. Null for device regions. */
  pte: Uint8Array | null;
  /** pages, CACHE_* bits; file regions only. */
  cache: Uint8Array | null;
}

/** Every region's pages at the cursor. */
export function regionPages(run: Run): RegionPages[] {
  return run.ctx.m.regions.map((_, k) => regionPagesOf(run, k));
}

/** One region's pages at the cursor (`k`: its position in the model's regions). */
export function regionPagesOf(run: Run, k: number): RegionPages {
  const m = run.ctx.m;
  const r = m.regions[k];
  const spec = run.scenario.regions[r.index];
  const kind = spec.kind;
  const procs = m.procs;
  const state = new Uint8Array(r.pages * procs);
  const pte = kind === 'device' ? null : new Uint8Array(r.pages * procs);
  const cache = kind === 'file' ? new Uint8Array(r.pages) : null;
  const region: RegionPages = { index: r.index, name: r.name, kind, va: r.va, cpuVa: -1, pages: r.pages, firstBlock: r.blocks ? r.firstBlock : -1, blocks: r.blocks, state, pte, cache };
  if (r.blocks > 0) fillFromBlocks(run, region);
  if (kind === 'file') fillFile(run, region);
  else if (kind === 'anonymous') fillAnonymous(run, region);
  else if (kind === 'device') fillDevice(run, region);
  return region;
}

/** Set `bit` on the pages of a heap mask (word-wise: only set bits cost anything). */
function orMask(a: Uint32Array, base: number, out: Uint8Array, firstPage: number, pages: number, procs: number, proc: number, bit: number): void {
  for (let w = 0; w < MW; w++) {
    let bits = a[base + w];
    if (bits === 0) continue;
    const p0 = w * 32;
    if (bits === 0xffffffff && p0 + 32 <= pages) {
      for (let k = 0; k < 32; k++) out[(firstPage + p0 + k) * procs + proc] |= bit;
      continue;
    }
    while (bits !== 0) {
      const low = bits & -bits;
      const pg = p0 + 31 - Math.clz32(low);
      if (pg < pages) out[(firstPage + pg) * procs + proc] |= bit;
      bits = (bits ^ low) >>> 0;
    }
  }
}

function fillFromBlocks(run: Run, region: RegionPages): void {
  for (let b = 0; b < region.blocks; b++) fillBlock(run, region.firstBlock + b, region.state, region.pte, b * PAGES_PER_BLOCK);
}

/**
 * One va_block's pages, as fillFromBlocks writes them into a region's arrays: `state` and `pte` (pages × procs,
 * page-major, zeroed by the caller) get the block's first page at page `at`. What a managed page shows depends on its
 * block's words of the `blocks` heap only (and the block's page count, fixed), so a block the log did not touch
 * between two steps shows the same bytes at both (the memory map's deltas rest on this).
 */
export function fillBlock(run: Run, block: number, state: Uint8Array, pte: Uint8Array | null, at: number): void {
  const m = run.ctx.m;
  const L = m.layout;
  const a = m.blocks;
  const procs = m.procs;
  const first = at;
  const pages = m.blockPages[block];
  for (let p = 0; p < procs; p++) {
    orMask(a, L.residentBase(block, p), state, first, pages, procs, p, MAP_RESIDENT);
    orMask(a, L.mappedBase(block, p, PROT_READ), state, first, pages, procs, p, MAP_READ);
    orMask(a, L.mappedBase(block, p, PROT_WRITE), state, first, pages, procs, p, MAP_WRITE);
    orMask(a, L.mappedBase(block, p, PROT_ATOMIC), state, first, pages, procs, p, MAP_ATOMIC);
    if (p > 0) orMask(a, L.evictedBase(block, p), state, first, pages, procs, p, MAP_EVICTED);
  }
  for (let p = 0; p < procs; p++) orMask(a, L.readDupBase(block), state, first, pages, procs, p, MAP_READ_DUP);
  if (!pte) return;
  // each GPU's PTE per mapped page (block_gpu_compute_new_pte_state's choice, kept as pte2m and bigPtes)
  const pte2m = m.blockWord(block, L.pte2m);
  for (let g = 1; g < procs; g++) {
    const whole = (pte2m & (1 << (g - 1))) !== 0;
    const big = m.blockWord(block, L.bigPtes, g);
    for (let pg = 0; pg < pages; pg++) {
      const i = first + pg;
      const s = state[i * procs + g];
      if (!(s & MAP_READ)) continue;
      const size = whole ? PTE_2M : (big >>> (pg / PAGES_PER_BIG_PAGE)) & 1 ? PTE_64K : PTE_4K;
      const ap = s & MAP_RESIDENT ? PTE_VID : state[i * procs] & MAP_RESIDENT ? PTE_SYS : PTE_PEER;
      pte[i * procs + g] = size | ap;
    }
  }
}

function fillFile(run: Run, region: RegionPages): void {
  const linux = run.platform?.linux;
  const cache = region.cache!;
  if (!linux) return;
  const f = linux.fileOf[region.index];
  const pc = linux.cpu.pc;
  const rx = pc.radix;
  const tagBits: [number, number][] = [
    [Tag.dirty, CACHE_DIRTY],
    [Tag.writeback, CACHE_WRITEBACK],
    [Tag.cpuDirty, CACHE_CPU_DIRTY],
    [Tag.onGpu, CACHE_ON_GPU],
  ];
  if (f >= 0) {
    for (const n of pc.nodesOf(f)) {
      if (rx.node(n, N_HEIGHT) !== 1) continue;
      const base = rx.node(n, N_BASE);
      for (let s = 0; s < MAP_SIZE; s++) {
        const i = base + s;
        if (i >= region.pages) break;
        let v = rx.node(n, N_SLOTS + s) !== 0 ? CACHE_PRESENT : 0;
        for (const [tag, bit] of tagBits) if ((rx.node(n, N_TAGS + tag * 2 + (s >>> 5)) >>> (s & 31)) & 1) v |= bit;
        cache[i] |= v;
      }
    }
  }
  const v = linux.fileVma(region.index);
  if (v < 0) return;
  const mm = linux.cpu.mm;
  region.cpuVa = mm.vmas.start(v);
  if (!region.va) region.va = region.cpuVa;
  mm.forEachPresent(linux.mm, v, (va, e) => {
    const i = mm.fileIndex(v, va);
    if (i >= 0 && i < region.pages) cache[i] |= CACHE_PTE | (pteWritable(e) ? CACHE_PTE_WRITE : 0);
  });
}

function fillAnonymous(run: Run, region: RegionPages): void {
  const linux = run.platform?.linux;
  if (!linux) return;
  const v = linux.anonVmaOf[region.index];
  if (v < 0) return;
  const mm = linux.cpu.mm;
  const procs = run.ctx.m.procs;
  const { state, pte } = region;
  const start = mm.vmas.start(v);
  const end = start + region.pages * PAGE;
  region.cpuVa = start;
  region.va = start;
  const hmm = run.platform?.hmm ?? null;
  const deviceOf = (devPfn: number): number => (hmm ? hmm.st.deviceOf(devPfn) : 0);
  mm.tables.forEachPte(mm.pgd(linux.mm), start, end, (va, _t, _i, e) => {
    const i = Math.floor((va - start) / PAGE);
    const k = pteKind(e);
    if (k === PteKind.present) {
      state[i * procs] |= MAP_RESIDENT | MAP_READ | (pteWritable(e) ? MAP_WRITE | MAP_ATOMIC : 0);
    } else if (k === PteKind.devicePrivate) {
      const d = deviceOf(ptePfn(e));
      if (d > 0 && d < procs) state[i * procs + d] |= MAP_RESIDENT;
    } else if (k === PteKind.migration) {
      // the data is still where the migration entry's frame says until the migration finishes
      const frame = ptePfn(e);
      const d = isDeviceFrame(frame) ? deviceOf(frame - DEVICE_FRAME_BASE) : 0;
      if (d >= 0 && d < procs) state[i * procs + d] |= MAP_RESIDENT;
    }
  });
  if (!hmm || !pte) return;
  const lo = Math.floor(start / PAGE);
  for (let mi = 0; mi < hmm.st.mirrorCount(); mi++) {
    if (hmm.st.mirror(mi, M_MM) !== linux.mm + 1) continue;
    const d = hmm.st.mirror(mi, M_DEV);
    if (d <= 0 || d >= procs) continue;
    hmm.forEachPt(mi, lo, lo + region.pages, (vpfn, e) => {
      const i = vpfn - lo;
      const tag = ptTag(e);
      const prot = tag === DPT_XA_TAG_WRITE ? MAP_READ | MAP_WRITE : tag === DPT_XA_TAG_ATOMIC ? MAP_READ | MAP_WRITE | MAP_ATOMIC : MAP_READ;
      state[i * procs + d] |= prot;
      pte[i * procs + d] = PTE_4K | (ptIsDevice(e) ? PTE_VID : PTE_SYS);
    });
  }
}

function fillDevice(run: Run, region: RegionPages): void {
  const p = run.platform;
  if (!p?.gdr) return;
  const buffer = p.bufferOf[region.index];
  if (buffer < 0) return;
  const view = gdrView(p.gdr);
  const buf = view.buffers[buffer];
  if (!buf) return;
  const procs = run.ctx.m.procs;
  const { state } = region;
  region.va = buf.va;
  if (!buf.freed && buf.gpu > 0 && buf.gpu < procs) for (let i = 0; i < region.pages; i++) state[i * procs + buf.gpu] |= MAP_RESIDENT | MAP_READ | MAP_WRITE | MAP_ATOMIC;
  // the CPU maps the buffer through BAR1 where a live gdrcopy mapping of process 1 has present PTEs
  for (const vma of view.vmas) {
    if (!vma.live || vma.process !== 0 || vma.mr < 0) continue;
    const mr = view.mrs[vma.mr];
    if (!mr || mr.buffer !== buffer) continue;
    if (region.cpuVa < 0) region.cpuVa = vma.start;
    const first = Math.floor((mr.va - buf.va) / PAGE);
    for (const [lo, hi] of vma.present) {
      for (let k = lo; k < hi; k++) {
        const i = first + k;
        if (i >= 0 && i < region.pages) state[i * procs] |= MAP_READ | MAP_WRITE;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PMM: root chunks with what views.ts leaves out (the 64 KiB pieces of a split user chunk, the 4 KiB pieces of a
// kernel chunk, how much of its owner block is resident).

/**
 * Where uvm/pmm.ts keeps a chunk's words (its private layout, read here without changing that file):
 * HEADER words, then CHUNK_WORDS per chunk; the pieces word and the kernel-chunk header words.
 * test/hosts/memory-views.test.ts checks these against Pmm's own accessors.
 */
const PMM_HEADER = 16;
const PMM_CHUNK_WORDS = 8;
const PMM_C_SUBS = 6;
const PMM_H_KERNEL_CHUNK = 9;
const PMM_H_KERNEL_USED = 10;
const PMM_C_STATE = 0;
const KERNEL_PIECES = 512;

export interface ChunkDetail {
  chunk: number;
  state: string;
  type: 'user' | 'kernel';
  /** The va_block it backs, -1 for none. */
  owner: number;
  list: string;
  /** A split user chunk: bit k = its 64 KiB piece k is in use. 0 otherwise. */
  pieces: number;
  /** A kernel chunk: 4 KiB pieces handed out to page tables (0..512). */
  kernelPieces: number;
  /** Pages of the owner block resident on this GPU (0..512). */
  resident: number;
}

export interface PmmDetail {
  gpu: number;
  rootChunks: number;
  fromPma: number;
  chunks: ChunkDetail[];
  lists: Record<'free' | 'unused' | 'discarded' | 'used', number[]>;
}

/** Raw chunk state word (for tests that check the layout above against Pmm's accessors). */
export function pmmStateWord(run: Run, gpu: number, chunk: number): number {
  const h = run.ctx.store.u32(run.ctx.m.hPmm[gpu - 1]);
  const i = PMM_HEADER + chunk * PMM_CHUNK_WORDS + PMM_C_STATE;
  return i < h.length ? h[i] : 0;
}

export function pmmDetail(run: Run, gpu: number): PmmDetail {
  const { m } = run.ctx;
  if (!Number.isInteger(gpu) || gpu < 1 || gpu > m.gpus) throw new RangeError(`no GPU ${gpu}`);
  const pmm = run.ctx.pmmOf(gpu);
  const h = run.ctx.store.u32(m.hPmm[gpu - 1]);
  const word = (i: number) => (i < h.length ? h[i] : 0);
  const kernelNow = word(PMM_H_KERNEL_CHUNK) - 1;
  const kernelUsed = word(PMM_H_KERNEL_USED);
  const L = m.layout;
  const chunks: ChunkDetail[] = [];
  const lists = { free: [] as number[], unused: [] as number[], discarded: [] as number[], used: [] as number[] };
  for (let c = 0; c < pmm.pmaNext(); c++) {
    const type = pmm.type(c) === 1 ? ('kernel' as const) : ('user' as const);
    const state = CHUNK_STATE_NAMES[pmm.state(c)];
    const owner = pmm.owner(c);
    let resident = 0;
    if (owner >= 0 && owner < m.nBlocks) {
      const base = L.residentBase(owner, gpu);
      for (let w = 0; w < MW; w++) resident += popcount32(m.blocks[base + w]);
    }
    const subs = word(PMM_HEADER + c * PMM_CHUNK_WORDS + PMM_C_SUBS);
    chunks.push({
      chunk: c,
      state,
      type,
      owner,
      list: LIST_NAMES[pmm.list(c)],
      pieces: type === 'user' && state === 'is_split' ? subs >>> 0 : 0,
      kernelPieces: type === 'kernel' && state === 'is_split' ? (c === kernelNow ? kernelUsed : KERNEL_PIECES) : 0,
      resident,
    });
  }
  // the lists head to tail, as the driver walks them for eviction
  lists.free = pmm.listChunks(List.free);
  lists.unused = pmm.listChunks(List.unused);
  lists.discarded = pmm.listChunks(List.discarded);
  lists.used = pmm.listChunks(List.used);
  return { gpu, rootChunks: pmm.rootChunks, fromPma: pmm.pmaNext(), chunks, lists };
}

// ---------------------------------------------------------------------------------------------------------------
// The GPU page tree with its leaves: which va_blocks each table serves and the PTEs below it.

export interface PageTableDetail {
  id: number;
  level: string;
  depth: number;
  parent: number;
  index: number;
  aperture: string;
  bytes: number;
  /** First VA the table covers, and how many bytes. */
  va: number;
  span: number;
  entries: number;
  /** Entries in use: child tables of a directory (plus its 2M PTEs for a PDE0), valid PTEs of a PTE table. */
  used: number;
  /** Valid leaf PTEs in or below this table by page size, and by the aperture they point to. */
  pte4k: number;
  pte64k: number;
  pte2m: number;
  vid: number;
  sys: number;
  /** The va_block a PTE table serves, -1 for directories. */
  block: number;
}

export interface PageTreeDetail {
  gpu: number;
  levels: string[];
  tables: PageTableDetail[];
}

export function pageTreeDetail(run: Run, gpu: number): PageTreeDetail {
  const { m } = run.ctx;
  if (!Number.isInteger(gpu) || gpu < 1 || gpu > m.gpus) throw new RangeError(`no GPU ${gpu}`);
  const tree = run.ctx.treeOf(gpu);
  const L = m.layout;
  const tables: PageTableDetail[] = [];
  for (let id = 0; id < tree.count(); id++) {
    const t = tree.table(id);
    const lv = HOPPER_LEVELS[t.level];
    const coverShift = t.level === 0 ? 57 : t.level === LEVEL_PTE_4K || t.level === LEVEL_PTE_64K ? 21 : HOPPER_LEVELS[t.level - 1].shift;
    tables.push({
      id,
      level: lv.name,
      depth: t.level === LEVEL_PTE_64K ? LEVEL_PTE_4K : t.level,
      parent: t.parent,
      index: t.index,
      aperture: APERTURE_NAMES[t.aperture],
      bytes: lv.tableBytes,
      va: t.key * 2 ** coverShift,
      span: 2 ** coverShift,
      entries: lv.entries,
      used: 0,
      pte4k: 0,
      pte64k: 0,
      pte2m: 0,
      vid: 0,
      sys: 0,
      block: -1,
    });
  }
  for (const t of tables) if (t.parent >= 0 && tables[t.parent]) tables[t.parent].used++;
  // leaf PTEs per block, credited to the table holding them and to every directory above it
  const credit = (id: number, size: 0 | 1 | 2, vid: number, sys: number, count: number) => {
    for (let k = id; k >= 0; k = tables[k].parent) {
      const t = tables[k];
      if (size === 0) t.pte4k += count;
      else if (size === 1) t.pte64k += count;
      else t.pte2m += count;
      t.vid += vid;
      t.sys += sys;
    }
  };
  const a = m.blocks;
  for (let block = 0; block < m.nBlocks; block++) {
    const pde0 = m.blockWord(block, L.pde0, gpu) - 1;
    const pt64k = m.blockWord(block, L.pt64k, gpu) - 1;
    const pt4k = m.blockWord(block, L.pt4k, gpu) - 1;
    if (pt64k >= 0 && tables[pt64k]) tables[pt64k].block = block;
    if (pt4k >= 0 && tables[pt4k]) tables[pt4k].block = block;
    if (pde0 < 0) continue;
    const pages = m.blockPages[block];
    const readBase = L.mappedBase(block, gpu, PROT_READ);
    const hereBase = L.residentBase(block, gpu);
    const cpuBase = L.residentBase(block, 0);
    const bit = (base: number, pg: number) => (a[base + (pg >>> 5)] >>> (pg & 31)) & 1;
    if (m.blockWord(block, L.pte2m) & (1 << (gpu - 1))) {
      const vid = bit(hereBase, 0);
      credit(pde0, 2, vid, vid ? 0 : bit(cpuBase, 0), 1);
      if (tables[pde0]) tables[pde0].used++;
      continue;
    }
    const big = m.blockWord(block, L.bigPtes, gpu);
    for (let r = 0; r * PAGES_PER_BIG_PAGE < pages; r++) {
      if (!((big >>> r) & 1) || pt64k < 0) continue;
      const pg = r * PAGES_PER_BIG_PAGE;
      const vid = bit(hereBase, pg);
      credit(pt64k, 1, vid, vid ? 0 : bit(cpuBase, pg), 1);
      tables[pt64k].used++;
    }
    if (pt4k < 0) continue;
    for (let pg = 0; pg < pages; pg++) {
      if (!bit(readBase, pg) || (big >>> (pg / PAGES_PER_BIG_PAGE)) & 1) continue;
      const vid = bit(hereBase, pg);
      credit(pt4k, 0, vid, vid ? 0 : bit(cpuBase, pg), 1);
      tables[pt4k].used++;
    }
  }
  return { gpu, levels: HOPPER_LEVELS.map((l) => l.name), tables };
}
