/**
 * Helpers for GAIA's path tests: find the steps of a run that sit on a pseudo-code line, the events of a kind with the
 * step that recorded them, and the state GAIA keeps (page cache, TSVT, a va_block's page_from_cache mask) at any step.
 */
import { expect } from 'vitest';
import { runYaml } from '../helpers';
import type { Run } from '../../../src/engine/run/run';
import type { PageCache } from '../../../src/engine/pagecache/filemap';
import { GPU_GROUP, MAP_SIZE, N_COUNT_GPU, N_PARENT } from '../../../src/engine/pagecache/radix';
import { checkInvariants } from '../../../src/engine/run/invariants';
import { ptePresent } from '../../../src/engine/cpu/pte';

const PAGE = 4096;

export { runYaml };

/** A file scenario: `size` of file data.bin, one GPU (or the GPUs named), and the steps given (YAML lines). */
export function fileScenario(size: string, steps: string[], gpus = ['gpu0']): string {
  return [
    'uvmscope: 1',
    'machine:',
    '  gpus:',
    ...gpus.map((g) => `    - { name: ${g}, memory: 80GiB }`),
    'regions:',
    `  - { name: data.bin, kind: file, size: ${size} }`,
    'steps:',
    ...steps.map((s) => `  - ${s}`),
  ].join('\n');
}

/**
 * The release scenario shared by the mrelease and get_page_from_gpu tests: ops 0 gmmap, 1 the CPU maps pages 0-31,
 * 2 the GPU reads pages 16-31 (a clean GPU page), 3 it writes pages 0-15 (a dirty one), 4 mrelease, 5 the CPU reads
 * pages 0-15 (get_page_from_gpu), 6 it reads pages 16-31 (still mapped), 7 it reads pages 32-47 (no GPU page there).
 */
export const RELEASE_YAML = fileScenario('1MiB', [
  '{ op: gaia.map, region: data.bin }',
  '{ op: cpu.read, region: data.bin, length: 128KiB }', // the CPU maps pages 0-31
  '{ op: gpu.kernel, access: { region: data.bin, op: read, offset: 64KiB, length: 64KiB } }', // GPU page 16: clean
  '{ op: gpu.kernel, access: { region: data.bin, op: write, length: 64KiB } }', // GPU page 0: written
  '{ op: gaia.mrelease, region: data.bin }',
  '{ op: cpu.read, region: data.bin, length: 64KiB }', // get_page_from_gpu for pages 0-15
  '{ op: cpu.read, region: data.bin, offset: 64KiB, length: 64KiB }', // still mapped: no fault
  '{ op: cpu.read, region: data.bin, offset: 128KiB, length: 64KiB }', // CPU pages without a GPU page
]);

/** Whether the CPU process has a present PTE for file page `index` (the file's VMA starts at its mapping). */
export function cpuMapped(run: Run, index: number): boolean {
  const linux = run.platform!.linux!;
  return ptePresent(linux.cpu.mm.pte(linux.mm, linux.regionVa(0) + index * PAGE));
}

export function pcOf(run: Run): PageCache {
  return run.platform!.linux!.cpu.pc;
}
export function fileOf(run: Run, region = 0): number {
  return run.platform!.linux!.fileOf[region];
}

/** Steps (in order) whose current line is `line`, optionally only within scenario op `op`. */
export function stepsOn(run: Run, line: number, op?: number): number[] {
  const out: number[] = [];
  const steps = run.ctx.steps;
  for (let s = 0; s < run.stepCount; s++) if (steps.lineOf(s) === line && (op === undefined || steps.opOf(s) === op)) out.push(s);
  return out;
}

/** First and last step of scenario op `op`. */
export function opSteps(run: Run, op: number): [number, number] {
  let first = -1;
  let last = -1;
  for (let s = 0; s < run.stepCount; s++)
    if (run.opOf(s) === op) {
      if (first < 0) first = s;
      last = s;
    }
  if (first < 0) throw new Error(`op ${op} has no steps`);
  return [first, last];
}

