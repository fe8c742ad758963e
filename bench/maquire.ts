/**
 * Page-cache figure: GAIA's `maquire` over a file with a quarter of its pages CPU-dirty (scenarios.ts maquireYaml),
 * in pages of the maquire range processed per second of wall time of the `gaia.maquire` op alone. The ops before it
 * (mmap, gmmap touching every page, a kernel reading the file, the CPU writes) only build the state and are not
 * part of the figure; their times are reported next to it. execute() calls onProgress after each op: the clock
 * starts when the op before maquire is done (after a full GC there, so the earlier ops' garbage is not collected
 * inside the maquire timing) and stops when maquire is done. The op's time so includes what the executor does
 * around it (its opBegin event, the step table, a checkpoint when one falls due).
 *
 * `--profile=maquire` profiles that op alone (the profiler is started and stopped from the same callback: node's
 * in-thread inspector session answers synchronously).
 */
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { execute } from '../src/engine/run/execute.js';
import type { Run } from '../src/engine/run/run.js';
import type { Scenario } from '../src/engine/scenario/index.js';
import { GK } from '../src/engine/gaia/kinds.js';
import { fullGc } from './gc.js';
import { progress } from './log.js';
import { SAMPLING_INTERVAL_US, summarise, type CpuProfile, type ProfileResult } from './profile.js';
import { MAQUIRE_OP_INDEX, maquireYaml, opLabels, PAGE, parseOrThrow, sizeText } from './scenarios.js';
import type { BenchSizes } from './sizes.js';
import { median } from './stats.js';

/** Pages of the file in one GPU page of the page cache (64 KiB). */
const GPU_GROUP_PAGES = 16;

export interface MaquireResult {
  fileBytes: number;
  /** Pages of the maquire range (the whole file). */
  pages: number;
  runs: number;
  /** Fewer runs than sizes.maquireRuns: the last warm-up run said they would not fit in sizes.maquireBudgetMs. */
  runsReduced: boolean;
  /** The last warm-up run's whole execute(), ms. */
  warmupExecuteMs: number;
  maquireMs: number[];
  maquireMedianMs: number;
  /** Process CPU time (user + system, GC threads included) of the maquire op. */
  maquireCpuMs: number[];
  /** pages ÷ median maquire wall time. */
  pagesPerS: number;
  pagesPerCpuS: number;
  /** CPU-dirty indices maquire visited (GPU page dropped + no GPU page), from its maquireDone event. */
  dirtyPages: number;
  /** Distinct pages the cpu.write touched: what dirtyPages should be. */
  expectedDirtyPages: number;
  dirtyPagesPerS: number;
  /** GPU pages (64 KiB) in the page cache before maquire, and how many it dropped (counter maquire_invalidated). */
  gpuPagesBefore: number;
  gpuPagesDropped: number;
  /** Dirty indices whose group's GPU page was already gone (dropped by an earlier index of the same group). */
  dirtyWithoutGpuPage: number;
  /** Transitions and steps recorded by the maquire op. */
  transitions: number;
  steps: number;
  executeMs: number[];
  executeMedianMs: number;
  /** Median time of each op over the timed runs (the maquire op's is maquireMedianMs). */
  opMedianMs: Record<string, number>;
}

interface TimedRun {
  executeMs: number;
  opMs: number[];
  maquireMs: number;
  maquireCpuMs: number;
  run: Run;
}

/** One execute() of the scenario; `around` is called just after the maquire clock starts and just after it stops. */
function runTimed(scenario: Scenario, around?: { start(): void; stop(): void }): TimedRun {
  const opMs: number[] = [];
  let maquireMs = NaN;
  let maquireCpuMs = NaN;
  let cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let last = t0;
  const run = execute(scenario, {
    onProgress: (done) => {
      const now = performance.now();
      opMs.push(now - last);
      if (done === MAQUIRE_OP_INDEX) {
        // the op before maquire is done: collect the earlier ops' garbage, then start the clock
        fullGc();
        around?.start();
        cpu0 = process.cpuUsage();
        last = performance.now();
        return;
      }
      if (done === MAQUIRE_OP_INDEX + 1) {
        const cpu = process.cpuUsage(cpu0);
        maquireMs = now - last;
        maquireCpuMs = (cpu.user + cpu.system) / 1000;
        around?.stop();
      }
      last = performance.now();
    },
  });
  const executeMs = performance.now() - t0;
  if (!Number.isFinite(maquireMs)) throw new Error(`op ${MAQUIRE_OP_INDEX} of the maquire scenario was not reached`);
  return { executeMs, opMs, maquireMs, maquireCpuMs, run };
}

