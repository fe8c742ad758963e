/**
 * The built-in scenarios of HMM (hmm-migrate.yaml, hmm-evict-chunk.yaml) and of the correlation prefetcher
 * (prefetch-correlation.yaml). Each parses, runs, keeps the model's invariants, is written for a reader, and still
 * shows what its narration says: the checks read counters, simulated time, HMM's and the prefetcher's events and the
 * migrate_vma arguments between the scenario's own bookmarks, so an engine change that makes a note untrue fails
 * here and names the scenario to re-read. The density numbers quoted by prefetch-correlation.yaml come from the same
 * file with its policy line replaced, run here too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, nameFromSource, parseScenario, type Scenario } from '../../src/engine/scenario/index.js';
import { execute } from '../../src/engine/run/execute.js';
import { checkInvariants } from '../../src/engine/run/invariants.js';
import type { Run, RunSummary } from '../../src/engine/run/run.js';
import { EVENT_HEAP } from '../../src/engine/core/store.js';
import { copyNs, DEFAULT_HMM_COSTS, HK, HmmDir, MIGRATE_PFN, MmuNotify, mpfnPage, DEVICE_FRAME_BASE, type Hmm } from '../../src/engine/hmm/index.js';
import { C_BASE, DP, M_ENTRIES, mpfnHas, V_COUNT, V_FREE_COUNT } from '../../src/engine/hmm/state.js';
import { PteKind, pteKind, ptePfn, pteWritable } from '../../src/engine/cpu/pte.js';
import { CK } from '../../src/engine/uvm/correlation.js';

const DIR = fileURLToPath(new URL('../../assets/scenarios/', import.meta.url));
const FILES = ['hmm-migrate.yaml', 'hmm-evict-chunk.yaml', 'prefetch-correlation.yaml'];

const KiB = 1024;
const MiB = 1024 * KiB;
const US = 1000;
const GPU0 = 1;

type Counters = RunSummary['counters'];
type Scalar = Exclude<keyof Counters, 'htod_transfers' | 'dtoh_transfers' | 'dtod_transfers'>;
type Delta = Record<Scalar, number> & { time_ns: number };
interface Entry {
  file: string;
  scenario: Scenario;
  run: Run;
  ms: number;
}

function parseText(text: string, source: string): Scenario {
  const r = parseScenario(text, source);
  if (!r.ok) throw new Error(`${source} does not parse:\n${r.errors.map(formatScenarioError).join('\n')}`);
  return r.scenario;
}

const text = (file: string) => readFileSync(join(DIR, file), 'utf8');
const parse = (file: string) => parseText(text(file), `assets/scenarios/${file}`);

/** Each scenario (and each variant) is run once and shared by the tests that look at it. */
const runs = new Map<string, Entry>();
function load(file: string, replace?: [string, string]): Entry {
  const key = replace ? `${file}|${replace[0]}|${replace[1]}` : file;
  let e = runs.get(key);
  if (!e) {
    let t = text(file);
    if (replace) {
      if (!t.includes(replace[0])) throw new Error(`${file} has no "${replace[0]}"`);
      t = t.replace(replace[0], replace[1]);
    }
    const scenario = parseText(t, replace ? `variant-of-${file}` : `assets/scenarios/${file}`);
    const t0 = performance.now();
    const run = execute(scenario);
    e = { file, scenario, run, ms: performance.now() - t0 };
    runs.set(key, e);
  }
  return e;
}

/** The last step of scenario op `op`: the state once the op is done. */
function lastStepOf(run: Run, op: number): number {
  let last = -1;
  for (let s = 0; s < run.stepCount; s++) if (run.opOf(s) === op) last = s;
  if (last < 0) throw new Error(`op ${op} has no step`);
  return last;
}

function opOfBookmark(e: Entry, name: string): number {
  const op = e.scenario.steps.findIndex((s) => s.op === 'bookmark' && s.name === name);
  if (op < 0) throw new Error(`${e.file} has no bookmark "${name}"`);
  return op;
}

/** The last step of a bookmark, or -1 for "the start". */
function mark(e: Entry, name: string | null): number {
  return name === null ? -1 : lastStepOf(e.run, opOfBookmark(e, name));
}

