/**
 * The page cache's radix tree (lib/radix-tree.c, Linux 4.4 as patched by GAIA), one per address_space, kept in heaps.
 *
 * - Nodes have 64 slots (RADIX_TREE_MAP_SHIFT 6). A tree of height h holds indices 0..64^h-1; it grows one level at a
 *   time when a higher index arrives (radix_tree_extend: the old root becomes slot 0 of a new root) and shrinks when
 *   the root keeps only slot 0 (radix_tree_shrink). Simplification: Linux stores a lone page at index 0 directly in
 *   the root pointer (height 0); here the smallest tree is one leaf node (height 1).
 * - Slots of a leaf (height 1) hold pages (pfn + 1); slots of an inner node hold child nodes (node + 1). `count` is
 *   the number of occupied slots. Nodes left with count 0 are freed (__radix_tree_delete_node) unless GAIA's
 *   `count_gpu` says GPU pages live below; radix_tree_shrink likewise refuses while the root has count_gpu.
 * - Tags: 5 (RADIX_TREE_MAX_TAGS raised 3 → 5 by GAIA) bitmaps of 64 bits per node, 2 u32 words each. A bit at a
 *   leaf is the tag of that index; a bit at an inner node says some index below that slot has the tag; the root tags
 *   (root->gfp_mask bits) say the tree has it anywhere. Set walks down setting bits (radix_tree_tag_set); clear
 *   clears the leaf bit and climbs while the node has no other bit of that tag (radix_tree_tag_clear). GAIA relaxed
 *   both so ON_GPU may sit on an index whose CPU slot is empty (GPU pages are not in slots[]).
 * - GAIA per-node extensions: gpu_pages[gpu][4] (a 64 KiB GPU page covers 16 indices: slot (index % 64) / 16) and
 *   count_gpu, kept on the leaf and every ancestor. The TSVT lives in its own heap (tsvt.ts), one table per node id.
 *
 * Heaps: `pc.files` (u32): FILE_HDR words, then FILE_WORDS per address_space; `pc.nodes` (u32): NODE_HDR words, then
 * nodeWords per node; `pc.tsvt` (f64): 64 × P × P versions per node (see tsvt.ts for the encoding).
 */

import type { Store } from '../core/store';
import { PK } from './kinds';

export const MAP_SHIFT = 6;
export const MAP_SIZE = 64;
export const Tag = { dirty: 0, writeback: 1, towrite: 2, cpuDirty: 3, onGpu: 4 } as const;
export const TAG_NAMES = ['DIRTY', 'WRITEBACK', 'TOWRITE', 'CPU_DIRTY', 'ON_GPU'];
export const MAX_TAGS = 5;
/** 4 KiB file pages per 64 KiB GPU page (GAIA GPU_PAGE_SZ / PAGE_SIZE) and GPU slots per node (NUM_GPU_PAGES). */
export const GPU_GROUP = 16;
export const GPU_SLOTS = 4;
export const AddressSpaceKind = { inode: 1, private: 2 } as const;

// address_space words
export const F_KIND = 0;
export const F_ROOT = 1; // node + 1
export const F_HEIGHT = 2;
export const F_NRPAGES = 3; // CPU pages in the cache
export const F_NRGPU = 4; // GAIA gpu_cached_data_sz (GPU pages)
export const F_ROOT_TAGS = 5; // bit t = root tag t
export const F_LRA_HEAD = 6; // GAIA gpu_lra: newest GPU page (pfn + 1)
export const F_LRA_TAIL = 7;
export const FILE_WORDS = 8;
const FH_COUNT = 0;
const FILE_HDR = 2;
// node words
export const N_FILE = 0; // file + 1; 0 = free
export const N_PARENT = 1; // node + 1
export const N_OFFSET = 2; // slot in the parent
export const N_HEIGHT = 3; // 1 = leaf
export const N_COUNT = 4;
export const N_COUNT_GPU = 5;
export const N_BASE = 6; // first index covered
export const N_NEXT_FREE = 7;
export const N_TAGS = 8; // MAX_TAGS × 2 words
export const N_SLOTS = N_TAGS + MAX_TAGS * 2; // 64 words
export const N_GPU = N_SLOTS + MAP_SIZE; // gpus × GPU_SLOTS words
const NH_COUNT = 0; // node ids handed out (high water)
const NH_FREE = 1; // free list head + 1
const NODE_HDR = 2;

