/**
 * Mapping and unmapping pages of a va_block on one processor (uvm_va_block_map / uvm_va_block_unmap), and the GPU's
 * choice of PTE sizes for a block (block_gpu_compute_new_pte_state).
 *
 * Mapped masks are cumulative by protection: a page mapped read-write is set in mapped[READ] and mapped[WRITE].
 * The CPU has no separate atomic permission (a CPU write fault is ATOMIC_STRONG, uvm_va_block_cpu_fault), so its
 * ATOMIC mask follows its WRITE mask.
 */

import { PageMask, WORDS_PER_BLOCK_MASK as MW } from '../core/bits';
import type { Ctx } from './context';
import { fnMap, fnUnmap } from './code';
import { K } from './kinds';
import { PAGES_PER_BIG_PAGE, PAGES_PER_BLOCK } from './model';
import { PROT_ATOMIC, PROT_COUNT, PROT_READ, PROT_WRITE } from './layout';
import { Aperture, LEVEL_PTE_4K, LEVEL_PTE_64K } from './pagetree';
import { allocGpuRoot } from './evict';

/** Protection a processor gets for `prot`: the CPU's atomic is its write. */
function effectiveProt(proc: number, prot: number): number {
  return proc === 0 && prot === PROT_WRITE ? PROT_ATOMIC : prot;
}

/** Map `pages` of `block` on `proc` with exactly protection `prot` (lower protections set, higher cleared). */
export function mapPages(c: Ctx, block: number, proc: number, pages: PageMask, prot: number, remoteCause = 0): void {
  if (pages.isEmpty()) return;
  const { m, steps } = c;
  const p = effectiveProt(proc, prot);
  // nothing to do for pages already mapped with exactly this protection
  const todo = pages.clone().andNotHeap(m.blocks, m.layout.mappedBase(block, proc, p));
  if (p + 1 < PROT_COUNT) {
    const over = pages.clone().andHeap(m.blocks, m.layout.mappedBase(block, proc, p + 1));
    todo.or(over);
  }
  if (todo.isEmpty()) return;
  pages = todo;
  steps.enter(fnMap.at.entry);
  steps.at(fnMap.at.permission);
  for (let k = 0; k < PROT_COUNT; k++) {
    const base = m.layout.mappedBase(block, proc, k);
    if (k <= p) m.writeMask(base, pages, true, K.blockMapped, block);
  }
  // a downgrade of pages mapped with more permission than asked
  const higher = new PageMask(PAGES_PER_BLOCK);
  for (let k = p + 1; k < PROT_COUNT; k++) {
    const base = m.layout.mappedBase(block, proc, k);
    higher.words.fill(0);
    higher.or(pages).andHeap(m.blocks, base);
    m.writeMask(base, higher, false, K.blockMapped, block);
  }
  m.store.event(K.map, block, pages.first(), proc | (prot << 6), pages.count());
  if (remoteCause) {
    // pages the processor maps although they live elsewhere
    const remote = pages.clone().andNotHeap(m.blocks, m.layout.residentBase(block, proc));
    if (!remote.isEmpty()) {
      remote.forEachRun((lo, hi) => m.store.event(K.remoteMap, block, lo, proc | (remoteCause << 6), hi - lo));
      m.count('remote_maps', remote.count());
    }
  }
  if (proc === 0) {
    steps.at(fnMap.at.cpu);
  } else {
    steps.at(fnMap.at.tables);
    updateGpuPtes(c, block, proc);
    steps.at(fnMap.at.tlb);
    tlbInvalidate(c, proc, false);
    m.spend(c.costs.gpuMapNs);
  }
  steps.leave();
}

/** Remove `pages` from every protection level of `proc`'s mapping. */
export function unmapPages(c: Ctx, block: number, proc: number, pages: PageMask): void {
  const { m, steps } = c;
  const mapped = pages.clone().andHeap(m.blocks, m.layout.mappedBase(block, proc, PROT_READ));
  if (mapped.isEmpty()) return;
  steps.enter(fnUnmap.at.entry);
  // the PTEs and the mapped masks change in one step, so no step shows a PTE without its mapping
  steps.at(proc === 0 ? fnUnmap.at.cpu : fnUnmap.at.gpu);
  for (let k = 0; k < PROT_COUNT; k++) m.writeMask(m.layout.mappedBase(block, proc, k), mapped, false, K.blockMapped, block);
  m.store.event(K.unmap, block, mapped.first(), proc, mapped.count());
  if (proc === 0) m.spend(c.costs.cpuUnmapNs);
  else {
    updateGpuPtes(c, block, proc);
    tlbInvalidate(c, proc, true);
  }
  steps.leave();
}

/** Revoke write (and atomic) permission of `proc` on `pages`, keeping read: a permission downgrade. */
export function revokeWrite(c: Ctx, block: number, proc: number, pages: PageMask): void {
  const { m } = c;
  const writable = pages.clone().andHeap(m.blocks, m.layout.mappedBase(block, proc, PROT_WRITE));
  if (writable.isEmpty()) return;
  c.steps.enter(fnUnmap.at.entry);
  m.writeMask(m.layout.mappedBase(block, proc, PROT_WRITE), writable, false, K.blockMapped, block);
  m.writeMask(m.layout.mappedBase(block, proc, PROT_ATOMIC), writable, false, K.blockMapped, block);
  m.store.event(K.unmap, block, writable.first(), proc | (1 << 6), writable.count());
  if (proc === 0) {
    c.steps.at(fnUnmap.at.cpu);
    m.spend(c.costs.cpuUnmapNs);
  } else {
    c.steps.at(fnUnmap.at.gpu);
    updateGpuPtes(c, block, proc);
    tlbInvalidate(c, proc, true);
  }
  c.steps.leave();
}

