/**
 * The model's invariants, checked at the cursor of a run. Tests check them after every step of random scenarios;
 * `uvmscope run --check-invariants` checks them at the end. Each message names the object and the rule.
 *
 *  I1  a page lives on more than one processor only when it is read-duplicated;
 *  I2  a read-duplicated page is writable nowhere;
 *  I3  every mapping points at a copy the processor can reach (the CPU maps only CPU-resident pages; a GPU maps its
 *      own copy, sysmem or a peer GPU's copy);
 *  I4  mappings are cumulative by protection: atomic ⊆ write ⊆ read;
 *  I5  a GPU-resident page has a GPU chunk behind it; a CPU-resident page has CPU memory allocated;
 *  I6  a page marked evicted from a GPU is not resident there;
 *  I7  the PMM's lists are well formed (prev/next agree, heads and tails match, each chunk on the list it says);
 *      a block's GPU chunk is owned by that block, and a user chunk's owner points back at it;
 *  I8  a 2M PTE maps every page of the block; a 64K PTE maps all 16 pages of its region;
 *  I9  counters and the clock are never negative;
 *  I10 a page some processor maps writable has exactly one copy (block_check_mappings_page: "if any processor has a
 *      writable mapping, there must only be one copy of the page in the system");
 *  I11 a page resident on several processors is mapped only by processors that hold a copy (block_check_mappings_page:
 *      "if a page is resident in multiple locations, it must be resident locally on each mapped processor").
 *
 * The other parts' checkers are called from here with their own rule ids (page cache PC*, mm MM*, gdrcopy G*, HMM HM*,
 * /dev/nvidia-uvm UD*, GAIA GA*). run/invariant-rules.ts says which rules hold after every micro-step and which only
 * outside a kernel path's critical section (and under which lock the kernel keeps that window closed); `scope`
 * 'step' drops the latter. step-check.ts runs the step set after every step.
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
import { gaiaInvariants } from '../gaia/invariants';
import { uvmDevInvariants } from '../uvmdev/invariants';
import { isStepMessage } from './invariant-rules';

/** Which rules to check: all of them (the state between ops), or only those that hold after every step. */
export type CheckScope = 'all' | 'step';

/**
 * Which parts of the state to look at (default: all of it). The every-step checker passes what a step touched, so a
 * step that changed one va_block re-checks that block, not the whole run.
 */
export interface CheckParts {
  /** va_blocks to check (I1–I6, I8, I10, I11 and their side of I7); null: every block. */
  blocks: Iterable<number> | null;
  /** PMM lists and chunk owners (I7). */
  pmm: boolean;
  /** The clock and counters (I9). */
  scalars: boolean;
  /** The page cache (and GAIA's checks, which read it). */
  pagecache: boolean;
  /** The CPU memory manager: page tables, VMAs, struct pages' map counts. */
  mm: boolean;
  /** GAIA's consistency state alone (GA*: it reads the va_blocks' GAIA masks too). */
  gaia: boolean;
  gdr: boolean;
  hmm: boolean;
  /** /dev/nvidia-uvm's files and VMAs. */
  uvmDev: boolean;
}

export const ALL_PARTS: Readonly<CheckParts> = Object.freeze({ blocks: null, pmm: true, scalars: true, pagecache: true, mm: true, gaia: true, gdr: true, hmm: true, uvmDev: true });

export function checkInvariants(run: Run, limit = 20, scope: CheckScope = 'all', parts: CheckParts = ALL_PARTS): string[] {
  const out: string[] = [];
  const say = (msg: string) => {
    if (out.length < limit && (scope === 'all' || isStepMessage(msg))) out.push(msg);
  };
  // a subsystem's own limit must leave room for the step rules when quiescent ones are filtered out
  const sub = scope === 'all' ? limit : limit + 100;
  const { m } = run.ctx;
  for (const b of parts.blocks ?? allBlocks(m.nBlocks)) checkBlock(run, b, say);
  if (parts.pmm) checkPmm(run, say);
  if (parts.scalars) {
    // I9
    if (run.simTimeNs() < 0) say('I9 the clock is negative');
    const counters = run.counters();
    for (const name of COUNTERS) if (counters[name] < 0) say(`I9 counter ${name} is negative`);
  }
  // the page-cache side: radix tags and GPU slots, page tables and references, gdrcopy handles and mappings
  const p = run.platform;
  if (p?.linux && parts.pagecache) for (const v of checkPageCache(p.linux.cpu.pc, sub, scope)) say(`page cache: ${v}`);
  if (p?.linux && parts.mm) for (const v of checkMm(p.linux.cpu.mm, sub, scope)) say(`mm: ${v}`);
  if (p?.linux && p.gaia && (parts.pagecache || parts.gaia)) for (const v of gaiaInvariants(p.gaia, run.ctx, p.linux, sub)) say(`gaia: ${v}`);
  if (p?.gdr && parts.gdr) for (const v of gdrInvariants(p.gdr, sub)) say(`gdrcopy: ${v}`);
  if (p?.hmm && parts.hmm) for (const v of hmmInvariants(p.hmm, sub, scope)) say(`hmm: ${v}`);
  const dev = run.ctx.uvmDev;
  if (dev && parts.uvmDev) for (const v of uvmDevInvariants(dev, cpuMappedRegions(run), sub)) say(`uvm device: ${v}`);
  return out;
}

function* allBlocks(n: number): Iterable<number> {
  for (let b = 0; b < n; b++) yield b;
}

/** I1–I6, I8, I10, I11 and the block side of I7 for one va_block. */
function checkBlock(run: Run, b: number, say: (msg: string) => void): void {
  const { m } = run.ctx;
  const L = m.layout;
  const a = m.blocks;
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
    const page = (bits: number) => w * 32 + 31 - Math.clz32(bits & -bits);
    if (bad) say(`I1 block ${b}: page ${page(bad)} is resident on several processors but not read-duplicated`);
    if (multi) {
      for (let p = 0; p < m.procs; p++) {
        // I10 and I11: the driver's block_check_mappings_page rules for pages with more than one copy
        const writable = (a[L.mappedBase(b, p, PROT_WRITE) + w] & multi) >>> 0;
        if (writable) say(`I10 block ${b}: page ${page(writable)} has several copies but ${m.gpuName(p)} maps it writable`);
        const remote = (a[L.mappedBase(b, p, PROT_READ) + w] & multi & ~resident[p].words[w]) >>> 0;
        if (remote) say(`I11 block ${b}: page ${page(remote)} has several copies but ${m.gpuName(p)} maps one it does not hold`);
      }
    }
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
    // copies on processors it can map (va_space->can_access: sysmem for a GPU, and a peer GPU's vidmem)
    for (let q = 0; q < m.procs; q++) if (q !== p && run.ctx.canAccess(p, q)) reachable.or(resident[q]);
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

/** I7: the PMM lists, and each chunk's owner pointing back. */
function checkPmm(run: Run, say: (msg: string) => void): void {
  const { m } = run.ctx;
  const L = m.layout;
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
}

/** Regions some of whose pages the modelled process's CPU maps (for UD5). */
function cpuMappedRegions(run: Run): number[] {
  const { m } = run.ctx;
  const out: number[] = [];
  const a = m.blocks;
  for (const r of m.regions) {
    let mapped = false;
    for (let b = r.firstBlock; b < r.firstBlock + r.blocks && !mapped; b++) {
      const base = m.layout.mappedBase(b, 0, PROT_READ);
      for (let w = 0; w < MW && !mapped; w++) mapped = a[base + w] !== 0;
    }
    if (mapped) out.push(r.index);
  }
  return out;
}
