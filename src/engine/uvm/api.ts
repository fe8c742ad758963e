/**
 * The user-facing calls: cudaMemPrefetchAsync (uvm_migrate.c:uvm_migrate) and cudaMemAdvise (uvm_policy.c).
 */

import { PageMask } from '../core/bits';
import type { Ctx } from './context';
import { fnAdvise, fnMigrate } from './code';
import { Cause, K } from './kinds';
import { PAGES_PER_BLOCK, POLICY_ACCESSED_BY, POLICY_PREFERRED, POLICY_READ_DUP } from './model';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from './layout';
import { makeResident } from './migrate';
import { mapPages, revokeWrite, unmapPages } from './mapping';
import { mapAccessedBy, mapWhereReachable } from './service';
import type { Advice } from '../scenario/types';
import { PAGE_SIZE } from '../scenario/types';

/** Pages of each block of a region covered by [offset, offset + length). */
function blocksOf(c: Ctx, region: number, offset: number, length: number): { block: number; pages: PageMask }[] {
  const r = c.m.regions[region];
  const first = Math.floor(offset / PAGE_SIZE);
  const last = Math.ceil((offset + length) / PAGE_SIZE); // exclusive
  const out: { block: number; pages: PageMask }[] = [];
  for (let b = first >>> 9; b * PAGES_PER_BLOCK < last && b < r.blocks; b++) {
    const lo = Math.max(first - b * PAGES_PER_BLOCK, 0);
    const hi = Math.min(last - b * PAGES_PER_BLOCK, c.m.blockPages[r.firstBlock + b]);
    const pages = new PageMask(PAGES_PER_BLOCK);
    pages.setRange(lo, hi);
    out.push({ block: r.firstBlock + b, pages });
  }
  return out;
}

/**
 * uvm_migrate: pass 1 makes every block resident at the destination (cause API_MIGRATE = CUPTI USER, no prefetcher;
 * unpopulated pages are populated there; read-mostly ranges are duplicated); pass 2 maps the destination, with
 * read-write-atomic where nothing else maps the page, and the accessed_by processors.
 */
export function prefetchRange(c: Ctx, region: number, dest: number, offset: number, length: number): void {
  const { m, steps } = c;
  steps.enter(fnMigrate.at.entry);
  const blocks = blocksOf(c, region, offset, length);
  const dup = m.readDupEnabled(region);
  let where = dest;
  for (const { block, pages } of blocks) {
    steps.at(fnMigrate.at.pass1);
    if (!makeResident(c, block, { dest, pages, prefetch: null, readDup: dup ? pages : null, cause: Cause.user })) {
      where = 0;
      makeResident(c, block, { dest: 0, pages, prefetch: null, readDup: null, cause: Cause.user });
    }
  }
  for (const { block, pages } of blocks) {
    steps.at(fnMigrate.at.pass2);
    const target = where;
    const shared = new PageMask(PAGES_PER_BLOCK);
    for (let p = 0; p < m.procs; p++) if (p !== target) shared.orHeap(m.blocks, m.layout.mappedBase(block, p, PROT_READ));
    const alone = pages.clone().andNot(shared);
    const dupPages = pages.clone().andHeap(m.blocks, m.layout.readDupBase(block));
    mapPages(c, block, target, alone.clone().andNot(dupPages), PROT_ATOMIC);
    mapPages(c, block, target, pages.clone().and(shared).andNot(dupPages), PROT_WRITE);
    mapPages(c, block, target, dupPages, PROT_READ);
    mapAccessedBy(c, block, pages, target);
  }
  steps.at(fnMigrate.at.done);
  steps.leave();
}

export function advise(c: Ctx, region: number, advice: Advice, target: number | null): void {
  const { m, steps } = c;
  steps.enter(fnAdvise.at.entry);
  const r = m.regions[region];
  const all = blocksOf(c, region, 0, r.pages * PAGE_SIZE);
  switch (advice) {
    case 'read-mostly': {
      steps.at(fnAdvise.at.readMostly);
      m.setPolicy(region, POLICY_READ_DUP, 1);
      // va_block_set_read_duplication_locked: resident pages become read-duplicated; nobody keeps write access
      for (const { block } of all) {
        const resident = new PageMask(PAGES_PER_BLOCK);
        for (let p = 0; p < m.procs; p++) resident.orHeap(m.blocks, m.layout.residentBase(block, p));
        if (resident.isEmpty()) continue;
        for (let p = 0; p < m.procs; p++) revokeWrite(c, block, p, resident);
        m.writeMask(m.layout.readDupBase(block), resident, true, K.blockReadDuplicated, block);
      }
      break;
    }
    case 'unset-read-mostly': {
      steps.at(fnAdvise.at.unsetReadMostly);
      m.setPolicy(region, POLICY_READ_DUP, 0);
      const preferred = m.preferredLocation(region);
      // va_block_unset_read_duplication_locked: one copy per page, the preferred location's if it has one, then the
      // other processors by id (the CPU, gpu0, gpu1…); then the accessed-by processors are mapped again
      const order = preferred >= 0 ? [preferred, ...Array.from({ length: m.procs }, (_, p) => p).filter((p) => p !== preferred)] : Array.from({ length: m.procs }, (_, p) => p);
      for (const { block, pages } of all) {
        const dup = m.readMask(m.layout.readDupBase(block));
        if (dup.isEmpty()) continue;
        for (const keep of order) {
          const here = dup.clone().andHeap(m.blocks, m.layout.residentBase(block, keep));
          if (here.isEmpty()) continue;
          makeResident(c, block, { dest: keep, pages: here, prefetch: null, readDup: null, cause: Cause.user });
          dup.andNot(here);
        }
        // accessed_by processors map again where the surviving copies are (-1: none excepted)
        mapAccessedBy(c, block, pages, -1);
      }
      break;
    }
    case 'preferred-location': {
      steps.at(fnAdvise.at.preferred);
      const t = target ?? 0;
      m.setPolicy(region, POLICY_PREFERRED, t + 1);
      // preferred_location_unmap_remote_pages: the preferred processor drops mappings of pages living elsewhere,
      // unless the range is read-mostly (read duplication takes precedence: nothing is unmapped)
      if (m.readDupEnabled(region)) break;
      for (const { block, pages } of all) {
        const remote = pages.clone().andNotHeap(m.blocks, m.layout.residentBase(block, t));
        unmapPages(c, block, t, remote);
      }
      break;
    }
    case 'unset-preferred-location':
      steps.at(fnAdvise.at.unsetPreferred);
      m.setPolicy(region, POLICY_PREFERRED, 0);
      break;
    case 'accessed-by': {
      steps.at(fnAdvise.at.accessedBy);
      const t = target ?? 0;
      m.setPolicy(region, POLICY_ACCESSED_BY, m.accessedBy(region) | (1 << t));
      for (const { block, pages } of all) mapWhereReachable(c, block, t, pages);
      break;
    }
    case 'unset-accessed-by': {
      steps.at(fnAdvise.at.unsetAccessedBy);
      const t = target ?? 0;
      m.setPolicy(region, POLICY_ACCESSED_BY, m.accessedBy(region) & ~(1 << t));
      break;
    }
  }
  steps.leave();
}
