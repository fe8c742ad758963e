/**
 * Costs of the HMM paths in simulated nanoseconds. Copies use the measured PCIe line of research/numbers.md (H100,
 * PCIe 5, CUPTI unified-memory counters), the same figures the UVM model's default link uses
 * (scenario/defaults.ts LINK_PRESETS.pcie5): the lead may pass the scenario's link instead.
 *
 * Charging: one transfer per migrate window (latency once + the window's copied bytes / bandwidth), as a DMA engine
 * batches a window; lib/test_hmm.c itself copies page by page with the CPU (copy_highpage), which a real device
 * would not. Clearing a page for a pte_none source is device-local and not charged. Bookkeeping (page-table walks,
 * locking, notifier callbacks) is not charged, except the TLB flushes, which go through CpuMm.recordTlbFlush.
 */

/** time = latencyNs + bytes / bytesPerNs (the shape of the scenario's link costs). */
export interface LinkCost {
  latencyNs: number;
  bytesPerNs: number;
}

export interface HmmCosts {
  /** System → device copies (migrate to device). */
  htod: LinkCost;
  /** Device → system copies (fault back, migrate to system, chunk eviction). */
  dtoh: LinkCost;
  /** The device's own work for one dmirror_fault (hmm_range_fault), ns, besides any CPU fault it takes. ESTIMATE. */
  deviceFaultNs: number;
}

/** HtoD 2.67 µs + bytes / 47.7 GB/s, DtoH 1.56 µs + bytes / 54.5 GB/s (measured, numbers.md); 1 µs per device fault (estimate). */
export const DEFAULT_HMM_COSTS: Readonly<HmmCosts> = Object.freeze({
  htod: Object.freeze({ latencyNs: 2670, bytesPerNs: 47.7 }),
  dtoh: Object.freeze({ latencyNs: 1560, bytesPerNs: 54.5 }),
  deviceFaultNs: 1000,
});

export function copyNs(c: LinkCost, bytes: number): number {
  return c.latencyNs + bytes / c.bytesPerNs;
}
