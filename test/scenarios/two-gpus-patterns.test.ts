/**
 * The three two-GPU patterns of issue 8 (assets/scenarios/two-gpus-{handover,read-mostly,preferred}.yaml), checked
 * from the run at each bookmark: copies by route (source → destination) and size, residency, read duplication, and
 * each GPU's mappings with their PTE aperture (VID, SYS, PEER) and size. These are the driver's decisions for two PCIe
 * peers (docs/model.md, "Two GPUs"), so a change in the model that makes a note untrue fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario, type Scenario } from '../../src/engine/scenario/index.js';
import { execute } from '../../src/engine/run/execute.js';
import { blockView, type BlockView, type PageRuns } from '../../src/engine/run/views.js';
import type { Run, RunSummary } from '../../src/engine/run/run.js';

const DIR = fileURLToPath(new URL('../../assets/scenarios/', import.meta.url));
const KiB = 1024;
const MiB = 1024 * KiB;
const CPU = 0;
const GPU0 = 1;
const GPU1 = 2;

interface Loaded {
  scenario: Scenario;
  run: Run;
}
const runs = new Map<string, Loaded>();
function load(file: string): Loaded {
  let e = runs.get(file);
  if (!e) {
    const p = parseScenario(readFileSync(join(DIR, file), 'utf8'), `assets/scenarios/${file}`);
    if (!p.ok) throw new Error(p.errors.map(formatScenarioError).join('\n'));
    e = { scenario: p.scenario, run: execute(p.scenario) };
    runs.set(file, e);
  }
  return e;
}

function bookmarkStep(l: Loaded, name: string): number {
  const op = l.scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === name);
  if (op < 0) throw new Error(`no bookmark ${name}`);
  let last = -1;
  for (let s = 0; s < l.run.stepCount; s++) if (l.run.opOf(s) === op) last = s;
  return last;
}

function summaryAt(file: string, mark: string): RunSummary {
  const l = load(file);
  l.run.seek(bookmarkStep(l, mark));
  return l.run.summary();
}

type Scalars = Record<string, number>;
/** Counter deltas between two bookmarks (`from` null = the start). */
function between(file: string, from: string | null, to: string): Scalars {
  const a = from === null ? null : summaryAt(file, from).counters;
  const b = summaryAt(file, to).counters;
  const out: Scalars = {};
  for (const [k, v] of Object.entries(b)) if (typeof v === 'number') out[k] = v - (((a as Record<string, unknown> | null)?.[k] as number | undefined) ?? 0);
  return out;
}

