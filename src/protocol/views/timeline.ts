/**
 * The run through time: a window of transitions, an overview of the whole run (or of any range of it) for the
 * timeline's density strip, counters sampled over the run for the small charts, and the words a breakpoint may use
 * (for the breakpoint box's completion).
 */
import type { TransitionInfo } from '../index';

export interface WindowResult {
  readonly view: 'window';
  readonly fromStep: number;
  readonly toStep: number;
  /** At most `limit` transitions, in order. */
  readonly transitions: readonly TransitionInfo[];
  /** All transitions in the window, and how many of each kind. */
  readonly total: number;
  readonly byKind: Readonly<Record<string, number>>;
}

/**
 * Families of transition kinds, the timeline's rows, in display order: faults, prefetching, copies (and zeroing),
 * residency, mappings (PTEs, page tables, TLB), evictions, PMM chunks, thrashing, the page cache, GAIA, the CPU's mm,
 * HMM, gdrcopy, and the rest (clock, counters, op starts, policies).
 */
export const TIMELINE_FAMILIES = ['fault', 'prefetch', 'copy', 'residency', 'map', 'evict', 'pmm', 'thrash', 'pagecache', 'gaia', 'mm', 'hmm', 'gdr', 'other'] as const;
export type TimelineFamily = (typeof TIMELINE_FAMILIES)[number];

/** The steps [fromStep, toStep] (the whole run unless the query narrows it) split into `buckets` ranges of steps. */
export interface OverviewResult {
  readonly view: 'overview';
  readonly fromStep: number;
  readonly toStep: number;
  /** How many buckets there are (at most the number asked for; one per step when the range is shorter). */
  readonly buckets: number;
  /** Whole steps per bucket; bucket i covers fromStep + i·stepsPerBucket onwards (the last may be shorter). */
  readonly stepsPerBucket: number;
  /** Kind families shown as rows (TIMELINE_FAMILIES). */
  readonly families: readonly string[];
  /** families × buckets transition counts, family-major. */
  readonly counts: Uint32Array;
  /** Simulated time at the end of each bucket. */
  readonly timeNs: Float64Array;
  /** Transitions per family in the whole run (which rows a run has at all). */
  readonly runTotals: readonly number[];
  /** The family of every transition kind, by name. */
  readonly kindFamilies: Readonly<Record<string, string>>;
}

/** Counters sampled at `points` evenly spaced steps of [fromStep, toStep] (default: the whole run), both ends included. */
export interface SeriesResult {
  readonly view: 'series';
  readonly steps: Uint32Array;
  readonly timeNs: Float64Array;
  /** Counter name → one value per sample. */
  readonly counters: Readonly<Record<string, Float64Array>>;
}

/** What a breakpoint spec may name: for completion in the breakpoint box. */
export interface BreakpointFieldsResult {
  readonly view: 'breakpointFields';
  /** Condition fields per transition kind (`*`: any kind). */
  readonly byKind: Readonly<Record<string, readonly string[]>>;
  /** Fields of a `line` breakpoint's condition. */
  readonly line: readonly string[];
  /** Fields of a `watch` breakpoint's condition. */
  readonly watch: readonly string[];
  /** Fields of a va_block record (`watch block <n> <field>`). */
  readonly blockFields: readonly string[];
  /** Heaps of this run (`watch heap <name>`). */
  readonly heaps: readonly string[];
}

export type TimelineQuery =
  | { readonly view: 'window'; readonly fromStep: number; readonly toStep: number; readonly limit: number }
  | { readonly view: 'overview'; readonly buckets: number; readonly fromStep?: number; readonly toStep?: number }
  | { readonly view: 'series'; readonly points: number; readonly counters: readonly string[]; readonly fromStep?: number; readonly toStep?: number }
  | { readonly view: 'breakpointFields' };

export type TimelineResult = WindowResult | OverviewResult | SeriesResult | BreakpointFieldsResult;
