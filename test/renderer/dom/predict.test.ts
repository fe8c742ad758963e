/**
 * Predict mode's state (src/renderer/state/predict.ts) over a real engine service in Node: marks toggle and paint by
 * (region, page, target), the learner's question covers the op after the cursor, Check sends the marks to the host
 * and shows its grade, the answer is recorded and goes into the saved session, and a scenario's `ask` op puts its
 * question on a stop of the scenario's own tour.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpInfo } from '../../../src/protocol';
import { setEngineForTests, useDebugger } from '../../../src/renderer/state/store';
import {
  allMarked,
  markCount,
  ask,
  askNextOp,
  check,
  closeQuestion,
  marksList,
  paint,
  paintMarks,
  questionForNextOp,
  setAnswers,
  setKind,
  setTarget,
  showAnswer,
  targetsFor,
  toggleCell,
  toggleMarks,
  usePredict,
} from '../../../src/renderer/state/predict';
import { openSessionFile, sessionText, userState } from '../../../src/renderer/state/session';
import { scenarioTour } from '../../../src/renderer/state/scenario-tour';
import { gradeWords } from '../../../src/renderer/app/predict-words';
import { gradeSummary } from '../../../src/engine/predict/grade';
import { en } from '../../../src/renderer/i18n/en/index';
import { engineDouble } from './engine-double';

const scenario = (name: string) => readFileSync(new URL(`../../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

describe('marks', () => {
  it('toggle a cell of pages as one: all marked → all unmarked, else all marked', () => {
    let m = toggleMarks(new Map(), 0, 8, 4, 1);
    expect(marksList(m)).toEqual([8, 9, 10, 11].map((page) => ({ region: 0, page, target: 1 })));
    m = toggleMarks(m, 0, 8, 4, 1);
    expect(markCount(m)).toBe(0);
    // a half-marked cell is completed, not cleared
    m = toggleMarks(toggleMarks(new Map(), 0, 9, 1, 1), 0, 8, 4, 1);
    expect(markCount(m)).toBe(4);
  });
  it('keep one mark per (region, page, target): a page may be marked for two processors', () => {
    const m = toggleMarks(toggleMarks(new Map(), 0, 3, 1, 1), 0, 3, 1, 2);
    expect(marksList(m)).toEqual([
      { region: 0, page: 3, target: 1 },
      { region: 0, page: 3, target: 2 },
    ]);
    expect(marksList(paintMarks(m, 0, 0, 8, 1, false))).toEqual([{ region: 0, page: 3, target: 2 }]);
  });
  it('stay quick and within the limit for a million pages', () => {
    const t0 = performance.now();
    let m = paintMarks(new Map(), 0, 0, 1_000_000, 1, true);
    m = toggleMarks(m, 0, 512, 512, 1);
    m = toggleMarks(m, 0, 512, 512, 1);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(markCount(m)).toBe(1_000_000);
    // the protocol's limit: no more marks past a million
    expect(markCount(paintMarks(m, 1, 0, 10, 0, true))).toBe(1_000_000);
  });
  it('offer processors for moves and invalidations, tags for tags', () => {
    expect(targetsFor('moves', 3)).toEqual([0, 1, 2]);
    expect(targetsFor('invalidations', 2)).toEqual([0, 1]);
    expect(targetsFor('tags', 2)).toEqual(['dirty', 'cpuDirty', 'writeback']);
  });
  it("the learner's question covers the next op that does something, from the cursor through its last step", () => {
    const ops: OpInfo[] = [
      { index: 0, op: 'note', label: 'n', text: 'x', firstStep: 0, lastStep: 0, line: 1 },
      { index: 1, op: 'gpu.kernel', label: 'k', firstStep: 1, lastStep: 40, line: 2 },
      { index: 2, op: 'bookmark', label: 'b', text: 'b', firstStep: 41, lastStep: 41, line: 3 },
      { index: 3, op: 'cpu.write', label: 'w', firstStep: 42, lastStep: 60, line: 4 },
    ];
    expect(questionForNextOp(ops, 0, 'moves')).toEqual({ kind: 'moves', from: 0, through: 40 });
    expect(questionForNextOp(ops, 40, 'tags')).toEqual({ kind: 'tags', from: 40, through: 60 });
    expect(questionForNextOp(ops, 60, 'moves')).toBeNull();
  });
});

describe('the grade in words', () => {
  const t = (key: string, o: Record<string, unknown>) => {
    // the English catalogue's plural forms, as i18next picks them
    const parts = key.split('.');
    let node: unknown = en.predict;
    for (const p of parts.slice(0, -1)) node = (node as Record<string, unknown>)[p];
    const leaf = parts[parts.length - 1];
    const table = node as Record<string, string>;
    const text = table[leaf] ?? table[`${leaf}_${o.count === 1 ? 'one' : 'other'}`];
    return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(o[k]));
  };
  it('says in English exactly what the host says', () => {
    for (const counts of [
      { correct: 0, missed: 0, wrong: 0 },
      { correct: 0, missed: 0, wrong: 1 },
      { correct: 0, missed: 0, wrong: 3 },
      { correct: 1, missed: 0, wrong: 0 },
      { correct: 5, missed: 1, wrong: 2 },
      { correct: 16, missed: 496, wrong: 1 },
      { correct: 1200, missed: 0, wrong: 7 },
      { correct: 0, missed: 6, wrong: 0 },
    ]) {
      expect(gradeWords(t, counts)).toBe(gradeSummary(counts));
    }
  });
});

describe('predict mode over the engine', () => {
  beforeEach(async () => {
    setEngineForTests(engineDouble().client);
    await useDebugger.getState().load(scenario('gaia-maquire'), 'gaia-maquire.yaml');
    closeQuestion();
    setAnswers([]);
  });
  afterEach(() => {
    closeQuestion();
    setEngineForTests(null);
  });

  it("asks about the next op, marks with the chosen target, and records the host's grade", async () => {
    const { run } = useDebugger.getState();
    const maquire = run!.ops.find((o) => o.op === 'gaia.maquire')!;
    ask({ kind: 'invalidations', from: maquire.firstStep - 1, through: maquire.lastStep }, 'tour');
    await new Promise((r) => setTimeout(r, 20));
    expect(useDebugger.getState().state?.step).toBe(maquire.firstStep - 1);
    setTarget(1);
    toggleCell(0, 256, 16);
    paint(0, 272, 16, true);
    setTarget(0);
    toggleCell(0, 700, 1);
    expect(allMarked(0, 256, 32)).toBe(false);
    setTarget(1);
    expect(allMarked(0, 256, 32)).toBe(true);
    expect(markCount(usePredict.getState().marks)).toBe(33);
    const grade = await check();
    expect(grade?.counts.wrong).toBe(1);
    expect(grade!.counts.correct + grade!.counts.missed).toBeGreaterThan(0);
    expect(usePredict.getState().grade).toBe(grade);
    // graded: the marks no longer change
    toggleCell(0, 0, 1);
    expect(markCount(usePredict.getState().marks)).toBe(33);
    const answers = usePredict.getState().answers;
    expect(answers).toHaveLength(1);
    expect(answers[0].counts).toEqual(grade!.counts);
    expect(answers[0].answer).toHaveLength(33);
    // the session saved now carries the answer
    expect(userState().answers).toEqual(answers);
  });

  it('a saved session carries the answers, and opening it brings them back', async () => {
    const maquire = useDebugger.getState().run!.ops.find((o) => o.op === 'gaia.maquire')!;
    ask({ kind: 'invalidations', from: maquire.firstStep - 1, through: maquire.lastStep }, 'learner');
    setTarget(1);
    toggleCell(0, 256, 16);
    const grade = await check();
    const text = await sessionText();
    const saved = JSON.parse(text) as { answers: { counts: unknown; answer: unknown[] }[] };
    expect(saved.answers).toHaveLength(1);
    expect(saved.answers[0].counts).toEqual(grade!.counts);
    expect(saved.answers[0].answer).toHaveLength(16);
    closeQuestion();
    setAnswers([]);
    expect(await openSessionFile(text, 'answered.uvmsession')).toBe(true);
    expect(usePredict.getState().answers).toHaveLength(1);
    expect(usePredict.getState().answers[0].counts).toEqual(grade!.counts);
  });

  it('a session keeps within the format: the last 1,000 answers, each with its first 100,000 marks, and it opens again', async () => {
    const maquire = useDebugger.getState().run!.ops.find((o) => o.op === 'gaia.maquire')!;
    const question = { kind: 'invalidations' as const, from: maquire.firstStep - 1, through: maquire.lastStep };
    const big = Array.from({ length: 100_500 }, (_, i) => ({ region: 0, page: i % 1024, target: i < 1024 ? 1 : 0 }));
    const counts = { correct: 0, missed: 512, wrong: 1024 };
    const answers = Array.from({ length: 1_002 }, (_, i) => ({ question, answer: i === 1_001 ? big : [{ region: 0, page: i % 1024, target: 1 }], counts }));
    setAnswers(answers);
    const text = await sessionText();
    const saved = JSON.parse(text) as { answers: { answer: unknown[]; counts: unknown }[] };
    expect(saved.answers).toHaveLength(1_000);
    // the oldest two went; the last one keeps its first 100,000 marks and its whole answer's counts
    expect(saved.answers[0].answer).toEqual([{ region: 0, page: 2, target: 1 }]);
    expect(saved.answers[999].answer).toHaveLength(100_000);
    expect(saved.answers[999].counts).toEqual(counts);
    setAnswers([]);
    expect(await openSessionFile(text, 'many-answers.uvmsession')).toBe(true);
    expect(usePredict.getState().answers).toHaveLength(1_000);
  });

  it("Show answer grades an empty answer: everything missed, nothing wrong", async () => {
    expect(askNextOp('moves')).toBe(true);
    const q = usePredict.getState().question!;
    expect(q.from).toBe(useDebugger.getState().state!.step);
    setKind('invalidations');
    expect(usePredict.getState().question!.kind).toBe('invalidations');
    const grade = await showAnswer();
    expect(grade!.counts.correct).toBe(0);
    expect(grade!.counts.wrong).toBe(0);
    expect(usePredict.getState().answers[0].answer).toEqual([]);
  });

  it("a scenario's ask op becomes a tour stop that asks, landing on its from step", () => {
    const { run } = useDebugger.getState();
    // the scenario's own asks aside, one made here after its first bookmark
    const ops = run!.ops.filter((o) => o.op !== 'ask');
    const b = ops.findIndex((o) => o.op === 'bookmark');
    const after = ops[b + 2] ?? ops[b + 1];
    const q = { kind: 'moves' as const, from: after.firstStep, through: after.lastStep };
    const withAsk: OpInfo[] = [...ops.slice(0, b + 2), { index: 999, op: 'ask', label: 'ask', firstStep: after.firstStep, lastStep: after.firstStep, line: 0, ask: q }, ...ops.slice(b + 2)];
    const tour = scenarioTour(run!.scenario, withAsk)!;
    const asking = tour.stops.filter((s) => s.ask);
    expect(asking).toHaveLength(1);
    expect(asking[0].step).toBe(q.from);
    expect(asking[0].ask).toEqual(q);
    for (let i = 1; i < tour.stops.length; i++) expect(tour.stops[i].step).toBeGreaterThanOrEqual(tour.stops[i - 1].step);
    // the scenario's own: each of its asks is on a stop that lands on its question's from step
    const own = scenarioTour(run!.scenario, run!.ops)!;
    for (const o of run!.ops.filter((x) => x.op === 'ask')) expect(own.stops.find((st) => st.ask === o.ask)?.step).toBe(o.ask!.from);
  });
});
