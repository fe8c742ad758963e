/** Views of memory: a va_block, the memory map of every region, a GPU's PMM and page tree. */
import type { MemoryQuery, MemoryMapRegion } from '../../protocol';
import { PAGE_EVICTED, PAGE_MAPPED_ATOMIC, PAGE_MAPPED_READ, PAGE_MAPPED_WRITE, PAGE_READ_DUPLICATED, PAGE_RESIDENT } from '../../protocol';
import { blockView, pageTreeView, pmmView } from '../../engine/run/views';
import type { Run } from '../../engine/run/run';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from '../../engine/uvm/layout';
import { PAGES_PER_BLOCK } from '../../engine/uvm/model';
import type { ViewHandlers } from './index';

export const memoryViews: ViewHandlers<MemoryQuery> = {
  block: (run, q) => ({ view: 'block', ...blockView(run, q.block) }),
  pmm: (run, q) => ({ view: 'pmm', ...pmmView(run, q.gpu) }),
  pageTree: (run, q) => ({ view: 'pageTree', ...pageTreeView(run, q.gpu) }),
  memoryMap: (run) => ({ view: 'memoryMap', processors: run.ctx.m.procs, regions: memoryMapRegions(run) }),
};

/** Per page and processor, one byte of PAGE_* bits, for every region that has va_blocks. */
function memoryMapRegions(run: Run): MemoryMapRegion[] {
  const m = run.ctx.m;
  const L = m.layout;
  const procs = m.procs;
  const out: MemoryMapRegion[] = [];
  for (const r of m.regions) {
    const spec = run.scenario.regions[r.index];
    if (r.blocks === 0) continue;
    const state = new Uint8Array(r.pages * procs);
    for (let b = 0; b < r.blocks; b++) {
      const block = r.firstBlock + b;
      const base = b * PAGES_PER_BLOCK;
      const set = (mask: { forEach(f: (page: number) => void): void }, proc: number, bit: number) =>
        mask.forEach((pg) => {
          const i = base + pg;
          if (i < r.pages) state[i * procs + proc] |= bit;
        });
      for (let p = 0; p < procs; p++) {
        set(m.readMask(L.residentBase(block, p)), p, PAGE_RESIDENT);
        set(m.readMask(L.mappedBase(block, p, PROT_READ)), p, PAGE_MAPPED_READ);
        set(m.readMask(L.mappedBase(block, p, PROT_WRITE)), p, PAGE_MAPPED_WRITE);
        set(m.readMask(L.mappedBase(block, p, PROT_ATOMIC)), p, PAGE_MAPPED_ATOMIC);
        if (p > 0) set(m.readMask(L.evictedBase(block, p)), p, PAGE_EVICTED);
      }
      m.readMask(L.readDupBase(block)).forEach((pg) => {
        const i = base + pg;
        if (i < r.pages) for (let p = 0; p < procs; p++) state[i * procs + p] |= PAGE_READ_DUPLICATED;
      });
    }
    out.push({ index: r.index, name: r.name, kind: spec.kind, va: r.va, pages: r.pages, state });
  }
  return out;
}
