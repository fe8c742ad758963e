/**
 * Everything that takes a gdr mapping or pin away: the GPU driver's free callback (gdrdrv.c:
 * gdrdrv_get_pages_free_callback, fired e.g. by cudaFree), the zap it and unpin share (gdr_mr_destroy_all_mappings →
 * gdrdrv_zap_vma → unmap_mapping_range), gdr_unmap (munmap → gdrdrv_vma_close), gdr_unpin_buffer
 * (__gdrdrv_unpin_buffer → gdr_free_mr_unlocked → nvidia_p2p_put_pages) and close (gdrdrv_release).
 *
 * The zap runs on mr->mapping, the address_space the mapping's file had (filp->f_mapping). unmap_mapping_range
 * removes the PTEs of every VMA in that address_space's i_mmap whose file offsets overlap [vm_pgoff, vm_pgoff + len);
 * the VMAs themselves stay (a later touch gets SIGBUS). The model keeps its own small registry of gdr VMAs (state.ts)
 * and walks the ones on that address_space.
 *
 * Costs: apiperf's unmap 4.7 µs and unpin 677 µs for 64 KiB on a V100 (published), whatever the size. The free
 * callback runs inside the GPU driver's free path and is charged nothing.
 */

import { fnCudaFree, fnFreeCallback, fnFreeMr, fnGdrUnmap, fnGdrUnpin, fnGdrdrvRelease, fnUnpinBuffer, fnZapVma } from './code';
import { PUBLISHED_API_US } from './cost';
import type { Gdr } from './gdr';
import { GdrError, GdrOp, GK, MappingType } from './kinds';
import {
  B_STATE,
  F_MRS,
  F_OPEN,
  M_BUFFER,
  M_CB_FLAG,
  M_ENTRIES,
  M_FILE,
  M_HANDLE,
  M_MAPPING,
  M_PT,
  M_SEM,
  M_STATE,
  M_TYPE,
  M_VMA,
  PAGE_SIZE,
  V_FILE,
  V_LEN,
  V_MAPPING,
  V_MR,
  V_PGOFF,
  V_STATE,
} from './state';

/** gdr_mr_destroy_all_mappings(mr): zap its one VMA (if any) on mr->mapping; the mr is no longer mapped. */
function destroyAllMappings(g: Gdr, m: number): void {
  const v = g.s.mr(m, M_VMA) - 1;
  if (v >= 0) zapVma(g, m, g.s.mr(m, M_MAPPING) - 1, v);
  g.s.setMr(m, M_TYPE, MappingType.none);
}

/** gdrdrv_zap_vma(mapping, vma) → unmap_mapping_range(mapping, vm_pgoff << PAGE_SHIFT, vm_end − vm_start). */
function zapVma(g: Gdr, m: number, mapping: number, vma: number): void {
  const { s, steps } = g;
  steps.enter(fnZapVma.at.entry);
  steps.at(fnZapVma.at.range);
  const first = s.vma(vma, V_PGOFF);
  const end = first + s.vma(vma, V_LEN) / PAGE_SIZE;
  g.store.event(GK.gdrZapRange, mapping, m, first, end - first);
  steps.at(fnZapVma.at.walk);
  const file = s.mr(m, M_FILE);
  for (let v = 0; v < s.vmas; v++) {
    if (s.vma(v, V_STATE) !== 1 || s.vma(v, V_MAPPING) !== mapping) continue;
    const lo = Math.max(first, s.vma(v, V_PGOFF));
    const hi = Math.min(end, s.vma(v, V_PGOFF) + s.vma(v, V_LEN) / PAGE_SIZE);
    if (lo >= hi) continue;
    const other = s.vma(v, V_FILE) !== file;
    steps.at(other ? fnZapVma.at.other : fnZapVma.at.own);
    const pg = s.vma(v, V_PGOFF);
    const removed = s.setPtes(v, lo - pg, hi - pg, false);
    g.store.event(GK.gdrZapVma, v, s.vma(v, V_MR), other ? 1 : 0, removed);
  }
  steps.leave();
}

/** gdrdrv_get_pages_free_callback(mr): the GPU driver takes the pages back. */
export function freeCallback(g: Gdr, m: number): void {
  const { s, steps } = g;
  steps.enter(fnFreeCallback.at.entry);
  steps.at(fnFreeCallback.at.flag);
  s.setMr(m, M_SEM, 1);
  s.setMr(m, M_CB_FLAG, 1);
  if (s.mr(m, M_PT) !== 0) {
    steps.at(fnFreeCallback.at.freeTable);
    s.freePageTable(m);
    g.store.event(GK.gdrFreeCallback, m, s.mr(m, M_FILE), s.mr(m, M_HANDLE), s.mr(m, M_ENTRIES));
    if (s.mr(m, M_TYPE) !== MappingType.none) {
      steps.at(fnFreeCallback.at.zap);
      destroyAllMappings(g, m);
    }
  }
  steps.at(fnFreeCallback.at.clear);
  s.setMr(m, M_SEM, 0);
  steps.leave();
}

