/**
 * A scenario's `ask` ops resolved to steps of its run. An ask takes no step; it asks before the op that follows it:
 *   - from: the step before the next op that has steps (the learner sees the state the previous op left, with the
 *     previous note, since an ask is written before the note that explains what comes);
 *   - through: the last step before the bookmark it names, or else the last step of the first op after it that does
 *     something (not a note, a bookmark or an ask).
 * The parser has checked that such an op exists and that the bookmark follows it (scenario/steps.ts checkAsks).
 */

import { actsOnModel } from '../scenario/steps';
import type { Scenario } from '../scenario/types';
import type { PredictQuestion } from './types';

/**
 * Each op's question when it is an ask (else undefined), given each op's first and last step (-1 for an op with
 * none). An ask whose span comes out empty (from ≥ through, or before the run's first step) gets none.
 */
export function resolveAsks(scenario: Scenario, firstStep: readonly number[], lastStep: readonly number[]): (PredictQuestion | undefined)[] {
  const steps = scenario.steps;
  return steps.map((op, i) => {
    if (op.op !== 'ask') return undefined;
    let next = i + 1;
    while (next < steps.length && firstStep[next] < 0) next++;
    if (next >= steps.length) return undefined;
    const from = firstStep[next] - 1;
    let through = -1;
    if (op.through !== undefined) {
      const name = op.through;
      const b = steps.findIndex((s, k) => k > i && s.op === 'bookmark' && s.name === name);
      if (b >= 0 && firstStep[b] >= 0) through = firstStep[b] - 1;
    } else {
      const a = steps.findIndex((s, k) => k > i && actsOnModel(s));
      if (a >= 0) through = lastStep[a];
    }
    if (from < 0 || through <= from) return undefined;
    return { kind: op.kind, from, through, ...(op.prompt !== undefined ? { prompt: op.prompt } : {}) };
  });
}
