/**
 * Invariants of the page cache, each returning messages for the violations found (empty = holds):
 *
 *  PC1 the tree is well formed: parent/offset/height/base links agree, a node's count is its occupied slots, no empty
 *      node is kept (count 0 and count_gpu 0), the file's height holds its root;
 *  PC2 tags agree with what is below: a leaf's ON_GPU bit is set iff some GPU page covers the slot; an inner node's
 *      bit is set iff the child below holds that tag anywhere; the root tag is set iff the root node holds the tag
 *      (holds outside mapping->tree_lock: radix_tree_tag_set climbs one node at a time);
 *  PC3 count_gpu equals the GPU pages below the node;
 *  PC4 struct pages agree with the tree: mapping/index point back, a CPU page carries the cache's reference on top of
 *      its PTEs' (count >= 1 + mapcount), a GPU page has PG_onGPU; nrpages, gpu_cached_data_sz and gpu_lra add up;
 *  PC5 freed nodes are blank (all words and their TSVT zero) so reuse starts from GAIA's initial table;
 *  PC6 (over a stretch of the log) versions only grow: every pcTsvt transition raises its version;
 *  PC7 a leaf's DIRTY/WRITEBACK/TOWRITE/CPU_DIRTY bit sits only on a slot that holds a page (tags are set after the
 *      page is inserted and cleared before it leaves: __delete_from_page_cache clears them first).
 * PC2 and PC4 hold outside mapping->tree_lock's critical sections, the others after every step
 * (run/invariant-rules.ts).
 */

import type { Store } from '../core/store';
import { PG } from '../cpu/memmap';
import type { PageCache } from './filemap';
import { PK } from './kinds';
import { F_HEIGHT, F_LRA_HEAD, F_NRGPU, F_NRPAGES, GPU_GROUP, GPU_SLOTS, MAP_SIZE, MAX_TAGS, maxIndex, N_BASE, N_COUNT, N_COUNT_GPU, N_FILE, N_HEIGHT, N_NEXT_FREE, N_OFFSET, N_PARENT, slotSpan, Tag, TAG_NAMES } from './radix';

