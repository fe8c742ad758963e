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
import type { AccessSpec } from '../scenario/types';

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

export function runGpuKernel(c: Ctx, gpu: number, accesses: AccessSpec[], window: number): number {
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
    const before = m.now();
    const progressed = serviceFaultBatch(c, gpu, entries, raw);
    // the replay: every in-flight warp whose page is now mapped completes its access
    for (let i = pos; i < end; i++) if (allowed(i)) done[i] = 1;
    if (!progressed) {
      // every fault was throttled: the warps keep faulting until the throttling period ends
      stalls++;
      const until = c.thrashing.throttleEndFor(entries.map((e) => [e.block, e.page]));
      // the warps retry just after the period ends (the throttle test is strict: now < end throttles)
      m.advanceTo(Math.max(until + 1, before + 1));
      if (stalls > 1000) throw new Error('GPU kernel made no progress after 1000 throttled batches');
    }
  }
  steps.at(fnGpuKernel.at.done);
  steps.leave();
  return s.length;
}

/** One batch: fetch, preprocess, service per va_block, replay. Returns whether any fault was serviced. */
export function serviceFaultBatch(c: Ctx, gpu: number, entries: FaultEntry[], raw: number): boolean {
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
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].block === sorted[i].block) j++;
    if (serviceBlockFaults(c, gpu, sorted[i].block, sorted, i, j)) serviced = true;
    i = j;
  }
  steps.at(fnServiceFaults.at.replay);
  m.store.event(K.replay, gpu, id, 0, 0);
  m.spend(c.costs.faultBatchNs);
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
