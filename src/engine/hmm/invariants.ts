/**
 * Invariants of the HMM model, each returning messages for the violations found (empty = holds):
 *
 *  HM1 free list: every page on a device's free_pages is free (not allocated, refcount 0, no backing page), lies in
 *      a live chunk of that device not being removed, and the list has no cycle and the recorded length; every page
 *      flagged free is on it;
 *  HM2 every device-private PTE points to an allocated device page of a live chunk that is flagged mapped, holds a
 *      reference, and whose rmap (mm, VA) is that PTE; no page is mapped twice; every page flagged mapped has its PTE;
 *  HM3 every device pt entry points to an allocated page: a device page whose device-private PTE at that VA is the
 *      one in pt (and the mirror's device owns it), or a system page the CPU maps at that VA; a WRITE tag needs a
 *      writable PTE; entry counts add up;
 *  HM4 counts add up: per device calloc − cfree − gone = pages allocated = the chunks' allocated counts; a live chunk
 *      not being removed has untouched + free + allocated = its pages; a released chunk has no allocated page;
 *      devmem_count = live chunks; every allocated page has its own allocated backing rpage;
 *  HM5 outside an operation (no migrate args open): no migration entry in any process, no locked device page, every
 *      allocated device page is mapped with exactly the PTE's reference, and the args are all zero.
 */

import type { Hmm } from './hmm';
import {
  A_ACTIVE,
  A_NPAGES,
  ARGS_HEADER,
  C_ALLOCATED,
  C_BASE,
  C_DEV,
  C_NPAGES,
  C_REMOVE,
  C_STATE,
  C_UNUSED,
  ChunkState,
  DP,
  DPT_XA_TAG_WRITE,
  M_DEV,
  M_ENTRIES,
  M_MM,
  P_COUNT,
  P_MM,
  P_NEXT,
  PAGE_SIZE,
  ptFrame,
  ptIsDevice,
  ptTag,
  V_CALLOC,
  V_CFREE,
  V_COUNT,
  V_FREE_COUNT,
  V_FREE_HEAD,
  V_GONE,
} from './state';
import { pteKind, PteKind, ptePfn, pteWritable } from '../cpu/pte';

const VA_LIMIT = 2 ** 48;

/**
 * `scope` 'step' leaves out HM1, HM4 and HM5 (they hold only outside mdevice's locks and a migration's page locks,
 * run/invariant-rules.ts) and the pass over every device page that feeds them and the pages' side of HM2; the PTE
 * side of HM2 and HM3 remain.
 */