export function tlbInvalidate(c: Ctx, gpu: number, downgrade: boolean): void {
  c.m.store.event(K.tlbInvalidate, gpu, 0, downgrade ? 1 : 0, 1);
  c.m.count('gpu_invalidations');
  c.m.spend(c.costs.tlbInvalidateNs);
}

/** Where GPU `gpu`'s mapping of a page points: its own copy (VID), else sysmem (SYS), else a peer. */
export function apertureOf(c: Ctx, block: number, gpu: number, page: number): number {
  if (c.m.isResident(block, gpu, page)) return Aperture.vid;
  if (c.m.isResident(block, 0, page)) return Aperture.sys;
  return Aperture.peer;
}

/** Protection of a mapped page (0 read, 1 write, 2 atomic), or -1 when unmapped. */
export function protOf(c: Ctx, block: number, proc: number, page: number): number {
  for (let k = PROT_COUNT - 1; k >= 0; k--) if (c.m.isMapped(block, proc, k, page)) return k;
  return -1;
}

/**
 * block_gpu_compute_new_pte_state: one 2M PTE when every page of a full block is mapped alike and the backing is one
 * contiguous 2 MiB chunk; else a 64K PTE for each 64 KiB region mapped alike (sysmem backing must be a CPU chunk of at
 * least 64 KiB); else 4K PTEs. Allocates the page tables the chosen sizes need.
 */
export function updateGpuPtes(c: Ctx, block: number, gpu: number): void {
  const { m } = c;
  const n = m.blockPages[block];
  const key = (p: number): number => {
    const prot = protOf(c, block, gpu, p);
    return prot < 0 ? -1 : prot * 4 + apertureOf(c, block, gpu, p);
  };
  const contiguous = (ap: number): boolean => {
    if (ap === Aperture.vid) return n === PAGES_PER_BLOCK && m.blockWord(block, m.layout.gpuChunk, gpu) !== 0;
    if (ap === Aperture.sys) return m.blockWord(block, m.layout.cpuChunk2m) === 1;
    return false;
  };
  let uniform = n === PAGES_PER_BLOCK;
  const k0 = key(0);
  if (uniform && k0 >= 0) {
    for (let p = 1; p < n && uniform; p++) if (key(p) !== k0) uniform = false;
  } else uniform = false;
  const use2m = uniform && contiguous(k0 & 3);
  let big = 0;
  let any4k = false;
  if (!use2m) {
    for (let r = 0; r * PAGES_PER_BIG_PAGE < n; r++) {
      const lo = r * PAGES_PER_BIG_PAGE;
      const hi = Math.min(lo + PAGES_PER_BIG_PAGE, n);
      const kr = key(lo);
      let alike = kr >= 0 && hi - lo === PAGES_PER_BIG_PAGE;
      for (let p = lo + 1; p < hi && alike; p++) if (key(p) !== kr) alike = false;
      // a 64K sysmem PTE needs 64 KiB of contiguous CPU memory (the model's CPU chunks are 2 MiB or 64 KiB pieces)
      if (alike && (kr & 3) === Aperture.peer) alike = false;
      if (alike) big |= 1 << r;
      else for (let p = lo; p < hi; p++) if (key(p) >= 0) any4k = true;
    }
  }
  const bit = 1 << (gpu - 1);
  const pte2m = m.blockWord(block, m.layout.pte2m);
  m.setBlockWord(block, m.layout.pte2m, use2m ? pte2m | bit : pte2m & ~bit, K.blockPte);
  m.setBlockWord(block, m.layout.bigPtes, big, K.blockPte, gpu);
  // page tables: the PDE0 table always (a 2M PTE lives in it), the 64K and 4K tables as needed; kept once made
  const va = m.blockVa[block];
  const tree = c.treeOf(gpu);
  const allocVid = (bytes: number) => c.pmmOf(gpu).allocKernel(bytes, () => allocGpuRoot(c, gpu, block));
  const anyMapped = use2m || big !== 0 || any4k;
  if (!anyMapped) return;
  if (m.blockWord(block, m.layout.pde0, gpu) === 0) {
    const id = tree.ensure(4, va, allocVid);
    m.setBlockWord(block, m.layout.pde0, id + 1, K.blockPageTables, gpu);
  }
  if (big !== 0 && m.blockWord(block, m.layout.pt64k, gpu) === 0) {
    const id = tree.ensure(LEVEL_PTE_64K, va, allocVid);
    m.setBlockWord(block, m.layout.pt64k, id + 1, K.blockPageTables, gpu);
  }
  if (any4k && m.blockWord(block, m.layout.pt4k, gpu) === 0) {
    const id = tree.ensure(LEVEL_PTE_4K, va, allocVid);
    m.setBlockWord(block, m.layout.pt4k, id + 1, K.blockPageTables, gpu);
  }
}

export { MW };
