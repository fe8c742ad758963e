/**
 * The built-in scenarios (assets/scenarios): every one parses, runs, and is written for a reader (a name, a
 * description, narration and bookmarks); and each still shows what its narration says it shows. The behavioural
 * checks read the run's summary at the scenario's own bookmarks, so a change in the engine that makes a note untrue
 * fails here and names the scenario to re-read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, nameFromSource, parseScenario, type Scenario } from '../../src/engine/scenario/index.js';
import { execute } from '../../src/engine/run/execute.js';
import { checkEveryStep } from '../../src/engine/run/step-check.js';
import type { Run, RunSummary } from '../../src/engine/run/run.js';

const DIR = fileURLToPath(new URL('../../assets/scenarios/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

const KiB = 1024;
const MiB = 1024 * KiB;

type Counters = RunSummary['counters'];
type Scalar = Exclude<keyof Counters, 'htod_transfers' | 'dtoh_transfers' | 'dtod_transfers'>;

function parse(file: string): Scenario {
  const path = join(DIR, file);
  const r = parseScenario(readFileSync(path, 'utf8'), `assets/scenarios/${file}`);
  if (!r.ok) throw new Error(`${file} does not parse:\n${r.errors.map(formatScenarioError).join('\n')}`);
  return r.scenario;
}

/** Each scenario is run once and shared by the tests that look at it. */
const runs = new Map<string, { scenario: Scenario; run: Run }>();
function load(file: string): { scenario: Scenario; run: Run } {
  let entry = runs.get(file);
  if (!entry) {
    const scenario = parse(file);
    entry = { scenario, run: execute(scenario) };
    runs.set(file, entry);
  }
  return entry;
}

/** The last step of a bookmark in a run. */
function bookmarkStep(file: string, scenario: Scenario, run: Run, bookmark: string): number {
  const op = scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === bookmark);
  if (op < 0) throw new Error(`${file} has no bookmark "${bookmark}"`);
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
  if (last < 0) throw new Error(`${file}: bookmark "${bookmark}" has no step in the run`);
  return last;
}

/** The summary at a bookmark: the state right after the bookmark's step. */
function at(file: string, bookmark: string): RunSummary {
  const { scenario, run } = load(file);
  const last = bookmarkStep(file, scenario, run, bookmark);
  const cursor = run.cursor;
  run.seek(last);
  const summary = run.summary();
  run.seek(cursor);
  return summary;
}

/** The summary at the end of the run. */
function end(file: string): RunSummary {
  return load(file).run.summary();
}

/** What happened between two bookmarks (`from` null = the start): counter deltas and simulated time. */
function between(file: string, from: string | null, to: string): Record<Scalar, number> & { time_ns: number } {
  const a = from === null ? null : at(file, from);
  const b = at(file, to);
  const out = { time_ns: b.sim_time_ns - (a?.sim_time_ns ?? 0) } as Record<Scalar, number> & { time_ns: number };
  for (const [k, v] of Object.entries(b.counters)) {
    if (typeof v === 'number') out[k as Scalar] = v - ((a?.counters[k as Scalar] as number | undefined) ?? 0);
  }
  return out;
}

/** Copy records of one direction between two bookmarks, as size → count. */
function transfersBetween(file: string, from: string | null, to: string, dir: 'htod_transfers' | 'dtoh_transfers' | 'dtod_transfers'): Record<string, number> {
  const a = from === null ? {} : at(file, from).counters[dir];
  const b = at(file, to).counters[dir];
  const out: Record<string, number> = {};
  for (const [size, n] of Object.entries(b)) {
    const d = n - (a[size] ?? 0);
    if (d) out[size] = d;
  }
  return out;
}

