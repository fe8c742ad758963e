/**
 * The gdrcopy model (NVIDIA/gdrcopy): a process opens /dev/gdrdrv, pins a cudaMalloc buffer (nvidia_p2p_get_pages →
 * BAR1 bus addresses), maps it into its address space with mmap (write-combining PTEs straight onto the BAR), and
 * copies with plain CPU stores and loads. The GPU driver may take the pages back at any time (cudaFree): the free
 * callback zaps the CPU mapping through the file's address_space, which is why each open gets a private one.
 *
 * This class is the entry point the executor calls; the paths live in pin.ts, map.ts, copy.ts and teardown.ts, the
 * state layout in state.ts. Refusals the user should see (map after invalidation, a copy through a zapped mapping)
 * are recorded as gdrError events and reported by the return value; calls that name no such object throw.
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import { DEFAULT_BAR1_BYTES } from './bar1';
import { CUDA_MEMCPY, cudaMemcpyCostNs, type LinearCost } from './cost';
import { GK, GDR_ERRORS } from './kinds';
import { B_GPU, B_SIZE, B_STATE, B_VA, GdrState, H_BUFFERS, H_DEVICE_VA_NEXT, M_BUFFER, M_FILE, M_STATE, F_OPEN, F_PROC } from './state';
import { fnCudaMalloc } from './code';
import { openFile } from './open';
import { pinBuffer } from './pin';
import { mapBuffer } from './map';
import { copyMapping } from './copy';
import { cudaFree, freeCallback, releaseFile, unmapBuffer, unpinBuffer } from './teardown';

/** The engine's clock and counters, as the executor lends them. Counter used: `gdr_bytes`. */
export interface GdrClock {
  now(): number;
  spend(ns: number): void;
  count(name: string, by: number): void;
}

export interface GdrOptions {
  /**
   * Counterfactual: every open of /dev/gdrdrv keeps filp->f_mapping = inode->i_mapping instead of a private
   * address_space, so a zap of one file's handle offsets also tears down other files' mappings at those offsets.
   */
  sharedInodeMapping?: boolean;
  /** BAR1 aperture per GPU (default 32 GiB, a V100-SXM2-32GB). */
  bar1Bytes?: number;
  /** The transfer gdrcopy is compared with (default 6.5 µs + bytes / 12 B/ns). */
  cudaMemcpy?: LinearCost;
  /** Where each process's mmap area starts; mappings are placed downwards from it. */
  mmapTop?: number;
}

/** cudaMalloc addresses start here, 2 MiB aligned (the README's runs show 0x7f..a00000-style device pointers). */
export const DEVICE_VA_BASE = 0x7fc000000000;
export const DEVICE_VA_ALIGN = 2 * 1024 * 1024;
export const DEFAULT_MMAP_TOP = 0x7e0000000000;

export class Gdr {
  readonly s: GdrState;
  readonly sharedInodeMapping: boolean;
  readonly bar1Bytes: number;
  readonly cudaMemcpyLink: LinearCost;
  readonly mmapTop: number;

  constructor(
    readonly store: Store,
    readonly steps: StepTable,
    readonly clock: GdrClock,
    options: GdrOptions = {},
  ) {
    this.s = new GdrState(store);
    this.sharedInodeMapping = options.sharedInodeMapping ?? false;
    this.bar1Bytes = options.bar1Bytes ?? DEFAULT_BAR1_BYTES;
    this.cudaMemcpyLink = options.cudaMemcpy ?? CUDA_MEMCPY;
    this.mmapTop = options.mmapTop ?? DEFAULT_MMAP_TOP;
  }

  // ---- CUDA ----
  /** cudaMalloc on `gpu` (1-based): a device buffer with a 2 MiB-aligned unified address. Returns the buffer id. */
  cudaMalloc(gpu: number, size: number): number {
    if (!(gpu >= 1) || !(size > 0)) throw new RangeError(`cudaMalloc(gpu ${gpu}, ${size} bytes) is not a valid allocation`);
    const s = this.s;
    this.steps.enter(fnCudaMalloc.at.entry);
    const b = s.buffers;
    s.setHdr(H_BUFFERS, b + 1, GK.gdrPages);
    this.steps.at(fnCudaMalloc.at.va);
    const va = s.hdr(H_DEVICE_VA_NEXT) || DEVICE_VA_BASE;
    s.setHdr(H_DEVICE_VA_NEXT, va + Math.ceil(size / DEVICE_VA_ALIGN) * DEVICE_VA_ALIGN, GK.gdrPages);
    s.setBuffer(b, B_GPU, gpu);
    s.setBuffer(b, B_VA, va);
    s.setBuffer(b, B_SIZE, size);
    s.setBuffer(b, B_STATE, 1);
    this.steps.leave();
    return b;
  }

