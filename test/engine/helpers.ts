import { parseScenario, formatScenarioError } from '../../src/engine/scenario/index';
import type { Scenario } from '../../src/engine/scenario/types';
import { execute } from '../../src/engine/run/execute';
import type { Run } from '../../src/engine/run/run';
import { PageMask } from '../../src/engine/core/bits';

export function scenario(yaml: string): Scenario {
  const r = parseScenario(yaml, 'test.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}

export function runYaml(yaml: string): Run {
  return execute(scenario(yaml));
}

/** Pages of a block's heap mask as a sorted list of [lo, hi) runs, for readable assertions. */
export function runs(mask: PageMask): [number, number][] {
  const out: [number, number][] = [];
  mask.forEachRun((lo, hi) => out.push([lo, hi]));
  return out;
}

export function resident(run: Run, block: number, proc: number): [number, number][] {
  const m = run.ctx.m;
  return runs(m.readMask(m.layout.residentBase(block, proc)));
}

export function mapped(run: Run, block: number, proc: number, prot: number): [number, number][] {
  const m = run.ctx.m;
  return runs(m.readMask(m.layout.mappedBase(block, proc, prot)));
}

/** Copy records of the whole run as [src, dst, bytes, cause] tuples in order. */
export function copies(run: Run): { src: number; dst: number; bytes: number; cause: string; block: number; page: number }[] {
  const out = [];
  for (let t = 0; t < run.transitionCount; t++) {
    const v = run.transition(t);
    if (v.kind === 'copy') out.push({ src: v.fields.src as number, dst: v.fields.dst as number, bytes: v.fields.bytes as number, cause: v.fields.cause as string, block: v.fields.block as number, page: v.fields.page as number });
  }
  return out;
}

export function eventsOf(run: Run, kind: string) {
  const out = [];
  for (let t = 0; t < run.transitionCount; t++) {
    if (run.ctx.store.heapOf(t) !== 0) continue;
    const v = run.transition(t);
    if (v.kind === kind) out.push(v);
  }
  return out;
}
