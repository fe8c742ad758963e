/**
 * The built-in scenarios of the platform beyond the UVM driver: GAIA (gaia-*.yaml) and gdrcopy (gdrcopy-*.yaml).
 * Each parses, runs, keeps the model's invariants at every bookmark, is written for a reader, and still shows what
 * its narration says: the checks read counters, transfer sizes, simulated time and GAIA's events between the
 * scenario's own bookmarks, so an engine change that makes a note untrue fails here and names the scenario.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, nameFromSource, parseScenario, type Scenario } from '../../src/engine/scenario/index.js';
import { execute } from '../../src/engine/run/execute.js';
import { checkInvariants } from '../../src/engine/run/invariants.js';
import type { Run, RunSummary } from '../../src/engine/run/run.js';
import { GK as GAIA } from '../../src/engine/gaia/kinds.js';
import { GK as GDR } from '../../src/engine/gdr/kinds.js';
import { PK } from '../../src/engine/pagecache/kinds.js';
import { crossoverBytes } from '../../src/engine/gdr/cost.js';

const DIR = fileURLToPath(new URL('../../assets/scenarios/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => /^(gaia|gdrcopy)-.*\.ya?ml$/.test(f))
  .sort();

const KiB = 1024;
const MiB = 1024 * KiB;
const US = 1000;

type Counters = RunSummary['counters'];
type Scalar = Exclude<keyof Counters, 'htod_transfers' | 'dtoh_transfers' | 'dtod_transfers'>;

function parse(file: string): Scenario {
  const r = parseScenario(readFileSync(join(DIR, file), 'utf8'), `assets/scenarios/${file}`);
  if (!r.ok) throw new Error(`${file} does not parse:\n${r.errors.map(formatScenarioError).join('\n')}`);
  return r.scenario;
}

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

/** The last step of a bookmark (or -1 for "the start"). */
function mark(file: string, bookmark: string | null): number {
  if (bookmark === null) return -1;
  const { scenario, run } = load(file);
  const op = scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === bookmark);
  if (op < 0) throw new Error(`${file} has no bookmark "${bookmark}"`);
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
  return last;
}

function summaryAt(file: string, step: number): RunSummary | null {
  if (step < 0) return null;
  const { run } = load(file);
  run.seek(step);
  const s = run.summary();
  run.seek(run.stepCount - 1);
  return s;
}

/** Counter deltas and simulated time between two bookmarks (`from` null = the start). */
function between(file: string, from: string | null, to: string): Record<Scalar, number> & { time_ns: number } {
  const a = summaryAt(file, mark(file, from));
  const b = summaryAt(file, mark(file, to))!;
  const out = { time_ns: b.sim_time_ns - (a?.sim_time_ns ?? 0) } as Record<Scalar, number> & { time_ns: number };
  for (const [k, v] of Object.entries(b.counters)) if (typeof v === 'number') out[k as Scalar] = v - ((a?.counters[k as Scalar] as number | undefined) ?? 0);
  return out;
}

/** Simulated time between two bookmarks, unrounded. */
function timeBetween(file: string, from: string, to: string): number {
  const { run } = load(file);
  run.seek(mark(file, from));
  const a = run.simTimeNs();
  run.seek(mark(file, to));
  const b = run.simTimeNs();
  run.seek(run.stepCount - 1);
  return b - a;
}

function transfersBetween(file: string, from: string | null, to: string, dir: 'htod_transfers' | 'dtoh_transfers' | 'dtod_transfers'): Record<string, number> {
  const a = summaryAt(file, mark(file, from))?.counters[dir] ?? {};
  const b = summaryAt(file, mark(file, to))!.counters[dir];
  const out: Record<string, number> = {};
  for (const [size, n] of Object.entries(b)) if (n - (a[size] ?? 0)) out[size] = n - (a[size] ?? 0);
  return out;
}

