/** writeSession and recipes: deterministic bytes, the limits a writer keeps, places resolved to steps. */
import { describe, expect, it } from 'vitest';
import type { BreakpointSpec, ObjectRef } from '../../src/protocol/index.js';
import { SESSION_LIMITS, type SessionBreakpoint, type SessionObjectRef } from '../../src/engine/session/format.js';
import { parseSession } from '../../src/engine/session/parse.js';
import { parseRecipe, resolvePlace, sessionFromRecipe } from '../../src/engine/session/recipe.js';
import { buildSession, serializeSession, writeSession } from '../../src/engine/session/write.js';
import { BUSY, parsed, runOf, SMALL } from './helpers.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('the session shapes are the protocol shapes', () => {
  it('a breakpoint and an object reference mean the same on both sides', () => {
    const breakpoint: Same<SessionBreakpoint, { -readonly [K in keyof BreakpointSpec]: BreakpointSpec[K] }> = true;
    const object: Same<SessionObjectRef, ObjectRef> = true;
    expect([breakpoint, object]).toEqual([true, true]);
  });
});

describe('writeSession', () => {
  const run = runOf(SMALL);

  it('writes the same bytes for the same run and user state, and leaves the run where it was', () => {
    run.seek(7);
    const a = writeSession(run, { text: SMALL, file: 'small.yaml' }, { cursor: 30, bookmarks: [{ step: 2, label: 'b' }] });
    const b = writeSession(runOf(SMALL), { text: SMALL, file: 'small.yaml' }, { cursor: 30, bookmarks: [{ step: 2, label: 'b' }] });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.text).toBe(b.text);
    expect(run.cursor).toBe(7);
    expect(a.session.cursor).toBe(30);
  });

  it('takes the run cursor when none is given, and refuses a cursor outside the run', () => {
    run.seek(12);
    expect(buildSession(run, { text: SMALL }).cursor).toBe(12);
    expect(() => buildSession(run, { text: SMALL }, { cursor: run.stepCount })).toThrow(RangeError);
    expect(() => buildSession(run, { text: SMALL }, { cursor: -1 })).toThrow(/outside the run's steps/);
  });

  it('keeps the last 10,000 steps of the path', () => {
    const path = Array.from({ length: 12_000 }, (_, i) => i % run.stepCount);
    const s = buildSession(run, { text: SMALL }, { cursor: 3, path });
    expect(s.path).toHaveLength(SESSION_LIMITS.path);
    expect(s.path[s.path.length - 1]).toBe(path[path.length - 1]);
  });

  it('covers every step the session names with its digests', () => {
    const s = buildSession(run, { text: SMALL }, { cursor: 3, tours: [{ title: 't', stops: [{ step: 200, title: 's', narration: 'n' }] }] });
    expect(s.digests.steps?.count).toBe(201);
    expect(s.digests.checkpoints[s.digests.checkpoints.length - 1].step).toBe(200);
    expect(s.digests.checkpoints.length).toBeLessThanOrEqual(16);
  });

  it('refuses to write what its reader would refuse, located in the text', () => {
    const long = writeSession(run, { text: SMALL }, { bookmarks: [{ step: 1, label: 'x'.repeat(300) }] });
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.errors[0]).toMatchObject({ path: 'bookmarks[0].label', message: 'longer than 200 characters (300)' });
    const past = writeSession(run, { text: SMALL }, { cursor: 2, notes: [{ step: run.stepCount + 5, text: 'later' }] });
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.errors[0]).toMatchObject({ path: 'notes[0].step', message: `step ${run.stepCount + 5} is past the run's last step (${run.stepCount - 1})` });
  });

  it('writes pretty JSON: plain objects and number lists on lines of at most 100 columns', () => {
    const s = buildSession(run, { text: SMALL }, { cursor: 3, path: Array.from({ length: 300 }, (_, i) => i), breakpoints: [{ id: 1, spec: 'copy', enabled: true }] });
    const text = serializeSession(s);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(s)));
    for (const line of text.split('\n')) if (!/^\s*"(text|fingerprints)": "/.test(line)) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).toContain('    { "id": 1, "spec": "copy", "enabled": true }\n');
    expect(text.endsWith('}\n')).toBe(true);
    expect(parsed(text).session).toEqual(s);
  });
});

