/** Shared helpers for the CLI's tests: small scenarios, temp folders, and checks of a Chrome trace. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute } from '../../src/engine/run/execute.js';
import type { Run } from '../../src/engine/run/run.js';
import type { TraceEvent } from '../../src/engine/run/trace-export.js';
import { formatScenarioError, parseScenario } from '../../src/engine/scenario/index.js';
import { memoryIo } from '../../src/cli/io.js';
import { cli } from '../../src/cli/cli.js';

export function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}

/** CPU writes a 4 MiB buffer, the GPU reads it, the CPU reads some back: faults, copies both ways, prefetch. */
export const SMALL = lines(
  'uvmscope: 1',
  'name: small',
  'regions:',
  '  - { name: A, size: 4MiB }',
  'steps:',
  '  - { op: cpu.write, region: A }',
  '  - { op: gpu.kernel, gpu: gpu0, access: { region: A, op: read }, faultWindowPages: 256 }',
  '  - { op: note, text: "the GPU has it all" }',
  '  - { op: cpu.read, region: A, pattern: random, count: 20, seed: 3 }',
);

/**
 * Two GPUs, one too small for its buffer (eviction), and a 64 KiB buffer written by the CPU and both GPUs in turn
 * (thrashing, throttling, DtoD copies, zeroing), then a user prefetch and a bookmark.
 */
export const BUSY = lines(
  'uvmscope: 1',
  'name: busy',
  'machine:',
  '  gpus:',
  '    - { name: g0, memory: 4MiB, arch: hopper }',
  '    - { name: g1, memory: 64MiB, arch: hopper }',
  'regions:',
  '  - { name: A, size: 8MiB }',
  '  - { name: B, size: 64KiB }',
  'steps:',
  '  - { op: cpu.write, region: A }',
  '  - { op: gpu.kernel, gpu: g0, access: { region: A, op: read } }',
  '  - { op: gpu.kernel, gpu: g1, access: { region: B, op: write } }',
  '  - { op: cpu.write, region: B }',
  '  - { op: gpu.kernel, gpu: g1, access: { region: B, op: write } }',
  '  - { op: cpu.write, region: B }',
  '  - { op: gpu.kernel, gpu: g1, access: { region: B, op: write } }',
  '  - { op: cpu.write, region: B }',
  '  - { op: gpu.kernel, gpu: g0, access: { region: B, op: write } }',
  '  - { op: gpu.kernel, gpu: g1, access: { region: B, op: write } }',
  '  - { op: gpu.kernel, gpu: g0, access: { region: B, op: write } }',
  '  - { op: uvm.prefetch, region: B, to: g1 }',
  '  - { op: bookmark, name: end }',
);

/** An unknown op on line 5, column 11. */
export const BAD = lines('uvmscope: 1', 'regions:', '  - { name: A, size: 4MiB }', 'steps:', '  - { op: cpu.reed, region: A }');

/** Parses, but the engine cannot run it: a file region (line 4, column 5). */
/** Parses, but reads a file before mapping it: the engine refuses at run time, at that step's place. */
export const UNRUNNABLE = lines('uvmscope: 1', 'regions:', '  - { name: A, size: 4MiB }', '  - { name: F, kind: file, size: 64KiB }', 'steps:', '  - { op: cpu.read, region: F }');

export function runOf(text: string, source = 'test.yaml'): Run {
  const r = parseScenario(text, source);
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return execute(r.scenario);
}

/** A temp folder with the given files; `dispose` removes it. */
export function tempDir(files: Record<string, string> = {}): { dir: string; path(name: string): string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'uvmscope-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, path: (name) => join(dir, name), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the CLI in-process; returns the exit status and what it wrote. */
export function runCli(argv: string[], options: Parameters<typeof memoryIo>[0] = {}): { status: number; out: string; err: string } {
  const io = memoryIo(options);
  const status = cli(argv, io);
  return { status, out: io.out, err: io.err };
}

/** Track of an event: counters by name, everything else by thread. */
function trackOf(e: TraceEvent): string {
  return e.ph === 'C' ? `${e.pid}/counter/${e.name}` : `${e.pid}/${e.tid}`;
}

/** Problems with a trace's shape: timestamps going back on a track, slices that overlap without nesting. */
export function traceProblems(events: readonly TraceEvent[]): string[] {
  const problems: string[] = [];
  const lastTs = new Map<string, number>();
  const open = new Map<string, number[]>();
  const eps = 1e-6;
  events.forEach((e, i) => {
    if (e.ph === 'M') return;
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) problems.push(`event ${i}: bad ts ${e.ts}`);
    const track = trackOf(e);
    const prev = lastTs.get(track) ?? -Infinity;
    if (e.ts < prev) problems.push(`event ${i} (${e.name}) on ${track}: ts ${e.ts} < ${prev}`);
    lastTs.set(track, e.ts);
    if (e.ph !== 'X') return;
    if (typeof e.dur !== 'number' || e.dur < 0) problems.push(`event ${i}: bad dur ${e.dur}`);
    const stack = open.get(track) ?? [];
    while (stack.length && stack[stack.length - 1] <= e.ts + eps) stack.pop();
    const end = e.ts + (e.dur ?? 0);
    if (stack.length && end > stack[stack.length - 1] + eps) problems.push(`event ${i} (${e.name}) on ${track} overlaps its enclosing slice`);
    stack.push(end);
    open.set(track, stack);
  });
  return problems;
}
