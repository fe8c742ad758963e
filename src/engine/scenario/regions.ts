/**
 * `regions`: the named address ranges a scenario's steps touch. Steps refer to them by name; the normalised
 * scenario refers to them by index. Names are collected even from regions with other errors, so that one bad size
 * does not also make every step that uses the region complain that it is undefined.
 */
import { z } from 'zod';
import type { Node } from 'yaml';
import { MAX_REGION_SIZE, MAX_REGION_TOTAL } from './defaults';
import { didYouMean, type Path } from './errors';
import { name, size, text } from './fields';
import { resolveProcessor, type GpuNames } from './machine';
import type { MapView, Reader } from './reader';
import { PAGE_SIZE, type GpuSpec, type ProcId, type RegionKind, type RegionSpec } from './types';
import { formatSize } from './sizes';

export const REGION_KINDS = ['managed', 'file', 'anonymous', 'device'] as const;

const REGION_FIELDS = {
  name,
  kind: z.enum(REGION_KINDS).default('managed'),
  // Pages are the unit of everything below, so a region is a whole number of 4 KiB pages: round up.
  size: size({ granule: PAGE_SIZE, round: 'up', min: PAGE_SIZE, max: MAX_REGION_SIZE }),
  gpu: text.optional(),
};

/** Why each kind's total is capped, for the message that refuses it. */
const TOTAL_REASON: Readonly<Record<RegionKind, string>> = Object.freeze({
  managed: 'the model keeps state for every managed page',
  file: 'the model keeps page-cache state for every page of every file',
  anonymous: 'the model keeps state for every anonymous page',
  device: 'the model keeps state for every page of device memory',
});

/** What steps need to know about a region, as far as it could be read. */
export interface RegionEntry {
  name: string | undefined;
  /** Bytes after rounding; undefined when the size was bad (checks that need it are then skipped). */
  size: number | undefined;
  kind: RegionKind | undefined;
}

export interface RegionTable {
  entries: RegionEntry[];
  byName: Map<string, number>;
  /** False when `regions` itself could not be read: references to regions are then not checked. */
  known: boolean;
}

export interface RegionsResult {
  regions: RegionSpec[] | null;
  table: RegionTable;
}

/** What readRegions needs of the machine: GPU names for `gpu`, and their memory for the device-region check. */
export interface RegionMachine {
  gpus: GpuNames;
  /** The machine's GPUs when they could be read; null skips the check that device regions fit their GPU. */
  machineGpus: GpuSpec[] | null;
}

/** `a file region`, `an anonymous region`. */
export function aKind(kind: RegionKind): string {
  return `${kind === 'anonymous' ? 'an' : 'a'} ${kind} region`;
}

/**
 * The GPU of a region: for a device region the one `gpu` names (default the first GPU); null for other kinds, where
 * `gpu` is refused. Undefined when something was reported (or cannot be checked because the kind was bad).
 */
function regionGpu(
  r: Reader,
  view: MapView,
  kind: RegionKind | undefined,
  regionName: string | undefined,
  gpuName: string | undefined,
  machine: RegionMachine,
): ProcId | null | undefined {
  const given = view.entries.get('gpu');
  if (!given) return kind === 'device' ? 1 : null;
  if (kind === undefined) return undefined; // the kind was bad and has been reported: whether `gpu` belongs is moot
  if (kind !== 'device') {
    const how = view.entries.has('kind') ? '' : ' (the default kind)';
    const which = regionName === undefined ? 'this region' : `"${regionName}"`;
    r.error(
      given.key,
      [...view.path, 'gpu'],
      `\`gpu\` is only for device regions (the GPU whose memory it is); ${which} is ${kind}${how}: ` +
        'write `kind: device` for memory from cudaMalloc',
    );
    return undefined;
  }
  if (gpuName === undefined) return undefined;
  const at = r.at(view, 'gpu');
  const id = resolveProcessor(r, machine.gpus, gpuName, at, [...view.path, 'gpu'], false, 'device memory is on one of');
  return id ?? undefined;
}

