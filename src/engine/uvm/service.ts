/**
 * uvm_va_block_service_locked: service the faults of one va_block once their destinations are chosen. Shared by the
 * GPU fault path (a batch's faults in this block) and the CPU fault path (one page).
 *
 * 1. prefetch hint (uvm_va_block_get_prefetch_hint): only when every faulted page goes to one destination;
 * 2. make the pages resident at each destination (uvm_va_block_service_copy);
 * 3. map the requester (read faults promoted to read-write, read-write-atomic on its own memory, unless the page is
 *    read-duplicated: compute_new_permission), and re-map accessed_by processors (uvm_va_block_service_finish).
 */

import { PageMask, heapMaskEmpty } from '../core/bits';
import type { Ctx } from './context';
import { fnPrefetchHint, fnServiceLocked } from './code';
import { Access, Cause, K, RemoteMapCause } from './kinds';
import { PAGES_PER_BLOCK, POLICY_READ_DUP } from './model';
import { PROT_ATOMIC, PROT_READ, PROT_WRITE } from './layout';
import { makeResident } from './migrate';
import { mapPages } from './mapping';
import { computePrefetchMask } from './prefetch';

export interface DestRequest {
  pages: PageMask;
  readDup: PageMask;
  /** Pages placed here because of a thrashing pin (mapped remotely with cause THRASHING). */
  pinned: PageMask;
}

export interface ServiceRequest {
  requester: number;
  /** Destination proc -> the faulted pages going there. */
  dests: Map<number, DestRequest>;
  /** Most intrusive access type per faulted page (Access.*), for the requester's new permission. */
  access: Uint8Array;
}

const EMPTY = new PageMask(PAGES_PER_BLOCK);

export function newDest(): DestRequest {
  return { pages: new PageMask(PAGES_PER_BLOCK), readDup: new PageMask(PAGES_PER_BLOCK), pinned: new PageMask(PAGES_PER_BLOCK) };
}

export function serviceBlock(c: Ctx, block: number, req: ServiceRequest): void {
  const { m, steps } = c;
  steps.enter(fnServiceLocked.at.entry);
  steps.at(fnServiceLocked.at.prefetch);
  const prefetch = prefetchHint(c, block, req);

  steps.at(fnServiceLocked.at.copy);
  const placed = new Map<number, PageMask>();
  for (const [dest, d] of req.dests) {
    const pf = dest === prefetch.dest ? prefetch.pages : null;
    const all = pf ? d.pages.clone().or(pf) : d.pages;
    let readDup = d.readDup.isEmpty() ? null : d.readDup;
    if (pf && readDupForPrefetch(c, block)) readDup = (readDup ?? new PageMask(PAGES_PER_BLOCK)).clone().or(pf);
    let where = dest;
    if (!makeResident(c, block, { dest, pages: all, prefetch: pf, readDup, cause: Cause.fault })) {
      // uvm_va_block_select_residency's fallback: a processor without memory to give means the CPU
      where = 0;
      makeResident(c, block, { dest: 0, pages: all, prefetch: pf, readDup: null, cause: Cause.fault });
    }
    placed.set(where, (placed.get(where) ?? new PageMask(PAGES_PER_BLOCK)).or(all));
  }

  steps.at(fnServiceLocked.at.finish);
  const r = req.requester;
  for (const [where, pages] of placed) {
    // split by the permission the requester gets
    let byProt: PageMask[];
    if (where === r && !pages.intersectsHeap(m.blocks, m.layout.readDupBase(block))) {
      // the common case: data moved to the requester, nothing duplicated: everything read-write-atomic
      byProt = [EMPTY, EMPTY, pages];
    } else {
      byProt = [new PageMask(PAGES_PER_BLOCK), new PageMask(PAGES_PER_BLOCK), new PageMask(PAGES_PER_BLOCK)];
      pages.forEach((p) => byProt[newPermission(c, block, p, r, where, req.access[p])].set(p));
    }
    // remote mappings say why, page by page: pinned by the thrashing detector, or placed there by policy
    const pinned = req.dests.get(where)?.pinned;
    for (let prot = PROT_READ; prot <= PROT_ATOMIC; prot++) {
      if (where === r || !pinned || pinned.isEmpty()) {
        mapPages(c, block, r, byProt[prot], prot, where === r ? 0 : RemoteMapCause.policy);
      } else {
        mapPages(c, block, r, byProt[prot].clone().and(pinned), prot, RemoteMapCause.thrashing);
        mapPages(c, block, r, byProt[prot].clone().andNot(pinned), prot, RemoteMapCause.policy);
      }
    }
    mapAccessedBy(c, block, pages, r);
  }
  steps.leave();
}

function readDupForPrefetch(c: Ctx, block: number): boolean {
  return c.m.policy(c.m.blockRegion[block], POLICY_READ_DUP) === 1;
}

