/**
 * The model's invariants, checked at the cursor of a run. Tests check them after every step of random scenarios;
 * `uvmscope run --check-invariants` checks them at the end. Each message names the object and the rule.
 *
 *  I1  a page lives on more than one processor only when it is read-duplicated;
 *  I2  a read-duplicated page is writable nowhere;
 *  I3  every mapping points at a copy the processor can reach (the CPU maps only CPU-resident pages; a GPU maps its
 *      own copy or sysmem);
 *  I4  mappings are cumulative by protection: atomic ⊆ write ⊆ read;
 *  I5  a GPU-resident page has a GPU chunk behind it; a CPU-resident page has CPU memory allocated;
 *  I6  a page marked evicted from a GPU is not resident there;
 *  I7  the PMM's lists are well formed (prev/next agree, heads and tails match, each chunk on the list it says);
 *      a block's GPU chunk is owned by that block, and a user chunk's owner points back at it;
 *  I8  a 2M PTE maps every page of the block; a 64K PTE maps all 16 pages of its region;
 *  I9  counters and the clock are never negative.
 *
 * I1–I9 hold after every step: UVM's paths change a page's residency and mappings in single steps. The page-cache
 * side's checks (radix tags and GPU slots, page tables and references, gdrcopy, HMM) hold between operations; inside
 * a kernel function (radix_tree_tag_set climbing the tree, add_to_page_cache_gpu updating count_gpu…) a step may show
 * the structure half updated, as it is in the kernel at that line. Tests check them at every operation's end.
 */

import { PageMask, WORDS_PER_BLOCK_MASK as MW } from '../core/bits';
import type { Run } from './run';
import { PAGES_PER_BLOCK } from '../uvm/model';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from '../uvm/layout';
import { ChunkState, ChunkType, List } from '../uvm/pmm';
import { COUNTERS } from '../uvm/counters';
import { checkPageCache } from '../pagecache/invariants';
import { checkMm } from '../cpu/invariants';
import { gdrInvariants } from '../gdr/invariants';
import { hmmInvariants } from '../hmm/invariants';