/** Events of `kind` recorded between two bookmarks, as [obj, idx, x, y]. */
function eventsBetween(file: string, from: string | null, to: string, kind: number): [number, number, number, number][] {
  const { run } = load(file);
  const store = run.ctx.store;
  const a = from === null ? 0 : run.transitionRange(mark(file, from))[1];
  const b = run.transitionRange(mark(file, to))[1];
  const out: [number, number, number, number][] = [];
  for (let t = a; t < b; t++) if (store.kindOf(t) === kind) out.push([store.objOf(t), store.indexOf(t), store.beforeOf(t), store.afterOf(t)]);
  return out;
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo }, (_, k) => lo + k);
}

describe('the GAIA and gdrcopy scenarios', () => {
  it('are the six this part of the model needs', () => {
    expect(FILES).toEqual(['gaia-get-page-failures.yaml', 'gaia-get-page-from-gpu.yaml', 'gaia-gpu-reads-file.yaml', 'gaia-maquire.yaml', 'gaia-two-gpus.yaml', 'gdrcopy-vs-migration.yaml']);
  });

  describe.each(FILES)('%s', (file) => {
    it('parses, with its own name, a description, notes before the steps and bookmarks', () => {
      const s = parse(file);
      expect(s.name).not.toBe(nameFromSource(file));
      expect(s.description.length).toBeGreaterThan(300);
      expect(s.steps[0].op).toBe('note');
      expect(s.steps[s.steps.length - 1].op).not.toBe('note');
      expect(s.steps.filter((x) => x.op === 'note').length).toBeGreaterThanOrEqual(5);
      expect(s.steps.filter((x) => x.op === 'bookmark').length).toBeGreaterThanOrEqual(5);
      // a note comes before what it explains: never straight before a bookmark
      for (let i = 0; i + 1 < s.steps.length; i++) if (s.steps[i].op === 'note') expect(s.steps[i + 1].op).not.toBe('bookmark');
    });

    it('runs in well under a second and keeps the invariants at every bookmark and at its end', () => {
      const scenario = parse(file);
      const t0 = performance.now();
      const run = execute(scenario);
      expect(performance.now() - t0).toBeLessThan(1000);
      for (let op = 0; op < scenario.steps.length; op++) {
        if (scenario.steps[op].op !== 'bookmark') continue;
        run.seek(mark(file, (scenario.steps[op] as { name: string }).name));
        expect(checkInvariants(run)).toEqual([]);
      }
      run.seek(run.stepCount - 1);
      expect(checkInvariants(run)).toEqual([]);
    });
  });
});

