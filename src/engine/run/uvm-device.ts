/**
 * /dev/nvidia-uvm in a run: the modelled process opens it when it starts (cuInit) and maps each managed region
 * through it (cudaMallocManaged); `uvm.open` does the same in a second process, whose CPU accesses (`process: 2`)
 * then go through its own VMAs. See uvmdev/ for the paths.
 */

import type { Ctx } from '../uvm/context';
import { UvmDev } from '../uvmdev/uvmdev';
import { MODELLED_PROCESS } from '../uvmdev/state';
import type { AccessSpec } from '../scenario/types';

const PAGE = 4096;
const BLOCK_BYTES = 512 * PAGE;

/** uvm_open and UVM_INITIALIZE in the modelled process (process 1). */
export function openUvmDevice(c: Ctx): UvmDev {
  const dev = new UvmDev(c.store, c.steps, { spend: (ns) => c.m.spend(ns) }, {
    sharedInodeMapping: c.scenario.policy.uvmSharedMapping,
    cpuFaultNs: c.costs.cpuFaultNs,
  });
  dev.open(MODELLED_PROCESS);
  return dev;
}

/**
 * cudaMallocManaged of every managed region in `process`: one mmap of /dev/nvidia-uvm each, at offset = address, of
 * the whole 2 MiB granules the allocation occupies (the va_range's extent, uvm/model.ts), not just the bytes asked for.
 */
export function mapManagedRegions(c: Ctx, process: number): void {
  const dev = c.uvmDev!;
  for (const r of c.m.regions) {
    if (c.scenario.regions[r.index].kind !== 'managed') continue;
    dev.mmap(process, r.index, r.va, r.blocks * BLOCK_BYTES);
  }
}

/** `uvm.open` in another process: open, initialise, and the same managed allocations at the same addresses. */
export function openInProcess(c: Ctx, process: number): string | null {
  if (!c.uvmDev) return 'uvm.open: the scenario has no managed region, so no process uses the UVM driver';
  if (c.uvmDev.fileOf(process) >= 0) return `uvm.open: process ${process} has opened /dev/nvidia-uvm already`;
  c.uvmDev.open(process);
  mapManagedRegions(c, process);
  return null;
}

/** CPU touches of a managed region by a process other than the modelled one. */
export function otherProcessCpuAccess(c: Ctx, process: number, access: AccessSpec): string | null {
  if (!c.uvmDev || c.uvmDev.fileOf(process) < 0) return `process ${process} touches managed memory before it opens /dev/nvidia-uvm (uvm.open it first)`;
  c.uvmDev.otherProcessAccess(process, access.region, access.pages);
  return null;
}
