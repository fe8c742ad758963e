/**
 * The run through time, indexed once so that a timeline and its charts can ask about any range of a run of millions
 * of transitions without scanning it again:
 *
 *   - families: every transition kind belongs to one family (faults, copies, mappings, evictions, the page cache…),
 *     the rows of the timeline's density strip;
 *   - a prefix table of transitions per family before every `stride`-th step, so that the count of any step range
 *     is two table lookups plus a scan of at most one stride's transitions at each end;
 *   - a sample table of the `scalars` heap (the clock and every counter) every `every`-th transition, so that the
 *     counters at any step are one table row plus a scan of at most `every` transitions (no seek: the heaps and the
 *     cursor are left alone).
 *
 * Built in one pass over the transition log (see `TimelineIndex.build`); the run never changes after it is recorded,
 * so the index is valid for the run's whole life. Memory: at most PREFIX_ROWS × families × 4 bytes plus
 * SAMPLE_ROWS × scalar words × 8 bytes (≈ 1.7 MB + 1 MB), whatever the run's length.
 */

import { CLOCK_WORD, COUNTERS, COUNTER_BASE, SCALAR_WORDS } from '../uvm/counters';
import { K } from '../uvm/kinds';
import { MAX_KIND, allKindNames, kindByName } from '../core/kinds';
import type { Run } from './run';

/** The timeline's rows, in display order: the UVM driver's story first, then the other subsystems. */
export const FAMILIES = ['fault', 'prefetch', 'copy', 'residency', 'map', 'evict', 'pmm', 'thrash', 'pagecache', 'gaia', 'mm', 'hmm', 'gdr', 'other'] as const;
export type Family = (typeof FAMILIES)[number];

const F = FAMILIES.length;
const fam = (f: Family): number => FAMILIES.indexOf(f);

/** The UVM driver's kinds by meaning (uvm/kinds.ts). */
const UVM: Partial<Record<keyof typeof K, Family>> = {
  gpuFault: 'fault',
  faultBatch: 'fault',
  replay: 'fault',
  cpuFault: 'fault',
  faultSkipped: 'fault',
  prefetchHint: 'prefetch',
  blockPrefetchInfo: 'prefetch',
  copy: 'copy',
  zero: 'copy',
  blockResident: 'residency',
  blockReadDuplicated: 'residency',
  blockCpuAllocated: 'residency',
  map: 'map',
  unmap: 'map',
  remoteMap: 'map',
  tlbInvalidate: 'map',
  blockMapped: 'map',
  blockPte: 'map',
  blockPageTables: 'map',
  pageTable: 'map',
  pageTableAlloc: 'map',
  evictChunk: 'evict',
  blockEvicted: 'evict',
  chunkState: 'pmm',
  chunkList: 'pmm',
  chunkOwner: 'pmm',
  pmmHeader: 'pmm',
  blockGpuChunk: 'pmm',
  cpuChunk: 'pmm',
  thrashingDetected: 'thrash',
  throttle: 'thrash',
  thrashPage: 'thrash',
  thrashTime: 'thrash',
  blockThrashSlot: 'thrash',
};

/**
 * The other parts' kinds by their number ranges (core/kinds.ts): [first, last, family]. The correlation prefetcher
 * counts as prefetching; the UVM device file (open, mmap, its vm_fault) as the process's mm.
 */
const RANGES: readonly (readonly [number, number, Family])[] = [
  [30, 37, 'pagecache'],
  [100, 119, 'pagecache'],
  [38, 43, 'mm'],
  [120, 134, 'mm'],
  [44, 49, 'hmm'],
  [135, 154, 'hmm'],
  [50, 53, 'gdr'],
  [155, 164, 'gdr'],
  [54, 57, 'gaia'],
  [165, 189, 'gaia'],
  [58, 60, 'prefetch'],
  [190, 199, 'prefetch'],
  [61, 63, 'mm'],
  [200, 219, 'mm'],
];

/** Family index of every kind number (0..MAX_KIND); `other` for the clock, counters, op starts, policies. */
export function familyTable(): Uint8Array {
  const table = new Uint8Array(MAX_KIND + 1).fill(fam('other'));
  for (const [a, b, f] of RANGES) for (let k = a; k <= b; k++) table[k] = fam(f);
  for (const [name, f] of Object.entries(UVM)) table[K[name as keyof typeof K]] = fam(f as Family);
  return table;
}

/** Family of every registered kind, by name. */
export function kindFamilies(): Record<string, Family> {
  const table = familyTable();
  const out: Record<string, Family> = {};
  for (const name of allKindNames()) out[name] = FAMILIES[table[kindByName(name)!]];
  return out;
}