describe('gaia-gpu-reads-file.yaml', () => {
  const f = 'gaia-gpu-reads-file.yaml';
  it('gmmap touches the shared range with 12 CPU faults and reads nothing from the file', () => {
    const d = between(f, null, 'mapped');
    expect(d.cpu_faults).toBe(12);
    expect(d.time_ns).toBe(12 * 60 * US);
    expect(d.disk_reads + d.pagecache_misses + d.pagecache_hits + d.page_cache_gpu_pages).toBe(0);
  });
  it('the first 64 KiB: one batch, 16 pages read from disk and filled, one GPU page, then one 64 KiB copy', () => {
    const d = between(f, 'mapped', 'first-gpu-page');
    expect([d.gpu_faults, d.gpu_fault_batches, d.disk_reads, d.page_cache_gpu_pages]).toEqual([16, 1, 16, 1]);
    expect(transfersBetween(f, 'mapped', 'first-gpu-page', 'htod_transfers')).toEqual({ [64 * KiB]: 1 });
    expect(eventsBetween(f, 'mapped', 'first-gpu-page', GAIA.populate).map((e) => e[3])).toEqual(range(0, 16));
    expect(eventsBetween(f, 'mapped', 'first-gpu-page', PK.gpuInsert).map((e) => e[1])).toEqual([0]);
    // about 460 µs, three quarters of it the disk reads (20 µs + 4 KiB at 2.8 GB/s each)
    expect(d.time_ns).toBeGreaterThan(440 * US);
    expect(d.time_ns).toBeLessThan(480 * US);
    expect(16 * (20 * US + 4096 / 2.8)).toBeGreaterThan(0.72 * d.time_ns);
  });
  it('the whole file: 176 more faults in 11 batches, 1008 more pages read, 64 GPU pages in all, about 23 ms', () => {
    const d = between(f, 'first-gpu-page', 'gpu-read');
    expect([d.gpu_faults, d.gpu_fault_batches, d.disk_reads, d.page_cache_gpu_pages]).toEqual([176, 11, 1008, 63]);
    expect(transfersBetween(f, 'first-gpu-page', 'gpu-read', 'htod_transfers')).toEqual({ [64 * KiB]: 13, [192 * KiB]: 2, [448 * KiB]: 2, [960 * KiB]: 2 });
    expect(eventsBetween(f, 'first-gpu-page', 'gpu-read', GAIA.populate).length).toBe(1008);
    expect(d.time_ns).toBeGreaterThan(22.5e6);
    expect(d.time_ns).toBeLessThan(24e6);
    expect(summaryAt(f, mark(f, 'gpu-read'))!.counters.page_cache_gpu_pages).toBe(64);
  });
  it('the CPU then reads the file from the page cache: 1024 minor faults, no disk I/O, nothing stale', () => {
    const d = between(f, 'gpu-read', 'cpu-read-from-cache');
    expect([d.mm_faults, d.mm_major_faults, d.pagecache_hits, d.disk_reads]).toEqual([1024, 0, 1024, 0]);
    expect(eventsBetween(f, 'gpu-read', 'cpu-read-from-cache', PK.stale)).toEqual([]);
  });
  it('a second kernel finds everything on the GPU', () => {
    const d = between(f, 'cpu-read-from-cache', 'gpu-reads-again');
    expect(d.gpu_faults + d.htod_bytes + d.disk_reads + d.pagecache_hits + d.time_ns).toBe(0);
  });
});

describe('gaia-maquire.yaml', () => {
  const f = 'gaia-maquire.yaml';
  it('the GPU reads 2 MiB: 32 GPU pages in the page cache', () => {
    const d = between(f, null, 'gpu-read');
    expect([d.page_cache_gpu_pages, d.disk_reads]).toEqual([32, 512]);
  });
  it('the CPU writes 18 pages, two of them read from disk first', () => {
    const d = between(f, 'gpu-read', 'cpu-wrote');
    expect([d.mm_faults, d.mm_major_faults, d.disk_reads, d.pagecache_hits]).toEqual([18, 2, 2, 16]);
  });
  it('maquire writes back 18 pages, drops 1 GPU page (17 missing), and evicts the 2 MiB block in about 140 µs', () => {
    const d = between(f, 'cpu-wrote', 'maquire');
    expect(d.maquire_invalidated).toBe(1);
    expect(d.page_cache_gpu_pages).toBe(-1);
    expect([d.disk_writes, d.disk_write_bytes]).toEqual([2, 72 * KiB]);
    expect(transfersBetween(f, 'cpu-wrote', 'maquire', 'dtoh_transfers')).toEqual({ [2 * MiB]: 1 });
    expect(eventsBetween(f, 'cpu-wrote', 'maquire', GAIA.maquireDrop).map((e) => e[1])).toEqual([256]);
    expect(eventsBetween(f, 'cpu-wrote', 'maquire', GAIA.maquireMissing).map((e) => e[1])).toEqual([...range(257, 272), 768, 769]);
    expect(eventsBetween(f, 'cpu-wrote', 'maquire', GAIA.maquireDone)).toEqual([[0, 1, 17, 1]]);
    expect(eventsBetween(f, 'cpu-wrote', 'maquire', GAIA.invalidated)).toEqual([[0, 0, 1, 512]]);
    expect(d.time_ns).toBeGreaterThan(120 * US);
    expect(d.time_ns).toBeLessThan(160 * US);
    // most of it the two disk writes (20 µs + bytes at 1.9 GB/s each)
    expect(2 * 20 * US + (72 * KiB) / 1.9).toBeGreaterThan(0.5 * d.time_ns);
  });
  it('the next read refills exactly the dropped pages from the page cache, with the rest of the block from UVM\'s copy', () => {
    const d = between(f, 'maquire', 'gpu-reads-fresh-data');
    expect([d.gpu_faults, d.gpu_fault_batches, d.htod_bytes, d.pagecache_hits, d.disk_reads, d.page_cache_gpu_pages]).toEqual([96, 6, 2 * MiB, 16, 0, 1]);
    expect(eventsBetween(f, 'maquire', 'gpu-reads-fresh-data', GAIA.populate).map((e) => e[3])).toEqual(range(256, 272));
  });
  it('a maquire with nothing CPU-dirty returns -1 at no cost', () => {
    expect(eventsBetween(f, 'gpu-reads-fresh-data', 'nothing-to-drop', GAIA.maquireDone)).toEqual([[0, 0, 0, -1]]);
    expect(between(f, 'gpu-reads-fresh-data', 'nothing-to-drop').time_ns).toBe(0);
  });
});

