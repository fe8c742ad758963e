/**
 * A DeepUM-style correlation prefetcher (policy.prefetch: correlation) — OUR READING OF THE PUBLISHED DESIGN, not
 * the DeepUM code, which we have not read. Sources and what each part rests on (research/gaia-hmm-gdr.md §4.1, §5.8):
 *
 * PUBLISHED (verified from the ASPLOS'23 abstract and paper notes; Jung, Kim, Lee, doi 10.1145/3575693.3575736):
 *   - DeepUM oversubscribes GPU memory through CUDA Unified Memory, transparently (no model code changes);
 *   - it hides page-migration cost with correlation prefetching: correlation tables let it predict which kernel
 *     executes next and prefetch that kernel's pages;
 *   - two more optimisations cut fault-handling time: page pre-eviction and page invalidation.
 * RECALLED (from the paper, not confirmed from a primary source):
 *   - a user-level runtime intercepts kernel launches and gives each an execution ID derived from the kernel's
 *     identity and arguments; a modified UVM driver does the prefetching;
 *   - an execution-ID correlation table (which ID tends to follow which) and, per execution ID, a UM-block
 *     correlation table recording the order in which 2 MB UM blocks (va_blocks) faulted;
 *   - when a kernel starts, a driver thread migrates its predicted blocks in recorded order ahead of the faults, then
 *     predicts the next execution ID and continues into that kernel's blocks;
 *   - pre-eviction evicts blocks not predicted soon when free memory runs low; invalidation drops blocks of tensors
 *     the PyTorch caching allocator has freed.
 * OURS (choices the sources do not settle; each is marked `ours:` where it is made below):
 *   - the execution ID is a 32-bit FNV-1a hash of the kernel's GPU and of every access's region, op, pattern and
 *     expanded page list (the page list is what offset, length, stride, span, count and seed expand to), so two
 *     launches of the same access pattern share an ID; a hash collision merges two kernels' tables (not detected);
 *   - the block table is a first-fault-order list, not a Markov chain: a block is appended the first time it faults
 *     under that ID, in the order the fault buffer delivers it; later launches append only blocks not yet listed (the
 *     driver sees faults only, so it cannot learn that a prefetched block went unused, and never drops one);
 *   - bounds: 256 execution IDs (a launch of a 257th is not tracked), 4096 blocks per ID (8 GiB; later blocks are not
 *     recorded), 4 successors per ID (the least counted, then the oldest, is replaced), lookahead of one predicted
 *     kernel and at most its first 8 blocks (16 MiB);
 *   - prediction: the successor with the highest count, ties to the most recent;
 *   - a predicted block gets its non-resident pages made resident on the kernel's GPU with cause PREFETCH, then is
 *     mapped for that GPU as uvm_migrate's pass 2 maps (read-write-atomic where no one else maps the page; read-mostly
 *     ranges are duplicated and mapped read-only); accessed_by processors are re-mapped;
 *   - the predicted blocks of the launched kernel that are already resident are all marked used (their root chunks to
 *     the tail of the USED list, in prediction order) before any block is copied, so the driver's LRU evicts
 *     unpredicted blocks first, and making room for an earlier missing block never picks a later predicted one;
 *   - memory: when the GPU has no free root chunk and the chunk the driver would evict (pick_root_chunk_to_evict)
 *     holds a block the launched kernel predicts (or, for the lookahead, a block of the predicted kernel's first
 *     blocks), prefetching stops: it never evicts what the running kernel is about to use;
 *   - blocks of a range whose preferred location is another processor are not prefetched (the user placed them);
 *   - pre-eviction and invalidation are left out (no scenario op frees memory; eviction stays the driver's, on
 *     demand);
 *   - the driver's density prefetcher stays on for the faults that still occur: DeepUM modifies the driver and the
 *     sources say nothing of disabling its prefetcher;
 *   - the prefetch runs before the kernel's accesses and its copies advance simulated time; DeepUM overlaps it with
 *     the previous kernel, but kernel compute time is not modelled (docs/model.md, Costs).
 *
 * All state lives in three Store heaps, so the tables travel in time with everything else:
 *   corr.ids     header (ID slots used, last launched slot + 1, launches) and one 16-word record per ID slot;
 *   corr.blocks  per ID slot, BLOCKS_PER_ID words: the block table, block + 1 per entry;
 *   corr.member  per ID slot, one bit per va_block: whether the block is in that slot's table.
 */