describe('recipes', () => {
  const run = runOf(BUSY);

  function place(at: number | string, prev = -1): number | string {
    let why = '';
    const step = resolvePlace(run, at, prev, (m) => (why = m));
    return step ?? why;
  }

  it('resolve every kind of place to a step', () => {
    expect(place(0)).toBe(0);
    expect(place(17)).toBe(17);
    expect(place('start')).toBe(0);
    expect(place('end')).toBe(run.stepCount - 1);
    const op0 = place('op 0') as number;
    const op1 = place('op 1') as number;
    expect(run.opOf(op0)).toBe(0);
    expect(run.opOf(op1)).toBe(1);
    expect(run.opOf(op1 - 1)).toBe(0);
    const bookmark = place('bookmark end') as number;
    expect(run.opOf(bookmark)).toBe(12);
    expect(run.scenario.steps[12]).toMatchObject({ op: 'bookmark', name: 'end' });
    const first = place('evictChunk') as number;
    const second = place('evictChunk', first) as number;
    expect(second).toBeGreaterThan(first);
    expect(run.transitionsOfStep(first).some((t) => t.kind === 'evictChunk')).toBe(true);
  });

  it('say why a place names no step', () => {
    expect(place(run.stepCount)).toMatch(/^step [\d,]+ is past the run's last step/);
    expect(place('op 99')).toBe('the scenario has no op 99 (it has 13, numbered from 0)');
    expect(place('bookmark nope')).toBe('the scenario has no bookmark "nope" (it has end)');
    expect(place('nosuchkind')).toMatch(/nosuchkind/);
    expect(place('evictChunk', run.stepCount - 2)).toMatch(/^`evictChunk` never hits after step [\d,]+ \(the place before it\)$/);
    expect(place('copy if bytes > 1TiB')).toBe('`copy if bytes > 1TiB` never hits in the run');
  });

  it('are YAML with located errors', () => {
    const syntax = parseRecipe('scenario: [a\n', 'r.yaml');
    expect(syntax.ok).toBe(false);
    const unknown = parseRecipe('scenario: a.yaml\ntour: []\n', 'r.yaml');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.errors[0]).toMatchObject({ source: 'r.yaml', line: 1, col: 1, message: expect.stringMatching(/tour/) });
    const wrong = parseRecipe('scenario: a.yaml\nbookmarks:\n  - { at: [1], label: x }\n', 'r.yaml');
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.errors[0]).toMatchObject({ line: 3, col: 11, path: 'bookmarks[0].at' });
    expect(parseRecipe('- a\n', 'r.yaml').ok).toBe(false);
  });

  it('make a session whose cursor is the first stop unless the recipe says', () => {
    const recipe = parseRecipe('scenario: busy.yaml\ntours:\n  - title: t\n    stops:\n      - { at: evictChunk, title: a, narration: b }\n', 'r.yaml');
    expect(recipe.ok).toBe(true);
    if (!recipe.ok) return;
    const w = sessionFromRecipe(recipe, run, { text: BUSY, file: 'busy.yaml' });
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    expect(w.session.cursor).toBe(place('evictChunk'));
    expect(w.session.path).toEqual([w.session.cursor]);
    const r = parseSession(w.text);
    expect(r.ok).toBe(true);
  });
});

describe('a session of a long run', () => {
  it('saves and reads back at the last step of a run of more than 16,384 steps (every fingerprint fits the format)', () => {
    // a ping-pong long enough that the writer records one fingerprint per step well past 16,384 steps
    let text = 'uvmscope: 1\nregions: [{ name: flag, size: 16KiB }]\nsteps:\n';
    for (let r = 0; r < 400; r++) text += '  - { op: cpu.write, region: flag }\n  - { op: gpu.kernel, gpu: gpu0, access: { region: flag, op: write } }\n';
    const run = runOf(text, 'long.yaml');
    expect(run.stepCount).toBeGreaterThan(16_384);
    const w = writeSession(run, { text, file: 'long.yaml' }, { cursor: run.stepCount - 1 });
    if (!w.ok) throw new Error(w.errors.map((e) => e.message).join('\n'));
    const back = parsed(w.text);
    expect(back.session.cursor).toBe(run.stepCount - 1);
    expect(back.session.digests.steps?.count).toBe(run.stepCount);
  }, 60_000);
});
