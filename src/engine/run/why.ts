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
  /** frame: a call-stack frame; op: the scenario op; before: the word's previous change; serving: a fault a copy served. */
  relation: 'frame' | 'op' | 'before' | 'serving';
}

export function whyTransition(run: Run, t: number, maxPrevious = 200_000): CauseLink[] {
  if (!Number.isInteger(t) || t < 0 || t >= run.transitionCount) throw new RangeError(`transition ${t} is outside 0..${run.transitionCount - 1}`);
  const store = run.ctx.store;
  const step = run.stepOfTransition(t);
  const links: CauseLink[] = [];
  const stack = run.stackOf(step);
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = stack[i];
    links.push({ step: f.step, transition: null, text: `in ${f.fn}: ${f.text}`, relation: 'frame' });
  }
  const op = run.scenario.steps[run.opOf(step)];
  if (op) links.push({ step: stack[0]?.step ?? step, transition: null, text: `because the scenario's step ${run.opOf(step) + 1} (${op.op}, line ${op.loc.line}) runs`, relation: 'op' });

  const heap = store.heapOf(t);
  if (heap !== EVENT_HEAP) {
    // the previous change of the same word: what the state was, and since when
    const idx = store.indexOf(t);
    for (let u = t - 1; u >= 0 && t - u <= maxPrevious; u--) {
      if (store.heapOf(u) === heap && store.indexOf(u) === idx) {
        links.push({ step: run.stepOfTransition(u), transition: u, text: `before that: ${run.transition(u).text}`, relation: 'before' });
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
        links.push({ step: run.stepOfTransition(u), transition: u, text: `serving ${run.transition(u).text}`, relation: 'serving' });
        if (links.length > 12) break;
      }
    }
  }
  return links;
}

/** How a link of a chain relates to the one before it (the effect it explains). */
export type ChainRelation = 'start' | 'serving' | 'since' | 'before';

export interface ChainLink {
  step: number;
  transition: number;
  relation: ChainRelation;
  text: string;
}

/**
 * "Why did this happen?", walked back: from a transition, its main cause, then that cause's, and so on — this copy
 * served this fault; this fault came because the page was resident elsewhere since this change; that change served
 * that earlier fault… Each link is a transition a person can jump to. The walk stops at `maxDepth` links, at a
 * transition with no earlier cause in the run (the scenario op that did it is the rest of the story), or when it
 * would look further back than `maxPrevious` transitions.
 */
export function whyChain(run: Run, t: number, maxDepth = 8, maxPrevious = 200_000): ChainLink[] {
  if (!Number.isInteger(t) || t < 0 || t >= run.transitionCount) throw new RangeError(`transition ${t} is outside 0..${run.transitionCount - 1}`);
  const out: ChainLink[] = [];
  const seen = new Set<number>();
  let cur: { transition: number; relation: ChainRelation } | null = { transition: t, relation: 'start' };
  while (cur && out.length < maxDepth && !seen.has(cur.transition)) {
    seen.add(cur.transition);
    out.push({ step: run.stepOfTransition(cur.transition), transition: cur.transition, relation: cur.relation, text: run.transition(cur.transition).text });
    cur = mainCause(run, cur.transition, maxPrevious);
  }
  return out;
}

/** The one cause a chain follows from transition t, or null. */
function mainCause(run: Run, t: number, maxPrevious: number): { transition: number; relation: ChainRelation } | null {
  const store = run.ctx.store;
  const kind = store.kindOf(t);
  if (kind === K.gpuFault || kind === K.cpuFault) {
    // a fault: the page was not where the processor could use it; since when was it where it was?
    const f = run.transition(t).fields as { block?: number; page?: number };
    if (typeof f.block !== 'number' || typeof f.page !== 'number') return null;
    const since = residencySince(run, t, f.block, f.page, maxPrevious);
    return since === null ? null : { transition: since, relation: 'since' };
  }
  // a copy or a change made while serving faults: the nearest fault it served; else the previous value of the word
  const links = whyTransition(run, t, maxPrevious);
  const serving = links.find((l) => l.transition !== null && l.relation === 'serving');
  if (serving && serving.transition !== null) return { transition: serving.transition, relation: 'serving' };
  const served = faultServedBy(run, t);
  if (served !== null) return { transition: served, relation: 'serving' };
  const before = links.find((l) => l.transition !== null && l.relation === 'before');
  return before && before.transition !== null ? { transition: before.transition, relation: 'before' } : null;
}

/** The latest change before t that made page `page` of `block` resident somewhere. */
function residencySince(run: Run, t: number, block: number, page: number, maxPrevious: number): number | null {
  const store = run.ctx.store;
  const m = run.ctx.m;
  const bit = 1 << (page & 31);
  const words = new Set<number>();
  for (let p = 0; p < m.procs; p++) words.add(m.layout.residentBase(block, p) + (page >>> 5));
  for (let u = t - 1; u >= 0 && t - u <= maxPrevious; u--) {
    if (store.kindOf(u) !== K.blockResident || store.heapOf(u) !== m.hBlocks || !words.has(store.indexOf(u))) continue;
    if ((store.afterOf(u) & bit) !== 0 && ((store.beforeOf(u) ^ store.afterOf(u)) & bit) !== 0) return u;
  }
  return null;
}

/**
 * For a change made inside a fault service: the nearest fault of the same block earlier in the same scenario op (a
 * CPU access records its fault before it enters the driver, so the op, not the driver's frame, bounds the search).
 */
function faultServedBy(run: Run, t: number): number | null {
  const store = run.ctx.store;
  const step = run.stepOfTransition(t);
  const stack = run.stackOf(step);
  if (stack.length < 2) return null;
  const [from] = run.transitionRange(stack[0].step);
  const block = store.objOf(t);
  for (let u = t - 1; u >= from; u--) {
    const k = store.kindOf(u);
    if ((k === K.gpuFault || k === K.cpuFault) && store.objOf(u) === block) return u;
  }
  return null;
}
