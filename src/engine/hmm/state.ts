/**
 * Where the HMM model keeps its state: Store heaps of fixed-size records. This class knows the layout and offers the
 * small recorded writes the paths are made of; it holds no state of its own.
 *
 * Heaps (all ids global, never reused, so an id names the same thing across time travel):
 *  - `hmm.devices` (u32): HEADER (chunk count, mirror count, pt node count) then DEV_WORDS per device 1..N
 *    (struct dmirror_device: free_pages head and length, calloc, cfree, devmem_count, devmem_capacity, pages freed
 *    on a removed chunk).
 *  - `hmm.chunks` (u32): CHUNK_WORDS per chunk (struct dmirror_chunk: device, live/released, remove, first device
 *    page, pages, pages never handed out, pages allocated). Chunk c covers device pages [c·P, (c+1)·P).
 *  - `hmm.pages` (u32): PAGE_WORDS per device page number (devPfn): the ZONE_DEVICE struct page (flags, refcount,
 *    zone_device_data as free-list link or backing rpage, owner mirror = rpage->zone_device_data, rmap mm).
 *  - `hmm.pages.va` (f64): per devPfn, the VA of its rmap (page->index of an anonymous page; VAs pass 2^32).
 *  - `hmm.mirrors` (u32): MIRROR_WORDS per struct dmirror (device, mm, pt root, notifier sequence, faults, entries).
 *  - `hmm.pt` (u32): nodes of the mirrors' `pt` xarrays, NODE_WORDS each: a count and 64 slots.
 *  - `hmm.migrate` (f64): the current struct migrate_vma (ARGS_HEADER words) then src[i], dst[i] interleaved
 *    (src at ARGS_HEADER + 2i, dst at ARGS_HEADER + 2i + 1): the arrays the app shows at every step.
 *
 * Free list. dmirror_allocate_chunk threads every page of a new chunk onto free_pages at once (the last pfn at the
 * head). The model keeps a chunk's never-handed-out pages as a count (C_UNUSED: pages [base, base + unused) are on
 * the list below every page freed later, the highest at the top), so a 256 MiB chunk costs no 65,536 writes; pages
 * freed later are threaded for real through P_NEXT (zone_device_data). The order pages come off the list is the
 * kernel's.
 *
 * Frames. Device pages have numbers 0..2^26-1 (a device-private PTE holds that number). In migrate pfns and in
 * migration entries a device page appears as DEVICE_FRAME_BASE + devPfn: the device range sits above system RAM, as
 * request_free_mem_region places it, so RAM must stay below 2^26 frames (256 GiB) for frames to be unambiguous.
 */

import type { Store } from '../core/store';
import { HK } from './kinds';

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
/** DEVMEM_CHUNK_SIZE of lib/test_hmm.c: 256 MiB. */
export const DEVMEM_CHUNK_SIZE = 256 * 1024 * 1024;
export const DEFAULT_CHUNK_PAGES = DEVMEM_CHUNK_SIZE / PAGE_SIZE;
/** DEVMEM_CHUNKS_RESERVE: devmem_chunks[] grows by this many slots. */
export const DEVMEM_CHUNKS_RESERVE = 16;
/** Entries of src[] / dst[] per migrate_vma window (a 2 MiB window). */
export const MIGRATE_WINDOW_PAGES = 512;

export const DEVICE_FRAME_BASE = 2 ** 26;
export const MAX_DEVICE_PAGES = 2 ** 26;

/** include/linux/migrate.h MIGRATE_PFN_* and migrate_pfn(): (pfn << MIGRATE_PFN_SHIFT) | flags. */
export const MIGRATE_PFN = { valid: 1 << 0, migrate: 1 << 1, write: 1 << 3, compound: 1 << 4 } as const;
export const MIGRATE_PFN_SHIFT = 6;
const MPFN_MUL = 2 ** MIGRATE_PFN_SHIFT;
/** MIGRATE_VMA_SELECT_* (args->flags). */
export const SELECT = { system: 1 << 0, devicePrivate: 1 << 1, deviceCoherent: 1 << 2, compound: 1 << 3 } as const;