/** Indices covered by one slot of a node of height h: 64^(h-1). */
const SLOT_SPAN = Array.from({ length: 12 }, (_, h) => (h === 0 ? 0 : 2 ** (MAP_SHIFT * (h - 1))));
const MAX_INDEX = Array.from({ length: 12 }, (_, h) => (h === 0 ? -1 : 2 ** (MAP_SHIFT * h) - 1));
export function slotSpan(height: number): number {
  return SLOT_SPAN[height];
}
/** Highest index a tree of height h holds (radix_tree_maxindex). */
export function maxIndex(height: number): number {
  return MAX_INDEX[height];
}
function offsetAt(index: number, height: number): number {
  // indices are u32 and heights <= 6 here: a shift is exact
  return (index >>> (MAP_SHIFT * (height - 1))) & (MAP_SIZE - 1);
}

export class Radix {
  readonly hFiles: number;
  readonly hNodes: number;
  readonly hTsvt: number;
  /** Processors of the TSVT: the GPUs (0..gpus-1), the CPU, the disk (GAIA enum system_processors). */
  readonly procs: number;
  readonly nodeWords: number;
  readonly tsvtWords: number;

  constructor(
    readonly store: Store,
    readonly gpus: number,
  ) {
    this.procs = gpus + 2;
    this.nodeWords = N_GPU + gpus * GPU_SLOTS;
    this.tsvtWords = MAP_SIZE * this.procs * this.procs;
    this.hFiles = store.addHeap('pc.files', 'u32', FILE_HDR);
    this.hNodes = store.addHeap('pc.nodes', 'u32', NODE_HDR);
    this.hTsvt = store.addHeap('pc.tsvt', 'f64', 0);
  }

  // ---- address_space records ----
  fileCount(): number {
    return this.store.u32(this.hFiles)[FH_COUNT];
  }
  createFile(kind: number): number {
    const id = this.fileCount();
    this.store.ensure(this.hFiles, FILE_HDR + (id + 1) * FILE_WORDS);
    this.store.write(this.hFiles, FH_COUNT, id + 1, PK.pcFile, id);
    this.setFile(id, F_KIND, kind);
    return id;
  }
  file(f: number, w: number): number {
    return this.store.u32(this.hFiles)[FILE_HDR + f * FILE_WORDS + w];
  }
  setFile(f: number, w: number, v: number): void {
    this.store.write(this.hFiles, FILE_HDR + f * FILE_WORDS + w, v >>> 0, PK.pcFile, f);
  }
  root(f: number): number {
    return this.file(f, F_ROOT) - 1;
  }
  height(f: number): number {
    return this.file(f, F_HEIGHT);
  }

  // ---- node records ----
  nodeBase(n: number): number {
    return NODE_HDR + n * this.nodeWords;
  }
  node(n: number, w: number): number {
    const i = NODE_HDR + n * this.nodeWords + w;
    const h = this.store.u32(this.hNodes);
    return i < h.length ? h[i] : 0;
  }
  setNode(n: number, w: number, v: number, kind: number = PK.pcNode): void {
    this.store.write(this.hNodes, NODE_HDR + n * this.nodeWords + w, v >>> 0, kind, n);
  }
  nodeCount(): number {
    return this.store.u32(this.hNodes)[NH_COUNT];
  }
  isLive(n: number): boolean {
    return this.node(n, N_FILE) !== 0;
  }
  slot(n: number, s: number): number {
    return this.node(n, N_SLOTS + s) - 1;
  }
  gpuSlot(n: number, gpu: number, g: number): number {
    return this.node(n, N_GPU + gpu * GPU_SLOTS + g) - 1;
  }
  setGpuSlot(n: number, gpu: number, g: number, pfn: number): void {
    this.setNode(n, N_GPU + gpu * GPU_SLOTS + g, pfn + 1, PK.pcGpuSlot);
  }

