/**
 * The gdrcopy model's invariants at the cursor; each message names the object and the rule.
 *
 *  G1  a file's live mrs have distinct, non-overlapping handle ranges [handle, handle + mapped_size >> PAGE_SHIFT),
 *      all below its next_handle;
 *  G2  a mapped mr (cpu_mapping_type != NONE) has a live VMA of its own file, at pgoff = handle, on its file's
 *      address_space, and mr->mapping is that address_space;
 *  G3  an invalidated mr (cb_flag) has no page table, is not mapped, and any VMA it still has holds no PTEs (once
 *      the free callback has released mr->sem: while it holds it, G2, G3 and G7 are suspended for that mr);
 *  G4  a live page table's entries lie in its GPU's BAR1 window, 64 KiB aligned, and no BAR1 page is pinned twice;
 *  G5  a VMA's present count matches its PTE bitmap, an unmapped VMA has no PTEs, live VMAs of a process don't
 *      overlap, and a VMA's PTEs never reach past its length;
 *  G6  a freed mr has no page table and is not mapped; a released file has no mr on its list; each file's mr count
 *      matches its list;
 *  G7  an mr on freed GPU memory has no page table.
 */

import { popcount32 } from '../core/bits';
import { bar1Base, bar1Pages } from './bar1';
import type { Gdr } from './gdr';
import { MappingType } from './kinds';
import * as L from './state';

