/** A transition as the protocol carries it: the engine's decoded view plus the step it belongs to. */
import type { TransitionInfo } from '../protocol';
import type { Run } from '../engine/run/run';

export function transitionInfo(run: Run, t: number, step = run.stepOfTransition(t)): TransitionInfo {
  const v = run.transition(t);
  return { index: v.index, step, kind: v.kind, type: v.type, heap: v.heap, obj: v.obj, before: v.before, after: v.after, fields: v.fields, text: v.text };
}
