/**
 * Every built-in scenario carries a tour in itself (renderer/state/scenario-tour.ts): its bookmarks in order, each
 * stop on the first step after the bookmark with the note that introduces the next phase. Checked over the real runs
 * of all built-in scenarios through the engine service.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { scenarioTour } from '../../src/renderer/state/scenario-tour';

const DIR = new URL('../../assets/scenarios/', import.meta.url);
const NAMES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

describe('the tour in every built-in scenario', () => {
  for (const file of NAMES) {
    it(`${file}: starts at step 0 with the opening note, then one stop per bookmark, in step order, each narrated`, () => {
      const service = new EngineService();
      const run = ok(service.handle({ type: 'load', id: 1, source: readFileSync(new URL(file, DIR), 'utf8'), fileName: file })).run!;
      const tour = scenarioTour(run.scenario, run.ops);
      expect(tour, 'a built-in scenario has bookmarks and notes').not.toBeNull();
      const stops = tour!.stops;
      expect(stops[0].step).toBe(0);
      expect(stops[0].narration).toBe(run.ops.find((o) => o.op === 'note')!.text);
      const bookmarks = run.ops.filter((o) => o.op === 'bookmark');
      expect(stops.length).toBeGreaterThanOrEqual(2);
      expect(stops.length).toBeLessThanOrEqual(bookmarks.length + 1);
      for (let i = 1; i < stops.length; i++) {
        expect(stops[i].step).toBeGreaterThan(stops[i - 1].step);
        expect(stops[i].step).toBeLessThan(run.totalSteps);
        expect(bookmarks.some((b) => b.text === stops[i].title)).toBe(true);
      }
      // a stop's narration is a note of the scenario (or empty after the last phase)
      const notes = new Set(run.ops.filter((o) => o.op === 'note').map((o) => o.text));
      for (const s of stops) if (s.narration) expect(notes.has(s.narration)).toBe(true);
    });
  }
  it('has no tour without bookmarks', () => {
    expect(scenarioTour('x', [{ index: 0, op: 'note', label: 'n', text: 'hello', firstStep: 0, lastStep: 0, line: 1 }])).toBeNull();
  });
});