interface MaquireFacts {
  dropped: number;
  missing: number;
  gpuPagesAfter: number;
  invalidated: number;
  transitions: number;
  steps: number;
}

/** What the maquire op did, read from the run: its maquireDone event, the counters at the end, its steps. */
function factsOf(run: Run): MaquireFacts {
  const store = run.ctx.store;
  let done = -1;
  for (let t = run.transitionCount - 1; t >= 0; t--) {
    if (store.kindOf(t) === GK.maquireDone) {
      done = t;
      break;
    }
  }
  if (done < 0) throw new Error('the maquire op recorded no maquireDone event');
  // first step of the maquire op (ops are in order along the steps)
  let lo = 0;
  let hi = run.stepCount - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (run.opOf(mid) < MAQUIRE_OP_INDEX) lo = mid + 1;
    else hi = mid;
  }
  const counters = run.counters();
  return {
    dropped: store.indexOf(done),
    missing: store.beforeOf(done),
    gpuPagesAfter: counters.page_cache_gpu_pages,
    invalidated: counters.maquire_invalidated,
    transitions: run.transitionCount - run.transitionRange(lo)[0],
    steps: run.stepCount - lo,
  };
}

function expectedDirty(scenario: Scenario): number {
  const op = scenario.steps[MAQUIRE_OP_INDEX - 1];
  if (op.op !== 'cpu.write') throw new Error(`op ${MAQUIRE_OP_INDEX - 1} of the maquire scenario is ${op.op}, not cpu.write`);
  return new Set(op.access.pages).size;
}

function load(sizes: BenchSizes): Scenario {
  const scenario = parseOrThrow(maquireYaml(sizes.maquireFileBytes), 'bench-maquire.yaml');
  const op = scenario.steps[MAQUIRE_OP_INDEX];
  if (op.op !== 'gaia.maquire') throw new Error(`op ${MAQUIRE_OP_INDEX} of the maquire scenario is ${op.op}, not gaia.maquire`);
  return scenario;
}

