/**
 * Everything a kernel path needs while a run is being recorded: the model, the step table, one PMM and one page tree
 * per GPU, the thrashing tracker and the cost model.
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import type { AccessSpec, Scenario } from '../scenario/types';
import type { PageMask } from '../core/bits';
import { Model } from './model';
import { Pmm } from './pmm';
import { PageTree } from './pagetree';
import { Thrashing } from './thrashing';
import { Correlation } from './correlation'; // [correlation prefetcher]
import type { UvmDev } from '../uvmdev/uvmdev';

export class Ctx {
  readonly m: Model;
  readonly pmm: Pmm[] = [];
  readonly trees: PageTree[] = [];
  readonly thrashing: Thrashing;
  /** [correlation prefetcher] DeepUM-style tables and prefetch thread; null unless policy.prefetch is correlation. */
  readonly correlation: Correlation | null;
  private faultBatchId = 0;
  /** GAIA's hook into UVM copies (uvm_populate_page_from_cache), set when the run shares a file with a GPU. */
  /** /dev/nvidia-uvm's files and VMAs (uvmdev/), set when the run has managed memory: block_unmap_cpu walks them. */
  uvmDev: UvmDev | null = null;
  gaia: { populateBeforeCopy(block: number, from: PageMask): void; noteGpuWrites(access: AccessSpec): void; sharedGpu(region: number): number } | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly store: Store,
    readonly steps: StepTable,
  ) {
    this.m = new Model(scenario, store, steps);
    for (let g = 1; g <= this.m.gpus; g++) {
      this.pmm.push(new Pmm(this.m, g));
      this.trees.push(new PageTree(this.m, g));
    }
    this.thrashing = new Thrashing(this.m);
    // [correlation prefetcher] made only when asked for, so other runs keep their heaps (and digests) unchanged
    this.correlation = scenario.policy.prefetch === 'correlation' ? new Correlation(this) : null;
  }

  pmmOf(gpu: number): Pmm {
    return this.pmm[gpu - 1];
  }
  treeOf(gpu: number): PageTree {
    return this.trees[gpu - 1];
  }
  nextBatchId(): number {
    return this.faultBatchId++;
  }
  /** The id the next fault batch will get. */
  peekBatchId(): number {
    return this.faultBatchId;
  }

  /** Simulated time of one copy record (research/numbers.md: time = latency + bytes / bandwidth). */
  copyNs(src: number, dst: number, bytes: number): number {
    const link = this.scenario.machine.link;
    const cost = src === 0 ? link.htod : dst === 0 ? link.dtoh : link.dtod;
    return cost.latencyNs + bytes / cost.bytesPerNs;
  }

  /**
   * Whether `proc` can map memory that lives on `loc` (va_space->can_access). On an x86 host with PCIe GPUs the CPU
   * maps only sysmem and a GPU maps sysmem and its own vidmem. Two GPUs are peers: uvm_va_space.c's enable_peers sets
   * can_access, accessible_from and (peer copies being supported) can_copy_from both ways for the pair, so each GPU
   * maps the other's vidmem (aperture PEER) and copies between them go device to device. (Without peer access the
   * driver would stage every GPU-to-GPU copy through the CPU, block_copy_resident_pages; the model's machines have
   * it: docs/model.md, "Two GPUs".)
   */
  canAccess(proc: number, loc: number): boolean {
    if (loc < 0) return false;
    if (loc === 0) return true;
    return proc !== 0;
  }

  /** canAccess as a value, for callbacks on hot paths. */
  readonly canAccessFn = (proc: number, loc: number): boolean => this.canAccess(proc, loc);

  get costs() {
    return this.scenario.machine.costs;
  }
}