/** Rows of the prefix table at most (one per `stride` steps). */
const PREFIX_ROWS = 32768;
/** Rows of the scalar sample table at most (one per `every` transitions). */
const SAMPLE_ROWS = 4096;
/** Never sample the scalars more often than this (small runs: the table stays tiny). */
const MIN_SAMPLE_EVERY = 64;

export interface OverviewCounts {
  fromStep: number;
  toStep: number;
  buckets: number;
  stepsPerBucket: number;
  /** FAMILIES.length × buckets, family-major. */
  counts: Uint32Array;
  /** Simulated time right after each bucket's last step. */
  timeNs: Float64Array;
}

export interface ScalarSeries {
  steps: Uint32Array;
  timeNs: Float64Array;
  /** One array per requested counter, one value per sample step. */
  values: Float64Array[];
}

export class TimelineIndex {
  readonly families = FAMILIES;
  private readonly family = familyTable();
  /** Steps per prefix row. */
  readonly stride: number;
  /** (rows + 1) × F counts of the transitions before step row·stride. */
  private readonly prefix: Uint32Array;
  /** The clock at each prefix row's cut. */
  private readonly prefixClock: Float64Array;
  /** Transitions per scalar sample. */
  readonly every: number;
  /** (samples + 1) × SCALAR_WORDS: the scalars heap with the first sample·every transitions applied. */
  private readonly samples: Float64Array;
  /** Transitions the index covers (the whole run). */
  readonly transitions: number;

  private readonly hScalars: number;

  constructor(private readonly run: Run) {
    const store = run.ctx.store;
    const steps = run.ctx.steps;
    const nSteps = run.stepCount;
    const total = run.transitionCount;
    this.transitions = total;
    this.hScalars = run.ctx.m.hScalars;

    this.stride = Math.max(1, Math.ceil(nSteps / PREFIX_ROWS));
    const rows = Math.ceil(nSteps / this.stride);
    this.prefix = new Uint32Array((rows + 1) * F);
    this.prefixClock = new Float64Array(rows + 1).fill(Number.NaN);
    this.every = Math.max(MIN_SAMPLE_EVERY, Math.ceil(total / SAMPLE_ROWS));
    const nSamples = Math.floor(total / this.every);
    this.samples = new Float64Array((nSamples + 1) * SCALAR_WORDS).fill(Number.NaN);

    // One pass over the log: family counts, cut at each row's first transition; the scalars as they change, copied
    // at each sample. A word's value before its first transition is that transition's `before` (or, for a word
    // never written, its value now: it never changed), filled in afterwards over the NaNs.
    const counts = new Uint32Array(F);
    const cur = new Float64Array(SCALAR_WORDS).fill(Number.NaN);
    const initial = new Float64Array(SCALAR_WORDS).fill(Number.NaN);
    const family = this.family;
    const hScalars = this.hScalars;
    let row = 0;
    let nextCut = rows > 0 ? steps.startOf(0) : total;
    let sample = 0;
    let nextSample = 0;
    for (let t = 0; t <= total; t++) {
      while (t === nextCut && row <= rows) {
        this.prefix.set(counts, row * F);
        this.prefixClock[row] = cur[CLOCK_WORD];
        row++;
        nextCut = row < rows ? steps.startOf(row * this.stride) : row === rows ? total : -1;
      }
      if (t === nextSample) {
        this.samples.set(cur, sample * SCALAR_WORDS);
        sample++;
        nextSample = sample <= nSamples ? sample * this.every : -1;
      }
      if (t === total) break;
      const kind = store.kindOf(t);
      counts[family[kind]]++;
      if (store.heapOf(t) === hScalars) {
        const w = store.indexOf(t);
        if (Number.isNaN(initial[w])) initial[w] = store.beforeOf(t);
        cur[w] = store.afterOf(t);
      }
    }
    const heap = store.f64(hScalars);
    for (let w = 0; w < SCALAR_WORDS; w++) if (Number.isNaN(initial[w])) initial[w] = heap[w];
    for (let i = 0; i < this.samples.length; i++) if (Number.isNaN(this.samples[i])) this.samples[i] = initial[i % SCALAR_WORDS];
    for (let i = 0; i < this.prefixClock.length; i++) if (Number.isNaN(this.prefixClock[i])) this.prefixClock[i] = initial[CLOCK_WORD];
  }

  /** Memory the index holds, in bytes. */
  bytes(): number {
    return this.prefix.byteLength + this.prefixClock.byteLength + this.samples.byteLength + this.family.byteLength;
  }