export function checkInvariants(run: Run, limit = 20): string[] {
  const out: string[] = [];
  const say = (msg: string) => {
    if (out.length < limit) out.push(msg);
  };
  const { m } = run.ctx;
  const L = m.layout;
  const a = m.blocks;
  for (let b = 0; b < m.nBlocks; b++) {
    const n = m.blockPages[b];
    const dup = m.readMask(L.readDupBase(b));
    const resident: PageMask[] = [];
    for (let p = 0; p < m.procs; p++) resident.push(m.readMask(L.residentBase(b, p)));
    for (let w = 0; w < MW; w++) {
      // I1: bits set on two or more processors must be duplicated
      let seen = 0;
      let multi = 0;
      for (let p = 0; p < m.procs; p++) {
        multi |= seen & resident[p].words[w];
        seen |= resident[p].words[w];
      }
      const bad = (multi & ~dup.words[w]) >>> 0;
      if (bad) say(`I1 block ${b}: page ${w * 32 + 31 - Math.clz32(bad & -bad)} is resident on several processors but not read-duplicated`);
      // pages beyond the end of a short block stay empty
      if (w * 32 >= n && seen) say(`I1 block ${b}: pages beyond the block's ${n} pages are resident`);
    }
    for (let p = 0; p < m.procs; p++) {
      const r = m.readMask(L.mappedBase(b, p, PROT_READ));
      const wr = m.readMask(L.mappedBase(b, p, PROT_WRITE));
      const at = m.readMask(L.mappedBase(b, p, PROT_ATOMIC));
      // I4
      if (!wr.clone().andNot(r).isEmpty() || !at.clone().andNot(wr).isEmpty()) say(`I4 block ${b}: ${m.gpuName(p)}'s mappings are not cumulative (atomic ⊆ write ⊆ read)`);
      // I2
      const dupWritable = wr.clone().and(dup);
      if (!dupWritable.isEmpty()) say(`I2 block ${b}: page ${dupWritable.first()} is read-duplicated but writable by ${m.gpuName(p)}`);
      // I3
      const reachable = resident[p].clone();
      if (p !== 0) reachable.or(resident[0]);
      const dangling = r.clone().andNot(reachable);
      if (!dangling.isEmpty()) say(`I3 block ${b}: ${m.gpuName(p)} maps page ${dangling.first()} but no copy it can reach holds it`);
    }
    // I5
    if (!resident[0].clone().andNotHeap(a, L.cpuAllocatedBase(b)).isEmpty()) say(`I5 block ${b}: CPU-resident pages without CPU memory`);
    for (let g = 1; g < m.procs; g++) {
      const chunk = m.blockWord(b, L.gpuChunk, g) - 1;
      if (!resident[g].isEmpty() && chunk < 0) say(`I5 block ${b}: resident on ${m.gpuName(g)} without a GPU chunk`);
      if (chunk >= 0 && run.ctx.pmmOf(g).owner(chunk) !== b) say(`I7 block ${b}: its chunk ${chunk} on ${m.gpuName(g)} is owned by block ${run.ctx.pmmOf(g).owner(chunk)}`);
      // I6
      const ev = m.readMask(L.evictedBase(b, g)).and(resident[g]);
      if (!ev.isEmpty()) say(`I6 block ${b}: page ${ev.first()} is marked evicted from ${m.gpuName(g)} but resident there`);
      // I8
      const mapped = m.readMask(L.mappedBase(b, g, PROT_READ));
      if (m.blockWord(b, L.pte2m) & (1 << (g - 1)) && mapped.count() !== PAGES_PER_BLOCK) say(`I8 block ${b}: ${m.gpuName(g)} has a 2M PTE but maps only ${mapped.count()} pages`);
      const big = m.blockWord(b, L.bigPtes, g);
      for (let k = 0; k < 32; k++) if (big & (1 << k) && mapped.countRange(k * 16, k * 16 + 16) !== 16) say(`I8 block ${b}: ${m.gpuName(g)} has a 64K PTE for region ${k} that is not fully mapped`);
    }
  }
  // I7: the PMM lists
  for (let g = 1; g < m.procs; g++) {
    const pmm = run.ctx.pmmOf(g);
    const onList = new Map<number, number>();
    for (const l of [List.free, List.unused, List.discarded, List.used]) {
      const chunks = pmm.listChunks(l);
      if (chunks.length > pmm.rootChunks) {
        say(`I7 ${m.gpuName(g)}: list ${l} is longer than the GPU has chunks (a cycle)`);
        continue;
      }
      for (const c of chunks) {
        if (pmm.list(c) !== l) say(`I7 ${m.gpuName(g)}: chunk ${c} is on list ${l} but says ${pmm.list(c)}`);
        onList.set(c, l);
      }
    }
    for (let c = 0; c < pmm.pmaNext(); c++) {
      const st = pmm.state(c);
      const l = onList.get(c) ?? List.none;
      if (st === ChunkState.free && l !== List.free) say(`I7 ${m.gpuName(g)}: free chunk ${c} is not on the free list`);
      if (pmm.type(c) === ChunkType.kernel && l !== List.none) say(`I7 ${m.gpuName(g)}: kernel chunk ${c} is on an eviction list`);
      const owner = pmm.owner(c);
      if (owner >= 0 && m.blockWord(owner, L.gpuChunk, g) !== c + 1) say(`I7 ${m.gpuName(g)}: chunk ${c} says it backs block ${owner}, which does not point back`);
    }
  }
  // I9
  if (run.simTimeNs() < 0) say('I9 the clock is negative');
  const counters = run.counters();
  for (const name of COUNTERS) if (counters[name] < 0) say(`I9 counter ${name} is negative`);
  // the page-cache side: radix tags and GPU slots, page tables and references, gdrcopy handles and mappings
  const p = run.platform;
  if (p?.linux) {
    for (const v of checkPageCache(p.linux.cpu.pc, limit)) say(`page cache: ${v}`);
    for (const v of checkMm(p.linux.cpu.mm, limit)) say(`mm: ${v}`);
  }
  if (p?.gdr) for (const v of gdrInvariants(p.gdr, limit)) say(`gdrcopy: ${v}`);
  if (p?.hmm) for (const v of hmmInvariants(p.hmm, limit)) say(`hmm: ${v}`);
  return out;
}
