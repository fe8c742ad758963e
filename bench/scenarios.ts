/**
 * The scenarios the bench runs, as YAML text parsed by the real parser (so the bench measures what a user's file
 * would do), with the default machine: one 80 GiB Hopper GPU on PCIe 5.
 */
import { parseScenario, formatScenarioError, type Scenario } from '../src/engine/scenario/index.js';

export const PAGE = 4096;
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** Sizes in the scenario's own notation (`4GiB`, `256MiB`). */
export function sizeText(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB}GiB` : `${bytes / MiB}MiB`;
}

/**
 * Page events: the CPU initialises the whole region (one cpu.write pass), then a GPU kernel reads all of it (one
 * gpu.kernel pass): 2 × size/4 KiB page events.
 */
export function pageEventsYaml(regionBytes: number): string {
  return [
    'uvmscope: 1',
    'name: bench-page-events',
    'regions:',
    `  - { name: A, size: ${sizeText(regionBytes)} }`,
    'steps:',
    '  - { op: cpu.write, region: A }',
    '  - op: gpu.kernel',
    '    access: { region: A, op: read }',
    '',
  ].join('\n');
}

/**
 * A long run for seeking: data bounces between CPU and GPU over one region (CPU writes, GPU writes, CPU reads, GPU
 * reads, CPU writes again, …: `ops` ops of that cycle), so every pass faults and migrates and the state changes
 * everywhere. At 4 GiB with 5 ops this is about 1.2 million steps and 4.2 million transitions.
 */
export const SEEK_CYCLE = [
  '  - { op: cpu.write, region: A }',
  '  - { op: gpu.kernel, access: { region: A, op: write } }',
  '  - { op: cpu.read, region: A }',
  '  - { op: gpu.kernel, access: { region: A, op: read } }',
];

export function seekYaml(regionBytes: number, ops: number): string {
  return [
    'uvmscope: 1',
    'name: bench-seek',
    'regions:',
    `  - { name: A, size: ${sizeText(regionBytes)} }`,
    'steps:',
    ...Array.from({ length: ops }, (_, i) => SEEK_CYCLE[i % SEEK_CYCLE.length]),
    '',
  ].join('\n');
}

/** The CPU-dirty pattern of the maquire scenario: one 4 KiB page written in every 16 KiB, a quarter of the file. */
export const MAQUIRE_DIRTY_STRIDE = 16 * 1024;
export const MAQUIRE_DIRTY_SPAN = PAGE;

/** Index of the gaia.maquire op in maquireYaml's steps (the op the maquire figure times). */
export const MAQUIRE_OP_INDEX = 4;

/**
 * maquire over a file with a quarter of its pages CPU-dirty: the CPU maps the file, GAIA shares it with the GPU
 * (gmmap touches every page), a kernel reads the whole file (every 64 KiB group becomes a GPU page in the page cache),
 * the CPU writes one page in every 16 KiB (CPU_DIRTY tags on 25 % of the indices, four in each GPU page, spread over
 * the whole file), then `gaia.maquire` over the whole file: the fsync, the tagged walk, one GPU page dropped and
 * invalidated per group, the tags cleared.
 */
export function maquireYaml(fileBytes: number): string {
  const stride = `${MAQUIRE_DIRTY_STRIDE / 1024}KiB`;
  const span = `${MAQUIRE_DIRTY_SPAN / 1024}KiB`;
  return [
    'uvmscope: 1',
    'name: bench-maquire',
    'regions:',
    `  - { name: data.bin, kind: file, size: ${sizeText(fileBytes)} }`,
    'steps:',
    '  - { op: cpu.mmap, region: data.bin }',
    '  - { op: gaia.map, region: data.bin }',
    '  - { op: gpu.kernel, access: { region: data.bin, op: read } }',
    `  - { op: cpu.write, region: data.bin, pattern: strided, stride: ${stride}, span: ${span} }`,
    '  - { op: gaia.maquire, region: data.bin }',
    '',
  ].join('\n');
}

export function parseOrThrow(yaml: string, source: string): Scenario {
  const r = parseScenario(yaml, source);
  if (!r.ok) throw new Error(`bench scenario ${source} does not parse:\n${r.errors.map(formatScenarioError).join('\n')}`);
  return r.scenario;
}

/** Op labels for per-op timings: `0 cpu.write`, `1 gpu.kernel`, … */
export function opLabels(s: Scenario): string[] {
  return s.steps.map((op, i) => `${i} ${op.op}`);
}
