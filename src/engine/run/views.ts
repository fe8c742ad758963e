/**
 * Read-only views of the model at the run's cursor, shaped for the panels that will show them: a va_block with its
 * masks, a GPU's PMM with its lists, a GPU's page tree. Plain data (numbers, arrays of runs), so a host can send them
 * across a MessagePort unchanged.
 */

import type { Run } from './run';
import { PageMask } from '../core/bits';
import { PAGES_PER_BLOCK } from '../uvm/model';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from '../uvm/layout';
import { CHUNK_STATE_NAMES, LIST_NAMES, List } from '../uvm/pmm';
import { APERTURE_NAMES, HOPPER_LEVELS } from '../uvm/pagetree';
import { apertureOf } from '../uvm/mapping';

/** A set of pages as [first, end) runs. */
export type PageRuns = [number, number][];

function runsOf(mask: PageMask): PageRuns {
  const out: PageRuns = [];
  mask.forEachRun((lo, hi) => out.push([lo, hi]));
  return out;
}

export interface ProcessorBlockState {
  proc: number;
  name: string;
  resident: PageRuns;
  mappedRead: PageRuns;
  mappedWrite: PageRuns;
  mappedAtomic: PageRuns;
  /** GPUs only. */
  evicted?: PageRuns;
  rootChunk?: number;
  pte?: { size2m: boolean; bigPages: number[]; apertures: Record<string, PageRuns> };
}

export interface BlockView {
  block: number;
  region: string;
  va: number;
  pages: number;
  readDuplicated: PageRuns;
  cpuAllocated: PageRuns;
  cpuChunk2m: boolean;
  processors: ProcessorBlockState[];
  prefetch: { lastDestination: number; faultMigrations: number };
}

export function blockView(run: Run, block: number): BlockView {
  const { m } = run.ctx;
  const L = m.layout;
  if (!Number.isInteger(block) || block < 0 || block >= m.nBlocks) throw new RangeError(`block ${block} is outside 0..${m.nBlocks - 1}`);
  const processors: ProcessorBlockState[] = [];
  for (let p = 0; p < m.procs; p++) {
    const s: ProcessorBlockState = {
      proc: p,
      name: m.gpuName(p),
      resident: runsOf(m.readMask(L.residentBase(block, p))),
      mappedRead: runsOf(m.readMask(L.mappedBase(block, p, PROT_READ))),
      mappedWrite: runsOf(m.readMask(L.mappedBase(block, p, PROT_WRITE))),
      mappedAtomic: runsOf(m.readMask(L.mappedBase(block, p, PROT_ATOMIC))),
    };
    if (p > 0) {
      s.evicted = runsOf(m.readMask(L.evictedBase(block, p)));
      s.rootChunk = m.blockWord(block, L.gpuChunk, p) - 1;
      const apertures: Record<string, PageRuns> = {};
      const mapped = m.readMask(L.mappedBase(block, p, PROT_READ));
      const byAperture = new Map<number, PageMask>();
      mapped.forEach((pg) => {
        const ap = apertureOf(run.ctx, block, p, pg);
        if (!byAperture.has(ap)) byAperture.set(ap, new PageMask(PAGES_PER_BLOCK));
        byAperture.get(ap)!.set(pg);
      });
      for (const [ap, mask] of byAperture) apertures[APERTURE_NAMES[ap]] = runsOf(mask);
      const big = m.blockWord(block, L.bigPtes, p);
      s.pte = {
        size2m: (m.blockWord(block, L.pte2m) & (1 << (p - 1))) !== 0,
        bigPages: Array.from({ length: 32 }, (_, k) => k).filter((k) => big & (1 << k)),
        apertures,
      };
    }
    processors.push(s);
  }
  return {
    block,
    region: m.regionOfBlock(block).name,
    va: m.blockVa[block],
    pages: m.blockPages[block],
    readDuplicated: runsOf(m.readMask(L.readDupBase(block))),
    cpuAllocated: runsOf(m.readMask(L.cpuAllocatedBase(block))),
    cpuChunk2m: m.blockWord(block, L.cpuChunk2m) === 1,
    processors,
    prefetch: { lastDestination: m.blockWord(block, L.lastMigrationProc) - 1, faultMigrations: m.blockWord(block, L.faultMigrationsToLast) },
  };
}

export interface PmmView {
  gpu: number;
  rootChunks: number;
  /** Root chunks taken from PMA so far; the rest are still PMA's. */
  fromPma: number;
  chunks: { chunk: number; state: string; type: 'user' | 'kernel'; owner: number; list: string }[];
  lists: Record<'free' | 'unused' | 'discarded' | 'used', number[]>;
}

export function pmmView(run: Run, gpu: number): PmmView {
  const pmm = run.ctx.pmmOf(gpu);
  if (!pmm) throw new RangeError(`no GPU ${gpu}`);
  const chunks = [];
  for (let c = 0; c < pmm.pmaNext(); c++) {
    chunks.push({ chunk: c, state: CHUNK_STATE_NAMES[pmm.state(c)], type: pmm.type(c) === 1 ? ('kernel' as const) : ('user' as const), owner: pmm.owner(c), list: LIST_NAMES[pmm.list(c)] });
  }
  return {
    gpu,
    rootChunks: pmm.rootChunks,
    fromPma: pmm.pmaNext(),
    chunks,
    lists: { free: pmm.listChunks(List.free), unused: pmm.listChunks(List.unused), discarded: pmm.listChunks(List.discarded), used: pmm.listChunks(List.used) },
  };
}

export interface PageTreeView {
  gpu: number;
  tables: { id: number; level: string; parent: number; index: number; aperture: string; bytes: number }[];
}

export function pageTreeView(run: Run, gpu: number): PageTreeView {
  const tree = run.ctx.treeOf(gpu);
  if (!tree) throw new RangeError(`no GPU ${gpu}`);
  const tables = [];
  for (let id = 0; id < tree.count(); id++) {
    const t = tree.table(id);
    tables.push({ id, level: HOPPER_LEVELS[t.level].name, parent: t.parent, index: t.index, aperture: APERTURE_NAMES[t.aperture], bytes: HOPPER_LEVELS[t.level].tableBytes });
  }
  return { gpu, tables };
}
