/**
 * Getting a GPU root chunk, evicting one when vidmem is full (uvm_pmm_gpu.c: alloc_or_evict_root_chunk,
 * pick_root_chunk_to_evict, evict_root_chunk; uvm_va_block.c: uvm_va_block_evict_chunks).
 *
 * Evicted pages go to CPU memory with cause EVICTION; only GPU-resident pages are copied, so an UNUSED chunk costs
 * no copy. The evicted pages are marked `evicted` for that GPU, the chunk leaves the block, and the waiting
 * allocation gets it (the driver restarts the waiting block operation; here it simply continues).
 */

import type { Ctx } from './context';
import { fnEvict } from './code';
import { Cause, K } from './kinds';
import { makeResident } from './migrate';
import { PAGES_PER_BLOCK } from './model';

/** A root chunk for `gpu`, from the free list or PMA, else by eviction; -1 if nothing can be evicted. */
export function allocGpuRoot(c: Ctx, gpu: number, busyBlock: number): number {
  const pmm = c.pmmOf(gpu);
  const chunk = pmm.allocRootNoEvict();
  if (chunk >= 0) return chunk;
  return evictRootChunk(c, gpu, busyBlock);
}

export function evictRootChunk(c: Ctx, gpu: number, busyBlock: number): number {
  const { m, steps } = c;
  const pmm = c.pmmOf(gpu);
  steps.enter(fnEvict.at.entry);
  steps.at(fnEvict.at.pick);
  const victim = pmm.pickVictim(busyBlock);
  if (victim < 0) {
    steps.leave();
    return -1;
  }
  steps.at(fnEvict.at.start);
  pmm.startEviction(victim);
  const owner = pmm.owner(victim);
  let copied = 0;
  if (owner >= 0) {
    steps.at(fnEvict.at.evictBlock);
    const pages = m.readMask(m.layout.residentBase(owner, gpu), PAGES_PER_BLOCK);
    copied = pages.count();
    if (copied > 0) {
      makeResident(c, owner, { dest: 0, pages, prefetch: null, readDup: null, cause: Cause.eviction });
      m.writeMask(m.layout.evictedBase(owner, gpu), pages, true, K.blockEvicted, owner);
    }
    m.setBlockWord(owner, m.layout.gpuChunk, 0, K.blockGpuChunk, gpu);
  }
  pmm.finishEviction(victim);
  m.store.event(K.evictChunk, victim, gpu, owner + 1, copied);
  m.count('evictions');
  steps.at(fnEvict.at.done);
  steps.leave();
  return victim;
}

/** Make sure `block` has GPU memory on `gpu`; returns false when none can be had (the caller falls back to the CPU). */
export function populateGpu(c: Ctx, block: number, gpu: number): boolean {
  const { m } = c;
  if (m.blockWord(block, m.layout.gpuChunk, gpu) !== 0) return true;
  const chunk = allocGpuRoot(c, gpu, block);
  if (chunk < 0) return false;
  const pages = m.blockPages[block];
  // a full block takes the whole root chunk; a smaller one takes the 64 KiB pieces it needs
  const subs = pages === PAGES_PER_BLOCK ? 0xffffffff : (2 ** Math.ceil(pages / 16) - 1) >>> 0;
  c.pmmOf(gpu).assignUser(chunk, block, subs);
  m.setBlockWord(block, m.layout.gpuChunk, chunk + 1, K.blockGpuChunk, gpu);
  // block_zero_new_gpu_chunk: pages of the new chunk that hold no data anywhere are zeroed by CE memsets
  const zero = m.fullMask(block);
  for (let p = 0; p < m.procs; p++) zero.andNotHeap(m.blocks, m.layout.residentBase(block, p));
  const n = zero.count();
  if (n > 0) {
    const bytes = n * 4096;
    m.store.event(K.zero, block, zero.first(), gpu, bytes);
    m.count('zeroed_bytes', bytes);
    m.spend(bytes * c.costs.zeroNsPerByte);
  }
  return true;
}
