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

export interface MemoryMapRegion {
  readonly index: number;
  readonly name: string;
  readonly kind: string;
  /** Virtual address of the region's first page. */
  readonly va: number;
  readonly pages: number;
  /** `pages × processors` bytes, page-major: state[page * processors + proc], bits PAGE_*. */
  readonly state: Uint8Array;
}

export interface MemoryMapResult {
  readonly view: 'memoryMap';
  readonly processors: number;
  readonly regions: readonly MemoryMapRegion[];
}

export interface PmmChunkInfo {
  readonly chunk: number;
  readonly state: string;
  readonly type: 'user' | 'kernel';
  readonly owner: number;
  readonly list: string;
}

export interface PmmResult {
  readonly view: 'pmm';
  readonly gpu: number;
  readonly rootChunks: number;
  readonly fromPma: number;
  readonly chunks: readonly PmmChunkInfo[];
  readonly lists: Readonly<Record<'free' | 'unused' | 'discarded' | 'used', readonly number[]>>;
}

export interface PageTableInfo {
  readonly id: number;
  readonly level: string;
  readonly parent: number;
  readonly index: number;
  readonly aperture: string;
  readonly bytes: number;
}

export interface PageTreeResult {
  readonly view: 'pageTree';
  readonly gpu: number;
  readonly tables: readonly PageTableInfo[];
}

export type MemoryQuery =
  | { readonly view: 'block'; readonly block: number }
  | { readonly view: 'memoryMap' }
  | { readonly view: 'pmm'; readonly gpu: number }
  | { readonly view: 'pageTree'; readonly gpu: number };

export type MemoryResult = BlockViewResult | MemoryMapResult | PmmResult | PageTreeResult;
