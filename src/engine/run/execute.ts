/**
 * Execute a scenario from start to end, recording every step and transition. The result is a Run: the whole history,
 * which the debugger then travels through (run.ts). Execution is deterministic: no clock, no unseeded randomness, and
 * iteration only over arrays and maps filled in a fixed order.
 */

import { Store } from '../core/store';
import { StepTable } from '../core/steps';
import type { Scenario, StepSpec } from '../scenario/types';
import { Ctx } from '../uvm/context';
import { fnScenarioOp, fnSetup } from '../uvm/code';
import { K } from '../uvm/kinds';
import { runGpuKernel } from '../uvm/gpufault';
import { runCpuAccess } from '../uvm/cpufault';
import { advise, prefetchRange } from '../uvm/api';
import { Run } from './run';

export interface ExecuteOptions {
  /** Called after each scenario step with (steps done, steps in all); return false to cancel. */
  onProgress?: (done: number, total: number) => boolean | void;
}

/** A scenario the engine cannot run, with the place in the scenario that caused it. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
    readonly path: string,
  ) {
    super(message);
  }
}

export class Cancelled extends Error {
  constructor() {
    super('run cancelled');
  }
}

export function execute(scenario: Scenario, options: ExecuteOptions = {}): Run {
  for (const r of scenario.regions) {
    if (r.kind !== 'managed')
      throw new EngineError(`region "${r.name}" has kind ${r.kind}; this version of the engine models managed regions only (file, anonymous and device regions arrive with the page-cache engine)`, r.loc.line, r.loc.col, `regions[${r.index}].kind`);
  }
  const store = new Store();
  const steps = new StepTable(store);
  const c = new Ctx(scenario, store, steps);
  let pageEvents = 0;

  steps.enter(fnSetup.at.entry);
  steps.at(fnSetup.at.registerGpu);
  for (let g = 1; g <= c.m.gpus; g++) c.treeOf(g).ensure(0, 0, (bytes) => c.pmmOf(g).allocKernel(bytes, () => c.pmmOf(g).allocRootNoEvict()));
  steps.at(fnSetup.at.ranges);
  steps.leave();
  store.checkpoint();

  const total = scenario.steps.length;
  for (let i = 0; i < total; i++) {
    const op = scenario.steps[i];
    steps.setOp(i);
    steps.enter(fnScenarioOp.at.op);
    store.event(K.opBegin, i, 0, 0, 0);
    pageEvents += runOp(c, op);
    steps.leave();
    store.maybeCheckpoint();
    if (options.onProgress && options.onProgress(i + 1, total) === false) throw new Cancelled();
  }
  return new Run(scenario, c, pageEvents);
}

function runOp(c: Ctx, op: StepSpec): number {
  switch (op.op) {
    case 'gpu.kernel':
      return runGpuKernel(c, op.gpu, op.accesses, op.faultWindowPages);
    case 'cpu.read':
      return runCpuAccess(c, op.access, false);
    case 'cpu.write':
      return runCpuAccess(c, op.access, true);
    case 'uvm.prefetch':
      prefetchRange(c, op.region, op.to, op.offset, op.length);
      return 0;
    case 'uvm.advise':
      advise(c, op.region, op.advice, op.target);
      return 0;
    case 'note':
      c.steps.at(fnScenarioOp.at.note);
      return 0;
    case 'bookmark':
      c.steps.at(fnScenarioOp.at.bookmark);
      return 0;
    default:
      throw new EngineError(`${op.op} is not modelled by this version of the engine`, op.loc.line, op.loc.col, 'op');
  }
}
