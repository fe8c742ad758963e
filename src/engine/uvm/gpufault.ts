/**
 * A GPU kernel's accesses and the replayable-fault path (uvm_gpu_replayable_faults.c).
 *
 * How a grid's accesses reach the fault buffer (docs/model.md, "GPU kernels and the fault buffer"): the kernel's
 * accesses form one stream of 4 KiB page touches; several accesses of one kernel are interleaved position by
 * position, as the threads of a grid touch their arrays side by side. Warps run ahead through pages they may access;
 * at the first page they may not, every touch in the next `faultWindowPages` positions that also faults is written
 * to the fault buffer (those warps are in flight together), up to the batch size of 256 raw entries. The driver
 * fetches that batch, services it block by block, flushes the rest of the buffer and replays; the stalled warps
 * retry, and the stream continues from the first stalled position.
 */

import type { Ctx } from './context';
import { fnGpuKernel, fnServiceBlockFaults, fnServiceFaults } from './code';
import { Access, K } from './kinds';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from './layout';
import { selectResidency } from './residency';
import { newDest, serviceBlock, type DestRequest } from './service';
import { PageMask, WORDS_PER_BLOCK_MASK as MW, heapMaskEmpty } from '../core/bits';
import { PAGES_PER_BLOCK, POLICY_READ_DUP } from './model';
import type { AccessSpec, KernelLaunch } from '../scenario/types';

export const FAULT_BATCH_COUNT = 256; // uvm_perf_fault_batch_count

export interface FaultEntry {
  block: number;
  page: number;
  access: number;
  instances: number;
}

const ACCESS_OF = { read: Access.read, write: Access.write, atomic: Access.atomicStrong } as const;
const PROT_FOR = [PROT_READ, PROT_READ, PROT_WRITE, PROT_ATOMIC, PROT_ATOMIC];

/** The kernel's page touches, interleaved across its accesses. */
export interface TouchStream {
  block: Uint32Array;
  page: Uint16Array;
  access: Uint8Array;
  length: number;
}

export function buildStream(c: Ctx, accesses: AccessSpec[]): TouchStream {
  const n = accesses.reduce((s, a) => s + a.pages.length, 0);
  const out: TouchStream = { block: new Uint32Array(n), page: new Uint16Array(n), access: new Uint8Array(n), length: n };
  const longest = accesses.reduce((s, a) => Math.max(s, a.pages.length), 0);
  let i = 0;
  if (accesses.length === 1) {
    const a = accesses[0];
    const first = c.m.regions[a.region].firstBlock;
    const acc = ACCESS_OF[a.op];
    for (let j = 0; j < a.pages.length; j++) {
      const p = a.pages[j];
      out.block[j] = first + (p >>> 9);
      out.page[j] = p & (PAGES_PER_BLOCK - 1);
      out.access[j] = acc;
    }
    return out;
  }
  for (let j = 0; j < longest; j++) {
    for (const a of accesses) {
      if (j >= a.pages.length) continue;
      const p = a.pages[j];
      out.block[i] = c.m.regions[a.region].firstBlock + (p >>> 9);
      out.page[i] = p & (PAGES_PER_BLOCK - 1);
      out.access[i] = ACCESS_OF[a.op];
      i++;
    }
  }
  return out;
}

