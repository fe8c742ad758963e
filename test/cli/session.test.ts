/** `uvmscope replay`, `uvmscope session` and `validate` of sessions, in-process: exit statuses and what they print. */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayJson } from '../../src/cli/commands/replay.js';
import { ENGINE_VERSION } from '../../src/engine/version.js';
import { edited, firstDifferingStep, sessionText, withScenario } from '../session/helpers.js';
import { BUSY, runCli, SMALL, tempDir } from './helpers.js';

const CHANGED = BUSY.replace('{ op: uvm.prefetch, region: B, to: g1 }', '{ op: uvm.prefetch, region: B, to: g0 }');
const good = sessionText(BUSY, { bookmarks: [{ step: 3, label: 'three' }], tours: [{ title: 't', stops: [{ step: 5, title: 'five', narration: 'n' }] }] }, 'busy.yaml');
const cursor = (JSON.parse(good) as { cursor: number }).cursor;

const RECIPE = `scenario: small.yaml
breakpoints: [copy]
bookmarks:
  - { at: start, label: the start }
  - { at: line service_fault_batch_block_locked, label: the first fault serviced }
notes:
  - { at: op 2, text: the note op }
tours:
  - title: a tour
    stops:
      - { at: 5, title: five, narration: step five }
      - { at: gpuFault, title: a fault, narration: the first GPU fault }
      - { at: gpuFault, title: another, narration: the next one }
      - { at: end, title: the end, narration: done }
view: { settings: { presentation: true } }
`;

const tmp = tempDir({
  'good.uvmsession': good,
  'diverged.uvmsession': withScenario(good, CHANGED),
  'bad.uvmsession': edited(good, ['bookmarks', 0, 'step'], 1.5),
  'broken-scenario.uvmsession': withScenario(good, BUSY.replace('cpu.write', 'cpu.wrote')),
  'newer.uvmsession': edited(good, ['version'], 9),
  'sniffed.json': good,
  'bad-spec.uvmsession': edited(good, ['breakpoints'], [{ id: 1, spec: 'nosuchkind', enabled: true }]),
  'small.yaml': SMALL,
  'small.recipe.yaml': RECIPE,
  'bad.recipe.yaml': RECIPE.replace('at: gpuFault, title: a fault', 'at: evictChunk, title: a fault'),
  'missing.recipe.yaml': 'scenario: nowhere.yaml\n',
});
afterAll(() => tmp.dispose());

describe('uvmscope replay', () => {
  it('exits 0 and says so when the replay reaches the saved state', () => {
    const r = runCli(['replay', tmp.path('good.uvmsession')]);
    expect(r).toMatchObject({ status: 0, err: '' });
    expect(r.out).toMatch(/^busy \(.*good\.uvmsession\)\n/);
    expect(r.out).toContain(`ok: the replay reaches the saved state at step ${cursor.toLocaleString('en-US')}`);
  });

  it('exits 1 with the first diverging step, where it is in the code and how it was found', () => {
    const expected = firstDifferingStep(BUSY, CHANGED, cursor);
    const r = runCli(['replay', tmp.path('diverged.uvmsession')]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`diverged: the first step whose state differs is step ${expected.toLocaleString('en-US')}\n  in     `);
    expect(r.out).toMatch(/\n {2}how {4}step [\d,]+ is the first whose change of state differs \(per-step fingerprints\)\n$/);
  });

  it('--json: one object with the verdict, both digests and the divergence', () => {
    const ok = JSON.parse(runCli(['replay', tmp.path('good.uvmsession'), '--json']).out) as ReplayJson;
    expect(ok).toMatchObject({ match: true, scenario: 'busy', engine_version: ENGINE_VERSION, saved_engine_version: ENGINE_VERSION, cursor, divergence: null, warnings: [] });
    expect(ok.digest.replayed).toBe(ok.digest.saved);
    const r = runCli(['replay', '--json', tmp.path('diverged.uvmsession')]);
    expect(r.status).toBe(1);
    const bad = JSON.parse(r.out) as ReplayJson;
    expect(bad.match).toBe(false);
    expect(bad.divergence).toMatchObject({ step: firstDifferingStep(BUSY, CHANGED, cursor), exact: true });
    expect(bad.divergence?.frame?.fn).toBeTruthy();
    expect(bad.divergence?.stack?.length).toBeGreaterThan(0);
  });

  it('exits 1 with located messages naming the field for a bad session', () => {
    const r = runCli(['replay', tmp.path('bad.uvmsession')]);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/bad\.uvmsession:\d+:\d+: bookmarks\[0\]\.step: expected an integer, got the number 1\.5\n$/);
    expect(runCli(['replay', tmp.path('newer.uvmsession')]).err).toMatch(/newer\.uvmsession:3:14: version: version 9 is newer than this build of UVMScope reads \(version 2\)/);
    const scenario = runCli(['replay', tmp.path('broken-scenario.uvmsession')]);
    expect(scenario.status).toBe(1);
    expect(scenario.err).toMatch(/: scenario\.text: the embedded scenario does not parse: busy line \d+, column \d+ \(steps\[0\]\.op\): /);
  });

  it('prints warnings for what this build refuses, and still checks the digest', () => {
    const r = runCli(['replay', tmp.path('bad-spec.uvmsession')]);
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/bad-spec\.uvmsession:\d+:\d+: warning: breakpoints\[0\]\.spec: this build cannot set the breakpoint: /);
  });

  it('exits 2 on bad usage, 1 on a missing file', () => {
    expect(runCli(['replay']).status).toBe(2);
    expect(runCli(['replay', 'a', 'b']).status).toBe(2);
    expect(runCli(['replay', tmp.path('good.uvmsession'), '--trace', 'x']).status).toBe(2);
    const missing = runCli(['replay', tmp.path('nope.uvmsession')]);
    expect(missing).toMatchObject({ status: 1, out: '' });
    expect(missing.err).toMatch(/cannot read .*nope\.uvmsession: no such file or directory/);
  });
});

