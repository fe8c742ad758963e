import { describe, expect, it } from 'vitest';
import { codeLine } from '../../../src/engine/core/code';
import { PG } from '../../../src/engine/cpu/memmap';
import { Tag, N_COUNT, N_HEIGHT, N_BASE } from '../../../src/engine/pagecache/radix';
import { cachePage, expectClean, pcWorld } from './setup';

describe('page cache radix tree', () => {
  it('stores a first page in a single leaf of height 1 and finds it again', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    const pfn = cachePage(w, f, 5);
    expect(w.pc.radix.height(f)).toBe(1);
    expect(w.pc.lookup(f, 5)).toBe(pfn);
    expect(w.pc.lookup(f, 6)).toBe(-1);
    expect(w.mem.mapping(pfn)).toBe(f);
    expect(w.mem.index(pfn)).toBe(5);
    expect(w.mem.count(pfn)).toBe(1); // the cache's reference
    expect(w.mem.has(pfn, PG.lru)).toBe(true);
    expect(w.pc.nrpages(f)).toBe(1);
    expectClean(w.pc);
  });

  it('grows a level when a higher index arrives, keeping the old root as slot 0', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 3);
    const leaf0 = w.pc.radix.root(f);
    cachePage(w, f, 64 * 64 + 7); // needs height 3
    expect(w.pc.radix.height(f)).toBe(3);
    const root = w.pc.radix.root(f);
    expect(w.pc.radix.node(root, N_HEIGHT)).toBe(3);
    // leaf 0 now hangs under a height-2 node under the root
    const mid = w.pc.radix.slot(root, 0);
    expect(w.pc.radix.slot(mid, 0)).toBe(leaf0);
    const leaf1 = w.pc.radix.leafOf(f, 64 * 64 + 7);
    expect(w.pc.radix.node(leaf1, N_BASE)).toBe(64 * 64);
    expect(w.pc.radix.node(root, N_COUNT)).toBe(2);
    expectClean(w.pc);
  });

  it('frees empty nodes and shrinks the tree when pages leave', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    const a = cachePage(w, f, 1);
    const b = cachePage(w, f, 64 * 64);
    expect(w.pc.radix.height(f)).toBe(3);
    w.pc.deleteFromPageCache(b);
    expect(w.pc.radix.height(f)).toBe(1); // shrunk to the leaf holding index 1
    expect(w.mem.isFree(b)).toBe(true);
    expectClean(w.pc);
    w.pc.deleteFromPageCache(a);
    expect(w.pc.radix.root(f)).toBe(-1);
    expect(w.pc.radix.height(f)).toBe(0);
    expectClean(w.pc);
  });

  it('sets a tag on every level of the path and on the root, and clears it upward only when no sibling holds it', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 70); // leaf 1 under a height-2 root
    cachePage(w, f, 71);
    cachePage(w, f, 2); // leaf 0
    const r = w.pc.radix;
    const root = r.root(f);
    const leaf1 = r.leafOf(f, 70);
    expect(r.height(f)).toBe(2);

    const stepsBefore = w.steps.length;
    w.pc.tagSet(f, 70, Tag.dirty);
    // steps: entry, descend at height 2, descend at height 1, root
    const lines = [];
    for (let s = stepsBefore; s < w.steps.length; s++) lines.push(codeLine(w.steps.lineOf(s)).label);
    expect(lines).toEqual(['entry', 'descend', 'descend', 'root']);
    expect(r.tagBit(leaf1, Tag.dirty, 70 % 64)).toBe(true);
    expect(r.tagBit(root, Tag.dirty, 1)).toBe(true);
    expect(r.tagBit(root, Tag.dirty, 0)).toBe(false);
    expect(r.rootTag(f, Tag.dirty)).toBe(true);

    w.pc.tagSet(f, 71, Tag.dirty);
    w.pc.tagClear(f, 70, Tag.dirty);
    // 71 still dirty: the parent and root keep the tag
    expect(r.tagBit(root, Tag.dirty, 1)).toBe(true);
    expect(r.rootTag(f, Tag.dirty)).toBe(true);
    expectClean(w.pc);
    w.pc.tagClear(f, 71, Tag.dirty);
    expect(r.tagBit(leaf1, Tag.dirty, 71 % 64)).toBe(false);
    expect(r.tagBit(root, Tag.dirty, 1)).toBe(false);
    expect(r.rootTag(f, Tag.dirty)).toBe(false);
    expectClean(w.pc);
  });

  it('refuses a CPU tag on an index without a page', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    cachePage(w, f, 0);
    expect(() => w.pc.tagSet(f, 1, Tag.dirty)).toThrow(/no page/);
  });

  it('finds tagged indices in order, from a start, up to a maximum, skipping untagged subtrees', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    for (const i of [3, 9, 64 * 5 + 1, 64 * 64 * 2, 64 * 64 * 2 + 63]) {
      cachePage(w, f, i);
      w.pc.tagSet(f, i, Tag.cpuDirty);
    }
    cachePage(w, f, 10); // untagged
    expect(w.pc.findGetTaggedPagesIdx(f, 0, 100, Tag.cpuDirty).indices).toEqual([3, 9, 321, 8192, 8255]);
    const first = w.pc.findGetTaggedPagesIdx(f, 4, 2, Tag.cpuDirty);
    expect(first).toEqual({ indices: [9, 321], next: 322 });
    expect(w.pc.findGetTaggedPagesIdx(f, first.next, 10, Tag.cpuDirty).indices).toEqual([8192, 8255]);
    expect(w.pc.findGetTaggedPagesIdx(f, 0, 10, Tag.dirty).indices).toEqual([]);
  });

  it('reuses a freed node id and starts it from blank state', () => {
    const w = pcWorld();
    const f = w.pc.createAddressSpace();
    const a = cachePage(w, f, 64 * 3);
    w.pc.tagSet(f, 64 * 3, Tag.dirty);
    w.pc.deleteFromPageCache(a);
    const nodes = w.pc.radix.nodeCount();
    cachePage(w, f, 0);
    expect(w.pc.radix.nodeCount()).toBe(nodes); // came from the free list
    expect(w.pc.tagGet(f, 0, Tag.dirty)).toBe(false);
    expectClean(w.pc);
  });
});
