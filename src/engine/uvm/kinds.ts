/**
 * Transition kinds. State writes (heap > 0) carry before/after; events (heap 0) change nothing and carry a payload
 * (documented per kind below as obj / idx / x / y). Names are what breakpoints and the trace export use.
 */

import { defineKinds } from '../core/kinds';

export { FIRST_EVENT_KIND, kindByName, kindName } from '../core/kinds';

export const K = defineKinds({
  // ---- state writes ----
  blockResident: 1,
  blockMapped: 2,
  blockReadDuplicated: 3,
  blockEvicted: 4,
  blockCpuAllocated: 5,
  blockGpuChunk: 6,
  blockPte: 7, // pte2m / bigPtes: which PTE sizes map the block
  blockPageTables: 8, // which page-table objects the block uses
  blockPrefetchInfo: 9,
  blockThrashSlot: 10,
  regionPolicy: 11,
  chunkState: 12,
  chunkList: 13,
  chunkOwner: 14,
  pmmHeader: 15,
  pageTable: 16,
  thrashPage: 17,
  thrashTime: 18,
  clock: 19,
  counter: 20,
  cpuChunk: 21,

  // ---- events ----
  /** obj = scenario step index, idx = 0. The start of a scenario op. */
  opBegin: 64,
  /** obj = block, idx = page, x = gpu, y = access type | numInstances << 8. One coalesced fault buffer entry. */
  gpuFault: 65,
  /** obj = gpu, idx = batch id, x = raw entries, y = coalesced entries. */
  faultBatch: 66,
  /** obj = gpu, idx = batch id. Replay pushed (REPLAY_TYPE_START) and waited for. */
  replay: 67,
  /** obj = block, idx = page, x = access type. A CPU fault on managed memory. */
  cpuFault: 68,
  /** obj = block, idx = first page, x = src | dst << 6 | cause << 12, y = bytes. One migration record (CUPTI HtoD/DtoH/DtoD). */
  copy: 69,
  /** obj = block, idx = first page, x = gpu, y = bytes. CE memset of newly populated GPU pages. */
  zero: 70,
  /** obj = gpu, idx = 0, x = 1 for a downgrade (membar sys), y = ranges. A GPU TLB invalidate. */
  tlbInvalidate: 71,
  /** obj = block, idx = first page, x = destination proc, y = pages. The prefetcher added pages. */
  prefetchHint: 72,
  /** obj = block, idx = page, x = proc. A page was found thrashing (CUPTI THRASHING). */
  thrashingDetected: 73,
  /** obj = block, idx = page, x = proc, y = until (ns). The requester is throttled (CUPTI THROTTLING). */
  throttle: 74,
  /** obj = block, idx = first page, x = proc | cause << 6, y = pages. A remote mapping (CUPTI REMOTE_MAP). */
  remoteMap: 75,
  /** obj = root chunk, idx = gpu, x = block + 1 (0 = free chunk), y = pages copied. Root chunk eviction. */
  evictChunk: 76,
  /** obj = block, idx = first page, x = proc, y = pages. Unmapping processor proc's PTEs for these pages. */
  unmap: 77,
  /** obj = block, idx = first page, x = proc | prot << 6, y = pages. Mapping processor proc. */
  map: 78,
  /** obj = page table id, idx = gpu, x = level, y = aperture (1 VID, 2 SYS). A page-table allocation. */
  pageTableAlloc: 79,
  /** obj = block, idx = page, x = proc. A fault that found the access already allowed (spurious / duplicate). */
  faultSkipped: 80,
} as const);

export type KindName = keyof typeof K;

/** Make-resident causes (uvm_va_block.h UVM_MAKE_RESIDENT_CAUSE_*), as CUPTI names them (uvm_tools.c). */
export const Cause = {
  fault: 0, // replayable / non-replayable / CPU fault -> CUPTI COHERENCE
  prefetch: 1, // -> PREFETCH
  eviction: 2, // -> EVICTION
  user: 3, // API_MIGRATE / API_HINT -> USER
  accessCounter: 4, // -> ACCESS_COUNTERS
} as const;
export const CAUSE_NAMES = ['coherence', 'prefetch', 'eviction', 'user', 'access_counters'];

/**
 * A copy event's `before` word: source processor, destination and cause, packed by migrate.ts (emitCopy). These read
 * it back; a copy's direction is host to device when the CPU (processor 0) is the source, device to host when it is
 * the destination, else device to device.
 */
export function packCopy(src: number, dst: number, cause: number): number {
  return src | (dst << 6) | (cause << 12);
}
export const copySrc = (x: number): number => x & 63;
export const copyDst = (x: number): number => (x >>> 6) & 63;
export const copyCause = (x: number): number => x >>> 12;
export type CopyDirection = 'htod' | 'dtoh' | 'dtod';
export function copyDirection(x: number): CopyDirection {
  return copySrc(x) === 0 ? 'htod' : copyDst(x) === 0 ? 'dtoh' : 'dtod';
}

/** Fault access types (uvm_hal_types.h), ordered by intrusiveness. */
export const Access = { prefetch: 0, read: 1, write: 2, atomicWeak: 3, atomicStrong: 4 } as const;
export const ACCESS_NAMES = ['prefetch', 'read', 'write', 'atomic_weak', 'atomic_strong'];

/** Remote map causes (CUPTI CUpti_ActivityUnifiedMemoryRemoteMapCause). */
export const RemoteMapCause = { coherence: 1, thrashing: 2, eviction: 3, policy: 4 } as const;
export const REMOTE_MAP_CAUSE_NAMES = ['unknown', 'coherence', 'thrashing', 'eviction', 'policy'];
