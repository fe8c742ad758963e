/**
 * The GPU physical memory manager (uvm_pmm_gpu.c), one per GPU, at root-chunk granularity.
 *
 * - Root chunks are 2 MiB (UVM_CHUNK_SIZE_MAX). PMM takes them from PMA (RM's allocator) in best-effort batches of
 *   64 (uvm_perf_pma_batch_nonpinned_order = 6): the first is used, the rest wait in UVM's free list
 *   (alloc_root_chunk).
 * - A full 2 MiB va_block is backed by one 2 MiB user chunk (uvm_va_block_gpu_chunk_index_range fast path). A
 *   smaller block (a range's last block) uses 64 KiB pieces of a split root chunk; the model gives such a block a
 *   root chunk of its own in IS_SPLIT state and records which 64 KiB pieces it uses (see docs/model.md).
 * - Page tables come from kernel-type chunks: a root chunk split into 4 KiB pieces, one of which is split again into
 *   256 B pieces for 64K PTE tables (uvm_mmu.c:phys_mem_allocate_vidmem). Kernel chunks are never evicted.
 * - Eviction lists (uvm_pmm_gpu.h, alloc lists): UNUSED, DISCARDED, USED. A root chunk moves to the tail of USED
 *   whenever data migrates into its block (block_mark_memory_used); to UNUSED when its block keeps no resident page
 *   on the GPU (uvm_pmm_gpu_mark_root_chunk_unused). Victims: a free chunk first, then the head of UNUSED, DISCARDED,
 *   USED (pick_root_chunk_to_evict).
 */

import type { Model } from './model';
import { K } from './kinds';

export const ChunkState = { pmaOwned: 0, free: 1, isSplit: 2, tempPinned: 3, allocated: 4 } as const;
export const CHUNK_STATE_NAMES = ['pma_owned', 'free', 'is_split', 'temp_pinned', 'allocated'];
export const ChunkType = { user: 0, kernel: 1 } as const;
export const List = { none: 0, free: 1, unused: 2, discarded: 3, used: 4 } as const;
export const LIST_NAMES = ['none', 'free', 'unused', 'discarded', 'used'];

export const PMA_BATCH = 64; // 1 << uvm_perf_pma_batch_nonpinned_order
export const KERNEL_PIECES = 512; // 4 KiB pieces in a 2 MiB kernel root chunk
export const SMALL_PIECES = 16; // 256 B pieces in a 4 KiB piece

// header words
const H_PMA_NEXT = 0;
const H_LIST = 1; // head at H_LIST + 2*(list-1), tail at +1
const H_KERNEL_CHUNK = 9; // +1
const H_KERNEL_USED = 10; // 4 KiB pieces used in the current kernel chunk
const H_SMALL_PIECE = 11; // global 4 KiB piece id + 1 currently split into 256 B pieces
const H_SMALL_USED = 12;
const HEADER = 16;
// chunk record words
const C_STATE = 0;
const C_TYPE = 1;
const C_OWNER = 2; // block + 1
const C_LIST = 3;
const C_PREV = 4; // chunk + 1
const C_NEXT = 5; // chunk + 1
const C_SUBS = 6; // 64 KiB pieces in use, for a split user chunk
const CHUNK_WORDS = 8;

export class Pmm {
  private readonly heap: number;
  readonly rootChunks: number;

  constructor(
    private readonly m: Model,
    readonly gpu: number,
  ) {
    this.heap = m.hPmm[gpu - 1];
    this.rootChunks = m.rootChunks[gpu - 1];
    m.store.ensure(this.heap, HEADER);
  }