/** Runs a built-in scenario with one piece of its text replaced: the experiments its narration suggests. */
function variant(file: string, from: string, to: string): { scenario: Scenario; run: Run } {
  const text = readFileSync(join(DIR, file), 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  const p = parseScenario(text.replace(from, to), `variant-of-${file}`);
  if (!p.ok) throw new Error(p.errors.map(formatScenarioError).join('\n'));
  return { scenario: p.scenario, run: execute(p.scenario) };
}

/** Counter deltas and time between two bookmarks of a run made here. */
function betweenIn(v: { scenario: Scenario; run: Run }, from: string, to: string): Record<Scalar, number> & { time_ns: number } {
  const sum = (b: string) => {
    v.run.seek(bookmarkStep('variant', v.scenario, v.run, b));
    return v.run.summary();
  };
  const a = sum(from);
  const b = sum(to);
  const out = { time_ns: b.sim_time_ns - a.sim_time_ns } as Record<Scalar, number> & { time_ns: number };
  for (const [k, x] of Object.entries(b.counters)) if (typeof x === 'number') out[k as Scalar] = x - (a.counters[k as Scalar] as number);
  return out;
}

/** Pages mapped remotely between two bookmarks (`from` null = the start), by remote-map cause. */
function remoteMapCauses(file: string, from: string | null, to: string): Record<string, number> {
  const { scenario, run } = load(file);
  const a = from === null ? 0 : run.transitionRange(bookmarkStep(file, scenario, run, from))[1];
  const b = run.transitionRange(bookmarkStep(file, scenario, run, to))[1];
  const out: Record<string, number> = {};
  for (let t = a; t < b; t++) {
    const v = run.transition(t);
    if (v.kind !== 'remoteMap') continue;
    const cause = String(v.fields.cause);
    out[cause] = (out[cause] ?? 0) + Number(v.fields.pages);
  }
  return out;
}

/** Pages of a region that are read-duplicated, at a bookmark. */
function readDuplicatedPages(file: string, bookmark: string, region: string): number {
  const { scenario, run } = load(file);
  const last = bookmarkStep(file, scenario, run, bookmark);
  const cursor = run.cursor;
  run.seek(last);
  const m = run.ctx.m;
  const r = m.regions.find((x) => x.name === region);
  if (!r) throw new Error(`${file} has no region ${region}`);
  let n = 0;
  for (let b = r.firstBlock; b < r.firstBlock + r.blocks; b++) n += m.readMask(m.layout.readDupBase(b)).count();
  run.seek(cursor);
  return n;
}

describe('the built-in scenarios', () => {
  it('are at least ten, default.yaml among them', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
    expect(FILES).toContain('default.yaml');
  });

  describe.each(FILES)('%s', (file) => {
    it('parses', () => {
      expect(() => parse(file)).not.toThrow();
    });

    it('has its own name and a description paragraph', () => {
      const s = parse(file);
      expect(s.name).not.toBe(nameFromSource(file));
      expect(s.name.length).toBeGreaterThan(5);
      expect(s.description.length).toBeGreaterThan(150);
    });

    it('is narrated: notes before the steps they explain, and bookmarks', () => {
      const steps = parse(file).steps;
      expect(steps.filter((s) => s.op === 'note').length).toBeGreaterThanOrEqual(1);
      expect(steps.filter((s) => s.op === 'bookmark').length).toBeGreaterThanOrEqual(1);
      // a note explains what comes next: the scenario opens with one and never ends on one
      expect(steps[steps.length - 1]?.op).not.toBe('note');
      expect(steps[0]?.op).toBe('note');
    });

    it('keeps the every-step invariants after every step, and every invariant after each top-level call', { timeout: 30_000 }, () => {
      const { run } = load(file);
      const r = checkEveryStep(run, { limit: 3 });
      expect(r.violations).toEqual([]);
      expect(r.steps).toBe(run.stepCount);
    });

    it('runs to its end and does something', () => {
      const s = end(file);
      expect(s.sim_time_ns).toBeGreaterThan(0);
      const c = s.counters;
      // some memory moved or was mapped: UVM faults or copies, Linux faults, HMM migrations or gdrcopy copies
      expect(c.gpu_faults + c.cpu_faults + c.htod_bytes + c.mm_faults + c.hmm_migrated_pages + c.gdr_bytes).toBeGreaterThan(0);
    });
  });
});

