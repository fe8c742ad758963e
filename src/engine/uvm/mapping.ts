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
import { blockUnmapCpu } from './unmapcpu';
import { closestResident } from './residency';

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
  const changes = pages.clone().andNotHeap(m.blocks, m.layout.mappedBase(block, proc, p));
  if (p + 1 < PROT_COUNT) {
    const over = pages.clone().andHeap(m.blocks, m.layout.mappedBase(block, proc, p + 1));
    changes.or(over);
  }
  if (changes.isEmpty()) return;
  pages = changes;
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
  if (!pages.intersectsHeap(m.blocks, m.layout.mappedBase(block, proc, PROT_READ))) return;
  const mapped = pages.clone().andHeap(m.blocks, m.layout.mappedBase(block, proc, PROT_READ));
  steps.enter(fnUnmap.at.entry);
  // the PTEs and the mapped masks change in one step, so no step shows a PTE without its mapping
  steps.at(proc === 0 ? fnUnmap.at.cpu : fnUnmap.at.gpu);
  if (proc === 0 && c.uvmDev) {
    // the unmap is announced and paid for as it starts; block_unmap_cpu's walk then removes the PTEs
    m.store.event(K.unmap, block, mapped.first(), proc, mapped.count());
    m.spend(c.costs.cpuUnmapNs);
    blockUnmapCpu(c, block, pages, false);
    steps.leave();
    return;
  }
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
  if (!pages.intersectsHeap(m.blocks, m.layout.mappedBase(block, proc, PROT_WRITE))) return;
  const writable = pages.clone().andHeap(m.blocks, m.layout.mappedBase(block, proc, PROT_WRITE));
  c.steps.enter(fnUnmap.at.entry);
  if (proc === 0 && c.uvmDev) {
    // block_revoke_cpu_write: block_unmap_cpu, then a read-only map (folded into one change: unmapcpu.ts)
    c.steps.at(fnUnmap.at.cpu);
    m.store.event(K.unmap, block, writable.first(), proc | (1 << 6), writable.count());
    m.spend(c.costs.cpuUnmapNs);
    blockUnmapCpu(c, block, writable, true);
    c.steps.leave();
    return;
  }
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

/**
 * Where GPU `gpu`'s mapping of a page points (block_gpu_get_processor_to_map: the closest resident processor): its
 * own copy (VID), else a peer GPU's (PEER: PCIe peers come before sysmem), else sysmem (SYS).
 */
export function apertureOf(c: Ctx, block: number, gpu: number, page: number): number {
  const at = closestResident(c, c.m.residentProcs(block, page), gpu);
  return at === gpu ? Aperture.vid : at === 0 ? Aperture.sys : Aperture.peer;
}

/**
 * block_gpu_compute_new_pte_state: one 2M PTE when every page of a full block is mapped alike and the backing is one
 * contiguous 2 MiB chunk; else a 64K PTE for each 64 KiB region mapped alike (sysmem backing must be a CPU chunk of at
 * least 64 KiB); else 4K PTEs. Allocates the page tables the chosen sizes need.
 */
export function updateGpuPtes(c: Ctx, block: number, gpu: number): void {
  const { m } = c;
  const L = m.layout;
  const a = m.blocks;
  const n = m.blockPages[block];
  // a page's PTE is decided by (read, write, atomic, resident here, resident on the CPU, on each peer): pages are
  // "alike" when each of those masks is all-ones or all-zeros over them, and mapped when the read mask is set
  // a peer's residency decides too: a page on a peer GPU is mapped there (PEER) before sysmem
  const peers: number[] = [];
  for (let p = 1; p < m.procs; p++) if (p !== gpu && c.canAccess(gpu, p)) peers.push(p);
  const masks = [
    L.mappedBase(block, gpu, PROT_READ),
    L.mappedBase(block, gpu, PROT_WRITE),
    L.mappedBase(block, gpu, PROT_ATOMIC),
    L.residentBase(block, gpu),
    L.residentBase(block, 0),
    ...peers.map((p) => L.residentBase(block, p)),
  ];
  const uniformOver = (w: number, bits: number): boolean => {
    for (const base of masks) {
      const v = a[base + w] & bits;
      if (v !== 0 && v >>> 0 !== bits >>> 0) return false;
    }
    return true;
  };
  const readBase = masks[0];
  // the processor the pages of a uniform span are mapped to: this GPU (VID), else the first peer holding them (PEER),
  // else the CPU (SYS)
  const holderAt = (w: number, bits: number): number => {
    if (a[masks[3] + w] & bits) return gpu;
    for (let i = 0; i < peers.length; i++) if (a[masks[5 + i] + w] & bits) return peers[i];
    return 0;
  };
  let use2m = false;
  if (n === PAGES_PER_BLOCK) {
    use2m = true;
    const first = masks.map((base) => a[base]);
    for (let w = 0; w < MW && use2m; w++) {
      if (a[readBase + w] !== 0xffffffff) use2m = false;
      for (let k = 0; k < masks.length && use2m; k++) {
        const v = a[masks[k] + w];
        if ((v !== 0 && v !== 0xffffffff) || v !== first[k]) use2m = false;
      }
    }
    if (use2m) {
      // is_block_phys_contig: one 2 MiB chunk where the pages live, this GPU's, a peer's (mapped over PEER) or the CPU's
      const h = holderAt(0, 1);
      use2m = h === 0 ? m.blockWord(block, L.cpuChunk2m) === 1 : m.blockWord(block, L.gpuChunk, h) !== 0;
    }
  }
  let big = 0;
  let any4k = false;
  if (!use2m) {
    for (let r = 0; r * PAGES_PER_BIG_PAGE < n; r++) {
      const w = r >>> 1;
      const lo = r * PAGES_PER_BIG_PAGE;
      const span = Math.min(PAGES_PER_BIG_PAGE, n - lo);
      const bits = ((span === 16 ? 0xffff : (1 << span) - 1) << ((r & 1) * 16)) >>> 0;
      const mappedBits = (a[readBase + w] & bits) >>> 0;
      if (mappedBits === 0) continue;
      // a 64K PTE needs the whole 64 KiB mapped alike (block_gpu_compute_new_pte_state: only sysmem has a further
      // condition, a CPU chunk of at least 64 KiB, which the model's CPU chunks always are; vidmem, local or a peer's,
      // is in 2 MiB chunks)
      const alike = span === PAGES_PER_BIG_PAGE && mappedBits === bits && uniformOver(w, bits);
      if (alike) big |= 1 << r;
      else any4k = true;
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

