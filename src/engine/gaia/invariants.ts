/**
 * Invariants of GAIA's consistency state (the UVM blocks' page_from_cache and shadow-differs masks, the GPU pages in
 * the page cache, the armed injections); each message names the object and the rule. All hold after every micro-step:
 *
 *  GA1 a GPU page in a file's page cache covers 16 pages that UVM filled from the page cache: uvm_populate_page_from_
 *      cache adds it only when the 16th page is filled, and maquire deletes it (__delete_from_page_cache_gpu) before
 *      invalidate_cached_page forgets the pages were filled;
 *  GA2 a page the GPU wrote since its shadow (what is_gpu_page_dirty finds) was filled from the page cache: the shadow
 *      exists only for those, and invalidate_cached_page forgets both together;
 *  GA3 a GPU page of a file sits in that file's GAIA row (the GPU the file is shared with);
 *  GA4 an armed injection names one of get_page_from_gpu's five checks and a range inside the file.
 * Versions only grow (PC6, pagecache/invariants.ts) is the fourth leg of the model: checked on the log.
 */

import type { Ctx } from '../uvm/context';
import type { LinuxSide } from '../linux/side';
import { PAGES_PER_BLOCK } from '../uvm/model';
import { GPU_GROUP, GPU_SLOTS, N_BASE, N_HEIGHT } from '../pagecache/radix';
import type { Gaia } from './gaia';
import { GET_PAGE_FAILURES } from './kinds';

export function gaiaInvariants(g: Gaia, c: Ctx, linux: LinuxSide, limit = 20): string[] {
  const out: string[] = [];
  const say = (msg: string): void => {
    if (out.length < limit) out.push(msg);
  };
  const { m } = c;
  const L = m.layout;
  const pc = linux.cpu.pc;
  for (const r of m.regions) {
    const f = linux.fileOf[r.index];
    if (f < 0) continue;
    const gpu = g.sharedGpu(r.index);
    // GA2 over the region's blocks
    for (let b = r.firstBlock; b < r.firstBlock + r.blocks; b++) {
      const stray = m.readMask(L.word(b, L.gpuWritten)).andNotHeap(m.blocks, L.word(b, L.fromCache));
      if (!stray.isEmpty()) say(`GA2 block ${b}: page ${stray.first()} differs from a shadow it never had (not filled from the page cache)`);
    }
    // GA1, GA3 over the GPU slots of the file's leaves
    for (const n of pc.nodesOf(f)) {
      if (pc.radix.node(n, N_HEIGHT) !== 1) continue;
      for (let slot = 0; slot < m.gpus * GPU_SLOTS; slot++) {
        const row = Math.floor(slot / GPU_SLOTS);
        const k = slot % GPU_SLOTS;
        if (pc.radix.gpuSlot(n, row, k) < 0) continue;
        const first = pc.radix.node(n, N_BASE) + k * GPU_GROUP;
        if (row !== gpu - 1) say(`GA3 ${r.name} index ${first}: a GPU page in row ${row}, but the file is shared with ${gpu ? m.gpuName(gpu) : 'no GPU'}`);
        const block = r.firstBlock + Math.floor(first / PAGES_PER_BLOCK);
        const pg = first % PAGES_PER_BLOCK;
        const filled = m.readMask(L.word(block, L.fromCache)).countRange(pg, pg + GPU_GROUP);
        const want = Math.min(GPU_GROUP, r.pages - first);
        if (filled !== want) say(`GA1 ${r.name} indices ${first}–${first + GPU_GROUP - 1}: a GPU page in the cache, but only ${filled} of its pages were filled from it`);
      }
    }
    // GA4
    const a = g.injections.armed(r.index);
    if (a.check >= 0 && (a.check >= GET_PAGE_FAILURES.length || a.first >= a.end || a.end > r.pages)) say(`GA4 ${r.name}: injection of check ${a.check} on [${a.first}, ${a.end}) is not one get_page_from_gpu can take`);
  }
  return out;
}