export function migratePfn(frame: number): number {
  return frame * MPFN_MUL + MIGRATE_PFN.valid;
}
export function mpfnFrame(v: number): number {
  return Math.floor(v / MPFN_MUL);
}
export function mpfnFlags(v: number): number {
  return v % MPFN_MUL;
}
export function mpfnHas(v: number, flag: number): boolean {
  return (mpfnFlags(v) & flag) !== 0;
}
/** The page a migrate pfn names (migrate_pfn_to_page): -1 when not VALID. */
export function mpfnPage(v: number): number {
  return mpfnHas(v, MIGRATE_PFN.valid) ? mpfnFrame(v) : -1;
}
export function isDeviceFrame(frame: number): boolean {
  return frame >= DEVICE_FRAME_BASE;
}
export function deviceFrame(devPfn: number): number {
  return DEVICE_FRAME_BASE + devPfn;
}
/** Readable form of a src/dst entry, e.g. "dev 5 | VALID MIGRATE WRITE" or "0". */
export function describeMpfn(v: number): string {
  if (v === 0) return '0';
  const f = mpfnFlags(v);
  const names = (['VALID', 'MIGRATE', '', 'WRITE', 'COMPOUND'] as const).filter((n, i) => n && f & (1 << i));
  const frame = mpfnFrame(v);
  const page = !(f & MIGRATE_PFN.valid) ? 'no page' : isDeviceFrame(frame) ? `dev ${frame - DEVICE_FRAME_BASE}` : `pfn ${frame}`;
  return `${page} | ${names.join(' ')}`;
}

// ---- hmm.devices ----
export const G_CHUNKS = 0;
export const G_MIRRORS = 1;
export const G_NODES = 2;
const DEV_HEADER = 4;
export const V_FREE_HEAD = 0; // devPfn + 1 of free_pages (the explicitly threaded part)
export const V_FREE_COUNT = 1; // pages threaded on that list
export const V_CALLOC = 2;
export const V_CFREE = 3;
export const V_COUNT = 4; // devmem_count
export const V_CAPACITY = 5; // devmem_capacity
export const V_GONE = 6; // pages freed while their chunk was being removed (not recycled)
export const DEV_WORDS = 8;

// ---- hmm.chunks ----
export const C_DEV = 0; // device (1..N); 0 = no chunk
export const C_STATE = 1;
export const ChunkState = { none: 0, live: 1, released: 2 } as const;
export const C_REMOVE = 2;
export const C_BASE = 3;
export const C_NPAGES = 4;
export const C_UNUSED = 5;
export const C_ALLOCATED = 6;
export const CHUNK_WORDS = 8;

// ---- hmm.pages ----
export const P_FLAGS = 0;
export const DP = { alloc: 1 << 0, locked: 1 << 1, free: 1 << 2, gone: 1 << 3, mapped: 1 << 4 } as const;
export const DP_NAMES = ['allocated', 'locked', 'free', 'gone', 'mapped'];
export const P_COUNT = 1;
export const P_NEXT = 2; // free_pages link: devPfn + 1
export const P_RPAGE = 3; // backing system pfn + 1
export const P_OWNER = 4; // mirror + 1 (rpage->zone_device_data)
export const P_MM = 5; // rmap: mm + 1 (page->mapping of an anonymous page)
export const PAGE_WORDS = 6;

// ---- hmm.mirrors ----
export const M_DEV = 0;
export const M_MM = 1; // mm + 1
export const M_ROOT = 2; // pt root node + 1
export const M_SEQ = 3; // mmu_interval_notifier invalidate_seq
export const M_FAULTS = 4;
export const M_ENTRIES = 5;
export const MIRROR_WORDS = 6;