export function runGpuKernel(c: Ctx, gpu: number, accesses: AccessSpec[], window: number, launch?: KernelLaunch): number {
  if (launch) return runGridKernel(c, gpu, accesses, launch);
  const { m, steps } = c;
  const s = buildStream(c, accesses);
  const L = m.layout;
  const stride = L.stride;
  const mappedOff = (prot: number) => L.mapped + (prot * m.procs + gpu) * MW;
  const offs = [mappedOff(PROT_READ), mappedOff(PROT_WRITE), mappedOff(PROT_ATOMIC)];
  const allowed = (i: number): boolean => {
    const blocks = m.blocks;
    const pg = s.page[i];
    return ((blocks[s.block[i] * stride + offs[PROT_FOR[s.access[i]]] + (pg >>> 5)] >>> (pg & 31)) & 1) === 1;
  };
  // [correlation prefetcher] DeepUM-style launch hook: execution ID, tables, prefetch (uvm/correlation.ts)
  c.correlation?.onLaunch(gpu, accesses);
  steps.enter(fnGpuKernel.at.launch);
  let pos = 0;
  let stalls = 0;
  // touches whose warps completed: their page was mapped when a replay let them retry (even if a later batch
  // evicted it again, as happens when a kernel needs more memory than the GPU has)
  const done = new Uint8Array(s.length);
  while (true) {
    while (pos < s.length && (done[pos] === 1 || allowed(pos))) pos++;
    if (pos >= s.length) break;
    steps.at(fnGpuKernel.at.fault);
    const entries: FaultEntry[] = [];
    let raw = 0;
    const end = Math.min(s.length, pos + window);
    for (let i = pos; i < end && raw < FAULT_BATCH_COUNT; i++) {
      if (done[i] === 1 || allowed(i)) continue;
      raw++;
      const last = entries.length ? entries[entries.length - 1] : null;
      // uvm_perf_fault_coalesce: a repeat of the last entry's page merges into it
      if (last && last.block === s.block[i] && last.page === s.page[i]) {
        last.instances++;
        if (s.access[i] > last.access) last.access = s.access[i];
      } else entries.push({ block: s.block[i], page: s.page[i], access: s.access[i], instances: 1 });
    }
    steps.at(fnGpuKernel.at.interrupt);
    // [correlation prefetcher] record newly faulting blocks in the running kernel's table (uvm/correlation.ts)
    c.correlation?.recordFaults(entries);
    if (!serviceOrWait(c, gpu, entries, raw, false)) stalls++;
    // the replay: every in-flight warp whose page is now mapped completes its access
    for (let i = pos; i < end; i++) if (allowed(i)) done[i] = 1;
    if (stalls > MAX_STALLS) throw new Error(`GPU kernel made no progress after ${MAX_STALLS} throttled batches`);
  }
  steps.at(fnGpuKernel.at.done);
  steps.leave();
  return s.length;
}

/**
 * Fault entries the bottom half finds ready when it fetches after a replay (fetch_fault_buffer_entries in
 * FAULT_FETCH_MODE_BATCH_READY stops at the first entry the GPU has not finished writing). Calibrated, not read from
 * source: demand-vs-prefetch's capture holds 256 faulted pages in its first batch (the buffer filled while the
 * bottom half woke) and 31–175, 117 on average, in the 19 after it, while the replayed warps were still faulting.
 */
export const GRID_REFAULT_ENTRIES = 128;
/**
 * …and no more than this many per multiprocessor with faulting warps: first-touch's capture, four thread blocks on
 * four SMs, holds 31–48 faulted pages in each batch after the first.
 */
export const GRID_REFAULT_PER_SM = 12;

/**
 * How many faulting lanes of one warp reach a batch in one go: 1 to this many, uniformly (seeded). Calibrated: the
 * captures' GPU-fault batches hold 1 to 17 faulted pages per warp, 5 on average, most often 1 to 7.
 */
export const GRID_BURST_LANES = 8;

/**
 * The 64 KiB regions one multiprocessor's faults in one batch may fall in. Calibrated: fault-batch-cost's second
 * kernel (256 random pages, one thread block, one SM) took 23 batches of 6–14 faults, each on a region of its own.
 */
export const GRID_SM_REGIONS = 8;

/** Warp width (threads per warp). */
const WARP = 32;

