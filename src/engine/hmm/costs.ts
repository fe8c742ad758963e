/**
 * Costs of the HMM paths in simulated nanoseconds. Copies use the UVM model's default PCIe 5 lines
 * (scenario/defaults.ts LINK_PRESETS.pcie5, docs/model.md "Costs"): host to device the least-squares line of the
 * committed H100 captures (5,778 records, `scripts/refit-costs.ts`), which replaced numbers.md's 2.67 µs + B / 47.7 GB/s
 * because that line is slower than the captures' median record at every common size (8 % at 4 KiB, 12.5 % at 2 MiB)
 * and is not reproducible from the repository; device to host numbers.md's line, which the captures confirm (their fit
 * differs by 0.07 µs and 0.2 %). The same machine's copies cost the same whichever kernel path asks for them.
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

/** HtoD 2.59 µs + bytes / 53.2 GB/s (the captures' fit), DtoH 1.56 µs + bytes / 54.5 GB/s (numbers.md); 1 µs per device fault (estimate). */
export const DEFAULT_HMM_COSTS: Readonly<HmmCosts> = Object.freeze({
  htod: Object.freeze({ latencyNs: 2590, bytesPerNs: 53.2 }),
  dtoh: Object.freeze({ latencyNs: 1560, bytesPerNs: 54.5 }),
  deviceFaultNs: 1000,
});

export function copyNs(c: LinkCost, bytes: number): number {
  return c.latencyNs + bytes / c.bytesPerNs;
}
