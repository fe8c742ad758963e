/**
 * Where each scenario op lies in a run: its first and last step (-1 for an op that took none: a note, a bookmark, an
 * ask). Found in one pass over the run's steps; the host's op list, predict mode's asks and the CLI read them.
 */
import type { Run } from './run';

export interface OpSpans {
  /** By op index (the scenario's `steps:` entry). */
  readonly first: readonly number[];
  readonly last: readonly number[];
}

export function opSpans(run: Run): OpSpans {
  const ops = run.scenario.steps.length;
  const first = new Array<number>(ops).fill(-1);
  const last = new Array<number>(ops).fill(-1);
  for (let s = 0; s < run.stepCount; s++) {
    const op = run.opOf(s);
    if (op < 0 || op >= ops) continue;
    if (first[op] < 0) first[op] = s;
    last[op] = s;
  }
  return { first, last };
}