export function gdrInvariants(g: Gdr, limit = 20): string[] {
  const s = g.s;
  const out: string[] = [];
  const say = (msg: string) => {
    if (out.length < limit) out.push(msg);
  };
  const bar1Used = new Map<number, number>();
  const liveByFile = new Map<number, number>();
  for (let m = 0; m < s.mrs; m++) {
    const state = s.mr(m, L.M_STATE);
    const f = s.mr(m, L.M_FILE);
    const pt = s.pageTable(m);
    const type = s.mr(m, L.M_TYPE);
    const v = s.mr(m, L.M_VMA) - 1;
    // G4: any page table, whatever the mr's state
    if (pt) {
      const gpu = s.buffer(s.mr(m, L.M_BUFFER), L.B_GPU);
      const base = bar1Base(gpu);
      const pages = bar1Pages(g.bar1Bytes);
      for (const a of pt) {
        const p = (a - base) / L.GPU_PAGE_SIZE;
        if (!Number.isInteger(p) || p < 0 || p >= pages) say(`G4 mr ${m}: entry 0x${a.toString(16)} is not a 64 KiB page of GPU ${gpu}'s BAR1`);
        const key = gpu * 2 ** 40 + p;
        if (bar1Used.has(key)) say(`G4 BAR1 page ${p} of GPU ${gpu} is pinned by mrs ${bar1Used.get(key)} and ${m}`);
        bar1Used.set(key, m);
      }
    }
    if (state === 2 || state === 3) {
      if (pt) say(`G6 mr ${m} is freed but still has a page table`);
      if (type !== MappingType.none) say(`G6 mr ${m} is freed but still mapped`);
      continue;
    }
    if (state !== 1) continue;
    liveByFile.set(f, (liveByFile.get(f) ?? 0) + 1);
    // G1
    const h = s.mr(m, L.M_HANDLE);
    const span = Math.max(1, s.mr(m, L.M_MAPPED_SIZE) / L.PAGE_SIZE);
    if (h + span > s.file(f, L.F_NEXT_HANDLE)) say(`G1 mr ${m}: handle range [${h}, ${h + span}) reaches past next_handle ${s.file(f, L.F_NEXT_HANDLE)} of file ${f}`);
    for (let n = m + 1; n < s.mrs; n++) {
      if (s.mr(n, L.M_STATE) !== 1 || s.mr(n, L.M_FILE) !== f) continue;
      const h2 = s.mr(n, L.M_HANDLE);
      const span2 = Math.max(1, s.mr(n, L.M_MAPPED_SIZE) / L.PAGE_SIZE);
      if (h < h2 + span2 && h2 < h + span) say(`G1 mrs ${m} and ${n} of file ${f} have overlapping handle ranges`);
    }
    // an mr under its rw_semaphore (the free callback at work) is mid-change: G2, G3 and G7 hold again at up_write
    if (s.mr(m, L.M_SEM) === 1) continue;
    // G2
    if (type !== MappingType.none) {
      if (v < 0 || s.vma(v, L.V_STATE) !== 1) say(`G2 mr ${m} is mapped but has no live VMA`);
      else {
        const space = s.file(f, L.F_MAPPING);
        if (s.vma(v, L.V_FILE) !== f) say(`G2 mr ${m}'s VMA ${v} belongs to file ${s.vma(v, L.V_FILE)}, not ${f}`);
        if (s.vma(v, L.V_PGOFF) !== h) say(`G2 mr ${m}'s VMA ${v} has pgoff ${s.vma(v, L.V_PGOFF)}, not its handle ${h}`);
        if (s.vma(v, L.V_MAPPING) !== space) say(`G2 mr ${m}'s VMA ${v} is on address_space ${s.vma(v, L.V_MAPPING)}, not its file's ${space}`);
        if (s.mr(m, L.M_MAPPING) - 1 !== space) say(`G2 mr ${m}: mr->mapping is ${s.mr(m, L.M_MAPPING) - 1}, not its file's ${space}`);
      }
    }
    // G3
    if (s.mr(m, L.M_CB_FLAG) === 1) {
      if (pt) say(`G3 mr ${m} is invalidated but has a page table`);
      if (type !== MappingType.none) say(`G3 mr ${m} is invalidated but still mapped`);
      if (v >= 0 && s.vma(v, L.V_PRESENT) > 0) say(`G3 mr ${m} is invalidated but its VMA ${v} still has ${s.vma(v, L.V_PRESENT)} PTEs`);
    }
    // G7
    if (pt && s.buffer(s.mr(m, L.M_BUFFER), L.B_STATE) !== 1) say(`G7 mr ${m} has a page table on freed GPU memory`);
  }
  // G6
  for (let f = 0; f < s.files; f++) {
    const live = liveByFile.get(f) ?? 0;
    if (s.file(f, L.F_MRS) !== live) say(`G6 file ${f} counts ${s.file(f, L.F_MRS)} mrs but ${live} are on its list`);
    if (s.file(f, L.F_OPEN) !== 1 && live > 0) say(`G6 file ${f} is released but still has ${live} mrs`);
  }
  // G5
  const h = g.store.u32(s.hBits);
  for (let v = 0; v < s.vmas; v++) {
    const pages = s.vma(v, L.V_LEN) / L.PAGE_SIZE;
    const base = s.vma(v, L.V_BITS);
    let count = 0;
    for (let w = 0; w < Math.ceil(pages / 32); w++) count += popcount32(base + w < h.length ? h[base + w] : 0);
    if (count !== s.vma(v, L.V_PRESENT)) say(`G5 VMA ${v} counts ${s.vma(v, L.V_PRESENT)} PTEs but its bitmap has ${count}`);
    const tailWord = Math.floor(pages / 32);
    if (pages % 32 && base + tailWord < h.length && h[base + tailWord] >>> (pages % 32) !== 0) say(`G5 VMA ${v} has PTEs past its end`);
    if (s.vma(v, L.V_STATE) !== 1) {
      if (count) say(`G5 VMA ${v} is unmapped but has ${count} PTEs`);
      continue;
    }
    for (let u = v + 1; u < s.vmas; u++) {
      if (s.vma(u, L.V_STATE) !== 1 || s.vma(u, L.V_PROC) !== s.vma(v, L.V_PROC)) continue;
      const a = s.vma(v, L.V_START);
      const b = s.vma(u, L.V_START);
      if (a < b + s.vma(u, L.V_LEN) && b < a + s.vma(v, L.V_LEN)) say(`G5 VMAs ${v} and ${u} of process ${s.vma(v, L.V_PROC)} overlap`);
    }
  }
  return out;
}
