/**
 * Where a faulting page should live (uvm_va_block.c: block_select_processor_residency), rules in the driver's order:
 * 1. read duplication possible (policy enabled, or the page already duplicated and no pin): a read makes a copy at
 *    the requester; a write takes a local copy that collapses the others;
 * 2. the requester is the preferred location: the requester;
 * 3. a thrashing PIN hint: the pin location;
 * 4. the page is resident nowhere: the preferred location if set and reachable, else the requester;
 * 5. the requester is in accessed_by and can reach the current copy: stay (map remotely);
 * 6. (atomics with native access to the holder: not on PCIe);
 * 7. the page is not on the requester and the preferred location is reachable by it: there (so a GPU touching
 *    CPU-preferred data maps it remotely, and a GPU touching data preferred on its peer maps the peer's memory);
 * 8. otherwise the requester.
 */

import type { Ctx } from './context';
import { Access } from './kinds';
import { POLICY_READ_DUP } from './model';

export interface Residency {
  dest: number;
  readDup: boolean;
}

export function selectResidency(c: Ctx, block: number, page: number, requester: number, access: number, pin: number): Residency {
  const { m } = c;
  const region = m.blockRegion[block];
  const preferred = m.preferredLocation(region);
  const policyDup = m.policy(region, POLICY_READ_DUP);
  const isDup = (m.blocks[m.layout.readDupBase(block) + (page >>> 5)] >>> (page & 31)) & 1;
  const dupPossible = (policyDup === 1 || (isDup === 1 && policyDup !== 2)) && pin < 0;
  if (dupPossible) return { dest: requester, readDup: access <= Access.read };
  if (requester === preferred) return { dest: requester, readDup: false };
  if (pin >= 0) return { dest: pin, readDup: false };
  const holders = m.residentProcs(block, page);
  if (holders === 0) {
    if (preferred >= 0 && c.canAccess(requester, preferred)) return { dest: preferred, readDup: false };
    return { dest: requester, readDup: false };
  }
  const closest = closestResident(c, holders, requester);
  if (m.accessedBy(region) & (1 << requester) && c.canAccess(requester, closest)) return { dest: closest, readDup: false };
  // the preferred location only when the page is not already on the requester (a write or atomic fault on a page the
  // requester holds but maps read-only keeps it there)
  if (closest !== requester && preferred >= 0 && c.canAccess(requester, preferred)) return { dest: preferred, readDup: false };
  return { dest: requester, readDup: false };
}

/**
 * uvm_va_block_page_get_closest_resident, by uvm_processor_mask_find_closest_id (uvm_va_space.c): the requester's own
 * copy; else, among the holders the requester can access, a GPU peer before the CPU (PCIe peers are preferred to
 * sysmem; no NVLink here); else the first holder by id.
 */
export function closestResident(c: Ctx, holders: number, requester: number): number {
  if (holders & (1 << requester)) return requester;
  if (holders === 0) return -1;
  for (let p = 1; p < c.m.procs; p++) if (holders & (1 << p) && c.canAccess(requester, p)) return p;
  if (holders & 1 && c.canAccess(requester, 0)) return 0;
  for (let p = 0; p < c.m.procs; p++) if (holders & (1 << p)) return p;
  return -1;
}

/** Processors holding a page, closest to `to` first (for_each_closest_id): where a copy to `to` is taken from. */
export function closestOrder(c: Ctx, holders: number, to: number): number[] {
  const out: number[] = [];
  let left = holders & ~(1 << to);
  while (left !== 0) {
    const p = closestResident(c, left, to);
    out.push(p);
    left &= ~(1 << p);
  }
  return out;
}