/** Put the run at a bookmark (null: its first step) and call fn there; the cursor goes back to the end after. */
function atMark<T>(e: Entry, name: string | null, fn: () => T): T {
  e.run.seek(Math.max(0, mark(e, name)));
  try {
    return fn();
  } finally {
    e.run.seek(e.run.stepCount - 1);
  }
}

function summaryAt(e: Entry, step: number): RunSummary | null {
  if (step < 0) return null;
  e.run.seek(step);
  const s = e.run.summary();
  e.run.seek(e.run.stepCount - 1);
  return s;
}

/** Counter deltas and simulated time between two bookmarks (`from` null = the start). */
function between(e: Entry, from: string | null, to: string): Delta {
  const a = summaryAt(e, mark(e, from));
  const b = summaryAt(e, mark(e, to))!;
  const out = { time_ns: b.sim_time_ns - (a?.sim_time_ns ?? 0) } as Delta;
  for (const [k, v] of Object.entries(b.counters)) if (typeof v === 'number') out[k as Scalar] = v - ((a?.counters[k as Scalar] as number | undefined) ?? 0);
  return out;
}

/** Copy records of one direction between two bookmarks, as size → count. */
function transfersBetween(e: Entry, from: string | null, to: string, dir: 'htod_transfers' | 'dtoh_transfers'): Record<string, number> {
  const a = summaryAt(e, mark(e, from))?.counters[dir] ?? {};
  const b = summaryAt(e, mark(e, to))!.counters[dir];
  const out: Record<string, number> = {};
  for (const [size, n] of Object.entries(b)) if (n - (a[size] ?? 0)) out[size] = n - (a[size] ?? 0);
  return out;
}

interface RawEvent {
  t: number;
  step: number;
  obj: number;
  idx: number;
  x: number;
  y: number;
}

/** Events of one kind between two bookmarks, from the raw columns: obj, idx, x, y as the kind's docs name them. */
function eventsBetween(e: Entry, from: string | null, to: string, kind: number): RawEvent[] {
  const { run } = e;
  const st = run.ctx.store;
  const a = from === null ? 0 : run.transitionRange(mark(e, from))[1];
  const b = run.transitionRange(mark(e, to))[1];
  const out: RawEvent[] = [];
  for (let t = a; t < b; t++) {
    if (st.heapOf(t) !== EVENT_HEAP || st.kindOf(t) !== kind) continue;
    out.push({ t, step: run.stepOfTransition(t), obj: st.objOf(t), idx: st.indexOf(t), x: st.beforeOf(t), y: st.afterOf(t) });
  }
  return out;
}

/** The first step, after bookmark `from`, at pseudo-code function `fn` (and line `line`, when given). */
function firstStepAt(e: Entry, from: string | null, fn: string, line?: number): number {
  for (let s = mark(e, from) + 1; s < e.run.stepCount; s++) {
    const f = e.run.frameOf(s);
    if (f.fn === fn && (line === undefined || f.line === line)) return s;
  }
  throw new Error(`${e.file}: no step at ${fn} after ${from}`);
}

function hmmOf(e: Entry): Hmm {
  const h = e.run.platform?.hmm;
  if (!h) throw new Error(`${e.file} has no HMM`);
  return h;
}

/** The PTEs of every page of an anonymous region, at the run's cursor. */
function ptesOf(e: Entry, region: string): number[] {
  const linux = e.run.platform?.linux;
  if (!linux) throw new Error(`${e.file} has no Linux side`);
  const r = e.scenario.regions.findIndex((x) => x.name === region);
  const base = linux.regionVa(r);
  const out: number[] = [];
  for (let p = 0; p < e.scenario.regions[r].size / 4096; p++) out.push(linux.cpu.mm.pte(linux.mm, base + p * 4096));
  return out;
}

function regionVa(e: Entry, region: string): number {
  return e.run.platform!.linux!.regionVa(e.scenario.regions.findIndex((x) => x.name === region));
}

/** GPU faults taken by each gpu.kernel op, in order. */
function faultsPerKernel(e: Entry): number[] {
  const out: number[] = [];
  let before = 0;
  e.scenario.steps.forEach((st, op) => {
    if (st.op !== 'gpu.kernel') return;
    e.run.seek(lastStepOf(e.run, op));
    const now = e.run.counters().gpu_faults;
    out.push(now - before);
    before = now;
  });
  e.run.seek(e.run.stepCount - 1);
  return out;
}

