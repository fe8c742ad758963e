/**
 * gdrapi.c:gdr_copy_to_mapping and gdr_copy_from_mapping: the CPU itself moves the bytes through the WC mapping.
 *
 * To the GPU: align the destination to 16 B with small stores, then the widest non-temporal stores the CPU has
 * (64/32/16 B), the tail with aligned small stores, and an sfence to drain the write-combining buffers. From the GPU:
 * the same alignment with uncached loads; the BAR is not prefetchable, so there are no burst reads and every load is
 * a round trip over PCIe, which is why reads are ~20x slower than writes.
 *
 * The library checks only its own "mapped" flag; it does not learn about invalidations. A copy through a mapping
 * whose PTEs were zapped therefore faults, and since the VMA is VM_PFNMAP with no fault handler the process gets
 * SIGBUS (recorded as a gdrError, nothing copied: the model does not count the bytes before the faulting page).
 *
 * Cost: cost.ts's fit of the published gdrcopy README numbers (Tesla V100).
 */

import { fnCopyFrom, fnCopyTo } from './code';
import { gdrCopyCostNs } from './cost';
import type { Gdr } from './gdr';
import { GdrError, GdrOp, GK } from './kinds';
import { M_OFFSET, M_VMA, PAGE_SIZE, V_LEN } from './state';

export function copyMapping(g: Gdr, m: number, direction: 0 | 1, offset: number, length: number): number {
  const { s, steps } = g;
  const fn = direction === 0 ? fnCopyTo : fnCopyFrom;
  const op = direction === 0 ? GdrOp.copyTo : GdrOp.copyFrom;
  steps.enter(fn.at.entry);
  steps.at(fn.at.check);
  const v = s.mr(m, M_VMA) - 1;
  if (v < 0) {
    g.refuse(m, op, GdrError.notMapped);
    steps.leave();
    return -1;
  }
  if (length === 0) {
    steps.leave();
    return 0;
  }
  const at = s.mr(m, M_OFFSET) + offset; // byte offset of the copy inside the VMA
  if (at + length > s.vma(v, V_LEN)) {
    steps.at(fn.at.fault);
    g.refuse(m, op, GdrError.outsideMapping);
    steps.leave();
    return -1;
  }
  const first = Math.floor(at / PAGE_SIZE);
  const last = Math.ceil((at + length) / PAGE_SIZE);
  for (let p = first; p < last; p++) {
    if (!s.ptePresent(v, p)) {
      steps.at(fn.at.fault);
      g.refuse(m, op, GdrError.zapped);
      steps.leave();
      return -1;
    }
  }

  // the path through the routine: a head that reaches 16 B alignment, the wide body, a tail
  const head = length < 16 ? length : (16 - (at & 15)) & 15;
  const body = length < 16 ? 0 : Math.floor((length - head) / 16) * 16;
  const tail = length - head - body;
  if (head) steps.at(fn.at.align);
  const ns = gdrCopyCostNs(direction, length);
  if (body) steps.at(direction === 0 ? fnCopyTo.at.stream : fnCopyFrom.at.load);
  if (tail) steps.at(fn.at.tail);
  if (direction === 0) steps.at(fnCopyTo.at.fence);
  g.clock.spend(ns);
  g.clock.count('gdr_bytes', length);
  g.store.event(GK.gdrCopy, m, direction, length, ns);
  steps.leave();
  return ns;
}
