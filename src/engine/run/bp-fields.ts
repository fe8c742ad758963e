/**
 * Which fields a breakpoint condition may name, per transition kind: the decoded fields describe.ts gives each
 * kind, the names derived from them (procName, srcName, dstName) and the ones every transition has (step, time…).
 * A condition naming anything else is refused when the breakpoint is set, with the closest valid names, instead of
 * silently never matching. test/engine/breakpoints.test.ts checks this table against describe.ts on real runs.
 */

import { type KindName } from '../uvm/kinds';
import { FIRST_EVENT_KIND, allKindNames, kindByName } from '../core/kinds';

/** Every transition's context: its own columns plus where and when it happened. */
export const TRANSITION_BASE_FIELDS = ['kind', 'type', 'heap', 'obj', 'before', 'after', 'transition', 'step', 'op', 'time'] as const;
/** A line breakpoint's context: the step and where it is. */
export const LINE_FIELDS = ['step', 'op', 'depth', 'time', 'fn', 'line', 'label'] as const;

/** Fields of a write to a va_block record (the `blocks` heap). */
const BLOCK_FIELDS = ['block', 'field', 'proc', 'prot', 'page', 'gained', 'lost'];
/** Fields of an event that describe.ts decodes generically. */
const RAW_EVENT_FIELDS = ['obj', 'index', 'x', 'y'];
const MAP_FIELDS = ['block', 'page', 'proc', 'pages', 'prot'];
const THRASH_FIELDS = [...RAW_EVENT_FIELDS, 'block', 'page', 'proc'];

/**
 * A state write is decoded by the heap it lands in (a va_block record, the scalars, a PMM chunk, or raw), and a kind
 * may write to more than one heap, so every state kind takes the fields of any state write.
 */
const STATE_FIELDS = [...BLOCK_FIELDS, 'ns', 'counter', 'chunk', 'obj'];

const DECODED: Readonly<Record<KindName, readonly string[]>> = {
  blockResident: STATE_FIELDS,
  blockMapped: STATE_FIELDS,
  blockReadDuplicated: STATE_FIELDS,
  blockEvicted: STATE_FIELDS,
  blockCpuAllocated: STATE_FIELDS,
  blockGpuChunk: STATE_FIELDS,
  blockPte: STATE_FIELDS,
  blockPageTables: STATE_FIELDS,
  blockPrefetchInfo: STATE_FIELDS,
  blockThrashSlot: STATE_FIELDS,
  cpuChunk: STATE_FIELDS,
  regionPolicy: STATE_FIELDS,
  chunkState: STATE_FIELDS,
  chunkList: STATE_FIELDS,
  chunkOwner: STATE_FIELDS,
  pmmHeader: STATE_FIELDS,
  pageTable: STATE_FIELDS,
  thrashPage: STATE_FIELDS,
  thrashTime: STATE_FIELDS,
  clock: STATE_FIELDS,
  counter: STATE_FIELDS,

  opBegin: RAW_EVENT_FIELDS,
  gpuFault: ['block', 'page', 'proc', 'access', 'instances'],
  faultBatch: ['proc', 'batch', 'raw', 'entries'],
  replay: ['proc', 'batch'],
  cpuFault: ['block', 'page', 'proc', 'access'],
  copy: ['block', 'page', 'src', 'dst', 'bytes', 'cause'],
  zero: ['block', 'page', 'proc', 'bytes'],
  tlbInvalidate: ['proc', 'membar'],
  prefetchHint: ['block', 'page', 'proc', 'pages'],
  thrashingDetected: THRASH_FIELDS,
  throttle: THRASH_FIELDS,
  remoteMap: ['block', 'page', 'proc', 'pages', 'cause'],
  evictChunk: ['chunk', 'proc', 'block', 'pages'],
  unmap: ['block', 'page', 'proc', 'pages', 'revoke'],
  map: MAP_FIELDS,
  pageTableAlloc: RAW_EVENT_FIELDS,
  faultSkipped: THRASH_FIELDS,
};

/** Processor-number fields and the name field the breakpoint context adds beside each (gpu0, cpu…). */
export const PROC_NAME_FIELDS: Readonly<Record<string, string>> = { proc: 'procName', src: 'srcName', dst: 'dstName' };

function withDerived(fields: readonly string[]): string[] {
  const out = [...TRANSITION_BASE_FIELDS] as string[];
  for (const f of fields) {
    if (!out.includes(f)) out.push(f);
    const named = Object.hasOwn(PROC_NAME_FIELDS, f) ? PROC_NAME_FIELDS[f] : undefined;
    if (named && !out.includes(named)) out.push(named);
  }
  return out;
}

/**
 * Fields other parts of the model (page cache, HMM, gdrcopy…) declare for their kinds, next to the describer that
 * decodes them (registerDescriber in describe.ts). A kind nobody declares gets the generic fields.
 */
const EXTRA = new Map<string, readonly string[]>();

export function registerDecodedFields(kind: string, fields: readonly string[]): void {
  EXTRA.set(kind, fields);
}

/** The decoded fields of one kind as describe.ts gives them (no base or derived fields). */
export function decodedFields(kind: string): readonly string[] | undefined {
  if (Object.hasOwn(DECODED, kind)) return DECODED[kind as KindName];
  const extra = EXTRA.get(kind);
  if (extra) return extra;
  const id = kindByName(kind);
  if (id === undefined) return undefined;
  return id >= FIRST_EVENT_KIND ? RAW_EVENT_FIELDS : STATE_FIELDS;
}

/** All fields a condition on transitions of this kind may name; '*' (any kind) gets the union of all. */
export function conditionFields(kind: string): string[] {
  if (kind === '*') return withDerived([...Object.values(DECODED).flat(), ...[...EXTRA.values()].flat(), ...RAW_EVENT_FIELDS]);
  return withDerived(decodedFields(kind) ?? []);
}

/** Fields a watch breakpoint's condition may name: those of any state transition. */
export function watchFields(): string[] {
  return withDerived(STATE_FIELDS);
}

/** Every transition kind name, in kind-number order. */
/** Every transition kind's name, in kind order (read when asked: each part of the model registers its kinds). */
export function kindNames(): readonly string[] {
  return allKindNames();
}
