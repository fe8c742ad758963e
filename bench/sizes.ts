/** Sizes and repetition counts of a full run and of a `--quick` smoke run. */
import { GiB, MiB } from './scenarios.js';

export interface BenchSizes {
  /** Region of the page-event run (throughput, bytes per transition, peak memory). */
  eventRegionBytes: number;
  /** Timed execute() runs of the page-event scenario, after one warm-up run. */
  engineRuns: number;
  /** Timed bare-loop runs done next to each engine run (and as many again as warm-up). */
  bareRunsPerEngineRun: number;
  /** Region of the seek run. */
  seekRegionBytes: number;
  /** Steps the seek run must reach (the bench says so when it does not). */
  seekMinSteps: number;
  seeks: number;
  warmupSeeks: number;
  /** Steps whose digest is taken before and after the timed seeks (consistency check). */
  digestChecks: number;
  /** File of the maquire run (a quarter of its pages CPU-dirty, maquire over all of it). */
  maquireFileBytes: number;
  /** Untimed maquire runs first (the op runs once per execute(): a small file needs a few before its code is warm). */
  maquireWarmupRuns: number;
  /** Timed maquire runs (each a whole execute(), of which only the maquire op is timed), after the warm-up runs. */
  maquireRuns: number;
  /** Fewer timed maquire runs when the last warm-up run says `maquireRuns` would take longer than this (ms). */
  maquireBudgetMs: number;
  /** Timed maquire runs when over that budget. */
  maquireRunsOverBudget: number;
}

export const FULL: BenchSizes = {
  eventRegionBytes: 4 * GiB,
  engineRuns: 5,
  bareRunsPerEngineRun: 5,
  seekRegionBytes: 4 * GiB,
  seekMinSteps: 1_000_000,
  seeks: 1000,
  warmupSeeks: 20,
  digestChecks: 3,
  maquireFileBytes: 1 * GiB,
  maquireWarmupRuns: 1,
  maquireRuns: 5,
  maquireBudgetMs: 60_000,
  maquireRunsOverBudget: 3,
};

export const QUICK: BenchSizes = {
  eventRegionBytes: 256 * MiB,
  engineRuns: 3,
  bareRunsPerEngineRun: 5,
  seekRegionBytes: 256 * MiB,
  seekMinSteps: 50_000,
  seeks: 1000,
  warmupSeeks: 20,
  digestChecks: 3,
  maquireFileBytes: 64 * MiB,
  maquireWarmupRuns: 3,
  maquireRuns: 5,
  maquireBudgetMs: 10_000,
  maquireRunsOverBudget: 3,
};
