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
