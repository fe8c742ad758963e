/**
 * The model against every committed real capture (test/fixtures/captures, an H100): every exact counter — bytes moved
 * each way, CPU faults, pages mapped remotely, bytes evicted — must agree, per scenario, with the model run as the
 * capture ran it. The only tolerance is one measured: two real runs of fault-batch-cost's plan moved 62.3 and
 * 63.6 MB host to device (which faults share a batch decides what the prefetcher adds), so that counter is allowed
 * the real runs' own spread.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareWithCapture, histogramDistance, modelCounters, realCounters, scenarioAsCaptured, type Tolerance } from '../../src/engine/capture/compare.js';
import { execute } from '../../src/engine/run/execute.js';
import { parseCapture, type Capture } from '../../src/engine/capture/index.js';
import { parseScenario, type Scenario } from '../../src/engine/scenario/index.js';
import { cli } from '../../src/cli/cli.js';
import { memoryIo } from '../../src/cli/io.js';
import { parseTolerances } from '../../src/cli/commands/compare.js';

const CAPTURES = new URL('../fixtures/captures/', import.meta.url);
const SCENARIOS = new URL('../../assets/scenarios/', import.meta.url);
const NAMES = readdirSync(CAPTURES)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.slice(0, -'.jsonl'.length))
  .sort();

/** Run-to-run spread of the real driver, measured (tools/uvm-capture/README.md): the tolerance it earns. */
const MEASURED_SPREAD: Record<string, Record<string, Tolerance>> = {
  'fault-batch-cost': { htod_bytes: { rel: 0.021 } },
};

function capture(name: string): Capture {
  const p = parseCapture(readFileSync(new URL(`${name}.jsonl`, CAPTURES), 'utf8'));
  if (!p.ok) throw new Error(`${name}: ${p.errors[0].message}`);
  return p.capture;
}
function scenario(name: string): Scenario {
  const p = parseScenario(readFileSync(new URL(`${name}.yaml`, SCENARIOS), 'utf8'), `${name}.yaml`);
  if (!p.ok) throw new Error(`${name}: ${p.errors[0].message}`);
  return p.scenario;
}

describe('the model against the committed captures', () => {
  it('has at least ten captures to compare with', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(10);
  });
  for (const name of NAMES) {
    it(`${name}: every exact counter agrees`, () => {
      const c = compareWithCapture(scenario(name), capture(name), new Map(Object.entries(MEASURED_SPREAD[name] ?? {})));
      const differing = c.counters.filter((r) => r.cls === 'exact' && r.ok !== true).map((r) => `${r.name}: model ${r.model}, real ${r.real}`);
      expect(differing).toEqual([]);
      expect(c.ok).toBe(true);
    });
  }
  it('the thrashing ping-pong agrees size by size, both directions (the 2 MiB allocation granule at work)', () => {
    const c = compareWithCapture(scenario('thrashing'), capture('thrashing'));
    // device to host, copy for copy
    expect(c.histograms[1].distance).toBe(0);
    // host to device: the same 16 KiB + 48 KiB past the flag's end on each first GPU touch (the granule), the same
    // bytes in every step; only which throttled pages leave throttling together in the throttled step differs (the
    // H100 moved 8 + 4 + 4 KiB, the model 4 × 4 KiB: when each page's throttling ends follows the CPU faults'
    // timing, which the model only estimates; two real runs of this plan gave 24 and 39 fault groups)
    expect(c.histograms[0].sizes).toEqual([
      [4096, 4, 2],
      [8192, 0, 1],
      [16384, 4, 4],
      [49152, 3, 3],
    ]);
    const { scenario: asCaptured } = scenarioAsCaptured(scenario('thrashing'), capture('thrashing').header);
    const run = execute(asCaptured, {});
    run.seek(run.stepCount - 1);
    const model = modelCounters(run).steps;
    const real = realCounters(capture('thrashing')).steps;
    const throttled = model.findIndex((m) => m.throttling > 0 && m.htod_bytes > 0);
    model.forEach((m, i) => {
      expect(m.htod_bytes, `step ${i}`).toBe(real.get(i)?.htod_bytes ?? 0);
      if (i !== throttled) expect(m.htod_transfers, `step ${i}`).toEqual(real.get(i)?.htod_transfers ?? {});
    });
  });
});