export function hmmInvariants(h: Hmm, limit = 50, scope: 'all' | 'step' = 'all'): string[] {
  const out: string[] = [];
  const say = (msg: string): void => {
    if (out.length < limit) out.push(msg);
  };
  const st = h.st;
  const cpu = h.cpu;
  const liveChunk = (p: number): boolean => st.chunk(st.chunkOf(p), C_STATE) === ChunkState.live;

  // HM1
  const step = scope === 'step';
  const onList = new Set<number>();
  for (let d = 1; d <= h.devices && !step; d++) {
    let n = 0;
    for (let p = st.dev(d, V_FREE_HEAD) - 1; p >= 0; p = st.page(p, P_NEXT) - 1) {
      if (onList.has(p)) {
        say(`HM1 device ${d}: free_pages has a cycle at page ${p}`);
        break;
      }
      onList.add(p);
      n++;
      const c = st.chunkOf(p);
      if (!st.has(p, DP.free) || st.has(p, DP.alloc) || st.page(p, P_COUNT) !== 0 || st.rpage(p) >= 0) say(`HM1 device ${d}: page ${p} on free_pages is not free`);
      if (st.chunk(c, C_DEV) !== d || !liveChunk(p) || st.chunk(c, C_REMOVE)) say(`HM1 device ${d}: page ${p} on free_pages is in chunk ${c} (device ${st.chunk(c, C_DEV)}, state ${st.chunk(c, C_STATE)}, remove ${st.chunk(c, C_REMOVE)})`);
    }
    if (n !== st.dev(d, V_FREE_COUNT)) say(`HM1 device ${d}: free_pages holds ${n} pages, recorded ${st.dev(d, V_FREE_COUNT)}`);
  }

  // HM4 (and the per-page scan HM1/HM5 need)
  const allocatedOf = new Map<number, number>();
  const freeOf = new Map<number, number>();
  const rpages = new Set<number>();
  const allocated: number[] = [];
  for (let c = 0; c < st.chunkCount(); c++) {
    const base = st.chunk(c, C_BASE);
    const n = st.chunk(c, C_NPAGES);
    let a = 0;
    let f = 0;
    // the page scan feeds HM1, HM4 and the pages' side of HM2/HM5, all checked between ops; per step it would cost a
    // pass over every device page (65,536 a chunk)
    if (step) continue;
    for (let k = 0; k < n; k++) {
      const p = base + k;
      if (st.has(p, DP.free)) {
        f++;
        if (!step && !onList.has(p)) say(`HM1 page ${p}: flagged free but not on free_pages`);
      }
      if (!st.has(p, DP.alloc)) continue;
      a++;
      allocated.push(p);
      const r = st.rpage(p);
      if (r < 0 || h.mem.isFree(r)) say(`HM4 page ${p}: allocated without an allocated backing page (${r})`);
      else if (rpages.has(r)) say(`HM4 page ${p}: backing page ${r} shared with another device page`);
      rpages.add(r);
    }
    if (step) continue;
    const d = st.chunk(c, C_DEV);
    allocatedOf.set(d, (allocatedOf.get(d) ?? 0) + a);
    freeOf.set(c, f);
    if (a !== st.chunk(c, C_ALLOCATED)) say(`HM4 chunk ${c}: ${a} pages allocated, recorded ${st.chunk(c, C_ALLOCATED)}`);
    const state = st.chunk(c, C_STATE);
    if (state === ChunkState.released && a) say(`HM4 chunk ${c}: released with ${a} pages allocated`);
    if (state === ChunkState.live && !st.chunk(c, C_REMOVE) && st.chunk(c, C_UNUSED) + f + a !== n)
      say(`HM4 chunk ${c}: untouched ${st.chunk(c, C_UNUSED)} + free ${f} + allocated ${a} ≠ ${n} pages`);
  }
  for (let d = 1; d <= h.devices && !step; d++) {
    const a = allocatedOf.get(d) ?? 0;
    const expect = st.dev(d, V_CALLOC) - st.dev(d, V_CFREE) - st.dev(d, V_GONE);
    if (a !== expect) say(`HM4 device ${d}: ${a} pages allocated but calloc ${st.dev(d, V_CALLOC)} − cfree ${st.dev(d, V_CFREE)} − gone ${st.dev(d, V_GONE)} = ${expect}`);
    let live = 0;
    for (let c = 0; c < st.chunkCount(); c++) if (st.chunk(c, C_DEV) === d && st.chunk(c, C_STATE) === ChunkState.live) live++;
    if (live !== st.dev(d, V_COUNT)) say(`HM4 device ${d}: devmem_count ${st.dev(d, V_COUNT)} but ${live} live chunks`);
  }

  // HM2, HM5 (PTE side)
  const active = h.st.arg(A_ACTIVE) !== 0;
  const mappedBy = new Map<number, string>();
  for (let mm = 0; mm < cpu.vmas.mmCount(); mm++) {
    const pgd = cpu.pgd(mm);
    if (pgd < 0) continue;
    cpu.tables.forEachPte(pgd, 0, VA_LIMIT, (va, _t, _i, pte) => {
      const kind = pteKind(pte);
      const at = `mm ${mm} VA ${va.toString(16)}`;
      if (kind === PteKind.migration && !active && !step) say(`HM5 ${at}: a migration entry outside any migration`);
      if (kind !== PteKind.devicePrivate) return;
      const p = ptePfn(pte);
      if (!st.has(p, DP.alloc) || !liveChunk(p)) {
        say(`HM2 ${at}: device-private entry to page ${p} that is not allocated in a live chunk`);
        return;
      }
      if (!st.has(p, DP.mapped) || st.page(p, P_MM) !== mm + 1 || st.pageVa(p) !== va) say(`HM2 ${at}: page ${p}'s rmap says mm ${st.page(p, P_MM) - 1} VA ${st.pageVa(p).toString(16)} (mapped ${st.has(p, DP.mapped)})`);
      if (st.page(p, P_COUNT) < 1) say(`HM2 ${at}: page ${p} has no reference for its PTE`);
      if (mappedBy.has(p)) say(`HM2 ${at}: page ${p} is also mapped at ${mappedBy.get(p)}`);
      mappedBy.set(p, at);
    });
  }
  for (const p of allocated) {
    if (st.has(p, DP.mapped) && !mappedBy.has(p)) say(`HM2 page ${p}: flagged mapped but no device-private PTE points to it`);
    if (active) continue;
    if (st.has(p, DP.locked)) say(`HM5 page ${p}: locked outside any migration`);
    if (!mappedBy.has(p) || st.page(p, P_COUNT) !== 1) say(`HM5 page ${p}: allocated with refcount ${st.page(p, P_COUNT)}, mapped ${mappedBy.has(p)}`);
  }
  if (!active && !step) {
    const a = st.store.heaps[st.hArgs];
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) {
      say(`HM5 migrate args word ${i} is ${a[i]} outside any migration (npages ${st.arg(A_NPAGES)}, header ${ARGS_HEADER})`);
      break;
    }
  }

  // HM3
  for (let m = 0; m < st.mirrorCount(); m++) {
    const mm = st.mirror(m, M_MM) - 1;
    const dev = st.mirror(m, M_DEV);
    let n = 0;
    h.forEachPt(m, 0, 2 ** 36, (vpfn, e) => {
      n++;
      const va = vpfn * PAGE_SIZE;
      const at = `HM3 mirror ${m} (device ${dev}, mm ${mm}) VA ${va.toString(16)}`;
      const pte = cpu.pte(mm, va);
      const f = ptFrame(e);
      if (ptIsDevice(e)) {
        if (!st.has(f, DP.alloc)) say(`${at}: device page ${f} is not allocated`);
        else if (st.deviceOf(f) !== dev) say(`${at}: device page ${f} belongs to device ${st.deviceOf(f)}`);
        if (!active && (pteKind(pte) !== PteKind.devicePrivate || ptePfn(pte) !== f)) say(`${at}: pt has device page ${f} but the CPU PTE is ${pte}`);
      } else {
        if (h.mem.isFree(f)) say(`${at}: system page ${f} is free`);
        if (!active && (pteKind(pte) !== PteKind.present || ptePfn(pte) !== f)) say(`${at}: pt has system page ${f} but the CPU PTE is ${pte}`);
      }
      if (!active && ptTag(e) === DPT_XA_TAG_WRITE && !pteWritable(pte)) say(`${at}: WRITE-tagged but the CPU PTE is read-only`);
    });
    if (n !== st.mirror(m, M_ENTRIES)) say(`HM3 mirror ${m}: ${n} pt entries, recorded ${st.mirror(m, M_ENTRIES)}`);
  }
  return out;
}
