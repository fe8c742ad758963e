/**
 * Plain-data views of the HMM model for the app: devices with their chunks (a state per page), the free list, each
 * mirror's device page table, one device page in detail, and the current migrate arguments with src[] / dst[].
 * Pure reads of the heaps: the view at any step of a run is what the heaps hold there.
 */

import type { Hmm } from './hmm';
import {
  A_ACTIVE,
  A_CPAGES,
  A_END,
  A_FAULT_PAGE,
  A_FLAGS,
  A_MM,
  A_NPAGES,
  A_OWNER,
  A_PHASE,
  A_START,
  A_START_PFN,
  C_ALLOCATED,
  C_BASE,
  C_DEV,
  C_NPAGES,
  C_REMOVE,
  C_STATE,
  C_UNUSED,
  ChunkState,
  describeMpfn,
  describePtEntry,
  DP,
  DP_NAMES,
  DPT_XA_TAG_ATOMIC,
  DPT_XA_TAG_WRITE,
  M_DEV,
  M_ENTRIES,
  M_FAULTS,
  M_MM,
  M_SEQ,
  MIGRATE_PHASE_NAMES,
  P_COUNT,
  P_FLAGS,
  P_MM,
  P_NEXT,
  P_OWNER,
  PAGE_SIZE,
  ptFrame,
  ptIsDevice,
  ptTag,
  V_CALLOC,
  V_CAPACITY,
  V_CFREE,
  V_COUNT,
  V_FREE_COUNT,
  V_FREE_HEAD,
  V_GONE,
} from './state';

/** Per-page state of a chunk in HmmChunkView.pageStates. */
export const PageState = { untouched: 0, free: 1, allocated: 2, gone: 3, unlinked: 4 } as const;
export const PAGE_STATE_NAMES = ['free (never handed out)', 'free (on free_pages)', 'allocated', 'freed, not recycled (chunk removed)', 'off the free list (chunk removed)'];

export interface HmmChunkView {
  id: number;
  device: number;
  state: 'live' | 'released';
  remove: boolean;
  firstPage: number;
  pages: number;
  untouched: number;
  allocated: number;
  /** One PageState per page of the chunk. */
  pageStates: Uint8Array;
}

export interface HmmDeviceView {
  device: number;
  calloc: number;
  cfree: number;
  /** Pages freed while their chunk was being removed (not recycled). */
  gone: number;
  devmemCount: number;
  devmemCapacity: number;
  /** free_pages from the head: the threaded pages first (at most `limit`), then each chunk's untouched run. */
  freeList: number[];
  freeListTruncated: boolean;
  untouched: { chunk: number; from: number; count: number }[];
  freeTotal: number;
  chunks: HmmChunkView[];
}

export interface HmmPtEntryView {
  vpfn: number;
  va: number;
  device: boolean;
  frame: number;
  tag: 'read' | 'atomic' | 'write';
  text: string;
}

export interface HmmMirrorView {
  id: number;
  device: number;
  mm: number;
  notifierSeq: number;
  faults: number;
  entryCount: number;
  entries: HmmPtEntryView[];
}

export interface HmmMigrateEntryView {
  i: number;
  va: number;
  src: number;
  dst: number;
  srcText: string;
  dstText: string;
}

export interface HmmMigrateView {
  kind: 'none' | 'migrate_vma' | 'migrate_device_range';
  phase: string;
  mm: number;
  start: number;
  end: number;
  /** device range: first migrate-pfn frame of the chunk. */
  startPfn: number;
  npages: number;
  cpages: number;
  owner: number;
  selectFlags: number;
  faultPage: number;
  /** The whole arrays, npages long (encoded pfn << 6 | flags). */
  src: number[];
  dst: number[];
  /** The non-zero entries, decoded. */
  entries: HmmMigrateEntryView[];
}

export interface HmmDevicePageView {
  devPfn: number;
  chunk: number;
  device: number;
  flags: string[];
  refcount: number;
  /** BACKING_PAGE: the system pfn holding the bytes, -1 when none. */
  rpage: number;
  /** Owner mirror (rpage->zone_device_data), -1 when none. */
  mirror: number;
  /** Reverse map (page->mapping / index): the process and VA mapping it, -1 / 0 when none. */
  mm: number;
  va: number;
  /** free_pages link (zone_device_data) while free, -1 otherwise. */
  next: number;
}

export interface HmmView {
  devices: HmmDeviceView[];
  mirrors: HmmMirrorView[];
  migrate: HmmMigrateView;
}

export function devicePageView(h: Hmm, p: number): HmmDevicePageView {
  const st = h.st;
  const flags = st.page(p, P_FLAGS);
  return {
    devPfn: p,
    chunk: st.chunkOf(p),
    device: st.deviceOf(p),
    flags: DP_NAMES.filter((_n, i) => flags & (1 << i)),
    refcount: st.page(p, P_COUNT),
    rpage: st.rpage(p),
    mirror: st.page(p, P_OWNER) - 1,
    mm: st.page(p, P_MM) - 1,
    va: st.pageVa(p),
    next: st.has(p, DP.free) ? st.page(p, P_NEXT) - 1 : -1,
  };
}

