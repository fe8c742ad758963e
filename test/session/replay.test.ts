/**
 * replaySession: a session replays to its digest, and a session whose scenario changed names the first step whose
 * state differs, checked against a brute-force comparison of the two runs' state digests at every step.
 */
import { describe, expect, it } from 'vitest';
import { checkpointSteps, decodeFingerprints, encodeFingerprints, stepFingerprints, strideFor } from '../../src/engine/session/fingerprint.js';
import { SESSION_LIMITS } from '../../src/engine/session/format.js';
import { openSession, replaySession, type ReplayReport } from '../../src/engine/session/replay.js';
import { BUSY, DELETE, edited, firstDifferingStep, parsed, runOf, sessionText, SMALL, valueAt, withScenario } from './helpers.js';

function replay(text: string): ReplayReport {
  const r = openSession(text, 'test.uvmsession');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.report;
}

const SMALL_STEPS = runOf(SMALL).stepCount;
const BUSY_STEPS = runOf(BUSY).stepCount;

describe('replay: the same scenario reaches the same state', () => {
  it.each([0, 1, Math.floor(SMALL_STEPS / 2), SMALL_STEPS - 1])('SMALL at step %i', (cursor) => {
    const r = replay(sessionText(SMALL, { cursor }));
    expect(r).toMatchObject({ match: true, cursor, steps: SMALL_STEPS, divergence: null, warnings: [] });
    expect(r.digest.replayed).toBe(r.digest.saved);
    expect(r.run.cursor).toBe(cursor);
  });

  it('BUSY at its end, with breakpoints, bookmarks, notes and a tour', () => {
    const last = BUSY_STEPS - 1;
    const text = sessionText(BUSY, {
      breakpoints: [{ id: 7, spec: 'evictChunk', enabled: true }],
      bookmarks: [{ step: 5, label: 'five' }],
      notes: [{ step: last, text: 'the end' }],
      tours: [{ title: 't', stops: [{ step: 0, title: 'start', narration: 'here' }] }],
    });
    expect(replay(text)).toMatchObject({ match: true, cursor: last, warnings: [] });
  });
});

describe('replay: a changed scenario names the first diverging step', () => {
  const cases: [string, string, string][] = [
    ['SMALL, another seed for the random reads', SMALL, SMALL.replace('seed: 3', 'seed: 4')],
    ['SMALL, a smaller fault window', SMALL, SMALL.replace('faultWindowPages: 256', 'faultWindowPages: 128')],
    ['BUSY, more memory on g0', BUSY, BUSY.replace('memory: 4MiB', 'memory: 6MiB')],
    ['BUSY, the prefetch to the other GPU', BUSY, BUSY.replace('{ op: uvm.prefetch, region: B, to: g1 }', '{ op: uvm.prefetch, region: B, to: g0 }')],
  ];
  it.each(cases)('%s', (_what, original, changed) => {
    expect(changed).not.toBe(original);
    const text = sessionText(original);
    const cursor = valueAt(text, ['cursor']) as number;
    const expected = firstDifferingStep(original, changed, cursor);
    expect(expected).toBeGreaterThan(0);
    const r = replay(withScenario(text, changed));
    expect(r.match).toBe(false);
    expect(r.divergence).toMatchObject({ step: expected, exact: true, from: expected, to: expected });
    expect(r.divergence?.how).toMatch(/first whose change of state differs/);
  });

  it('checks every step the session names, not only the cursor: a change after the cursor is found', () => {
    const changed = BUSY.replace('{ op: uvm.prefetch, region: B, to: g1 }', '{ op: uvm.prefetch, region: B, to: g0 }');
    const last = BUSY_STEPS - 1;
    const expected = firstDifferingStep(BUSY, changed, last);
    expect(expected).toBeGreaterThan(10);
    const text = sessionText(BUSY, { cursor: 10, tours: [{ title: 't', stops: [{ step: last, title: 'end', narration: 'the end' }] }] });
    expect(valueAt(text, ['digests', 'steps', 'count'])).toBe(BUSY_STEPS);
    const r = replay(withScenario(text, changed));
    expect(r.digest.replayed).toBe(r.digest.saved);
    expect(r.match).toBe(false);
    expect(r.divergence).toMatchObject({ step: expected, exact: true });
  });

  it('a run that ends before the cursor diverges where it ends', () => {
    const text = sessionText(BUSY);
    const shorter = BUSY.replace('  - { op: uvm.prefetch, region: B, to: g1 }\n  - { op: bookmark, name: end }\n', '');
    const steps = runOf(shorter).stepCount;
    const r = replay(withScenario(text, shorter));
    expect(r.match).toBe(false);
    expect(r.digest.replayed).toBeNull();
    expect(r.divergence).toMatchObject({ step: steps, exact: true });
    expect(r.divergence?.how).toMatch(/replayed run ends after step/);
    expect(r.warnings.map((w) => w.path)).toContain('cursor');
    expect(r.run.cursor).toBe(steps - 1);
  });

  it('without fingerprints, the checkpoints bound the first diverging step', () => {
    const original = BUSY;
    const changed = BUSY.replace('{ op: uvm.prefetch, region: B, to: g1 }', '{ op: uvm.prefetch, region: B, to: g0 }');
    const text = edited(sessionText(original), ['digests', 'steps'], null);
    const cursor = valueAt(text, ['cursor']) as number;
    const expected = firstDifferingStep(original, changed, cursor);
    const r = replay(withScenario(text, changed));
    expect(r.match).toBe(false);
    const d = r.divergence;
    expect(d).not.toBeNull();
    if (!d) return;
    expect(d.from).toBeLessThanOrEqual(expected);
    expect(d.to).toBeGreaterThanOrEqual(expected);
    expect(d.step).toBe(d.from);
    expect(d.exact).toBe(d.from === d.to);
    expect(checkpointSteps(cursor)).toContain(d.to);
    expect(d.how).toMatch(/the state digest matches at step [\d,]+ and differs at step [\d,]+/);
  });

  it('the same changes with a different digest: the digest changed, not the history', () => {
    // what a replay sees when a new engine lays the state out differently: every fingerprint agrees, no digest does
    let text = sessionText(SMALL, { cursor: 100 });
    text = edited(text, ['digests', 'atCursor'], '0123456789abcdef');
    const checkpoints = valueAt(text, ['digests', 'checkpoints']) as { step: number; digest: string }[];
    text = edited(text, ['digests', 'checkpoints'], checkpoints.map((c) => (c.step >= 50 ? { step: c.step, digest: '0123456789abcdef' } : c)));
    const r = replay(text);
    expect(r.match).toBe(false);
    expect(r.divergence?.how).toMatch(/^every step changed the state the same way, yet the digests differ/);
    const first = checkpoints.find((c) => c.step >= 50)?.step ?? -1;
    expect(r.divergence).toMatchObject({ to: first, exact: false });
  });

  it('a long run groups steps per fingerprint and locates the group', () => {
    const run = runOf(SMALL);
    const count = 500;
    const whole = stepFingerprints(run, count, 1);
    const grouped = stepFingerprints(run, count, 64);
    expect(grouped).toHaveLength(Math.ceil(count / 64));
    expect(stepFingerprints(run, count, 64)).toEqual(grouped);
    expect(whole).toHaveLength(count);
    expect(strideFor(SESSION_LIMITS.fingerprints)).toBe(1);
    expect(strideFor(SESSION_LIMITS.fingerprints + 1)).toBe(2);
    // a session recorded with stride 64 reports the group of the first diverging step
    const text = sessionText(SMALL, { cursor: count - 1 });
    const strided = edited(edited(text, ['digests', 'steps', 'stride'], 64), ['digests', 'steps', 'fingerprints'], encodeFingerprints(grouped));
    const changed = SMALL.replace('seed: 3', 'seed: 4');
    const expected = firstDifferingStep(SMALL, changed, count - 1);
    if (expected < 0) return; // the change lies past this cursor
    const r = replay(withScenario(strided, changed));
    expect(r.divergence?.exact).toBe(false);
    expect(r.divergence?.from).toBeLessThanOrEqual(expected);
    expect(r.divergence?.to).toBeGreaterThanOrEqual(expected);
    expect((r.divergence?.to ?? 0) - (r.divergence?.from ?? 0)).toBeLessThan(64);
  });
});

