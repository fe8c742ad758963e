/**
 * Where a faulting page should live (uvm_va_block.c: block_select_processor_residency), rules in the driver's order:
 * 1. read duplication possible (policy enabled, or the page already duplicated and no pin): a read makes a copy at
 *    the requester; a write takes a local copy that collapses the others;
 * 2. the requester is the preferred location: the requester;
 * 3. a thrashing PIN hint: the pin location;
 * 4. the page is resident nowhere: the preferred location if set and reachable, else the requester;
 * 5. the requester is in accessed_by and can reach the current copy: stay (map remotely);
 * 6. (atomics with native access to the holder: not on PCIe);
 * 7. a preferred location reachable by the requester: there (so a GPU touching CPU-preferred data maps it remotely);
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
  if (preferred >= 0 && c.canAccess(requester, preferred)) return { dest: preferred, readDup: false };
  return { dest: requester, readDup: false };
}

/** uvm_va_block_page_get_closest_resident: the requester's own copy, else the CPU's, else the lowest GPU. */
export function closestResident(c: Ctx, holders: number, requester: number): number {
  if (holders & (1 << requester)) return requester;
  if (holders & 1) return 0;
  for (let p = 1; p < c.m.procs; p++) if (holders & (1 << p)) return p;
  return -1;
}
