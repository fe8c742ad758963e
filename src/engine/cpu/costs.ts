/**
 * Costs of the CPU side (page cache and memory manager) in simulated nanoseconds, and the clock interface through
 * which both advance time. The engine's clock and counters live elsewhere (uvm/model.ts keeps them in the `scalars`
 * heap); the lead wires `Clock` to them, so these modules never own time.
 *
 * Sources: the storage figures are the GAIA testbed's (acsl-technion/gaia README: Intel P3700 800 GB NVMe, 2.8 GB/s
 * sequential read), see research/gaia-hmm-gdr.md §1.1. Everything marked ESTIMATE is an order-of-magnitude figure
 * not measured for this project; a scenario may override any of them.
 */

export interface Clock {
  now(): number;
  /** Advance simulated time by `ns` (always right after the event it pays for). */
  spend(ns: number): void;
  /** Add `by` to a named counter. */
  count(name: string, by: number): void;
}

/** A clock that keeps time in a plain variable: for tests and for callers that do not track time. */
export class NullClock implements Clock {
  t = 0;
  readonly counters = new Map<string, number>();
  now(): number {
    return this.t;
  }
  spend(ns: number): void {
    this.t += ns;
  }
  count(name: string, by: number): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }
}

export const PAGE_SIZE = 4096;

export interface CpuCosts {
  /** Sequential read bandwidth of the disk, bytes per ns (= GB/s). GAIA testbed P3700: 2.8 GB/s (README). */
  diskReadBytesPerNs: number;
  /** Sequential write bandwidth, bytes per ns. ESTIMATE: Intel's P3700 800 GB datasheet figure, 1.9 GB/s. */
  diskWriteBytesPerNs: number;
  /** Latency of one read I/O (submit to completion), ns. ESTIMATE: ~20 µs, the P3700's datasheet 4 KiB latency. */
  diskReadLatencyNs: number;
  /** Latency of one write I/O, ns. ESTIMATE: ~20 µs (datasheet). */
  diskWriteLatencyNs: number;
  /** Kernel entry, VMA lookup, page-table walk and return of one CPU page fault, ns. ESTIMATE: ~1 µs (minor fault). */
  faultNs: number;
  /** Zeroing one 4 KiB page (clear_user_highpage), ns. ESTIMATE: ~0.4 µs at ~10 GB/s. */
  zeroPageNs: number;
  /** Copying one 4 KiB page (copy_user_highpage, COW), ns. ESTIMATE: ~0.5 µs. */
  copyPageNs: number;
  /** Removing one PTE and its rmap/refcount work (zap_pte_range), ns. ESTIMATE: ~50 ns. */
  zapPteNs: number;
  /** One TLB flush of a range (flush_tlb_range; an IPI shoot-down on other CPUs is more), ns. ESTIMATE: ~1 µs. */
  tlbFlushNs: number;
}

export const DEFAULT_CPU_COSTS: Readonly<CpuCosts> = Object.freeze({
  diskReadBytesPerNs: 2.8,
  diskWriteBytesPerNs: 1.9,
  diskReadLatencyNs: 20_000,
  diskWriteLatencyNs: 20_000,
  faultNs: 1_000,
  zeroPageNs: 400,
  copyPageNs: 500,
  zapPteNs: 50,
  tlbFlushNs: 1_000,
});

/** One read I/O of `pages` contiguous pages. */
export function diskReadNs(c: CpuCosts, pages: number): number {
  return c.diskReadLatencyNs + (pages * PAGE_SIZE) / c.diskReadBytesPerNs;
}

/** One write I/O of `pages` contiguous pages (write_cache_pages merges a contiguous run into one bio). */
export function diskWriteNs(c: CpuCosts, pages: number): number {
  return c.diskWriteLatencyNs + (pages * PAGE_SIZE) / c.diskWriteBytesPerNs;
}

/** Counter names this side adds to (the lead maps them onto the engine's counter list). */
export const CPU_COUNTERS = [
  'mm_faults',
  'mm_major_faults',
  'pagecache_hits',
  'pagecache_misses',
  'disk_read_bytes',
  'disk_write_bytes',
  'disk_reads',
  'disk_writes',
] as const;