describe('default.yaml: the first tour', () => {
  const f = 'default.yaml';
  it('the CPU initialises 16 MiB with 6 first-touch faults per 2 MiB block and copies nothing', () => {
    const d = between(f, null, 'cpu-initialised');
    expect(d.cpu_faults).toBe(48);
    expect(d.htod_bytes + d.dtoh_bytes).toBe(0);
  });
  it('the GPU kernel demand-pages the buffer in 6 batches of 16 faults per block, the prefetcher growing them', () => {
    const d = between(f, 'cpu-initialised', 'gpu-read');
    expect(d.gpu_faults).toBe(768);
    expect(d.gpu_fault_batches).toBe(48);
    expect(d.htod_bytes).toBe(16 * MiB);
    expect(transfersBetween(f, 'cpu-initialised', 'gpu-read', 'htod_transfers')).toEqual({
      [64 * KiB]: 56,
      [192 * KiB]: 8,
      [448 * KiB]: 8,
      [960 * KiB]: 8,
    });
    // about 5.6 ms, most of it the 48 batches' 100 µs of driver work
    expect(d.time_ns).toBeGreaterThan(48 * 100_000);
    expect(d.time_ns).toBeLessThan(6_000_000);
  });
  it('the CPU reads back with the prefetcher pattern 4 KiB + 60/60/124/252/508/1020 KiB per block', () => {
    const d = between(f, 'gpu-read', 'cpu-readback');
    expect(d.cpu_faults).toBe(48);
    expect(d.time_ns).toBeGreaterThan(3_200_000);
    expect(d.time_ns).toBeLessThan(3_600_000);
    expect(transfersBetween(f, 'gpu-read', 'cpu-readback', 'dtoh_transfers')).toEqual({
      4096: 48,
      61440: 16,
      126976: 8,
      258048: 8,
      520192: 8,
      1044480: 8,
    });
  });
  it('replays to the same digest', () => {
    expect(execute(parse(f)).summary().digest).toBe(end(f).digest);
  });
});

describe('first-touch.yaml', () => {
  const f = 'first-touch.yaml';
  it('a CPU first touch lands in CPU memory without a copy', () => {
    const d = between(f, null, 'cpu-first-touch');
    expect(d.cpu_faults).toBe(12);
    expect(d.htod_bytes + d.dtoh_bytes + d.zeroed_bytes).toBe(0);
  });
  it('a GPU read of CPU-written data copies it, 6 batches per block', () => {
    const d = between(f, 'cpu-first-touch', 'gpu-reads-cpu-data');
    expect(d.htod_bytes).toBe(4 * MiB);
    expect(d.gpu_faults).toBe(192);
    expect(d.gpu_fault_batches).toBe(12);
  });
  it('a GPU first touch zeroes vidmem and copies nothing', () => {
    const d = between(f, 'gpu-reads-cpu-data', 'gpu-first-touch');
    expect(d.gpu_faults).toBe(192);
    expect(d.gpu_fault_batches).toBe(12);
    expect(d.zeroed_bytes).toBe(4 * MiB);
    expect(d.htod_bytes + d.dtoh_bytes).toBe(0);
  });
  it('the CPU reading GPU-made data migrates it back', () => {
    const d = between(f, 'gpu-first-touch', 'cpu-reads-gpu-data');
    expect(d.cpu_faults).toBe(12);
    expect(d.dtoh_bytes).toBe(4 * MiB);
  });
  it('a prefetch to the GPU of untouched memory populates it without faults or copies', () => {
    const d = between(f, 'cpu-reads-gpu-data', 'prefetch-populates');
    expect(d.zeroed_bytes).toBe(2 * MiB);
    expect(d.gpu_faults + d.htod_bytes).toBe(0);
  });
});