/**
 * mulberry32: the seeded generator of the order in which multiprocessors' faults reach the buffer. The GMMU takes
 * uTLB misses from every SM as they come, an order that depends on timing the model does not have; a fixed
 * round-robin would give every SM the same share of every batch (every faulted run 4 pages long), which the captures
 * show is not so (runs of 1 to 10 and more pages). A seeded order is as varied and stays deterministic.
 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A kernel launched as one thread per page touch (tools/uvm-capture's touchPages): thread i makes touch i of the
 * kernel's accesses laid end to end (the tool lays them out so), warps are 32 consecutive threads, thread blocks of
 * `threadsPerBlock` are dispatched in order to the multiprocessors (block b to SM b mod SMs, as many per SM as its
 * threads allow; a finished block's SM takes the next one). Every warp of every resident block issues its access at
 * once; each lane whose page the GPU may not access faults. Per batch:
 * - the bottom half fetches the entries ready: up to `uvm_perf_fault_batch_count` (256) for the kernel's first batch,
 *   after a replay `GRID_REFAULT_ENTRIES` and `GRID_REFAULT_PER_SM` per SM with faulting warps
 *   (fetch_fault_buffer_entries in FAULT_FETCH_MODE_BATCH_READY stops at the first entry not yet written);
 * - those entries come from the SMs in bursts of 1 to `GRID_BURST_LANES` lanes, in a seeded order (rng); each SM
 *   reports its current warp's faulting lanes in lane order, then another of its faulting warps (seeded), its faults
 *   falling in at most `GRID_SM_REGIONS` big pages;
 * - the batch is serviced as any other (serviceFaultBatch: sorted by va_block, the prefetcher per block), then the
 *   buffer is flushed and replayed (UVM_PERF_FAULT_REPLAY_POLICY_BATCH_FLUSH): every stalled lane retries, and those
 *   whose page is now mapped complete, reported or not.
 */
export function runGridKernel(c: Ctx, gpu: number, accesses: AccessSpec[], launch: KernelLaunch): number {
  const { m, steps } = c;
  const n = accesses.reduce((t, a) => t + a.pages.length, 0);
  const block = new Uint32Array(n);
  const page = new Uint16Array(n);
  const access = new Uint8Array(n);
  let k = 0;
  for (const a of accesses) {
    const first = m.regions[a.region].firstBlock;
    const acc = ACCESS_OF[a.op];
    for (let j = 0; j < a.pages.length; j++, k++) {
      block[k] = first + (a.pages[j] >>> 9);
      page[k] = a.pages[j] & (PAGES_PER_BLOCK - 1);
      access[k] = acc;
    }
  }
  const L = m.layout;
  const offs = [PROT_READ, PROT_WRITE, PROT_ATOMIC].map((prot) => L.mapped + (prot * m.procs + gpu) * MW);
  const allowed = (i: number): boolean => {
    const pg = page[i];
    return ((m.blocks[block[i] * L.stride + offs[PROT_FOR[access[i]]] + (pg >>> 5)] >>> (pg & 31)) & 1) === 1;
  };
  c.correlation?.onLaunch(gpu, accesses);
  steps.enter(fnGpuKernel.at.launch);
  const tpb = Math.max(WARP, launch.threadsPerBlock);
  const blocks = Math.ceil(n / tpb);
  const sms = Math.max(1, launch.multiprocessors);
  const perSm = Math.max(1, Math.floor(launch.threadsPerMultiprocessor / tpb));
  const done = new Uint8Array(n);
  const smOf = new Int32Array(blocks).fill(-1);
  const resident: number[] = [];
  let next = 0;
  for (; next < blocks && next < sms * perSm; next++) {
    smOf[next] = next % sms;
    resident.push(next);
  }
  const end = (b: number) => Math.min(n, (b + 1) * tpb);
  /** Whether the warp of lane `i` (a lane the SM reports next) still has a faulting lane from i on. */
  const hasLane = (i: number): boolean => {
    for (; i < n && i % WARP !== 0; i++) if (done[i] === 0) return true;
    return false;
  };
  let firstBatch = true;
  let stalls = 0;
  while (resident.length > 0) {
    // every resident lane retries: those whose page is mapped complete
    const faulting = new Map<number, number[]>(); // SM -> warps (first thread) with faulting lanes
    for (let r = 0; r < resident.length; ) {
      const b = resident[r];
      let left = 0;
      for (let w = b * tpb; w < end(b); w += WARP) {
        let faults = 0;
        for (let i = w; i < Math.min(end(b), w + WARP); i++) {
          if (done[i] === 1) continue;
          if (allowed(i)) done[i] = 1;
          else faults++;
        }
        if (faults > 0) {
          left += faults;
          const list = faulting.get(smOf[b]);
          if (list) list.push(w);
          else faulting.set(smOf[b], [w]);
        }
      }
      if (left === 0) {
        // the block has finished: its SM takes the next block
        const sm = smOf[b];
        if (next < blocks) {
          smOf[next] = sm;
          resident[r] = next++;
        } else resident.splice(r, 1);
        continue;
      }
      r++;
    }
    if (faulting.size === 0) continue;
    steps.at(fnGpuKernel.at.fault);
    const id = c.peekBatchId();
    const rand = rng(0x9e3779b9 ^ Math.imul(id + 1, 0x85ebca6b));
    const smList = [...faulting.keys()].sort((x, y) => x - y);
    const want = firstBatch ? FAULT_BATCH_COUNT : Math.min(FAULT_BATCH_COUNT, GRID_REFAULT_ENTRIES, GRID_REFAULT_PER_SM * smList.length);
    firstBatch = false;
    const cur = new Map<number, number>(); // SM -> the next lane of the warp it is reporting
    const regions = new Map<number, Set<number>>(); // SM -> the 64 KiB regions its faults in this batch fall in
    const entries: FaultEntry[] = [];
    let raw = 0;
    while (raw < want && smList.length > 0) {
      // a burst: one SM's uTLB reports a few faulting lanes, in lane order, warp after warp
      const si = Math.floor(rand() * smList.length);
      const sm = smList[si];
      let burst = 1 + Math.floor(rand() * GRID_BURST_LANES);
      let full = false;
      while (burst > 0 && raw < want) {
        let i = cur.get(sm) ?? -1;
        while (i >= 0 && i % WARP !== 0 && i < n && done[i] === 1) i++;
        if (i < 0 || i % WARP === 0 || i >= n) {
          // the SM's next faulting warp, in a seeded order
          const warps = faulting.get(sm)!;
          if (warps.length === 0) break;
          const wi = Math.floor(rand() * warps.length);
          i = warps[wi];
          warps[wi] = warps[warps.length - 1];
          warps.pop();
          while (done[i] === 1) i++;
        }
        // the SM's uTLB tracks at most GRID_SM_REGIONS big pages' misses at once
        const region = block[i] * 32 + (page[i] >>> 4);
        let seen = regions.get(sm);
        if (!seen) regions.set(sm, (seen = new Set()));
        if (!seen.has(region) && seen.size >= GRID_SM_REGIONS) {
          full = true;
          break;
        }
        seen.add(region);
        cur.set(sm, i + 1);
        burst--;
        raw++;
        const last = entries.length ? entries[entries.length - 1] : null;
        if (last && last.block === block[i] && last.page === page[i]) {
          last.instances++;
          if (access[i] > last.access) last.access = access[i];
        } else entries.push({ block: block[i], page: page[i], access: access[i], instances: 1 });
      }
      if (full || (faulting.get(sm)!.length === 0 && !hasLane(cur.get(sm)!))) smList.splice(si, 1);
    }
    steps.at(fnGpuKernel.at.interrupt);
    c.correlation?.recordFaults(entries);
    if (!serviceOrWait(c, gpu, entries, raw, true)) stalls++;
    if (stalls > MAX_STALLS) throw new Error(`GPU kernel made no progress after ${MAX_STALLS} throttled batches`);
  }
  steps.at(fnGpuKernel.at.done);
  steps.leave();
  return n;
}

