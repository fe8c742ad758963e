/**
 * `machine` (GPUs, CPU memory, the link between them, the cost model) and `policy` (the driver's tunables).
 * Every field has a default, so a scenario may leave both out and get one H100 on PCIe 5 with the driver's defaults.
 */
import { z } from 'zod';
import type { Node } from 'yaml';
import {
  COST_NAMES,
  CPU_MEMORY_GRANULE,
  DEFAULT_COSTS,
  DEFAULT_CPU_MEMORY,
  DEFAULT_FAULT_WINDOW_PAGES,
  DEFAULT_GPU,
  DEFAULT_LINK,
  DEFAULT_POLICY,
  GPU_MEMORY_GRANULE,
  LINK_PRESET_NAMES,
  LINK_PRESETS,
  MAX_FAULT_WINDOW_PAGES,
  MAX_GPUS,
  MAX_MEMORY,
  type LinkPresetName,
} from './defaults';
import { describeValue, didYouMean, type Path } from './errors';
import { bandwidth, duration, int, name, size } from './fields';
import type { Reader } from './reader';
import type { CopyCost, CostSpec, GpuSpec, LinkSpec, MachineSpec, PolicySpec, ProcId } from './types';

const MACHINE_KEYS = ['gpus', 'cpu', 'link', 'costs'] as const;

const GPU_FIELDS = {
  name,
  // vidmem is handed out in 2 MiB root chunks, so a partial chunk at the end is unusable: round down.
  memory: size({ granule: GPU_MEMORY_GRANULE, round: 'down', min: GPU_MEMORY_GRANULE, max: MAX_MEMORY }),
  // Hopper is what the model and its reference numbers describe; Ampere shares its page-table layout (uvm_ampere_mmu.c)
  arch: z.enum(['hopper', 'ampere']).default('hopper'),
  faultWindowPages: int(1, MAX_FAULT_WINDOW_PAGES).default(DEFAULT_FAULT_WINDOW_PAGES),
};

const CPU_FIELDS = {
  memory: size({ granule: CPU_MEMORY_GRANULE, round: 'down', min: CPU_MEMORY_GRANULE, max: MAX_MEMORY }).default(
    DEFAULT_CPU_MEMORY,
  ),
};

const COPY_FIELDS = { latency: duration, bandwidth };

const COST_FIELDS = {
  faultBatchNs: duration.optional(),
  faultGridBatchNs: duration.optional(),
  faultGridBlockNs: duration.optional(),
  cpuFaultNs: duration.optional(),
  tlbInvalidateNs: duration.optional(),
  gpuMapNs: duration.optional(),
  cpuUnmapNs: duration.optional(),
  // A rate, not a duration: nanoseconds per byte zeroed.
  zeroNsPerByte: z.number().min(0).optional(),
} satisfies Record<keyof CostSpec, z.ZodType>;

export const POLICY_FIELDS = {
  prefetch: z.enum(['off', 'density', 'correlation']).default(DEFAULT_POLICY.prefetch),
  prefetchThreshold: int(1, 100).default(DEFAULT_POLICY.prefetchThreshold),
  // YAML 1.2 reads on/off as strings and true/false as booleans; accept both spellings.
  thrashing: z
    .preprocess((v) => (v === true ? 'on' : v === false ? 'off' : v), z.enum(['on', 'off']))
    .default(DEFAULT_POLICY.thrashing ? 'on' : 'off'),
  eviction: z.enum(['driver']).default(DEFAULT_POLICY.eviction),
  driver: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.enum(['580', '595'])).default(
    DEFAULT_POLICY.driver,
  ),
  gdrSharedMapping: z
    .preprocess((v) => (v === true ? 'on' : v === false ? 'off' : v), z.enum(['on', 'off']))
    .default(DEFAULT_POLICY.gdrSharedMapping ? 'on' : 'off'),
  uvmSharedMapping: z
    .preprocess((v) => (v === true ? 'on' : v === false ? 'off' : v), z.enum(['on', 'off']))
    .default(DEFAULT_POLICY.uvmSharedMapping ? 'on' : 'off'),
};

/** GPU names in processor order (the name of processor id i + 1 is names[i]); `known` is false when unreadable. */
export interface GpuNames {
  names: string[];
  known: boolean;
}

export interface MachineResult {
  machine: MachineSpec | null;
  gpus: GpuNames;
}

