/**
 * The run through time: a window of transitions, an overview of the whole run for the
 * timeline's density strip, and counters sampled over the run for the small charts.
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

/** The whole run split into `buckets` equal ranges of steps. */
export interface OverviewResult {
  readonly view: 'overview';
  readonly buckets: number;
  readonly stepsPerBucket: number;
  /** Kind families shown as rows (`fault`, `copy`, `map`, `evict`, `pagecache`, `hmm`, `gdr`, `other`). */
  readonly families: readonly string[];
  /** families × buckets transition counts, family-major. */
  readonly counts: Uint32Array;
  /** Simulated time at the end of each bucket. */
  readonly timeNs: Float64Array;
}

/** Counters sampled at `points` evenly spaced steps, up to the cursor or the whole run. */
export interface SeriesResult {
  readonly view: 'series';
  readonly steps: Uint32Array;
  readonly timeNs: Float64Array;
  /** Counter name → one value per sample. */
  readonly counters: Readonly<Record<string, Float64Array>>;
}

export type TimelineQuery =
  | { readonly view: 'window'; readonly fromStep: number; readonly toStep: number; readonly limit: number }
  | { readonly view: 'overview'; readonly buckets: number }
  | { readonly view: 'series'; readonly points: number; readonly counters: readonly string[] };

export type TimelineResult = WindowResult | OverviewResult | SeriesResult;