/** Copy records between two bookmarks as "src>dst:bytes" → count (proc ids: CPU 0, gpu0 1, gpu1 2). */
function copies(file: string, from: string | null, to: string): Record<string, number> {
  const l = load(file);
  const a = from === null ? 0 : l.run.transitionRange(bookmarkStep(l, from))[1];
  const b = l.run.transitionRange(bookmarkStep(l, to))[1];
  const out: Record<string, number> = {};
  for (let t = a; t < b; t++) {
    const v = l.run.transition(t);
    if (v.kind !== 'copy') continue;
    const key = `${String(v.fields.src)}>${String(v.fields.dst)}:${String(v.fields.bytes)}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Remote mappings made between two bookmarks: pages per "proc:cause". */
function remoteMaps(file: string, from: string | null, to: string): Record<string, number> {
  const l = load(file);
  const a = from === null ? 0 : l.run.transitionRange(bookmarkStep(l, from))[1];
  const b = l.run.transitionRange(bookmarkStep(l, to))[1];
  const out: Record<string, number> = {};
  for (let t = a; t < b; t++) {
    const v = l.run.transition(t);
    if (v.kind !== 'remoteMap') continue;
    const key = `${String(v.fields.proc)}:${String(v.fields.cause)}`;
    out[key] = (out[key] ?? 0) + Number(v.fields.pages);
  }
  return out;
}

/** The blocks of a region at a bookmark. */
function blocksAt(file: string, mark: string, region: string): BlockView[] {
  const l = load(file);
  l.run.seek(bookmarkStep(l, mark));
  const m = l.run.ctx.m;
  const r = m.regions.find((x) => x.name === region)!;
  return Array.from({ length: r.blocks }, (_, i) => blockView(l.run, r.firstBlock + i));
}

const count = (runs: PageRuns | undefined): number => (runs ?? []).reduce((s, [lo, hi]) => s + hi - lo, 0);
/** Pages of a region resident on / mapped (read) by / mapped writable by a processor, and mapped through an aperture. */
function pages(file: string, mark: string, region: string) {
  const blocks = blocksAt(file, mark, region);
  const sum = (f: (b: BlockView) => number) => blocks.reduce((s, b) => s + f(b), 0);
  return {
    resident: (p: number) => sum((b) => count(b.processors[p].resident)),
    read: (p: number) => sum((b) => count(b.processors[p].mappedRead)),
    write: (p: number) => sum((b) => count(b.processors[p].mappedWrite)),
    atomic: (p: number) => sum((b) => count(b.processors[p].mappedAtomic)),
    aperture: (p: number, ap: string) => sum((b) => count(b.processors[p].pte?.apertures[ap])),
    duplicated: () => sum((b) => count(b.readDuplicated)),
    pte2m: (p: number) => blocks.filter((b) => b.processors[p].pte?.size2m).length,
  };
}

describe('two-gpus-handover.yaml: a buffer read by both GPUs in turn', () => {
  const f = 'two-gpus-handover.yaml';
  const prefetcherSizes = (route: string) => ({ [`${route}:65536`]: 14, [`${route}:196608`]: 2, [`${route}:458752`]: 2, [`${route}:983040`]: 2 });

  it('gpu0 takes the table from the host in the prefetcher sizes', () => {
    const d = between(f, null, 'read-by-gpu0');
    expect(d.gpu_faults).toBe(192);
    expect(d.gpu_fault_batches).toBe(12);
    expect(copies(f, null, 'read-by-gpu0')).toEqual(prefetcherSizes(`${CPU}>${GPU0}`));
  });

  it('each handover migrates the whole table device to device, in the same sizes, with no host traffic', () => {
    expect(copies(f, 'read-by-gpu0', 'read-by-gpu1')).toEqual(prefetcherSizes(`${GPU0}>${GPU1}`));
    expect(copies(f, 'read-by-gpu1', 'back-on-gpu0')).toEqual(prefetcherSizes(`${GPU1}>${GPU0}`));
    for (const [from, to] of [
      ['read-by-gpu0', 'read-by-gpu1'],
      ['read-by-gpu1', 'back-on-gpu0'],
    ] as const) {
      const d = between(f, from, to);
      expect(d.dtod_bytes).toBe(4 * MiB);
      expect(d.htod_bytes + d.dtoh_bytes).toBe(0);
      expect(d.gpu_fault_batches).toBe(12);
      // one invalidate on the GPU losing its mappings, one on the GPU mapping
      expect(d.gpu_invalidations).toBe(24);
    }
    const p = pages(f, 'read-by-gpu1', 'table');
    expect(p.resident(GPU1)).toBe(1024);
    expect(p.resident(GPU0)).toBe(0);
    expect(p.read(GPU0)).toBe(0);
    expect(p.aperture(GPU1, 'VID')).toBe(1024);
    expect(p.aperture(GPU1, 'PEER')).toBe(0);
  });

  it('a 64 KiB read moves 64 KiB, and a one-page read moves the page and its 60 KiB big page', () => {
    expect(copies(f, 'back-on-gpu0', 'gpu1-reads-64k')).toEqual({ [`${GPU0}>${GPU1}:65536`]: 1 });
    expect(copies(f, 'gpu1-reads-64k', 'gpu1-reads-one-page')).toEqual({ [`${GPU0}>${GPU1}:4096`]: 1, [`${GPU0}>${GPU1}:61440`]: 1 });
    const p = pages(f, 'gpu1-reads-one-page', 'table');
    expect(p.resident(GPU1)).toBe(32);
    expect(p.resident(GPU0)).toBe(992);
  });

  it('cudaMemPrefetchAsync copies each run gpu1 lacks, and the kernel after it does not fault', () => {
    expect(copies(f, 'gpu1-reads-one-page', 'prefetched-first')).toEqual({ [`${GPU0}>${GPU1}:1048576`]: 2, [`${GPU0}>${GPU1}:983040`]: 2 });
    expect(between(f, 'gpu1-reads-one-page', 'prefetched-first').gpu_faults).toBe(0);
  });

  it('the CPU reads it back from gpu1', () => {
    const d = between(f, 'prefetched-first', 'cpu-reads-back');
    expect(d.cpu_faults).toBe(12);
    expect(d.dtoh_bytes).toBe(4 * MiB);
    expect(d.dtod_bytes).toBe(0);
    expect(pages(f, 'cpu-reads-back', 'table').read(GPU1)).toBe(0);
  });
});

describe('two-gpus-read-mostly.yaml: duplication across both GPUs and its collapse', () => {
  const f = 'two-gpus-read-mostly.yaml';

  it('gpu0 duplicates from the host, gpu1 from its peer gpu0 and not from the CPU', () => {
    expect(between(f, 'advised', 'copy-on-gpu0').htod_bytes).toBe(4 * MiB);
    const d = between(f, 'copy-on-gpu0', 'copy-on-gpu1');
    expect(d.dtod_bytes).toBe(4 * MiB);
    expect(d.htod_bytes).toBe(0);
    expect(Object.keys(copies(f, 'copy-on-gpu0', 'copy-on-gpu1')).every((k) => k.startsWith(`${GPU0}>${GPU1}:`))).toBe(true);
    const p = pages(f, 'copy-on-gpu1', 'weights');
    expect(p.duplicated()).toBe(1024);
    for (const proc of [CPU, GPU0, GPU1]) {
      expect(p.resident(proc)).toBe(1024);
      // read-duplicated pages are mapped read-only everywhere
      expect(p.read(proc)).toBe(1024);
      expect(p.write(proc)).toBe(0);
    }
    expect(p.aperture(GPU0, 'VID')).toBe(1024);
    expect(p.aperture(GPU1, 'VID')).toBe(1024);
  });

  it('reads on both GPUs are then free', () => {
    const d = between(f, 'copy-on-gpu1', 'reads-are-free');
    expect(d.gpu_faults).toBe(0);
    expect(d.dtod_bytes + d.htod_bytes).toBe(0);
  });

  it('a write on gpu1 collapses the copies onto gpu1 without a copy', () => {
    const d = between(f, 'reads-are-free', 'collapsed-by-gpu1');
    expect(d.gpu_faults).toBe(16);
    expect(d.dtod_bytes + d.htod_bytes + d.dtoh_bytes).toBe(0);
    const p = pages(f, 'collapsed-by-gpu1', 'weights');
    expect(p.duplicated()).toBe(1024 - 16);
    expect(p.resident(GPU1)).toBe(1024);
    expect(p.resident(GPU0)).toBe(1024 - 16);
    expect(p.resident(CPU)).toBe(1024 - 16);
    expect(p.read(GPU0)).toBe(1024 - 16);
    expect(p.read(CPU)).toBe(1024 - 16);
    expect(p.atomic(GPU1)).toBe(16);
  });

  it('gpu0 duplicates the collapsed pages again from gpu1; the CPU takes them from the first GPU by id', () => {
    expect(copies(f, 'collapsed-by-gpu1', 'duplicated-again')).toEqual({ [`${GPU1}>${GPU0}:65536`]: 1 });
    expect(copies(f, 'duplicated-again', 'cpu-copy-again')).toEqual({ [`${GPU0}>${CPU}:4096`]: 1, [`${GPU0}>${CPU}:61440`]: 1 });
    const p = pages(f, 'cpu-copy-again', 'weights');
    expect(p.duplicated()).toBe(1024);
    for (const proc of [CPU, GPU0, GPU1]) expect(p.resident(proc)).toBe(1024);
  });
});

describe('two-gpus-preferred.yaml: preferred location on gpu0, gpu1 maps it over PEER', () => {
  const f = 'two-gpus-preferred.yaml';

  it('a first touch by the preferred location populates whole blocks on gpu0', () => {
    const d = between(f, null, 'filled-on-gpu0');
    expect(d.gpu_faults).toBe(32);
    expect(d.zeroed_bytes).toBe(4 * MiB);
    expect(copies(f, null, 'filled-on-gpu0')).toEqual({});
  });

  it('gpu1 maps gpu0 memory remotely (PEER, read-write, 2 MiB PTEs) instead of migrating', () => {
    const d = between(f, 'filled-on-gpu0', 'gpu1-maps-peer');
    expect(d.gpu_faults).toBe(32);
    expect(d.gpu_fault_batches).toBe(2);
    expect(d.dtod_bytes + d.htod_bytes + d.dtoh_bytes).toBe(0);
    expect(remoteMaps(f, 'filled-on-gpu0', 'gpu1-maps-peer')).toEqual({ [`${GPU1}:policy`]: 1024 });
    const p = pages(f, 'gpu1-maps-peer', 'home');
    expect(p.resident(GPU0)).toBe(1024);
    expect(p.resident(GPU1)).toBe(0);
    expect(p.aperture(GPU1, 'PEER')).toBe(1024);
    expect(p.write(GPU1)).toBe(1024);
    expect(p.atomic(GPU1)).toBe(0);
    expect(p.pte2m(GPU1)).toBe(2);
    // gpu0 keeps its own read-write-atomic mapping
    expect(p.atomic(GPU0)).toBe(1024);
    expect(between(f, 'gpu1-maps-peer', 'no-more-faults').gpu_faults).toBe(0);
  });

  it('an explicit prefetch still moves it, and the preferred GPU pulls it back on its next fault', () => {
    expect(copies(f, 'no-more-faults', 'prefetched-to-gpu1')).toEqual({ [`${GPU0}>${GPU1}:2097152`]: 2 });
    const d = between(f, 'prefetched-to-gpu1', 'pulled-home');
    expect(d.dtod_bytes).toBe(4 * MiB);
    expect(d.gpu_fault_batches).toBe(12);
    const p = pages(f, 'pulled-home', 'home');
    expect(p.resident(GPU0)).toBe(1024);
    expect(p.read(GPU1)).toBe(0);
  });

  it('with accessed-by, gpu1 is mapped as the pages arrive on gpu0, and never faults', () => {
    expect(remoteMaps(f, 'pulled-home', 'mapped-on-arrival')).toEqual({ [`${GPU1}:policy`]: 1024 });
    const p = pages(f, 'mapped-on-arrival', 'watched');
    expect(p.aperture(GPU1, 'PEER')).toBe(1024);
    expect(between(f, 'mapped-on-arrival', 'gpu1-never-faults').gpu_faults).toBe(0);
  });
});
