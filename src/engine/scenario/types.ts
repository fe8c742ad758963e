/**
 * The normalised scenario: what the parser hands the engine once a YAML file has been read, validated and
 * every default filled in. Sizes are bytes, region and processor references are resolved to indices, and
 * every step keeps the place it came from so the UI and error messages can point at it.
 *
 * Processor ids follow the driver (uvm_processors.h): the CPU is 0, GPUs are 1..N in the order of `machine.gpus`.
 */

export const PAGE_SIZE = 4096;

/** A position in the scenario source, 1-based, for messages and for the editor. */
export interface SourceLoc {
  line: number;
  col: number;
}

export type GpuArch = 'hopper' | 'ampere';

export interface GpuSpec {
  name: string;
  /** vidmem usable by UVM, bytes (a multiple of 2 MiB after normalisation: partial root chunks are dropped). */
  memory: number;
  arch: GpuArch;
  /**
   * How many distinct 4 KiB pages a running kernel has in flight at once: the window of a grid's accesses
   * that can fault before the first fault is serviced (see docs/model.md, "GPU kernels and the fault buffer").
   */
  faultWindowPages: number;
}

/**
 * A kernel launched as one thread per page touch (tools/uvm-capture's `touchPages<<<n / 256, 256>>>`): its faults
 * arrive warp by warp from every multiprocessor at once (uvm/gpufault.ts runGridKernel) instead of through
 * `faultWindowPages`, the grid-stride window.
 */
export interface KernelLaunch {
  threadsPerBlock: number;
  multiprocessors: number;
  threadsPerMultiprocessor: number;
}

/** Cost of one copy direction: time = latencyNs + bytes / bytesPerNs. */
export interface CopyCost {
  latencyNs: number;
  bytesPerNs: number;
}

export type LinkKind = 'pcie4' | 'pcie5' | 'nvlink-c2c' | 'custom';

export interface LinkSpec {
  kind: LinkKind;
  htod: CopyCost;
  dtoh: CopyCost;
  /** GPU to GPU (peer) copies. */
  dtod: CopyCost;
}

/** Fixed costs of driver work that is not a copy, in nanoseconds of simulated time. */
export interface CostSpec {
  /**
   * One GPU fault batch of a kernel run by the fault window (every kernel a scenario writes): fetching, sorting,
   * servicing and replaying it, copies and the per-block TLB invalidates and maps excluded.
   */
  faultBatchNs: number;
  /** One GPU fault batch of a kernel with a launch shape (the one-thread-per-page grid `uvmscope compare` runs), its fixed part. */
  faultGridBatchNs: number;
  /** …and its part per va_block the batch services (service_fault_batch_block, once per block a batch touches). */
  faultGridBlockNs: number;
  /** One CPU fault on managed memory: trap, lock, lookup, vm_insert_page, return; copies excluded. */
  cpuFaultNs: number;
  /** One GPU TLB invalidate (with its membar) pushed after PTE changes. */
  tlbInvalidateNs: number;
  /** Writing one batch of GPU PTEs for one va_block. */
  gpuMapNs: number;
  /** unmap_mapping_range of CPU PTEs for one va_block (with the TLB shoot-down it implies). */
  cpuUnmapNs: number;
  /** Zeroing (CE memset) per byte-rate: ns per byte of newly populated GPU memory. */
  zeroNsPerByte: number;
}

export interface MachineSpec {
  gpus: GpuSpec[];
  /** CPU memory in bytes. */
  cpuMemory: number;
  link: LinkSpec;
  costs: CostSpec;
}

export type PrefetchPolicy = 'off' | 'density' | 'correlation';

/** Which driver generation's behaviour to follow where they differ (docs/model.md lists the differences). */
export type DriverVersion = '580' | '595';

export interface PolicySpec {
  prefetch: PrefetchPolicy;
  /** uvm_perf_prefetch_threshold, percent (strictly greater than). */
  prefetchThreshold: number;
  thrashing: boolean;
  /** Root-chunk eviction order. 'driver' is the driver's: free, unused, discarded, then used (LRU by migration in). */
  eviction: 'driver';
  driver: DriverVersion;
  /**
   * The counterfactual gdrdrv avoids: every open of /dev/gdrdrv shares the inode's address_space (inode->i_mapping)
   * instead of getting its own, so unmap_mapping_range on one file's handle offsets reaches other processes' mappings.
   */
  gdrSharedMapping: boolean;
  /**
   * The counterfactual uvm_open avoids: every open of /dev/nvidia-uvm keeps the inode's address_space instead of a
   * private one, so the driver's unmap_mapping_range in one process reaches another process's mappings of the same
   * addresses (UVM mappings use file offset = virtual address).
   */
  uvmSharedMapping: boolean;
}

/** The checks of GAIA's get_page_from_gpu, in the order they run (mm/filemap.c), that `gaia.inject` can make fail. */
export const GAIA_FAULTS = ['no-cpu-page', 'no-gpu-page', 'no-private-data', 'no-gpu-vma', 'no-callback'] as const;
export type GaiaFault = (typeof GAIA_FAULTS)[number];

export type RegionKind = 'managed' | 'file' | 'anonymous' | 'device';

import type { PredictKind as AskKind } from '../predict/types';

/** What an `ask` op asks the learner to predict: predict mode's kinds (engine/predict/types.ts says what each counts). */
export { PREDICT_KINDS as ASK_KINDS, type PredictKind as AskKind } from '../predict/types';

