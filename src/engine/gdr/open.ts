/**
 * gdr_open → gdrdrv_open (gdrdrv.c:gdrdrv_open): a gdr_info per open file, with its own address_space.
 *
 * Why the private address_space: handles, and so mmap offsets (handle << PAGE_SHIFT), are unique only within one
 * file (each gdr_info starts next_handle at 0), while unmap_mapping_range zaps every VMA of an address_space that maps
 * the given offsets. Left on the shared inode->i_mapping, one file's zap would hit other files' mappings at the same
 * offsets. The UVM driver gives each open of /dev/nvidia-uvm a private mapping for the same reason (uvmdev/open.ts).
 */

import { fnGdrOpen, fnGdrdrvOpen } from './code';
import type { Gdr } from './gdr';
import { GK } from './kinds';
import { F_MAPPING, F_OPEN, F_PROC, H_FILES, INODE_MAPPING, MAX_PROCESSES } from './state';

export function openFile(g: Gdr, process: number): number {
  if (!Number.isInteger(process) || process < 0 || process >= MAX_PROCESSES) throw new RangeError(`process ${process} is outside 0..${MAX_PROCESSES - 1}`);
  const { s, steps } = g;
  steps.enter(fnGdrOpen.at.entry);
  steps.enter(fnGdrdrvOpen.at.entry);
  steps.at(fnGdrdrvOpen.at.info);
  const f = s.files;
  s.setHdr(H_FILES, f + 1, GK.gdrFile);
  s.setFile(f, F_OPEN, 1);
  s.setFile(f, F_PROC, process);
  // next_handle starts at 0 (kzalloc): nothing to write
  let mapping: number;
  if (g.sharedInodeMapping) {
    steps.at(fnGdrdrvOpen.at.sharedMapping);
    mapping = INODE_MAPPING;
  } else {
    steps.at(fnGdrdrvOpen.at.privateMapping);
    mapping = f + 1;
  }
  s.setFile(f, F_MAPPING, mapping);
  g.store.event(GK.gdrOpen, f, process, mapping, mapping === INODE_MAPPING ? 1 : 0);
  steps.leave();
  steps.at(fnGdrOpen.at.ret);
  steps.leave();
  return f;
}
