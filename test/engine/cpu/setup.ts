import { Store } from '../../../src/engine/core/store';
import { StepTable } from '../../../src/engine/core/steps';
import { defineFunction } from '../../../src/engine/core/code';
import { NullClock } from '../../../src/engine/cpu/costs';
import { createCpuSide, type CpuSide } from '../../../src/engine/cpu/index';
import { checkMm } from '../../../src/engine/cpu/invariants';
import { checkPageCache } from '../../../src/engine/pagecache/invariants';

const fnTest = defineFunction('cpu test', 'test.ts', { entry: 'a test drives the model' });

export interface MmWorld extends CpuSide {
  store: Store;
  steps: StepTable;
  clock: NullClock;
}

export function mmWorld(gpus = 1, frames = 1 << 16): MmWorld {
  const store = new Store();
  const steps = new StepTable(store);
  const clock = new NullClock();
  const side = createCpuSide(store, steps, { gpus, frames, clock });
  steps.enter(fnTest.at.entry);
  return { store, steps, clock, ...side };
}

export function violations(w: MmWorld): string[] {
  return [...checkMm(w.mm), ...checkPageCache(w.pc)];
}

export function expectClean(w: MmWorld): void {
  const v = violations(w);
  if (v.length) throw new Error(v.join('\n'));
}

export const PAGE = 4096;