// ---- hmm.pt (xarray nodes) ----
export const XA_CHUNK_SHIFT = 6;
export const XA_SLOTS = 1 << XA_CHUNK_SHIFT;
/** Fixed height: 6 levels of 64 slots cover a 36-bit virtual pfn (48-bit VAs). */
export const XA_LEVELS = 6;
export const N_COUNT = 0;
export const N_SLOTS = 2;
export const NODE_WORDS = N_SLOTS + XA_SLOTS;
/** pt entry: bits 0-1 the xarray tag (lib/test_hmm.c DPT_XA_TAG_ATOMIC 1, DPT_XA_TAG_WRITE 3; 0 = read), bit 2 a device page, bit 3 present, frame above. */
export const DPT_XA_TAG_ATOMIC = 1;
export const DPT_XA_TAG_WRITE = 3;
export const PT_DEVICE = 1 << 2;
export const PT_PRESENT = 1 << 3;
export const PT_FRAME_SHIFT = 4;
export function ptEntry(frame: number, device: boolean, tag: number): number {
  return ((frame << PT_FRAME_SHIFT) | PT_PRESENT | (device ? PT_DEVICE : 0) | tag) >>> 0;
}
export function ptFrame(e: number): number {
  return e >>> PT_FRAME_SHIFT;
}
export function ptIsDevice(e: number): boolean {
  return (e & PT_DEVICE) !== 0;
}
export function ptTag(e: number): number {
  return e & 3;
}
export function describePtEntry(e: number): string {
  if (e === 0) return 'none';
  const tag = ptTag(e) === DPT_XA_TAG_WRITE ? 'WRITE' : ptTag(e) === DPT_XA_TAG_ATOMIC ? 'ATOMIC' : 'read';
  return `${ptIsDevice(e) ? 'device page' : 'system pfn'} ${ptFrame(e)} ${tag}`;
}

// ---- hmm.migrate ----
export const A_ACTIVE = 0; // ArgsKind
export const ArgsKind = { none: 0, vma: 1, deviceRange: 2 } as const;
export const A_PHASE = 1; // MigratePhase
export const MigratePhase = { none: 0, setup: 1, allocAndCopy: 2, pages: 3, finalizeAndMap: 4, finalize: 5 } as const;
export const MIGRATE_PHASE_NAMES = ['none', 'setup', 'alloc and copy', 'pages', 'finalize and map', 'finalize'];
export const A_MM = 2; // mm + 1
export const A_START = 3;
export const A_END = 4;
export const A_NPAGES = 5;
export const A_CPAGES = 6;
export const A_OWNER = 7; // pgmap_owner: device (0 = none)
export const A_FLAGS = 8; // SELECT_*
export const A_FAULT_PAGE = 9; // devPfn + 1
export const A_START_PFN = 10; // device range: first device frame
export const ARGS_HEADER = 12;
const HDR_OBJ = 0xffffffff;

export class HmmState {
  readonly hDev: number;
  readonly hChunk: number;
  readonly hPage: number;
  readonly hPageVa: number;
  readonly hMirror: number;
  readonly hPt: number;
  readonly hArgs: number;

  constructor(
    readonly store: Store,
    readonly devices: number,
    readonly chunkPages: number,
  ) {
    this.hDev = store.addHeap('hmm.devices', 'u32', DEV_HEADER + devices * DEV_WORDS);
    this.hChunk = store.addHeap('hmm.chunks', 'u32', 0);
    this.hPage = store.addHeap('hmm.pages', 'u32', 0);
    this.hPageVa = store.addHeap('hmm.pages.va', 'f64', 0);
    this.hMirror = store.addHeap('hmm.mirrors', 'u32', 0);
    this.hPt = store.addHeap('hmm.pt', 'u32', 0);
    this.hArgs = store.addHeap('hmm.migrate', 'f64', ARGS_HEADER);
  }

  private rd(heap: number, i: number): number {
    const h = this.store.heaps[heap];
    return i < h.length ? h[i] : 0;
  }
  private wr(heap: number, i: number, v: number, kind: number, obj: number): void {
    this.store.ensure(heap, i + 1);
    this.store.write(heap, i, v, kind, obj);
  }

  // ---- global ----
  global(g: number): number {
    return this.rd(this.hDev, g);
  }
  setGlobal(g: number, v: number): void {
    this.wr(this.hDev, g, v, HK.hmmDevice, 0);
  }