/**
 * compute_new_permission: a read is promoted to read-write when the page is not read-duplicated, and to
 * read-write-atomic when the page is in the requester's own memory (a GPU has native atomics on its vidmem; the CPU's
 * write is its atomic).
 */
function newPermission(c: Ctx, block: number, page: number, requester: number, where: number, access: number): number {
  const dup = (c.m.blocks[c.m.layout.readDupBase(block) + (page >>> 5)] >>> (page & 31)) & 1;
  if (dup) return access >= Access.atomicWeak ? PROT_ATOMIC : access === Access.write ? PROT_WRITE : PROT_READ;
  if (where === requester) return PROT_ATOMIC;
  return access >= Access.atomicWeak ? PROT_ATOMIC : PROT_WRITE;
}

/** uvm_va_block_add_mappings_after_migration: accessed_by processors map the pages wherever they now are. */
export function mapAccessedBy(c: Ctx, block: number, pages: PageMask, except: number): void {
  const { m } = c;
  const mask = m.accessedBy(m.blockRegion[block]);
  if (!mask) return;
  for (let p = 0; p < m.procs; p++) {
    if (p === except || !(mask & (1 << p))) continue;
    mapWhereReachable(c, block, p, pages);
  }
}

/**
 * Map `proc` to each of `pages` that lives where it can reach (a remote mapping, cause policy): what accessed_by asks
 * for when it is set and after every migration. Read-duplicated pages are mapped read-only everywhere (a write must
 * fault to collapse the copies).
 */
export function mapWhereReachable(c: Ctx, block: number, proc: number, pages: PageMask): void {
  const { m } = c;
  const reachable = new PageMask(PAGES_PER_BLOCK);
  pages.forEach((pg) => {
    const holders = m.residentProcs(block, pg);
    for (let h = 0; h < m.procs; h++) {
      if (holders & (1 << h) && c.canAccess(proc, h)) {
        reachable.set(pg);
        break;
      }
    }
  });
  const dup = reachable.clone().andHeap(m.blocks, m.layout.readDupBase(block));
  mapPages(c, block, proc, reachable.clone().andNot(dup), PROT_WRITE, RemoteMapCause.policy);
  mapPages(c, block, proc, dup, PROT_READ, RemoteMapCause.policy);
}

/** The prefetch hint for this service: the destination and the pages to add, or none. */
function prefetchHint(c: Ctx, block: number, req: ServiceRequest): { dest: number; pages: PageMask | null } {
  const { m, steps, scenario } = c;
  const none = { dest: -1, pages: null };
  if (scenario.policy.prefetch === 'off' || req.dests.size === 0) return none;
  steps.enter(fnPrefetchHint.at.entry);
  steps.at(fnPrefetchHint.at.single);
  if (req.dests.size !== 1) {
    steps.leave();
    return none;
  }
  const [dest, d] = [...req.dests][0];
  const L = m.layout;
  // prefetch_info: the counter resets when the destination changes, then counts the faulted pages
  const faults = d.pages.count();
  const last = m.blockWord(block, L.lastMigrationProc) - 1;
  const prev = last === dest ? m.blockWord(block, L.faultMigrationsToLast) : 0;
  m.setBlockWord(block, L.lastMigrationProc, dest + 1, K.blockPrefetchInfo);
  m.setBlockWord(block, L.faultMigrationsToLast, prev + faults, K.blockPrefetchInfo);
  const region = m.blockRegion[block];
  const preferred = m.preferredLocation(region);
  const n = m.blockPages[block];
  let pages: PageMask;
  let held = false;
  for (let p = 0; p < m.procs && !held; p++) if (!heapMaskEmpty(m.blocks, L.residentBase(block, p))) held = true;
  if (!held && dest === preferred) {
    // first touch by the preferred location: the whole block
    pages = m.fullMask(block).andNot(d.pages);
  } else if (scenario.policy.driver === '595' && preferred >= 0 && dest !== preferred) {
    // 590+: should_apply_prefetch_logic refuses to prefetch away from a preferred location
    steps.leave();
    return none;
  } else {
    steps.at(fnPrefetchHint.at.init);
    steps.at(fnPrefetchHint.at.grow);
    steps.at(fnPrefetchHint.at.walk);
    const thrashing = c.thrashing.thrashingMask(block);
    let exclude: PageMask | null = null;
    if (dest === 0) exclude = m.readMask(L.residentBase(block, 0)).andHeap(m.blocks, L.mappedBase(block, 0, PROT_READ));
    pages = computePrefetchMask({
      pages: n,
      residentOnDest: m.readMask(L.residentBase(block, dest)),
      faulted: d.pages,
      thrashing,
      exclude,
      threshold: scenario.policy.prefetchThreshold,
    });
    steps.at(fnPrefetchHint.at.filter);
  }
  if (!pages.isEmpty()) m.store.event(K.prefetchHint, block, pages.first(), dest, pages.count());
  steps.leave();
  return pages.isEmpty() ? none : { dest, pages };
}
