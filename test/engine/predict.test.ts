import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../src/engine/scenario/index';
import { execute } from '../../src/engine/run/execute';
import type { Run } from '../../src/engine/run/run';
import { checkMarks, gradeInRun, gradePrediction, gradeSummary, predictTruth, PredictError, type PredictMark, type PredictQuestion } from '../../src/engine/predict/index';
import { runYaml } from './helpers';

function builtIn(name: string): Run {
  const p = parseScenario(readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8'), `${name}.yaml`);
  if (!p.ok) throw new Error(p.errors.map((e) => e.message).join('\n'));
  return execute(p.scenario);
}

/** The span of the `n`th op (0-based among those matching) that `match` accepts: the step before it to its last step. */
function spanOf(run: Run, match: (op: string, index: number) => boolean, n = 0): { from: number; through: number } {
  const ops = run.scenario.steps.map((s, i) => (match(s.op, i) ? i : -1)).filter((i) => i >= 0);
  const op = ops[n];
  let first = -1;
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) {
    if (run.opOf(s) !== op) continue;
    if (first < 0) first = s;
    last = s;
  }
  return { from: first - 1, through: last };
}

/** Marks as `region:target:[lo-hi,…]` runs, for readable assertions. */
function runsOf(marks: readonly PredictMark[]): string[] {
  const groups = new Map<string, number[]>();
  for (const m of marks) {
    const key = `${m.region}:${m.target}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(m.page);
  }
  return [...groups].map(([key, pages]) => {
    const out: string[] = [];
    let lo = pages[0];
    let hi = lo;
    for (const p of [...pages.slice(1), -2]) {
      if (p === hi + 1) hi = p;
      else {
        out.push(lo === hi ? `${lo}` : `${lo}-${hi}`);
        lo = hi = p;
      }
    }
    return `${key}:[${out.join(',')}]`;
  });
}

const range = (lo: number, hi: number) => Array.from({ length: hi - lo }, (_, i) => lo + i);

describe('predictTruth on the built-in scenarios', () => {
  it('gaia-maquire: maquire drops the GPU copy of the whole 2 MiB block (pages 0-511) and clears DIRTY and CPU_DIRTY on the 18 written pages', () => {
    const run = builtIn('gaia-maquire');
    const span = spanOf(run, (op) => op === 'gaia.maquire');
    run.seek(5);
    expect(runsOf(predictTruth(run, { kind: 'invalidations', ...span }))).toEqual(['0:1:[0-511]']);
    // the block goes back to the CPU: its pages are resident there again
    expect(runsOf(predictTruth(run, { kind: 'moves', ...span }))).toEqual(['0:0:[0-511]']);
    expect(runsOf(predictTruth(run, { kind: 'tags', ...span })).sort()).toEqual(['0:cpuDirty:[256-271,768-769]', '0:dirty:[256-271,768-769]']);
    expect(run.cursor).toBe(5);
    // the second maquire finds nothing to drop
    const second = spanOf(run, (op) => op === 'gaia.maquire', 1);
    for (const kind of ['moves', 'invalidations', 'tags'] as const) expect(predictTruth(run, { kind, ...second })).toEqual([]);
  });

  it('first-touch: the GPU\'s first read of CPU data brings all 1024 pages (prefetch included) and frees the CPU copies', () => {
    const run = builtIn('first-touch');
    const span = spanOf(run, (op) => op === 'gpu.kernel');
    const region = run.scenario.steps.find((s) => s.op === 'gpu.kernel')!;
    const r = region.op === 'gpu.kernel' ? region.accesses[0].region : -1;
    const pages = run.ctx.m.regions[r].pages;
    const moves = predictTruth(run, { kind: 'moves', ...span });
    expect(moves).toEqual(range(0, pages).map((page) => ({ region: r, page, target: 1 })));
    expect(predictTruth(run, { kind: 'invalidations', ...span })).toEqual(range(0, pages).map((page) => ({ region: r, page, target: 0 })));
  });

  it('hmm-evict-chunk: evicting the device chunk brings its pages back to the CPU', () => {
    const run = builtIn('hmm-evict-chunk');
    const span = spanOf(run, (op) => op === 'hmm.evict');
    const moves = predictTruth(run, { kind: 'moves', ...span });
    const back = predictTruth(run, { kind: 'invalidations', ...span });
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.every((m) => m.target === 0)).toBe(true);
    // every page that comes back left the GPU
    expect(back.map((m) => [m.region, m.page])).toEqual(moves.map((m) => [m.region, m.page]));
    expect(back.every((m) => m.target === 1)).toBe(true);
  });

  it('oversubscription: the first pass counts the GPU copies it evicted along the way, not only the CPU copies it replaced', () => {
    const run = builtIn('oversubscription');
    const span = spanOf(run, (op) => op === 'gpu.kernel');
    const truth = predictTruth(run, { kind: 'invalidations', ...span });
    const onGpu = truth.filter((m) => m.target === 1).map((m) => m.page);
    const onCpu = truth.filter((m) => m.target === 0).map((m) => m.page);
    // what is on the GPU at the end had its CPU copy dropped; what was evicted is the rest, and is not on the GPU
    run.seek(span.through);
    const m = run.ctx.m;
    const resident = (page: number, proc: number) => {
      const block = m.regions[0].firstBlock + Math.floor(page / 512);
      return m.readMask(m.layout.residentBase(block, proc)).has(page % 512);
    };
    expect(onGpu.length + onCpu.length).toBe(m.regions[0].pages);
    expect(onGpu.length).toBeGreaterThan(0);
    expect(onGpu.every((p) => !resident(p, 1) && resident(p, 0))).toBe(true);
    expect(onCpu.every((p) => resident(p, 1) && !resident(p, 0))).toBe(true);
    run.seek(0);
  });
});

describe('gradePrediction', () => {
  const q: PredictQuestion = { kind: 'moves', from: 0, through: 1 };
  const mark = (page: number, target = 1): PredictMark => ({ region: 0, page, target });

  it('sorts marks into correct, missed and wrong, counting a duplicate once', () => {
    const g = gradePrediction(q, [mark(1), mark(2), mark(2), mark(9), mark(1, 0)], [mark(1), mark(2), mark(3)]);
    expect(g.correct).toEqual([mark(1), mark(2)]);
    expect(g.missed).toEqual([mark(3)]);
    expect(g.wrong).toEqual([mark(1, 0), mark(9)]);
    expect(g.counts).toEqual({ correct: 2, missed: 1, wrong: 2 });
    expect(g.summary).toBe('2 of 3 pages right; 1 missed, 2 wrong');
    expect(g.question).toEqual(q);
  });

  it('words the summary for every case', () => {
    expect(gradeSummary({ correct: 0, missed: 0, wrong: 0 })).toBe('Right: nothing happens here');
    expect(gradeSummary({ correct: 0, missed: 0, wrong: 1 })).toBe('Nothing happens here; 1 mark wrong');
    expect(gradeSummary({ correct: 6, missed: 0, wrong: 0 })).toBe('6 of 6 pages right: all of them');
    expect(gradeSummary({ correct: 0, missed: 1, wrong: 0 })).toBe('0 of 1 page right; 1 missed');
  });

  it('grades tags by name', () => {
    const tq: PredictQuestion = { kind: 'tags', from: 0, through: 1 };
    const g = gradePrediction(tq, [{ region: 0, page: 4, target: 'dirty' }], [{ region: 0, page: 4, target: 'dirty' }, { region: 0, page: 4, target: 'writeback' }]);
    expect(g.counts).toEqual({ correct: 1, missed: 1, wrong: 0 });
    expect(g.missed).toEqual([{ region: 0, page: 4, target: 'writeback' }]);
  });

  it('refuses a mark of the wrong shape, naming the field', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof PredictError ? e.field : `not a PredictError: ${String(e)}`;
      }
      return 'no error';
    };
    expect(field(() => gradePrediction(q, [mark(1), { region: 0, page: -1, target: 1 }], []))).toBe('answer[1].page');
    expect(field(() => gradePrediction(q, [{ region: 0, page: 1, target: 'dirty' }], []))).toBe('answer[0].target');
    expect(field(() => gradePrediction({ ...q, kind: 'tags' }, [{ region: 0, page: 1, target: 1 }], []))).toBe('answer[0].target');
    expect(field(() => gradePrediction(q, [{ region: 1.5, page: 1, target: 1 }], []))).toBe('answer[0].region');
    expect(field(() => gradePrediction(q, [null as unknown as PredictMark], []))).toBe('answer[0]');
    expect(field(() => checkMarks(q, { length: 3 }))).toBe('answer');
    expect(field(() => checkMarks(q, Array.from({ length: 1_000_001 }, () => mark(0))))).toBe('answer');
  });
});

describe('gradeInRun', () => {
  const run = runYaml(`uvmscope: 1
name: t
regions:
  - { name: a, size: 64KiB }
steps:
  - { op: cpu.write, region: a }
  - op: gpu.kernel
    access: { region: a, op: read }
`);
  const span = { from: 0, through: 0 };
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === 1) {
    if (span.from === 0) span.from = s - 1;
    span.through = s;
  }

  it('grades against the run and leaves the cursor where it was', () => {
    run.seek(3);
    const g = gradeInRun(run, { kind: 'moves', ...span }, range(0, 8).map((page) => ({ region: 0, page, target: 1 })));
    expect(g.counts).toEqual({ correct: 8, missed: 8, wrong: 0 });
    expect(run.cursor).toBe(3);
  });

  it('refuses a bad question or an answer outside the run, naming the field', () => {
    const message = (question: unknown, answer: unknown = []) => {
      try {
        gradeInRun(run, question, answer);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
      return 'no error';
    };
    expect(message({ kind: 'moves', from: 5, through: 5 })).toBe('question.through: must come after from (5), got 5');
    expect(message({ kind: 'moves', from: 1, through: run.stepCount })).toBe(`question.through: step ${run.stepCount} is outside the run (steps 0..${run.stepCount - 1})`);
    expect(message({ kind: 'moves', from: -1, through: 3 })).toMatch(/^question\.from: step -1 is outside the run/);
    expect(message({ kind: 'copies', from: 1, through: 3 })).toBe('question.kind: unknown kind "copies" (kinds: moves, tags, invalidations)');
    expect(message({ kind: 'moves', from: '1', through: 3 })).toBe('question.from: expected a step (a whole number), got "1"');
    expect(message(null)).toBe('question: expected a question {kind, from, through, prompt?}');
    expect(message({ kind: 'moves', ...span }, [{ region: 1, page: 0, target: 1 }])).toBe('answer[0].region: no region 1 (regions 0..0)');
    expect(message({ kind: 'moves', ...span }, [{ region: 0, page: 16, target: 1 }])).toBe('answer[0].page: page 16 is past the end of region "a" (16 pages)');
    expect(message({ kind: 'moves', ...span }, [{ region: 0, page: 1, target: 2 }])).toBe('answer[0].target: expected a processor id (0 = cpu, 1..1 the GPUs), got 2');
  });

  it('grades a region of a million pages in well under a second', () => {
    const big = runYaml(`uvmscope: 1
name: big
machine:
  gpus: [{ name: gpu0, memory: 8GiB }]
regions:
  - { name: huge, size: 4GiB }
steps:
  - { op: uvm.prefetch, region: huge, to: cpu }
  - { op: uvm.prefetch, region: huge, to: gpu0 }
`);
    let from = -1;
    for (let s = 0; s < big.stepCount && from < 0; s++) if (big.opOf(s) === 1) from = s - 1;
    const question: PredictQuestion = { kind: 'moves', from, through: big.stepCount - 1 };
    const answer = range(0, 1_000_000).map((page) => ({ region: 0, page, target: page % 10 === 0 ? 0 : 1 }));
    // CPU time of this process, not wall time: the suite runs test files side by side on few cores (alone it is
    // about 0.3 s of wall time on a 2-core machine)
    const t0 = process.cpuUsage();
    const g = gradeInRun(big, question, answer);
    const used = process.cpuUsage(t0);
    const ms = (used.user + used.system) / 1000;
    expect(g.counts).toEqual({ correct: 900_000, missed: 1_048_576 - 900_000, wrong: 100_000 });
    expect(g.correct.length).toBe(100_000);
    expect(ms).toBeLessThan(1500);
  });
});
