/**
 * Turning a raw transition (kind, heap, index, obj, before, after) into something a person or a breakpoint condition
 * can read: which object, which field, which pages changed, and a one-line text.
 */

import type { Store } from '../core/store';
import { EVENT_HEAP } from '../core/store';
import { popcount32 } from '../core/bits';
import type { Model } from '../uvm/model';
import { ACCESS_NAMES, CAUSE_NAMES, copyCause, copyDst, copySrc, K, REMOTE_MAP_CAUSE_NAMES, kindName } from '../uvm/kinds';
import { CHUNK_STATE_NAMES } from '../uvm/pmm';
import { COUNTERS, COUNTER_BASE } from '../uvm/counters';

export interface TransitionView {
  index: number;
  kind: string;
  /** 'state' for a change of model state, 'event' for something that happened. */
  type: 'state' | 'event';
  heap: string;
  obj: number;
  before: number;
  after: number;
  /** Decoded fields; which ones exist depends on the kind (block, page, pages, proc, src, dst, bytes, cause, …). */
  fields: Record<string, number | string>;
  text: string;
}

const PROT_NAMES = ['read', 'write', 'atomic'];

/** A raw transition as a describer sees it. */
export interface RawTransition {
  /** The transition's position in the log (to look facts up in the recorded past, never at the cursor). */
  index?: number;
  kind: number;
  heap: number;
  idx: number;
  obj: number;
  before: number;
  after: number;
}

export type Describer = (t: RawTransition, m: Model) => { fields: Record<string, number | string>; text: string };

const DESCRIBERS = new Map<number, Describer>();

/** Other parts of the model (page cache, HMM, gdrcopy…) decode their own kinds; see bp-fields for their fields. */
export function registerDescriber(kind: number, describer: Describer): void {
  DESCRIBERS.set(kind, describer);
}