  private get h(): Uint32Array {
    return this.m.store.u32(this.heap);
  }
  private hdr(i: number): number {
    return this.h[i];
  }
  private setHdr(i: number, v: number): void {
    this.m.store.write(this.heap, i, v, K.pmmHeader, this.gpu);
  }
  private cw(c: number, f: number): number {
    const i = HEADER + c * CHUNK_WORDS + f;
    const h = this.h;
    return i < h.length ? h[i] : 0;
  }
  private setCw(c: number, f: number, v: number, kind: number): void {
    const i = HEADER + c * CHUNK_WORDS + f;
    if (i >= this.h.length) this.m.store.ensure(this.heap, i + 1);
    this.m.store.write(this.heap, i, v >>> 0, kind, c);
  }

  state(c: number): number {
    return this.cw(c, C_STATE);
  }
  type(c: number): number {
    return this.cw(c, C_TYPE);
  }
  owner(c: number): number {
    return this.cw(c, C_OWNER) - 1;
  }
  list(c: number): number {
    return this.cw(c, C_LIST);
  }
  pmaNext(): number {
    return this.hdr(H_PMA_NEXT);
  }

  /** Chunks of `list` from head to tail. */
  listChunks(list: number): number[] {
    const out: number[] = [];
    for (let c = this.hdr(H_LIST + 2 * (list - 1)) - 1; c >= 0; c = this.cw(c, C_NEXT) - 1) out.push(c);
    return out;
  }

  // ---- intrusive doubly linked lists ----
  private unlink(c: number): void {
    const l = this.list(c);
    if (l === List.none) return;
    const prev = this.cw(c, C_PREV) - 1;
    const next = this.cw(c, C_NEXT) - 1;
    if (prev >= 0) this.setCw(prev, C_NEXT, next + 1, K.chunkList);
    else this.setHdr(H_LIST + 2 * (l - 1), next + 1);
    if (next >= 0) this.setCw(next, C_PREV, prev + 1, K.chunkList);
    else this.setHdr(H_LIST + 2 * (l - 1) + 1, prev + 1);
    this.setCw(c, C_PREV, 0, K.chunkList);
    this.setCw(c, C_NEXT, 0, K.chunkList);
    this.setCw(c, C_LIST, List.none, K.chunkList);
  }
  private appendTail(c: number, l: number): void {
    const tail = this.hdr(H_LIST + 2 * (l - 1) + 1) - 1;
    this.setCw(c, C_LIST, l, K.chunkList);
    this.setCw(c, C_PREV, tail + 1, K.chunkList);
    this.setCw(c, C_NEXT, 0, K.chunkList);
    if (tail >= 0) this.setCw(tail, C_NEXT, c + 1, K.chunkList);
    else this.setHdr(H_LIST + 2 * (l - 1), c + 1);
    this.setHdr(H_LIST + 2 * (l - 1) + 1, c + 1);
  }
  private moveToTail(c: number, l: number): void {
    if (this.list(c) === l && this.hdr(H_LIST + 2 * (l - 1) + 1) === c + 1) return;
    this.unlink(c);
    this.appendTail(c, l);
  }
  private setState(c: number, s: number): void {
    this.setCw(c, C_STATE, s, K.chunkState);
  }

  /** block_mark_memory_used: data migrated into the block on this GPU. */
  markUsed(c: number): void {
    if (this.type(c) === ChunkType.user) this.moveToTail(c, List.used);
  }
  /** uvm_pmm_gpu_mark_root_chunk_unused: the block holds no resident page on this GPU any more. */
  markUnused(c: number): void {
    if (this.type(c) === ChunkType.user && this.list(c) !== List.unused) this.moveToTail(c, List.unused);
  }

  /** Take a root chunk from PMA (a batch of up to 64; the rest go to the free list), or -1 if PMA is empty. */
  private takeFromPma(): number {
    const next = this.pmaNext();
    if (next >= this.rootChunks) return -1;
    const batch = Math.min(PMA_BATCH, this.rootChunks - next);
    this.setHdr(H_PMA_NEXT, next + batch);
    for (let c = next + 1; c < next + batch; c++) {
      this.setState(c, ChunkState.free);
      this.appendTail(c, List.free);
    }
    return next;
  }