describe('demand-vs-prefetch.yaml', () => {
  const f = 'demand-vs-prefetch.yaml';
  it('runs on the default machine: the calibration is in the defaults, not in the file', () => {
    const { scenario } = load(f);
    const plain = parseScenario('uvmscope: 1\nregions: [{ name: a, size: 4KiB }]\nsteps: []\n', 'plain.yaml');
    if (!plain.ok) throw new Error('the plain scenario does not parse');
    expect(scenario.machine).toEqual(plain.scenario.machine);
  });
  it('demand paging takes 192 fault batches for 64 MiB, about the measured 21.5 ms', () => {
    const d = between(f, 'initialised', 'demand-paged');
    expect(d.gpu_fault_batches).toBe(192);
    expect(d.gpu_faults).toBe(192 * 16);
    expect(d.htod_bytes).toBe(64 * MiB);
    expect(d.time_ns).toBeGreaterThan(20_000_000);
    expect(d.time_ns).toBeLessThan(25_000_000);
  });
  it('the prefetch moves 64 MiB as 2 MiB copies without a fault, and the kernel after it has none', () => {
    const p = between(f, 'demand-paged', 'prefetched-to-gpu');
    expect(p.gpu_faults).toBe(0);
    expect(p.htod_bytes).toBe(64 * MiB);
    expect(transfersBetween(f, 'demand-paged', 'prefetched-to-gpu', 'htod_transfers')).toEqual({ [2 * MiB]: 32 });
    const k = between(f, 'prefetched-to-gpu', 'kernel-after-prefetch');
    expect(k.gpu_faults).toBe(0);
    expect(k.htod_bytes).toBe(0);
  });
  it('shows a gap near the measured 14x between demand paging and prefetch', () => {
    const demand = between(f, 'initialised', 'demand-paged').time_ns;
    const prefetch = between(f, 'demand-paged', 'kernel-after-prefetch').time_ns;
    expect(demand / prefetch).toBeGreaterThan(12);
    expect(demand / prefetch).toBeLessThan(15);
  });
  it('with the earlier estimates (256 pages in flight, 20 µs a batch) the gap shrinks to about 2x', () => {
    const v = variant(f, 'regions:', 'machine:\n  gpus: [{ name: gpu0, memory: 80GiB, faultWindowPages: 256 }]\n  costs: { faultBatchNs: 20us }\nregions:');
    const demand = betweenIn(v, 'initialised', 'demand-paged');
    const prefetch = betweenIn(v, 'demand-paged', 'kernel-after-prefetch');
    expect(demand.gpu_fault_batches).toBe(64);
    expect(demand.time_ns / prefetch.time_ns).toBeGreaterThan(1.5);
    expect(demand.time_ns / prefetch.time_ns).toBeLessThan(2.5);
  });
});

describe('sparse-bigpage.yaml', () => {
  const f = 'sparse-bigpage.yaml';
  it('one page every 64 KiB moves every byte of every block, half a block per batch', () => {
    const d = between(f, 'initialised', 'stride-64k');
    expect(d.gpu_faults).toBe(256);
    expect(d.gpu_fault_batches).toBe(16);
    expect(d.htod_bytes).toBe(16 * MiB);
    expect(transfersBetween(f, 'initialised', 'stride-64k', 'htod_transfers')).toEqual({ 4096: 256, 61440: 256 });
  });
  it('one page every 128 KiB stays at exactly 50% and moves only the touched big pages', () => {
    const d = between(f, 'stride-64k', 'stride-128k');
    expect(d.gpu_faults).toBe(128);
    expect(d.gpu_fault_batches).toBe(8);
    expect(d.htod_bytes).toBe(8 * MiB);
    expect(transfersBetween(f, 'stride-64k', 'stride-128k', 'htod_transfers')).toEqual({ 4096: 128, 61440: 128 });
  });
  it('a dense read of the same bytes makes far fewer copies but three times the batches, and is slower', () => {
    const sparse = between(f, 'initialised', 'stride-64k');
    const dense = between(f, 'stride-128k', 'dense-read');
    expect(dense.htod_bytes).toBe(sparse.htod_bytes);
    const copies = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
    expect(copies(transfersBetween(f, 'stride-128k', 'dense-read', 'htod_transfers'))).toBe(80);
    expect(copies(transfersBetween(f, 'initialised', 'stride-64k', 'htod_transfers'))).toBe(512);
    expect(dense.gpu_fault_batches).toBe(3 * sparse.gpu_fault_batches);
    expect(dense.time_ns).toBeGreaterThan(1.5 * sparse.time_ns);
    expect(between(f, 'dense-read', 'every64k-dense-afterwards').gpu_faults).toBe(0);
  });
});