export function describeTransition(store: Store, m: Model, t: number): TransitionView {
  const kind = store.kindOf(t);
  const heap = store.heapOf(t);
  const idx = store.indexOf(t);
  const obj = store.objOf(t);
  const x = store.beforeOf(t);
  const y = store.afterOf(t);
  const name = kindName(kind);
  const fields: Record<string, number | string> = {};
  let text = name;
  const proc = (p: number) => m.gpuName(p);
  const custom = DESCRIBERS.get(kind);
  if (custom) {
    const d = custom({ index: t, kind, heap, idx, obj, before: x, after: y }, m);
    const type = heap === EVENT_HEAP ? 'event' : 'state';
    return { index: t, kind: name, type, heap: heap === EVENT_HEAP ? 'events' : store.heapName(heap), obj, before: x, after: y, fields: d.fields, text: d.text };
  }
  if (heap === EVENT_HEAP) {
    switch (kind) {
      case K.copy: {
        const src = copySrc(x);
        const dst = copyDst(x);
        const cause = copyCause(x);
        Object.assign(fields, { block: obj, page: idx, src, dst, bytes: y, cause: CAUSE_NAMES[cause] });
        text = `copy ${y / 1024} KiB ${proc(src)} → ${proc(dst)} (${CAUSE_NAMES[cause]}), block ${obj} pages ${idx}–${idx + y / 4096 - 1}`;
        break;
      }
      case K.gpuFault:
        Object.assign(fields, { block: obj, page: idx, proc: x, access: ACCESS_NAMES[y & 0xff], instances: y >>> 8 });
        text = `${proc(x)} ${ACCESS_NAMES[y & 0xff]} fault on block ${obj} page ${idx}`;
        break;
      case K.cpuFault:
        Object.assign(fields, { block: obj, page: idx, proc: 0, access: ACCESS_NAMES[x] });
        text = `CPU ${ACCESS_NAMES[x]} fault on block ${obj} page ${idx}`;
        break;
      case K.faultBatch:
        Object.assign(fields, { proc: obj, batch: idx, raw: x, entries: y });
        text = `fault batch ${idx} on ${proc(obj)}: ${x} entries fetched, ${y} after coalescing`;
        break;
      case K.replay:
        Object.assign(fields, { proc: obj, batch: idx });
        text = `replay of batch ${idx} on ${proc(obj)}`;
        break;
      case K.evictChunk:
        Object.assign(fields, { chunk: obj, proc: idx, block: x - 1, pages: y });
        text = `root chunk ${obj} of ${proc(idx)} evicted${x ? ` from block ${x - 1}` : ''}, ${y} pages copied to sysmem`;
        break;
      case K.prefetchHint:
        Object.assign(fields, { block: obj, page: idx, proc: x, pages: y });
        text = `prefetcher adds ${y} pages of block ${obj} for ${proc(x)}`;
        break;
      case K.map:
        Object.assign(fields, { block: obj, page: idx, proc: x & 63, pages: y, prot: PROT_NAMES[x >>> 6] });
        text = `map ${y} pages of block ${obj} on ${proc(x & 63)} ${PROT_NAMES[x >>> 6]}`;
        break;
      case K.unmap:
        Object.assign(fields, { block: obj, page: idx, proc: x & 63, pages: y, revoke: x >>> 6 });
        text = `${x >>> 6 ? 'revoke write access to' : 'unmap'} ${y} pages of block ${obj} on ${proc(x & 63)}`;
        break;
      case K.remoteMap:
        Object.assign(fields, { block: obj, page: idx, proc: x & 63, pages: y, cause: REMOTE_MAP_CAUSE_NAMES[x >>> 6] ?? String(x >>> 6) });
        text = `${proc(x & 63)} maps ${y} pages of block ${obj} remotely (cause ${REMOTE_MAP_CAUSE_NAMES[x >>> 6]})`;
        break;
      case K.zero:
        Object.assign(fields, { block: obj, page: idx, proc: x, bytes: y });
        text = `${proc(x)} zeroes ${y / 1024} KiB of block ${obj}`;
        break;
      case K.tlbInvalidate:
        Object.assign(fields, { proc: obj, membar: x });
        text = `TLB invalidate on ${proc(obj)}${x ? ' (with MEMBAR_SYS)' : ''}`;
        break;
      default:
        Object.assign(fields, { obj, index: idx, x, y });
        if (kind === K.thrashingDetected || kind === K.throttle || kind === K.faultSkipped) {
          Object.assign(fields, { block: obj, page: idx, proc: x });
          text = `${name}: block ${obj} page ${idx} (${proc(x)})`;
        } else if (kind === K.opBegin) text = `scenario step ${obj}`;
        else if (kind === K.pageTableAlloc) text = `page table ${obj} of ${proc(idx)} at level ${x} in ${y === 1 ? 'vidmem' : 'sysmem'}`;
    }
    return { index: t, kind: name, type: 'event', heap: 'events', obj, before: x, after: y, fields, text };
  }
  if (heap === m.hBlocks) {
    const d = m.layout.describe(idx);
    Object.assign(fields, { block: d.block, field: d.field });
    if (d.proc >= 0) fields.proc = d.proc;
    if (d.prot >= 0) fields.prot = PROT_NAMES[d.prot];
    if (d.pageWord >= 0) {
      const gained = (y & ~x) >>> 0;
      const lost = (x & ~y) >>> 0;
      const first = d.pageWord * 32 + (gained ? 31 - Math.clz32(gained & -gained) : 31 - Math.clz32(lost & -lost));
      Object.assign(fields, { page: first, gained: popcount32(gained), lost: popcount32(lost) });
      const who = d.proc >= 0 ? ` of ${proc(d.proc)}` : '';
      text = `block ${d.block} ${d.field}${d.prot >= 0 ? `[${PROT_NAMES[d.prot]}]` : ''}${who}: +${popcount32(gained)} −${popcount32(lost)} pages from page ${first}`;
    } else text = `block ${d.block} ${d.field}: ${x} → ${y}`;
  } else if (heap === m.hScalars) {
    if (idx === 0) {
      fields.ns = y - x;
      text = `clock ${x} → ${y} ns`;
    } else {
      fields.counter = COUNTERS[idx - COUNTER_BASE];
      text = `${COUNTERS[idx - COUNTER_BASE]} ${x} → ${y}`;
    }
  } else if (kind === K.chunkState) {
    fields.chunk = obj;
    text = `chunk ${obj}: ${CHUNK_STATE_NAMES[x] ?? x} → ${CHUNK_STATE_NAMES[y] ?? y}`;
  } else {
    fields.obj = obj;
    text = `${name} ${store.heapName(heap)}[${idx}]: ${x} → ${y}`;
  }
  return { index: t, kind: name, type: 'state', heap: store.heapName(heap), obj, before: x, after: y, fields, text };
}
