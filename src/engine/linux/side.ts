/**
 * The Linux side of a run: one process (its mm), system RAM, the page cache, and the scenario's file and anonymous
 * regions placed in that process. Built by the executor next to the UVM model; every piece keeps its state in the
 * same Store, so time travel, digests and breakpoints cover it unchanged.
 *
 * - A file region is a file on disk with its own inode address_space; `cpu.mmap` maps it MAP_SHARED into the
 *   process (the VMA id is state: mapping and unmapping travel in time).
 * - An anonymous region is a private anonymous mapping made when the process starts (malloc of a large buffer).
 * - CPU accesses to either go through the process's page tables: a missing or read-only PTE is a page fault
 *   (handle_mm_fault), as Linux does.
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import type { Scenario } from '../scenario/types';
import type { Model } from '../uvm/model';
import { isCounterName } from '../uvm/counters';
import type { Clock } from '../cpu/costs';
import { createCpuSide, type CpuSide } from '../cpu/index';
import { GK } from '../gaia/kinds';

const PAGE = 4096;

export class LinuxSide {
  readonly cpu: CpuSide;
  /** The scenario's process. */
  readonly mm: number;
  /** address_space of each file region (-1 for other kinds); fixed at setup. */
  readonly fileOf: number[] = [];
  /** VMA of each anonymous region (-1 for other kinds); fixed at setup. */
  readonly anonVmaOf: number[] = [];
  /** Heap: per region, the VMA id + 1 of the file's current CPU mapping (0 = not mapped). */
  readonly hRegionVma: number;
  readonly clock: Clock;

  constructor(
    readonly scenario: Scenario,
    readonly store: Store,
    readonly steps: StepTable,
    readonly m: Model,
  ) {
    this.clock = {
      now: () => m.now(),
      spend: (ns) => m.spend(ns),
      count: (name, by) => {
        if (!isCounterName(name)) throw new Error(`the CPU side counts ${name}, which is not a counter`);
        m.count(name, by);
      },
    };
    this.cpu = createCpuSide(store, steps, { gpus: m.gpus, frames: Math.floor(scenario.machine.cpuMemory / PAGE), clock: this.clock });
    this.hRegionVma = store.addHeap('linux.regions', 'u32', scenario.regions.length);
    // the process and its files exist before the first step (recorded in the setup step)
    this.mm = this.cpu.mm.createMm();
    for (const r of scenario.regions) {
      this.fileOf.push(r.kind === 'file' ? this.cpu.pc.createAddressSpace('inode') : -1);
      this.anonVmaOf.push(r.kind === 'anonymous' ? this.cpu.mm.mmap(this.mm, { length: r.size, read: true, write: true }) : -1);
    }
  }

  /** The CPU VMA a file region is mapped at now, or -1. */
  fileVma(region: number): number {
    return this.store.u32(this.hRegionVma)[region] - 1;
  }

  /** mmap(MAP_SHARED) of a file region; a region already mapped keeps its mapping. */
  mmapFile(region: number, gpuMapped = false): number {
    const v = this.fileVma(region);
    if (v >= 0) return v;
    const r = this.scenario.regions[region];
    const vma = this.cpu.mm.mmap(this.mm, { length: r.size, read: true, write: true, shared: true, file: this.fileOf[region], pgoff: 0, gpuMapped });
    this.store.write(this.hRegionVma, region, vma + 1, GK.regionMapping, region);
    return vma;
  }

  munmapFile(region: number): boolean {
    const v = this.fileVma(region);
    if (v < 0) return false;
    const vm = this.cpu.mm.vmas;
    this.cpu.mm.munmap(this.mm, vm.start(v), vm.end(v) - vm.start(v));
    this.store.write(this.hRegionVma, region, 0, GK.regionMapping, region);
    return true;
  }

  msyncFile(region: number, offset: number, length: number): boolean {
    const v = this.fileVma(region);
    if (v < 0) return false;
    const start = this.cpu.mm.vmas.start(v) + Math.floor(offset / PAGE) * PAGE;
    const end = this.cpu.mm.vmas.start(v) + Math.ceil((offset + length) / PAGE) * PAGE;
    this.cpu.mm.msync(this.mm, start, end - start);
    return true;
  }

  /** First VA of a region in the process (its file mapping or its anonymous mapping), or -1 if not mapped. */
  regionVa(region: number): number {
    const vm = this.cpu.mm.vmas;
    const anon = this.anonVmaOf[region];
    if (anon >= 0) return vm.start(anon);
    const v = this.fileVma(region);
    return v >= 0 ? vm.start(v) : -1;
  }

  /** CPU loads or stores to pages of a file or anonymous region, each through the page tables. */
  cpuAccess(region: number, pages: Uint32Array, write: boolean): void {
    const base = this.regionVa(region);
    if (base < 0) throw new Error(`region ${this.scenario.regions[region].name} is not mapped`);
    const mm = this.cpu.mm;
    for (let i = 0; i < pages.length; i++) mm.access(this.mm, base + pages[i] * PAGE, write);
  }
}
