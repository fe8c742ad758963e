/**
 * Shared pieces of the platform describers (describe-pagecache.ts, describe-cpu.ts, describe-gaia.ts,
 * describe-hmm.ts): registering a subsystem's kinds with describe.ts and bp-fields.ts in one call, naming
 * processors, and a small index of the transition log for facts a single transition does not carry (which file and
 * index a radix node covers, which VA a page table maps).
 *
 * Describers must not read the heaps: the heaps hold the state at the debugger's cursor, which may be before or
 * after the transition being described. What they need beyond the transition's own columns comes from the log,
 * which does not move.
 */

import type { Store } from '../core/store';
import { EVENT_HEAP } from '../core/store';
import type { Model } from '../uvm/model';
import { registerDecodedFields } from './bp-fields';
import { registerDescriber, type RawTransition } from './describe';
import { PK } from '../pagecache/kinds';
import { MK } from '../cpu/kinds';
import { entrySpan, LEVEL_PGD, T_INDEX, T_PARENT, TABLE_WORDS } from '../cpu/pgtable';

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
/** The last transition column stored as u32 that means "none" (0xffffffff) reads as -1. */
export const u32Id = (v: number): number => (v === 0xffffffff ? -1 : v);

// ---------------------------------------------------------------- the log index

/** One life of a radix node, from its nodeAlloc event (the node id is reused after a free). */
interface NodeLife {
  alloc: number;
  free: number;
  file: number;
  height: number;
  base: number;
}
/** A CPU page table (never freed: cpu/pgtable.ts), from its pgtableAlloc event and its header writes. */
interface TableInfo {
  mm: number;
  level: number;
  parent: number;
  index: number;
}
interface LogIndex {
  heapCount: number;
  scanned: number;
  heapIds: Map<string, number>;
  nodes: Map<number, NodeLife[]>;
  tables: Map<number, TableInfo>;
}

const INDEXES = new WeakMap<Store, LogIndex>();
/** mm.pgtables header words before the first table (cpu/pgtable.ts HEADER). */
export const PGTABLE_HEADER = 2;

function table(ix: LogIndex, t: number): TableInfo {
  let info = ix.tables.get(t);
  if (!info) ix.tables.set(t, (info = { mm: -1, level: 0, parent: -1, index: 0 }));
  return info;
}

/** The index of a store's log, extended to the transitions recorded since the last call. */
function logIndex(store: Store): LogIndex {
  let ix = INDEXES.get(store);
  if (!ix || ix.heapCount !== store.heaps.length) {
    const heapIds = new Map<string, number>();
    for (let h = 0; h < store.heaps.length; h++) heapIds.set(store.heapName(h), h);
    ix = { heapCount: store.heaps.length, scanned: 0, heapIds, nodes: new Map(), tables: new Map() };
    INDEXES.set(store, ix);
  }
  const pgtables = ix.heapIds.get('mm.pgtables') ?? -1;
  for (let t = ix.scanned; t < store.length; t++) {
    const kind = store.kindOf(t);
    const heap = store.heapOf(t);
    if (heap === EVENT_HEAP) {
      if (kind === PK.nodeAlloc) {
        const lives = ix.nodes.get(store.objOf(t)) ?? [];
        lives.push({ alloc: t, free: Infinity, file: store.indexOf(t), height: store.beforeOf(t), base: store.afterOf(t) });
        ix.nodes.set(store.objOf(t), lives);
      } else if (kind === PK.nodeFree) {
        const lives = ix.nodes.get(store.objOf(t));
        if (lives?.length) lives[lives.length - 1].free = t;
      } else if (kind === MK.pgtableAlloc) Object.assign(table(ix, store.objOf(t)), { mm: store.indexOf(t), level: store.beforeOf(t) });
    } else if (heap === pgtables && kind === MK.pgtable && store.indexOf(t) >= PGTABLE_HEADER) {
      const w = (store.indexOf(t) - PGTABLE_HEADER) % TABLE_WORDS;
      if (w === T_PARENT) table(ix, store.objOf(t)).parent = store.afterOf(t) - 1;
      else if (w === T_INDEX) table(ix, store.objOf(t)).index = store.afterOf(t);
    }
  }
  ix.scanned = store.length;
  return ix;
}

/** A heap's id by name, or -1 when the run has no such heap. */
export function heapId(store: Store, name: string): number {
  return logIndex(store).heapIds.get(name) ?? -1;
}

/**
 * The transition's position in the log, where describe.ts passes it (`index` beside the columns); without it the
 * describers fall back to what holds for every position (see radixNode).
 */
function positionOf(t: RawTransition): number | undefined {
  const at = (t as { index?: unknown }).index;
  return typeof at === 'number' ? at : undefined;
}

/**
 * Which file, height and first index radix node t.obj covered when t happened, or null when the log cannot say:
 * the node was never allocated, or it was reused with another place in a tree and t's position is not known.
 * Writes between a free and the next allocation belong to the old life when they zero a word (the free clearing the
 * node), to the new one otherwise (its header being set up before the nodeAlloc event).
 */
export function radixNode(t: RawTransition, m: Model): { file: number; height: number; base: number } | null {
  const lives = logIndex(m.store).nodes.get(t.obj);
  if (!lives?.length) return null;
  const at = positionOf(t);
  if (at === undefined) {
    const a = lives[0];
    return lives.every((l) => l.file === a.file && l.height === a.height && l.base === a.base) ? a : null;
  }
  for (let i = 0; i < lives.length; i++) {
    if (at < lives[i].alloc) return i > 0 && t.after === 0 ? lives[i - 1] : lives[i];
    if (at <= lives[i].free) return lives[i];
  }
  return lives[lives.length - 1];
}

/** A CPU page table's mm, level and the first VA it maps (0 for a PGD), or null when it is not in the log. */
export function pageTable(m: Model, t: number): { mm: number; level: number; va: number } | null {
  const ix = logIndex(m.store);
  const info = ix.tables.get(t);
  if (!info || info.level === 0) return null;
  let va = 0;
  for (let cur: TableInfo | undefined = info, guard = 0; cur && cur.level < LEVEL_PGD && guard < LEVEL_PGD; guard++) {
    va += cur.index * entrySpan(cur.level + 1);
    cur = ix.tables.get(cur.parent);
  }
  return { mm: info.mm, level: info.level, va };
}
