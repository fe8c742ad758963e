/**
 * The page cache of a file region: its radix tree (64-slot nodes) with tag bitmaps, GAIA's
 * per-node GPU page slots and version table, and what the cursor's step changed in it.
 *
 * Big trees: at most `maxNodes` nodes travel, parents first. An inner node whose children
 * stayed behind is `collapsed`; its own bitmaps summarise them (an inner tag bit means "some
 * index below this slot has the tag"). The query's `expand` names nodes (by `key`) whose
 * children must come anyway; nodes above anything the step changed always come expanded.
 */

/** The five tags of a GAIA radix tree node, in bit order. */
export const RADIX_TAG_NAMES = ['DIRTY', 'WRITEBACK', 'TOWRITE', 'CPU_DIRTY', 'ON_GPU'] as const;
/** Slots per node, file pages per GPU page (64 KiB), GPU slots per leaf. */
export const RADIX_SLOTS = 64;
export const RADIX_GPU_GROUP = 16;
export const RADIX_GPU_SLOTS = 4;

/** What the cursor's step did to one node. */
export interface RadixNodeChange {
  /** Tag name → 64 '0'/'1' characters, '1' where this step set or cleared the slot's bit. */
  readonly tags: Readonly<Record<string, string>>;
  /** CPU slots this step filled or emptied (a page at a leaf, a child node above). */
  readonly slots: readonly number[];
  /** GPU name → GPU slots (0–3) this step set or cleared. */
  readonly gpuSlots: Readonly<Record<string, readonly number[]>>;
  /** Slots whose TSVT entries this step changed. */
  readonly versions: readonly number[];
  /** The node was allocated in this step. */
  readonly allocated: boolean;
  /** A header word changed (count, count_gpu, parent…). */
  readonly header: boolean;
}

/**
 * GAIA's version table (TSVT) of a leaf, per processor (in `RadixResult.versionProcs` order). The
 * whole table of one page (every row) is in the inspector's view of that page.
 */
export interface RadixVersions {
  /** Per processor, per slot: the version of its own copy (TSVT[slot][p][p]); -1 = it has no copy. */
  readonly own: readonly (readonly number[])[];
  /** Per processor: 64 '0'/'1' characters, '1' where its copy is older than the newest version of some owner. */
  readonly stale: readonly string[];
}

export interface RadixNodeInfo {
  readonly id: number;
  /** `height:base`: the node's place in the tree, stable when node ids are reused. */
  readonly key: string;
  /** Parent node id, -1 for the root. */
  readonly parent: number;
  /** Slot in the parent. */
  readonly slot: number;
  /** 0 = leaf level (slots hold pages). */
  readonly height: number;
  /** First file page index this node covers. */
  readonly base: number;
  /** File page indices below it: 64 at a leaf, 4096 one level up… */
  readonly span: number;
  /** Occupied CPU slots (radix_tree_node.count). */
  readonly count: number;
  /** Tag name → 64-bit bitmap of slots as a string of 64 '0'/'1' characters, slot 0 first. */
  readonly tags: Readonly<Record<string, string>>;
  /** Occupied slots (page indices relative to base at a leaf, child slots above). */
  readonly slots: readonly number[];
  /** Per occupied slot, in the order of `slots`: the page's pfn at a leaf, the child's node id above. */
  readonly slotValues: readonly number[];
  /** GAIA: GPU pages held by this node per GPU (the GPU slots 0–3 that hold one), and its GPU page count. */
  readonly gpuSlots: Readonly<Record<string, readonly number[]>>;
  /** GPU name → the pfn of UVM's backing struct page in each of the 4 GPU slots (-1 = empty). */
  readonly gpuPfns: Readonly<Record<string, readonly number[]>>;
  /** count_gpu: GPU pages at or below this node. */
  readonly gpuCount: number;
  /** An inner node whose children were not sent (too many nodes). */
  readonly collapsed: boolean;
  /** Leaves: the version table. */
  readonly versions?: RadixVersions;
  /** Present when the cursor's step changed this node. */
  readonly changed?: RadixNodeChange;
}

export interface RadixResult {
  readonly view: 'radix';
  readonly region: number;
  readonly file: string;
  /** False when the region has no page cache (not a file, or no Linux side in the run). */
  readonly cached: boolean;
  /** Height of the tree: 1 = one leaf, 0 = empty. */
  readonly height: number;
  /** CPU pages in the cache (nrpages) and GAIA's GPU pages. */
  readonly nrpages: number;
  readonly nrGpuPages: number;
  /** Tags set at the root (some index of the file has them). */
  readonly rootTags: readonly string[];
  readonly tagNames: readonly string[];
  /** GAIA GPU index → the GPU's name (the keys of gpuSlots). */
  readonly gpus: readonly string[];
  /** TSVT processors, in table order: the GPUs, then `cpu`, then `disk`. */
  readonly versionProcs: readonly string[];
  /** Live nodes in the tree (sent or not). */
  readonly totalNodes: number;
  /** The nodes sent, parents before children. */
  readonly nodes: readonly RadixNodeInfo[];
  /** Nodes of this file the cursor's step freed. */
  readonly freed: readonly { readonly id: number; readonly height: number; readonly base: number }[];
  /** Whether the cursor's step changed anything in this tree. */
  readonly stepChanged: boolean;
}

export type PageCacheQuery = {
  readonly view: 'radix';
  readonly region: number;
  /** Keys of nodes whose children to send even when the tree is big. */
  readonly expand?: readonly string[];
  /** At most this many nodes (default 400). */
  readonly maxNodes?: number;
};
export type PageCacheResult = RadixResult;
