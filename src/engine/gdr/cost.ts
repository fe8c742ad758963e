/**
 * What gdrcopy's operations cost, from the published gdrcopy README numbers (Tesla V100-SXM2-32GB, the README's
 * gdrcopy_copylat, gdrcopy_copybw and gdrcopy_apiperf sample output). They are CPU-side API times: the README warns
 * that copylat measures the call as the CPU sees it, not when the data becomes visible inside the GPU.
 *
 * Copies: one `latency + bytes / bandwidth` line per direction, fitted by least squares on relative error (each
 * point weighted by 1/t², so the 64 B point counts as much as the 16 MiB one; a plain fit lets the 16 MiB point set
 * the intercept). The fit runs once when this module loads; the result, for the record:
 *
 *   to the GPU   (gdr_copy_to_mapping, WC streaming stores):  ≈   82 ns + bytes / 10.32 B/ns
 *                  (fit / published: 64 B 0.98, 4 KiB 1.10, 64 KiB 0.99, 16 MiB 0.98, copybw 128 KiB 0.94)
 *   from the GPU (gdr_copy_from_mapping, uncached BAR reads):  ≈  585 ns + bytes / 0.555 B/ns
 *                  (fit / published: 4 KiB 1.00, 64 KiB 1.04, copybw 128 KiB 0.96)
 *
 * Against cudaMemcpy below, gdrcopy writes are cheaper up to ≈ 463 KiB, reads only up to ≈ 3.4 KiB.
 *
 * 1 GB/s = 1 B/ns. The read side is ~20x slower because the BAR behind the mapping is not prefetchable: the CPU
 * issues no burst reads, each load is a PCIe round trip (README, "What is inside").
 */

export const PUBLISHED_SOURCE = 'published gdrcopy README numbers (Tesla V100)';

/** [bytes, µs] points of the README sample output. */
export const PUBLISHED_COPY_TO: readonly (readonly [number, number])[] = [
  [64, 0.0902], // copylat: ≈0.09 µs for 1–64 B
  [4096, 0.4366],
  [65536, 6.4906],
  [16777216, 1661.3285],
  [131072, 131072 / 9638.54], // copybw: write 9638.54 MB/s at 128 KiB → 13.60 µs
];
export const PUBLISHED_COPY_FROM: readonly (readonly [number, number])[] = [
  [4096, 7.9783],
  [65536, 114.1008],
  [131072, 131072 / 530.135], // copybw: read 530.135 MB/s at 128 KiB → 247.2 µs
];

/** apiperf, 64 KiB buffer (µs). One point each: we charge it whatever the size (an estimate). */
export const PUBLISHED_API_US = {
  pin: 1346.03406,
  map: 3.6038,
  getInfo: 0.34027,
  unmap: 4.70093,
  unpin: 676.6128,
} as const;

export interface LinearCost {
  latencyNs: number;
  bytesPerNs: number;
}

/** Least squares of t = a + b·n weighted by 1/t² (relative error). Points are [bytes, µs]; returns ns and B/ns. */
export function fitLatencyBandwidth(points: readonly (readonly [number, number])[]): LinearCost {
  let s = 0;
  let sn = 0;
  let snn = 0;
  let st = 0;
  let snt = 0;
  for (const [n, t] of points) {
    const w = 1 / (t * t);
    s += w;
    sn += w * n;
    snn += w * n * n;
    st += w * t;
    snt += w * n * t;
  }
  const d = s * snn - sn * sn;
  const b = (s * snt - sn * st) / d; // µs per byte
  const a = (st * snn - sn * snt) / d; // µs
  return { latencyNs: a * 1000, bytesPerNs: 1 / (b * 1000) };
}

export const COPY_TO_GPU: LinearCost = fitLatencyBandwidth(PUBLISHED_COPY_TO);
export const COPY_FROM_GPU: LinearCost = fitLatencyBandwidth(PUBLISHED_COPY_FROM);

export function linearNs(c: LinearCost, bytes: number): number {
  return c.latencyNs + bytes / c.bytesPerNs;
}

/** Time of gdr_copy_to_mapping (direction 0) or gdr_copy_from_mapping (direction 1) of `bytes`. */
export function gdrCopyCostNs(direction: number, bytes: number): number {
  if (bytes <= 0) return 0;
  return linearNs(direction === 0 ? COPY_TO_GPU : COPY_FROM_GPU, bytes);
}

/**
 * cudaMemcpy for the comparison the app shows (gdrcopy against a migration / a copy-engine transfer for small
 * sizes): the README's "a cudaMemcpy can incur a 6-7us overhead", taken as 6.5 µs, plus bytes over a PCIe 3 x16
 * link at ~12 GB/s (an estimate; pass the scenario's link to use its numbers).
 */
export const CUDA_MEMCPY: LinearCost = { latencyNs: 6500, bytesPerNs: 12 };

export function cudaMemcpyCostNs(bytes: number, link: LinearCost = CUDA_MEMCPY): number {
  return linearNs(link, bytes);
}

/** Bytes below which gdr_copy_to_mapping beats cudaMemcpy under these two lines (where they cross). */
export function crossoverBytes(direction: number, link: LinearCost = CUDA_MEMCPY): number {
  const g = direction === 0 ? COPY_TO_GPU : COPY_FROM_GPU;
  const slope = 1 / g.bytesPerNs - 1 / link.bytesPerNs;
  if (slope <= 0) return Infinity;
  return Math.max(0, (link.latencyNs - g.latencyNs) / slope);
}