describe('prefetch-threshold.yaml', () => {
  const f = 'prefetch-threshold.yaml';
  it('reading back 64 MiB costs 6 CPU faults per 2 MiB block, with the 60 KiB and 1020 KiB transfers', () => {
    const d = between(f, 'gpu-written', 'readback');
    expect(d.cpu_faults).toBe(6 * 32);
    expect(d.dtoh_bytes).toBe(64 * MiB);
    const t = transfersBetween(f, 'gpu-written', 'readback', 'dtoh_transfers');
    expect(t).toEqual({ 4096: 192, 61440: 64, 126976: 32, 258048: 32, 520192: 32, 1044480: 32 });
    expect(end(f).counters.dtoh_transfers).toHaveProperty('61440');
    expect(end(f).counters.dtoh_transfers).toHaveProperty('1044480');
  });
  it('faults that keep every node at 50% move one big page each', () => {
    const d = between(f, 'readback', 'exactly-half');
    expect(d.cpu_faults).toBe(4);
    expect(transfersBetween(f, 'readback', 'exactly-half', 'dtoh_transfers')).toEqual({ 4096: 4, 61440: 4 });
  });
  it('one more fault tips node [0,128) over 51% and fills its holes', () => {
    const d = between(f, 'exactly-half', 'threshold-crossed');
    expect(d.cpu_faults).toBe(1);
    expect(d.dtoh_bytes).toBe(256 * KiB);
    expect(transfersBetween(f, 'exactly-half', 'threshold-crossed', 'dtoh_transfers')).toEqual({ 4096: 1, 61440: 1, 65536: 3 });
  });
});

describe('read-mostly.yaml', () => {
  const f = 'read-mostly.yaml';
  it('a GPU read duplicates the table: both copies, and the CPU reads it for free', () => {
    expect(between(f, 'advised', 'duplicated').htod_bytes).toBe(4 * MiB);
    expect(readDuplicatedPages(f, 'duplicated', 'table')).toBe(1024);
    const d = between(f, 'duplicated', 'cpu-reads-free');
    expect(d.cpu_faults + d.dtoh_bytes).toBe(0);
  });
  it('a CPU write collapses the written pages without a copy, and a GPU read duplicates them again', () => {
    const w = between(f, 'cpu-reads-free', 'collapsed-by-cpu');
    expect(w.cpu_faults).toBe(16);
    expect(w.htod_bytes + w.dtoh_bytes).toBe(0);
    expect(readDuplicatedPages(f, 'collapsed-by-cpu', 'table')).toBe(1024 - 16);
    expect(between(f, 'collapsed-by-cpu', 're-duplicated').htod_bytes).toBe(64 * KiB);
    expect(readDuplicatedPages(f, 're-duplicated', 'table')).toBe(1024);
  });
  it('a GPU write collapses the other way, and the CPU re-duplicates what it reads', () => {
    expect(readDuplicatedPages(f, 'collapsed-by-gpu', 'table')).toBe(1024 - 16);
    expect(between(f, 'collapsed-by-gpu', 'cpu-re-duplicated').dtoh_bytes).toBe(64 * KiB);
    expect(readDuplicatedPages(f, 'cpu-re-duplicated', 'table')).toBe(1024);
  });
  it('without the advice the GPU must migrate the table again', () => {
    expect(readDuplicatedPages(f, 'advice-removed', 'table')).toBe(0);
    const d = between(f, 'cpu-re-duplicated', 'advice-removed');
    expect(d.htod_bytes).toBe(4 * MiB);
    expect(d.gpu_faults).toBe(192);
    expect(d.gpu_fault_batches).toBe(12);
  });
});

describe('preferred-location.yaml', () => {
  const f = 'preferred-location.yaml';
  it('a first touch by the preferred location takes a whole block per fault', () => {
    expect(between(f, null, 'preferred-cpu-filled').cpu_faults).toBe(2);
  });
  it('a GPU touching CPU-preferred data maps it remotely instead of migrating', () => {
    const d = between(f, 'preferred-cpu-filled', 'gpu-mapped-remotely');
    expect(d.remote_maps).toBe(1024);
    expect(d.gpu_faults).toBe(1024);
    expect(d.gpu_fault_batches).toBe(64);
    expect(d.htod_bytes).toBe(0);
    expect(remoteMapCauses(f, 'preferred-cpu-filled', 'gpu-mapped-remotely')).toEqual({ policy: 1024 });
    const after = between(f, 'gpu-mapped-remotely', 'no-more-faults');
    expect(after.gpu_faults + after.cpu_faults + after.htod_bytes + after.dtoh_bytes).toBe(0);
  });
  it('accessed-by maps the GPU at once and again after every migration', () => {
    expect(between(f, 'no-more-faults', 'accessed-by-set').remote_maps).toBe(1024);
    expect(remoteMapCauses(f, 'no-more-faults', 'accessed-by-set')).toEqual({ policy: 1024 });
    expect(between(f, 'accessed-by-set', 'gpu-reads-without-faults').gpu_faults).toBe(0);
    const back = between(f, 'gpu-reads-without-faults', 'remapped-after-migration');
    expect(back.remote_maps).toBe(1024);
    expect(back.dtoh_bytes).toBe(4 * MiB);
    expect(between(f, 'remapped-after-migration', 'still-no-faults').gpu_faults).toBe(0);
  });
});

