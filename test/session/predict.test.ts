/** Session format version 2: tour stops that ask, predict answers, their digests, and recipes that make asking stops. */
import { describe, expect, it } from 'vitest';
import { parseRecipe, resolvePlace, sessionFromRecipe } from '../../src/engine/session/recipe.js';
import { formatSessionError } from '../../src/engine/session/parse.js';
import { writeSession } from '../../src/engine/session/write.js';
import { parsed, runOf } from './helpers.js';

/** Two ops, a bookmark after the first, and an ask (no step) right after the bookmark. */
const WITH_ASK = `uvmscope: 1
name: asks
regions:
  - { name: A, size: 8KiB }
steps:
  - { op: cpu.write, region: A }
  - bookmark: written
  - ask: moves
  - { op: gpu.kernel, access: { region: A, op: read } }
  - bookmark: read
`;

describe('session version 2', () => {
  const run = runOf(WITH_ASK);
  const last = run.stepCount - 1;

  it('writes a stop that asks and the answers, reads them back, and covers every question\'s span in the digests', () => {
    const question = { kind: 'moves' as const, from: 10, through: last - 2 };
    const w = writeSession(run, { text: WITH_ASK }, {
      cursor: 3,
      tours: [{ title: 't', stops: [{ step: 10, title: 'ask', narration: 'what moves?', ask: { ...question, prompt: 'Which pages?' } }] }],
      answers: [{ question, answer: [{ region: 0, page: 1, target: 1 }], counts: { correct: 1, missed: 1, wrong: 0 } }],
    });
    if (!w.ok) throw new Error(w.errors.map(formatSessionError).join('\n'));
    const s = parsed(w.text).session;
    expect(s.version).toBe(2);
    expect(s.tours[0].stops[0].ask).toEqual({ ...question, prompt: 'Which pages?' });
    expect(s.answers).toEqual([{ question, answer: [{ region: 0, page: 1, target: 1 }], counts: { correct: 1, missed: 1, wrong: 0 } }]);
    // the cursor is at step 3, the tour at 10: the question's end is the horizon
    expect(s.digests.steps!.count).toBe(last - 1);
    // a question past the run is refused where it is
    const far = writeSession(run, { text: WITH_ASK }, { answers: [{ question: { ...question, through: last + 1 }, answer: [], counts: { correct: 0, missed: 0, wrong: 0 } }] });
    expect(far.ok).toBe(false);
    if (!far.ok) expect(far.errors[0]).toMatchObject({ path: 'answers[0].question.through', message: `step ${last + 1} is past the run's last step (${last})` });
  });

  it('a bookmark place ends where the next op with steps begins, passing over an ask', () => {
    const fail = (m: string) => {
      throw new Error(m);
    };
    const written = resolvePlace(run, 'bookmark written', -1, fail)!;
    const kernel = resolvePlace(run, 'op 3', -1, fail)!;
    expect(written).toBe(kernel - 1);
    let message = '';
    expect(resolvePlace(run, 'op 2', -1, (m) => (message = m))).toBeNull();
    expect(message).toBe('op 2 is an `ask`, which takes no step: name the op after it');
  });

  it('makes an asking stop from a recipe: from the stop\'s step through a place after it', () => {
    const recipe = parseRecipe(`scenario: asks.yaml
tours:
  - title: t
    stops:
      - { at: bookmark written, title: Written, narration: n, ask: { predict: moves, through: bookmark read } }
      - { at: bookmark written, title: Again, narration: n, ask: { predict: tags, through: gpuFault, prompt: Which tags clear? } }
`, 'r.yaml');
    if (!recipe.ok) throw new Error(recipe.errors.map(formatSessionError).join('\n'));
    const w = sessionFromRecipe(recipe, run, { text: WITH_ASK, file: 'asks.yaml' });
    if (!w.ok) throw new Error(w.errors.map(formatSessionError).join('\n'));
    const [a, b] = w.session.tours[0].stops;
    const fail = (m: string) => {
      throw new Error(m);
    };
    expect(a.ask).toEqual({ kind: 'moves', from: a.step, through: resolvePlace(run, 'bookmark read', -1, fail) });
    expect(b.ask).toEqual({ kind: 'tags', from: b.step, through: resolvePlace(run, 'gpuFault', b.step, fail), prompt: 'Which tags clear?' });
  });

  it('refuses a recipe question that does not end after its stop, or names no place, at its `through`', () => {
    const make = (ask: string) => {
      const recipe = parseRecipe(`scenario: asks.yaml\ntours:\n  - title: t\n    stops:\n      - { at: bookmark read, title: T, narration: n, ask: ${ask} }\n`, 'r.yaml');
      if (!recipe.ok) return recipe.errors;
      const w = sessionFromRecipe(recipe, run, { text: WITH_ASK });
      return w.ok ? [] : w.errors;
    };
    expect(make('{ predict: moves, through: bookmark written }')[0]).toMatchObject({ path: 'tours[0].stops[0].ask.through', message: expect.stringMatching(/^the question must end after the stop's step/), line: 5 });
    expect(make('{ predict: moves, through: bookmark nowhere }')[0]).toMatchObject({ path: 'tours[0].stops[0].ask.through', message: expect.stringMatching(/no bookmark "nowhere"/) });
    expect(make('{ predict: copies, through: end }')[0]).toMatchObject({ path: 'tours[0].stops[0].ask.predict' });
  });
});