import { PageMask } from '../core/bits';
import { defineFunction } from '../core/code';
import { defineKinds } from '../core/kinds';
import type { AccessSpec } from '../scenario/types';
import type { Ctx } from './context';
import type { FaultEntry } from './gpufault';
import { Cause } from './kinds';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from './layout';
import { mapPages } from './mapping';
import { makeResident } from './migrate';
import { PAGES_PER_BLOCK } from './model';
import { List } from './pmm';
import { mapAccessedBy } from './service';
import { registerDescriber } from '../run/describe';
import { registerDecodedFields } from '../run/bp-fields';

// ---------------------------------------------------------------- bounds (ours, see above)

/** Execution IDs tracked; a launch of one more is not tracked (no table, no prediction). */
export const MAX_EXEC_IDS = 256;
/** Blocks per ID's block correlation table (8 GiB of 2 MiB va_blocks). */
export const BLOCKS_PER_ID = 4096;
/** Successors remembered per execution ID in the execution-ID correlation table. */
export const SUCCESSORS_PER_ID = 4;
/** Lookahead: how many of the predicted next kernel's first blocks are prefetched (one kernel ahead only). */
export const LOOKAHEAD_BLOCKS = 8;

// ---------------------------------------------------------------- kinds (ranges 58–60 / 190–199, core/kinds.ts)

export const CK = defineKinds({
  /** A write to corr.ids: the ID directory, launch counts, successor counts. */
  corrIdTable: 58,
  /** A write to corr.blocks or corr.member: a block appended to an ID's block table. */
  corrBlockTable: 59,
  /** obj = ID slot, idx = gpu, x = execution ID (32-bit hash), y = previous launch's slot + 1 (0: none). A launch. */
  corrLaunch: 190,
  /** obj = launched slot, idx = predicted slot, x = times predicted followed launched, y = launches of launched. */
  corrPredict: 191,
  /** obj = block, idx = ID slot whose table predicted it, x = gpu | lookahead << 6, y = pages made resident. */
  corrPrefetch: 192,
  /** obj = block, idx = ID slot, x = gpu | lookahead << 6, y = victim's block + 1 (0: nothing to evict). Stopped. */
  corrStop: 193,
  /** obj = ID slot (0xffffffff: none), idx = 0, x = 1 ID directory full / 2 block table full, y = block + 1. */
  corrTableFull: 194,
} as const);

// ---------------------------------------------------------------- pseudo-code

const RUNTIME = 'DeepUM runtime (our reading of the published design)';
const DRIVER = 'DeepUM driver: correlation prefetching (our reading of the published design)';

export const fnDeepumLaunch = defineFunction('deepum_runtime_launch', RUNTIME, {
  entry: 'cudaLaunchKernel(kernel, args) is intercepted by the DeepUM runtime',
  id: 'execution ID = hash of the kernel and its arguments (here: GPU, regions, ops, patterns, pages)',
  table: 'execution-ID correlation table: count the transition previous ID → this ID',
  notify: 'hand the execution ID to the driver; its prefetch thread starts on it',
});