  private allocNode(f: number, height: number, parent: number, offset: number, base: number): number {
    const s = this.store;
    const hdr = s.u32(this.hNodes);
    let n: number;
    if (hdr[NH_FREE] !== 0) {
      n = hdr[NH_FREE] - 1;
      s.write(this.hNodes, NH_FREE, this.node(n, N_NEXT_FREE), PK.pcNode, n);
      this.setNode(n, N_NEXT_FREE, 0);
    } else {
      n = hdr[NH_COUNT];
      s.ensure(this.hNodes, NODE_HDR + (n + 1) * this.nodeWords);
      s.write(this.hNodes, NH_COUNT, n + 1, PK.pcNode, n);
    }
    // radix_tree_node_alloc: GAIA initialises the TSVT to -1 with disk column 0; the encoding makes that all zeros,
    // which a fresh or freed node already holds (freeNode resets it), so nothing is written here.
    s.ensure(this.hTsvt, (n + 1) * this.tsvtWords);
    this.setNode(n, N_FILE, f + 1);
    this.setNode(n, N_PARENT, parent + 1);
    this.setNode(n, N_OFFSET, offset);
    this.setNode(n, N_HEIGHT, height);
    this.setNode(n, N_BASE, base);
    s.event(PK.nodeAlloc, n, f, height, base);
    return n;
  }

  /** radix_tree_node_free: every word back to zero (TSVT included, so reuse starts from GAIA's initial table). */
  private freeNode(n: number): void {
    const s = this.store;
    const f = this.node(n, N_FILE) - 1;
    s.event(PK.nodeFree, n, f, this.node(n, N_HEIGHT), this.node(n, N_BASE));
    for (let w = 0; w < this.nodeWords; w++) {
      if (w === N_NEXT_FREE || this.node(n, w) === 0) continue;
      const kind = w >= N_GPU ? PK.pcGpuSlot : w >= N_SLOTS ? PK.pcSlot : w >= N_TAGS ? PK.pcTag : PK.pcNode;
      this.setNode(n, w, 0, kind);
    }
    const t = s.f64(this.hTsvt);
    const b = n * this.tsvtWords;
    for (let i = 0; i < this.tsvtWords; i++) if (t[b + i] !== 0) s.write(this.hTsvt, b + i, 0, PK.pcTsvtReset, n);
    this.setNode(n, N_NEXT_FREE, s.u32(this.hNodes)[NH_FREE]);
    s.write(this.hNodes, NH_FREE, n + 1, PK.pcNode, n);
  }

  // ---- lookups (pure) ----
  /** The leaf node holding `index`, or -1 (radix_tree_lookup_slot_node). */
  leafOf(f: number, index: number): number {
    let height = this.height(f);
    let n = this.root(f);
    if (n < 0 || index > maxIndex(height)) return -1;
    while (height > 1) {
      n = this.slot(n, offsetAt(index, height));
      if (n < 0) return -1;
      height--;
    }
    return n;
  }
  /** radix_tree_lookup: the page at `index` or -1. */
  lookup(f: number, index: number): number {
    const leaf = this.leafOf(f, index);
    return leaf < 0 ? -1 : this.slot(leaf, index % MAP_SIZE);
  }

