/**
 * Views of memory: one va_block, the whole memory map, a GPU's PMM, a GPU's page tree.
 * Page sets travel as [first, end) runs; per-page state as one byte per page in a fresh
 * Uint8Array (structured-clone copies it; a million pages is a megabyte).
 */

/** A set of pages as [first, end) runs. */
export type PageRuns = readonly (readonly [number, number])[];

export interface ProcessorBlockState {
  readonly proc: number;
  readonly name: string;
  readonly resident: PageRuns;
  readonly mappedRead: PageRuns;
  readonly mappedWrite: PageRuns;
  readonly mappedAtomic: PageRuns;
  /** GPUs only. */
  readonly evicted?: PageRuns;
  readonly rootChunk?: number;
  readonly pte?: { readonly size2m: boolean; readonly bigPages: readonly number[]; readonly apertures: Readonly<Record<string, PageRuns>> };
}

export interface BlockViewResult {
  readonly view: 'block';
  readonly block: number;
  readonly region: string;
  readonly va: number;
  readonly pages: number;
  readonly readDuplicated: PageRuns;
  readonly cpuAllocated: PageRuns;
  readonly cpuChunk2m: boolean;
  readonly processors: readonly ProcessorBlockState[];
  readonly prefetch: { readonly lastDestination: number; readonly faultMigrations: number };
}

/** Bits of one byte of `MemoryMapRegion.state`, per page and processor. */
export const PAGE_RESIDENT = 1;
export const PAGE_MAPPED_READ = 2;
export const PAGE_MAPPED_WRITE = 4;
export const PAGE_MAPPED_ATOMIC = 8;
/** GPUs: the page was evicted from this GPU. */
export const PAGE_EVICTED = 16;
/** Read-duplicated (set on every processor's byte). */
export const PAGE_READ_DUPLICATED = 32;
/** This step changed the page on this processor (for the animation). */
export const PAGE_CHANGED = 64;

/**
 * Bits of one byte of `MemoryMapRegion.pte`, per page and processor: the PTE a GPU maps the page with (the CPU's
 * byte is 0). Aperture in bits 0-1 (`byte & PTE_APERTURE`), page size in bits 2-3 (`byte & PTE_SIZE`).
 */
export const PTE_APERTURE = 3;
export const PTE_VID = 1;
export const PTE_SYS = 2;
export const PTE_PEER = 3;
export const PTE_SIZE = 12;
export const PTE_4K = 4;
export const PTE_64K = 8;
export const PTE_2M = 12;
/** This step changed the PTE (set in `pte`, like PAGE_CHANGED in `state`). */
export const PTE_CHANGED = 64;

/** Bits of one byte of `MemoryMapRegion.cache` per page of a file region: the page cache and the process's mapping. */
export const CACHE_PRESENT = 1;
export const CACHE_DIRTY = 2;
export const CACHE_WRITEBACK = 4;
export const CACHE_CPU_DIRTY = 8;
export const CACHE_ON_GPU = 16;
/** The process maps the page (a present PTE in its file mapping), and writably. */
export const CACHE_PTE = 32;
export const CACHE_PTE_WRITE = 64;
/** This step changed the page's cache byte. */
export const CACHE_CHANGED = 128;

export interface MemoryMapRegion {
  readonly index: number;
  readonly name: string;
  /** `managed`, `file`, `anonymous` or `device`. */
  readonly kind: string;
  /** Virtual address of the region's first page: its UVM range, else its process mapping, else its device buffer. */
  readonly va: number;
  /** Where the process maps the region (a file's mmap, an anonymous mapping, a gdrcopy mapping), -1 when it does not. */
  readonly cpuVa: number;
  readonly pages: number;
  /** The first va_block of the region's UVM range and how many it has (-1 and 0 outside UVM). */
  readonly firstBlock: number;
  readonly blocks: number;
  /** `pages × processors` bytes, page-major: state[page * processors + proc], bits PAGE_*. */
  readonly state: Uint8Array;
  /** `pages × processors` bytes like `state`: each GPU's PTE for the page, bits PTE_*; null for device regions. */
  readonly pte: Uint8Array | null;
  /** File regions: one byte per page, bits CACHE_*; null otherwise. */
  readonly cache: Uint8Array | null;
  /** The pages the cursor's step changed, ascending (every page with a PAGE_/PTE_/CACHE_CHANGED bit). */
  readonly changed: Uint32Array;
  /**
   * Those pages as they were before the step (so a panel can animate from there): `changed.length × processors`
   * bytes of `state` and of `pte` (page-major, no CHANGED bits), and `changed.length` bytes of `cache`.
   */
  readonly stateBefore: Uint8Array;
  readonly pteBefore: Uint8Array | null;
  readonly cacheBefore: Uint8Array | null;
}

export interface MemoryMapResult {
  readonly view: 'memoryMap';
  readonly processors: number;
  /** The cursor's step the map shows; `changed` pages are this step's changes. */
  readonly step: number;
  readonly regions: readonly MemoryMapRegion[];
}