/** A plain CPU/GPU ping-pong on one flag array of `size` bytes: `rounds` rounds, a bookmark after each half. */
function pingPong(size: string, rounds: number): { scenario: Scenario; run: Run } {
  let text = `uvmscope: 1\nregions: [{ name: flag, size: ${size} }]\nsteps:\n`;
  for (let r = 1; r <= rounds; r++) {
    text += `  - { op: cpu.write, region: flag }\n  - bookmark: r${r}-cpu\n`;
    text += `  - { op: gpu.kernel, gpu: gpu0, access: { region: flag, op: write } }\n  - bookmark: r${r}-gpu\n`;
  }
  const p = parseScenario(text, `ping-pong-${size}.yaml`);
  if (!p.ok) throw new Error(p.errors.map(formatScenarioError).join('\n'));
  return { scenario: p.scenario, run: execute(p.scenario) };
}

describe('thrashing.yaml', () => {
  const f = 'thrashing.yaml';
  it('the 16 KiB flag moves as its whole 64 KiB big page, as a real H100 moved it (the allocation is a 2 MiB granule)', () => {
    const r1 = between(f, null, 'thrashing-detected');
    expect(transfersBetween(f, null, 'thrashing-detected', 'htod_transfers')).toEqual({ 16384: 3, 49152: 3 });
    expect(r1.prefetch_bytes).toBe(3 * 48 * KiB + 2 * 60 * KiB);
  });
  it('the ping-pong is detected as thrashing on the third round', () => {
    expect(at(f, 'thrashing-detected').counters.thrashing).toBe(16);
    expect(at(f, 'thrashing-detected').counters.throttling).toBe(0);
  });
  it('thrashing pages leave the prefetcher, then the GPU is throttled for about one nap', () => {
    const c = between(f, 'thrashing-detected', 'prefetch-off-for-thrashing-pages');
    expect(c.cpu_faults).toBe(4);
    expect(transfersBetween(f, 'thrashing-detected', 'prefetch-off-for-thrashing-pages', 'dtoh_transfers')).toEqual({ 4096: 4 });
    // the CPU's separate faults still fit in one lapse, so the pages are still thrashing when the GPU comes
    expect(c.time_ns).toBeLessThan(300_000);
    const g = between(f, 'prefetch-off-for-thrashing-pages', 'gpu-throttled');
    expect(g.throttling).toBe(4);
    expect(g.gpu_fault_batches).toBe(4);
    expect(g.htod_bytes).toBe(16 * KiB);
    expect(g.time_ns).toBeGreaterThan(500_000);
  });
  it('the plain ping-pong is reset rather than pinned (the round-5 note depends on this)', () => {
    expect(at(f, 'thrashing-again').counters.remote_maps).toBe(0);
    const d = between(f, 'gpu-throttled', 'thrashing-again');
    expect(d.thrashing).toBe(4);
    expect(d.throttling).toBe(0);
    // pages are reset one by one as their own migrations come: rounds 5 and 6 each take 3 CPU faults for the 4
    // pages, the last one bringing its neighbour as a 4 KiB prefetch (what the H100 capture shows for round 5)
    expect(d.cpu_faults).toBe(6);
    expect(transfersBetween(f, 'gpu-throttled', 'thrashing-again', 'dtoh_transfers')).toEqual({ 4096: 8 });
  });
  it('a plain ping-pong of 60 rounds is throttled again and again but never pinned', () => {
    const { run } = pingPong('16KiB', 60);
    const c = run.summary().counters;
    expect(c.thrashing).toBeGreaterThan(4);
    expect(c.throttling).toBeGreaterThan(4);
    expect(c.remote_maps).toBe(0);
  });
  it('with a 64 KiB flag the CPU\'s 16 separate faults outlast a lapse and the GPU is not throttled', () => {
    const { scenario, run } = pingPong('64KiB', 4);
    const sum = (b: string) => {
      run.seek(bookmarkStep('ping-pong', scenario, run, b));
      return run.summary();
    };
    expect(sum('r3-gpu').counters.thrashing).toBe(16);
    const cpu = sum('r4-cpu');
    const gpu = sum('r4-gpu');
    expect(cpu.counters.cpu_faults - sum('r3-gpu').counters.cpu_faults).toBe(16);
    expect(cpu.sim_time_ns - sum('r3-gpu').sim_time_ns).toBeGreaterThan(500_000);
    expect(gpu.counters.throttling).toBe(0);
  });
  it('a preferred location set while thrashing pins the pages and the GPU maps them remotely', () => {
    const d = between(f, 'thrashing-again', 'pinned');
    expect(d.remote_maps).toBe(4);
    expect(d.gpu_fault_batches).toBe(1);
    expect(d.htod_bytes).toBe(0);
    expect(remoteMapCauses(f, 'thrashing-again', 'pinned')).toEqual({ thrashing: 4 });
    const { run } = load(f);
    for (let p = 0; p < 4; p++) expect(run.ctx.thrashing.isPinned(0, p)).toBe(true);
    const rest = between(f, 'pinned', 'remote-access');
    expect(rest.gpu_faults + rest.cpu_faults + rest.htod_bytes + rest.dtoh_bytes).toBe(0);
    expect(rest.time_ns).toBe(0);
  });
});