export function readRegions(
  r: Reader,
  node: Node | null,
  path: Path,
  parent: Node,
  machine: RegionMachine,
): RegionsResult {
  const table: RegionTable = { entries: [], byName: new Map(), known: false };
  if (node === null) {
    r.error(parent, path, 'missing required field `regions`: a list of regions, each a map with name, kind, size');
    return { regions: null, table };
  }
  const items = r.seq(node, path, 'a list of regions (each a map with name, kind, size)');
  if (!items) return { regions: null, table };
  table.known = true;
  if (items.length === 0) r.error(node, path, 'a scenario needs at least one region');

  const regions: RegionSpec[] = [];
  let complete = items.length > 0;
  const totals: Record<RegionKind, number> = { managed: 0, file: 0, anonymous: 0, device: 0 };
  /** Bytes of device regions per GPU (processor id), to check each fits its GPU's memory. */
  const onGpu = new Map<ProcId, number>();
  items.forEach((item, index) => {
    const view = r.map(item, [...path, index], Object.keys(REGION_FIELDS), 'a region');
    const entry: RegionEntry = { name: undefined, size: undefined, kind: undefined };
    table.entries.push(entry);
    if (!view) {
      complete = false;
      return;
    }
    const v = r.fields(view, REGION_FIELDS);
    if (v.name !== undefined) {
      if (table.byName.has(v.name)) {
        r.error(r.at(view, 'name'), [...path, index, 'name'], `region "${v.name}" is defined twice`);
      } else {
        table.byName.set(v.name, index);
      }
    }
    Object.assign(entry, { name: v.name, size: v.size, kind: v.kind });
    const gpu = regionGpu(r, view, v.kind, v.name, v.gpu, machine);
    if (v.kind !== undefined && v.size !== undefined) {
      const limit = MAX_REGION_TOTAL[v.kind];
      const total = (totals[v.kind] += v.size);
      // Reported once, at the region that crosses the limit; the kind's total then stays above it.
      if (total > limit && total - v.size <= limit) {
        complete = false;
        r.error(
          r.at(view, 'size'),
          [...path, index, 'size'],
          `${v.kind} regions add up to more than ${formatSize(limit)} with this one ` +
            `(${formatSize(total)} so far); ${TOTAL_REASON[v.kind]}`,
        );
      }
    }
    if (v.kind === 'device' && typeof gpu === 'number' && v.size !== undefined) {
      const total = (onGpu.get(gpu) ?? 0) + v.size;
      onGpu.set(gpu, total);
      const spec = machine.machineGpus?.[gpu - 1];
      if (spec && total > spec.memory && total - v.size <= spec.memory) {
        complete = false;
        r.error(
          r.at(view, 'size'),
          [...path, index, 'size'],
          `device regions on ${spec.name} add up to more than its memory (${formatSize(spec.memory)}) with this ` +
            `one (${formatSize(total)} so far); cudaMalloc could not allocate them`,
        );
      }
    }
    if (v.name === undefined || v.size === undefined || v.kind === undefined || gpu === undefined) {
      complete = false;
      return;
    }
    regions.push({ index, name: v.name, kind: v.kind, size: v.size, gpu, loc: r.loc(view.node) });
  });
  return { regions: complete ? regions : null, table };
}

/**
 * Resolves a region reference. Returns the index, or undefined (having reported it) when the name is not a
 * region; returns null without a message when the regions could not be read, to avoid a cascade of errors.
 */
export function resolveRegion(
  r: Reader,
  table: RegionTable,
  value: string,
  at: Node,
  path: Path,
): number | null | undefined {
  if (!table.known) return null;
  const index = table.byName.get(value);
  if (index !== undefined) return index;
  const names = [...table.byName.keys()];
  r.error(at, path, `region "${value}" is not defined (regions: ${listNames(names)})${didYouMean(value, names)}`);
  return undefined;
}

function listNames(names: readonly string[]): string {
  return names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ');
}

/**
 * Checks that region `index` is of `kind`, the one `op` works on. Reports a region of another kind, naming the
 * regions of the right kind; returns false then, and also (silently) when the region's kind was unreadable.
 */
export function checkRegionKind(
  r: Reader,
  table: RegionTable,
  index: number,
  kind: RegionKind,
  op: string,
  at: Node,
  path: Path,
): boolean {
  const entry = table.entries[index];
  if (entry?.kind === undefined) return false;
  if (entry.kind === kind) return true;
  const fitting = table.entries.filter((e) => e.kind === kind && e.name !== undefined).map((e) => e.name ?? '');
  const others = fitting.length > 0 ? `${kind} regions: ${listNames(fitting)}` : `this scenario has no ${kind} region`;
  r.error(at, path, `${op} needs ${aKind(kind)}; "${entry.name ?? '?'}" is ${entry.kind} (${others})`);
  return false;
}
