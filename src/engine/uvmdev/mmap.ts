/**
 * Mapping a managed allocation through /dev/nvidia-uvm: mm/mmap.c:do_mmap → mmap_region, which calls the driver's
 * mmap (uvm.c:uvm_mmap) and then links the VMA into the mm and into file->f_mapping->i_mmap (vma_link). That last link
 * is what unmap_mapping_range walks, which is why the file's f_mapping decides which VMAs a zap can reach.
 *
 * The CUDA driver maps each cudaMallocManaged allocation with MAP_SHARED at file offset = virtual address; uvm_mmap
 * insists on it. The managed va_range itself (uvm_va_range_create_mmap) is the UVM model's region (uvm/model.ts).
 */

import { fnMmap } from '../cpu/code';
import { fnUvmMmap } from './code';
import { UK } from './kinds';
import { F_MAPPING, H_VMAS, PAGE_SIZE, V_FILE, V_LEN, V_MAPPING, V_PGOFF, V_PROC, V_REGION, V_START, V_STATE } from './state';
import type { UvmDev } from './uvmdev';

export function uvmMmap(u: UvmDev, f: number, process: number, region: number, start: number, length: number): number {
  const { s, steps } = u;
  steps.enter(fnMmap.at.entry);
  steps.at(fnMmap.at.area);
  steps.at(fnMmap.at.vma);
  const v = s.vmas;
  s.setHdr(H_VMAS, v + 1, UK.uvmVma);
  s.setVma(v, V_FILE, f);
  s.setVma(v, V_PROC, process);
  s.setVma(v, V_REGION, region);
  s.setVma(v, V_START, start);
  s.setVma(v, V_LEN, length);
  s.setVma(v, V_PGOFF, start / PAGE_SIZE);
  steps.at(fnMmap.at.driver);
  steps.enter(fnUvmMmap.at.entry);
  steps.at(fnUvmMmap.at.offset);
  steps.at(fnUvmMmap.at.shared);
  steps.at(fnUvmMmap.at.flags);
  steps.at(fnUvmMmap.at.range);
  steps.at(fnUvmMmap.at.ret);
  steps.leave();
  steps.at(fnMmap.at.link);
  s.setVma(v, V_MAPPING, s.file(f, F_MAPPING));
  s.setVma(v, V_STATE, 1);
  if (process !== u.modelledProcess) s.allocPageState(v);
  u.store.event(UK.uvmMmap, v, region, start, length);
  steps.leave();
  return v;
}
