/**
 * gdr_map → mmap(offset = handle << PAGE_SHIFT) → gdrdrv.c:gdrdrv_mmap.
 *
 * The kernel makes a VMA on filp->f_mapping (so it joins that address_space's i_mmap, where unmap_mapping_range will
 * find it) and calls gdrdrv_mmap, which checks the mr, picks the mapping type (write-combining on an x86 host with a
 * PCIe BAR; the cached and device types of coherent or Arm platforms are not modelled), and maps each run of
 * physically contiguous 64 KiB pages with one io_remap_pfn_range. The PTEs are 4 KiB (remap_pfn_range never
 * builds huge ones). Simplification: a refused mmap leaves no VMA behind (the kernel drops it), so the model makes
 * the VMA only once the checks pass.
 *
 * Cost: apiperf's 3.6 µs for gdr_map of 64 KiB on a V100 (published), whatever the size.
 */

import { coalesce } from './bar1';
import { fnGdrMap, fnGdrdrvMmap } from './code';
import { PUBLISHED_API_US } from './cost';
import type { Gdr } from './gdr';
import { GdrError, GdrOp, GK, MappingType } from './kinds';
import {
  F_MAPPING,
  F_PROC,
  GPU_PAGE_SIZE,
  H_MMAP,
  H_VMAS,
  M_CB_FLAG,
  M_ENTRIES,
  M_FILE,
  M_HANDLE,
  M_MAPPING,
  M_OFFSET,
  M_PT,
  M_SIZE,
  M_STATE,
  M_TYPE,
  M_VMA,
  PAGE_SIZE,
  PAGES_PER_GPU_PAGE,
  V_FILE,
  V_LEN,
  V_MAPPING,
  V_MR,
  V_PGOFF,
  V_PROC,
  V_START,
  V_STATE,
} from './state';

export function mapBuffer(g: Gdr, m: number, size?: number): number {
  const { s, steps } = g;
  const file = s.mr(m, M_FILE);
  steps.enter(fnGdrMap.at.entry);
  // the library's own check (gdr_map_v2): it refuses a handle it already mapped before asking the kernel
  if (s.mr(m, M_STATE) === 1 && s.mr(m, M_VMA) !== 0) {
    steps.at(fnGdrMap.at.mappedAlready);
    g.refuse(m, GdrOp.map, GdrError.libAlreadyMapped);
    steps.leave();
    return -1;
  }
  steps.at(fnGdrMap.at.mmap);
  const len = Math.ceil((size ?? s.mr(m, M_SIZE)) / PAGE_SIZE) * PAGE_SIZE;
  const reason = mmapChecks(g, m, len);
  if (reason >= 0) {
    steps.at(fnGdrMap.at.failed);
    steps.leave();
    return -1;
  }

  steps.at(fnGdrdrvMmap.at.type);
  steps.at(fnGdrdrvMmap.at.coalesce);
  const runs = coalesce(s.pageTable(m) ?? []);

  steps.at(fnGdrdrvMmap.at.remap);
  const v = makeVma(g, file, m, len);
  const start = s.vma(v, V_START);
  let vpage = 0; // offset is always 0 here (the checks refuse any other)
  for (const [, entries, paddr] of runs) {
    if (vpage * PAGE_SIZE >= len) break;
    const pages = Math.min(entries * PAGES_PER_GPU_PAGE, len / PAGE_SIZE - vpage);
    s.setPtes(v, vpage, vpage + pages, true);
    g.store.event(GK.gdrRemap, v, vpage, paddr, pages * PAGE_SIZE);
    vpage += pages;
  }

  steps.at(fnGdrdrvMmap.at.record);
  s.setMr(m, M_VMA, v + 1);
  s.setMr(m, M_MAPPING, s.file(file, F_MAPPING) + 1);
  s.setMr(m, M_TYPE, MappingType.wc);
  g.store.event(GK.gdrMmap, m, v, start, len);
  steps.leave();

  steps.at(fnGdrMap.at.getInfo);
  g.clock.spend(PUBLISHED_API_US.map * 1000);
  steps.leave();
  return v;
}

/** gdrdrv_mmap's checks in its order; each gets a step. Returns a GdrError reason, or -1 when all pass. */
function mmapChecks(g: Gdr, m: number, len: number): number {
  const { s, steps } = g;
  steps.enter(fnGdrdrvMmap.at.entry);
  steps.at(fnGdrdrvMmap.at.lookup);
  // handle = vm_pgoff; a freed mr is no longer on the list, so its handle finds nothing
  if (s.mr(m, M_STATE) !== 1) return fail(g, m, GdrError.noHandle);
  steps.at(fnGdrdrvMmap.at.mapped);
  if (s.mr(m, M_TYPE) !== MappingType.none) return fail(g, m, GdrError.alreadyMapped);
  steps.at(fnGdrdrvMmap.at.invalidated);
  if (s.mr(m, M_CB_FLAG) !== 0) return fail(g, m, GdrError.invalidated);
  steps.at(fnGdrdrvMmap.at.table);
  if (s.mr(m, M_PT) === 0) return fail(g, m, GdrError.noPageTable);
  steps.at(fnGdrdrvMmap.at.offset);
  if (s.mr(m, M_OFFSET) !== 0) return fail(g, m, GdrError.unalignedPin);
  steps.at(fnGdrdrvMmap.at.size);
  if (len > GPU_PAGE_SIZE * s.mr(m, M_ENTRIES)) return fail(g, m, GdrError.sizeTooBig);
  // gdrdrv_mmap goes on with the type and the remapping; the caller steps through those lines
  return -1;
}

/** Refuse at the check that failed (the event belongs to its step) and leave gdrdrv_mmap. */
function fail(g: Gdr, m: number, reason: number): number {
  g.refuse(m, GdrOp.map, reason);
  g.steps.leave();
  return reason;
}

/** The VMA mmap created: placed below the process's last mapping, linked into filp->f_mapping's i_mmap. */
function makeVma(g: Gdr, file: number, m: number, len: number): number {
  const s = g.s;
  const proc = s.file(file, F_PROC);
  const top = s.hdr(H_MMAP + proc) || g.mmapTop;
  const start = top - len;
  s.setHdr(H_MMAP + proc, start, GK.gdrVma);
  const v = s.vmas;
  s.setHdr(H_VMAS, v + 1, GK.gdrVma);
  s.setVma(v, V_STATE, 1);
  s.setVma(v, V_FILE, file);
  s.setVma(v, V_PROC, proc);
  s.setVma(v, V_MAPPING, s.file(file, F_MAPPING));
  s.setVma(v, V_START, start);
  s.setVma(v, V_LEN, len);
  s.setVma(v, V_PGOFF, s.mr(m, M_HANDLE));
  s.setVma(v, V_MR, m + 1);
  s.allocBits(v, len / PAGE_SIZE);
  return v;
}
