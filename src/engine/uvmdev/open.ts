/**
 * Opening /dev/nvidia-uvm and creating the va_space (580/595: uvm.c:uvm_open, uvm.c:uvm_api_initialize,
 * uvm_va_space.c:uvm_va_space_create).
 *
 * Why the private address_space: a UVM VMA's file offset is its virtual address (uvm_mmap refuses anything else), and
 * the driver removes CPU mappings with unmap_mapping_range(va_space->mapping, address, size), which zaps every VMA on
 * that address_space's i_mmap whose offsets overlap. Left on the inode's shared i_mapping, one process's unmap would
 * also zap another process's mapping of the same virtual addresses. So uvm_open gives each open file an
 * address_space of its own (the comment above address_space_init_once there says this), and uvm_va_space_create
 * records it as va_space->mapping. In older drivers (UVM 384, the one GAIA patched) the same setup lived inside
 * uvm_va_space_create, called from uvm_open; 580 and 595 split it as modelled here.
 *
 * Not modelled: the failures (a driver in a fatal state, ENOMEM), the second open CUDA makes for UVM_MM_INITIALIZE
 * (an fd that only keeps the mm alive) and the pm.lock.
 */

import { fnApiInitialize, fnUvmOpen, fnVaSpaceCreate } from './code';
import { FdType, UK } from './kinds';
import { F_MAPPING, F_PROC, F_TYPE, F_VA_SPACE, H_FILES, INODE_MAPPING } from './state';
import type { UvmDev } from './uvmdev';

/** open("/dev/nvidia-uvm") in `process`: the VFS makes a struct file (f_mapping = the inode's), then uvm_open. */
export function uvmOpen(u: UvmDev, process: number): number {
  const { s, steps } = u;
  steps.enter(fnUvmOpen.at.entry);
  const f = s.files;
  s.setHdr(H_FILES, f + 1, UK.uvmFile);
  s.setFile(f, F_PROC, process);
  // do_dentry_open left filp->f_mapping = inode->i_mapping: address_space 0, nothing to write
  steps.at(fnUvmOpen.at.status);
  let mapping: number;
  if (u.sharedInodeMapping) {
    steps.at(fnUvmOpen.at.shared);
    mapping = INODE_MAPPING;
  } else {
    steps.at(fnUvmOpen.at.alloc);
    steps.at(fnUvmOpen.at.init);
    steps.at(fnUvmOpen.at.fmapping);
    mapping = f + 1;
    s.setFile(f, F_MAPPING, mapping);
  }
  s.setFile(f, F_TYPE, FdType.uninitialized);
  steps.at(fnUvmOpen.at.ret);
  u.store.event(UK.uvmOpen, f, process, mapping, mapping === INODE_MAPPING ? 1 : 0);
  steps.leave();
  return f;
}

/** ioctl(UVM_INITIALIZE) → uvm_api_initialize → uvm_va_space_create(filp->f_mapping). */
export function uvmInitialize(u: UvmDev, f: number): void {
  const { s, steps } = u;
  steps.enter(fnApiInitialize.at.entry);
  steps.at(fnApiInitialize.at.cas);
  s.setFile(f, F_TYPE, FdType.initializing);
  steps.at(fnApiInitialize.at.create);
  vaSpaceCreate(u, f, s.file(f, F_MAPPING));
  steps.at(fnApiInitialize.at.set);
  s.setFile(f, F_TYPE, FdType.vaSpace);
  steps.leave();
}

function vaSpaceCreate(u: UvmDev, f: number, mapping: number): void {
  const { s, steps } = u;
  steps.enter(fnVaSpaceCreate.at.entry);
  steps.at(fnVaSpaceCreate.at.alloc);
  steps.at(fnVaSpaceCreate.at.init);
  steps.at(fnVaSpaceCreate.at.mapping);
  s.setFile(f, F_VA_SPACE, mapping + 1);
  steps.at(fnVaSpaceCreate.at.locked);
  steps.at(fnVaSpaceCreate.at.mm);
  steps.at(fnVaSpaceCreate.at.list);
  u.store.event(UK.uvmVaSpace, f, s.file(f, F_PROC), mapping, 0);
  steps.leave();
}
