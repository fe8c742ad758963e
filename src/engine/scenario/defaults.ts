/**
 * Every default and limit of the scenario format, in one place, each with where its number comes from.
 * Measured figures are from the committed H100 captures (test/fixtures/captures, scripts/refit-costs.ts) and
 * shared/research/numbers.md (H100 80GB HBM3, PCIe, driver 580, CUPTI unified-memory counters); anything else is
 * marked "estimate" and is a candidate for refitting from captures (docs/model.md).
 */
import type { CostSpec, CopyCost, GpuSpec, LinkSpec, PolicySpec, RegionKind } from './types';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

function copy(latencyNs: number, bytesPerNs: number): CopyCost {
  return Object.freeze({ latencyNs, bytesPerNs });
}

/** The named links a scenario may pick with `machine.link`. 1 GB/s = 1e9 bytes/s = 1 byte/ns. */
export const LINK_PRESETS: Readonly<Record<'pcie4' | 'pcie5' | 'nvlink-c2c', Readonly<LinkSpec>>> = Object.freeze({
  pcie5: Object.freeze({
    kind: 'pcie5',
    // Measured: least-squares fit over the 5,778 HtoD copies of the committed H100 captures
    // (test/fixtures/captures, `npx tsx scripts/refit-costs.ts`): 2.59 µs + bytes / 53.2 GB/s, median |residual|
    // 0.14 µs. numbers.md's earlier session (30,775 copies) fitted 2.67 µs + bytes / 47.7 GB/s, but it is slower than
    // these captures' median at every common size (12% at 2 MiB) and than its own 64 MiB prefetch (docs/model.md).
    htod: copy(2590, 53.2),
    // Measured: fit over 1,624 DtoH migration copies (numbers.md): 1.56 µs + bytes / 54.5 GB/s. The captures' 848
    // DtoH copies agree (their own fit: 1.63 µs + bytes / 54.6 GB/s; this line's median |residual| there 0.10 µs).
    dtoh: copy(1560, 54.5),
    // Estimate: peer copies were not measured; two GPUs on PCIe copy over the same kind of link as the host does,
    // so the measured HtoD line is reused.
    dtod: copy(2590, 53.2),
  }),
  pcie4: Object.freeze({
    kind: 'pcie4',
    // Estimate: PCIe 4 signals at 16 GT/s per lane, PCIe 5 at 32 GT/s, so every bandwidth is halved; the
    // latencies are kept at the measured PCIe 5 ones.
    htod: copy(2590, 53.2 / 2),
    dtoh: copy(1560, 54.5 / 2),
    dtod: copy(2590, 53.2 / 2),
  }),
  'nvlink-c2c': Object.freeze({
    kind: 'nvlink-c2c',
    // Estimate: NVIDIA publishes 900 GB/s total for Grace Hopper's NVLink-C2C, i.e. 450 GB/s per direction;
    // the 1 µs latency is a guess for a coherent chip-to-chip link, not a measurement.
    htod: copy(1000, 450),
    dtoh: copy(1000, 450),
    dtod: copy(1000, 450),
  }),
});

export type LinkPresetName = keyof typeof LINK_PRESETS;
export const LINK_PRESET_NAMES: readonly LinkPresetName[] = Object.freeze(['pcie4', 'pcie5', 'nvlink-c2c']);

/**
 * Fixed costs of driver work other than copies (docs/model.md "Costs"). The GPU-fault costs were refitted against the
 * captures (scripts/refit-costs.ts, issue 7) and stay two calibrations, one per kernel shape: no single service-cost
 * model explains both shapes within 25 % per capture (docs/model.md "Fault groups, and the per-batch cost").
 */
export const DEFAULT_COSTS: Readonly<CostSpec> = Object.freeze({
  // A batch of the fault window, which runs every kernel a scenario writes and stands for a grid-stride loop.
  // Derived from numbers.md's session: a 64 MiB demand read took 21.5 ms in ~182 fault groups (118 µs median each);
  // the window services it in 192 batches whose copies average ~10 µs, leaving ~100 µs of fetch, service and replay a
  // batch (the model: 22.4 ms). On the captures' driver a CUPTI fault group is one batch; the grid-stride captures of
  // the same read (test/fixtures/captures/experiments) took 15.2–18.1 ms in 75–95 groups, which 62–77 µs a window
  // batch would match in total time but no window size matches in group count, and the joint least-squares fit of
  // both shapes' service time gives ~46 µs (12.0 ms). Their groups' time outside copies is 98–123 µs a group, as the
  // window's batch: kept at 100 µs until the window reproduces the grid-stride batches and copies.
  faultBatchNs: 100_000,
  // A batch of the one-thread-per-page grid (src/engine/uvm/gpufault.ts runGridKernel, what `uvmscope compare` runs):
  // 50 µs + 15 µs per va_block serviced, the least-squares fit of the 14 committed captures' GPU-fault service time
  // (the time some fault group was open, less its copies and what the model already charges per block) to the model's
  // batches and (batch, va_block) services: a turn of uvm_parent_gpu_service_replayable_faults (fetch, preprocess,
  // replay and flush) once a batch; service_fault_batch_block (the block's lock, residency, copies' setup, page tables, tracker) once a
  // block. A third term per fault entry (the fetch's parse and merge, the sort) fits to 0.4 µs and barely helps (total
  // |residual| 21 % → 20 %, the worst capture 67 % → 71 % off): not a field.
  faultGridBatchNs: 50_000,
  faultGridBlockNs: 15_000,
  // Derived: consecutive CPU faults of a 64 MiB read-back were 115 µs apart (numbers.md); minus the copy (~8 µs on
  // average) and the CPU reading the ~340 KiB each fault brought (~45 µs at ~7.5 GB/s), ~60 µs is the fault itself.
  cpuFaultNs: 60_000,
  // Estimate: one GPU TLB invalidate with its membar.
  tlbInvalidateNs: 2_000,
  // Estimate: pushing one batch of PTE writes for a va_block.
  gpuMapNs: 1_000,
  // Estimate: unmap_mapping_range for a va_block with its TLB shoot-down.
  cpuUnmapNs: 3_000,
  // Estimate: CE memset of newly populated vidmem at about 2 TB/s (0.0005 ns per byte).
  zeroNsPerByte: 0.0005,
});

