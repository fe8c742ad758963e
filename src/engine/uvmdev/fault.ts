/**
 * CPU accesses of a process other than the modelled one to its own managed memory (a second copy of the program:
 * `uvm.open` then `cpu.read` / `cpu.write` with `process: 2`). Its va_space is not modelled beyond what its CPU
 * mappings need: its data stays on the CPU (it launches no kernels), so a fault either populates and maps a page the
 * first time, or, for a page its va_space already lets the CPU access, goes through the driver's check for PTEs the
 * kernel dropped behind its back (uvm_va_block.c:skip_cpu_fault_with_valid_permissions, from block_cpu_fault_locked):
 *
 *  - the first such fault latches (pid, page, time) in block->cpu.fault_authorized and returns without servicing:
 *    the CPU retries the access;
 *  - the same thread faulting on the same page again means the PTE really is gone: the latch is cleared and the fault
 *    serviced, which maps the page again (vm_insert_page).
 *
 * So a page whose PTE another process's unmap_mapping_range removed costs two faults. With one thread the retry always
 * comes from the same thread on the same page, so the 300 µs window for other threads
 * (uvm_perf_authorized_cpu_fault_tracking_window_ns) never applies. With nothing else mapping the page the driver maps
 * it read-write (compute_new_permission), so one bit per page is enough. Each fault costs the scenario's cpuFaultNs;
 * the counters are the modelled process's (CUPTI profiles one process), so these faults are uvmVmFault events only.
 */

import { fnHandleMmFault } from '../cpu/code';
import { fnCpuFault, fnMakeResident, fnMap } from '../uvm/code';
import { fnSkipAuthorized } from './code';
import { UK, UvmFaultOutcome } from './kinds';
import type { UvmDev } from './uvmdev';

/** The touches of `pages` (pages of the VMA, in order) by the VMA's process; returns the faults taken. */
export function otherProcessAccess(u: UvmDev, v: number, pages: Uint32Array): number {
  let faults = 0;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i];
    // the access retries until the PTE lets it through: at most a skipped fault and a serviced one
    while (!u.s.ptePresent(v, p)) {
      fault(u, v, p);
      faults++;
    }
  }
  return faults;
}

function fault(u: UvmDev, v: number, p: number): void {
  const { s, steps } = u;
  const process = u.processOfVma(v);
  steps.enter(fnHandleMmFault.at.entry);
  steps.at(fnHandleMmFault.at.pte);
  steps.at(fnHandleMmFault.at.driver);
  steps.enter(fnCpuFault.at.entry);
  u.clock.spend(u.cpuFaultNs);
  steps.at(fnCpuFault.at.spurious);
  steps.enter(fnSkipAuthorized.at.entry);
  const authorized = s.authorized(v, p);
  if (authorized) {
    steps.at(fnSkipAuthorized.at.authorized);
    if (s.latch(v, p) !== p + 1) {
      steps.at(fnSkipAuthorized.at.latch);
      s.setLatch(v, p, p + 1);
      u.store.event(UK.uvmVmFault, v, p, UvmFaultOutcome.skipped, process);
      steps.leave();
      steps.at(fnCpuFault.at.ret);
      steps.leave();
      steps.leave();
      return;
    }
    steps.at(fnSkipAuthorized.at.same);
    s.setLatch(v, p, 0);
  } else {
    steps.at(fnSkipAuthorized.at.no);
  }
  steps.leave();
  steps.at(fnCpuFault.at.service);
  if (!authorized) {
    steps.enter(fnMakeResident.at.entry);
    steps.at(fnMakeResident.at.firstTouch);
    steps.leave();
  }
  steps.enter(fnMap.at.entry);
  steps.at(fnMap.at.cpu);
  s.setAuthorized(v, p);
  s.setPtes(v, p, p + 1, true);
  steps.leave();
  u.store.event(UK.uvmVmFault, v, p, authorized ? UvmFaultOutcome.remapped : UvmFaultOutcome.firstTouch, process);
  steps.at(fnCpuFault.at.ret);
  steps.leave();
  steps.leave();
}
