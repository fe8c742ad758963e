/** /dev/nvidia-uvm's open files, address_spaces and VMAs: the entry point, its kinds, views and invariants. */

export { UvmDev, type UvmDevOptions } from './uvmdev';
export { UK, UvmFaultOutcome, UVM_FAULT_OUTCOMES, FdType, FD_TYPE_NAMES } from './kinds';
export { INODE_MAPPING, MODELLED_PROCESS } from './state';
export { uvmDevInvariants } from './invariants';