/** Batches in a kernel that may make no progress (every fault throttled) before the model calls it stuck. */
const MAX_STALLS = 1000;

/**
 * Service one batch; when every fault in it was throttled, the warps keep faulting until the throttling period ends,
 * so the clock goes to just after it (the throttle test is strict: now < end throttles). Returns whether the batch
 * serviced any fault.
 */
function serviceOrWait(c: Ctx, gpu: number, entries: FaultEntry[], raw: number, grid: boolean): boolean {
  const before = c.m.now();
  if (serviceFaultBatch(c, gpu, entries, raw, grid)) return true;
  const until = c.thrashing.throttleEndFor(entries.map((e) => [e.block, e.page]));
  c.m.advanceTo(Math.max(until + 1, before + 1));
  return false;
}

/** One batch: fetch, preprocess, service per va_block, replay. Returns whether any fault was serviced. */
export function serviceFaultBatch(c: Ctx, gpu: number, entries: FaultEntry[], raw: number, grid = false): boolean {
  const { m, steps } = c;
  const id = c.nextBatchId();
  steps.enter(fnServiceFaults.at.entry);
  steps.at(fnServiceFaults.at.fetch);
  m.store.event(K.faultBatch, gpu, id, raw, entries.length);
  m.count('gpu_fault_batches');
  for (const e of entries) m.store.event(K.gpuFault, e.block, e.page, gpu, e.access | (e.instances << 8));
  m.count('gpu_faults', entries.length);
  steps.at(fnServiceFaults.at.preprocess);
  const order = (a: FaultEntry, b: FaultEntry) => a.block - b.block || a.page - b.page || b.access - a.access;
  let sorted = entries;
  for (let i = 1; i < entries.length; i++) {
    if (order(entries[i - 1], entries[i]) > 0) {
      sorted = entries.slice().sort(order);
      break;
    }
  }
  steps.at(fnServiceFaults.at.service);
  let serviced = false;
  let blocks = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].block === sorted[i].block) j++;
    if (serviceBlockFaults(c, gpu, sorted[i].block, sorted, i, j)) serviced = true;
    blocks++;
    i = j;
  }
  steps.at(fnServiceFaults.at.replay);
  m.store.event(K.replay, gpu, id, 0, 0);
  // a batch of a one-thread-per-page grid: the captures' fit, a fixed part and a part per va_block serviced; a batch
  // of the fault window: one cost (docs/model.md "Fault groups, and the per-batch cost")
  m.spend(grid ? c.costs.faultGridBatchNs + c.costs.faultGridBlockNs * blocks : c.costs.faultBatchNs);
  steps.leave();
  return serviced;
}

