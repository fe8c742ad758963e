/**
 * Write-back of a file range (mm/page-writeback.c, fs/sync.c, Linux 4.4 + GAIA): what msync(MS_SYNC) and fsync run.
 *
 * vfs_fsync_range → filemap_write_and_wait_range → write_cache_pages(WB_SYNC_ALL):
 *   1. tag_pages_for_writeback: DIRTY → TOWRITE over the range, so pages dirtied during the sync are not chased
 *      forever; GAIA adds a second pass DIRTY → CPU_DIRTY that bumps the CPU version of a page's 64 KiB group when
 *      the page was not already CPU_DIRTY (lib/radix-tree.c radix_tree_range_tag_if_tagged, GAIA hunk).
 *   2. for each TOWRITE page: lock, clear_page_dirty_for_io (page_mkclean write-protects every PTE mapping it, so the
 *      next CPU write faults and re-dirties the page), set_page_writeback (WRITEBACK tag on; DIRTY and TOWRITE off),
 *      writepage, unlock.
 *   3. the bios complete (end_page_writeback): PG_writeback and the WRITEBACK tag off.
 *
 * Costs: contiguous pages merge into one I/O (the block layer's plugging/merging), each I/O costs
 * diskWriteNs(pages). Versions: the brief's model, not a GAIA hunk (the patches add none to this path): when a page
 * reaches the disk, TSVT[DISK][DISK], TSVT[DISK][CPU] and TSVT[CPU][DISK] rise to the CPU's own version.
 */

import { diskWriteNs, PAGE_SIZE } from '../cpu/costs';
import { PG } from '../cpu/memmap';
import type { PageCache } from './filemap';
import { PK } from './kinds';
import { GPU_GROUP, MAP_SIZE, Tag } from './radix';
import { taggedIndices } from './walk';
import { fnEndWriteback, fnFsync, fnTagForWriteback, fnWriteCachePages } from './code';

/** PAGEVEC_SIZE in 4.4: pages looked up per batch. */
export const PAGEVEC_SIZE = 14;

export function tagPagesForWriteback(pc: PageCache, f: number, start: number, end: number): void {
  const s = pc.steps;
  const r = pc.radix;
  const t = pc.tsvt;
  const dirty = taggedIndices(r, f, start, Infinity, Tag.dirty, end);
  s.enter(fnTagForWriteback.at.entry);
  s.at(fnTagForWriteback.at.towrite);
  for (const i of dirty) r.tagSet(f, i, Tag.towrite);
  pc.store.event(PK.rangeTag, f, start, dirty.length, Tag.towrite);
  s.at(fnTagForWriteback.at.cpuDirty);
  let tagged = 0;
  for (const i of dirty) {
    if (r.tagGet(f, i, Tag.cpuDirty)) continue;
    r.tagSet(f, i, Tag.cpuDirty);
    tagged++;
    // GAIA bumps TSVT[i][CPU][CPU] for the pages of the 64 KiB group (its loop starts at offset/16, which looks like a
    // slip for offset/16*16; we use the group). Only slots holding a CPU copy are bumped: -1 stays "no copy".
    const leaf = r.leafOf(f, i);
    const lo = (i % MAP_SIZE) - (i % GPU_GROUP);
    for (let slot = lo; slot < lo + GPU_GROUP; slot++) {
      const v = t.version(leaf, slot, t.cpu, t.cpu);
      if (v !== -1) t.setVersion(leaf, slot, t.cpu, t.cpu, v + 1, PK.pcTsvt);
    }
  }
  pc.store.event(PK.rangeTag, f, start, tagged, Tag.cpuDirty);
  s.leave();
}

/** write_cache_pages(WB_SYNC_ALL) over [start, end]; returns the pages written. */
export function writeCachePages(pc: PageCache, f: number, start: number, end: number): number {
  const s = pc.steps;
  const r = pc.radix;
  const mem = pc.mem;
  s.enter(fnWriteCachePages.at.entry);
  s.at(fnWriteCachePages.at.tag);
  tagPagesForWriteback(pc, f, start, end);
  const written: number[] = []; // indices, ascending
  let index = start;
  for (;;) {
    s.at(fnWriteCachePages.at.lookup);
    const batch = taggedIndices(r, f, index, PAGEVEC_SIZE, Tag.towrite, end);
    if (batch.length === 0) break;
    for (const i of batch) {
      const pfn = r.lookup(f, i);
      s.at(fnWriteCachePages.at.lock);
      mem.setFlag(pfn, PG.locked);
      if (!mem.has(pfn, PG.dirty)) {
        mem.clearFlag(pfn, PG.locked);
        continue;
      }
      s.at(fnWriteCachePages.at.clean);
      if (pc.hooks.mkclean) pc.hooks.mkclean(pfn);
      mem.clearFlag(pfn, PG.dirty);
      s.at(fnWriteCachePages.at.writeback);
      mem.setFlag(pfn, PG.writeback);
      r.tagSet(f, i, Tag.writeback);
      r.tagClear(f, i, Tag.dirty);
      r.tagClear(f, i, Tag.towrite);
      mem.clearFlag(pfn, PG.locked);
      written.push(i);
    }
    index = batch[batch.length - 1] + 1;
  }
  // the plug is flushed: contiguous pages go to the disk as one I/O each
  for (let k = 0; k < written.length; ) {
    let e = k + 1;
    while (e < written.length && written[e] === written[e - 1] + 1) e++;
    const pages = e - k;
    s.at(fnWriteCachePages.at.submit);
    pc.store.event(PK.diskWrite, f, written[k], pages, pages * PAGE_SIZE);
    pc.clock.spend(diskWriteNs(pc.costs, pages));
    pc.clock.count('disk_writes', 1);
    pc.clock.count('disk_write_bytes', pages * PAGE_SIZE);
    for (let j = k; j < e; j++) endPageWriteback(pc, f, written[j]);
    k = e;
  }
  s.at(fnWriteCachePages.at.done);
  s.leave();
  return written.length;
}

/** end_page_writeback for the page at `index`, with the disk's versions brought up to the CPU's. */
function endPageWriteback(pc: PageCache, f: number, index: number): void {
  const s = pc.steps;
  const r = pc.radix;
  const t = pc.tsvt;
  const pfn = r.lookup(f, index);
  s.enter(fnEndWriteback.at.entry);
  s.at(fnEndWriteback.at.clear);
  pc.mem.clearFlag(pfn, PG.writeback);
  r.tagClear(f, index, Tag.writeback);
  s.at(fnEndWriteback.at.version);
  const leaf = r.leafOf(f, index);
  const slot = index % MAP_SIZE;
  const v = t.version(leaf, slot, t.cpu, t.cpu);
  if (v > t.version(leaf, slot, t.disk, t.disk)) t.setVersion(leaf, slot, t.disk, t.disk, v, PK.pcTsvt);
  if (v > t.version(leaf, slot, t.disk, t.cpu)) t.setVersion(leaf, slot, t.disk, t.cpu, v, PK.pcTsvt);
  if (v > t.version(leaf, slot, t.cpu, t.disk)) t.setVersion(leaf, slot, t.cpu, t.disk, v, PK.pcTsvt);
  s.leave();
}

/** vfs_fsync_range(file, start, end): write the range back and wait; returns the pages written. */
export function fsyncRange(pc: PageCache, f: number, start: number, end: number): number {
  const s = pc.steps;
  s.enter(fnFsync.at.entry);
  s.at(fnFsync.at.write);
  const n = writeCachePages(pc, f, start, end);
  s.at(fnFsync.at.wait); // every bio completed inside writeCachePages: nothing is left under write-back
  s.leave();
  return n;
}
