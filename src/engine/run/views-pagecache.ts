/**
 * The page cache of a file region as the radix panel draws it: the address_space's radix tree at the cursor (64-slot
 * nodes with their five tag bitmaps, occupied slots, GAIA's per-GPU page slots and count_gpu, and the TSVT of each
 * leaf), and what the cursor's step changed in it (for the highlight and the animation).
 *
 * Big trees: a file of G GiB has G × 4096 leaves. The view sends at most `maxNodes` nodes, parents first; an inner
 * node whose children were left out says so (`collapsed`). Its own bitmaps already summarise the children (an inner
 * tag bit means "some index below this slot has the tag"), so a collapsed node still tells the story. Nodes named in
 * `expand` (by key) and the nodes on the path to anything this step changed are always expanded.
 *
 * Pure reads of the heaps at the cursor and of the cursor step's transitions; records nothing.
 */

import { EVENT_HEAP } from '../core/store';
import { PK } from '../pagecache/kinds';
import {
  F_NRGPU,
  F_NRPAGES,
  F_ROOT_TAGS,
  GPU_SLOTS,
  MAP_SIZE,
  MAX_TAGS,
  N_BASE,
  N_COUNT,
  N_COUNT_GPU,
  N_FILE,
  N_GPU,
  N_HEIGHT,
  N_OFFSET,
  N_PARENT,
  N_SLOTS,
  N_TAGS,
  TAG_NAMES,
  type Radix,
} from '../pagecache/radix';
import type { PageCache } from '../pagecache/filemap';
import type { Run } from './run';

/** Nodes sent when the query does not say. */
export const DEFAULT_MAX_NODES = 400;
/** Transitions of the cursor's step read for the highlight (a step rarely has more than a few hundred). */
const MAX_STEP_SCAN = 200_000;

export interface RadixNodeChangeView {
  /** Tag name → 64-character bitmap of the slots whose bit this step set or cleared. */
  tags: Record<string, string>;
  /** CPU slots this step filled or emptied (a page at a leaf, a child node above). */
  slots: number[];
  /** GPU name → GPU slots (0–3) this step set or cleared. */
  gpuSlots: Record<string, number[]>;
  /** Slots whose TSVT entries this step changed. */
  versions: number[];
  /** The node was allocated in this step. */
  allocated: boolean;
  /** A header word changed (count, count_gpu, parent, offset…). */
  header: boolean;
}

export interface RadixVersionsView {
  /** Per TSVT processor, per slot: the version of its own copy, TSVT[slot][p][p]; -1 = it has no copy. */
  own: number[][];
  /** Per TSVT processor: '1' where it holds a copy older than the newest version of some owner (a stale copy). */
  stale: string[];
}

export interface RadixNodeView {
  id: number;
  /** Stable across node-id reuse: `height:base`. */
  key: string;
  parent: number;
  slot: number;
  /** 0-based as the protocol counts (0 = leaf); the engine's leaves are height 1. */
  height: number;
  base: number;
  /** Indices below this node: 64 at a leaf, 4096 one level up… */
  span: number;
  count: number;
  tags: Record<string, string>;
  /** Occupied slots; at a leaf each is a page, above each is a child node. */
  slots: number[];
  /** Leaves: pfn of each occupied slot, in the order of `slots`. Inner nodes: the child node id. */
  slotValues: number[];
  /** GPU name → the GPU slots (0–3) holding a GPU page. */
  gpuSlots: Record<string, number[]>;
  /** GPU name → the pfn (UVM's backing struct page) in each of the 4 GPU slots, -1 = empty. */
  gpuPfns: Record<string, number[]>;
  gpuCount: number;
  /** Inner node whose children were not sent. */
  collapsed: boolean;
  versions?: RadixVersionsView;
  changed?: RadixNodeChangeView;
}