describe('replay: errors and warnings', () => {
  it('an embedded scenario that no longer parses is an error at scenario.text', () => {
    const text = withScenario(sessionText(SMALL, { cursor: 3 }), SMALL.replace('cpu.read', 'cpu.reed'));
    const r = replaySession(parsed(text, 'x.uvmsession'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ source: 'x.uvmsession', path: 'scenario.text' });
    expect(r.errors[0].message).toMatch(/^the embedded scenario does not parse: small line 9, column \d+ \(steps\[3\]\.op\): .*cpu\.reed/);
  });

  it('an embedded scenario the engine refuses is an error at scenario.text', () => {
    const unrunnable = 'uvmscope: 1\nregions:\n  - { name: F, kind: file, size: 64KiB }\nsteps:\n  - { op: cpu.read, region: F }\n';
    const text = withScenario(sessionText(SMALL, { cursor: 3 }), unrunnable);
    const r = openSession(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/^the embedded scenario cannot run: line 5, column \d+: /);
  });

  it('steps past the run and breakpoints this build refuses are warnings, located', () => {
    let text = sessionText(SMALL, { cursor: 3, bookmarks: [{ step: 2, label: 'b' }], breakpoints: [{ id: 1, spec: 'copy', enabled: true }] });
    text = edited(text, ['bookmarks', 0, 'step'], 10_000_000);
    text = edited(text, ['breakpoints', 0, 'spec'], 'nosuchkind');
    const r = replay(text);
    expect(r.match).toBe(true);
    expect(r.warnings.map((w) => [w.path, w.message.replace(/\d[\d,]*\)$/, 'N)')])).toEqual([
      ['bookmarks[0].step', "step 10,000,000 is past the replayed run's last step (N)"],
      ['breakpoints[0].spec', expect.stringMatching(/^this build cannot set the breakpoint: .*nosuchkind/)],
    ]);
    for (const w of r.warnings) expect(w.line).toBeGreaterThan(1);
  });

  it('fingerprints survive base64 both ways', () => {
    const values = new Uint32Array([0, 1, 0xffffffff, 0x12345678, 0x80000000]);
    for (let n = 0; n <= values.length; n++) {
      const v = values.slice(0, n);
      expect(decodeFingerprints(encodeFingerprints(v))).toEqual(v);
    }
    expect(decodeFingerprints('AAA')).toBeNull();
    expect(decodeFingerprints('AA==')).toBeNull();
    expect(decodeFingerprints('AAA*AAA=')).toBeNull();
  });

  it('a session without digest steps still replays', () => {
    const text = edited(edited(sessionText(SMALL, { cursor: 9 }), ['digests', 'steps'], DELETE), ['digests', 'checkpoints'], DELETE);
    expect(replay(text).match).toBe(true);
  });
});
