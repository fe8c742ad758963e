/**
 * The page cache of a file region: its radix tree (64-slot nodes) with tag bitmaps, GAIA's
 * per-node GPU page slots and version table, and the struct page flags of its pages.
 */

export interface RadixNodeInfo {
  readonly id: number;
  /** Parent node id, -1 for the root. */
  readonly parent: number;
  /** Slot in the parent. */
  readonly slot: number;
  /** 0 = leaf level (slots hold pages). */
  readonly height: number;
  /** First file page index this node covers. */
  readonly base: number;
  /** Tag name → 64-bit bitmap of slots as a string of 64 '0'/'1' characters, slot 0 first. */
  readonly tags: Readonly<Record<string, string>>;
  /** Leaf nodes: occupied slots (page indices relative to base). */
  readonly slots: readonly number[];
  /** GAIA: GPU pages held by this node per GPU (slot → present), and its GPU page count. */
  readonly gpuSlots: Readonly<Record<string, readonly number[]>>;
  readonly gpuCount: number;
}

export interface RadixResult {
  readonly view: 'radix';
  readonly region: number;
  readonly file: string;
  readonly nodes: readonly RadixNodeInfo[];
}

export type PageCacheQuery = { readonly view: 'radix'; readonly region: number };
export type PageCacheResult = RadixResult;