describe('oversubscription.yaml', () => {
  const f = 'oversubscription.yaml';
  it('the first pass evicts the 9 oldest blocks back to sysmem', () => {
    const d = between(f, 'initialised', 'first-pass');
    expect(d.gpu_faults).toBe(2304);
    expect(d.gpu_fault_batches).toBe(144);
    expect(d.evictions).toBe(9);
    expect(d.dtoh_bytes).toBe(9 * 2 * MiB);
  });
  it('the second pass misses on every block', () => {
    const d = between(f, 'first-pass', 'second-pass');
    expect(d.evictions).toBe(24);
    expect(d.htod_bytes).toBe(48 * MiB);
    expect(transfersBetween(f, 'first-pass', 'second-pass', 'dtoh_transfers')).toEqual({ [2 * MiB]: 24 });
  });
  it('evicted blocks only need a CPU mapping when the CPU reads them', () => {
    const d = between(f, 'second-pass', 'read-back');
    expect(d.cpu_faults).toBe(15 * 6 + 9);
    expect(d.dtoh_bytes).toBe(30 * MiB);
  });
});

describe('two-gpus.yaml', () => {
  const f = 'two-gpus.yaml';
  it('gpu0 takes the buffer in 24 batches', () => {
    const d = between(f, null, 'on-gpu0');
    expect(d.gpu_faults).toBe(384);
    expect(d.gpu_fault_batches).toBe(24);
    expect(d.htod_bytes).toBe(8 * MiB);
  });
  it('a second GPU pulls the pages straight from the first', () => {
    const d = between(f, 'on-gpu0', 'moved-to-gpu1');
    expect(d.dtod_bytes).toBe(8 * MiB);
    expect(d.htod_bytes + d.dtoh_bytes).toBe(0);
    expect(d.gpu_fault_batches).toBe(24);
    expect(d.gpu_invalidations).toBe(2 * d.gpu_fault_batches);
    expect(transfersBetween(f, 'on-gpu0', 'moved-to-gpu1', 'dtod_transfers')).toEqual(transfersBetween(f, null, 'on-gpu0', 'htod_transfers'));
    const back = between(f, 'moved-to-gpu1', 'first-block-back-on-gpu0');
    expect(back.dtod_bytes).toBe(2 * MiB);
    expect(back.gpu_faults).toBe(96);
    expect(back.gpu_fault_batches).toBe(6);
  });
  it('a 2 MiB device-to-device copy costs what the measured host-to-device line gives', () => {
    // the prefetch is one 2 MiB peer copy, its unmap and its map; 2.59 µs + 2 MiB / 53.2 GB/s is about 42.0 µs
    const t = between(f, 'first-block-back-on-gpu0', 'prefetched-to-gpu1').time_ns;
    expect(t).toBeGreaterThan(2590 + (2 * MiB) / 53.2);
    expect(t).toBeLessThan(2590 + (2 * MiB) / 53.2 + 10_000);
  });
  it('a prefetch between GPUs moves only the block that is elsewhere', () => {
    const d = between(f, 'first-block-back-on-gpu0', 'prefetched-to-gpu1');
    expect(d.gpu_faults).toBe(0);
    expect(transfersBetween(f, 'first-block-back-on-gpu0', 'prefetched-to-gpu1', 'dtod_transfers')).toEqual({ [2 * MiB]: 1 });
  });
  it('read-mostly gives both GPUs and then the CPU a copy', () => {
    const dup = between(f, 'prefetched-to-gpu1', 'duplicated-on-both');
    expect(dup.dtod_bytes).toBe(8 * MiB);
    // gpu0's read takes 24 batches, and gpu1's read after it none
    expect(dup.gpu_fault_batches).toBe(24);
    expect(readDuplicatedPages(f, 'duplicated-on-both', 'shared')).toBe(2048);
    const c = between(f, 'duplicated-on-both', 'three-copies');
    expect(c.dtoh_bytes).toBe(8 * MiB);
    expect(c.gpu_invalidations).toBe(0);
  });
});

