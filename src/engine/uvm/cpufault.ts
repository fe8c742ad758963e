/**
 * CPU accesses to managed memory and the CPU fault path (uvm.c:uvm_vm_fault → uvm_va_space_cpu_fault →
 * uvm_va_block_cpu_fault → block_cpu_fault_locked → uvm_va_block_service_locked).
 *
 * A CPU access that the CPU's page tables allow costs nothing here. Otherwise the fault's region is the one faulting
 * 4 KiB page, plus whatever the prefetcher adds (the CPU side uses the same prefetch tree, minus pages the CPU
 * already holds and maps). A CPU read fault is READ, a write fault is ATOMIC_STRONG. A throttled CPU sleeps for the
 * nap and retries.
 */

import type { Ctx } from './context';
import { fnCpuFault } from './code';
import { Access, K } from './kinds';
import { PROT_READ, PROT_WRITE } from './layout';
import { selectResidency } from './residency';
import { newDest, serviceBlock } from './service';
import { WORDS_PER_BLOCK_MASK as MW } from '../core/bits';
import { PAGES_PER_BLOCK } from './model';
import type { AccessSpec } from '../scenario/types';

export function runCpuAccess(c: Ctx, access: AccessSpec, write: boolean): number {
  const { m } = c;
  const L = m.layout;
  const region = m.regions[access.region];
  const off = L.mapped + ((write ? PROT_WRITE : PROT_READ) * m.procs + 0) * MW;
  const stride = L.stride;
  const pages = access.pages;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i];
    const block = region.firstBlock + (p >>> 9);
    const page = p & (PAGES_PER_BLOCK - 1);
    const w = m.blocks[block * stride + off + (page >>> 5)];
    if (((w >>> (page & 31)) & 1) === 1) continue;
    cpuFault(c, block, page, write ? Access.atomicStrong : Access.read);
  }
  return pages.length;
}

export function cpuFault(c: Ctx, block: number, page: number, access: number): void {
  const { m, steps } = c;
  steps.enter(fnCpuFault.at.entry);
  m.store.event(K.cpuFault, block, page, access, 0);
  m.count('cpu_faults');
  const preferred = m.preferredLocation(m.blockRegion[block]);
  let pin = -1;
  for (let tries = 0; ; tries++) {
    steps.at(fnCpuFault.at.hint);
    const hint = c.thrashing.getHint(block, page, 0, preferred, c.canAccessFn);
    if (hint.type === 'throttle' && tries < 4) {
      steps.at(fnCpuFault.at.throttle);
      // sleep through the period; the retry comes just after it ends (the throttle test is strict: now < end)
      m.advanceTo(Math.max(hint.until + 1, m.now() + 1));
      continue;
    }
    if (hint.type === 'pin') pin = hint.residency;
    break;
  }
  steps.at(fnCpuFault.at.residency);
  const sel = selectResidency(c, block, page, 0, access, pin);
  // on PCIe the CPU cannot map vidmem: whatever the rules say, the data comes to the CPU
  const dest = c.canAccess(0, sel.dest) ? sel.dest : 0;
  const d = newDest();
  d.pages.set(page);
  if (sel.readDup && dest === 0) d.readDup.set(page);
  if (pin >= 0) d.pinned.set(page);
  const accessMask = new Uint8Array(PAGES_PER_BLOCK);
  accessMask[page] = access;
  steps.at(fnCpuFault.at.service);
  serviceBlock(c, block, { requester: 0, dests: new Map([[dest, d]]), access: accessMask });
  steps.at(fnCpuFault.at.ret);
  m.spend(c.costs.cpuFaultNs);
  steps.leave();
}