  // ---- devices (1..N) ----
  dev(d: number, w: number): number {
    return this.rd(this.hDev, DEV_HEADER + (d - 1) * DEV_WORDS + w);
  }
  setDev(d: number, w: number, v: number): void {
    this.wr(this.hDev, DEV_HEADER + (d - 1) * DEV_WORDS + w, v, HK.hmmDevice, d);
  }
  addDev(d: number, w: number, by: number): void {
    this.setDev(d, w, this.dev(d, w) + by);
  }

  // ---- chunks ----
  chunkCount(): number {
    return this.global(G_CHUNKS);
  }
  chunk(c: number, w: number): number {
    return this.rd(this.hChunk, c * CHUNK_WORDS + w);
  }
  setChunk(c: number, w: number, v: number): void {
    this.wr(this.hChunk, c * CHUNK_WORDS + w, v, HK.hmmChunk, c);
  }
  chunkOf(devPfn: number): number {
    return Math.floor(devPfn / this.chunkPages);
  }
  deviceOf(devPfn: number): number {
    return this.chunk(this.chunkOf(devPfn), C_DEV);
  }

  // ---- device pages ----
  page(p: number, w: number): number {
    return this.rd(this.hPage, p * PAGE_WORDS + w);
  }
  setPage(p: number, w: number, v: number): void {
    this.wr(this.hPage, p * PAGE_WORDS + w, v >>> 0, HK.hmmPage, p);
  }
  has(p: number, flag: number): boolean {
    return (this.page(p, P_FLAGS) & flag) !== 0;
  }
  setFlag(p: number, flag: number): void {
    this.store.ensure(this.hPage, (p + 1) * PAGE_WORDS);
    this.store.setBits(this.hPage, p * PAGE_WORDS + P_FLAGS, flag, HK.hmmPage, p);
  }
  clearFlag(p: number, flag: number): void {
    this.store.ensure(this.hPage, (p + 1) * PAGE_WORDS);
    this.store.clearBits(this.hPage, p * PAGE_WORDS + P_FLAGS, flag, HK.hmmPage, p);
  }
  pageVa(p: number): number {
    return this.rd(this.hPageVa, p);
  }
  setPageVa(p: number, va: number): void {
    this.wr(this.hPageVa, p, va, HK.hmmPage, p);
  }
  /** Backing system page (BACKING_PAGE), or -1. */
  rpage(p: number): number {
    return this.page(p, P_RPAGE) - 1;
  }

  // ---- mirrors ----
  mirrorCount(): number {
    return this.global(G_MIRRORS);
  }
  mirror(m: number, w: number): number {
    return this.rd(this.hMirror, m * MIRROR_WORDS + w);
  }
  setMirror(m: number, w: number, v: number): void {
    this.wr(this.hMirror, m * MIRROR_WORDS + w, v, HK.hmmMirror, m);
  }

  // ---- pt nodes ----
  nodeWord(n: number, w: number): number {
    return this.rd(this.hPt, n * NODE_WORDS + w);
  }
  setNodeWord(n: number, w: number, v: number, mirror: number): void {
    this.wr(this.hPt, n * NODE_WORDS + w, v >>> 0, HK.hmmPt, mirror);
  }
  /** A zeroed xarray node (the count of nodes is a global word of hmm.devices). */
  allocNode(): number {
    const n = this.global(G_NODES);
    this.store.ensure(this.hPt, (n + 1) * NODE_WORDS);
    this.setGlobal(G_NODES, n + 1);
    return n;
  }

  // ---- migrate args ----
  arg(w: number): number {
    return this.rd(this.hArgs, w);
  }
  setArg(w: number, v: number): void {
    this.wr(this.hArgs, w, v, HK.hmmMigrate, HDR_OBJ);
  }
  src(i: number): number {
    return this.rd(this.hArgs, ARGS_HEADER + 2 * i);
  }
  dst(i: number): number {
    return this.rd(this.hArgs, ARGS_HEADER + 2 * i + 1);
  }
  setSrc(i: number, v: number): void {
    this.wr(this.hArgs, ARGS_HEADER + 2 * i, v, HK.hmmMigrate, i);
  }
  setDst(i: number, v: number): void {
    this.wr(this.hArgs, ARGS_HEADER + 2 * i + 1, v, HK.hmmMigrate, i);
  }
}