describe('fault-batch-cost.yaml', () => {
  const f = 'fault-batch-cost.yaml';
  const perFault = (from: string, to: string) => {
    const d = between(f, from, to);
    return d.time_ns / d.gpu_faults;
  };
  it('16 touches in flight make a batch: 128 batches for 2048 random touches, one per fault for a lone warp', () => {
    const random = between(f, 'populated', 'random-batched');
    expect(random.gpu_fault_batches).toBe(128);
    expect(random.gpu_faults).toBe(1826);
    expect(transfersBetween(f, 'populated', 'random-batched', 'htod_transfers')).toEqual({ 4096: 1818, 8192: 4 });
    const lonely = between(f, 'random-batched', 'one-fault-per-batch');
    expect(lonely.gpu_fault_batches).toBe(lonely.gpu_faults);
    expect(lonely.gpu_faults).toBe(253);
    const sweep = between(f, 'one-fault-per-batch', 'sequential-sweep');
    expect(sweep.gpu_faults).toBe(2048);
    expect(sweep.gpu_fault_batches).toBe(128);
    expect(transfersBetween(f, 'one-fault-per-batch', 'sequential-sweep', 'htod_transfers')).toEqual({ 65536: 128 });
  });
  it('one fault per batch costs far more per fault than 16 per batch, and a sweep least', () => {
    const batched = perFault('populated', 'random-batched');
    const single = perFault('random-batched', 'one-fault-per-batch');
    const sweep = perFault('one-fault-per-batch', 'sequential-sweep');
    expect(single).toBeGreaterThan(7 * batched);
    expect(single).toBeGreaterThan(100_000);
    expect(batched).toBeGreaterThan(1.5 * sweep);
    // the batches' 100 µs each are about half of the random kernel's time and most of the sweep's
    const random = between(f, 'populated', 'random-batched');
    expect(random.gpu_fault_batches * 100_000).toBeGreaterThan(0.45 * random.time_ns);
    expect(random.gpu_fault_batches * 100_000).toBeLessThan(0.55 * random.time_ns);
    const swept = between(f, 'one-fault-per-batch', 'sequential-sweep');
    expect(swept.gpu_fault_batches * 100_000).toBeGreaterThan(0.85 * swept.time_ns);
  });
  it('with the prefetcher on, the sweep needs only 24 batches and about 2.8 ms', () => {
    const v = variant(f, 'prefetch: off', 'prefetch: density');
    const d = betweenIn(v, 'one-fault-per-batch', 'sequential-sweep');
    expect(d.gpu_fault_batches).toBe(24);
    expect(d.time_ns).toBeGreaterThan(2_500_000);
    expect(d.time_ns).toBeLessThan(3_000_000);
  });
  it('with the prefetcher off only faulted pages move', () => {
    expect(end(f).counters.prefetch_bytes).toBe(0);
    expect(between(f, 'one-fault-per-batch', 'sequential-sweep').htod_bytes).toBe(8 * MiB);
  });
});