export const fnDeepumPrefetch = defineFunction('deepum_prefetch_thread', DRIVER, {
  entry: 'prefetch thread(execution ID e, gpu)',
  lookup: 'walk e\u2019s UM-block correlation table: predicted 2 MB blocks in first-fault order',
  resident: 'the predicted blocks already on the GPU: mark them used so the LRU keeps them',
  space: 'no free chunk and the eviction victim holds a predicted block: stop rather than evict it',
  migrate: 'uvm_va_block_make_resident(block, gpu, missing pages, cause PREFETCH)',
  map: 'map the block for the GPU, as uvm_migrate\u2019s pass 2 does',
  predict: 'execution-ID correlation table: the most frequent successor of e runs next',
  ahead: 'lookahead: prefetch the first blocks of the predicted kernel',
  done: 'the kernel runs; blocks not prefetched fault and take the normal fault path',
});

export const fnDeepumRecord = defineFunction('deepum_record_faults', DRIVER, {
  entry: 'a fault batch arrives while the kernel with execution ID e runs',
  record: 'append each block faulting for the first time under e to e\u2019s table (first-fault order)',
  full: 'e\u2019s table is full: the block is not recorded',
});

// ---------------------------------------------------------------- heap layout

// corr.ids header words
const H_SLOTS = 0; // ID slots in use
const H_LAST = 1; // slot + 1 of the last launch (the running kernel while it runs), 0 when untracked
const H_LAUNCHES = 2; // launches seen
const HEADER = 4;
// ID record words
const R_ID = 0; // execution ID (hash)
const R_GPU = 1; // the kernel's GPU
const R_LAUNCHES = 2;
const R_LEN = 3; // entries in the block table
const R_SUCC = 4; // SUCCESSORS_PER_ID x [next slot + 1, count, launch number of the last time]
const SUCC_WORDS = 3;
const RECORD = 16;

const OPS = ['read', 'write', 'atomic'];
const PATTERNS = ['sequential', 'strided', 'random', 'list'];

/**
 * The execution ID of a kernel launch (ours): 32-bit FNV-1a over the GPU and, per access, region, op, pattern,
 * page count and pages. Deterministic, and equal for two launches of the same access pattern.
 */
export function executionId(gpu: number, accesses: readonly AccessSpec[]): number {
  let h = 0x811c9dc5;
  const mix = (w: number): void => {
    for (let s = 0; s < 32; s += 8) h = Math.imul(h ^ ((w >>> s) & 0xff), 0x01000193) >>> 0;
  };
  mix(gpu);
  mix(accesses.length);
  for (const a of accesses) {
    mix(a.region);
    mix(OPS.indexOf(a.op));
    mix(PATTERNS.indexOf(a.pattern));
    mix(a.pages.length);
    for (let i = 0; i < a.pages.length; i++) mix(a.pages[i]);
  }
  return h >>> 0;
}

/** One execution ID's tables, as read from the heaps at the cursor. */
export interface ExecIdView {
  slot: number;
  id: number;
  gpu: number;
  launches: number;
  /** The block correlation table: va_blocks in first-fault order. */
  blocks: number[];
  /** Successors in the execution-ID correlation table. */
  successors: { slot: number; id: number; count: number }[];
}

export class Correlation {
  readonly hIds: number;
  readonly hBlocks: number;
  readonly hMember: number;
  /** u32 words per slot in corr.member. */
  private readonly memberWords: number;

  constructor(private readonly c: Ctx) {
    const store = c.store;
    this.hIds = store.addHeap('corr.ids', 'u32', HEADER);
    this.hBlocks = store.addHeap('corr.blocks', 'u32', 0);
    this.hMember = store.addHeap('corr.member', 'u32', 0);
    this.memberWords = Math.max(1, Math.ceil(c.m.nBlocks / 32));
  }

  // ---------------------------------------------------------------- reading

