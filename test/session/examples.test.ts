/**
 * The example sessions in assets/sessions: each replays to its digests, has a tour a newcomer can follow, and is
 * exactly what its recipe makes today. When a scenario or the model changes, this test fails and says how to make
 * the sessions again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../src/engine/session/replay.js';
import { runCli } from '../cli/helpers.js';

const DIR = 'assets/sessions';
const sessions = readdirSync(DIR)
  .filter((f) => f.endsWith('.uvmsession'))
  .sort();

const REGENERATE = (name: string) =>
  `assets/sessions/${name}.uvmsession is out of date (its scenario or the model changed): make it again with\n` +
  `  npx uvmscope session assets/sessions/${name}.recipe.yaml -o assets/sessions/${name}.uvmsession\n` +
  `and read its tour's narration against the new run (uvmscope replay shows where it diverged).`;

describe('assets/sessions', () => {
  it('ships at least three examples: a tour through maquire, one through get_page_from_gpu, one through an eviction', () => {
    expect(sessions).toEqual(expect.arrayContaining(['gaia-maquire-tour.uvmsession', 'gaia-get-page-from-gpu-tour.uvmsession', 'hmm-evict-chunk-tour.uvmsession']));
    for (const f of sessions) expect(readdirSync(DIR)).toContain(f.replace(/\.uvmsession$/, '.recipe.yaml'));
  });

  it.each(sessions)('%s replays to its digests, and its tour is complete', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const r = openSession(text, file);
    if (!r.ok) throw new Error(`${r.errors.map((e) => e.message).join('\n')}\n${REGENERATE(file.replace(/\.uvmsession$/, ''))}`);
    expect(r.report.warnings).toEqual([]);
    if (!r.report.match) throw new Error(`${r.report.divergence?.how ?? 'digests differ'}\n${REGENERATE(file.replace(/\.uvmsession$/, ''))}`);
    const s = JSON.parse(text) as { tours: { title: string; stops: { step: number; title: string; narration: string }[] }[]; scenario: { text: string; file: string } };
    expect(s.tours.length).toBeGreaterThanOrEqual(1);
    const stops = s.tours[0].stops;
    expect(stops.length).toBeGreaterThanOrEqual(8);
    for (const stop of stops) {
      expect(stop.title.length).toBeGreaterThan(3);
      expect(stop.narration.length).toBeGreaterThan(40);
    }
    // the stops walk forwards through the run
    for (let i = 1; i < stops.length; i++) expect(stops[i].step).toBeGreaterThan(stops[i - 1].step);
    // the embedded scenario is the built-in one as it is now
    expect(s.scenario.text).toBe(readFileSync(join('assets/scenarios', s.scenario.file), 'utf8'));
  });

  it.each(sessions)('%s is what its recipe makes today', (file) => {
    const name = file.replace(/\.uvmsession$/, '');
    const made = runCli(['session', join(DIR, `${name}.recipe.yaml`)]);
    expect(made.err).toBe('');
    if (made.out !== readFileSync(join(DIR, file), 'utf8')) throw new Error(REGENERATE(name));
  });
});