  /**
   * Transitions per family recorded before step `step` starts (`step` = stepCount: all of them), into out; returns
   * the clock at that point (the time right after step - 1).
   */
  private countsBefore(step: number, out: Float64Array): number {
    const run = this.run;
    const steps = run.ctx.steps;
    const store = run.ctx.store;
    const nSteps = run.stepCount;
    let row: number;
    let end: number;
    if (step >= nSteps) {
      row = Math.floor((nSteps - 1) / this.stride) + 1;
      end = run.transitionCount;
    } else {
      row = Math.floor(step / this.stride);
      end = steps.startOf(step);
    }
    for (let f = 0; f < F; f++) out[f] = this.prefix[row * F + f];
    const from = row * this.stride < nSteps ? steps.startOf(row * this.stride) : run.transitionCount;
    const family = this.family;
    const hScalars = this.hScalars;
    let clock = this.prefixClock[row];
    for (let t = from; t < end; t++) {
      const kind = store.kindOf(t);
      out[family[kind]]++;
      if (kind === K.clock && store.heapOf(t) === hScalars && store.indexOf(t) === CLOCK_WORD) clock = store.afterOf(t);
    }
    return clock;
  }

  /**
   * Transitions per family in `buckets` equal ranges of the steps [fromStep, toStep] (clamped to the run), and the
   * simulated time after each. Buckets hold `stepsPerBucket` whole steps (the last may hold fewer); when the range
   * has fewer steps than buckets, there is one bucket per step.
   */
  overview(fromStep: number, toStep: number, buckets: number): OverviewCounts {
    const last = this.run.stepCount - 1;
    const from = clampInt(fromStep, 0, last);
    const to = clampInt(toStep, from, last);
    const n = to - from + 1;
    const stepsPerBucket = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(buckets))));
    const b = Math.ceil(n / stepsPerBucket);
    const counts = new Uint32Array(F * b);
    const timeNs = new Float64Array(b);
    const before = new Float64Array(F);
    const after = new Float64Array(F);
    this.countsBefore(from, before);
    for (let i = 0; i < b; i++) {
      const endStep = Math.min(to, from + (i + 1) * stepsPerBucket - 1);
      timeNs[i] = this.countsBefore(endStep + 1, after);
      for (let f = 0; f < F; f++) counts[f * b + i] = after[f] - before[f];
      before.set(after);
    }
    return { fromStep: from, toStep: to, buckets: b, stepsPerBucket, counts, timeNs };
  }

  /**
   * The given scalar words right after each of `stepList` (ascending), from the sample table and a scan of at most
   * `every` transitions per step (consecutive steps in one sample's span share their scan).
   */
  scalarsAt(stepList: readonly number[], words: readonly number[]): Float64Array[] {
    const out = words.map(() => new Float64Array(stepList.length));
    const store = this.run.ctx.store;
    const steps = this.run.ctx.steps;
    const hScalars = this.hScalars;
    const vec = new Float64Array(SCALAR_WORDS);
    let pos = -1; // transitions applied to vec; -1: nothing loaded
    for (let i = 0; i < stepList.length; i++) {
      const target = steps.endOf(stepList[i]);
      const k = Math.floor(target / this.every);
      if (pos < 0 || pos > target || pos < k * this.every) {
        vec.set(this.samples.subarray(k * SCALAR_WORDS, (k + 1) * SCALAR_WORDS));
        pos = k * this.every;
      }
      for (let t = pos; t < target; t++) if (store.heapOf(t) === hScalars) vec[store.indexOf(t)] = store.afterOf(t);
      pos = target;
      for (let j = 0; j < words.length; j++) out[j][i] = vec[words[j]];
    }
    return out;
  }

  /**
   * Counters (by CUPTI name) and the clock at `points` steps evenly spaced over [fromStep, toStep], both ends
   * included (every step when the range is shorter). The last sample is the state right after `toStep`.
   */
  series(fromStep: number, toStep: number, points: number, counters: readonly string[]): ScalarSeries {
    const last = this.run.stepCount - 1;
    const from = clampInt(fromStep, 0, last);
    const to = clampInt(toStep, from, last);
    const n = to - from + 1;
    const p = Math.max(1, Math.min(n, Math.floor(points)));
    const stepList: number[] = [];
    if (p === 1) stepList.push(to);
    else for (let i = 0; i < p; i++) stepList.push(from + Math.round((i * (n - 1)) / (p - 1)));
    const words = [CLOCK_WORD, ...counters.map((c) => counterWordOf(c))];
    const [timeNs, ...values] = this.scalarsAt(stepList, words);
    return { steps: Uint32Array.from(stepList), timeNs, values };
  }
}

function counterWordOf(name: string): number {
  const i = (COUNTERS as readonly string[]).indexOf(name);
  if (i < 0) throw new RangeError(`unknown counter ${JSON.stringify(name)}; counters are ${COUNTERS.join(', ')}`);
  return COUNTER_BASE + i;
}

function clampInt(v: number, lo: number, hi: number): number {
  const x = Number.isFinite(v) ? Math.floor(v) : lo;
  return Math.max(lo, Math.min(hi, x));
}