export interface RadixView {
  region: number;
  file: string;
  /** The address_space id in the page cache. */
  mapping: number;
  /** Height as the engine counts it (a one-leaf tree is 1; 0 = empty). */
  height: number;
  nrpages: number;
  nrGpuPages: number;
  rootTags: string[];
  tagNames: string[];
  /** GAIA GPU index → the GPU's name (gpu_pages[g] of a node). */
  gpus: string[];
  /** TSVT processors in table order: the GPUs, then 'cpu', then 'disk'. */
  versionProcs: string[];
  /** Live nodes in the tree at the cursor (sent or not). */
  totalNodes: number;
  nodes: RadixNodeView[];
  /** Nodes of this file the cursor's step freed (no longer in the tree). */
  freed: { id: number; height: number; base: number }[];
  /** The cursor's step changed something in this tree. */
  stepChanged: boolean;
}

export interface RadixViewOptions {
  expand?: readonly string[];
  maxNodes?: number;
}

/** The page cache of a run, when it has one. */
export function pageCacheOf(run: Run): PageCache | null {
  return run.platform?.linux?.cpu.pc ?? null;
}

/** The address_space of a file region, or -1 when the region is not a file (or the run has no page cache). */
export function mappingOfRegion(run: Run, region: number): number {
  const linux = run.platform?.linux;
  if (!linux || !Number.isInteger(region)) return -1;
  return linux.fileOf[region] ?? -1;
}

const bitmap = (r: Radix, n: number, tag: number): string => {
  let s = '';
  for (let k = 0; k < MAP_SIZE; k++) s += r.tagBit(n, tag, k) ? '1' : '0';
  return s;
};

/** Which node a pc.nodes word belongs to, and which word of the node it is. */
export function nodeWordOf(r: Radix, idx: number): { node: number; w: number } | null {
  const hdr = r.nodeBase(0);
  if (idx < hdr) return null;
  return { node: Math.floor((idx - hdr) / r.nodeWords), w: (idx - hdr) % r.nodeWords };
}

function emptyChange(): RadixNodeChangeView {
  return { tags: {}, slots: [], gpuSlots: {}, versions: [], allocated: false, header: false };
}

function setBitString(s: string | undefined, bits: number, word: number): string {
  const chars = (s ?? '0'.repeat(MAP_SIZE)).split('');
  for (let b = 0; b < 32; b++) if ((bits >>> b) & 1) chars[word * 32 + b] = '1';
  return chars.join('');
}

/** What the cursor's step did to the nodes of page-cache file `f`: per node id, and the nodes it freed. */
function stepChanges(run: Run, pc: PageCache, f: number, gpuNames: string[]): { byNode: Map<number, RadixNodeChangeView>; freed: RadixView['freed'] } {
  const r = pc.radix;
  const store = run.ctx.store;
  const [a, b] = run.transitionRange(run.cursor);
  const byNode = new Map<number, RadixNodeChangeView>();
  const freed: RadixView['freed'] = [];
  const get = (n: number) => {
    let c = byNode.get(n);
    if (!c) byNode.set(n, (c = emptyChange()));
    return c;
  };
  const procs = r.procs;
  for (let t = a; t < Math.min(b, a + MAX_STEP_SCAN); t++) {
    const heap = store.heapOf(t);
    if (heap === EVENT_HEAP) {
      const k = store.kindOf(t);
      if (k === PK.nodeAlloc && store.indexOf(t) === f) get(store.objOf(t)).allocated = true;
      else if (k === PK.nodeFree && store.indexOf(t) === f) freed.push({ id: store.objOf(t), height: store.beforeOf(t) - 1, base: store.afterOf(t) });
      continue;
    }
    if (heap === r.hNodes) {
      const at = nodeWordOf(r, store.indexOf(t));
      if (!at) continue;
      const { node, w } = at;
      const c = get(node);
      if (w >= N_TAGS && w < N_SLOTS) {
        const tag = Math.floor((w - N_TAGS) / 2);
        const name = TAG_NAMES[tag];
        const changed = (store.beforeOf(t) ^ store.afterOf(t)) >>> 0;
        c.tags[name] = setBitString(c.tags[name], changed, (w - N_TAGS) % 2);
      } else if (w >= N_SLOTS && w < N_GPU) {
        if (!c.slots.includes(w - N_SLOTS)) c.slots.push(w - N_SLOTS);
      } else if (w >= N_GPU) {
        const g = Math.floor((w - N_GPU) / GPU_SLOTS);
        const name = gpuNames[g] ?? `gpu${g}`;
        const list = (c.gpuSlots[name] ??= []);
        const s = (w - N_GPU) % GPU_SLOTS;
        if (!list.includes(s)) list.push(s);
      } else c.header = true;
    } else if (heap === r.hTsvt) {
      const idx = store.indexOf(t);
      const node = Math.floor(idx / r.tsvtWords);
      const slot = Math.floor((idx % r.tsvtWords) / (procs * procs));
      const c = get(node);
      if (!c.versions.includes(slot)) c.versions.push(slot);
    }
  }
  for (const c of byNode.values()) {
    c.slots.sort((x, y) => x - y);
    c.versions.sort((x, y) => x - y);
  }
  return { byNode, freed };
}

