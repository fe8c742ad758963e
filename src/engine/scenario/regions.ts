/**
 * `regions`: the named address ranges a scenario's steps touch. Steps refer to them by name; the normalised
 * scenario refers to them by index. Names are collected even from regions with other errors, so that one bad size
 * does not also make every step that uses the region complain that it is undefined.
 */
import { z } from 'zod';
import type { Node } from 'yaml';
import { MAX_MANAGED_TOTAL, MAX_REGION_SIZE } from './defaults';
import { didYouMean, type Path } from './errors';
import { name, size } from './fields';
import type { Reader } from './reader';
import { PAGE_SIZE, type RegionKind, type RegionSpec } from './types';
import { formatSize } from './sizes';

export const REGION_KINDS = ['managed', 'file', 'anonymous', 'device'] as const;

const REGION_FIELDS = {
  name,
  kind: z.enum(REGION_KINDS).default('managed'),
  // Pages are the unit of everything below, so a region is a whole number of 4 KiB pages: round up.
  size: size({ granule: PAGE_SIZE, round: 'up', min: PAGE_SIZE, max: MAX_REGION_SIZE }),
};

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

export function readRegions(r: Reader, node: Node | null, path: Path, parent: Node): RegionsResult {
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
  let managedTotal = 0;
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
    if (v.kind === 'managed' && v.size !== undefined) {
      managedTotal += v.size;
      if (managedTotal > MAX_MANAGED_TOTAL && managedTotal - v.size <= MAX_MANAGED_TOTAL) {
        r.error(
          r.at(view, 'size'),
          [...path, index, 'size'],
          `managed regions add up to more than ${formatSize(MAX_MANAGED_TOTAL)} with this one ` +
            `(${formatSize(managedTotal)} so far); the model keeps state for every managed page`,
        );
      }
    }
    if (v.name === undefined || v.size === undefined || v.kind === undefined) {
      complete = false;
      return;
    }
    regions.push({ index, name: v.name, kind: v.kind, size: v.size, gpu: v.kind === 'device' ? 1 : null, loc: r.loc(view.node) });
  });
  return { regions: complete && managedTotal <= MAX_MANAGED_TOTAL ? regions : null, table };
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
  const listed = names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ');
  r.error(at, path, `region "${value}" is not defined (regions: ${listed})${didYouMean(value, names)}`);
  return undefined;
}