describe('gaia-get-page-from-gpu.yaml', () => {
  const f = 'gaia-get-page-from-gpu.yaml';
  it('the CPU reads 256 KiB from disk, then the GPU takes 4 GPU pages from the page cache', () => {
    const a = between(f, null, 'cpu-read');
    expect([a.cpu_faults, a.mm_major_faults, a.disk_reads]).toEqual([6, 64, 64]);
    const b = between(f, 'cpu-read', 'gpu-wrote');
    expect([b.gpu_faults, b.gpu_fault_batches, b.page_cache_gpu_pages, b.pagecache_hits, b.disk_reads]).toEqual([48, 3, 4, 64, 0]);
  });
  it('mrelease finds 2 dirty GPU pages and 2 clean, bumps and unmaps 32 PTEs in 3.6 µs, copying nothing', () => {
    expect(eventsBetween(f, 'gpu-wrote', 'released', GAIA.mreleaseCheck).map((e) => [e[1], e[3]])).toEqual([
      [0, 1],
      [16, 1],
      [32, 0],
      [48, 0],
    ]);
    expect(eventsBetween(f, 'gpu-wrote', 'released', GAIA.mreleaseDone)).toEqual([[0, 2, 0, 32]]);
    const d = between(f, 'gpu-wrote', 'released');
    expect(d.time_ns).toBe(3600);
    expect(d.htod_bytes + d.dtoh_bytes).toBe(0);
  });
  it('the CPU pulls 16 stale pages with get_page_from_gpu, 4 KiB each from gpu0, in 48.6 µs', () => {
    expect(eventsBetween(f, 'released', 'pulled', GAIA.retrieved).map((e) => [e[1], e[2], e[3]])).toEqual(range(0, 16).map((i) => [i, 1, 4096]));
    expect(eventsBetween(f, 'released', 'pulled', PK.stale).map((e) => [e[1], e[2]])).toEqual(range(0, 16).map((i) => [i, 0]));
    const d = between(f, 'released', 'pulled');
    expect([d.mm_faults, d.dtoh_bytes]).toEqual([16, 0]);
    expect(timeBetween(f, 'released', 'pulled')).toBeCloseTo(16 * (1000 + 1560 + 4096 / 54.5 + 400), 3);
  });
  it('pages the GPU only read are still mapped; the other written group is pulled on its first touch', () => {
    const clean = between(f, 'pulled', 'clean-pages-no-fault');
    expect(clean.mm_faults + clean.time_ns).toBe(0);
    expect(eventsBetween(f, 'clean-pages-no-fault', 'all-pulled', GAIA.retrieved).map((e) => e[1])).toEqual(range(16, 32));
  });
});

