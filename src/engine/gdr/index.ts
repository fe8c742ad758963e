/** The gdrcopy model: the Gdr entry point, its kinds, costs, views and invariants. */

export { Gdr, DEVICE_VA_BASE, DEFAULT_MMAP_TOP, type GdrClock, type GdrOptions } from './gdr';
export { GK, GdrOp, GDR_OP_NAMES, GdrError, GDR_ERRORS, MappingType, MAPPING_TYPE_NAMES, Direction, DIRECTION_NAMES, Errno } from './kinds';
export {
  COPY_FROM_GPU,
  COPY_TO_GPU,
  CUDA_MEMCPY,
  PUBLISHED_API_US,
  PUBLISHED_SOURCE,
  crossoverBytes,
  cudaMemcpyCostNs,
  fitLatencyBandwidth,
  gdrCopyCostNs,
  type LinearCost,
} from './cost';
export { bar1Base, DEFAULT_BAR1_BYTES } from './bar1';
export { gdrView, type GdrView, type GdrMrView, type GdrVmaView, type GdrFileView, type GdrAddressSpaceView, type GdrBufferView } from './view';
export { gdrInvariants } from './invariants';
export { INODE_MAPPING, GPU_PAGE_SIZE, PAGE_SIZE } from './state';
export { describeGdrEvent, describeGdrWrite, GDR_DECODED_FIELDS, type GdrDescription } from './describe';