  // ---- growth ----
  /** radix_tree_extend: add levels above the root until `index` fits. */
  private extend(f: number, index: number): void {
    let height = this.height(f);
    if (index <= maxIndex(height)) return;
    const old = height;
    while (index > maxIndex(height)) {
      const r = this.root(f);
      height++;
      if (r < 0) continue; // an empty tree only records its height
      const top = this.allocNode(f, height, -1, 0, 0);
      this.setNode(top, N_SLOTS, r + 1, PK.pcSlot);
      this.setNode(top, N_COUNT, 1);
      this.setNode(top, N_COUNT_GPU, this.node(r, N_COUNT_GPU));
      for (let t = 0; t < MAX_TAGS; t++) if (this.anyTag(r, t)) this.setNode(top, N_TAGS + t * 2, 1, PK.pcTag);
      this.setNode(r, N_PARENT, top + 1);
      this.setNode(r, N_OFFSET, 0);
      this.setFile(f, F_ROOT, top + 1);
    }
    this.setFile(f, F_HEIGHT, height);
    this.store.event(PK.treeHeight, f, 0, old, height);
  }

  /** __radix_tree_create: the leaf for `index`, growing the tree and creating nodes on the way down. */
  createPath(f: number, index: number): number {
    this.extend(f, index); // an empty tree gets height >= 1 here: index 0 > maxIndex(0)
    let height = this.height(f);
    let n = this.root(f);
    if (n < 0) {
      n = this.allocNode(f, height, -1, 0, 0);
      this.setFile(f, F_ROOT, n + 1);
    }
    while (height > 1) {
      const off = offsetAt(index, height);
      let child = this.slot(n, off);
      if (child < 0) {
        child = this.allocNode(f, height - 1, n, off, this.node(n, N_BASE) + off * slotSpan(height));
        this.setNode(n, N_SLOTS + off, child + 1, PK.pcSlot);
        this.setNode(n, N_COUNT, this.node(n, N_COUNT) + 1);
      }
      n = child;
      height--;
    }
    return n;
  }

  /** count_gpu += delta on the leaf and every ancestor (GAIA page_cache_tree_insert / delete). */
  addCountGpu(leaf: number, delta: number): void {
    for (let n = leaf; n >= 0; n = this.node(n, N_PARENT) - 1) this.setNode(n, N_COUNT_GPU, this.node(n, N_COUNT_GPU) + delta);
  }

  /**
   * __radix_tree_delete_node: free nodes left with nothing below (no slot, no GPU page), climbing; then
   * radix_tree_shrink.
   */
  deleteUpward(f: number, start: number): void {
    let n = start;
    while (n >= 0 && this.node(n, N_COUNT) === 0 && this.node(n, N_COUNT_GPU) === 0) {
      const parent = this.node(n, N_PARENT) - 1;
      if (parent < 0) {
        this.freeNode(n);
        this.setFile(f, F_ROOT, 0);
        const old = this.height(f);
        this.setFile(f, F_HEIGHT, 0);
        this.store.event(PK.treeHeight, f, 0, old, 0);
        return;
      }
      this.setNode(parent, N_SLOTS + this.node(n, N_OFFSET), 0, PK.pcSlot);
      this.setNode(parent, N_COUNT, this.node(parent, N_COUNT) - 1);
      this.freeNode(n);
      n = parent;
    }
    this.shrink(f);
  }

  /** radix_tree_shrink: while the root holds only slot 0 (and, GAIA, no GPU page), its child becomes the root. */
  private shrink(f: number): void {
    const old = this.height(f);
    let height = old;
    while (height > 1) {
      const r = this.root(f);
      if (this.node(r, N_COUNT) !== 1 || this.slot(r, 0) < 0 || this.node(r, N_COUNT_GPU) !== 0) break;
      const child = this.slot(r, 0);
      this.setNode(child, N_PARENT, 0);
      this.setFile(f, F_ROOT, child + 1);
      this.setNode(r, N_SLOTS, 0, PK.pcSlot);
      this.setNode(r, N_COUNT, 0);
      this.freeNode(r);
      height--;
    }
    if (height !== old) {
      this.setFile(f, F_HEIGHT, height);
      this.store.event(PK.treeHeight, f, 0, old, height);
    }
  }

