import { Store } from '../../../src/engine/core/store';
import { StepTable } from '../../../src/engine/core/steps';
import { defineFunction } from '../../../src/engine/core/code';
import { MemMap } from '../../../src/engine/cpu/memmap';
import { NullClock } from '../../../src/engine/cpu/costs';
import { PageCache } from '../../../src/engine/pagecache/filemap';
import { checkPageCache } from '../../../src/engine/pagecache/invariants';

const fnTest = defineFunction('test', 'test.ts', { entry: 'a test drives the model' });

export interface PcWorld {
  store: Store;
  steps: StepTable;
  mem: MemMap;
  clock: NullClock;
  pc: PageCache;
}

/** A Store and StepTable the way execute.ts builds them, with one outer frame open (as a scenario op has). */
export function pcWorld(gpus = 1, frames = 1 << 16): PcWorld {
  const store = new Store();
  const steps = new StepTable(store);
  const mem = new MemMap(store, frames);
  const clock = new NullClock();
  const pc = new PageCache(store, steps, { gpus, memmap: mem, clock });
  steps.enter(fnTest.at.entry);
  return { store, steps, mem, clock, pc };
}

export function expectClean(pc: PageCache): void {
  const v = checkPageCache(pc);
  if (v.length) throw new Error(v.join('\n'));
}

/** Allocate a page and put it in the cache at `index`, unlocked, with only the cache's reference left. */
export function cachePage(w: PcWorld, f: number, index: number): number {
  const pfn = w.mem.alloc();
  w.pc.addToPageCache(pfn, f, index);
  w.pc.unlockPage(pfn);
  w.mem.put(pfn);
  return pfn;
}