/** `scope` 'step' checks only the rules that hold after every step (PC1, PC5, PC7) and skips the work of the others. */
export function checkPageCache(pc: PageCache, limit = 50, scope: 'all' | 'step' = 'all'): string[] {
  const all = scope === 'all';
  const out: string[] = [];
  const say = (m: string): void => {
    if (out.length < limit) out.push(m);
  };
  const r = pc.radix;
  const mem = pc.mem;
  const live = new Set<number>();
  for (let f = 0; f < r.fileCount(); f++) {
    const root = r.root(f);
    const height = r.file(f, F_HEIGHT);
    let pages = 0;
    let gpuPages = 0;
    if (root < 0) {
      if (height !== 0) say(`PC1 file ${f}: no root but height ${height}`);
    } else {
      if (r.node(root, N_PARENT) !== 0) say(`PC1 file ${f}: root node ${root} has a parent`);
      if (r.node(root, N_HEIGHT) !== height) say(`PC1 file ${f}: root height ${r.node(root, N_HEIGHT)} != tree height ${height}`);
      for (let t = 0; t < MAX_TAGS && all; t++)
        if (r.rootTag(f, t) !== r.anyTag(root, t)) say(`PC2 file ${f}: root tag ${TAG_NAMES[t]} is ${r.rootTag(f, t)} but the root node says ${r.anyTag(root, t)}`);
    }
    // returns the GPU pages below n
    const visit = (n: number, h: number, base: number): number => {
      live.add(n);
      const name = `file ${f} node ${n}`;
      if (r.node(n, N_FILE) !== f + 1) say(`PC1 ${name}: belongs to file ${r.node(n, N_FILE) - 1}`);
      if (r.node(n, N_HEIGHT) !== h) say(`PC1 ${name}: height ${r.node(n, N_HEIGHT)}, expected ${h}`);
      if (r.node(n, N_BASE) !== base) say(`PC1 ${name}: base ${r.node(n, N_BASE)}, expected ${base}`);
      let used = 0;
      let gpuBelow = 0;
      for (let s = 0; s < MAP_SIZE; s++) {
        const v = r.slot(n, s);
        if (v >= 0) used++;
        if (h > 1) {
          if (v >= 0) {
            if (r.node(v, N_PARENT) !== n + 1 || r.node(v, N_OFFSET) !== s) say(`PC1 ${name}: child ${v} at slot ${s} does not point back`);
            gpuBelow += visit(v, h - 1, base + s * slotSpan(h));
          }
          for (let t = 0; t < MAX_TAGS && all; t++) {
            const want = v >= 0 && r.anyTag(v, t);
            if (r.tagBit(n, t, s) !== want) say(`PC2 ${name} slot ${s}: tag ${TAG_NAMES[t]} is ${r.tagBit(n, t, s)}, the child says ${want}`);
          }
        } else {
          const index = base + s;
          if (v >= 0 && all) {
            pages++;
            if (mem.mapping(v) !== f || mem.index(v) !== index) say(`PC4 ${name}: page ${v} at index ${index} says file ${mem.mapping(v)} index ${mem.index(v)}`);
            if (mem.has(v, PG.onGPU)) say(`PC4 ${name}: CPU slot ${s} holds a PG_onGPU page ${v}`);
            if (mem.count(v) < 1 + mem.mapcount(v)) say(`PC4 page ${v}: count ${mem.count(v)} < cache reference + mapcount ${mem.mapcount(v)}`);
          }
          for (let t = 0; t < Tag.onGpu; t++) if (r.tagBit(n, t, s) && v < 0) say(`PC7 ${name}: tag ${TAG_NAMES[t]} on empty index ${index}`);
          if (!all) continue;
          let onGpu = false;
          for (let g = 0; g < r.gpus; g++) if (r.gpuSlot(n, g, Math.floor(s / GPU_GROUP)) >= 0) onGpu = true;
          if (r.tagBit(n, Tag.onGpu, s) !== onGpu) say(`PC2 ${name}: ON_GPU at index ${index} is ${r.tagBit(n, Tag.onGpu, s)}, GPU pages say ${onGpu}`);
        }
      }
      if (h === 1 && all) {
        for (let g = 0; g < r.gpus; g++)
          for (let k = 0; k < GPU_SLOTS; k++) {
            const p = r.gpuSlot(n, g, k);
            if (p < 0) continue;
            gpuBelow++;
            gpuPages++;
            if (!mem.has(p, PG.onGPU)) say(`PC4 ${name}: GPU page ${p} lacks PG_onGPU`);
            if (mem.mapping(p) !== f || mem.index(p) !== base + k * GPU_GROUP) say(`PC4 ${name}: GPU page ${p} says file ${mem.mapping(p)} index ${mem.index(p)}`);
          }
      } else if (h > 1) {
        for (let g = 0; g < r.gpus; g++) for (let k = 0; k < GPU_SLOTS; k++) if (r.gpuSlot(n, g, k) >= 0) say(`PC1 ${name}: an inner node holds a GPU page`);
      }
      if (r.node(n, N_COUNT) !== used) say(`PC1 ${name}: count ${r.node(n, N_COUNT)} but ${used} slots used`);
      if (all && r.node(n, N_COUNT_GPU) !== gpuBelow) say(`PC3 ${name}: count_gpu ${r.node(n, N_COUNT_GPU)} but ${gpuBelow} GPU pages below`);
      if (used === 0 && r.node(n, N_COUNT_GPU) === 0) say(`PC1 ${name}: empty node kept`);
      return gpuBelow;
    };
    if (root >= 0) {
      if (height < 1 || maxIndex(height) < 0) say(`PC1 file ${f}: bad height ${height}`);
      visit(root, height, 0);
    }
    if (!all) continue;
    if (r.file(f, F_NRPAGES) !== pages) say(`PC4 file ${f}: nrpages ${r.file(f, F_NRPAGES)} but ${pages} pages in the tree`);
    if (r.file(f, F_NRGPU) !== gpuPages) say(`PC4 file ${f}: gpu_cached_data_sz ${r.file(f, F_NRGPU)} but ${gpuPages} GPU pages`);
    const lra = r.file(f, F_LRA_HEAD) === 0 ? 0 : pc.gpuLra(f).length;
    if (lra !== gpuPages) say(`PC4 file ${f}: gpu_lra holds ${lra} pages, the tree ${gpuPages}`);
  }
  // PC5: nodes not reachable from a root are free and blank
  const t = pc.store.f64(r.hTsvt);
  for (let n = 0; n < r.nodeCount(); n++) {
    if (live.has(n)) continue;
    for (let w = 0; w < r.nodeWords; w++) if (w !== N_NEXT_FREE && r.node(n, w) !== 0) {
      say(`PC5 node ${n}: free but word ${w} = ${r.node(n, w)}`);
      break;
    }
    const b = n * r.tsvtWords;
    for (let i = 0; i < r.tsvtWords && b + i < t.length; i++) if (t[b + i] !== 0) {
      say(`PC5 node ${n}: free but its TSVT is not reset`);
      break;
    }
  }
  return out;
}

/** PC6: every pcTsvt transition among [from, to) raises its version (resets use pcTsvtReset). */
export function checkVersionsGrow(store: Store, from = 0, to = store.length, limit = 50): string[] {
  const out: string[] = [];
  for (let i = from; i < to && out.length < limit; i++) {
    if (store.kindOf(i) !== PK.pcTsvt) continue;
    if (!(store.afterOf(i) > store.beforeOf(i))) out.push(`PC6 transition ${i}: TSVT word ${store.indexOf(i)} of node ${store.objOf(i)} went ${store.beforeOf(i)} → ${store.afterOf(i)}`);
  }
  return out;
}
