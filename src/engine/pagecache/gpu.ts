/**
 * GAIA's GPU pages in the page cache (mm/filemap.c add_to_page_cache_gpu, __delete_from_page_cache_gpu,
 * page_cache_tree_insert/delete GPU branches; research/gaia-hmm-gdr.md §1.4). A GPU page is the UVM driver's CPU
 * backing struct page for a 64 KiB group of 16 file pages; it sits in the leaf's gpu_pages[gpu][(index % 64) / 16],
 * not in slots[], keeps its nodes alive through count_gpu, carries ON_GPU on its 16 indices and the GPU rows of the
 * TSVT, and is listed newest first on mapping->gpu_lra. GAIA also counts it in nrpages; the model keeps CPU pages
 * (nrpages) and GPU pages (gpu_cached_data_sz) apart.
 */

import { P_GPU_VMA, P_INDEX, P_LRA_NEXT, P_LRA_PREV, P_MAPPING, PG } from '../cpu/memmap';
import type { PageCache } from './filemap';
import { PK } from './kinds';
import { F_LRA_HEAD, F_LRA_TAIL, F_NRGPU, GPU_GROUP, MAP_SIZE, Tag } from './radix';
import { fnAddGpu, fnDeleteGpu } from './code';

/** add_to_page_cache_gpu: GPU page `pfn` (UVM's backing struct page) covers the 64 KiB group holding `index`. */
export function addToPageCacheGpu(pc: PageCache, pfn: number, f: number, index: number, gpu: number, sharedAddr = 0, gpuVma = -1): void {
  const s = pc.steps;
  const r = pc.radix;
  const first = index - (index % GPU_GROUP);
  const g = Math.floor((first % MAP_SIZE) / GPU_GROUP);
  if (gpu < 0 || gpu >= r.gpus) throw new RangeError(`no GPU ${gpu}`);
  s.enter(fnAddGpu.at.entry);
  s.at(fnAddGpu.at.insert);
  const leaf = r.createPath(f, first);
  if (r.gpuSlot(leaf, gpu, g) >= 0) throw new Error(`file ${f} already has a GPU ${gpu} page at index ${first}`);
  r.setGpuSlot(leaf, gpu, g, pfn);
  pc.mem.get(pfn);
  pc.mem.setFlag(pfn, PG.onGPU | PG.private);
  pc.mem.set(pfn, P_MAPPING, f + 1);
  pc.mem.set(pfn, P_INDEX, first);
  pc.mem.set(pfn, P_GPU_VMA, gpuVma + 1);
  pc.mem.setSharedAddr(pfn, sharedAddr);
  s.at(fnAddGpu.at.count);
  r.addCountGpu(leaf, 1);
  s.at(fnAddGpu.at.version);
  for (let k = 0; k < GPU_GROUP; k++) pc.tsvt.initRowFromLatest(leaf, (first % MAP_SIZE) + k, gpu, gpu);
  s.at(fnAddGpu.at.tag);
  for (let k = 0; k < GPU_GROUP; k++) r.tagSet(f, first + k, Tag.onGpu);
  s.at(fnAddGpu.at.lra);
  const head = r.file(f, F_LRA_HEAD);
  pc.mem.set(pfn, P_LRA_NEXT, head);
  if (head !== 0) pc.mem.set(head - 1, P_LRA_PREV, pfn + 1);
  else r.setFile(f, F_LRA_TAIL, pfn + 1);
  r.setFile(f, F_LRA_HEAD, pfn + 1);
  r.setFile(f, F_NRGPU, r.file(f, F_NRGPU) + 1);
  pc.store.event(PK.gpuInsert, f, first, gpu, pfn);
  s.leave();
}

/**
 * __delete_from_page_cache_gpu: drop GPU `gpu`'s page covering `index`; returns its pfn or -1. ON_GPU is cleared
 * only where no other GPU still holds the group (GAIA exercises one GPU; this keeps the tag meaningful for two).
 */
export function deleteFromPageCacheGpu(pc: PageCache, f: number, index: number, gpu: number): number {
  const s = pc.steps;
  const r = pc.radix;
  const first = index - (index % GPU_GROUP);
  const leaf = r.leafOf(f, first);
  if (leaf < 0) return -1;
  const g = Math.floor((first % MAP_SIZE) / GPU_GROUP);
  const pfn = r.gpuSlot(leaf, gpu, g);
  if (pfn < 0) return -1;
  s.enter(fnDeleteGpu.at.entry);
  s.at(fnDeleteGpu.at.tag);
  let others = false;
  for (let o = 0; o < r.gpus; o++) if (o !== gpu && r.gpuSlot(leaf, o, g) >= 0) others = true;
  if (!others) for (let k = 0; k < GPU_GROUP; k++) r.tagClearAt(f, leaf, (first % MAP_SIZE) + k, Tag.onGpu);
  s.at(fnDeleteGpu.at.slot);
  r.setGpuSlot(leaf, gpu, g, -1);
  s.at(fnDeleteGpu.at.version);
  for (let k = 0; k < GPU_GROUP; k++) {
    const slot = (first % MAP_SIZE) + k;
    pc.tsvt.resetRow(leaf, slot, gpu, pc.tsvt.version(leaf, slot, pc.disk, pc.disk));
  }
  s.at(fnDeleteGpu.at.count);
  r.addCountGpu(leaf, -1);
  r.deleteUpward(f, leaf);
  s.at(fnDeleteGpu.at.lra);
  const prev = pc.mem.word(pfn, P_LRA_PREV);
  const next = pc.mem.word(pfn, P_LRA_NEXT);
  if (prev !== 0) pc.mem.set(prev - 1, P_LRA_NEXT, next);
  else r.setFile(f, F_LRA_HEAD, next);
  if (next !== 0) pc.mem.set(next - 1, P_LRA_PREV, prev);
  else r.setFile(f, F_LRA_TAIL, prev);
  pc.mem.set(pfn, P_LRA_PREV, 0);
  pc.mem.set(pfn, P_LRA_NEXT, 0);
  r.setFile(f, F_NRGPU, r.file(f, F_NRGPU) - 1);
  pc.mem.clearFlag(pfn, PG.onGPU | PG.private);
  pc.mem.set(pfn, P_MAPPING, 0);
  pc.mem.set(pfn, P_INDEX, 0);
  pc.mem.set(pfn, P_GPU_VMA, 0);
  pc.mem.setSharedAddr(pfn, 0);
  pc.store.event(PK.gpuDelete, f, first, gpu, pfn);
  pc.mem.put(pfn);
  s.leave();
  return pfn;
}