/** cudaFree(buffer): the free callback of every pin on it, then the memory is released. */
export function cudaFree(g: Gdr, b: number): void {
  const { s, steps } = g;
  if (s.buffer(b, B_STATE) !== 1) throw new Error(`device buffer ${b} is freed already`);
  steps.enter(fnCudaFree.at.entry);
  steps.at(fnCudaFree.at.callbacks);
  for (let m = 0; m < s.mrs; m++) {
    if (s.mr(m, M_STATE) === 1 && s.mr(m, M_BUFFER) === b && s.mr(m, M_PT) !== 0) freeCallback(g, m);
  }
  steps.at(fnCudaFree.at.release);
  s.setBuffer(b, B_STATE, 2);
  steps.leave();
}

/** munmap of a gdr VMA: its PTEs and the VMA go; gdrdrv_vma_close forgets it in the mr of handle vm_pgoff. */
function munmapVma(g: Gdr, v: number, closeLine: number): void {
  const s = g.s;
  s.setPtes(v, 0, s.vma(v, V_LEN) / PAGE_SIZE, false);
  s.setVma(v, V_STATE, 2);
  if (closeLine >= 0) g.steps.at(closeLine);
  const file = s.vma(v, V_FILE);
  for (let m = 0; m < s.mrs; m++) {
    if (s.mr(m, M_STATE) === 1 && s.mr(m, M_FILE) === file && s.mr(m, M_HANDLE) === s.vma(v, V_PGOFF)) {
      s.setMr(m, M_VMA, 0);
      s.setMr(m, M_TYPE, MappingType.none);
    }
  }
}

/** gdr_unmap(mh): munmap of the mapping gdr_map made. */
export function unmapBuffer(g: Gdr, m: number): boolean {
  const { s, steps } = g;
  steps.enter(fnGdrUnmap.at.entry);
  const v = s.mr(m, M_VMA) - 1;
  if (s.mr(m, M_STATE) !== 1 || v < 0) {
    steps.at(fnGdrUnmap.at.notMapped);
    g.refuse(m, GdrOp.unmap, GdrError.notMapped);
    steps.leave();
    return false;
  }
  steps.at(fnGdrUnmap.at.munmap);
  g.clock.spend(PUBLISHED_API_US.unmap * 1000);
  munmapVma(g, v, fnGdrUnmap.at.close);
  steps.leave();
  return true;
}

/** gdr_free_mr_unlocked(mr): put the pages unless the free callback took them already. */
function freeMr(g: Gdr, m: number): void {
  const { s, steps } = g;
  steps.enter(fnFreeMr.at.entry);
  if (s.mr(m, M_PT) !== 0) {
    steps.at(fnFreeMr.at.putPages);
    g.store.event(GK.gdrPutPages, m, s.mr(m, M_FILE), s.mr(m, M_HANDLE), s.mr(m, M_ENTRIES));
    s.freePageTable(m);
  } else {
    steps.at(fnFreeMr.at.skip);
  }
  steps.at(fnFreeMr.at.kfree);
  s.setMr(m, M_STATE, 2);
  steps.leave();
}

/** Off the list and freed: __gdrdrv_unpin_buffer and gdrdrv_release share this. */
function destroyMr(g: Gdr, m: number, zapLine: number, unlinkLine: number): void {
  const s = g.s;
  if (s.mr(m, M_TYPE) !== MappingType.none) {
    g.steps.at(zapLine);
    destroyAllMappings(g, m);
  }
  g.steps.at(unlinkLine);
  const f = s.mr(m, M_FILE);
  s.setMr(m, M_STATE, 4);
  s.setFile(f, F_MRS, s.file(f, F_MRS) - 1);
  freeMr(g, m);
}

/** gdr_unpin_buffer(mh) → __gdrdrv_unpin_buffer. */
export function unpinBuffer(g: Gdr, m: number): boolean {
  const { s, steps } = g;
  steps.enter(fnGdrUnpin.at.entry);
  steps.at(fnGdrUnpin.at.ioctl);
  steps.enter(fnUnpinBuffer.at.entry);
  steps.at(fnUnpinBuffer.at.find);
  if (s.mr(m, M_STATE) !== 1) {
    g.refuse(m, GdrOp.unpin, GdrError.noHandle);
    steps.leave();
    steps.leave();
    return false;
  }
  g.clock.spend(PUBLISHED_API_US.unpin * 1000);
  destroyMr(g, m, fnUnpinBuffer.at.zap, fnUnpinBuffer.at.unlink);
  steps.leave();
  steps.at(fnGdrUnpin.at.ret);
  steps.leave();
  return true;
}

/**
 * close(fd) → gdrdrv_release. Each VMA holds a reference to the file, so the release runs only after they are
 * unmapped; the model unmaps them first (as munmap or exit_mmap would), then frees every mr still on the list.
 */
export function releaseFile(g: Gdr, f: number): void {
  const { s, steps } = g;
  steps.enter(fnGdrdrvRelease.at.entry);
  for (let v = 0; v < s.vmas; v++) {
    if (s.vma(v, V_STATE) !== 1 || s.vma(v, V_FILE) !== f) continue;
    steps.at(fnGdrdrvRelease.at.exitMmap);
    munmapVma(g, v, -1);
  }
  // list_add puts new mrs at the head, so the walk meets the newest first
  for (let m = s.mrs - 1; m >= 0; m--) {
    if (s.mr(m, M_STATE) !== 1 || s.mr(m, M_FILE) !== f) continue;
    destroyMr(g, m, fnGdrdrvRelease.at.each, fnGdrdrvRelease.at.each);
  }
  steps.at(fnGdrdrvRelease.at.free);
  s.setFile(f, F_OPEN, 2);
  steps.leave();
}
