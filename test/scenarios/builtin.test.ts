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

/** The summary at a bookmark: the state right after the bookmark's step. */
function at(file: string, bookmark: string): RunSummary {
  const { scenario, run } = load(file);
  const op = scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === bookmark);
  if (op < 0) throw new Error(`${file} has no bookmark "${bookmark}"`);
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
  if (last < 0) throw new Error(`${file}: bookmark "${bookmark}" has no step in the run`);
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

/** Pages of a region that are read-duplicated, at a bookmark. */
function readDuplicatedPages(file: string, bookmark: string, region: string): number {
  const { scenario, run } = load(file);
  at(file, bookmark); // validates the bookmark
  const op = scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === bookmark);
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
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

    it('runs to its end and does something', () => {
      const s = end(file);
      expect(s.sim_time_ns).toBeGreaterThan(0);
      expect(s.counters.gpu_faults + s.counters.cpu_faults + s.counters.htod_bytes).toBeGreaterThan(0);
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
  it('the GPU kernel demand-pages the buffer in batches of 256 faults, 1 MiB per copy', () => {
    const d = between(f, 'cpu-initialised', 'gpu-read');
    expect(d.gpu_faults).toBe(4096);
    expect(d.gpu_fault_batches).toBe(16);
    expect(d.htod_bytes).toBe(16 * MiB);
    expect(transfersBetween(f, 'cpu-initialised', 'gpu-read', 'htod_transfers')).toEqual({ [MiB]: 16 });
  });
  it('the CPU reads back with the prefetcher pattern 4 KiB + 60/60/124/252/508/1020 KiB per block', () => {
    expect(between(f, 'gpu-read', 'cpu-readback').cpu_faults).toBe(48);
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
  it('a GPU read of CPU-written data copies it', () => {
    expect(between(f, 'cpu-first-touch', 'gpu-reads-cpu-data').htod_bytes).toBe(4 * MiB);
  });
  it('a GPU first touch zeroes vidmem and copies nothing', () => {
    const d = between(f, 'gpu-reads-cpu-data', 'gpu-first-touch');
    expect(d.gpu_faults).toBe(1024);
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
  it('demand paging takes 192 fault batches for 64 MiB', () => {
    const d = between(f, 'initialised', 'demand-paged');
    expect(d.gpu_fault_batches).toBe(192);
    expect(d.htod_bytes).toBe(64 * MiB);
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
    expect(demand / prefetch).toBeGreaterThan(10);
    expect(demand / prefetch).toBeLessThan(20);
  });
});

describe('sparse-bigpage.yaml', () => {
  const f = 'sparse-bigpage.yaml';
  it('one page every 64 KiB moves every byte of every block', () => {
    const d = between(f, 'initialised', 'stride-64k');
    expect(d.gpu_faults).toBe(256);
    expect(d.htod_bytes).toBe(16 * MiB);
    expect(transfersBetween(f, 'initialised', 'stride-64k', 'htod_transfers')).toEqual({ 4096: 256, 61440: 256 });
  });
  it('one page every 128 KiB stays at exactly 50% and moves only the touched big pages', () => {
    const d = between(f, 'stride-64k', 'stride-128k');
    expect(d.gpu_faults).toBe(128);
    expect(d.htod_bytes).toBe(8 * MiB);
  });
  it('a dense read of the same bytes is faster than the 64 KiB stride', () => {
    const sparse = between(f, 'initialised', 'stride-64k');
    const dense = between(f, 'stride-128k', 'dense-read');
    expect(dense.htod_bytes).toBe(sparse.htod_bytes);
    expect(dense.time_ns).toBeLessThan(sparse.time_ns / 2);
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
    expect(between(f, 'cpu-re-duplicated', 'advice-removed').htod_bytes).toBe(4 * MiB);
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
    expect(d.htod_bytes).toBe(0);
    const after = between(f, 'gpu-mapped-remotely', 'no-more-faults');
    expect(after.gpu_faults + after.cpu_faults + after.htod_bytes + after.dtoh_bytes).toBe(0);
  });
  it('accessed-by maps the GPU at once and again after every migration', () => {
    expect(between(f, 'no-more-faults', 'accessed-by-set').remote_maps).toBe(1024);
    expect(between(f, 'accessed-by-set', 'gpu-reads-without-faults').gpu_faults).toBe(0);
    const back = between(f, 'gpu-reads-without-faults', 'remapped-after-migration');
    expect(back.remote_maps).toBe(1024);
    expect(back.dtoh_bytes).toBe(4 * MiB);
    expect(between(f, 'remapped-after-migration', 'still-no-faults').gpu_faults).toBe(0);
  });
});

describe('thrashing.yaml', () => {
  const f = 'thrashing.yaml';
  it('the ping-pong is detected as thrashing on the third round', () => {
    expect(at(f, 'thrashing-detected').counters.thrashing).toBe(16);
  });
  it('thrashing pages leave the prefetcher, then the GPU is throttled for about one nap', () => {
    expect(between(f, 'thrashing-detected', 'prefetch-off-for-thrashing-pages').cpu_faults).toBe(16);
    const g = between(f, 'prefetch-off-for-thrashing-pages', 'gpu-throttled');
    expect(g.throttling).toBeGreaterThanOrEqual(16);
    expect(g.time_ns).toBeGreaterThan(500_000);
  });
  it('the plain ping-pong is reset rather than pinned (the round-5 note depends on this)', () => {
    expect(at(f, 'thrashing-again').counters.remote_maps).toBe(0);
    expect(between(f, 'gpu-throttled', 'thrashing-again').thrashing).toBe(16);
  });
  it('a preferred location set while thrashing pins the pages and the GPU maps them remotely', () => {
    const d = between(f, 'thrashing-again', 'pinned');
    expect(d.remote_maps).toBe(16);
    expect(d.htod_bytes).toBe(0);
    const { run } = load(f);
    expect(run.ctx.thrashing.isPinned(0, 0)).toBe(true);
    const rest = between(f, 'pinned', 'remote-access');
    expect(rest.gpu_faults + rest.cpu_faults + rest.htod_bytes + rest.dtoh_bytes).toBe(0);
  });
});

describe('oversubscription.yaml', () => {
  const f = 'oversubscription.yaml';
  it('the first pass evicts the 9 oldest blocks back to sysmem', () => {
    const d = between(f, 'initialised', 'first-pass');
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
  it('a second GPU pulls the pages straight from the first', () => {
    const d = between(f, 'on-gpu0', 'moved-to-gpu1');
    expect(d.dtod_bytes).toBe(8 * MiB);
    expect(d.htod_bytes + d.dtoh_bytes).toBe(0);
    expect(between(f, 'moved-to-gpu1', 'first-block-back-on-gpu0').dtod_bytes).toBe(2 * MiB);
  });
  it('a prefetch between GPUs moves only the block that is elsewhere', () => {
    const d = between(f, 'first-block-back-on-gpu0', 'prefetched-to-gpu1');
    expect(d.gpu_faults).toBe(0);
    expect(transfersBetween(f, 'first-block-back-on-gpu0', 'prefetched-to-gpu1', 'dtod_transfers')).toEqual({ [2 * MiB]: 1 });
  });
  it('read-mostly gives both GPUs and then the CPU a copy', () => {
    expect(between(f, 'prefetched-to-gpu1', 'duplicated-on-both').dtod_bytes).toBe(8 * MiB);
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
  it('one fault per batch costs far more per fault than many faults per batch, and a sweep least', () => {
    const lonely = between(f, 'random-batched', 'one-fault-per-batch');
    expect(lonely.gpu_fault_batches).toBe(lonely.gpu_faults);
    const batched = perFault('populated', 'random-batched');
    const single = perFault('random-batched', 'one-fault-per-batch');
    const sweep = perFault('one-fault-per-batch', 'sequential-sweep');
    expect(single).toBeGreaterThan(5 * batched);
    expect(batched).toBeGreaterThan(5 * sweep);
  });
  it('with the prefetcher off only faulted pages move', () => {
    expect(end(f).counters.prefetch_bytes).toBe(0);
    expect(between(f, 'one-fault-per-batch', 'sequential-sweep').htod_bytes).toBe(8 * MiB);
  });
});