export interface RegionSpec {
  index: number;
  name: string;
  /**
   * managed: cudaMallocManaged memory (UVM). file: a file on disk, read and written through the page cache once
   * `cpu.mmap` maps it (and by GPUs through GAIA once `gaia.map` maps it). anonymous: private anonymous memory
   * (malloc/mmap), which HMM can migrate to device-private memory. device: GPU memory from cudaMalloc on `gpu`,
   * which gdrcopy can pin and map to the CPU.
   */
  kind: RegionKind;
  /** Bytes, a positive multiple of 4 KiB after normalisation (rounded up). */
  size: number;
  /** For `device` regions: the GPU whose memory it is (default the first GPU). Null for other kinds. */
  gpu: ProcId | null;
  loc: SourceLoc;
}

export type AccessOp = 'read' | 'write' | 'atomic';
export type AccessPattern = 'sequential' | 'strided' | 'random' | 'list';

/** One access of a kernel or of the CPU, expanded to the 4 KiB pages it touches, in touch order. */
export interface AccessSpec {
  region: number;
  op: AccessOp;
  pattern: AccessPattern;
  /** Page indices within the region (4 KiB pages counted from its start), in the order they are touched. */
  pages: Uint32Array;
  loc: SourceLoc;
}

/** Processor id: 0 = CPU, 1..N = machine.gpus[id - 1]. */
export type ProcId = number;

export type Advice =
  | 'read-mostly'
  | 'preferred-location'
  | 'accessed-by'
  | 'unset-read-mostly'
  | 'unset-preferred-location'
  | 'unset-accessed-by';

export type StepSpec =
  /** `launch`: a one-thread-per-page grid's shape, set by capture/compare.ts scenarioAsCaptured (not a YAML field). */
  | { op: 'gpu.kernel'; gpu: ProcId; accesses: AccessSpec[]; faultWindowPages: number; launch?: KernelLaunch; loc: SourceLoc }
  /** `process` 2 is the second process of `uvm.open`, touching its own copy of a managed region. */
  | { op: 'cpu.read' | 'cpu.write'; access: AccessSpec; process: number; loc: SourceLoc }
  /** A second process opens /dev/nvidia-uvm and maps the managed regions at the same addresses. */
  | { op: 'uvm.open'; process: number; loc: SourceLoc }
  | { op: 'uvm.prefetch'; region: number; to: ProcId; offset: number; length: number; loc: SourceLoc }
  | { op: 'uvm.advise'; region: number; advice: Advice; target: ProcId | null; loc: SourceLoc }
  | { op: 'note'; text: string; loc: SourceLoc }
  | { op: 'bookmark'; name: string; loc: SourceLoc }
  /**
   * Predict mode: ask the learner what the next op will do (`predict`: an ASK_KINDS kind) before it runs. Takes no
   * step. `through` names a bookmark after it: the span ends at the last step before that bookmark (else at the
   * next op's that is not a note, a bookmark or an ask). engine/predict/ask.ts resolves it to steps of a run.
   */
  | { op: 'ask'; kind: AskKind; through?: string; prompt?: string; loc: SourceLoc }
  // ---- the page-cache side (file and anonymous regions) ----
  /** mmap the file region into the process: a CPU VMA backed by the file's page cache. */
  | { op: 'cpu.mmap'; region: number; loc: SourceLoc }
  | { op: 'cpu.munmap'; region: number; loc: SourceLoc }
  /** msync(MS_SYNC) of [offset, offset + length) of a mapped file region: write dirty pages back. */
  | { op: 'cpu.msync'; region: number; offset: number; length: number; loc: SourceLoc }
  /** GAIA's shared GPU mapping of a file region (gmmap with MAP_ON_GPU) for `gpu`. */
  | { op: 'gaia.map'; region: number; gpu: ProcId; loc: SourceLoc }
  | { op: 'gaia.maquire' | 'gaia.mrelease'; region: number; offset: number; length: number; gpu: ProcId; loc: SourceLoc }
  /** A fault injection: the next get_page_from_gpu on a file index in [offset, offset + length) fails its `fault` check. */
  | { op: 'gaia.inject'; region: number; fault: GaiaFault; offset: number; length: number; loc: SourceLoc }
  /** HMM migrate_vma of an anonymous region's range to a GPU's device-private memory or back to the CPU. */
  | { op: 'hmm.migrate'; region: number; to: ProcId; offset: number; length: number; loc: SourceLoc }
  /** Evict device chunk `chunk` of `gpu`'s device-private memory to system memory (dmirror_device_evict_chunk). */
  | { op: 'hmm.evict'; gpu: ProcId; chunk: number; loc: SourceLoc }
  /** gdrcopy on a device region: pin (nvidia_p2p_get_pages), map (mmap of the BAR), unpin; `process` 1 or 2 opens its own /dev/gdrdrv. */
  | { op: 'gdr.pin' | 'gdr.map' | 'gdr.unpin'; region: number; process: number; loc: SourceLoc }
  | { op: 'gdr.copy'; region: number; direction: 'to-gpu' | 'from-gpu'; offset: number; length: number; process: number; loc: SourceLoc };

export interface Scenario {
  uvmscope: 1;
  name: string;
  description: string;
  machine: MachineSpec;
  policy: PolicySpec;
  regions: RegionSpec[];
  steps: StepSpec[];
  /**
   * The bookmark the app opens the scenario at (`open:`), when it names one: a built-in scenario that exists to
   * show one kernel path opens where that path begins. Absent when not given. Parsing checks that the bookmark
   * exists; the engine's run does not depend on it.
   */
  open?: string;
  /** The file name the scenario was read from, as given (for messages). */
  source: string;
}
