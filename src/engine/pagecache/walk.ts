/**
 * Read-only walks of a page-cache radix tree (radix.ts): the tagged lookup GAIA's maquire/mrelease batch on, a range
 * gang lookup, and the node list views and invariants use. Pure: they record nothing.
 */

import { MAP_SIZE, N_BASE, N_HEIGHT, slotSpan, type Radix } from './radix';

/**
 * GAIA find_get_taged_pages_idx: up to `max` indices >= `from` carrying `tag`, in order. Walks down from the root
 * and skips every subtree whose slot bit is clear, as radix_tree_gang_lookup_tag does.
 */
export function taggedIndices(r: Radix, f: number, from: number, max: number, tag: number, to = Infinity): number[] {
  const out: number[] = [];
  const root = r.root(f);
  if (root < 0 || max <= 0 || !r.rootTag(f, tag)) return out;
  const walk = (n: number, height: number): void => {
    const base = r.node(n, N_BASE);
    const span = slotSpan(height);
    const first = from > base ? Math.min(Math.floor((from - base) / span), MAP_SIZE) : 0;
    for (let s = first; s < MAP_SIZE && out.length < max; s++) {
      if (base + s * span > to) return;
      if (!r.tagBit(n, tag, s)) continue;
      if (height === 1) {
        if (base + s >= from) out.push(base + s);
      } else {
        const child = r.slot(n, s);
        if (child >= 0) walk(child, height - 1);
      }
    }
  };
  walk(root, r.height(f));
  return out;
}

/** Pages of the cache with index in [from, to], in order (radix_tree_gang_lookup over a range). */
export function forEachPage(r: Radix, f: number, from: number, to: number, fn: (index: number, pfn: number) => void): void {
  const root = r.root(f);
  if (root < 0) return;
  const walk = (n: number, height: number): void => {
    const base = r.node(n, N_BASE);
    const span = slotSpan(height);
    for (let s = 0; s < MAP_SIZE; s++) {
      const lo = base + s * span;
      if (lo > to || lo + span - 1 < from) continue;
      const v = r.slot(n, s);
      if (v < 0) continue;
      if (height === 1) fn(lo, v);
      else walk(v, height - 1);
    }
  };
  walk(root, r.height(f));
}

/** Live nodes of a file, parents before children (for invariants and views). */
export function nodesOf(r: Radix, f: number): number[] {
  const out: number[] = [];
  const root = r.root(f);
  if (root < 0) return out;
  const walk = (n: number): void => {
    out.push(n);
    if (r.node(n, N_HEIGHT) > 1) for (let s = 0; s < MAP_SIZE; s++) if (r.slot(n, s) >= 0) walk(r.slot(n, s));
  };
  walk(root);
  return out;
}
