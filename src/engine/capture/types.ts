/**
 * A real capture, as tools/uvm-capture writes it (its README.md, "The capture format"): a header line, one line per
 * unified-memory counter record that CUPTI reported, one line per scenario step with its start and end, and an end
 * line. Times are nanoseconds from the header's `t0` (CUPTI's clock), so they stay exact JavaScript numbers.
 */

export const CAPTURE_FORMAT = 'uvm-capture';
/** The capture format version this build reads. */
export const CAPTURE_VERSION = 1;

/** CUPTI's unified-memory counter kinds, as the capture names them. */
export const UM_KINDS = ['htod', 'dtoh', 'dtod', 'cpu_page_fault', 'gpu_page_fault', 'thrashing', 'throttling', 'remote_map'] as const;
export type UmKind = (typeof UM_KINDS)[number];

/** Why data moved (CUpti_ActivityUnifiedMemoryMigrationCause), for htod, dtoh and dtod. */
export const MIGRATION_CAUSES = ['unknown', 'user', 'coherence', 'prefetch', 'eviction', 'access_counters'] as const;
/** Why a processor mapped memory that lives elsewhere (CUpti_ActivityUnifiedMemoryRemoteMapCause). */
export const REMOTE_MAP_CAUSES = ['unknown', 'coherence', 'thrashing', 'policy', 'out_of_memory', 'eviction'] as const;
/** The access that faulted (CUpti_ActivityUnifiedMemoryAccessType). */
export const ACCESS_TYPES = ['unknown', 'read', 'write', 'atomic', 'prefetch'] as const;

export interface CaptureRegion {
  /** The scenario's region index. */
  index: number;
  name: string;
  size: number;
  /** The virtual address cudaMallocManaged returned, as hex (it may exceed 2^53). */
  base: string;
  /** base modulo 2 MiB: 0 when the region starts a va_block, as the model assumes. */
  blockOffset: number;
}

export interface CaptureMachine {
  gpu: string;
  computeCapability: string;
  multiprocessors: number;
  memoryBytes: number;
  freeBytesAtStart: number;
  pciBusId: string;
  /** nvidia-smi's driver version, e.g. 580.159.04 ('' when nvidia-smi was missing). */
  driverVersion: string;
  /** cudaDriverGetVersion: 13000 for CUDA 13.0. */
  driverApiVersion: number;
  cudaRuntimeVersion: number;
  cuptiApiVersion: number;
  /** 'pcie' or 'nvlink-c2c'. */
  link: string;
  /** nvidia-smi's PCIe generation and width, current and max: "5, 5, 16, 16". */
  pcie: string;
  pageSize: number;
  /** uname: "Linux 6.18.44 x86_64". */
  kernel: string;
  /** /sys/module/nvidia_uvm/parameters, name → value (the driver's prefetch and thrashing settings among them). */
  uvmParams: Readonly<Record<string, string>>;
}

/** One GPU the plan ran on (the header's `gpus`, uvm-capture 1.1): CUDA device `ordinal` is the scenario's `name`. */
export interface CaptureGpu {
  ordinal: number;
  /** The scenario's name for it ('' in a capture made before the header listed GPUs). */
  name: string;
  /** The device's product name. */
  gpu: string;
  pciBusId: string;
  multiprocessors: number;
  memoryBytes: number;
  freeBytesAtStart: number;
}

/** Peer access from one of the plan's GPUs to another (the header's `peers`): what CUDA said and what the tool did. */
export interface CapturePeer {
  from: number;
  to: number;
  /** cudaDeviceCanAccessPeer. */
  canAccessPeer: boolean;
  /** cudaDeviceEnablePeerAccess succeeded (or access was already enabled). */
  enabled: boolean;
  /** Why enabling failed, when it did. */
  error: string | null;
}

export interface CaptureSkip {
  step: number;
  op: string;
  why: string;
}

export interface CaptureHeader {
  format: typeof CAPTURE_FORMAT;
  version: typeof CAPTURE_VERSION;
  tool: string;
  /** When the capture was made, ISO 8601 UTC. */
  date: string;
  /** The tool's command line. */
  command: string;
  scenario: string;
  /** The scenario file's name (no folder). */
  source: string;
  planVersion: number;
  /** FNV-1a 64 of the plan's text, 16 hex digits (src/engine/capture/plan.ts). */
  planHash: string;
  /** CUPTI's timestamp that every time of the capture counts from, in decimal (it exceeds 2^53). */
  t0: string;
  machine: CaptureMachine;
  /**
   * The plan's GPUs by CUDA ordinal. A capture made before the header listed them (uvm-capture 1.0) ran on device 0
   * alone: one entry made from `machine`, with no name.
   */
  gpus: CaptureGpu[];
  /** Peer access between each ordered pair of the plan's GPUs; empty with one GPU (and in 1.0 captures). */
  peers: CapturePeer[];
  /** The counter kinds CUPTI accepted. */
  counters: UmKind[];
  /** The scenario's step count. */
  steps: number;
  managedBytes: number;
  /** Whether the plan's regions were scaled down from the scenario's: such a capture does not compare counter for counter. */
  scaled: boolean;
  regions: CaptureRegion[];
  skipped: CaptureSkip[];
  ignored: string[];
}

/** One CUPTI unified-memory counter record. Fields a kind does not have are null. */
export interface CaptureRecord {
  /** The line of the capture it came from (1-based). */
  line: number;
  kind: UmKind;
  /** ns from t0. */
  start: number;
  /** ns from t0, for kinds with a duration (htod, dtoh, dtod, gpu_page_fault, throttling). */
  end: number | null;
  address: string;
  /** The scenario's region index, when the address lies in a region's 2 MiB blocks. */
  region: number | null;
  /** Bytes from the region's start; may be past the region's size when the driver moved a rounded-up block. */
  offset: number | null;
  /** htod, dtoh, dtod, thrashing, remote_map. */
  bytes: number | null;
  /** gpu_page_fault: CUPTI's value (fault groups for the page). */
  value: number | null;
  /** 'cpu' or 'gpu<ordinal>', as CUPTI gives them. */
  src: string | null;
  dst: string | null;
  /** htod, dtoh, dtod: a MIGRATION_CAUSES name; remote_map: a REMOTE_MAP_CAUSES name. */
  cause: string | null;
  /** cpu_page_fault, gpu_page_fault: an ACCESS_TYPES name. */
  access: string | null;
  /** thrashing, throttling: whether it was the CPU's. */
  inCpu: boolean | null;
  /** cpu_page_fault: the faulting instruction's address. */
  pc: string | null;
  /** thrashing: the bit mask of devices that fought over the page. */
  processors: string | null;
  flags: number;
}

/** A step of the scenario as the tool ran it. */
export interface CaptureStep {
  line: number;
  step: number;
  op: string;
  skipped: boolean;
  /** ns from t0. */
  start: number;
  end: number;
}

export interface CaptureEnd {
  line: number;
  status: 'ok' | 'error';
  message: string | null;
  records: number;
  steps: number;
  /** Records CUPTI dropped (its buffers were full): nonzero means the capture is incomplete. */
  dropped: number;
}

export interface Capture {
  header: CaptureHeader;
  records: CaptureRecord[];
  steps: CaptureStep[];
  end: CaptureEnd;
}

/** A located problem: the 1-based line (0 for the text as a whole) and the field, when one is at fault. */
export interface CaptureError {
  line: number;
  field: string | null;
  message: string;
}

export type CaptureParseResult = { ok: true; capture: Capture } | { ok: false; errors: CaptureError[] };
