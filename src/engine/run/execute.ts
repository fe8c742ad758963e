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
import { Platform } from './platform';
import { mapManagedRegions, openInProcess, openUvmDevice, otherProcessCpuAccess } from './uvm-device';
import { MODELLED_PROCESS } from '../uvmdev/state';

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
  const store = new Store();
  const steps = new StepTable(store);
  const c = new Ctx(scenario, store, steps);
  let pageEvents = 0;

  steps.enter(fnSetup.at.entry);
  const usesUvm = c.m.regions.some((r) => r.blocks > 0);
  if (usesUvm) {
    steps.at(fnSetup.at.open);
    c.uvmDev = openUvmDevice(c);
  }
  steps.at(fnSetup.at.registerGpu);
  for (let g = 1; g <= c.m.gpus; g++) c.treeOf(g).ensure(0, 0, (bytes) => c.pmmOf(g).allocKernel(bytes, () => c.pmmOf(g).allocRootNoEvict()));
  if (usesUvm) {
    steps.at(fnSetup.at.ranges);
    mapManagedRegions(c, MODELLED_PROCESS);
  }
  steps.at(fnSetup.at.platform);
  const platform = new Platform(c);
  steps.leave();
  store.checkpoint();

  const total = scenario.steps.length;
  for (let i = 0; i < total; i++) {
    const op = scenario.steps[i];
    // an `ask` takes no step: it only says where predict mode asks (engine/predict/ask.ts)
    if (op.op !== 'ask') {
      steps.setOp(i);
      steps.enter(fnScenarioOp.at.op);
      store.event(K.opBegin, i, 0, 0, 0);
      pageEvents += runOp(c, platform, op, i);
      steps.leave();
      store.maybeCheckpoint();
    }
    if (options.onProgress && options.onProgress(i + 1, total) === false) throw new Cancelled();
  }
  return new Run(scenario, c, pageEvents, platform);
}

function fail(op: StepSpec, i: number, message: string): never {
  throw new EngineError(message, op.loc.line, op.loc.col, `steps[${i}]`);
}

function runOp(c: Ctx, p: Platform, op: StepSpec, i: number): number {
  const kindOf = (region: number) => c.scenario.regions[region].kind;
  switch (op.op) {
    case 'gpu.kernel': {
      // managed memory and GAIA-shared files go through UVM's fault path; device memory is the GPU's own (no faults)
      const uvm = op.accesses.filter((a) => kindOf(a.region) === 'managed' || kindOf(a.region) === 'file');
      for (const a of op.accesses) {
        const kind = kindOf(a.region);
        if (kind === 'file' && (!c.gaia || c.gaia.sharedGpu(a.region) === 0))
          fail(op, i, `gpu.kernel reads file region "${c.scenario.regions[a.region].name}" before it is shared with the GPU (gaia.map it first)`);
      }
      let n = uvm.length ? runGpuKernel(c, op.gpu, uvm, op.faultWindowPages, op.launch) : 0;
      for (const a of op.accesses) {
        if (kindOf(a.region) === 'file') c.gaia!.noteGpuWrites(a);
        if (kindOf(a.region) === 'device') n += a.pages.length;
        if (kindOf(a.region) === 'anonymous') {
          p.deviceAccess(op.gpu, a);
          n += a.pages.length;
        }
      }
      return n;
    }
    case 'cpu.read':
    case 'cpu.write': {
      const write = op.op === 'cpu.write';
      if (op.process !== MODELLED_PROCESS) {
        const error = otherProcessCpuAccess(c, op.process, op.access);
        if (error) fail(op, i, error);
        return op.access.pages.length;
      }
      if (kindOf(op.access.region) === 'managed') return runCpuAccess(c, op.access, write);
      if (!p.cpuAccess(op.access, write)) {
        const r = c.scenario.regions[op.access.region];
        fail(op, i, r.kind === 'device' ? `${op.op} of device region "${r.name}": the CPU reaches GPU memory only through a gdrcopy mapping (gdr.pin and gdr.map it first)` : `${op.op} of file region "${r.name}" before it is mapped (cpu.mmap it first)`);
      }
      return op.access.pages.length;
    }
    case 'uvm.prefetch':
      if (kindOf(op.region) !== 'managed') fail(op, i, `uvm.prefetch needs a managed region; "${c.scenario.regions[op.region].name}" is ${kindOf(op.region)}`);
      prefetchRange(c, op.region, op.to, op.offset, op.length);
      return 0;
    case 'uvm.advise':
      if (kindOf(op.region) !== 'managed') fail(op, i, `uvm.advise needs a managed region; "${c.scenario.regions[op.region].name}" is ${kindOf(op.region)}`);
      advise(c, op.region, op.advice, op.target);
      return 0;
    case 'uvm.open': {
      const error = openInProcess(c, op.process);
      if (error) fail(op, i, error);
      return 0;
    }
    case 'note':
      c.steps.at(fnScenarioOp.at.note);
      return 0;
    case 'bookmark':
      c.steps.at(fnScenarioOp.at.bookmark);
      return 0;
    default: {
      const error = p.runOp(op);
      if (error) fail(op, i, error);
      return 0;
    }
  }
}