/**
 * Resolves a processor name written at `at` to a processor id: `cpu` is 0 (where `allowCpu`), a GPU is its index
 * in machine.gpus plus 1. Reports and returns undefined for a name that is no processor; returns null without a
 * message when the GPUs themselves were unreadable (that was reported already). `role` finishes the message for
 * `cpu` where a GPU is needed: "a kernel runs on one of".
 */
export function resolveProcessor(
  r: Reader,
  gpus: GpuNames,
  name: string,
  at: Node,
  path: Path,
  allowCpu: boolean,
  role: string,
): ProcId | null | undefined {
  if (name === 'cpu') {
    if (allowCpu) return 0;
    r.error(at, path, `\`cpu\` is not a GPU; ${role}: ${gpus.names.join(', ')}`);
    return undefined;
  }
  if (!gpus.known) return null;
  const index = gpus.names.indexOf(name);
  if (index >= 0) return index + 1;
  const choices = allowCpu ? ['cpu', ...gpus.names] : gpus.names;
  const kind = allowCpu ? 'processors' : 'GPUs';
  r.error(at, path, `processor "${name}" is not defined (${kind}: ${choices.join(', ')})${didYouMean(name, choices)}`);
  return undefined;
}

function defaultGpu(): GpuSpec {
  return { ...DEFAULT_GPU };
}

function copyCost(c: CopyCost): CopyCost {
  return { latencyNs: c.latencyNs, bytesPerNs: c.bytesPerNs };
}

function presetLink(preset: LinkPresetName): LinkSpec {
  const p = LINK_PRESETS[preset];
  return { kind: p.kind, htod: copyCost(p.htod), dtoh: copyCost(p.dtoh), dtod: copyCost(p.dtod) };
}

function readGpus(r: Reader, node: Node | null, path: Path): { gpus: GpuSpec[] | null; names: GpuNames } {
  if (node === null) return { gpus: [defaultGpu()], names: { names: [DEFAULT_GPU.name], known: true } };
  const items = r.seq(node, path, `a list of GPUs (each a map with ${Object.keys(GPU_FIELDS).join(', ')})`);
  if (!items) return { gpus: null, names: { names: [], known: false } };
  if (items.length === 0 || items.length > MAX_GPUS) {
    r.error(node, path, `a machine has 1 to ${MAX_GPUS} GPUs, got ${items.length}`);
  }
  const gpus: GpuSpec[] = [];
  const names: string[] = [];
  let complete = true;
  items.forEach((item, i) => {
    const view = r.map(item, [...path, i], Object.keys(GPU_FIELDS), 'a GPU');
    if (!view) {
      complete = false;
      return;
    }
    const v = r.fields(view, GPU_FIELDS);
    if (v.name !== undefined) {
      if (v.name === 'cpu') {
        r.error(r.at(view, 'name'), [...path, i, 'name'], '`cpu` names the CPU; give the GPU another name');
      } else if (names.includes(v.name)) {
        r.error(r.at(view, 'name'), [...path, i, 'name'], `GPU name "${v.name}" is used twice`);
      }
      names.push(v.name);
    }
    if (v.name === undefined || v.memory === undefined || v.arch === undefined || v.faultWindowPages === undefined) {
      complete = false;
      return;
    }
    gpus.push({ name: v.name, memory: v.memory, arch: v.arch, faultWindowPages: v.faultWindowPages });
  });
  return { gpus: complete ? gpus : null, names: { names, known: true } };
}

function readCopy(r: Reader, node: Node | null, path: Path): CopyCost | null {
  const view = r.map(node, path, Object.keys(COPY_FIELDS), 'a copy cost');
  if (!view) return null;
  const v = r.fields(view, COPY_FIELDS);
  if (v.latency === undefined || v.bandwidth === undefined) return null;
  return { latencyNs: v.latency, bytesPerNs: v.bandwidth };
}