  private ids(): Uint32Array {
    return this.c.store.u32(this.hIds);
  }
  private rec(slot: number, f: number): number {
    const i = HEADER + slot * RECORD + f;
    const h = this.ids();
    return i < h.length ? h[i] : 0;
  }
  private hdr(f: number): number {
    return this.ids()[f];
  }
  slotCount(): number {
    return this.hdr(H_SLOTS);
  }
  /** The slot of the last launch (the running kernel), or -1. */
  lastSlot(): number {
    return this.hdr(H_LAST) - 1;
  }
  tableLength(slot: number): number {
    return this.rec(slot, R_LEN);
  }
  tableEntry(slot: number, k: number): number {
    return this.c.store.u32(this.hBlocks)[slot * BLOCKS_PER_ID + k] - 1;
  }
  isMember(slot: number, block: number): boolean {
    const i = slot * this.memberWords + (block >>> 5);
    const h = this.c.store.u32(this.hMember);
    return i < h.length && ((h[i] >>> (block & 31)) & 1) === 1;
  }
  /** The slot holding execution ID `id`, or -1. */
  slotOf(id: number): number {
    const n = this.slotCount();
    for (let s = 0; s < n; s++) if (this.rec(s, R_ID) === id) return s;
    return -1;
  }

  view(slot: number): ExecIdView {
    const blocks: number[] = [];
    for (let k = 0; k < this.tableLength(slot); k++) blocks.push(this.tableEntry(slot, k));
    const successors: ExecIdView['successors'] = [];
    for (let j = 0; j < SUCCESSORS_PER_ID; j++) {
      const next = this.rec(slot, R_SUCC + j * SUCC_WORDS) - 1;
      if (next >= 0) successors.push({ slot: next, id: this.rec(next, R_ID), count: this.rec(slot, R_SUCC + j * SUCC_WORDS + 1) });
    }
    return { slot, id: this.rec(slot, R_ID), gpu: this.rec(slot, R_GPU), launches: this.rec(slot, R_LAUNCHES), blocks, successors };
  }

  /** Every tracked execution ID, in the order first launched. */
  views(): ExecIdView[] {
    const out: ExecIdView[] = [];
    for (let s = 0; s < this.slotCount(); s++) out.push(this.view(s));
    return out;
  }

  // ---------------------------------------------------------------- writing

  private setHdr(f: number, v: number): void {
    this.c.store.write(this.hIds, f, v >>> 0, CK.corrIdTable, 0xffffffff);
  }
  private setRec(slot: number, f: number, v: number): void {
    const i = HEADER + slot * RECORD + f;
    this.c.store.ensure(this.hIds, i + 1);
    this.c.store.write(this.hIds, i, v >>> 0, CK.corrIdTable, slot);
  }

  /**
   * The runtime's side of a launch, then the driver's prefetch thread. Called by runGpuKernel before the kernel's
   * accesses run.
   */
  onLaunch(gpu: number, accesses: readonly AccessSpec[]): void {
    const { steps, store } = this.c;
    steps.enter(fnDeepumLaunch.at.entry);
    steps.at(fnDeepumLaunch.at.id);
    const id = executionId(gpu, accesses);
    const prev = this.lastSlot();
    let slot = this.slotOf(id);
    if (slot < 0) {
      const n = this.slotCount();
      if (n >= MAX_EXEC_IDS) {
        // ours: the directory is full; this launch is not tracked and breaks the chain of successors
        store.event(CK.corrTableFull, 0xffffffff, 0, 1, 0);
        this.setHdr(H_LAST, 0);
        steps.leave();
        return;
      }
      slot = n;
      this.setRec(slot, R_ID, id);
      this.setRec(slot, R_GPU, gpu);
      this.setHdr(H_SLOTS, n + 1);
    }
    const launch = this.hdr(H_LAUNCHES) + 1;
    this.setHdr(H_LAUNCHES, launch);
    store.event(CK.corrLaunch, slot, gpu, id, prev + 1);
    this.setRec(slot, R_LAUNCHES, this.rec(slot, R_LAUNCHES) + 1);
    if (prev >= 0) {
      steps.at(fnDeepumLaunch.at.table);
      this.countSuccessor(prev, slot, launch);
    }
    this.setHdr(H_LAST, slot + 1);
    steps.at(fnDeepumLaunch.at.notify);
    this.prefetchThread(slot, gpu);
    steps.leave();
  }

