/**
 * The run through time: transition windows, the overview (transitions per kind family over ranges of steps), counter
 * series, and the breakpoint vocabulary. The overview and the series read a per-run index (engine/run/views-timeline)
 * built on the first request after a load and kept beside the run: a million-step run is scanned once, not per
 * request, and neither the cursor nor the model's heaps move.
 */
import type { TimelineQuery } from '../../protocol';
import { TIMELINE_FAMILIES } from '../../protocol';
import type { Run } from '../../engine/run/run';
import { FAMILIES, TimelineIndex, kindFamilies } from '../../engine/run/views-timeline';
import { BLOCK_FIELD_NAMES, heapNames } from '../../engine/run/breakpoints';
import { LINE_FIELDS, conditionFields, kindNames, watchFields } from '../../engine/run/bp-fields';
import type { ViewHandlers } from './index';
import { transitionInfo } from '../transition-info';

/** At most this many buckets or points per answer (a wide screen's pixels, twice). */
const MAX_BUCKETS = 8192;

interface RunTimeline {
  index: TimelineIndex;
  totals: number[];
  kindFamilies: Record<string, string>;
}

const indexes = new WeakMap<Run, RunTimeline>();

/** The run's timeline index, built once per run (the first overview or series after a load). */
export function timelineOf(run: Run): RunTimeline {
  let entry = indexes.get(run);
  if (!entry) {
    const index = new TimelineIndex(run);
    const all = index.overview(0, run.stepCount - 1, 1);
    entry = { index, totals: Array.from(all.counts), kindFamilies: kindFamilies() };
    indexes.set(run, entry);
  }
  return entry;
}

if (FAMILIES.join() !== TIMELINE_FAMILIES.join()) throw new Error('the engine and the protocol disagree on the timeline families');

const count = (v: unknown, what: string, max: number): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) throw new RangeError(`${what} must be a positive number, not ${JSON.stringify(v)}`);
  return Math.min(max, Math.floor(v));
};
const stepOr = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export const timelineViews: ViewHandlers<TimelineQuery> = {
  window: (run, q) => {
    const w = run.window(q.fromStep, q.toStep, Math.max(0, Math.min(5000, q.limit)));
    return { view: 'window', fromStep: q.fromStep, toStep: q.toStep, transitions: w.transitions.map((t) => transitionInfo(run, t.index)), total: w.total, byKind: w.byKind };
  },
  overview: (run, q) => {
    const tl = timelineOf(run);
    const o = tl.index.overview(stepOr(q.fromStep, 0), stepOr(q.toStep, run.stepCount - 1), count(q.buckets, 'buckets', MAX_BUCKETS));
    return {
      view: 'overview',
      fromStep: o.fromStep,
      toStep: o.toStep,
      buckets: o.buckets,
      stepsPerBucket: o.stepsPerBucket,
      families: FAMILIES,
      counts: o.counts,
      timeNs: o.timeNs,
      runTotals: tl.totals,
      kindFamilies: tl.kindFamilies,
    };
  },
  series: (run, q) => {
    if (!Array.isArray(q.counters) || !q.counters.every((c) => typeof c === 'string')) throw new TypeError('counters must be a list of counter names');
    const s = timelineOf(run).index.series(stepOr(q.fromStep, 0), stepOr(q.toStep, run.stepCount - 1), count(q.points, 'points', MAX_BUCKETS), q.counters);
    const counters: Record<string, Float64Array> = {};
    q.counters.forEach((name, i) => (counters[name] = s.values[i]));
    return { view: 'series', steps: s.steps, timeNs: s.timeNs, counters };
  },
  breakpointFields: (run) => {
    const byKind: Record<string, readonly string[]> = { '*': conditionFields('*') };
    for (const k of kindNames()) byKind[k] = conditionFields(k);
    return { view: 'breakpointFields', byKind, line: [...LINE_FIELDS], watch: watchFields(), blockFields: [...BLOCK_FIELD_NAMES], heaps: heapNames(run) };
  },
};
