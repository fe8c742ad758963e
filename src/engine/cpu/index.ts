/**
 * The CPU side of the engine in one call: mem_map, the page cache and the memory manager wired together (the mm
 * installs the page cache's page_mkclean hook). The lead passes a Clock bound to the engine's clock and counters.
 */

import type { Store } from '../core/store';
import type { StepTable } from '../core/steps';
import { PageCache } from '../pagecache/filemap';
import type { Clock, CpuCosts } from './costs';
import { MemMap } from './memmap';
import { CpuMm } from './mm';

export interface CpuSideConfig {
  gpus: number;
  /** Frames of system RAM. */
  frames: number;
  clock: Clock;
  costs?: CpuCosts;
}

export interface CpuSide {
  mem: MemMap;
  pc: PageCache;
  mm: CpuMm;
}

export function createCpuSide(store: Store, steps: StepTable, cfg: CpuSideConfig): CpuSide {
  const mem = new MemMap(store, cfg.frames);
  const pc = new PageCache(store, steps, { gpus: cfg.gpus, memmap: mem, clock: cfg.clock, costs: cfg.costs });
  const mm = new CpuMm(store, steps, { pagecache: pc, clock: cfg.clock, costs: cfg.costs });
  return { mem, pc, mm };
}
