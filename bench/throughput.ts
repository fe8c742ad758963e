/**
 * Page events per second: execute() of the page-event scenario (whole trace recorded) against the bare loop, measured
 * side by side: each timed engine run is preceded by a few bare-loop runs, so both see the same machine noise.
 * Also takes the bytes-per-transition figures from the last engine run.
 */
import { execute } from '../src/engine/run/execute.js';
import type { Run } from '../src/engine/run/run.js';
import { BareLoop } from './baseline.js';
import { fullGc } from './gc.js';
import { progress } from './log.js';
import { opLabels, PAGE, pageEventsYaml, parseOrThrow, sizeText } from './scenarios.js';
import type { BenchSizes } from './sizes.js';
import { median, timed } from './stats.js';

export interface ThroughputResult {
  regionBytes: number;
  pages: number;
  /** run.pageEvents of the engine run (expected 2 × pages). */
  pageEvents: number;
  engineMs: number[];
  engineMedianMs: number;
  engineEventsPerS: number;
  /** Process CPU time (user + system, all threads: GC helpers included) of each engine run: less sensitive than wall
   * time to other processes sharing the machine. */
  engineCpuMs: number[];
  engineEventsPerCpuS: number;
  /** Median time of each scenario op over the timed runs, from execute()'s progress callback. */
  opMedianMs: Record<string, number>;
  bareMs: number[];
  bareMedianMs: number;
  bareEventsPerS: number;
  /** bare events/s ÷ engine events/s: how many times slower than the floor the engine is. */
  ratio: number;
  memory: RunMemory;
}

export interface RunMemory {
  steps: number;
  transitions: number;
  memoryBytes: number;
  bytesPerTransition: number;
  /** Transition log columns (28 B a transition, rounded up to 64 Ki-record chunks). */
  logBytes: number;
  checkpointBytes: number;
  checkpoints: number;
  /** Step table (17 B a step, chunked). */
  stepBytes: number;
  /** Live model state (all heaps): what one checkpoint copies. */
  stateBytes: number;
}

export function runMemory(run: Run): RunMemory {
  const store = run.ctx.store;
  let checkpointBytes = 0;
  for (const c of store.checkpoints) for (const h of c.heaps) if (h) checkpointBytes += h.byteLength;
  const stepBytes = run.ctx.steps.bytes();
  const memoryBytes = run.memoryBytes();
  return {
    steps: run.stepCount,
    transitions: run.transitionCount,
    memoryBytes,
    bytesPerTransition: memoryBytes / run.transitionCount,
    logBytes: store.memoryBytes() - checkpointBytes,
    checkpointBytes,
    checkpoints: store.checkpoints.length,
    stepBytes,
    stateBytes: store.stateBytes(),
  };
}

export function measureThroughput(sizes: BenchSizes): ThroughputResult {
  const regionBytes = sizes.eventRegionBytes;
  const pages = regionBytes / PAGE;
  const scenario = parseOrThrow(pageEventsYaml(regionBytes), 'bench-page-events.yaml');
  const labels = opLabels(scenario);
  const bare = new BareLoop(pages, 2);

  const runEngine = (): { ms: number; cpuMs: number; opMs: number[]; run: Run } => {
    const opMs: number[] = [];
    const cpu0 = process.cpuUsage();
    let last = performance.now();
    const t0 = last;
    const run = execute(scenario, {
      onProgress: () => {
        const now = performance.now();
        opMs.push(now - last);
        last = now;
      },
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, opMs, run };
  };

  progress(`page events: ${sizeText(regionBytes)} region, ${pages} pages × 2 passes; warm-up…`);
  for (let i = 0; i < sizes.bareRunsPerEngineRun * 2; i++) bare.run();
  let warm: Run | null = runEngine().run;
  const pageEvents = warm.pageEvents;
  if (pageEvents !== 2 * pages) progress(`WARNING: run.pageEvents is ${pageEvents}, expected ${2 * pages}`);
  warm = null;

  const engineMs: number[] = [];
  const engineCpuMs: number[] = [];
  const bareMs: number[] = [];
  const opMs: number[][] = labels.map(() => []);
  let memory: RunMemory | null = null;
  for (let r = 0; r < sizes.engineRuns; r++) {
    fullGc();
    for (let i = 0; i < sizes.bareRunsPerEngineRun; i++) bareMs.push(timed(() => bare.run()).ms);
    fullGc();
    const e = runEngine();
    engineMs.push(e.ms);
    engineCpuMs.push(e.cpuMs);
    e.opMs.forEach((ms, i) => opMs[i].push(ms));
    if (e.run.pageEvents !== pageEvents) throw new Error(`page events changed between runs: ${e.run.pageEvents} vs ${pageEvents}`);
    if (r === sizes.engineRuns - 1) memory = runMemory(e.run);
    progress(`  run ${r + 1}/${sizes.engineRuns}: engine ${e.ms.toFixed(0)} ms wall, ${e.cpuMs.toFixed(0)} ms CPU (${e.opMs.map((ms) => ms.toFixed(0)).join(' + ')}), bare loop ${median(bareMs.slice(-sizes.bareRunsPerEngineRun)).toFixed(2)} ms`);
  }
  fullGc();
  if (bare.sink === 0.5) progress('(unreachable: keeps the bare loop observable)');

  const engineMedianMs = median(engineMs);
  const bareMedianMs = median(bareMs);
  const engineEventsPerS = pageEvents / (engineMedianMs / 1000);
  const bareEventsPerS = (2 * pages) / (bareMedianMs / 1000);
  const opMedianMs: Record<string, number> = {};
  labels.forEach((l, i) => (opMedianMs[l] = median(opMs[i])));
  return {
    regionBytes,
    pages,
    pageEvents,
    engineMs,
    engineMedianMs,
    engineEventsPerS,
    engineCpuMs,
    engineEventsPerCpuS: pageEvents / (median(engineCpuMs) / 1000),
    opMedianMs,
    bareMs,
    bareMedianMs,
    bareEventsPerS,
    ratio: bareEventsPerS / engineEventsPerS,
    memory: memory!,
  };
}