export function measureMaquire(sizes: BenchSizes): MaquireResult {
  const fileBytes = sizes.maquireFileBytes;
  const pages = fileBytes / PAGE;
  const scenario = load(sizes);
  const labels = opLabels(scenario);
  const expectedDirtyPages = expectedDirty(scenario);

  progress(`maquire: ${sizeText(fileBytes)} file, ${pages} pages, ${expectedDirtyPages} CPU-dirty; ${sizes.maquireWarmupRuns} warm-up run(s)…`);
  let warmupExecuteMs = 0;
  let facts: MaquireFacts | null = null;
  for (let w = 0; w < Math.max(1, sizes.maquireWarmupRuns); w++) {
    fullGc();
    const warm = runTimed(scenario);
    warmupExecuteMs = warm.executeMs;
    facts ??= factsOf(warm.run);
  }
  if (!facts) throw new Error('no warm-up run');
  let runs = sizes.maquireRuns;
  const runsReduced = warmupExecuteMs * runs > sizes.maquireBudgetMs && sizes.maquireRunsOverBudget < runs;
  if (runsReduced) {
    runs = sizes.maquireRunsOverBudget;
    progress(`  one run takes ${(warmupExecuteMs / 1000).toFixed(1)} s: median of ${runs} runs, not ${sizes.maquireRuns}`);
  }

  const maquireMs: number[] = [];
  const maquireCpuMs: number[] = [];
  const executeMs: number[] = [];
  const opMs: number[][] = labels.map(() => []);
  for (let r = 0; r < runs; r++) {
    fullGc();
    const e = runTimed(scenario);
    const f = factsOf(e.run);
    if (f.dropped !== facts.dropped || f.missing !== facts.missing || f.transitions !== facts.transitions)
      throw new Error(`maquire did different work between runs: ${JSON.stringify(f)} vs ${JSON.stringify(facts)}`);
    maquireMs.push(e.maquireMs);
    maquireCpuMs.push(e.maquireCpuMs);
    executeMs.push(e.executeMs);
    e.opMs.forEach((ms, i) => opMs[i].push(ms));
    progress(`  run ${r + 1}/${runs}: maquire ${e.maquireMs.toFixed(0)} ms wall, ${e.maquireCpuMs.toFixed(0)} ms CPU; execute() ${e.executeMs.toFixed(0)} ms (${e.opMs.map((ms) => ms.toFixed(0)).join(' + ')})`);
  }
  fullGc();

  const dirtyPages = facts.dropped + facts.missing;
  if (dirtyPages !== expectedDirtyPages) progress(`WARNING: maquire visited ${dirtyPages} CPU-dirty pages, the cpu.write dirtied ${expectedDirtyPages}`);
  const gpuPagesBefore = facts.gpuPagesAfter + facts.dropped;
  if (gpuPagesBefore !== pages / GPU_GROUP_PAGES) progress(`WARNING: ${gpuPagesBefore} GPU pages in the page cache before maquire, expected ${pages / GPU_GROUP_PAGES}`);
  if (facts.invalidated !== facts.dropped) progress(`WARNING: counter maquire_invalidated ${facts.invalidated}, maquireDone says ${facts.dropped} dropped`);

  const maquireMedianMs = median(maquireMs);
  const opMedianMs: Record<string, number> = {};
  labels.forEach((l, i) => (opMedianMs[l] = median(opMs[i])));
  return {
    fileBytes,
    pages,
    runs,
    runsReduced,
    warmupExecuteMs,
    maquireMs,
    maquireMedianMs,
    maquireCpuMs,
    pagesPerS: pages / (maquireMedianMs / 1000),
    pagesPerCpuS: pages / (median(maquireCpuMs) / 1000),
    dirtyPages,
    expectedDirtyPages,
    dirtyPagesPerS: dirtyPages / (maquireMedianMs / 1000),
    gpuPagesBefore,
    gpuPagesDropped: facts.dropped,
    dirtyWithoutGpuPage: facts.missing,
    transitions: facts.transitions,
    steps: facts.steps,
    executeMs,
    executeMedianMs: median(executeMs),
    opMedianMs,
  };
}

/** `--profile=maquire`: one warm-up execute(), then one more with the sampling profiler on during the maquire op only. */
export function profileMaquire(sizes: BenchSizes, n = 15): ProfileResult {
  const scenario = load(sizes);
  progress(`profile: the maquire op of a ${sizeText(sizes.maquireFileBytes)} maquire run (one warm-up run first)…`);
  runTimed(scenario);
  fullGc();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): unknown => {
    // the in-thread session answers before post() returns
    const answer: { done: boolean; error: Error | null; result: unknown } = { done: false, error: null, result: null };
    session.post(method, params, (error: Error | null, result?: unknown) => Object.assign(answer, { done: true, error, result }));
    if (!answer.done) throw new Error(`inspector did not answer ${method} synchronously`);
    if (answer.error) throw answer.error;
    return answer.result;
  };
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  const got: { profile: CpuProfile | null } = { profile: null };
  const e = runTimed(scenario, {
    start: () => post('Profiler.start'),
    stop: () => (got.profile = (post('Profiler.stop') as { profile: CpuProfile }).profile),
  });
  session.disconnect();
  const profile = got.profile;
  if (!profile) throw new Error('no profile');
  const file = join(tmpdir(), `uvmscope-bench-maquire-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return {
    what: `the maquire op of one ${sizeText(sizes.maquireFileBytes)} maquire run`,
    regionBytes: sizes.maquireFileBytes,
    executeMs: e.maquireMs,
    ...summarise(profile, n),
    file,
  };
}
