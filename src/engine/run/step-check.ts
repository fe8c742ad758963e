/**
 * The every-step checker: walks a recorded run forward one micro-step at a time and, after each step, checks the
 * invariants that must hold after every step (invariant-rules.ts, scope `step`), plus "versions only grow" (PC6) on
 * the transitions the step recorded. After a step whose successor is at the top level (no kernel function on the
 * call stack: the end of the setup, of every scenario op, and between the top-level calls inside one), no kernel
 * path is in a critical section, and it checks every rule. The cursor is put back where it was.
 */

import type { Run } from './run';
import { ALL_PARTS, checkInvariants, type CheckParts } from './invariants';
import { checkVersionsGrow } from '../pagecache/invariants';
import { EVENT_HEAP, type Store } from '../core/store';

export interface StepViolation {
  step: number;
  /** The call stack at the step, as function:line, outermost first. */
  where: string;
  message: string;
}

export interface StepCheckResult {
  /** Steps checked. */
  steps: number;
  /** Of those, the steps after which every kernel function had returned, where every rule was checked. */
  boundaries: number;
  violations: StepViolation[];
}

export interface StepCheckOptions {
  /** Stop after this many violations (default 20). */
  limit?: number;
  /** Steps [from, to] (default the whole run). */
  from?: number;
  to?: number;
}

export function checkEveryStep(run: Run, options: StepCheckOptions = {}): StepCheckResult {
  const limit = options.limit ?? 20;
  const from = Math.max(0, options.from ?? 0);
  const to = Math.min(run.stepCount - 1, options.to ?? run.stepCount - 1);
  const steps = run.ctx.steps;
  const store = run.ctx.store;
  const cursor = run.cursor;
  const violations: StepViolation[] = [];
  let checked = 0;
  let boundaries = 0;
  const partOf = heapParts(store);
  const where = (s: number) => run.stackOf(s).map((f) => `${f.fn}:${f.line}`).join(' > ');
  try {
    for (let s = from; s <= to && violations.length < limit; s++) {
      run.seek(s);
      checked++;
      // the next step is at the top level (depth 0): every kernel function has returned after this one
      const boundary = s === run.stepCount - 1 || steps.depthOf(s + 1) === 0;
      if (boundary) boundaries++;
      const parts = boundary ? ALL_PARTS : touched(run, partOf, steps.startOf(s), steps.endOf(s));
      const messages = [...checkInvariants(run, limit, boundary ? 'all' : 'step', parts), ...checkVersionsGrow(store, steps.startOf(s), steps.endOf(s), limit)];
      for (const message of messages) if (violations.length < limit) violations.push({ step: s, where: where(s), message });
    }
  } finally {
    run.seek(cursor);
  }
  return { steps: checked, boundaries, violations };
}

type Part = Exclude<keyof CheckParts, 'blocks'> | 'blocks' | 'pages' | 'none';

/** Which part of the checks each heap's words feed, by the heap's name (the parts name their heaps by prefix). */
function heapParts(store: Store): Part[] {
  const out: Part[] = [];
  for (let h = 0; h < store.heaps.length; h++) {
    const name = store.heapName(h);
    if (h === EVENT_HEAP || name === 'regions' || name.startsWith('thrashing') || name === 'blocks.time') out.push('none');
    else if (name === 'blocks') out.push('blocks');
    else if (name === 'scalars') out.push('scalars');
    else if (name.startsWith('pmm.') || name.startsWith('pagetables.')) out.push('pmm');
    else if (name.startsWith('gdr.')) out.push('gdr');
    else if (name.startsWith('hmm.')) out.push('hmm');
    else if (name.startsWith('uvm.')) out.push('uvmDev');
    else if (name.startsWith('gaia.')) out.push('gaia');
    else if (name.startsWith('pc.')) out.push('pagecache');
    else if (name.startsWith('mm.pages')) out.push('pages'); // struct pages: the page cache's and the mm's
    else if (name.startsWith('mm.')) out.push('mm');
    else out.push('none'); // the correlation tables, the scenario's region mappings: no invariants read them
  }
  return out;
}

/**
 * The parts a step's transitions [a, b) touched: the va_blocks it wrote (and the CPU-mapping check of /dev/nvidia-uvm
 * and GAIA's masks, which read blocks), and each other part whose heaps it wrote.
 */
function touched(run: Run, partOf: Part[], a: number, b: number): CheckParts {
  const store = run.ctx.store;
  const { m } = run.ctx;
  const blocks = new Set<number>();
  const seen = new Set<Part>();
  for (let t = a; t < b; t++) {
    const part = partOf[store.heapOf(t)];
    if (part === 'blocks') blocks.add(Math.floor(store.indexOf(t) / m.layout.stride));
    else seen.add(part);
  }
  const onBlocks = blocks.size > 0;
  return {
    blocks,
    pmm: seen.has('pmm'),
    scalars: seen.has('scalars'),
    // struct pages alone feed no step rule: those of the page cache (PC1, PC5, PC7) read only radix nodes, those of
    // the mm (MM1, MM3, MM4) a page's mapping and index only while a PTE maps it, when they cannot change (a mapped
    // page never leaves the page cache); HMM's (HM2, HM3) follow the PTEs and the mirrors, which a page is freed with
    pagecache: seen.has('pagecache'),
    mm: seen.has('mm'),
    gaia: seen.has('gaia') || onBlocks,
    gdr: seen.has('gdr'),
    hmm: seen.has('hmm') || seen.has('mm'),
    uvmDev: seen.has('uvmDev') || onBlocks,
  };
}