export interface Ev {
  t: number;
  step: number;
  obj: number;
  idx: number;
  x: number;
  y: number;
}

/**
 * Transitions of kind `kind` (an event, or a state write such as PK.pcTsvt: kind numbers are global), with their
 * step; within op `op` if given. For a state write x and y are the heap's raw words before and after (a TSVT write
 * decodes with `tsvtWrite`).
 */
export function events(run: Run, kind: number, op?: number): Ev[] {
  const store = run.ctx.store;
  const out: Ev[] = [];
  for (let t = 0; t < store.length; t++) {
    if (store.kindOf(t) !== kind) continue;
    const step = run.stepOfTransition(t);
    if (op !== undefined && run.opOf(step) !== op) continue;
    out.push({ t, step, obj: store.objOf(t), idx: store.indexOf(t), x: store.beforeOf(t), y: store.afterOf(t) });
  }
  return out;
}

/** count_gpu of the leaf holding `index` and of each node above it, leaf first. */
export function countGpuChain(pc: PageCache, f: number, index: number): number[] {
  const r = pc.radix;
  const out: number[] = [];
  for (let n = r.leafOf(f, index); n >= 0; n = r.node(n, N_PARENT) - 1) out.push(r.node(n, N_COUNT_GPU));
  return out;
}

/** The GPU slot gpu_pages[gpu][(index % 64) / 16] of the leaf holding `index` (-1 when empty or no leaf). */
export function gpuSlot(pc: PageCache, f: number, index: number, gpu = 0): number {
  const leaf = pc.radix.leafOf(f, index);
  return leaf < 0 ? -1 : pc.radix.gpuSlot(leaf, gpu, Math.floor((index % MAP_SIZE) / GPU_GROUP));
}

/** Indices in [from, to) that carry `tag`. */
export function tagged(pc: PageCache, f: number, from: number, to: number, tag: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) if (pc.tagGet(f, i, tag)) out.push(i);
  return out;
}

/** Pages of a va_block whose page_from_cache bit (GAIA) is set, as [lo, hi) runs. */
export function fromCache(run: Run, block: number): [number, number][] {
  const m = run.ctx.m;
  const out: [number, number][] = [];
  m.readMask(m.layout.word(block, m.layout.fromCache)).forEachRun((lo, hi) => out.push([lo, hi]));
  return out;
}
/** Pages of a va_block the GPU wrote since their shadow was taken (what is_gpu_page_dirty finds). */
export function gpuWritten(run: Run, block: number): [number, number][] {
  const m = run.ctx.m;
  const out: [number, number][] = [];
  m.readMask(m.layout.word(block, m.layout.gpuWritten)).forEachRun((lo, hi) => out.push([lo, hi]));
  return out;
}

/** The model's invariants hold at every step in [from, to] (every `stride`-th step, and `to` itself). */
export function expectInvariantsEverywhere(run: Run, from = 0, to = run.stepCount - 1, stride = 1): void {
  const cursor = run.cursor;
  for (let s = from; s <= to; s += stride) {
    run.seek(s);
    const v = checkInvariants(run);
    if (v.length) throw new Error(`step ${s} (${run.frameOf(s).fn}:${run.frameOf(s).line}): ${v.join('; ')}`);
  }
  run.seek(to);
  expect(checkInvariants(run)).toEqual([]);
  run.seek(cursor);
}

/** A TSVT write (PK.pcTsvt / pcTsvtReset) decoded: which slot, viewer row and owner column, and the versions. */
export function tsvtWrite(run: Run, e: Ev): { node: number; slot: number; viewer: number; owner: number; previous: number; version: number } {
  const pc = pcOf(run);
  const procs = pc.radix.procs;
  const w = e.idx - e.obj * pc.radix.tsvtWords;
  const owner = w % procs;
  const viewer = Math.floor(w / procs) % procs;
  const slot = Math.floor(w / (procs * procs));
  const initial = owner === pc.disk ? 0 : -1; // the heap holds version - initial (pagecache/tsvt.ts)
  return { node: e.obj, slot, viewer, owner, previous: e.x + initial, version: e.y + initial };
}