describe('gaia-two-gpus.yaml', () => {
  const f = 'gaia-two-gpus.yaml';
  it('says the model shares a file with one GPU: the second gmmap is refused and changes nothing', () => {
    expect(parse(f).steps.some((s) => s.op === 'note' && /one shared range and\s+one GPU row per file/.test(s.text))).toBe(true);
    expect(eventsBetween(f, 'shared-with-gpu0', 'second-gmmap-refused', GAIA.callRefused)).toEqual([[0, 0, 4, 0]]);
    expect(between(f, 'shared-with-gpu0', 'second-gmmap-refused').time_ns).toBe(0);
  });
  it('gpu1 pulls the pages from gpu0 device to device; the page cache does not change', () => {
    const d = between(f, 'second-gmmap-refused', 'gpu1-read');
    expect([d.gpu_faults, d.gpu_fault_batches, d.dtod_bytes, d.htod_bytes, d.page_cache_gpu_pages, d.disk_reads]).toEqual([48, 3, 256 * KiB, 0, 0, 0]);
    expect(eventsBetween(f, 'second-gmmap-refused', 'gpu1-read', GAIA.populate)).toEqual([]);
  });
  it('mrelease publishes gpu1\'s write and the CPU pulls it from gpu1 (processor 2)', () => {
    expect(eventsBetween(f, 'gpu1-read', 'released', GAIA.mreleaseDone)).toEqual([[0, 1, 0, 16]]);
    expect(eventsBetween(f, 'released', 'pulled-from-gpu1', GAIA.retrieved).map((e) => [e[1], e[2], e[3]])).toEqual(range(0, 16).map((i) => [i, 2, 4096]));
    expect(timeBetween(f, 'released', 'pulled-from-gpu1')).toBeCloseTo(16 * (1000 + 1560 + 4096 / 54.5 + 400), 3);
  });
  it('maquire drops one GPU page and evicts the split block from both GPUs', () => {
    expect(between(f, 'pulled-from-gpu1', 'block-split').dtod_bytes).toBe(64 * KiB);
    expect(eventsBetween(f, 'block-split', 'acquired', GAIA.invalidated)).toEqual([
      [0, 32, 1, 16],
      [0, 0, 2, 48],
    ]);
    expect(eventsBetween(f, 'block-split', 'acquired', GAIA.maquireDone)).toEqual([[0, 1, 15, 1]]);
    expect(transfersBetween(f, 'block-split', 'acquired', 'dtoh_transfers')).toEqual({ [64 * KiB]: 2, [128 * KiB]: 1 });
    const d = between(f, 'acquired', 'gpu0-reads-fresh-data');
    expect([d.htod_bytes, d.dtod_bytes, d.pagecache_hits]).toEqual([256 * KiB, 0, 16]);
    expect(eventsBetween(f, 'acquired', 'gpu0-reads-fresh-data', GAIA.populate).map((e) => e[3])).toEqual(range(16, 32));
  });
});

