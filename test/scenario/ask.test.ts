/** `ask`: predict mode's questions in a scenario — read in both forms, checked against the steps after them, and resolved to steps. */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/engine/run/execute';
import { resolveAsks } from '../../src/engine/predict/ask';
import { opSpans } from '../../src/engine/run/op-spans';
import { at, expectOneError, parseErrors, parseOk, withSteps } from './helpers';

describe('ask', () => {
  it('reads the short form and the map form, with through and prompt', () => {
    const s = parseOk(withSteps(
      '  - ask: moves',
      '  - { op: cpu.write, region: A }',
      '  - ask: { predict: invalidations, through: after, prompt: "Which copies go?" }',
      '  - note: the GPU reads it',
      '  - op: gpu.kernel',
      '    access: { region: A, op: read }',
      '  - bookmark: after',
      '  - { op: ask, predict: tags }',
      '  - { op: cpu.write, region: A }',
    ));
    expect(s.steps.filter((st) => st.op === 'ask').map(({ loc: _, ...rest }) => rest)).toEqual([
      { op: 'ask', kind: 'moves' },
      { op: 'ask', kind: 'invalidations', through: 'after', prompt: 'Which copies go?' },
      { op: 'ask', kind: 'tags' },
    ]);
  });

  it('reports an unknown kind at its value, with the kinds', () => {
    const text = withSteps('  - ask: move', '  - { op: cpu.write, region: A }');
    expectOneError(text, ...at(text, 6, 'move'), 'expected moves, tags or invalidations, got "move"');
    const map = withSteps('  - ask: { predict: copies }', '  - { op: cpu.write, region: A }');
    expectOneError(map, ...at(map, 6, 'copies'), 'got "copies"');
    const none = withSteps('  - ask: { through: x }', '  - { op: cpu.write, region: A }');
    expectOneError(none, ...at(none, 6, '{'), 'missing required field `predict`: what to predict: moves, tags, invalidations');
  });

  it('reports an unknown key of the question', () => {
    const text = withSteps('  - ask: { predict: moves, thru: b }', '  - { op: cpu.write, region: A }', '  - bookmark: b');
    expectOneError(text, ...at(text, 6, 'thru'), 'unknown key `thru`', 'did you mean `through`?');
  });

  it('needs an op after it that does something', () => {
    const text = withSteps('  - { op: cpu.write, region: A }', '  - ask: moves', '  - note: nothing more', '  - bookmark: end');
    const e = expectOneError(text, 7, 5, 'an ask needs an op after it that does something');
    expect(e.path).toBe('steps[1]');
  });

  it('reports an unknown bookmark at `through`, with the bookmarks after it and the closest', () => {
    const text = withSteps(
      '  - bookmark: start',
      '  - ask: { predict: moves, through: gpu-red }',
      '  - op: gpu.kernel',
      '    access: { region: A, op: read }',
      '  - bookmark: gpu-read',
    );
    const e = expectOneError(text, ...at(text, 7, 'gpu-red'), 'bookmark "gpu-red" is not defined (bookmarks after it: gpu-read); did you mean `gpu-read`?');
    expect(e.path).toBe('steps[1].ask.through');
  });

  it('refuses a bookmark before the ask or before the op it asks about', () => {
    const before = withSteps('  - bookmark: start', '  - ask: { predict: moves, through: start }', '  - { op: cpu.write, region: A }');
    expectOneError(before, ...at(before, 7, 'start'), 'bookmark "start" comes before this ask');
    const early = withSteps('  - ask: { predict: moves, through: soon }', '  - bookmark: soon', '  - { op: cpu.write, region: A }');
    expectOneError(early, ...at(early, 6, 'soon'), 'bookmark "soon" comes before the op it asks about');
  });

  it('is checked alongside the other errors of the file', () => {
    const text = withSteps('  - ask: { predict: moves, through: nowhere }', '  - { op: cpu.write, region: B }');
    expect(parseErrors(text).map((e) => e.path)).toEqual(['steps[1].region']);
  });

  it('takes no step, and resolves to the span from before the next op to the end of the op it asks about (or to its bookmark)', () => {
    const s = parseOk(withSteps(
      '  - { op: cpu.write, region: A }',
      '  - ask: moves',
      '  - note: the GPU reads it',
      '  - op: gpu.kernel',
      '    access: { region: A, op: read }',
      '  - ask: { predict: invalidations, through: back }',
      '  - { op: cpu.read, region: A }',
      '  - { op: uvm.prefetch, region: A, to: gpu0 }',
      '  - bookmark: back',
    ));
    const withAsks = execute(s);
    const without = execute({ ...s, steps: s.steps.filter((st) => st.op !== 'ask') });
    expect(withAsks.stepCount).toBe(without.stepCount);
    expect(withAsks.digest()).toBe(without.digest());
    const { first, last } = opSpans(withAsks);
    expect(first[1]).toBe(-1);
    const asks = resolveAsks(s, first, last);
    // before the note (ops 2), through the kernel (op 3)
    expect(asks[1]).toEqual({ kind: 'moves', from: first[2] - 1, through: last[3] });
    // through the prefetch: the last step before the bookmark
    expect(asks[4]).toEqual({ kind: 'invalidations', from: first[5] - 1, through: first[7] - 1 });
    expect(last[6]).toBe(first[7] - 1);
    expect(asks.filter((a) => a !== undefined)).toHaveLength(2);
  });
});