  /** prev → next in the execution-ID correlation table: count it, or take a free or the weakest successor entry. */
  private countSuccessor(prev: number, next: number, launch: number): void {
    let free = -1;
    let weakest = 0;
    for (let j = 0; j < SUCCESSORS_PER_ID; j++) {
      const base = R_SUCC + j * SUCC_WORDS;
      const s = this.rec(prev, base) - 1;
      if (s === next) {
        this.setRec(prev, base + 1, this.rec(prev, base + 1) + 1);
        this.setRec(prev, base + 2, launch);
        return;
      }
      if (s < 0) {
        if (free < 0) free = j;
        continue;
      }
      const wb = R_SUCC + weakest * SUCC_WORDS;
      const [c, t] = [this.rec(prev, base + 1), this.rec(prev, base + 2)];
      const [wc, wt] = [this.rec(prev, wb + 1), this.rec(prev, wb + 2)];
      if (c < wc || (c === wc && t < wt)) weakest = j;
    }
    const j = free >= 0 ? free : weakest;
    const base = R_SUCC + j * SUCC_WORDS;
    this.setRec(prev, base, next + 1);
    this.setRec(prev, base + 1, 1);
    this.setRec(prev, base + 2, launch);
  }

  /** The predicted next slot after `slot`: the most counted successor, ties to the most recent; -1 if none. */
  predictNext(slot: number): number {
    let best = -1;
    let bc = 0;
    let bt = 0;
    for (let j = 0; j < SUCCESSORS_PER_ID; j++) {
      const base = R_SUCC + j * SUCC_WORDS;
      const s = this.rec(slot, base) - 1;
      if (s < 0) continue;
      const [c, t] = [this.rec(slot, base + 1), this.rec(slot, base + 2)];
      if (c > bc || (c === bc && t > bt)) [best, bc, bt] = [s, c, t];
    }
    return best;
  }

  /**
   * The driver's prefetch thread for a launch of `slot` on `gpu`: the launched kernel's predicted blocks in table
   * order, then the first LOOKAHEAD_BLOCKS of the predicted next kernel, stopping when memory is short (see above).
   */
  private prefetchThread(slot: number, gpu: number): void {
    const { steps, store } = this.c;
    const len = this.tableLength(slot);
    const next = this.predictNext(slot);
    if (len === 0 && next < 0) return; // nothing learnt yet: the first launch behaves exactly as without us
    steps.enter(fnDeepumPrefetch.at.entry);
    let going = true;
    if (len > 0) {
      steps.at(fnDeepumPrefetch.at.lookup);
      const own = (b: number) => this.isMember(slot, b);
      const blocks: number[] = [];
      for (let k = 0; k < len; k++) blocks.push(this.tableEntry(slot, k));
      going = this.prefetchBlocks(slot, gpu, blocks, own, false);
    }
    if (going && next >= 0) {
      steps.at(fnDeepumPrefetch.at.predict);
      const sj = this.successorIndex(slot, next);
      store.event(CK.corrPredict, slot, next, this.rec(slot, R_SUCC + sj * SUCC_WORDS + 1), this.rec(slot, R_LAUNCHES));
      const n = Math.min(this.tableLength(next), LOOKAHEAD_BLOCKS);
      if (n > 0) {
        steps.at(fnDeepumPrefetch.at.ahead);
        const ahead: number[] = [];
        for (let k = 0; k < n; k++) ahead.push(this.tableEntry(next, k));
        const mine = new Set(ahead);
        const keep = (b: number) => this.isMember(slot, b) || mine.has(b);
        this.prefetchBlocks(next, this.rec(next, R_GPU), ahead, keep, true);
      }
    }
    steps.at(fnDeepumPrefetch.at.done);
    steps.leave();
  }

