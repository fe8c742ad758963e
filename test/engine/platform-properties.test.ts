/**
 * Random scenarios over the whole platform (platform-scenarios.ts: every op of the format, on every kind of region, in
 * an order that works); a run the engine still refuses (EngineError) is skipped and counted, and at least 80% of the
 * generated runs must execute.
 *
 * Properties: after every step, the invariants that hold at every micro-step (run/invariant-rules.ts: UVM's, the page
 * cache's PC1/PC5/PC6/PC7, the mm's MM1/MM3/MM4, gdrcopy's, HMM's HM2/HM3, /dev/nvidia-uvm's and GAIA's), and at the
 * end of every op every invariant, including those a kernel path breaks inside its critical section (PC2-PC4 under
 * mapping->tree_lock, MM2/MM5 under the PTE and page locks, HM1/HM4/HM5 under mdevice's locks and the migration's page
 * locks): run/step-check.ts. Forward, back and forward again reach the same digests; the same YAML twice gives the same
 * steps, transitions and digest.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scenario } from './helpers';
import { arbScenario } from './platform-scenarios';
import { execute, EngineError } from '../../src/engine/run/execute';
import { checkEveryStep } from '../../src/engine/run/step-check';
import type { Run } from '../../src/engine/run/run';

// ---------------------------------------------------------------- running, counting the runs the engine refuses

const tally = { generated: 0, executed: 0, refused: 0, reasons: new Map<string, number>(), steps: 0 };

/** Executes the YAML, or returns null (counted) when the engine refuses the scenario with an EngineError. */
function tryRun(yaml: string): Run | null {
  tally.generated++;
  try {
    const run = execute(scenario(yaml));
    tally.executed++;
    return run;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    tally.refused++;
    const key = e.message.replace(/"[^"]*"/g, '"…"').replace(/[0-9]+/g, 'N');
    tally.reasons.set(key, (tally.reasons.get(key) ?? 0) + 1);
    return null;
  }
}

/** The steps after which every kernel function has returned: the next step is at the top level (depth 0). */
function opEnds(run: Run): Set<number> {
  const out = new Set<number>();
  for (let s = 0; s < run.stepCount; s++) if (s === run.stepCount - 1 || run.ctx.steps.depthOf(s + 1) === 0) out.add(s);
  return out;
}

afterAll(() => {
  const reasons = [...tally.reasons].map(([m, n]) => `    ${n} × ${m}`).join('\n');
  console.log(
    `platform properties: ${tally.generated} runs generated, ${tally.executed} executed, ${tally.refused} refused by the engine` +
      (reasons ? `\n${reasons}` : '') +
      `\n  every-step invariants checked after ${tally.steps} steps`,
  );
});

describe('random platform scenarios (managed, file, anonymous and device memory)', () => {
  it('keep the every-step invariants after every step, and every invariant at the end of every op', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(arbScenario, (yaml) => {
        const run = tryRun(yaml);
        if (!run) return;
        const r = checkEveryStep(run, { limit: 5 });
        if (r.violations.length) throw new Error(`${r.violations.map((v) => `after step ${v.step} (${v.where}): ${v.message}`).join('\n')}\n${yaml}`);
        expect(r.steps).toBe(run.stepCount);
        expect(r.boundaries).toBe(opEnds(run).size);
        tally.steps += r.steps;
      }),
      // every step of each run is checked (about 1,600 steps a run): fewer runs than the cheaper properties below
      { numRuns: 40, seed: 20260314 },
    );
  });

  it('reach identical digests going forward, all the way back and forward again', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(arbScenario, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), (yaml, picks) => {
        const run = tryRun(yaml);
        if (!run) return;
        const last = run.stepCount - 1;
        const probes = [...new Set(picks.map((f) => Math.floor(f * last)))].sort((a, b) => a - b);
        const forward = new Map<number, string>();
        for (const s of probes) {
          run.seek(s);
          forward.set(s, run.digest());
        }
        run.seek(last);
        const end = run.digest();
        // backward step by step over the end of the run, then jumps back to each probe, then forward again
        for (let s = last; s >= Math.max(0, last - 40); s--) run.seek(s);
        run.seek(0);
        for (const s of [...probes].reverse()) {
          run.seek(s);
          expect(run.digest(), `digest at step ${s} after going back\n${yaml}`).toBe(forward.get(s));
        }
        for (const s of probes) {
          run.seek(s);
          expect(run.digest(), `digest at step ${s} going forward again\n${yaml}`).toBe(forward.get(s));
        }
        run.seek(last);
        expect(run.digest()).toBe(end);
      }),
      { numRuns: 120, seed: 77 },
    );
  });

  it('are deterministic: the same YAML twice gives the same steps, transitions and digest', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(arbScenario, (yaml) => {
        const a = tryRun(yaml);
        if (!a) return;
        const b = execute(scenario(yaml));
        expect(b.stepCount).toBe(a.stepCount);
        expect(b.transitionCount).toBe(a.transitionCount);
        expect(b.digest()).toBe(a.digest());
        expect(b.summary()).toEqual(a.summary());
      }),
      { numRuns: 80, seed: 1105 },
    );
  });

  it('execute in at least 80% of the generated runs', () => {
    expect(tally.generated).toBeGreaterThanOrEqual(150);
    expect(tally.executed / tally.generated).toBeGreaterThanOrEqual(0.8);
  });
});