describe('uvmscope validate, for sessions', () => {
  it('accepts a good session, by its extension or by its content', () => {
    const r = runCli(['validate', tmp.path('good.uvmsession')]);
    expect(r).toMatchObject({ status: 0, err: '' });
    expect(r.out).toMatch(/^ok: .*good\.uvmsession \(session of "busy" at step [\d,]+, engine 0\.1\.0; 0 breakpoints, 1 bookmark, 0 notes, 1 tour \(1 stop\)\)\n$/);
    expect(runCli(['validate', tmp.path('sniffed.json')]).out).toMatch(/^ok: .*sniffed\.json \(session of "busy"/);
  });

  it('refuses a bad one with located errors, including its embedded scenario and breakpoints', () => {
    expect(runCli(['validate', tmp.path('bad.uvmsession')])).toMatchObject({ status: 1, out: '' });
    expect(runCli(['validate', tmp.path('broken-scenario.uvmsession')]).err).toMatch(/scenario\.text: the embedded scenario does not parse/);
    const spec = runCli(['validate', tmp.path('bad-spec.uvmsession')]);
    expect(spec.status).toBe(1);
    expect(spec.err).toMatch(/breakpoints\[0\]\.spec: this build cannot set the breakpoint: /);
  });

  it('still validates scenarios as before', () => {
    expect(runCli(['validate', tmp.path('small.yaml')]).out).toMatch(/^ok: .*small\.yaml \(4 steps, 1 region\)\n$/);
  });
});

describe('uvmscope session', () => {
  it('makes a session from a recipe that replays and validates, the same bytes every time', () => {
    const out = tmp.path('made.uvmsession');
    const r = runCli(['session', tmp.path('small.recipe.yaml'), '-o', out]);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^wrote .*made\.uvmsession \([\d.]+ KiB\): small, cursor at step 5 of [\d,]+, 2 bookmarks, 1 note, 1 breakpoint, 1 tour \(4 stops\)\n$/);
    const text = readFileSync(out, 'utf8');
    expect(runCli(['session', tmp.path('small.recipe.yaml')]).out).toBe(text);
    expect(runCli(['replay', out]).status).toBe(0);
    expect(runCli(['validate', out]).status).toBe(0);
    const s = JSON.parse(text) as { scenario: { file: string; text: string }; tours: { stops: { step: number }[] }[]; view: { settings: object } };
    expect(s.scenario).toMatchObject({ file: 'small.yaml', text: SMALL });
    const steps = s.tours[0].stops.map((x) => x.step);
    expect(steps[0]).toBe(5);
    expect(steps[2]).toBeGreaterThan(steps[1]);
    expect(s.view.settings).toEqual({ presentation: true });
  });

  it('names the recipe field whose place cannot be found', () => {
    const r = runCli(['session', tmp.path('bad.recipe.yaml')]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/bad\.recipe\.yaml:12:15: tours\[0\]\.stops\[1\]\.at: `evictChunk` never hits after step 5 \(the place before it\)\n/);
    const missing = runCli(['session', tmp.path('missing.recipe.yaml')]);
    expect(missing.status).toBe(1);
    expect(missing.err).toMatch(/missing\.recipe\.yaml:1:11: scenario: cannot read .*nowhere\.yaml: no such file or directory/);
  });

  it('writes atomically and reports a write it cannot do', () => {
    const r = runCli(['session', tmp.path('small.recipe.yaml'), '--output', tmp.path('no/such/dir/x.uvmsession')]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/cannot write the session to .*: no such file or directory/);
    writeFileSync(tmp.path('old.uvmsession'), 'old');
    expect(runCli(['session', tmp.path('small.recipe.yaml'), '-o', tmp.path('old.uvmsession')]).status).toBe(0);
    expect(readFileSync(tmp.path('old.uvmsession'), 'utf8')).toMatch(/^\{\n {2}"format": "uvmsession"/);
  });

  it('documents replay and session in the help', () => {
    expect(runCli(['--help']).out).toMatch(/replay <session>[\s\S]*session <recipe\.yaml>/);
    expect(runCli(['help', 'replay']).out).toMatch(/^Usage: uvmscope replay <session\.uvmsession> \[--json\]/);
    expect(runCli(['session', '--help']).out).toMatch(/^Usage: uvmscope session <recipe\.yaml>/);
  });
});
