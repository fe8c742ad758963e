/**
 * The split of the invariants (run/invariant-rules.ts): every rule a checker reports is in the catalogue with a
 * scope; the quiescent ones name the lock and the source; the windows are real (a step inside a kernel path breaks a
 * quiescent rule, never a step rule, and the end of the op mends it); and the every-step checker (run/step-check.ts)
 * reports a broken state at the step it happens, with where it is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runYaml } from './helpers';
import { INVARIANT_RULES, invariantRule, isStepMessage, ruleOfMessage } from '../../src/engine/run/invariant-rules';
import { checkInvariants } from '../../src/engine/run/invariants';
import { checkEveryStep } from '../../src/engine/run/step-check';

const SRC = fileURLToPath(new URL('../../src/engine/', import.meta.url));

/** Rule ids the checkers' messages start with, read from their sources. */
function reportedIds(): Set<string> {
  const files = ['run/invariants.ts', 'pagecache/invariants.ts', 'cpu/invariants.ts', 'gdr/invariants.ts', 'hmm/invariants.ts', 'uvmdev/invariants.ts', 'gaia/invariants.ts'];
  const ids = new Set<string>();
  for (const f of files) for (const m of readFileSync(join(SRC, f), 'utf8').matchAll(/say\(`([A-Z]{1,2}\d+) /g)) ids.add(m[1]);
  return ids;
}

const GAIA = `uvmscope: 1
regions:
  - { name: data.bin, kind: file, size: 256KiB }
steps:
  - { op: gaia.map, region: data.bin }
  - { op: cpu.write, region: data.bin, length: 128KiB }
  - { op: gpu.kernel, access: { region: data.bin, op: write, length: 128KiB } }
  - { op: gaia.mrelease, region: data.bin }
  - { op: cpu.read, region: data.bin, length: 64KiB }
  - { op: gaia.maquire, region: data.bin }
`;

describe('the catalogue of invariant rules', () => {
  it('has every rule a checker reports, once, and a lock and its source for each quiescent one', () => {
    const ids = INVARIANT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of reportedIds()) expect(invariantRule(id), id).toBeDefined();
    for (const r of INVARIANT_RULES.filter((x) => x.scope === 'quiescent')) {
      expect(r.lock, r.id).toBeTruthy();
      expect(r.source, r.id).toMatch(/\.c\b/);
    }
    // the rules the issue names as holding after every step
    for (const id of ['I1', 'I2', 'I7', 'I10', 'PC6', 'PC7', 'GA1', 'GA2']) expect(invariantRule(id)?.scope, id).toBe('step');
  });

  it('reads the rule of a message, prefixed by its part or not', () => {
    expect(ruleOfMessage('page cache: PC2 file 0 node 3 slot 1: tag DIRTY is true, the child says false')).toBe('PC2');
    expect(ruleOfMessage('I10 block 4: page 7 has several copies but gpu0 maps it writable')).toBe('I10');
    expect(isStepMessage('page cache: PC2 file 0: …')).toBe(false);
    expect(isStepMessage('uvm device: UD1 VMA 2: …')).toBe(true);
    expect(isStepMessage('something else')).toBe(true);
  });

  it('finds the quiescent rules broken only inside the kernel paths that hold their lock, and mended at the op\u2019s end', () => {
    const run = runYaml(GAIA);
    const broken = new Map<string, Set<string>>();
    for (let s = 0; s < run.stepCount; s++) {
      run.seek(s);
      const all = checkInvariants(run, 50);
      expect(all.filter(isStepMessage), `step ${s} ${run.frameOf(s).fn}`).toEqual([]);
      for (const m of all) {
        const id = ruleOfMessage(m)!;
        if (!broken.has(id)) broken.set(id, new Set());
        broken.get(id)!.add(run.frameOf(s).fn);
      }
      const last = s === run.stepCount - 1 || run.ctx.steps.depthOf(s + 1) === 0;
      if (last) expect(all, `after step ${s}, the end of a top-level call`).toEqual([]);
    }
    run.seek(run.stepCount - 1);
    // windows the scenario opens: tag propagation and count_gpu under tree_lock, among others
    expect([...broken.keys()].sort()).toEqual(expect.arrayContaining(['PC2', 'PC3']));
    for (const id of broken.keys()) expect(invariantRule(id)?.scope, id).toBe('quiescent');
    expect([...broken.get('PC2')!]).toEqual(expect.arrayContaining(['radix_tree_tag_set']));
  });
});

describe('the every-step checker', () => {
  it('checks every step, and every rule after each top-level call', () => {
    const run = runYaml(GAIA);
    const r = checkEveryStep(run, { limit: 5 });
    expect(r.violations).toEqual([]);
    expect(r.steps).toBe(run.stepCount);
    expect(r.boundaries).toBeGreaterThanOrEqual(run.scenario.steps.length);
    expect(run.cursor).toBe(run.stepCount - 1);
  });

  it('reports a state broken at one step, at that step, with its call stack, and puts the cursor back', () => {
    const run = runYaml('uvmscope: 1\nregions: [{ name: A, size: 2MiB }]\nsteps:\n  - { op: cpu.write, region: A }\n  - { op: gpu.kernel, access: { region: A, op: read } }\n');
    // plant a broken state straight into the heap (no transition records it, so seeking keeps it): block 0's pages
    // marked evicted from gpu0, which I6 forbids for pages resident there; the first copy to gpu0 breaks it
    const m = run.ctx.m;
    let at = -1;
    for (let t = 0; t < run.transitionCount && at < 0; t++) if (run.transition(t).kind === 'copy') at = run.stepOfTransition(t);
    const r0 = checkEveryStep(run, { from: 0, to: at - 1 });
    expect(r0.violations).toEqual([]);
    const word = m.layout.evictedBase(0, 1);
    const saved = m.blocks[word];
    run.seek(at);
    m.blocks[word] = 0xffffffff;
    try {
      const r = checkEveryStep(run, { from: at, limit: 1 });
      expect(r.violations).toHaveLength(1);
      expect(r.violations[0].message).toMatch(/^I6 block 0: page \d+ is marked evicted from gpu0 but resident there$/);
      expect(r.violations[0].where).toMatch(/^scenario:0 > gpu_kernel:/);
      expect(r.violations[0].step).toBeGreaterThanOrEqual(at);
    } finally {
      m.blocks[word] = saved;
    }
    expect(checkEveryStep(run).violations).toEqual([]);
  });
});