/**
 * The memory map as a patch on an answer the renderer holds (asked with `base`: that answer's step). `regions` lists
 * the regions with pages whose bytes may differ between the two answers: the pages the steps between them changed,
 * and those whose CHANGED bits the base answer set (they clear now). Every region not listed is byte for byte as in
 * the base answer and its `changed` is empty at this step. The host answers a delta only when it is cheap (a few
 * steps between base and cursor, either way); otherwise a full MemoryMapResult, as without `base`.
 */
export interface MemoryMapDelta {
  readonly view: 'memoryMap';
  readonly processors: number;
  readonly step: number;
  /** The step of the answer this one patches (the query's `base`). */
  readonly base: number;
  readonly regions: readonly MemoryMapRegionDelta[];
}

export interface MemoryMapRegionDelta {
  /** The region's position in the full answer's `regions` (and its `index`). */
  readonly index: number;
  /**
   * The pages sent, ascending: `state` and `pte` hold `pages.length × processors` bytes of them and `cache` (file
   * regions) `pages.length`, as in a full answer (CHANGED bits included). Null: the whole region is sent, its
   * arrays as a full answer's, and `va`/`cpuVa` are its place now.
   */
  readonly pages: Uint32Array | null;
  readonly va: number;
  readonly cpuVa: number;
  readonly state: Uint8Array;
  readonly pte: Uint8Array | null;
  readonly cache: Uint8Array | null;
  /** The cursor's step: as in MemoryMapRegion (every page the step changed, with its bytes before). */
  readonly changed: Uint32Array;
  readonly stateBefore: Uint8Array;
  readonly pteBefore: Uint8Array | null;
  readonly cacheBefore: Uint8Array | null;
}

/** A delta (asked with `base`), not a full answer. */
export function isMemoryMapDelta(r: MemoryMapResult | MemoryMapDelta): r is MemoryMapDelta {
  return 'base' in r;
}

/** How the cursor's step changed a root chunk. */
export type ChunkChange = 'allocated' | 'evicted' | 'freed' | 'owner' | 'state' | 'list' | 'pieces' | 'resident';

export interface PmmChunkInfo {
  readonly chunk: number;
  /** `pma_owned`, `free`, `is_split`, `temp_pinned`, `allocated`. */
  readonly state: string;
  readonly type: 'user' | 'kernel';
  /** The va_block it backs, -1 for none. */
  readonly owner: number;
  /** The eviction list it is on: `none`, `free`, `unused`, `discarded`, `used`. */
  readonly list: string;
  /** A split user chunk: bit k = its 64 KiB piece k is in use; 0 otherwise. */
  readonly pieces: number;
  /** A split kernel chunk: 4 KiB pieces given to page tables (0..512); 0 otherwise. */
  readonly kernelPieces: number;
  /** Pages of the owner block resident on this GPU (0..512). */
  readonly resident: number;
  /** Set when the cursor's step changed the chunk. */
  readonly change?: ChunkChange;
}

export interface PmmResult {
  readonly view: 'pmm';
  readonly gpu: number;
  readonly rootChunks: number;
  readonly fromPma: number;
  readonly chunks: readonly PmmChunkInfo[];
  readonly lists: Readonly<Record<'free' | 'unused' | 'discarded' | 'used', readonly number[]>>;
  /** Chunks the cursor's step changed, ascending. */
  readonly changed: readonly number[];
}

export interface PageTableInfo {
  readonly id: number;
  /** `PDE4` … `PDE0`, `PTE_4K`, `PTE_64K` (Hopper). */
  readonly level: string;
  /** 0 for the root; PTE_4K and PTE_64K tables are both at the last depth. */
  readonly depth: number;
  /** Parent table id, -1 for the root. */
  readonly parent: number;
  /** Entry of the parent that points here. */
  readonly index: number;
  /** Where the table itself lives: `VID` or `SYS`. */
  readonly aperture: string;
  readonly bytes: number;
  /** First VA the table covers and how many bytes. */
  readonly va: number;
  readonly span: number;
  readonly entries: number;
  /** Entries in use: child tables of a directory (plus its 2M PTEs for a PDE0), valid PTEs of a PTE table. */
  readonly used: number;
  /** Valid leaf PTEs in or below this table, by page size and by the aperture they point to. */
  readonly pte4k: number;
  readonly pte64k: number;
  readonly pte2m: number;
  readonly vid: number;
  readonly sys: number;
  /** The va_block a PTE table serves, -1 for directories. */
  readonly block: number;
  /** The cursor's step created the table or changed its entries. */
  readonly changed: boolean;
}

export interface PageTreeResult {
  readonly view: 'pageTree';
  readonly gpu: number;
  /** The level names, root first. */
  readonly levels: readonly string[];
  readonly tables: readonly PageTableInfo[];
}

export type MemoryQuery =
  | { readonly view: 'block'; readonly block: number }
  /** `base`: the step of the full answer the asker holds; the host may then answer a MemoryMapDelta from it. */
  | { readonly view: 'memoryMap'; readonly base?: number }
  | { readonly view: 'pmm'; readonly gpu: number }
  | { readonly view: 'pageTree'; readonly gpu: number };

export type MemoryResult = BlockViewResult | MemoryMapResult | MemoryMapDelta | PmmResult | PageTreeResult;
