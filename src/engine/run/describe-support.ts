/**
 * Shared pieces of the platform describers (describe-pagecache.ts, describe-cpu.ts, describe-gaia.ts,
 * describe-hmm.ts): registering a subsystem's kinds with describe.ts and bp-fields.ts in one call, naming
 * processors, and tables read from the transition log for facts a single transition does not carry (which file and
 * index a radix node covers, which VA a page table maps).
 *
 * Describers must not read the heaps: the heaps hold the state at the debugger's cursor, which may be before or
 * after the transition being described. What they need beyond the transition's own columns comes from the log,
 * which does not move.
 */

import type { Store } from '../core/store';
import type { Model } from '../uvm/model';
import { registerDecodedFields } from './bp-fields';
import { registerDescriber, type RawTransition } from './describe';

export type Fields = Record<string, number | string>;
export interface Decoded {
  fields: Fields;
  text: string;
}
export type KindDescriber = (t: RawTransition, m: Model) => Decoded;

/**
 * Register the describer and the breakpoint fields of every kind of one subsystem. The tables are complete by type:
 * a kind added to the subsystem's kinds.ts without a describer here fails to compile.
 */
export function registerKinds<N extends string>(
  kinds: Readonly<Record<N, number>>,
  fields: Readonly<Record<N, readonly string[]>>,
  describers: Readonly<Record<N, KindDescriber>>,
): void {
  for (const name of Object.keys(kinds) as N[]) {
    registerDecodedFields(name, fields[name]);
    registerDescriber(kinds[name], describers[name]);
  }
}

/** A table with one entry per kind name of a subsystem. */
export function perKind<N extends string, V>(kinds: Readonly<Record<N, number>>, value: (name: N) => V): Record<N, V> {
  const out: Partial<Record<N, V>> = {};
  for (const name of Object.keys(kinds) as N[]) out[name] = value(name);
  return out as Record<N, V>;
}

// ---------------------------------------------------------------- formatting

export const hex = (v: number): string => `0x${v.toString(16)}`;
export const kib = (bytes: number): string => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`);
/** "index 5" or "indices 16–31". */
export function indices(first: number, count: number): string {
  return count === 1 ? `index ${first}` : `indices ${first}–${first + count - 1}`;
}
/** "1 page", "16 pages". */
export const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

// ---------------------------------------------------------------- processors

/** A UVM processor id (0 = CPU, 1.. = GPUs) by the scenario's name for it. */
export function procName(m: Model, proc: number): string {
  return Number.isInteger(proc) && proc >= 0 && proc < m.procs ? m.gpuName(proc) : `processor ${proc}`;
}
/** A page-cache / GAIA GPU index (GPU_NVIDIA = 0, 0-based) by the scenario's name: UVM processor gpu + 1. */
export function pcGpuName(m: Model, gpu: number): string {
  return Number.isInteger(gpu) && gpu >= 0 && gpu < m.gpus ? m.gpuName(gpu + 1) : `GPU ${gpu}`;
}
/** A TSVT processor (GPUs 0..gpus-1, then the CPU, then the disk: GAIA's SYS_PROCS order). */
export function tsvtProcName(m: Model, p: number): string {
  return p === m.gpus ? 'cpu' : p === m.gpus + 1 ? 'disk' : pcGpuName(m, p);
}
export function regionName(m: Model, region: number): string {
  return m.regions[region]?.name ?? `region ${region}`;
}
/** An id column written as u32 where 0xffffffff means "none": -1 then. */
export const u32Id = (v: number): number => (v === 0xffffffff ? -1 : v);

// ---------------------------------------------------------------- the log

/**
 * A table of facts read from a store's log (which radix node covered which indices, which VA a page table maps),
 * built on first use and extended with the transitions recorded since. `make` starts it for a store (find heap ids
 * there), `scan` reads one transition into it.
 */
export function logTable<T>(make: (store: Store) => T, scan: (table: T, store: Store, t: number) => void): (store: Store) => T {
  const cache = new WeakMap<Store, { heaps: number; scanned: number; table: T }>();
  return (store) => {
    let c = cache.get(store);
    if (!c || c.heaps !== store.heaps.length) cache.set(store, (c = { heaps: store.heaps.length, scanned: 0, table: make(store) }));
    for (let t = c.scanned; t < store.length; t++) scan(c.table, store, t);
    c.scanned = store.length;
    return c.table;
  };
}

const HEAP_IDS = new WeakMap<Store, { heaps: number; ids: Map<string, number> }>();

/** A heap's id by name, or -1 when the run has no such heap. */
export function heapId(store: Store, name: string): number {
  let c = HEAP_IDS.get(store);
  if (!c || c.heaps !== store.heaps.length) {
    const ids = new Map<string, number>();
    for (let h = 0; h < store.heaps.length; h++) ids.set(store.heapName(h), h);
    HEAP_IDS.set(store, (c = { heaps: store.heaps.length, ids }));
  }
  return c.ids.get(name) ?? -1;
}

/**
 * The transition's position in the log, where describe.ts passes it (`index` beside the columns); without it a
 * describer falls back to what holds at every position (see radixNode in describe-pagecache.ts).
 */
export function positionOf(t: RawTransition): number | undefined {
  const at = (t as { index?: unknown }).index;
  return typeof at === 'number' ? at : undefined;
}