  /** cudaFree: every pin on the buffer gets its free callback, then the memory is gone. */
  cudaFree(buffer: number): void {
    this.checkBuffer(buffer);
    cudaFree(this, buffer);
  }

  // ---- the library and the driver ----
  /** gdr_open → gdrdrv_open for `process`. Each call is a new open file. Returns the file id. */
  open(process: number): number {
    return openFile(this, process);
  }

  /** The process's first open file, opened now if it has none (gdr_open is called once per process). */
  fileOf(process: number): number {
    for (let f = 0; f < this.s.files; f++) if (this.s.file(f, F_OPEN) === 1 && this.s.file(f, F_PROC) === process) return f;
    return this.open(process);
  }

  /** gdr_pin_buffer(addr = buffer + offset, size). Returns the mr id, or -1 when refused (a gdrError event says why). */
  pin(file: number, buffer: number, offset = 0, size?: number): number {
    this.checkFile(file);
    this.checkBuffer(buffer);
    const len = size ?? this.s.buffer(buffer, B_SIZE) - offset;
    if (!(len > 0) || offset < 0) throw new RangeError(`pin of ${len} bytes at offset ${offset} is not a valid range`);
    return pinBuffer(this, file, buffer, offset, len);
  }

  /** gdr_map: mmap of the whole pinned size (or `size`). Returns the vma id, or -1 when refused. */
  map(mr: number, size?: number): number {
    this.checkMr(mr);
    return mapBuffer(this, mr, size);
  }

  /**
   * gdr_copy_to_mapping (direction 0, host → GPU) or gdr_copy_from_mapping (1), of `length` bytes at `offset` from
   * the pinned address. Returns the simulated time in ns, or -1 when the access failed (EINVAL, SIGBUS, SIGSEGV).
   */
  copy(mr: number, direction: number, offset: number, length: number): number {
    this.checkMr(mr);
    if (this.s.mr(mr, M_STATE) !== 1) throw new Error(`mr ${mr} was unpinned: its handle no longer exists`);
    if (offset < 0 || length < 0) throw new RangeError(`copy of ${length} bytes at offset ${offset} is not a valid range`);
    return copyMapping(this, mr, direction === 1 ? 1 : 0, offset, length);
  }

  /** gdr_unmap → munmap → gdrdrv_vma_close. Returns false when the handle was not mapped (EINVAL). */
  unmap(mr: number): boolean {
    this.checkMr(mr);
    return unmapBuffer(this, mr);
  }

  /** gdr_unpin_buffer → __gdrdrv_unpin_buffer: zap if still mapped, then nvidia_p2p_put_pages. */
  unpin(mr: number): boolean {
    this.checkMr(mr);
    return unpinBuffer(this, mr);
  }

  /** gdrdrv_get_pages_free_callback for one mr, as the GPU driver calls it (cudaFree calls it for every pin). */
  freeCallback(mr: number): void {
    this.checkMr(mr);
    freeCallback(this, mr);
  }

  /** close(fd) once the file's VMAs are gone → gdrdrv_release. */
  release(file: number): void {
    this.checkFile(file);
    releaseFile(this, file);
  }

  // ---- lookups and costs ----
  /** The newest live mr of `file` on `buffer`, or -1. */
  mrOf(file: number, buffer: number): number {
    for (let m = this.s.mrs - 1; m >= 0; m--) {
      if (this.s.mr(m, M_STATE) === 1 && this.s.mr(m, M_FILE) === file && this.s.mr(m, M_BUFFER) === buffer) return m;
    }
    return -1;
  }

  /** What a cudaMemcpy of `bytes` would cost, for the comparison with gdrcopy. */
  cudaMemcpyCostNs(bytes: number): number {
    return cudaMemcpyCostNs(bytes, this.cudaMemcpyLink);
  }

  /** Record a refusal the user can watch (see GDR_ERRORS). */
  refuse(obj: number, op: number, reason: number): void {
    this.store.event(GK.gdrError, obj, op, GDR_ERRORS[reason].errno, reason);
  }

  private checkFile(f: number): void {
    if (!Number.isInteger(f) || f < 0 || f >= this.s.files) throw new RangeError(`no gdr file ${f} (files: ${this.s.files})`);
    if (this.s.file(f, F_OPEN) !== 1) throw new Error(`gdr file ${f} is closed`);
  }
  private checkBuffer(b: number): void {
    if (!Number.isInteger(b) || b < 0 || b >= this.s.buffers) throw new RangeError(`no device buffer ${b} (buffers: ${this.s.buffers})`);
  }
  private checkMr(m: number): void {
    if (!Number.isInteger(m) || m < 0 || m >= this.s.mrs) throw new RangeError(`no gdr mr ${m} (mrs: ${this.s.mrs})`);
  }
}
