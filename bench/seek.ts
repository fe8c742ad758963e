/**
 * Seek: build a long run (≥ 1 million steps in the full bench), then time Run.seek() to random steps drawn from a
 * seeded generator (the scenario format's splitmix32), one seek after the other, as a user scrubbing the timeline
 * would. A few digests taken before the timed seeks are compared after them, so a fast but wrong seek shows up.
 */
import { execute } from '../src/engine/run/execute.js';
import type { Run } from '../src/engine/run/run.js';
import { splitmix32, uniformBelow } from '../src/engine/scenario/index.js';
import { fullGc } from './gc.js';
import { progress } from './log.js';
import { opLabels, parseOrThrow, seekYaml, sizeText } from './scenarios.js';
import type { BenchSizes } from './sizes.js';
import { max, mean, median, percentile, timed } from './stats.js';
import { runMemory, type RunMemory } from './throughput.js';

const SEEK_SEED = 0x5eec;
const WARMUP_SEED = 0xbee5;
const CHECK_SEED = 0xc0de;
/** Ops of the seek scenario (scenarios.ts SEEK_CYCLE), and the most it is lengthened to when that is too short. */
const SEEK_OPS = 5;
const SEEK_MAX_OPS = 40;

export interface SeekResult {
  regionBytes: number;
  /** Ops of the seek scenario. */
  ops: number;
  steps: number;
  transitions: number;
  buildMs: number;
  opMs: Record<string, number>;
  seeks: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Digests at a few steps (and at the last step) were the same before and after the timed seeks. */
  consistent: boolean;
  memory: RunMemory;
}

export function measureSeek(sizes: BenchSizes): SeekResult {
  const regionBytes = sizes.seekRegionBytes;
  let ops = SEEK_OPS;
  for (;;) {
    const built = build(regionBytes, ops);
    const steps = built.run.stepCount;
    // should the engine ever record fewer steps per page, lengthen the scenario rather than seek in a short run
    if (steps >= sizes.seekMinSteps || ops >= SEEK_MAX_OPS) return seekIn(sizes, built);
    ops = Math.min(SEEK_MAX_OPS, Math.ceil((ops * sizes.seekMinSteps * 1.1) / Math.max(steps, 1)));
    progress(`  only ${steps} steps: rebuilding with ${ops} ops`);
  }
}

interface Built {
  regionBytes: number;
  run: Run;
  buildMs: number;
  opMs: Record<string, number>;
}

function build(regionBytes: number, ops: number): Built {
  const scenario = parseOrThrow(seekYaml(regionBytes, ops), 'bench-seek.yaml');
  const labels = opLabels(scenario);
  progress(`seek: building the seek run (${sizeText(regionBytes)} region, ${scenario.steps.length} ops)…`);
  fullGc();
  const opMs: Record<string, number> = {};
  let last = performance.now();
  const { ms: buildMs, value: run } = timed(() =>
    execute(scenario, {
      onProgress: (done) => {
        const now = performance.now();
        opMs[labels[done - 1]] = now - last;
        last = now;
      },
    }),
  );
  progress(`  ${run.stepCount} steps, ${run.transitionCount} transitions in ${buildMs.toFixed(0)} ms`);
  return { regionBytes, run, buildMs, opMs };
}

function seekIn(sizes: BenchSizes, { regionBytes, run, buildMs, opMs }: Built): SeekResult {
  const steps = run.stepCount;
  if (steps < sizes.seekMinSteps) progress(`WARNING: the seek run has ${steps} steps, fewer than the ${sizes.seekMinSteps} asked for`);

  // digests before any seek: the last step (where execute() leaves the cursor) and a few random ones
  const checkNext = splitmix32(CHECK_SEED);
  const checkSteps = [steps - 1, ...Array.from({ length: sizes.digestChecks }, () => uniformBelow(checkNext, steps))];
  const before = checkSteps.map((s) => {
    run.seek(s);
    return run.digest();
  });

  const warm = splitmix32(WARMUP_SEED);
  for (let i = 0; i < sizes.warmupSeeks; i++) run.seek(uniformBelow(warm, steps));

  fullGc();
  const next = splitmix32(SEEK_SEED);
  const targets = Array.from({ length: sizes.seeks }, () => uniformBelow(next, steps));
  const times: number[] = [];
  for (const s of targets) {
    const t0 = performance.now();
    run.seek(s);
    times.push(performance.now() - t0);
  }

  const after = checkSteps.map((s) => {
    run.seek(s);
    return run.digest();
  });
  const consistent = before.every((d, i) => d === after[i]);
  if (!consistent) progress(`WARNING: digests differ after seeking: before ${before.join(',')} after ${after.join(',')}`);

  const result: SeekResult = {
    regionBytes,
    ops: run.scenario.steps.length,
    steps,
    transitions: run.transitionCount,
    buildMs,
    opMs,
    seeks: times.length,
    medianMs: median(times),
    p99Ms: percentile(times, 99),
    maxMs: max(times),
    meanMs: mean(times),
    consistent,
    memory: runMemory(run),
  };
  progress(`  ${times.length} seeks: median ${result.medianMs.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms, max ${result.maxMs.toFixed(3)} ms`);
  return result;
}