export const COST_NAMES: readonly (keyof CostSpec)[] = Object.freeze([
  'faultBatchNs',
  'faultGridBatchNs',
  'faultGridBlockNs',
  'cpuFaultNs',
  'tlbInvalidateNs',
  'gpuMapNs',
  'cpuUnmapNs',
  'zeroNsPerByte',
]);

/**
 * How many page touches of a kernel are in flight when its first fault is serviced (docs/model.md). Calibrated, not
 * measured directly: with 16 (64 KiB of a sweep) a 64 MiB demand read takes 6 batches per 2 MiB block, 192 in all,
 * next to the ~182 fault groups measured on an H100 (numbers.md). Checked against the grid-stride captures of the same
 * read (test/fixtures/captures/experiments: 75–95 groups, ~1,850–2,260 copies): no window size matches both (128:
 * 96 batches but 128 copies; the grid's span per turn, 132 or 264 pages: 64 batches), so 16 stays (docs/model.md
 * "Fault groups, and the per-batch cost"; scripts/refit-costs.ts prints the table).
 */
export const DEFAULT_FAULT_WINDOW_PAGES = 16;
export const MAX_FAULT_WINDOW_PAGES = 65_536;

/** The machine when a scenario names none: one H100 80GB with all of its memory usable by UVM. */
export const DEFAULT_GPU: Readonly<GpuSpec> = Object.freeze({
  name: 'gpu0',
  memory: 80 * GiB,
  arch: 'hopper',
  faultWindowPages: DEFAULT_FAULT_WINDOW_PAGES,
});
export const DEFAULT_CPU_MEMORY = 512 * GiB;
export const DEFAULT_LINK: LinkPresetName = 'pcie5';

/** The driver's defaults: uvm_perf_prefetch_threshold is 51 (%), thrashing detection is on. */
export const DEFAULT_POLICY: Readonly<PolicySpec> = Object.freeze({
  prefetch: 'density',
  prefetchThreshold: 51,
  thrashing: true,
  eviction: 'driver',
  driver: '580',
  // gdrdrv gives each open file its own address_space (gdrdrv.c:gdrdrv_open); 'on' shows what that prevents
  gdrSharedMapping: false,
  // uvm_open gives each open file of /dev/nvidia-uvm its own address_space (uvm.c:uvm_open); 'on' shows what it prevents
  uvmSharedMapping: false,
});

/** vidmem is managed in 2 MiB root chunks (uvm_pmm_gpu.h, UVM_CHUNK_SIZE_MAX); a partial chunk is unusable. */
export const GPU_MEMORY_GRANULE = 2 * MiB;
/** Sysmem is counted in CPU pages. */
export const CPU_MEMORY_GRANULE = 4 * KiB;
/** NV_MAX_DEVICES / UVM_PARENT_ID_MAX_GPUS: the driver tracks at most 32 GPUs. */
export const MAX_GPUS = 32;
/** Model limit (raise it with the engine's structures): memory sizes above this are refused. */
export const MAX_MEMORY = 16 * TiB;

/** Every region's size must keep its page indices within a Uint32Array: 2^32 pages of 4 KiB. */
export const MAX_REGION_SIZE = 16 * TiB;
/** The sum of all `managed` regions: the engine keeps per-va_block state for every managed byte. */
export const MAX_MANAGED_TOTAL = 1 * TiB;
/**
 * The sum of all regions of one kind. Model limits, not the hardware's: the engine keeps state for every page of
 * every region (va_blocks for managed memory, page-cache pages for files, the PTEs and device-private pages of
 * anonymous memory, the pinned pages of device memory), so each kind is capped like managed memory is.
 */
export const MAX_REGION_TOTAL: Readonly<Record<RegionKind, number>> = Object.freeze({
  managed: MAX_MANAGED_TOTAL,
  file: 1 * TiB,
  anonymous: 1 * TiB,
  device: 1 * TiB,
});

/** hmm.evict's chunk index: a whole number that fits in 32 bits (whether the chunk exists is the engine's question). */
export const MAX_CHUNK_INDEX = 0xffff_ffff;

/** A single access expands to at most this many page touches (64 MiB of indices). */
export const MAX_ACCESS_PAGES = 16_777_216;
/** All accesses of a scenario together (512 MiB of indices): stops a small file from asking for unbounded memory. */
export const MAX_TOTAL_PAGES = 134_217_728;

/** Input larger than this is refused before parsing (UTF-16 code units, never more than the file's UTF-8 bytes). */
export const MAX_INPUT_CHARS = 8 * MiB;
/** yaml's guard against exponential alias expansion ("billion laughs"); see its maxAliasCount option. */
export const MAX_ALIAS_COUNT = 1000;
