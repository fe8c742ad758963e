import { Hmm, type HmmOptions } from '../../../src/engine/hmm/hmm';
import { hmmInvariants } from '../../../src/engine/hmm/invariants';
import { codeLine } from '../../../src/engine/core/code';
import { mmWorld, violations, type MmWorld } from '../cpu/setup';

export { PAGE } from '../cpu/setup';

export interface HmmWorld extends MmWorld {
  hmm: Hmm;
}

/** Store + StepTable + PageCache + CpuMm as the CPU tests build them, with an Hmm of `devices` devices on top. */
export function hmmWorld(devices = 2, opts: HmmOptions = { chunkPages: 16 }, frames = 1 << 14): HmmWorld {
  const w = mmWorld(devices, frames);
  const hmm = new Hmm(w.store, w.steps, w.mm, w.clock, devices, opts);
  return { ...w, hmm };
}

export function allViolations(w: HmmWorld): string[] {
  return [...violations(w), ...hmmInvariants(w.hmm)];
}

export function expectAllClean(w: HmmWorld): void {
  const v = allViolations(w);
  if (v.length) throw new Error(v.join('\n'));
}

/** Steps whose line is `line`, in order. */
export function stepsAt(w: HmmWorld, line: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < w.steps.length; s++) if (w.steps.lineOf(s) === line) out.push(s);
  return out;
}

/** Run `fn` with the model seeked to the state just before step s ran, then come back to the end. */
export function atStep<T>(w: HmmWorld, s: number, fn: () => T): T {
  const end = w.store.length;
  w.store.seekPosition(w.steps.startOf(s));
  try {
    return fn();
  } finally {
    w.store.seekPosition(end);
  }
}

/** Names of the functions on the call stack at step s, outermost first. */
export function stackNames(w: HmmWorld, s: number): string[] {
  return w.steps.stackOf(s).map((t) => codeLine(w.steps.lineOf(t)).fn.name);
}