describe('the scenario as captured', () => {
  it('takes the real GPU, the driver parameters, and leaves out what the capture could not run', () => {
    const cap = capture('hmm-evict-chunk');
    const { scenario: s, changes } = scenarioAsCaptured(scenario('hmm-evict-chunk'), cap.header);
    expect(s.machine.gpus[0].memory).toBe(Math.floor(cap.header.machine.memoryBytes / (2 * 1024 * 1024)) * 2 * 1024 * 1024);
    const hmm = s.steps.filter((st) => st.op.startsWith('hmm.'));
    expect(hmm).toEqual([]);
    expect(s.steps.length).toBe(scenario('hmm-evict-chunk').steps.length);
    expect(changes.join('\n')).toMatch(/left out/);
  });
  it('turns the prefetcher back on when the driver had it on', () => {
    const { scenario: s, changes } = scenarioAsCaptured(scenario('fault-batch-cost'), capture('fault-batch-cost').header);
    expect(s.policy.prefetch).toBe('density');
    expect(changes[0]).toMatch(/policy.prefetch off → density/);
  });
});

describe('histogram distance', () => {
  it('is 0 for the same shape, 1 for no size in common, and weighs by bytes', () => {
    expect(histogramDistance({ 4096: 2 }, { 4096: 5 })).toBe(0);
    expect(histogramDistance({ 4096: 1 }, { 8192: 1 })).toBe(1);
    // 4 KiB + 60 KiB against 64 KiB: the 64 KiB copy holds all the real bytes, the model moved 60/64 in other sizes
    expect(histogramDistance({ 4096: 1, 61440: 1 }, { 65536: 1 })).toBe(1);
    expect(histogramDistance({ 4096: 1, 61440: 1 }, { 4096: 1, 61440: 1, 65536: 1 })).toBeCloseTo(0.5);
  });
});

describe('uvmscope compare', () => {
  const scen = (n: string) => new URL(`${n}.yaml`, SCENARIOS).pathname;
  const cap = (n: string) => new URL(`${n}.jsonl`, CAPTURES).pathname;
  it('exits 0 and prints every counter when they agree', () => {
    const io = memoryIo();
    expect(cli(['compare', scen('first-touch'), cap('first-touch')], io)).toBe(0);
    expect(io.out).toMatch(/htod_bytes\s+exact\s+4 MiB\s+4 MiB\s+0\s+±0\s+ok/);
    expect(io.out).toMatch(/agree within the tolerances/);
  });
  it('exits 1 when a counter given a tolerance is outside it, and --json says which', () => {
    const io = memoryIo();
    expect(cli(['compare', scen('first-touch'), cap('first-touch'), '--json', '--tolerance', 'gpu_fault_groups=10%'], io)).toBe(1);
    const j = JSON.parse(io.out);
    expect(j.counters.gpu_fault_groups.ok).toBe(false);
    expect(j.counters.htod_bytes).toMatchObject({ class: 'exact', ok: true, diff: 0 });
    expect(j.ok).toBe(false);
  });
  it('refuses a capture of another scenario: the plans differ', () => {
    const io = memoryIo();
    expect(cli(['compare', scen('default'), cap('first-touch')], io)).toBe(1);
    expect(io.err).toMatch(/captured from another plan/);
  });
  it('names the line of a broken capture', () => {
    const io = memoryIo();
    const bad = `${readFileSync(cap('first-touch'), 'utf8').split('\n').slice(0, 3).join('\n')}\n{"type":"um","kind":"htod"\n`;
    const file = `${process.env.TMPDIR ?? '/tmp'}/uvmscope-bad-capture-${process.pid}.jsonl`;
    writeFileSync(file, bad);
    expect(cli(['compare', scen('first-touch'), file], io)).toBe(1);
    expect(io.err).toMatch(/:4:/);
  });
  it('takes tolerances as NAME=N or NAME=N% and refuses anything else, naming the part', () => {
    expect(parseTolerances('htod_bytes=0,gpu_fault_groups=50%')).toEqual(new Map<string, Tolerance>([['htod_bytes', { abs: 0 }], ['gpu_fault_groups', { rel: 0.5 }]]));
    expect(() => parseTolerances('htod=3')).toThrow(/no counter htod/);
    expect(() => parseTolerances('htod_bytes=lots')).toThrow(/"htod_bytes=lots"/);
    expect(() => parseTolerances('htod_transfers=3')).toThrow(/share of its bytes/);
    const io = memoryIo();
    expect(cli(['compare', scen('first-touch')], io)).toBe(2);
    expect(io.err).toMatch(/the capture is missing/);
  });
});
