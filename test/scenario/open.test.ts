/** `open:`: the bookmark a scenario opens at — read, checked against the steps' bookmarks, and set on the built-ins. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/engine/scenario';
import { at, expectOneError, lines, parseErrors, parseOk } from './helpers';

/** A scenario with `open: <value>` on line 2 and two bookmarks (lines 6 and 8). */
function withOpen(value: string): string {
  return lines(
    'uvmscope: 1',
    `open: ${value}`,
    'regions: [{ name: A, size: 4MiB }]',
    'steps:',
    '  - { op: cpu.write, region: A }',
    '  - bookmark: cpu-wrote',
    '  - note: the GPU reads it',
    '  - { op: bookmark, name: gpu-read }',
  );
}

describe('open', () => {
  it('names a bookmark of the steps, in either form', () => {
    expect(parseOk(withOpen('cpu-wrote')).open).toBe('cpu-wrote');
    expect(parseOk(withOpen('gpu-read')).open).toBe('gpu-read');
  });

  it('is absent when not given, so a scenario without it reads as before', () => {
    const s = parseOk(lines('uvmscope: 1', 'regions: [{ name: A, size: 4MiB }]', 'steps: [{ bookmark: b }]'));
    expect('open' in s).toBe(false);
  });

  it('reports an unknown bookmark at its value, with the bookmarks there are and the closest', () => {
    const text = withOpen('cpu-wrot');
    const e = expectOneError(text, ...at(text, 2, 'cpu-wrot'), 'bookmark "cpu-wrot" is not defined (bookmarks: cpu-wrote, gpu-read); did you mean `cpu-wrote`?');
    expect(e.path).toBe('open');
    const far = withOpen('zzz');
    const f = expectOneError(far, 2, 7, 'bookmark "zzz" is not defined (bookmarks: cpu-wrote, gpu-read)');
    expect(f.message).not.toContain('did you mean');
  });

  it('says how to add one when the steps have no bookmark', () => {
    const text = lines('uvmscope: 1', 'open: start', 'regions: [{ name: A, size: 4MiB }]', 'steps: []');
    expectOneError(text, 2, 7, 'bookmark "start" is not defined (the steps have no bookmark: add `- bookmark: name`');
  });

  it('takes a non-empty string, and is suggested for a misspelt key', () => {
    expectOneError(withOpen('3'), 2, 7, 'expected a string, got the number 3 (put it in quotes)');
    expectOneError(withOpen('""'), 2, 7, 'must not be empty');
    const text = withOpen('cpu-wrote').replace('open:', 'opne:');
    expectOneError(text, 2, 1, 'unknown key `opne` in a scenario', 'did you mean `open`?');
  });

  it('is checked alongside the other errors of the file, not instead of them', () => {
    const text = withOpen('nowhere').replace('{ op: cpu.write, region: A }', '{ op: cpu.write, region: B }');
    const errors = parseErrors(text);
    expect(errors.map((e) => [e.line, e.path])).toEqual([
      [2, 'open'],
      [5, 'steps[0].region'],
    ]);
  });
});

describe('the built-in scenarios', () => {
  const dir = new URL('../../assets/scenarios/', import.meta.url);
  const read = (file: string) => {
    const r = parseScenario(readFileSync(new URL(file, dir), 'utf8'), file);
    if (!r.ok) throw new Error(`${file} does not parse`);
    return r.scenario;
  };

  it('open the three paths the app is known for on a bookmark just before them', () => {
    expect(read('gaia-maquire.yaml').open).toBe('cpu-wrote');
    expect(read('gaia-get-page-from-gpu.yaml').open).toBe('released');
    expect(read('oversubscription.yaml').open).toBe('first-pass');
    expect(read('hmm-evict-chunk.yaml').open).toBe('gpu-wrote');
  });

  it('each open on a bookmark followed by the note that introduces the path', () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const s = read(file);
      if (s.open === undefined) continue;
      const at = s.steps.findIndex((st) => st.op === 'bookmark' && st.name === s.open);
      expect(at, file).toBeGreaterThanOrEqual(0);
      // an `ask` (no step of its own) may come first: the app opens on the note all the same
      const next = s.steps.slice(at + 1).find((st) => st.op !== 'ask');
      expect(next?.op, file).toBe('note');
    }
  });
});