/** The last step of every scenario op (and of the setup before op 0). */
function opEnds(e: Entry): number[] {
  const out: number[] = [];
  for (let s = 0; s < e.run.stepCount; s++) if (s === e.run.stepCount - 1 || e.run.opOf(s + 1) !== e.run.opOf(s)) out.push(s);
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Simulated times in a summary are whole nanoseconds: equal to the model's figure within a nanosecond. */
function expectNs(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} ns, expected ${expected} ns`).toBeLessThanOrEqual(1);
}

describe.each(FILES)('%s', (file) => {
  it('parses, with its own name and a description paragraph', () => {
    const s = parse(file);
    expect(s.name).not.toBe(nameFromSource(file));
    expect(s.name.length).toBeGreaterThan(5);
    expect(s.description.length).toBeGreaterThan(150);
  });

  it('is narrated: it opens with a note, has notes and bookmarks throughout, and never ends on a note', () => {
    const steps = parse(file).steps;
    expect(steps[0]?.op).toBe('note');
    expect(steps[steps.length - 1]?.op).not.toBe('note');
    expect(steps.filter((s) => s.op === 'note').length).toBeGreaterThanOrEqual(4);
    expect(steps.filter((s) => s.op === 'bookmark').length).toBeGreaterThanOrEqual(4);
    // every op that does something is explained by a note somewhere before it since the previous bookmark
    let explained = false;
    for (const s of steps) {
      if (s.op === 'note') explained = true;
      else if (s.op === 'bookmark') explained = false;
      // a question for predict mode comes before the note that explains the op it asks about
      else if (s.op === 'ask') continue;
      else expect(explained, `${file}: ${s.op} at line ${s.loc.line} has no note before it`).toBe(true);
    }
  });

  it('runs to its end quickly and keeps every invariant at the end of every scenario step', () => {
    const e = load(file);
    expect(e.ms).toBeLessThan(3000); // well under a second on a developer machine; generous for CI
    expect(e.run.simTimeNs()).toBeGreaterThan(0);
    // at op boundaries: the HMM invariants HM1, HM4 and HM5 do not hold at some steps inside an operation
    // (dmirror_allocate_chunk, dmirror_devmem_alloc_page / _free, do_swap_page around migrate_to_ram,
    // dmirror_device_remove_chunks between mark and unlink), so the steps inside an op are not checked here
    try {
      for (const s of opEnds(e)) {
        e.run.seek(s);
        const bad = checkInvariants(e.run, 3);
        if (bad.length) throw new Error(`${file}, after step ${s} (op ${e.run.opOf(s)}, ${e.run.frameOf(s).fn}): ${bad.join('; ')}`);
      }
    } finally {
      e.run.seek(e.run.stepCount - 1);
    }
  });

  it('replays to the same digest', () => {
    expect(execute(parse(file)).summary().digest).toBe(load(file).run.summary().digest);
  });
});

describe('hmm-migrate.yaml', () => {
  const e = () => load('hmm-migrate.yaml');

  it('the CPU writes half the buffer: 16 anonymous faults, nothing migrated yet', () => {
    const d = between(e(), null, 'cpu-wrote');
    expect(d.mm_faults).toBe(16);
    expect(d.hmm_migrated_pages).toBe(0);
    expectNs(d.time_ns, 16 * 1400);
    const ptes = atMark(e(), 'cpu-wrote', () => ptesOf(e(), 'heap'));
    expect(ptes.slice(0, 16).every((p) => pteKind(p) === PteKind.present && pteWritable(p))).toBe(true);
    expect(ptes.slice(16).every((p) => p === 0)).toBe(true);
  });

  it('migrate_vma_setup collects the 16 written pages with WRITE and the 16 holes without a page; alloc-and-copy gives WRITE only where src had it', () => {
    const run = e().run;
    const h = hmmOf(e());
    run.seek(firstStepAt(e(), 'cpu-wrote', 'migrate_vma_pages'));
    try {
      for (let i = 0; i < 32; i++) {
        const src = h.st.src(i);
        const dst = h.st.dst(i);
        expect(mpfnHas(src, MIGRATE_PFN.migrate)).toBe(true);
        expect(mpfnHas(src, MIGRATE_PFN.write)).toBe(i < 16);
        expect(mpfnPage(src) >= 0).toBe(i < 16);
        // the chunk is handed out from its top: page i lands in device page 65535 - i
        expect(mpfnPage(dst)).toBe(DEVICE_FRAME_BASE + 65535 - i);
        expect(mpfnHas(dst, MIGRATE_PFN.write)).toBe(i < 16);
      }
    } finally {
      run.seek(run.stepCount - 1);
    }
    // the phases come in the order the notes give
    const order = ['migrate_vma_setup', 'dmirror_migrate_alloc_and_copy', 'migrate_vma_pages', 'dmirror_migrate_finalize_and_map', 'migrate_vma_finalize'].map((fn) =>
      firstStepAt(e(), 'cpu-wrote', fn),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(order[order.length - 1]).toBeLessThan(mark(e(), 'migrated-to-gpu0'));
  });

  it('after migrate_vma_finalize every PTE is a device-private entry: 32 pages in one window, about 5 µs', () => {
    const d = between(e(), 'cpu-wrote', 'migrated-to-gpu0');
    expect(d.hmm_migrated_pages).toBe(32);
    expectNs(d.time_ns, 1000 + copyNs(DEFAULT_HMM_COSTS.htod, 64 * KiB));
    expect(eventsBetween(e(), 'cpu-wrote', 'migrated-to-gpu0', HK.hmmMigrateStart).map((v) => [v.idx, v.y])).toEqual([[HmmDir.toDevice, 32]]);
    expect(eventsBetween(e(), 'cpu-wrote', 'migrated-to-gpu0', HK.hmmCopy).map((v) => [v.idx, v.x])).toEqual([[HmmDir.toDevice, 64 * KiB]]);
    expect(eventsBetween(e(), 'cpu-wrote', 'migrated-to-gpu0', HK.hmmChunkAlloc)).toHaveLength(1);
    atMark(e(), 'migrated-to-gpu0', () => {
      const ptes = ptesOf(e(), 'heap');
      ptes.forEach((p, i) => {
        expect(pteKind(p)).toBe(PteKind.devicePrivate);
        expect(ptePfn(p)).toBe(65535 - i);
        expect(pteWritable(p)).toBe(true);
      });
      expect(hmmOf(e()).st.mirror(0, M_ENTRIES)).toBe(32);
    });
    // no UVM activity: HMM's copies are not CUPTI's unified-memory counters
    expect(d.htod_bytes + d.gpu_faults + d.cpu_faults).toBe(0);
  });

  it('the GPU reads through its mirror: 32 device page-table hits, no fault, no time', () => {
    const d = between(e(), 'migrated-to-gpu0', 'gpu-reads-its-copy');
    expect(d.hmm_device_faults).toBe(0);
    expect(d.time_ns).toBe(0);
    expect(eventsBetween(e(), 'migrated-to-gpu0', 'gpu-reads-its-copy', HK.hmmDeviceAccess)).toHaveLength(32);
  });

  it('writes to the 16 former holes fault once each to get a WRITE entry; nothing moves', () => {
    const d = between(e(), 'gpu-reads-its-copy', 'gpu-writes-upgrade');
    expect(d.hmm_device_faults).toBe(16);
    expect(d.hmm_migrated_pages).toBe(0);
    expectNs(d.time_ns, 16 * US);
    expect(eventsBetween(e(), 'gpu-reads-its-copy', 'gpu-writes-upgrade', HK.hmmDeviceAccess)).toHaveLength(16);
    const faults = eventsBetween(e(), 'gpu-reads-its-copy', 'gpu-writes-upgrade', HK.hmmDeviceFault);
    const base = regionVa(e(), 'heap');
    expect(faults.map((v) => (v.x - base) / 4096)).toEqual(Array.from({ length: 16 }, (_, i) => 16 + i));
    expect(faults.every((v) => v.y === 0 && v.idx === 1)).toBe(true);
  });

  it('a CPU read of page 3 is a device-private fault: do_swap_page → migrate_to_ram brings one page back', () => {
    const d = between(e(), 'gpu-writes-upgrade', 'cpu-faults-one-back');
    expect(d.mm_faults).toBe(1);
    expect(d.hmm_migrated_pages).toBe(1);
    expectNs(d.time_ns, 1000 + 1000 + copyNs(DEFAULT_HMM_COSTS.dtoh, 4 * KiB));
    const dpf = eventsBetween(e(), 'gpu-writes-upgrade', 'cpu-faults-one-back', HK.hmmDevicePrivateFault);
    expect(dpf.map((v) => v.idx)).toEqual([65532]);
    expect(eventsBetween(e(), 'gpu-writes-upgrade', 'cpu-faults-one-back', HK.hmmCopy).map((v) => [v.idx, v.x])).toEqual([[HmmDir.toSystem, 4 * KiB]]);
    const h = hmmOf(e());
    atMark(e(), 'cpu-faults-one-back', () => {
      const ptes = ptesOf(e(), 'heap');
      expect(pteKind(ptes[3])).toBe(PteKind.present);
      expect(pteWritable(ptes[3])).toBe(true);
      expect(ptes.filter((p) => pteKind(p) === PteKind.devicePrivate)).toHaveLength(31);
      // the device lost its mapping (xa_erase) and the device page went back on free_pages
      expect(h.ptLoad(0, h.vpfn(regionVa(e(), 'heap') + 3 * 4096))).toBe(0);
      expect(h.st.has(65532, DP.free)).toBe(true);
      expect(h.st.dev(GPU0, V_FREE_COUNT)).toBe(1);
    });
  });

  it('the GPU then maps the system page itself: one device fault, no migration', () => {
    const d = between(e(), 'cpu-faults-one-back', 'gpu-maps-system-page');
    expect(d.hmm_device_faults).toBe(1);
    expect(d.hmm_migrated_pages).toBe(0);
    const h = hmmOf(e());
    atMark(e(), 'gpu-maps-system-page', () => {
      expect(h.ptLoad(0, h.vpfn(regionVa(e(), 'heap') + 3 * 4096))).not.toBe(0);
      expect(pteKind(ptesOf(e(), 'heap')[3])).toBe(PteKind.present);
    });
  });

  it('the managed contrast: 2 UVM CPU faults, then one 128 KiB prefetch copy', () => {
    const d = between(e(), 'gpu-maps-system-page', 'managed-for-contrast');
    expect(d.cpu_faults).toBe(2);
    expect(d.htod_bytes).toBe(128 * KiB);
    expect(d.hmm_migrated_pages + d.hmm_device_faults + d.mm_faults).toBe(0);
    expect(transfersBetween(e(), 'gpu-maps-system-page', 'managed-for-contrast', 'htod_transfers')).toEqual({ [128 * KiB]: 1 });
    expect(d.time_ns).toBeGreaterThan(120 * US);
    expect(d.time_ns).toBeLessThan(140 * US);
  });
});

describe('hmm-evict-chunk.yaml', () => {
  const e = () => load('hmm-evict-chunk.yaml');

  it('64 pages migrate into chunk 0; a CPU read takes one back and recycles its device page', () => {
    expect(between(e(), null, 'cpu-wrote').mm_faults).toBe(64);
    const m = between(e(), 'cpu-wrote', 'migrated');
    expect(m.hmm_migrated_pages).toBe(64);
    expectNs(m.time_ns, 1000 + copyNs(DEFAULT_HMM_COSTS.htod, 256 * KiB));
    const back = between(e(), 'migrated', 'one-page-back');
    expect(back.hmm_migrated_pages).toBe(1);
    expect(back.mm_faults).toBe(1);
    const freed = eventsBetween(e(), 'migrated', 'one-page-back', HK.hmmPageFree);
    expect(freed.map((v) => [v.obj, v.x])).toEqual([[65530, 1]]);
  });

  it('the GPU write hits 15 pt entries and faults once, on the page the CPU took back', () => {
    const d = between(e(), 'one-page-back', 'gpu-wrote');
    expect(d.hmm_device_faults).toBe(1);
    expect(eventsBetween(e(), 'one-page-back', 'gpu-wrote', HK.hmmDeviceAccess)).toHaveLength(15);
  });

  it('evicting chunk 0 brings its 63 busy pages back to system memory, phase by phase', () => {
    const d = between(e(), 'gpu-wrote', 'evicted');
    expect(d.hmm_migrated_pages).toBe(63);
    expect(d.mm_faults).toBe(0);
    // 63 single-page TLB flushes (1 µs each) and one batched 252 KiB device-to-host copy
    expectNs(d.time_ns, 63 * 1000 + copyNs(DEFAULT_HMM_COSTS.dtoh, 63 * 4 * KiB));
    expect(eventsBetween(e(), 'gpu-wrote', 'evicted', HK.hmmMigrateStart).map((v) => [v.idx, v.y])).toEqual([[HmmDir.evict, 65536]]);
    expect(eventsBetween(e(), 'gpu-wrote', 'evicted', HK.hmmCollect)).toHaveLength(63);
    const inval = eventsBetween(e(), 'gpu-wrote', 'evicted', HK.hmmInvalidate);
    expect(inval).toHaveLength(63);
    expect(inval.every((v) => v.idx === MmuNotify.clear && v.y === 1)).toBe(true);
    expect(eventsBetween(e(), 'gpu-wrote', 'evicted', HK.hmmCopy).map((v) => [v.idx, v.x])).toEqual([[HmmDir.evict, 63 * 4 * KiB]]);
    const freed = eventsBetween(e(), 'gpu-wrote', 'evicted', HK.hmmPageFree);
    expect(freed).toHaveLength(63);
    expect(freed.every((v) => v.x === 0)).toBe(true); // not recycled: the chunk is being removed
    expect(eventsBetween(e(), 'gpu-wrote', 'evicted', HK.hmmChunkRelease).map((v) => v.obj)).toEqual([0]);
    // the phases, in the order the notes give, each at the line breakpoint they name
    const steps = [
      firstStepAt(e(), 'gpu-wrote', 'dmirror_device_remove_chunks', 1), // mark
      firstStepAt(e(), 'gpu-wrote', 'dmirror_device_remove_chunks', 2), // unlink
      firstStepAt(e(), 'gpu-wrote', 'migrate_device_range', 2), // lock
      firstStepAt(e(), 'gpu-wrote', 'migrate_device_range', 3), // unmap
      firstStepAt(e(), 'gpu-wrote', 'dmirror_device_evict_chunk', 4), // alloc
      firstStepAt(e(), 'gpu-wrote', 'migrate_device_pages'),
      firstStepAt(e(), 'gpu-wrote', 'migrate_device_finalize'),
      firstStepAt(e(), 'gpu-wrote', 'dmirror_device_remove_chunks', 4), // release
    ];
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(steps[steps.length - 1]).toBeLessThanOrEqual(mark(e(), 'evicted'));
    const h = hmmOf(e());
    atMark(e(), 'evicted', () => {
      const ptes = ptesOf(e(), 'heap');
      expect(ptes.every((p) => pteKind(p) === PteKind.present && pteWritable(p))).toBe(true);
      expect(h.chunksOf(GPU0)).toEqual([]);
      expect(h.st.dev(GPU0, V_COUNT)).toBe(0);
      expect(h.st.dev(GPU0, V_FREE_COUNT)).toBe(0);
      // page 5's pt entry points at a system page that was never in the chunk: it survives
      expect(h.st.mirror(0, M_ENTRIES)).toBe(1);
    });
  });

  it('the evicted pages are plain system pages: the CPU reads all 64 without a fault', () => {
    const d = between(e(), 'evicted', 'cpu-reads-without-faults');
    expect(d.mm_faults).toBe(0);
    expect(d.hmm_migrated_pages).toBe(0);
    expect(d.time_ns).toBe(0);
  });

  it('the GPU re-faults on the 15 entries the eviction erased and maps the system pages', () => {
    const d = between(e(), 'cpu-reads-without-faults', 'gpu-refaults');
    expect(d.hmm_device_faults).toBe(15);
    expect(d.hmm_migrated_pages).toBe(0);
    expect(eventsBetween(e(), 'cpu-reads-without-faults', 'gpu-refaults', HK.hmmDeviceAccess)).toHaveLength(1);
  });

  it('the next migration allocates a new chunk, which hmm.evict would now call chunk 0', () => {
    const d = between(e(), 'gpu-refaults', 'new-chunk');
    expect(d.hmm_migrated_pages).toBe(16);
    expect(eventsBetween(e(), 'gpu-refaults', 'new-chunk', HK.hmmChunkAlloc).map((v) => [v.obj, v.x])).toEqual([[1, 65536]]);
    const h = hmmOf(e());
    atMark(e(), 'new-chunk', () => {
      expect(h.chunksOf(GPU0)).toEqual([1]);
      expect(h.st.chunk(1, C_BASE)).toBe(65536);
    });
  });

  it('UVM evicts its own memory by root chunk: one 2 MiB copy back for a 4 MiB buffer on a 4 MiB GPU', () => {
    const d = between(e(), 'new-chunk', 'uvm-evicts-a-root-chunk');
    expect(d.evictions).toBe(1);
    expect(d.gpu_faults).toBe(192);
    expect(d.gpu_fault_batches).toBe(12);
    expect(transfersBetween(e(), 'new-chunk', 'uvm-evicts-a-root-chunk', 'dtoh_transfers')).toEqual({ [2 * MiB]: 1 });
    expect(d.time_ns).toBeGreaterThan(1.2e6);
    expect(d.time_ns).toBeLessThan(1.4e6);
  });
});

describe('prefetch-correlation.yaml', () => {
  const FILE = 'prefetch-correlation.yaml';
  const corr = () => load(FILE);
  const density = () => load(FILE, ['policy: { prefetch: correlation }', 'policy: { prefetch: density }']);
  const ITERS = ['iteration-1', 'iteration-2', 'iteration-3', 'iteration-4'];
  const perIteration = (e: Entry, f: (d: Delta) => number) => ITERS.map((b, i) => f(between(e, i === 0 ? 'initialised' : ITERS[i - 1], b)));

  it('the variant really is the density prefetcher, and the scenario the correlation one', () => {
    expect(corr().scenario.policy.prefetch).toBe('correlation');
    expect(density().scenario.policy.prefetch).toBe('density');
    expect(corr().run.ctx.correlation).toBeTruthy();
    expect(density().run.ctx.correlation).toBeFalsy();
  });

  it('initialises the batch and weights with 30 UVM CPU faults (1.8 ms)', () => {
    const d = between(corr(), null, 'initialised');
    expect(d.cpu_faults).toBe(30);
    expect(d.time_ns).toBe(1_800_000);
  });

  it('iteration 1 is exactly the driver with density: same counters, same time', () => {
    const c = between(corr(), 'initialised', 'iteration-1');
    const d = between(density(), 'initialised', 'iteration-1');
    expect(c).toEqual(d);
    expect(c.gpu_faults).toBe(612);
    expect(c.gpu_fault_batches).toBe(61);
    expect(c.evictions).toBe(10);
    expect(c.time_ns).toBeGreaterThan(7.7e6);
    expect(c.time_ns).toBeLessThan(7.8e6);
  });

  it('later iterations take far fewer GPU faults than the first, and fewer than the same loop under density', () => {
    const c = faultsPerKernel(corr());
    const d = faultsPerKernel(density());
    expect(c).toEqual([192, 132, 96, 144, 48, 0, 36, 0, 24, 48, ...Array.from({ length: 10 }, () => 0)]);
    expect(d).toEqual([192, 132, 96, 144, 48, ...Array.from({ length: 3 }, () => [36, 72, 96, 144, 48]).flat()]);
    const ci = perIteration(corr(), (x) => x.gpu_faults);
    const di = perIteration(density(), (x) => x.gpu_faults);
    expect(ci).toEqual([612, 108, 0, 0]);
    expect(di).toEqual([612, 396, 396, 396]);
    for (let i = 1; i < 4; i++) {
      expect(ci[i]).toBeLessThan(ci[0] / (i === 1 ? 3 : 4));
      expect(ci[i]).toBeLessThan(di[i] / 2);
    }
    expect(sum(ci.slice(1))).toBeLessThan(sum(di.slice(1)) / 2);
  });

  it('the gain is mostly fault batches and time, and some traffic', () => {
    expect(perIteration(corr(), (x) => x.gpu_fault_batches)).toEqual([61, 24, 0, 0]);
    expect(perIteration(density(), (x) => x.gpu_fault_batches)).toEqual([61, 54, 54, 54]);
    const ct = perIteration(corr(), (x) => x.time_ns);
    const dt = perIteration(density(), (x) => x.time_ns);
    expect(ct[1] / 1e6).toBeCloseTo(4.14, 2);
    expect(ct[2] / 1e6).toBeCloseTo(0.87, 2);
    expect(ct[3] / 1e6).toBeCloseTo(0.96, 2);
    for (const t of dt.slice(1)) expect(t / 1e6).toBeCloseTo(7.36, 2);
    expect(corr().run.simTimeNs() / 1e6).toBeCloseTo(15.5, 1);
    expect(density().run.simTimeNs() / 1e6).toBeCloseTo(31.7, 1);
    // 20 then 22 MiB each way in iterations 3 and 4 (10, 11 evictions) against density's 30 MiB (15 evictions)
    const cs = [between(corr(), 'iteration-2', 'iteration-3'), between(corr(), 'iteration-3', 'iteration-4')];
    const ds = [between(density(), 'iteration-2', 'iteration-3'), between(density(), 'iteration-3', 'iteration-4')];
    expect(cs.map((x) => x.htod_bytes)).toEqual([20 * MiB, 22 * MiB]);
    expect(ds.map((x) => x.htod_bytes)).toEqual([30 * MiB, 30 * MiB]);
    for (const x of [...cs, ...ds]) expect(x.dtoh_bytes).toBe(x.htod_bytes);
    expect(cs.map((x) => x.evictions)).toEqual([10, 11]);
    expect(ds.map((x) => x.evictions)).toEqual([15, 15]);
  });

  it('prefetches at each launch from iteration 2 on, with a look-ahead from forward layer 1 into h2', () => {
    expect(eventsBetween(corr(), 'initialised', 'iteration-1', CK.corrPrefetch)).toEqual([]);
    expect(eventsBetween(corr(), 'iteration-1', 'iteration-2', CK.corrPrefetch).length).toBeGreaterThan(0);
    // iteration 3's first kernel: the batch was prefetched at the end of iteration 2, so at its launch it copies only
    // h1's first block (3) of its own, then the look-ahead brings h2's two blocks (7 and 8) for forward layer 2
    const fwd1 = corr().scenario.steps.findIndex((s, op) => s.op === 'gpu.kernel' && op > opOfBookmark(corr(), 'iteration-2'));
    const inFwd1 = eventsBetween(corr(), 'iteration-2', 'iteration-3', CK.corrPrefetch).filter((v) => corr().run.opOf(v.step) === fwd1);
    expect(inFwd1.map((v) => [v.obj, v.x >>> 6])).toEqual([
      [3, 0],
      [7, 1],
      [8, 1],
    ]);
  });

  it('no own prefetch stops from iteration 2 on; backward layer 1 copies w1 and gw1, then stops in its look-ahead at gw2', () => {
    const e = corr();
    // every stop is in a look-ahead: the launched kernel's resident predicted blocks are marked used before any copy,
    // so making room for a missing one never picks a later one as the victim
    const all = eventsBetween(e, 'iteration-1', 'iteration-4', CK.corrStop);
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((v) => v.x >>> 6 === 0)).toEqual([]);
    for (const [from, to] of [
      ['iteration-2', 'iteration-3'],
      ['iteration-3', 'iteration-4'],
    ]) {
      const kernels = e.scenario.steps.map((s, op) => (s.op === 'gpu.kernel' && op > opOfBookmark(e, from) && op < opOfBookmark(e, to) ? op : -1)).filter((op) => op >= 0);
      const [bwd1, update] = [kernels[3], kernels[4]];
      const own = eventsBetween(e, from, to, CK.corrPrefetch).filter((v) => e.run.opOf(v.step) === bwd1 && v.x >>> 6 === 0);
      // w1's first block (1) first, then gw1's (9, 10); w1's second (2) only when it is not already there
      expect(own.map((v) => v.obj).filter((b) => b !== 2)).toEqual([1, 9, 10]);
      const ahead = eventsBetween(e, from, to, CK.corrPrefetch).filter((v) => e.run.opOf(v.step) === bwd1 && v.x >>> 6 === 1);
      expect(ahead.map((v) => v.obj)).toEqual([5]);
      // the look-ahead stops at w2's second block (6): the victim holds gw2's first (11), which the update predicts
      const stops = eventsBetween(e, from, to, CK.corrStop).filter((v) => e.run.opOf(v.step) === bwd1);
      expect(stops.map((v) => [v.obj, v.x >>> 6, v.y])).toEqual([[6, 1, 11 + 1]]);
      // and the update's own prefetch copies block 6 at its launch
      const upd = eventsBetween(e, from, to, CK.corrPrefetch).filter((v) => e.run.opOf(v.step) === update && v.x >>> 6 === 0);
      expect(upd.map((v) => v.obj)).toEqual([6]);
      expect(between(e, from, to).gpu_faults).toBe(0);
    }
  });
});