  private successorIndex(slot: number, next: number): number {
    for (let j = 0; j < SUCCESSORS_PER_ID; j++) if (this.rec(slot, R_SUCC + j * SUCC_WORDS) === next + 1) return j;
    return 0;
  }

  /** Prefetch `blocks` to `gpu` in order; false when it had to stop for memory. */
  private prefetchBlocks(slot: number, gpu: number, blocks: readonly number[], keep: (block: number) => boolean, lookahead: boolean): boolean {
    const c = this.c;
    const { m, steps, store } = c;
    const L = m.layout;
    const pmm = c.pmmOf(gpu);
    const tag = gpu | ((lookahead ? 1 : 0) << 6);
    const placedElsewhere = (block: number) => {
      const preferred = m.preferredLocation(m.blockRegion[block]);
      return preferred >= 0 && preferred !== gpu; // ours: the user placed this range elsewhere
    };
    if (!lookahead) {
      // ours: every predicted block already here is marked used (in prediction order) before any copy, so making
      // room for an earlier missing block never picks a later predicted one as the driver's LRU victim
      const here: number[] = [];
      for (const block of blocks) {
        if (placedElsewhere(block)) continue;
        const chunk = m.blockWord(block, L.gpuChunk, gpu) - 1;
        if (chunk >= 0 && m.fullMask(block).andNotHeap(m.blocks, L.residentBase(block, gpu)).isEmpty()) here.push(chunk);
      }
      if (here.length > 0) {
        steps.at(fnDeepumPrefetch.at.resident);
        for (const chunk of here) pmm.markUsed(chunk);
      }
    }
    for (const block of blocks) {
      if (placedElsewhere(block)) continue;
      const region = m.blockRegion[block];
      const missing = m.fullMask(block).andNotHeap(m.blocks, L.residentBase(block, gpu));
      const chunk = m.blockWord(block, L.gpuChunk, gpu) - 1;
      if (missing.isEmpty()) {
        this.mapForGpu(block, gpu); // already resident: marked used above (launched kernel), mapped here
        continue;
      }
      if (chunk < 0 && !(pmm.pmaNext() < pmm.rootChunks || pmm.listChunks(List.free).length > 0)) {
        // the driver would evict pick_root_chunk_to_evict's choice: refuse if it holds a block we are about to need
        const victim = pmm.pickVictim(block);
        const owner = victim >= 0 ? pmm.owner(victim) : -1;
        if (victim < 0 || (owner >= 0 && keep(owner))) {
          steps.at(fnDeepumPrefetch.at.space);
          store.event(CK.corrStop, block, slot, tag, owner + 1);
          return false;
        }
      }
      steps.at(fnDeepumPrefetch.at.migrate);
      const readDup = m.readDupEnabled(region) ? missing : null;
      if (!makeResident(c, block, { dest: gpu, pages: missing, prefetch: null, readDup, cause: Cause.prefetch })) {
        steps.at(fnDeepumPrefetch.at.space);
        store.event(CK.corrStop, block, slot, tag, 0);
        return false;
      }
      store.event(CK.corrPrefetch, block, slot, tag, missing.count());
      this.mapForGpu(block, gpu);
    }
    return true;
  }

