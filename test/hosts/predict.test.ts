import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { EngineService } from '../../src/hosts/service';
import type { EngineResponse, OkResponse, PredictMark } from '../../src/protocol';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type === 'error') throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  if (r.type !== 'ok') throw new Error('not ok');
  return r;
}

describe('EngineService grade', () => {
  const service = new EngineService();
  const loaded = ok(service.handle({ type: 'load', id: 1, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml' }));
  const ops = loaded.run!.ops;
  const maquire = ops.find((o) => o.op === 'gaia.maquire')!;
  const question = { kind: 'invalidations' as const, from: maquire.firstStep - 1, through: maquire.lastStep };

  it('grades an answer against the run between two steps, and the cursor stays', () => {
    ok(service.handle({ type: 'seek', id: 2, step: 10 }));
    // the learner expects only the stale GPU page (16 pages at 256) to go, and marks one page of the CPU by mistake
    const answer: PredictMark[] = [...Array.from({ length: 16 }, (_, i) => ({ region: 0, page: 256 + i, target: 1 })), { region: 0, page: 700, target: 0 }];
    const r = ok(service.handle({ type: 'grade', id: 3, question, answer }));
    expect(r.state.step).toBe(10);
    expect(r.grade!.counts).toEqual({ correct: 16, missed: 512 - 16, wrong: 1 });
    expect(r.grade!.summary).toBe('16 of 512 pages right; 496 missed, 1 wrong');
    expect(r.grade!.wrong).toEqual([{ region: 0, page: 700, target: 0 }]);
    expect(r.grade!.missed[0]).toEqual({ region: 0, page: 0, target: 1 });
    expect(r.grade!.question).toEqual(question);
    expect(ok(service.handle({ type: 'state', id: 4 })).state.step).toBe(10);
  });

  it('answers a bad question or mark with a diagnostic that names the field', () => {
    const bad = service.handle({ type: 'grade', id: 5, question: { ...question, through: question.from }, answer: [] });
    expect(bad).toMatchObject({ type: 'error', id: 5, diagnostics: [{ path: 'question.through' }] });
    const page = service.handle({ type: 'grade', id: 6, question, answer: [{ region: 0, page: 1024, target: 1 }] });
    expect(page).toMatchObject({ type: 'error', id: 6, diagnostics: [{ path: 'answer[0].page', message: 'answer[0].page: page 1024 is past the end of region "data.bin" (1024 pages)' }] });
    expect(ok(service.handle({ type: 'state', id: 7 })).state.step).toBe(10);
  });

  it('refuses to grade before anything is loaded', () => {
    const r = new EngineService().handle({ type: 'grade', id: 1, question, answer: [] });
    expect(r).toMatchObject({ type: 'error', diagnostics: [{ message: 'no scenario is loaded yet' }] });
  });
});

describe('ask ops in the run', () => {
  /** Each built-in's asks as the host resolves them, graded with no marks: the truth is what was missed. */
  function asks(name: string) {
    const service = new EngineService();
    const run = ok(service.handle({ type: 'load', id: 1, source: scenario(name), fileName: `${name}.yaml` })).run!;
    return run.ops.filter((o) => o.op === 'ask').map((o) => {
      const graded = ok(service.handle({ type: 'grade', id: 2, question: o.ask!, answer: [] })).grade!;
      return { op: o, truth: graded.missed, ops: run.ops };
    });
  }

  it('resolves each built-in ask to the span from before its note to the end of the op it asks about', () => {
    for (const name of ['gaia-maquire', 'gaia-get-page-from-gpu', 'first-touch', 'hmm-evict-chunk', 'oversubscription']) {
      const found = asks(name);
      expect(found.length, name).toBeGreaterThan(0);
      for (const { op, truth, ops } of found) {
        expect(op.firstStep, name).toBe(-1);
        expect(op.ask!.prompt, `${name}: built-ins give no prompt`).toBeUndefined();
        const next = ops[op.index + 1];
        expect(next.op, name).toBe('note');
        expect(op.ask!.from, name).toBe(next.firstStep - 1);
        expect(truth.length, `${name}: something to predict`).toBeGreaterThan(0);
      }
    }
  });

  it('gaia-maquire asks which GPU copies maquire drops: the whole 2 MiB block on gpu0', () => {
    const [{ op, truth, ops }] = asks('gaia-maquire');
    const maquire = ops.find((o) => o.op === 'gaia.maquire')!;
    // asked right after `cpu-wrote`, before the two notes that explain maquire
    expect(op.ask).toEqual({ kind: 'invalidations', from: ops[op.index - 1].lastStep, through: maquire.lastStep });
    expect(truth).toHaveLength(512);
    expect(truth.every((m, i) => m.region === 0 && m.page === i && m.target === 1)).toBe(true);
  });

  it('first-touch asks what the GPU\'s first read brings: every page of the buffer, prefetch included', () => {
    const [{ op, truth, ops }] = asks('first-touch');
    const kernel = ops.find((o) => o.op === 'gpu.kernel')!;
    expect(op.ask!.through).toBe(kernel.lastStep);
    expect(truth).toHaveLength(1024);
    expect(new Set(truth.map((m) => m.target))).toEqual(new Set([1]));
  });

  it('gaia-get-page-from-gpu asks through a bookmark: both kernels move pages 0-63 to the GPU', () => {
    const [{ op, truth, ops }] = asks('gaia-get-page-from-gpu');
    const mark = ops.find((o) => o.op === 'bookmark' && o.text === 'gpu-wrote')!;
    expect(op.ask!.through).toBe(mark.firstStep - 1);
    expect(truth.map((m) => m.page)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });

  it('steps op by op over an ask, which has no step', () => {
    const service = new EngineService();
    const run = ok(service.handle({ type: 'load', id: 1, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml' })).run!;
    const ask = run.ops.find((o) => o.op === 'ask')!;
    const before = run.ops[ask.index - 1];
    const after = run.ops[ask.index + 1];
    ok(service.handle({ type: 'seek', id: 2, step: before.firstStep }));
    expect(ok(service.handle({ type: 'step', id: 3, granularity: 'op', direction: 'forward' })).state.step).toBe(after.firstStep);
    expect(ok(service.handle({ type: 'step', id: 4, granularity: 'op', direction: 'backward' })).state.step).toBe(before.firstStep);
  });
});
