/**
 * /dev/nvidia-uvm as the processes see it: each open gets a struct file whose f_mapping uvm_open replaces with a
 * private address_space (open.ts), UVM_INITIALIZE creates the va_space that records it (open.ts), each managed
 * allocation is a VMA at file offset = virtual address (mmap.ts), and the driver's CPU unmaps walk that address_space
 * (zap.ts). Process 1 is the modelled va_space; a second process (`uvm.open`) maps the same addresses and touches
 * its own copy (fault.ts), which is what shows why the address_space must be private: with
 * `policy.uvmSharedMapping: on` the files share the inode's i_mapping and process 1's migrations zap process 2's PTEs.
 *
 * This class is what the executor and the UVM model call; it is made for every run with managed memory (or a file
 * GAIA shares, whose managed range is mapped the same way).
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import { uvmInitialize, uvmOpen } from './open';
import { uvmMmap } from './mmap';
import { unmapMappingRange, type ZapOwn } from './zap';
import { otherProcessAccess } from './fault';
import { F_PROC, F_VA_SPACE, MODELLED_PROCESS, PAGE_SIZE, UvmDevState, V_PROC, V_REGION, V_START, V_STATE } from './state';

export interface UvmDevOptions {
  /** Counterfactual: uvm_open keeps filp->f_mapping = inode->i_mapping, so every open shares one address_space. */
  sharedInodeMapping?: boolean;
  /** What one CPU fault of another process costs (the scenario's cpuFaultNs). */
  cpuFaultNs?: number;
}

export class UvmDev {
  readonly s: UvmDevState;
  readonly sharedInodeMapping: boolean;
  readonly cpuFaultNs: number;
  readonly modelledProcess = MODELLED_PROCESS;

  constructor(
    readonly store: Store,
    readonly steps: StepTable,
    readonly clock: { spend(ns: number): void },
    options: UvmDevOptions = {},
  ) {
    this.s = new UvmDevState(store);
    this.sharedInodeMapping = options.sharedInodeMapping ?? false;
    this.cpuFaultNs = options.cpuFaultNs ?? 0;
  }

  /** open("/dev/nvidia-uvm") and ioctl(UVM_INITIALIZE) in `process` (1-based). Returns the file. */
  open(process: number): number {
    if (this.fileOf(process) >= 0) throw new Error(`process ${process} has opened /dev/nvidia-uvm already`);
    const f = uvmOpen(this, process);
    uvmInitialize(this, f);
    return f;
  }

  /** The process's open file of /dev/nvidia-uvm, or -1. */
  fileOf(process: number): number {
    for (let f = 0; f < this.s.files; f++) if (this.s.file(f, F_PROC) === process) return f;
    return -1;
  }

  /** va_space->mapping of the process's va_space (an address_space id), or -1 when it has none. */
  vaSpaceMapping(process: number): number {
    const f = this.fileOf(process);
    return f >= 0 ? this.s.file(f, F_VA_SPACE) - 1 : -1;
  }

  /** cudaMallocManaged in `process`: mmap of its file at offset = `start`. Returns the VMA. */
  mmap(process: number, region: number, start: number, length: number): number {
    const f = this.fileOf(process);
    if (f < 0) throw new Error(`process ${process} has not opened /dev/nvidia-uvm`);
    return uvmMmap(this, f, process, region, start, length);
  }

  /** The live VMA of `process` mapping scenario region `region`, or -1. */
  vmaOf(process: number, region: number): number {
    const s = this.s;
    for (let v = 0; v < s.vmas; v++) if (s.vma(v, V_STATE) === 1 && s.vma(v, V_PROC) === process && s.vma(v, V_REGION) === region) return v;
    return -1;
  }
  processOfVma(v: number): number {
    return this.s.vma(v, V_PROC);
  }

  /**
   * unmap_mapping_range(va_space->mapping of `process`, start, bytes): every VMA on that address_space overlapping the
   * range loses its PTEs there; the modelled process's through `zapOwn`. Returns the PTEs removed.
   */
  unmapMappingRange(process: number, start: number, bytes: number, zapOwn: ZapOwn): number {
    const mapping = this.vaSpaceMapping(process);
    if (mapping < 0) throw new Error(`process ${process} has no va_space`);
    return unmapMappingRange(this, mapping, process, start / PAGE_SIZE, bytes / PAGE_SIZE, zapOwn);
  }

  /** CPU touches by `process` (not the modelled one) of `pages` of region `region`. Returns the faults taken. */
  otherProcessAccess(process: number, region: number, pages: Uint32Array): number {
    const v = this.vmaOf(process, region);
    if (v < 0) throw new Error(`process ${process} has no mapping of region ${region}`);
    return otherProcessAccess(this, v, pages);
  }

  /** First virtual address of VMA v. */
  startOf(v: number): number {
    return this.s.vma(v, V_START);
  }
}