  /**
   * Map the GPU-resident pages of `block` for `gpu` as uvm_migrate's pass 2 does (api.ts prefetchRange):
   * read-write-atomic where no other processor maps the page, read-write where one does, read-only when duplicated;
   * then the accessed_by processors.
   */
  private mapForGpu(block: number, gpu: number): void {
    const c = this.c;
    const { m, steps } = c;
    const L = m.layout;
    const pages = m.fullMask(block).andHeap(m.blocks, L.residentBase(block, gpu));
    // skip the step when the GPU already maps every page with what pass 2 would give
    const shared = new PageMask(PAGES_PER_BLOCK);
    for (let p = 0; p < m.procs; p++) if (p !== gpu) shared.orHeap(m.blocks, L.mappedBase(block, p, PROT_READ));
    const dup = pages.clone().andHeap(m.blocks, L.readDupBase(block));
    const alone = pages.clone().andNot(shared).andNot(dup);
    const both = pages.clone().and(shared).andNot(dup);
    const done =
      alone.clone().andNotHeap(m.blocks, L.mappedBase(block, gpu, PROT_ATOMIC)).isEmpty() &&
      both.clone().andNotHeap(m.blocks, L.mappedBase(block, gpu, PROT_WRITE)).isEmpty() &&
      dup.clone().andNotHeap(m.blocks, L.mappedBase(block, gpu, PROT_READ)).isEmpty();
    if (done && m.accessedBy(m.blockRegion[block]) === 0) return;
    steps.at(fnDeepumPrefetch.at.map);
    mapPages(c, block, gpu, alone, PROT_ATOMIC);
    mapPages(c, block, gpu, both, PROT_WRITE);
    mapPages(c, block, gpu, dup, PROT_READ);
    mapAccessedBy(c, block, pages, gpu);
  }

  /**
   * The driver's side of a fault batch of the running kernel: append each block faulting for the first time under
   * its execution ID, in the order the faults were fetched. Called by runGpuKernel before the batch is serviced.
   */
  recordFaults(entries: readonly FaultEntry[]): void {
    const slot = this.lastSlot();
    if (slot < 0) return;
    // nothing new (the common case): no step
    let fresh = false;
    for (const e of entries) if (!this.isMember(slot, e.block)) {
      fresh = true;
      break;
    }
    if (!fresh) return;
    const { steps, store } = this.c;
    steps.enter(fnDeepumRecord.at.entry);
    let saidRecord = false;
    let saidFull = false;
    for (const e of entries) {
      const block = e.block;
      if (this.isMember(slot, block)) continue;
      const len = this.tableLength(slot);
      if (len >= BLOCKS_PER_ID) {
        if (!saidFull) {
          steps.at(fnDeepumRecord.at.full);
          store.event(CK.corrTableFull, slot, 0, 2, block + 1);
        }
        saidFull = true;
        continue;
      }
      if (!saidRecord) steps.at(fnDeepumRecord.at.record);
      saidRecord = true;
      const at = slot * BLOCKS_PER_ID + len;
      store.ensure(this.hBlocks, at + 1);
      store.write(this.hBlocks, at, block + 1, CK.corrBlockTable, block);
      const w = slot * this.memberWords + (block >>> 5);
      store.ensure(this.hMember, w + 1);
      store.setBits(this.hMember, w, (1 << (block & 31)) >>> 0, CK.corrBlockTable, block);
      this.setRec(slot, R_LEN, len + 1);
    }
    steps.leave();
  }
}

// ---------------------------------------------------------------- decoding, for the trace and breakpoints

/** Decoded fields per kind, as describeCorrelation gives them (registered with bp-fields.ts below). */
export const CORRELATION_FIELDS: Readonly<Record<keyof typeof CK, readonly string[]>> = {
  corrIdTable: ['slot', 'field', 'successor'],
  corrBlockTable: ['block', 'slot', 'position', 'table'],
  corrLaunch: ['slot', 'proc', 'execId', 'prevSlot'],
  corrPredict: ['slot', 'nextSlot', 'count', 'launches'],
  corrPrefetch: ['block', 'slot', 'proc', 'lookahead', 'pages'],
  corrStop: ['block', 'slot', 'proc', 'lookahead', 'victimBlock'],
  corrTableFull: ['slot', 'table', 'block'],
};

const HEADER_NAMES = ['slots', 'lastSlot', 'launches'];
const RECORD_NAMES = ['execId', 'gpu', 'launches', 'length'];
const SUCC_NAMES = ['next', 'count', 'lastLaunch'];

/**
 * Fields and text of a correlation-prefetcher transition, or null for another kind. `heapName` names the heap a
 * state write landed in; `procName` names a processor (Model.gpuName).
 */
