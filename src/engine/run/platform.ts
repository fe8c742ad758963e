/**
 * The parts of a run beyond the UVM driver, made only when the scenario needs them (so a scenario of managed memory
 * keeps the same heaps and digests): the Linux side (process, page cache) for file and anonymous regions, GAIA for
 * files shared with a GPU, and gdrcopy for device regions. Each keeps its state in the run's Store.
 */

import type { Ctx } from '../uvm/context';
import { GAIA_FAULTS, type StepSpec, type AccessSpec } from '../scenario/types';
import { LinuxSide } from '../linux/side';
import { Gaia } from '../gaia/gaia';
import { Gdr } from '../gdr/gdr';
import { Hmm } from '../hmm/hmm';
import { isCounterName } from '../uvm/counters';

export class Platform {
  readonly linux: LinuxSide | null;
  readonly gaia: Gaia | null;
  readonly gdr: Gdr | null;
  readonly hmm: Hmm | null;
  /** gdrcopy: the device buffer of each device region (-1 for other kinds), fixed at setup. */
  readonly bufferOf: number[] = [];

  constructor(private readonly c: Ctx) {
    const kinds = new Set(c.scenario.regions.map((r) => r.kind));
    const { m } = c;
    this.linux = kinds.has('file') || kinds.has('anonymous') ? new LinuxSide(c.scenario, c.store, c.steps, m) : null;
    this.gaia = this.linux && kinds.has('file') ? new Gaia(c, this.linux) : null;
    c.gaia = this.gaia;
    // HMM: a dmirror-like device per GPU, mirroring the process and migrating its anonymous memory
    this.hmm = this.linux && kinds.has('anonymous') ? new Hmm(c.store, c.steps, this.linux.cpu.mm, this.linux.clock, m.gpus) : null;
    if (kinds.has('device')) {
      const clock = {
        now: () => m.now(),
        spend: (ns: number) => m.spend(ns),
        count: (name: string, by: number) => {
          if (!isCounterName(name)) throw new Error(`gdrcopy counts ${name}, which is not a counter`);
          m.count(name, by);
        },
      };
      this.gdr = new Gdr(c.store, c.steps, clock, { sharedInodeMapping: c.scenario.policy.gdrSharedMapping });
      for (const r of c.scenario.regions) this.bufferOf.push(r.kind === 'device' ? this.gdr.cudaMalloc(r.gpu ?? 1, r.size) : -1);
    } else this.gdr = null;
  }

  private kindOf(region: number): string {
    return this.c.scenario.regions[region].kind;
  }

  /** A CPU access to a non-managed region. Returns false when the region is not reachable (not mapped). */
  cpuAccess(access: AccessSpec, write: boolean): boolean {
    const kind = this.kindOf(access.region);
    if (kind === 'device') {
      // CPU loads and stores to GPU memory go through a gdrcopy mapping: one 4 KiB copy per page touched
      const mr = this.gdrMr(access.region);
      if (mr < 0 || !this.gdr) return false;
      for (let i = 0; i < access.pages.length; i++) this.gdr.copy(mr, write ? 0 : 1, access.pages[i] * 4096, 4096);
      return true;
    }
    const linux = this.linux;
    if (!linux || linux.regionVa(access.region) < 0) return false;
    linux.cpuAccess(access.region, access.pages, write);
    return true;
  }

  /** A GPU kernel's touches of anonymous memory: device loads and stores through the HMM mirror. */
  deviceAccess(gpu: number, access: AccessSpec): void {
    const base = this.linux!.regionVa(access.region);
    const write = access.op !== 'read';
    for (let i = 0; i < access.pages.length; i++) this.hmm!.deviceAccess(gpu, this.linux!.mm, base + access.pages[i] * 4096, write);
  }

  /** The live pin of a device region by process 1 or 2 (each has its own open file of /dev/gdrdrv), or -1. */
  gdrMr(region: number, process = 1): number {
    if (!this.gdr) return -1;
    return this.gdr.mrOf(this.gdr.fileOf(process - 1), this.bufferOf[region]);
  }

  /** Ops of the page-cache side. Returns an error message, or null when done. */
  runOp(op: StepSpec): string | null {
    switch (op.op) {
      case 'cpu.mmap':
        this.linux!.mmapFile(op.region);
        return null;
      case 'cpu.munmap':
        return this.linux!.munmapFile(op.region) ? null : `cpu.munmap: region "${this.name(op.region)}" is not mapped`;
      case 'cpu.msync':
        return this.linux!.msyncFile(op.region, op.offset, op.length) ? null : `cpu.msync: region "${this.name(op.region)}" is not mapped (cpu.mmap it first)`;
      case 'gaia.map':
        this.gaia!.map(op.region, op.gpu);
        return null;
      case 'gaia.maquire':
        this.gaia!.maquire(op.region, op.offset, op.length, op.gpu);
        return null;
      case 'gaia.mrelease':
        this.gaia!.mrelease(op.region, op.gpu);
        return null;
      case 'gaia.inject':
        this.gaia!.inject(op.region, GAIA_FAULTS.indexOf(op.fault), op.offset, op.length);
        return null;
      case 'hmm.migrate': {
        const base = this.linux!.regionVa(op.region);
        const start = base + Math.floor(op.offset / 4096) * 4096;
        const end = base + Math.ceil((op.offset + op.length) / 4096) * 4096;
        const r = this.hmm!.migrate(this.linux!.mm, start, end, op.to);
        return r.error ? `hmm.migrate of region "${this.name(op.region)}" failed (error ${r.error})` : null;
      }
      case 'hmm.evict': {
        const chunks = this.hmm ? this.hmm.chunksOf(op.gpu) : [];
        if (op.chunk >= chunks.length) return `hmm.evict: ${this.c.m.gpuName(op.gpu)} has ${chunks.length} device chunk${chunks.length === 1 ? '' : 's'}; there is no chunk ${op.chunk}`;
        this.hmm!.evictChunk(chunks[op.chunk]);
        return null;
      }
      case 'gdr.pin':
        this.gdr!.pin(this.gdr!.fileOf(op.process - 1), this.bufferOf[op.region]);
        return null;
      case 'gdr.map': {
        const mr = this.gdrMr(op.region, op.process);
        if (mr < 0) return `gdr.map: region "${this.name(op.region)}" is not pinned (gdr.pin it first)`;
        this.gdr!.map(mr);
        return null;
      }
      case 'gdr.copy': {
        const mr = this.gdrMr(op.region, op.process);
        if (mr < 0) return `gdr.copy: region "${this.name(op.region)}" is not pinned and mapped (gdr.pin and gdr.map it first)`;
        this.gdr!.copy(mr, op.direction === 'to-gpu' ? 0 : 1, op.offset, op.length);
        return null;
      }
      case 'gdr.unpin': {
        const mr = this.gdrMr(op.region, op.process);
        if (mr < 0) return `gdr.unpin: region "${this.name(op.region)}" is not pinned`;
        this.gdr!.unpin(mr);
        return null;
      }
      default:
        return `${op.op} is not modelled by this version of the engine`;
    }
  }

  private name(region: number): string {
    return this.c.scenario.regions[region].name;
  }
}