function readLink(r: Reader, node: Node | null, path: Path): LinkSpec | null {
  if (node === null) return presetLink(DEFAULT_LINK);
  const value = r.js(node);
  if (typeof value === 'string') {
    const preset = LINK_PRESET_NAMES.find((p) => p === value);
    if (preset) return presetLink(preset);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const hint = typeof value === 'string' ? didYouMean(value, LINK_PRESET_NAMES) : '';
    r.error(
      r.deref(node) ?? node,
      path,
      `expected ${LINK_PRESET_NAMES.join(', ')} or a map {htod, dtoh, dtod} of {latency, bandwidth}, ` +
        `got ${describeValue(value)}${hint}`,
    );
    return null;
  }
  const view = r.map(node, path, ['htod', 'dtoh', 'dtod'], 'a custom link');
  if (!view) return null;
  const copies: Partial<Record<'htod' | 'dtoh' | 'dtod', CopyCost | null>> = {};
  for (const direction of ['htod', 'dtoh', 'dtod'] as const) {
    const copyNode = r.valueNode(view, direction);
    if (copyNode !== null) copies[direction] = readCopy(r, copyNode, [...path, direction]);
    // Peer copies matter only with two GPUs or more, so dtod may be left out (it then takes pcie5's estimate).
    else if (direction === 'dtod') copies.dtod = copyCost(LINK_PRESETS.pcie5.dtod);
    else r.error(view.node, [...path, direction], `missing required field \`${direction}\`: a map {latency, bandwidth}`);
  }
  const { htod, dtoh, dtod } = copies;
  if (!htod || !dtoh || !dtod) return null;
  return { kind: 'custom', htod, dtoh, dtod };
}

function readCosts(r: Reader, node: Node | null, path: Path): CostSpec | null {
  const costs: CostSpec = { ...DEFAULT_COSTS };
  if (node === null) return costs;
  const view = r.map(node, path, COST_NAMES, 'the cost overrides');
  if (!view) return null;
  const v = r.fields(view, COST_FIELDS);
  let ok = true;
  for (const key of COST_NAMES) {
    const value = v[key];
    if (value !== undefined) costs[key] = value;
    else if (view.entries.has(key)) ok = false;
  }
  return ok ? costs : null;
}

/** Reads `machine`; a missing one is the default machine. GPU names are returned even when other fields fail. */
export function readMachine(r: Reader, node: Node | null, path: Path): MachineResult {
  if (node === null) {
    return {
      machine: {
        gpus: [defaultGpu()],
        cpuMemory: DEFAULT_CPU_MEMORY,
        link: presetLink(DEFAULT_LINK),
        costs: { ...DEFAULT_COSTS },
      },
      gpus: { names: [DEFAULT_GPU.name], known: true },
    };
  }
  const view = r.map(node, path, MACHINE_KEYS, 'the machine');
  if (!view) return { machine: null, gpus: { names: [], known: false } };
  const { gpus, names } = readGpus(r, r.valueNode(view, 'gpus'), [...path, 'gpus']);
  const cpuNode = r.valueNode(view, 'cpu');
  let cpuMemory: number | undefined = DEFAULT_CPU_MEMORY;
  if (cpuNode !== null) {
    const cpu = r.map(cpuNode, [...path, 'cpu'], Object.keys(CPU_FIELDS), 'the CPU');
    cpuMemory = cpu ? r.fields(cpu, CPU_FIELDS).memory : undefined;
  }
  const link = readLink(r, r.valueNode(view, 'link'), [...path, 'link']);
  const costs = readCosts(r, r.valueNode(view, 'costs'), [...path, 'costs']);
  const machine = gpus && cpuMemory !== undefined && link && costs ? { gpus, cpuMemory, link, costs } : null;
  return { machine, gpus: names };
}

/** Reads `policy`; a missing one, or a missing field, takes the driver's default. */
export function readPolicy(r: Reader, node: Node | null, path: Path): PolicySpec | null {
  if (node === null) return { ...DEFAULT_POLICY };
  const view = r.map(node, path, Object.keys(POLICY_FIELDS), 'the policy');
  if (!view) return null;
  const v = r.fields(view, POLICY_FIELDS);
  if (
    v.prefetch === undefined ||
    v.prefetchThreshold === undefined ||
    v.thrashing === undefined ||
    v.eviction === undefined ||
    v.driver === undefined ||
    v.gdrSharedMapping === undefined ||
    v.uvmSharedMapping === undefined
  ) {
    return null;
  }
  return {
    prefetch: v.prefetch,
    prefetchThreshold: v.prefetchThreshold,
    thrashing: v.thrashing === 'on',
    eviction: v.eviction,
    driver: v.driver,
    gdrSharedMapping: v.gdrSharedMapping === 'on',
    uvmSharedMapping: v.uvmSharedMapping === 'on',
  };
}