export function describeCorrelation(
  t: { kind: number; heap: number; idx: number; obj: number; before: number; after: number },
  heapName: (heap: number) => string,
  procName: (p: number) => string,
): { fields: Record<string, number | string>; text: string } | null {
  const { kind, idx, obj, before: x, after: y } = t;
  const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
  switch (kind) {
    case CK.corrIdTable: {
      if (idx < HEADER) {
        const field = HEADER_NAMES[idx] ?? `header${idx}`;
        return { fields: { slot: -1, field, successor: -1 }, text: `correlation ${field}: ${x} → ${y}` };
      }
      const slot = Math.floor((idx - HEADER) / RECORD);
      const f = (idx - HEADER) % RECORD;
      const j = f >= R_SUCC ? Math.floor((f - R_SUCC) / SUCC_WORDS) : -1;
      const field = j >= 0 ? SUCC_NAMES[(f - R_SUCC) % SUCC_WORDS] : RECORD_NAMES[f];
      const shown = (v: number) => (field === 'execId' ? hex(v) : field === 'next' ? (v ? `slot ${v - 1}` : 'none') : String(v));
      return { fields: { slot, field, successor: j }, text: `execution ID slot ${slot} ${j >= 0 ? `successor ${j} ` : ''}${field}: ${shown(x)} → ${shown(y)}` };
    }
    case CK.corrBlockTable: {
      if (heapName(t.heap) === 'corr.blocks') {
        const slot = Math.floor(idx / BLOCKS_PER_ID);
        const position = idx % BLOCKS_PER_ID;
        return { fields: { block: obj, slot, position, table: 'blocks' }, text: `block ${obj} is entry ${position} of slot ${slot}\u2019s block correlation table` };
      }
      return { fields: { block: obj, slot: -1, position: -1, table: 'member' }, text: `block ${obj} marked as recorded (membership word ${idx})` };
    }
    case CK.corrLaunch:
      return { fields: { slot: obj, proc: idx, execId: x, prevSlot: y - 1 }, text: `launch on ${procName(idx)}: execution ID ${hex(x)} (slot ${obj})${y ? `, after slot ${y - 1}` : ''}` };
    case CK.corrPredict:
      return { fields: { slot: obj, nextSlot: idx, count: x, launches: y }, text: `slot ${obj} predicts slot ${idx} next (followed it ${x} of ${y} launches)` };
    case CK.corrPrefetch:
      return {
        fields: { block: obj, slot: idx, proc: x & 63, lookahead: x >>> 6, pages: y },
        text: `correlation prefetch of block ${obj} to ${procName(x & 63)}: ${y} pages (${x >>> 6 ? 'lookahead, ' : ''}slot ${idx})`,
      };
    case CK.corrStop:
      return {
        fields: { block: obj, slot: idx, proc: x & 63, lookahead: x >>> 6, victimBlock: y - 1 },
        text: y ? `correlation prefetch stops at block ${obj}: making room would evict predicted block ${y - 1}` : `correlation prefetch stops at block ${obj}: no memory to give`,
      };
    case CK.corrTableFull:
      return {
        fields: { slot: obj === 0xffffffff ? -1 : obj, table: x === 1 ? 'ids' : 'blocks', block: y - 1 },
        text: x === 1 ? `execution-ID table full (${MAX_EXEC_IDS}): launch not tracked` : `block table of slot ${obj} full (${BLOCKS_PER_ID}): block ${y - 1} not recorded`,
      };
    default:
      return null;
  }
}

for (const [name, kind] of Object.entries(CK)) {
  registerDecodedFields(name, CORRELATION_FIELDS[name as keyof typeof CK]);
  registerDescriber(kind, (t, m) => describeCorrelation(t, (h) => m.store.heapName(h), (p) => m.gpuName(p)) ?? { fields: {}, text: name });
}
