/**
 * Peak memory of the page-event run, measured in a fresh child process that does nothing else (the parent's own
 * repeated runs and seek run would otherwise set the peak). The child parses, executes once, keeps the Run alive,
 * and reports its RSS peak (VmHWM, KiB) and heap figures over IPC.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute } from '../src/engine/run/execute.js';
import { fullGc } from './gc.js';
import { progress } from './log.js';
import { pageEventsYaml, parseOrThrow, sizeText } from './scenarios.js';
import type { BenchSizes } from './sizes.js';
import { MiB } from './stats.js';

export interface MemoryResult {
  regionBytes: number;
  /** Process RSS peak over the child's whole life (node + tsx + engine modules + the run), MiB. */
  peakRssMb: number;
  /** RSS of the child once the scenario was parsed, before execute(): the process's own floor, MiB. */
  rssBeforeRunMb: number;
  /** After execute() and a full GC, with the Run alive, MiB. */
  rssAfterRunMb: number;
  heapUsedAfterRunMb: number;
  /** Typed arrays of the run (log, checkpoints, heaps) live outside the JS heap: ArrayBuffers, MiB. */
  arrayBuffersAfterRunMb: number;
  /** run.memoryBytes(): the engine's own count of its log, checkpoints and step table, MiB. */
  runMemoryMb: number;
  executeMs: number;
}

/**
 * The process's peak RSS in KiB. getrusage's ru_maxrss survives execve, so a child forked from a parent that was
 * already large reports the parent's size; VmHWM in /proc/self/status belongs to the new image only. Falls back to
 * ru_maxrss where /proc is missing.
 */
function peakRssKiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: use getrusage
  }
  return process.resourceUsage().maxRSS;
}

/** Child side: one run, then report. */
export function memoryChild(sizes: BenchSizes): MemoryResult {
  const regionBytes = sizes.eventRegionBytes;
  const scenario = parseOrThrow(pageEventsYaml(regionBytes), 'bench-page-events.yaml');
  fullGc();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const run = execute(scenario);
  const executeMs = performance.now() - t0;
  fullGc();
  const mu = process.memoryUsage();
  const result: MemoryResult = {
    regionBytes,
    peakRssMb: peakRssKiB() / 1024,
    rssBeforeRunMb: rssBefore / MiB,
    rssAfterRunMb: mu.rss / MiB,
    heapUsedAfterRunMb: mu.heapUsed / MiB,
    arrayBuffersAfterRunMb: mu.arrayBuffers / MiB,
    runMemoryMb: run.memoryBytes() / MiB,
    executeMs,
  };
  if (run.stepCount < 0) progress('(unreachable: keeps the run alive until measured)');
  return result;
}

/** Parent side: fork this bench's entry point as `--child memory` and wait for its report. */
export function measureMemory(sizes: BenchSizes, quick: boolean): Promise<MemoryResult> {
  progress(`memory: one ${sizeText(sizes.eventRegionBytes)} page-event run in a fresh child process…`);
  const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(entry, ['--child', 'memory', ...(quick ? ['--quick'] : [])], {
      // the parent's execArgv carries tsx's loader; the child's stdout goes to our stderr so --json stays clean
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    let result: MemoryResult | null = null;
    child.on('message', (m) => (result = m as MemoryResult));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`memory child exited with code ${code}${result ? '' : ' without a result'}`));
    });
  });
}
