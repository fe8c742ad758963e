/**
 * Editing guided tours (state/tour-edit.ts): make, rename, duplicate and delete tours; add, edit, reorder and delete
 * stops; a stop's question defaults to the end of the op after it. The app's actions over these (undo, unsaved
 * changes, saved sessions) are tested in dom/tour-actions.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse, OpInfo, RunInfo, SessionTour } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { addStop, addTour, defaultAsk, defaultThrough, duplicateTour, moveStop, removeStop, removeTour, renameTour, toursToSave, updateStop } from '../../src/renderer/state/tour-edit';

const stop = (step: number, title = `s${step}`, narration = `n${step}`) => ({ step, title, narration });
const TOURS: readonly SessionTour[] = [
  { title: 'A', stops: [stop(1), stop(5), stop(9)] },
  { title: 'B', stops: [stop(2)] },
];

describe('tour edit operations', () => {
  it('adds, renames and removes tours without touching the list it was given', () => {
    const added = addTour(TOURS, '  Lecture 3  ');
    expect(added.map((t) => t.title)).toEqual(['A', 'B', 'Lecture 3']);
    expect(added[2].stops).toEqual([]);
    expect(TOURS.length).toBe(2);
    const renamed = renameTour(added, 2, 'Lecture 4');
    expect(renamed[2].title).toBe('Lecture 4');
    expect(renamed[0]).toBe(added[0]);
    // an empty name, the same name or no such tour change nothing
    expect(renameTour(added, 2, '   ')).toBe(added);
    expect(renameTour(added, 2, 'Lecture 3')).toBe(added);
    expect(renameTour(added, 7, 'x')).toBe(added);
    expect(removeTour(TOURS, 0).map((t) => t.title)).toEqual(['B']);
    expect(removeTour(TOURS, 5)).toBe(TOURS);
    expect(addTour([], 'x'.repeat(500))[0].title.length).toBe(200);
  });

  it('duplicates a tour right after it, in the words given, as new stops', () => {
    const dup = duplicateTour(TOURS, 0, 'A (copy)', (s, i) => ({ title: `${s.title}!`, narration: `${i}` }));
    expect(dup.map((t) => t.title)).toEqual(['A', 'A (copy)', 'B']);
    expect(dup[1].stops).toEqual([
      { step: 1, title: 's1!', narration: '0' },
      { step: 5, title: 's5!', narration: '1' },
      { step: 9, title: 's9!', narration: '2' },
    ]);
    expect(dup[1].stops[0]).not.toBe(TOURS[0].stops[0]);
    expect(duplicateTour(TOURS, 1, '').map((t) => t.title)).toEqual(['A', 'B', 'B']);
  });

  it('adds a stop at the end or after a given stop', () => {
    expect(addStop(TOURS, 0, stop(12)).at(0)!.stops.map((s) => s.step)).toEqual([1, 5, 9, 12]);
    expect(addStop(TOURS, 0, stop(3), 0)[0].stops.map((s) => s.step)).toEqual([1, 3, 5, 9]);
    expect(addStop(TOURS, 0, stop(3), -1)[0].stops.map((s) => s.step)).toEqual([3, 1, 5, 9]);
    expect(addStop(TOURS, 0, stop(3), 99)[0].stops.map((s) => s.step)).toEqual([1, 5, 9, 3]);
    expect(addStop(TOURS, 4, stop(3))).toBe(TOURS);
    expect(addStop(TOURS, 1, stop(3))[0]).toBe(TOURS[0]);
  });

  it('edits a stop’s words, step and question; the question follows the stop', () => {
    let t = updateStop(TOURS, 0, 1, { title: 'faults', narration: 'the GPU faults here' });
    expect(t[0].stops[1]).toEqual({ step: 5, title: 'faults', narration: 'the GPU faults here' });
    t = updateStop(t, 0, 1, { ask: { kind: 'moves', from: 5, through: 8 } });
    expect(t[0].stops[1].ask).toEqual({ kind: 'moves', from: 5, through: 8 });
    // moved to another step: asked from there, through a later step
    t = updateStop(t, 0, 1, { step: 7 });
    expect(t[0].stops[1].ask).toEqual({ kind: 'moves', from: 7, through: 8 });
    t = updateStop(t, 0, 1, { step: 20 });
    expect(t[0].stops[1].ask).toEqual({ kind: 'moves', from: 20, through: 21 });
    t = updateStop(t, 0, 1, { ask: null });
    expect(t[0].stops[1]).toEqual({ step: 20, title: 'faults', narration: 'the GPU faults here' });
    expect('ask' in t[0].stops[1]).toBe(false);
    expect(updateStop(TOURS, 0, 3, { title: 'x' })).toBe(TOURS);
    expect(updateStop(TOURS, 0, 0, { narration: 'y'.repeat(9000) })[0].stops[0].narration.length).toBe(8192);
  });

  it('moves and removes stops', () => {
    expect(moveStop(TOURS, 0, 0, 2)[0].stops.map((s) => s.step)).toEqual([5, 9, 1]);
    expect(moveStop(TOURS, 0, 2, 0)[0].stops.map((s) => s.step)).toEqual([9, 1, 5]);
    expect(moveStop(TOURS, 0, 1, 1)).toBe(TOURS);
    expect(moveStop(TOURS, 0, 1, 40)[0].stops.map((s) => s.step)).toEqual([1, 9, 5]);
    expect(moveStop(TOURS, 0, 3, 0)).toBe(TOURS);
    expect(removeStop(TOURS, 0, 1)[0].stops.map((s) => s.step)).toEqual([1, 9]);
    expect(removeStop(TOURS, 0, 3)).toBe(TOURS);
    expect(TOURS[0].stops.map((s) => s.step)).toEqual([1, 5, 9]);
  });
});

const op = (index: number, kind: string, firstStep: number, lastStep: number): OpInfo => ({ index, op: kind, label: kind, firstStep, lastStep, line: index + 1 });

describe('a stop’s question by default', () => {
  const ops = [op(0, 'note', 0, 0), op(1, 'gpu.kernel', 1, 10), op(2, 'bookmark', 11, 11), op(3, 'note', 12, 12), op(4, 'cpu.write', 13, 20)];
  it('runs through the end of the op the stop is in, else of the next op that does something', () => {
    expect(defaultThrough(ops, 0, 21)).toBe(10);
    expect(defaultThrough(ops, 4, 21)).toBe(10);
    // at an op's last step: the next op that does something (notes and bookmarks do nothing)
    expect(defaultThrough(ops, 10, 21)).toBe(20);
    expect(defaultThrough(ops, 12, 21)).toBe(20);
    // nothing after the last step
    expect(defaultThrough(ops, 20, 21)).toBeNull();
    expect(defaultAsk('tags', 4, ops, 21)).toEqual({ kind: 'tags', from: 4, through: 10 });
    expect(defaultAsk('tags', 20, ops, 21)).toBeNull();
  });

  it('over a real run: every bookmark’s stop asks through a later step within the run', () => {
    const r: EngineResponse = new EngineService().handle({ type: 'load', id: 1, source: readFileSync(new URL('../../assets/scenarios/gaia-maquire.yaml', import.meta.url), 'utf8'), fileName: 'gaia-maquire.yaml' });
    if (r.type !== 'ok') throw new Error('load failed');
    const run = (r as OkResponse).run as RunInfo;
    for (const b of run.ops.filter((o) => o.op === 'bookmark')) {
      const from = b.firstStep + 1;
      const through = defaultThrough(run.ops, from, run.totalSteps);
      if (through === null) continue;
      expect(through).toBeGreaterThan(from);
      expect(through).toBeLessThan(run.totalSteps);
      const next = run.ops.find((o) => o.lastStep === through);
      expect(next?.op).not.toBe('note');
    }
  });
});

describe('the tours a saved session carries', () => {
  it('leaves out a tour with no stops and gives emptied titles words, keeping what is whole as it is', () => {
    const tours: readonly SessionTour[] = [TOURS[0], { title: 'empty', stops: [] }, { title: ' ', stops: [{ step: 4, title: '', narration: '' }] }];
    const saved = toursToSave(tours, (step) => `Step ${step}`);
    expect(saved.length).toBe(2);
    expect(saved[0]).toBe(TOURS[0]);
    expect(saved[1]).toEqual({ title: 'Step 4', stops: [{ step: 4, title: 'Step 4', narration: '' }] });
    expect(toursToSave(Array.from({ length: 120 }, () => TOURS[1]), String).length).toBe(100);
    // a question asks from its stop, through a later step, with a prompt of words or none
    const asking: readonly SessionTour[] = [
      {
        title: 'q',
        stops: [
          { ...stop(5), ask: { kind: 'moves', from: 5, through: 9 } },
          { ...stop(6), ask: { kind: 'tags', from: 2, through: 9, prompt: ' ' } },
          { ...stop(7), ask: { kind: 'moves', from: 7, through: 7 } },
        ],
      },
    ];
    const q = toursToSave(asking, String)[0].stops;
    expect(q[0]).toBe(asking[0].stops[0]);
    expect(q[1].ask).toEqual({ kind: 'tags', from: 6, through: 9 });
    expect('ask' in q[2]).toBe(false);
  });
});