function chunkView(h: Hmm, c: number): HmmChunkView {
  const st = h.st;
  const base = st.chunk(c, C_BASE);
  const n = st.chunk(c, C_NPAGES);
  const unused = st.chunk(c, C_UNUSED);
  const released = st.chunk(c, C_STATE) === ChunkState.released;
  const remove = st.chunk(c, C_REMOVE) !== 0;
  const states = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const p = base + k;
    if (st.has(p, DP.alloc)) states[k] = PageState.allocated;
    else if (st.has(p, DP.gone)) states[k] = PageState.gone;
    else if (st.has(p, DP.free)) states[k] = PageState.free;
    else if (k < unused) states[k] = PageState.untouched;
    else states[k] = remove || released ? PageState.unlinked : PageState.untouched;
  }
  return {
    id: c,
    device: st.chunk(c, C_DEV),
    state: released ? 'released' : 'live',
    remove,
    firstPage: base,
    pages: n,
    untouched: unused,
    allocated: st.chunk(c, C_ALLOCATED),
    pageStates: states,
  };
}

export function deviceView(h: Hmm, dev: number, limit = 4096): HmmDeviceView {
  const st = h.st;
  const freeList: number[] = [];
  let truncated = false;
  for (let p = st.dev(dev, V_FREE_HEAD) - 1, guard = 0; p >= 0 && guard <= st.dev(dev, V_FREE_COUNT); p = st.page(p, P_NEXT) - 1, guard++) {
    if (freeList.length >= limit) {
      truncated = true;
      break;
    }
    freeList.push(p);
  }
  const untouched: { chunk: number; from: number; count: number }[] = [];
  const chunks: HmmChunkView[] = [];
  for (let c = st.chunkCount() - 1; c >= 0; c--) {
    if (st.chunk(c, C_DEV) !== dev) continue;
    const u = st.chunk(c, C_UNUSED);
    if (st.chunk(c, C_STATE) === ChunkState.live && u > 0) untouched.push({ chunk: c, from: st.chunk(c, C_BASE) + u - 1, count: u });
  }
  for (let c = 0; c < st.chunkCount(); c++) if (st.chunk(c, C_DEV) === dev) chunks.push(chunkView(h, c));
  return {
    device: dev,
    calloc: st.dev(dev, V_CALLOC),
    cfree: st.dev(dev, V_CFREE),
    gone: st.dev(dev, V_GONE),
    devmemCount: st.dev(dev, V_COUNT),
    devmemCapacity: st.dev(dev, V_CAPACITY),
    freeList,
    freeListTruncated: truncated,
    untouched,
    freeTotal: st.dev(dev, V_FREE_COUNT) + untouched.reduce((a, u) => a + u.count, 0),
    chunks,
  };
}

export function mirrorView(h: Hmm, m: number): HmmMirrorView {
  const st = h.st;
  const entries: HmmPtEntryView[] = [];
  h.forEachPt(m, 0, 2 ** 36, (vpfn, e) => {
    const t = ptTag(e);
    entries.push({
      vpfn,
      va: vpfn * PAGE_SIZE,
      device: ptIsDevice(e),
      frame: ptFrame(e),
      tag: t === DPT_XA_TAG_WRITE ? 'write' : t === DPT_XA_TAG_ATOMIC ? 'atomic' : 'read',
      text: describePtEntry(e),
    });
  });
  return {
    id: m,
    device: st.mirror(m, M_DEV),
    mm: st.mirror(m, M_MM) - 1,
    notifierSeq: st.mirror(m, M_SEQ),
    faults: st.mirror(m, M_FAULTS),
    entryCount: st.mirror(m, M_ENTRIES),
    entries,
  };
}

export function migrateView(h: Hmm): HmmMigrateView {
  const st = h.st;
  const kind = st.arg(A_ACTIVE);
  const n = st.arg(A_NPAGES);
  const src: number[] = [];
  const dst: number[] = [];
  const entries: HmmMigrateEntryView[] = [];
  const start = st.arg(A_START);
  for (let i = 0; i < n; i++) {
    const s = st.src(i);
    const d = st.dst(i);
    src.push(s);
    dst.push(d);
    if (s !== 0 || d !== 0) entries.push({ i, va: kind === 1 ? start + i * PAGE_SIZE : 0, src: s, dst: d, srcText: describeMpfn(s), dstText: describeMpfn(d) });
  }
  return {
    kind: kind === 1 ? 'migrate_vma' : kind === 2 ? 'migrate_device_range' : 'none',
    phase: MIGRATE_PHASE_NAMES[st.arg(A_PHASE)] ?? 'none',
    mm: st.arg(A_MM) - 1,
    start,
    end: st.arg(A_END),
    startPfn: st.arg(A_START_PFN),
    npages: n,
    cpages: st.arg(A_CPAGES),
    owner: st.arg(A_OWNER),
    selectFlags: st.arg(A_FLAGS),
    faultPage: st.arg(A_FAULT_PAGE) - 1,
    src,
    dst,
    entries,
  };
}

export function hmmView(h: Hmm): HmmView {
  const devices: HmmDeviceView[] = [];
  for (let d = 1; d <= h.devices; d++) devices.push(deviceView(h, d));
  const mirrors: HmmMirrorView[] = [];
  for (let m = 0; m < h.st.mirrorCount(); m++) mirrors.push(mirrorView(h, m));
  return { devices, mirrors, migrate: migrateView(h) };
}