  // ---- tags ----
  tagBit(n: number, tag: number, s: number): boolean {
    return ((this.node(n, N_TAGS + tag * 2 + (s >>> 5)) >>> (s & 31)) & 1) === 1;
  }
  anyTag(n: number, tag: number): boolean {
    return this.node(n, N_TAGS + tag * 2) !== 0 || this.node(n, N_TAGS + tag * 2 + 1) !== 0;
  }
  rootTag(f: number, tag: number): boolean {
    return ((this.file(f, F_ROOT_TAGS) >>> tag) & 1) === 1;
  }
  tagGet(f: number, index: number, tag: number): boolean {
    const leaf = this.leafOf(f, index);
    return leaf >= 0 && this.tagBit(leaf, tag, index % MAP_SIZE);
  }
  private setTagBit(n: number, tag: number, s: number): void {
    this.store.setBits(this.hNodes, this.nodeBase(n) + N_TAGS + tag * 2 + (s >>> 5), (1 << (s & 31)) >>> 0, PK.pcTag, n);
  }
  private clearTagBit(n: number, tag: number, s: number): void {
    this.store.clearBits(this.hNodes, this.nodeBase(n) + N_TAGS + tag * 2 + (s >>> 5), (1 << (s & 31)) >>> 0, PK.pcTag, n);
  }

  /**
   * radix_tree_tag_set: walk down from the root setting the tag on each slot of the path, then the root tag.
   * `onLevel(height)` is called before each level's write (the stepped variant names a line there). The path must
   * exist; the leaf slot must hold a page unless the tag is ON_GPU (GAIA's relaxation).
   */
  tagSet(f: number, index: number, tag: number, onLevel?: (height: number) => void): void {
    let height = this.height(f);
    let n = this.root(f);
    if (n < 0 || index > maxIndex(height)) throw new Error(`radix_tree_tag_set: index ${index} of file ${f} is not in the tree`);
    while (height > 0) {
      const off = offsetAt(index, height);
      if (onLevel) onLevel(height);
      this.setTagBit(n, tag, off);
      if (height === 1) {
        if (tag !== Tag.onGpu && this.slot(n, off) < 0) throw new Error(`radix_tree_tag_set: no page at index ${index} of file ${f}`);
        break;
      }
      n = this.slot(n, off);
      if (n < 0) throw new Error(`radix_tree_tag_set: index ${index} of file ${f} has no node below height ${height}`);
      height--;
    }
    if (onLevel) onLevel(0);
    this.setFile(f, F_ROOT_TAGS, this.file(f, F_ROOT_TAGS) | (1 << tag));
  }

  /**
   * radix_tree_tag_clear: clear the leaf bit, then climb clearing the parent's bit while the node holds no other bit
   * of the tag; clear the root tag when the climb passes the root. `onLevel(height)` as for tagSet; height 0 = root.
   */
  tagClear(f: number, index: number, tag: number, onLevel?: (height: number) => void): void {
    const n = this.leafOf(f, index);
    if (n < 0) return;
    this.tagClearAt(f, n, index % MAP_SIZE, tag, onLevel);
  }
  /** tagClear when the leaf is known (slot `slot` of leaf `leaf`). */
  tagClearAt(f: number, leaf: number, slot: number, tag: number, onLevel?: (height: number) => void): void {
    let n = leaf;
    let off = slot;
    let height = 1;
    while (n >= 0) {
      if (!this.tagBit(n, tag, off)) return;
      if (onLevel) onLevel(height);
      this.clearTagBit(n, tag, off);
      if (this.anyTag(n, tag)) return;
      off = this.node(n, N_OFFSET);
      n = this.node(n, N_PARENT) - 1;
      height++;
    }
    if (onLevel) onLevel(0);
    this.setFile(f, F_ROOT_TAGS, this.file(f, F_ROOT_TAGS) & ~(1 << tag));
  }
}