  private takeFree(): number {
    const head = this.hdr(H_LIST) - 1;
    if (head < 0) return -1;
    this.unlink(head);
    return head;
  }

  /**
   * pick_root_chunk_to_evict: a free chunk would have been taken already, so the head of UNUSED, then DISCARDED,
   * then USED, skipping chunks that are pinned or belong to `busyBlock` (the block being serviced holds its lock).
   */
  pickVictim(busyBlock: number): number {
    for (const l of [List.unused, List.discarded, List.used]) {
      for (let c = this.hdr(H_LIST + 2 * (l - 1)) - 1; c >= 0; c = this.cw(c, C_NEXT) - 1) {
        if (this.state(c) === ChunkState.tempPinned) continue;
        if (this.owner(c) === busyBlock) continue;
        return c;
      }
    }
    return -1;
  }

  /**
   * Allocate a root chunk without eviction: the free list, else PMA. Returns -1 when both are empty; the caller
   * then evicts (uvm_va_block.c:block_alloc_gpu_chunk's retry with UVM_PMM_ALLOC_FLAGS_EVICT).
   */
  allocRootNoEvict(): number {
    const c = this.takeFree();
    return c >= 0 ? c : this.takeFromPma();
  }

  /** Give an allocated root chunk to a block (a full block: ALLOCATED; a partial one: IS_SPLIT with 64K pieces). */
  assignUser(c: number, block: number, subs: number): void {
    this.setCw(c, C_TYPE, ChunkType.user, K.chunkState);
    this.setState(c, subs === 0xffffffff ? ChunkState.allocated : ChunkState.isSplit);
    this.setCw(c, C_SUBS, subs, K.chunkState);
    this.setCw(c, C_OWNER, block + 1, K.chunkOwner);
  }

  /** The chunk is being evicted: off its list, pinned until it is handed to its next owner. */
  startEviction(c: number): void {
    this.unlink(c);
    this.setState(c, ChunkState.tempPinned);
  }

  /** After eviction the chunk belongs to nobody; its pieces merge back into one pinned root chunk. */
  finishEviction(c: number): void {
    this.setCw(c, C_OWNER, 0, K.chunkOwner);
    this.setCw(c, C_SUBS, 0, K.chunkState);
  }

  // ---- kernel chunks for page tables ----
  /**
   * Place a page table of `bytes` (4096 or 256) in a kernel chunk. `getRoot` supplies a fresh root chunk (with
   * eviction if needed) or -1. Returns a physical id (4 KiB piece id for 4 KiB tables, 256 B piece id for small
   * ones), or -1 when vidmem is exhausted (the caller falls back to sysmem).
   */
  allocKernel(bytes: number, getRoot: () => number): number {
    if (bytes <= 256) {
      let piece = this.hdr(H_SMALL_PIECE) - 1;
      let used = this.hdr(H_SMALL_USED);
      if (piece < 0 || used >= SMALL_PIECES) {
        piece = this.allocKernel(4096, getRoot);
        if (piece < 0) return -1;
        this.setHdr(H_SMALL_PIECE, piece + 1);
        used = 0;
      }
      this.setHdr(H_SMALL_USED, used + 1);
      return piece * SMALL_PIECES + used;
    }
    let root = this.hdr(H_KERNEL_CHUNK) - 1;
    let used = this.hdr(H_KERNEL_USED);
    if (root < 0 || used >= KERNEL_PIECES) {
      root = getRoot();
      if (root < 0) return -1;
      this.setCw(root, C_TYPE, ChunkType.kernel, K.chunkState);
      this.setState(root, ChunkState.isSplit);
      this.setHdr(H_KERNEL_CHUNK, root + 1);
      used = 0;
    }
    this.setHdr(H_KERNEL_USED, used + 1);
    return root * KERNEL_PIECES + used;
  }

}
