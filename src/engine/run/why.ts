/**
 * "Why did this happen?": from a transition, the chain of causes a person can follow back. Two kinds of link:
 * - the call stack of the step that made it (this copy, in make_resident, in service_locked, in the fault batch that
 *   a kernel's faults started), each frame a step to jump to;
 * - for a change of state, the previous change of the same word (the page was resident on the CPU since this
 *   write…), and for a copy, the faults it services (the fault entries of the same fault service).
 */

import type { Run } from './run';
import { EVENT_HEAP } from '../core/store';
import { K } from '../uvm/kinds';

export interface CauseLink {
  step: number;
  transition: number | null;
  text: string;
}

export function whyTransition(run: Run, t: number, maxPrevious = 200_000): CauseLink[] {
  if (!Number.isInteger(t) || t < 0 || t >= run.transitionCount) throw new RangeError(`transition ${t} is outside 0..${run.transitionCount - 1}`);
  const store = run.ctx.store;
  const step = run.stepOfTransition(t);
  const links: CauseLink[] = [];
  const stack = run.stackOf(step);
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = stack[i];
    links.push({ step: f.step, transition: null, text: `in ${f.fn}: ${f.text}` });
  }
  const op = run.scenario.steps[run.opOf(step)];
  if (op) links.push({ step: stack[0]?.step ?? step, transition: null, text: `because the scenario's step ${run.opOf(step) + 1} (${op.op}, line ${op.loc.line}) runs` });

  const heap = store.heapOf(t);
  if (heap !== EVENT_HEAP) {
    // the previous change of the same word: what the state was, and since when
    const idx = store.indexOf(t);
    for (let u = t - 1; u >= 0 && t - u <= maxPrevious; u--) {
      if (store.heapOf(u) === heap && store.indexOf(u) === idx) {
        links.push({ step: run.stepOfTransition(u), transition: u, text: `before that: ${run.transition(u).text}` });
        break;
      }
    }
  } else if (store.kindOf(t) === K.copy) {
    // the faults this copy services: fault events earlier in the same top-level service
    const opStart = stack.length > 1 ? stack[1].step : step;
    const [from] = run.transitionRange(opStart);
    const block = store.objOf(t);
    for (let u = t - 1; u >= from; u--) {
      const k = store.kindOf(u);
      if ((k === K.gpuFault || k === K.cpuFault) && store.objOf(u) === block) {
        links.push({ step: run.stepOfTransition(u), transition: u, text: `serving ${run.transition(u).text}` });
        if (links.length > 12) break;
      }
    }
  }
  return links;
}
