/**
 * A capture's records summed per scenario step, in the counter names `uvmscope run --json` prints (DESIGN.md, "CLI
 * contract"), so that a model run and a real capture compare field by field.
 *
 * What each counter means for a capture (CUPTI reports less than the model knows, and in its own units):
 * - gpu_fault_batches: GPU_PAGE_FAULT records. CUPTI writes one per fault group the driver serviced (start: the
 *   driver began servicing, end: it queued the replay), which is the model's fault batch.
 * - gpu_faults: the sum of those records' values (CUPTI: "the number of page fault groups for the same page"). CUPTI
 *   does not report the individual faults of a group, so this is not the model's per-fault count.
 * - cpu_faults: CPU_PAGE_FAULT_COUNT records, one per fault.
 * - htod_bytes, dtoh_bytes, dtod_bytes and the *_transfers histograms (size in bytes → count): one copy per record.
 * - prefetch_bytes: bytes of copies whose cause is `prefetch` (the driver's prefetcher), both directions.
 * - evictions: device-to-host copies whose cause is `eviction` (copies, not root chunks).
 * - thrashing, remote_maps: 4 KiB pages (the records' bytes / 4096), as the model counts pages.
 * - throttling: THROTTLING records (one per page throttled).
 *
 * Records are assigned to the step whose [start, next step's start) holds their start time; the last step keeps
 * everything after it (records arrive up to the final flush). Records before the first step are `before`.
 */
import type { Capture, CaptureRecord } from './types';

const PAGE = 4096;

export interface CaptureCounters {
  gpu_faults: number;
  gpu_fault_batches: number;
  cpu_faults: number;
  htod_bytes: number;
  dtoh_bytes: number;
  dtod_bytes: number;
  remote_maps: number;
  thrashing: number;
  throttling: number;
  evictions: number;
  prefetch_bytes: number;
  htod_transfers: Record<string, number>;
  dtoh_transfers: Record<string, number>;
  dtod_transfers: Record<string, number>;
}

export interface CaptureStepSummary {
  step: number;
  op: string;
  skipped: boolean;
  start: number;
  end: number;
  /** Wall time of the step on the machine, ns (its accesses, the synchronisation, the faults they caused). */
  duration_ns: number;
  records: number;
  counters: CaptureCounters;
}

export interface CaptureSummary {
  /** Every record of the capture. */
  counters: CaptureCounters;
  steps: CaptureStepSummary[];
  /** Records that started before the first step (none, normally). */
  before: CaptureCounters;
  /** The steps' durations summed, skipped steps included (they take microseconds). */
  duration_ns: number;
}

export function emptyCounters(): CaptureCounters {
  return {
    gpu_faults: 0,
    gpu_fault_batches: 0,
    cpu_faults: 0,
    htod_bytes: 0,
    dtoh_bytes: 0,
    dtod_bytes: 0,
    remote_maps: 0,
    thrashing: 0,
    throttling: 0,
    evictions: 0,
    prefetch_bytes: 0,
    htod_transfers: {},
    dtoh_transfers: {},
    dtod_transfers: {},
  };
}

function bump(hist: Record<string, number>, size: number): void {
  const key = String(size);
  hist[key] = (hist[key] ?? 0) + 1;
}

/** Adds one record to `c`. */
export function countRecord(c: CaptureCounters, r: CaptureRecord): void {
  const bytes = r.bytes ?? 0;
  switch (r.kind) {
    case 'htod':
      c.htod_bytes += bytes;
      bump(c.htod_transfers, bytes);
      break;
    case 'dtoh':
      c.dtoh_bytes += bytes;
      bump(c.dtoh_transfers, bytes);
      if (r.cause === 'eviction') c.evictions++;
      break;
    case 'dtod':
      c.dtod_bytes += bytes;
      bump(c.dtod_transfers, bytes);
      break;
    case 'gpu_page_fault':
      c.gpu_fault_batches++;
      c.gpu_faults += r.value ?? 0;
      break;
    case 'cpu_page_fault':
      c.cpu_faults++;
      break;
    case 'thrashing':
      c.thrashing += Math.ceil(bytes / PAGE);
      break;
    case 'throttling':
      c.throttling++;
      break;
    case 'remote_map':
      c.remote_maps += Math.ceil(bytes / PAGE);
      break;
  }
  if ((r.kind === 'htod' || r.kind === 'dtoh' || r.kind === 'dtod') && r.cause === 'prefetch') c.prefetch_bytes += bytes;
}

/** Sums a capture per step (see the file comment for the counters' meanings). */
export function summarizeCapture(capture: Capture): CaptureSummary {
  const steps: CaptureStepSummary[] = capture.steps.map((s) => ({
    step: s.step,
    op: s.op,
    skipped: s.skipped,
    start: s.start,
    end: s.end,
    duration_ns: s.end - s.start,
    records: 0,
    counters: emptyCounters(),
  }));
  const total = emptyCounters();
  const before = emptyCounters();
  // the steps are in time order (parseCapture checks it): binary search for the last step starting at or before t
  const starts = steps.map((s) => s.start);
  for (const r of capture.records) {
    countRecord(total, r);
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= r.start) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) countRecord(before, r);
    else {
      countRecord(steps[at].counters, r);
      steps[at].records++;
    }
  }
  return { counters: total, steps, before, duration_ns: steps.reduce((n, s) => n + s.duration_ns, 0) };
}