/** service_fault_batch_block_locked over entries [from, to) of the sorted batch, all in `block`. */
function serviceBlockFaults(c: Ctx, gpu: number, block: number, entries: FaultEntry[], from: number, to: number): boolean {
  const { m, steps } = c;
  const L = m.layout;
  steps.enter(fnServiceBlockFaults.at.entry);
  const dests = new Map<number, DestRequest>();
  const access = new Uint8Array(PAGES_PER_BLOCK);
  const seen = new PageMask(PAGES_PER_BLOCK);
  const region = m.blockRegion[block];
  const preferred = m.preferredLocation(region);
  // with no thrashing history in the block there is no hint to ask for
  const thrashingPossible = m.blockWord(block, L.thrashSlot) !== 0;
  // with no policy and nothing duplicated, every rule of block_select_processor_residency picks the requester
  const plain = preferred < 0 && m.policy(region, POLICY_READ_DUP) === 0 && m.accessedBy(region) === 0 && heapMaskEmpty(m.blocks, L.readDupBase(block));
  let handled = false;
  let saidDuplicate = false;
  let saidAuthorized = false;
  let saidResidency = false;
  for (let k = from; k < to; k++) {
    const e = entries[k];
    if (seen.has(e.page)) {
      if (!saidDuplicate) steps.at(fnServiceBlockFaults.at.duplicate);
      saidDuplicate = true;
      continue;
    }
    seen.set(e.page);
    if (m.isMapped(block, gpu, PROT_FOR[e.access], e.page)) {
      if (!saidAuthorized) steps.at(fnServiceBlockFaults.at.authorized);
      saidAuthorized = true;
      m.store.event(K.faultSkipped, block, e.page, gpu, 0);
      handled = true;
      continue;
    }
    let pin = -1;
    if (thrashingPossible) {
      const hint = c.thrashing.getHint(block, e.page, gpu, preferred, c.canAccessFn);
      if (hint.type === 'throttle') {
        steps.at(fnServiceBlockFaults.at.throttle);
        continue;
      }
      if (hint.type === 'pin') pin = hint.residency;
    }
    if (!saidResidency) steps.at(fnServiceBlockFaults.at.residency);
    saidResidency = true;
    const sel = plain && pin < 0 ? { dest: gpu, readDup: false } : selectResidency(c, block, e.page, gpu, e.access, pin);
    let d = dests.get(sel.dest);
    if (!d) dests.set(sel.dest, (d = newDest()));
    d.pages.set(e.page);
    if (sel.readDup) d.readDup.set(e.page);
    if (pin >= 0) d.pinned.set(e.page);
    if (e.access > access[e.page]) access[e.page] = e.access;
  }
  if (dests.size > 0) {
    steps.at(fnServiceBlockFaults.at.service);
    serviceBlock(c, block, { requester: gpu, dests, access });
    handled = true;
  }
  steps.leave();
  return handled;
}
