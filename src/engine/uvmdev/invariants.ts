/**
 * Invariants of /dev/nvidia-uvm's files and VMAs at the cursor; each message names the object and the rule. All of
 * them hold after every micro-step: each path writes a record's fields before the word that makes it count (a VMA is
 * live only once linked, a file's fd type changes after the mapping it implies).
 *
 *  UD1 a live VMA is on its file's f_mapping, belongs to its file's process, has vm_pgoff = vm_start >> PAGE_SHIFT
 *      (uvm_mmap's rule) and overlaps no other live VMA of its process;
 *  UD2 a file whose fd type is UVM_FD_VA_SPACE has a va_space, and va_space->mapping is its f_mapping;
 *  UD3 once uvm_open has run, a file's f_mapping is its own private address_space (or, with
 *      policy.uvmSharedMapping, the inode's): no two files share one;
 *  UD4 another process's VMA: its present count matches its PTE bitmap, no bit lies past its end, and every present
 *      PTE is one its va_space authorized (a PTE comes only from the driver's vm_insert_page);
 *  UD5 every page the modelled process's CPU maps lies in a live VMA of that process (given `cpuMappedRegions`).
 */

import { FdType } from './kinds';
import { F_MAPPING, F_PROC, F_TYPE, F_VA_SPACE, INODE_MAPPING, PAGE_SIZE, V_FILE, V_LEN, V_MAPPING, V_PGOFF, V_PRESENT, V_PROC, V_START, V_STATE } from './state';
import type { UvmDev } from './uvmdev';

export function uvmDevInvariants(u: UvmDev, cpuMappedRegions: readonly number[] = [], limit = 20): string[] {
  const s = u.s;
  const out: string[] = [];
  const say = (msg: string): void => {
    if (out.length < limit) out.push(msg);
  };
  const owner = new Map<number, number>();
  for (let f = 0; f < s.files; f++) {
    const type = s.file(f, F_TYPE);
    const mapping = s.file(f, F_MAPPING);
    if (type === FdType.vaSpace && s.file(f, F_VA_SPACE) - 1 !== mapping) say(`UD2 file ${f}: va_space->mapping is ${s.file(f, F_VA_SPACE) - 1}, its f_mapping ${mapping}`);
    if (type === FdType.vaSpace && s.file(f, F_VA_SPACE) === 0) say(`UD2 file ${f}: UVM_FD_VA_SPACE without a va_space`);
    if (type === 0) continue;
    const want = u.sharedInodeMapping ? INODE_MAPPING : f + 1;
    if (mapping !== want) say(`UD3 file ${f}: f_mapping is address_space ${mapping}, expected ${want}`);
    if (mapping !== INODE_MAPPING) {
      if (owner.has(mapping)) say(`UD3 files ${owner.get(mapping)} and ${f} share address_space ${mapping}`);
      owner.set(mapping, f);
    }
  }
  for (let v = 0; v < s.vmas; v++) {
    if (s.vma(v, V_STATE) !== 1) continue;
    const f = s.vma(v, V_FILE);
    const process = s.vma(v, V_PROC);
    if (s.vma(v, V_MAPPING) !== s.file(f, F_MAPPING)) say(`UD1 VMA ${v}: on address_space ${s.vma(v, V_MAPPING)}, its file ${f} has ${s.file(f, F_MAPPING)}`);
    if (s.file(f, F_PROC) !== process) say(`UD1 VMA ${v}: process ${process}, its file ${f} belongs to ${s.file(f, F_PROC)}`);
    if (s.vma(v, V_PGOFF) * PAGE_SIZE !== s.vma(v, V_START)) say(`UD1 VMA ${v}: vm_pgoff ${s.vma(v, V_PGOFF)} is not vm_start >> 12`);
    for (let w = v + 1; w < s.vmas; w++) {
      if (s.vma(w, V_STATE) !== 1 || s.vma(w, V_PROC) !== process) continue;
      const a = s.vma(v, V_START);
      const b = s.vma(w, V_START);
      if (a < b + s.vma(w, V_LEN) && b < a + s.vma(v, V_LEN)) say(`UD1 VMAs ${v} and ${w} of process ${process} overlap`);
    }
    if (process === u.modelledProcess) continue;
    const counted = s.countPresent(v);
    if (counted !== s.vma(v, V_PRESENT)) say(`UD4 VMA ${v}: counts ${s.vma(v, V_PRESENT)} PTEs, its bitmap has ${counted}`);
    if (s.bitsPastEnd(v)) say(`UD4 VMA ${v}: page bits past its end`);
    const unknown = s.presentNotAuthorized(v);
    if (unknown) say(`UD4 VMA ${v}: ${unknown} PTEs its va_space never authorized`);
  }
  for (const region of cpuMappedRegions) {
    if (u.vmaOf(u.modelledProcess, region) < 0) say(`UD5 region ${region}: the CPU maps some of its pages, but process ${u.modelledProcess} has no VMA there`);
  }
  return out;
}