describe('gdrcopy-vs-migration.yaml', () => {
  const f = 'gdrcopy-vs-migration.yaml';
  const t = (from: string, to: string) => timeBetween(f, from, to);
  it('pin and map cost what apiperf published, once', () => {
    expect(t('pinned-and-mapped', 'pinned-and-mapped')).toBe(0);
    expect(between(f, null, 'pinned-and-mapped').time_ns).toBe(Math.round(1346.03406 * US + 3.6038 * US));
  });
  it('gdrcopy writes follow the published copylat numbers: 0.09 µs, 0.44 µs, 6.5 µs', () => {
    expect(t('pinned-and-mapped', 'write-64B')).toBeCloseTo(90, -1);
    expect(t('write-64B', 'write-4KiB') / 436.6).toBeGreaterThan(0.95);
    expect(t('write-64B', 'write-4KiB') / 436.6).toBeLessThan(1.15);
    expect(t('write-4KiB', 'write-64KiB') / 6490.6).toBeGreaterThan(0.95);
    expect(t('write-4KiB', 'write-64KiB') / 6490.6).toBeLessThan(1.05);
    expect(t('write-64KiB', 'write-1MiB')).toBeGreaterThan(95 * US);
    expect(t('write-64KiB', 'write-1MiB')).toBeLessThan(105 * US);
  });
  it('gdrcopy reads are slow: 8 µs for 4 KiB, about 119 µs for 64 KiB', () => {
    expect(t('write-1MiB', 'read-4KiB') / 7978.3).toBeCloseTo(1, 1);
    expect(t('read-4KiB', 'read-64KiB')).toBeGreaterThan(110 * US);
    expect(t('read-4KiB', 'read-64KiB')).toBeLessThan(125 * US);
    const total = between(f, null, 'read-64KiB').gdr_bytes;
    expect(total).toBe(64 + 4 * KiB + 64 * KiB + MiB + 4 * KiB + 64 * KiB);
  });
  it('prefetches of 4 KiB, 64 KiB and 1 MiB are one copy each: 8.7, 9.8 and 28.3 µs', () => {
    expect(transfersBetween(f, 'managed-initialised', 'prefetch-1MiB', 'htod_transfers')).toEqual({ 4096: 1, [64 * KiB]: 1, [MiB]: 1 });
    expect(between(f, 'read-64KiB', 'managed-initialised').cpu_faults).toBe(12);
    expect(t('managed-initialised', 'prefetch-4KiB')).toBeCloseTo(8667, -2);
    expect(t('prefetch-4KiB', 'prefetch-64KiB')).toBeCloseTo(9822, -2);
    expect(t('prefetch-64KiB', 'prefetch-1MiB')).toBeCloseTo(28300, -2);
  });
  it('gdrcopy wins the small writes and the copy engine the large one, as the narration says', () => {
    expect(t('write-64B', 'write-4KiB') * 10).toBeLessThan(t('managed-initialised', 'prefetch-4KiB'));
    expect(t('write-4KiB', 'write-64KiB')).toBeLessThan(t('prefetch-4KiB', 'prefetch-64KiB'));
    expect(t('write-64KiB', 'write-1MiB')).toBeGreaterThan(3 * t('prefetch-64KiB', 'prefetch-1MiB'));
    // reads: the copy engine wins already at 4 KiB
    expect(t('write-1MiB', 'read-4KiB')).toBeGreaterThan(2 * t('fault-64KiB', 'prefetch-back-4KiB'));
    // against the published cudaMemcpy line: writes win up to about 460 KiB, reads below about 3.4 KiB
    expect(crossoverBytes(0) / KiB).toBeGreaterThan(455);
    expect(crossoverBytes(0) / KiB).toBeLessThan(470);
    expect(crossoverBytes(1) / KiB).toBeGreaterThan(3.2);
    expect(crossoverBytes(1) / KiB).toBeLessThan(3.6);
  });
  it('a 4 KiB fault is one batch, widened to 64 KiB by the prefetcher, about 235 times the gdrcopy write', () => {
    const d = between(f, 'prefetch-1MiB', 'fault-4KiB');
    expect([d.gpu_faults, d.gpu_fault_batches, d.htod_bytes]).toEqual([1, 1, 64 * KiB]);
    expect(transfersBetween(f, 'prefetch-1MiB', 'fault-4KiB', 'htod_transfers')).toEqual({ 4096: 1, 61440: 1 });
    const ratio = t('prefetch-1MiB', 'fault-4KiB') / t('write-64B', 'write-4KiB');
    expect(ratio).toBeGreaterThan(225);
    expect(ratio).toBeLessThan(245);
    const g = between(f, 'fault-4KiB', 'fault-64KiB');
    expect([g.gpu_faults, g.gpu_fault_batches, g.htod_bytes]).toEqual([16, 1, 64 * KiB]);
    expect(g.time_ns).toBeGreaterThan(105 * US);
    expect(g.time_ns).toBeLessThan(115 * US);
  });
  it('a 4 KiB prefetch back to the CPU is one 4 KiB copy in 3.6 µs; unpinning costs 677 µs', () => {
    expect(transfersBetween(f, 'fault-64KiB', 'prefetch-back-4KiB', 'dtoh_transfers')).toEqual({ 4096: 1 });
    expect(t('fault-64KiB', 'prefetch-back-4KiB')).toBeCloseTo(3635, -1);
    expect(t('prefetch-back-4KiB', 'unpinned')).toBeCloseTo(676.6128 * US, -1);
    expect(eventsBetween(f, null, 'unpinned', GDR.gdrError)).toEqual([]);
  });
});
