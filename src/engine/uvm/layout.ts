/**
 * Where each field of the UVM model lives in the Store's heaps. One record of `stride` words per va_block in the
 * `blocks` heap mirrors `uvm_va_block_struct` (uvm_va_block.h): per-processor 512-bit page masks for residency and
 * for mappings by protection, the read-duplicated and evicted masks, the CPU chunk allocation, and a few scalars
 * (the GPU root chunk backing the block, how each GPU maps it, the prefetcher's per-block counters).
 *
 * Processor ids follow uvm_processors.h: CPU = 0, GPU g = 1..G.
 */

import { WORDS_PER_BLOCK_MASK as MW } from '../core/bits';

/** Mapping protections, least to most permissive (UVM_PROT_READ_ONLY, READ_WRITE, READ_WRITE_ATOMIC). */
export const PROT_READ = 0;
export const PROT_WRITE = 1;
export const PROT_ATOMIC = 2;
export const PROT_COUNT = 3;

export class BlockLayout {
  readonly procs: number;
  readonly gpus: number;
  // offsets (in words) inside a block record
  readonly resident: number;
  readonly mapped: number; // + (prot * procs + proc) * MW
  readonly readDup: number;
  readonly evicted: number; // + (gpu-1) * MW
  readonly cpuAllocated: number;
  /** GAIA (uvm8_va_block.c): page_from_cache[], the page was filled from the page cache since it was last dropped. */
  readonly fromCache: number;
  /**
   * GAIA: the GPU wrote the page since its shadow (`cpu.pages_diff`) was taken, which is what is_gpu_page_dirty finds
   * by comparing the two. The model keeps the outcome of that comparison instead of the bytes.
   */
  readonly gpuWritten: number;
  readonly gpuChunk: number; // + (gpu-1): root chunk index + 1, 0 when none
  readonly pte2m: number; // bit per gpu (bit g-1): the GPU maps the block with one 2M PTE
  readonly bigPtes: number; // + (gpu-1): bit k = 64K region k mapped by a big PTE
  readonly pt4k: number; // + (gpu-1): page-table id + 1 of the block's 4K PTE table
  readonly pt64k: number; // + (gpu-1): page-table id + 1 of the block's 64K PTE table
  readonly pde0: number; // + (gpu-1): page-table id + 1 of the PDE0 (dual) table covering the block
  readonly lastMigrationProc: number; // prefetch_info.last_migration_proc_id + 1
  readonly faultMigrationsToLast: number; // prefetch_info.fault_migrations_to_last_proc
  readonly thrashSlot: number; // thrashing slot + 1 (per-page tracking, allocated on demand)
  readonly thrashLastProc: number; // block_thrashing->last_processor + 1
  readonly cpuChunk2m: number; // 1 when the CPU side is one 2 MiB chunk (contiguous copies possible)
  readonly stride: number;

  constructor(gpus: number) {
    this.gpus = gpus;
    this.procs = gpus + 1;
    let o = 0;
    this.resident = o;
    o += this.procs * MW;
    this.mapped = o;
    o += PROT_COUNT * this.procs * MW;
    this.readDup = o;
    o += MW;
    this.evicted = o;
    o += gpus * MW;
    this.cpuAllocated = o;
    o += MW;
    this.fromCache = o;
    o += MW;
    this.gpuWritten = o;
    o += MW;
    this.gpuChunk = o;
    o += gpus;
    this.pte2m = o;
    o += 1;
    this.bigPtes = o;
    o += gpus;
    this.pt4k = o;
    o += gpus;
    this.pt64k = o;
    o += gpus;
    this.pde0 = o;
    o += gpus;
    this.lastMigrationProc = o++;
    this.faultMigrationsToLast = o++;
    this.thrashSlot = o++;
    this.thrashLastProc = o++;
    this.cpuChunk2m = o++;
    this.stride = o;
  }

  residentBase(block: number, proc: number): number {
    return block * this.stride + this.resident + proc * MW;
  }
  mappedBase(block: number, proc: number, prot: number): number {
    return block * this.stride + this.mapped + (prot * this.procs + proc) * MW;
  }
  readDupBase(block: number): number {
    return block * this.stride + this.readDup;
  }
  evictedBase(block: number, gpu: number): number {
    return block * this.stride + this.evicted + (gpu - 1) * MW;
  }
  cpuAllocatedBase(block: number): number {
    return block * this.stride + this.cpuAllocated;
  }
  word(block: number, field: number, gpu = 1): number {
    return block * this.stride + field + (gpu - 1);
  }

  /** Which field a word of a block record belongs to, for naming transitions in the UI and in breakpoints. */
  describe(word: number): { block: number; field: string; proc: number; prot: number; pageWord: number } {
    const block = Math.floor(word / this.stride);
    const o = word - block * this.stride;
    const mask = (start: number, count: number) => o >= start && o < start + count * MW;
    if (mask(this.resident, this.procs)) {
      const r = o - this.resident;
      return { block, field: 'resident', proc: Math.floor(r / MW), prot: -1, pageWord: r % MW };
    }
    if (mask(this.mapped, PROT_COUNT * this.procs)) {
      const r = o - this.mapped;
      const k = Math.floor(r / MW);
      return { block, field: 'mapped', proc: k % this.procs, prot: Math.floor(k / this.procs), pageWord: r % MW };
    }
    if (mask(this.readDup, 1)) return { block, field: 'readDuplicated', proc: -1, prot: -1, pageWord: o - this.readDup };
    if (mask(this.evicted, this.gpus)) {
      const r = o - this.evicted;
      return { block, field: 'evicted', proc: Math.floor(r / MW) + 1, prot: -1, pageWord: r % MW };
    }
    if (mask(this.cpuAllocated, 1)) return { block, field: 'cpuAllocated', proc: 0, prot: -1, pageWord: o - this.cpuAllocated };
    if (mask(this.fromCache, 1)) return { block, field: 'fromCache', proc: -1, prot: -1, pageWord: o - this.fromCache };
    if (mask(this.gpuWritten, 1)) return { block, field: 'gpuWritten', proc: -1, prot: -1, pageWord: o - this.gpuWritten };
    const scalar = (start: number, count: number, name: string) =>
      o >= start && o < start + count ? { block, field: name, proc: count > 1 || name !== 'pte2m' ? o - start + 1 : -1, prot: -1, pageWord: -1 } : null;
    return (
      scalar(this.gpuChunk, this.gpus, 'gpuChunk') ??
      scalar(this.pte2m, 1, 'pte2m') ??
      scalar(this.bigPtes, this.gpus, 'bigPtes') ??
      scalar(this.pt4k, this.gpus, 'pt4k') ??
      scalar(this.pt64k, this.gpus, 'pt64k') ??
      scalar(this.pde0, this.gpus, 'pde0') ??
      scalar(this.lastMigrationProc, 1, 'lastMigrationProc') ??
      scalar(this.faultMigrationsToLast, 1, 'faultMigrationsToLast') ??
      scalar(this.thrashSlot, 1, 'thrashSlot') ??
      scalar(this.thrashLastProc, 1, 'thrashLastProc') ??
      scalar(this.cpuChunk2m, 1, 'cpuChunk2m') ?? { block, field: 'unknown', proc: -1, prot: -1, pageWord: -1 }
    );
  }
}