/** The TSVT of leaf `n`: each processor's own version per slot, and where its copy is stale. */
function versionsOf(pc: PageCache, f: number, n: number): RadixVersionsView {
  const r = pc.radix;
  const t = pc.tsvt;
  const procs = r.procs;
  const base = r.node(n, N_BASE);
  const own: number[][] = Array.from({ length: procs }, () => new Array<number>(MAP_SIZE).fill(-1));
  const stale: string[] = [];
  for (let s = 0; s < MAP_SIZE; s++) for (let v = 0; v < procs; v++) own[v][s] = t.version(n, s, v, v);
  for (let v = 0; v < procs; v++) {
    let bits = '';
    // the disk is where versions start, never a stale copy; a processor with no copy cannot be stale
    for (let s = 0; s < MAP_SIZE; s++) bits += v !== t.disk && own[v][s] >= 0 && t.staleColumn(f, base + s, v) >= 0 ? '1' : '0';
    stale.push(bits);
  }
  return { own, stale };
}

/**
 * The radix tree of file region `region` at the cursor, or null when the region is not a file in the page cache.
 * Throws a RangeError for a region the scenario does not have.
 */
export function radixView(run: Run, region: number, opts: RadixViewOptions = {}): RadixView | null {
  const regions = run.scenario.regions;
  if (!Number.isInteger(region) || region < 0 || region >= regions.length) throw new RangeError(`region ${region} is outside 0..${regions.length - 1}`);
  const pc = pageCacheOf(run);
  const f = mappingOfRegion(run, region);
  if (!pc || f < 0) return null;
  const r = pc.radix;
  const m = run.ctx.m;
  const gpus = Array.from({ length: r.gpus }, (_, g) => m.gpuName(g + 1));
  const versionProcs = [...gpus, 'cpu', 'disk'];
  const maxNodes = Math.max(1, Math.min(20_000, Math.floor(opts.maxNodes ?? DEFAULT_MAX_NODES)));
  const expand = new Set(opts.expand ?? []);
  const { byNode, freed } = stepChanges(run, pc, f, gpus);

  // live nodes, parents first (breadth first, so a budget keeps the top of the tree)
  const live: number[] = [];
  const root = r.root(f);
  const children = (n: number): number[] => {
    const out: number[] = [];
    if (r.node(n, N_HEIGHT) > 1) for (let s = 0; s < MAP_SIZE; s++) if (r.slot(n, s) >= 0) out.push(r.slot(n, s));
    return out;
  };
  const keyOf = (n: number) => `${r.node(n, N_HEIGHT) - 1}:${r.node(n, N_BASE)}`;
  // nodes that must show their children: named by the query, or above something this step changed
  const forced = new Set<number>();
  if (root >= 0) {
    const queue = [root];
    for (let i = 0; i < queue.length; i++) {
      const n = queue[i];
      live.push(n);
      if (expand.has(keyOf(n))) forced.add(n);
      queue.push(...children(n));
    }
    for (const n of byNode.keys()) {
      if (r.node(n, N_FILE) !== f + 1) continue;
      for (let p = r.node(n, N_PARENT) - 1; p >= 0; p = r.node(p, N_PARENT) - 1) forced.add(p);
    }
  }

  const sent: number[] = [];
  const collapsed = new Set<number>();
  if (root >= 0) {
    sent.push(root);
    // breadth first: a node's children go in together, while the budget lasts or when forced
    for (let i = 0; i < sent.length; i++) {
      const n = sent[i];
      const kids = children(n);
      if (!kids.length) continue;
      if (forced.has(n) || sent.length + kids.length <= maxNodes) sent.push(...kids);
      else collapsed.add(n);
    }
  }

  const nodes: RadixNodeView[] = sent.map((n) => {
    const height = r.node(n, N_HEIGHT);
    const leaf = height === 1;
    const tags: Record<string, string> = {};
    for (let t = 0; t < MAX_TAGS; t++) tags[TAG_NAMES[t]] = bitmap(r, n, t);
    const slots: number[] = [];
    const slotValues: number[] = [];
    for (let s = 0; s < MAP_SIZE; s++) {
      const v = r.slot(n, s);
      if (v >= 0) {
        slots.push(s);
        slotValues.push(v);
      }
    }
    const gpuSlots: Record<string, number[]> = {};
    const gpuPfns: Record<string, number[]> = {};
    for (let g = 0; g < r.gpus; g++) {
      const pfns = Array.from({ length: GPU_SLOTS }, (_, k) => (leaf ? r.gpuSlot(n, g, k) : -1));
      gpuPfns[gpus[g]] = pfns;
      gpuSlots[gpus[g]] = pfns.flatMap((p, k) => (p >= 0 ? [k] : []));
    }
    const parent = r.node(n, N_PARENT) - 1;
    const view: RadixNodeView = {
      id: n,
      key: keyOf(n),
      parent,
      slot: parent >= 0 ? r.node(n, N_OFFSET) : 0,
      height: height - 1,
      base: r.node(n, N_BASE),
      span: MAP_SIZE ** height,
      count: r.node(n, N_COUNT),
      tags,
      slots,
      slotValues,
      gpuSlots,
      gpuPfns,
      gpuCount: r.node(n, N_COUNT_GPU),
      collapsed: collapsed.has(n),
    };
    if (leaf) view.versions = versionsOf(pc, f, n);
    const c = byNode.get(n);
    if (c) view.changed = c;
    return view;
  });

  const rootTags: string[] = [];
  for (let t = 0; t < MAX_TAGS; t++) if (r.rootTag(f, t)) rootTags.push(TAG_NAMES[t]);
  const liveSet = new Set(live);
  return {
    region,
    file: regions[region].name,
    mapping: f,
    height: r.height(f),
    nrpages: r.file(f, F_NRPAGES),
    nrGpuPages: r.file(f, F_NRGPU),
    rootTags,
    tagNames: [...TAG_NAMES],
    gpus,
    versionProcs,
    totalNodes: live.length,
    nodes,
    freed,
    stepChanged: freed.length > 0 || [...byNode.keys()].some((n) => liveSet.has(n)) || stepTouchesRoot(run, pc, f),
  };
}

/** Whether the cursor's step wrote the file's own words (root tags, height, counts). */
function stepTouchesRoot(run: Run, pc: PageCache, f: number): boolean {
  const store = run.ctx.store;
  const [a, b] = run.transitionRange(run.cursor);
  for (let t = a; t < Math.min(b, a + MAX_STEP_SCAN); t++) if (store.heapOf(t) === pc.radix.hFiles && store.kindOf(t) === PK.pcFile && store.objOf(t) === f) return true;
  return false;
}

/** F_ROOT_TAGS as names (for the inspector). */
export function rootTagNames(pc: PageCache, f: number): string[] {
  const bits = pc.radix.file(f, F_ROOT_TAGS);
  return TAG_NAMES.filter((_, t) => (bits >>> t) & 1);
}
