/**
 * Refitting the cost model from real captures (issue 7; `scripts/refit-costs.ts`, docs/model.md "Costs").
 *
 * - Copies: every htod / dtoh / dtod record is a (bytes, duration) sample; per direction a straight line
 *   `time = latency + bytes / bandwidth` is fitted by ordinary least squares over all samples, as the model's
 *   `CopyCost` is written. Its residuals are reported overall (median |real − line|) and per common size (the median
 *   record of that size against the line).
 * - Fault groups: a CUPTI gpu_page_fault record is one service round of the bottom half, which under the captures'
 *   replay policy (BATCH_FLUSH) is one batch (docs/model.md "Service rounds"); on the H100 it lasts up to ~2 ms and
 *   holds up to hundreds of copies when a one-thread-per-page grid spreads its faults over many va_blocks. Reported as
 *   distributions (duration, copies per group, copy time and the rest). `batchCostEstimate` divides the time some
 *   group was open, less its copies, by the model's batch count for the same scenario; `fitServiceCost` fits that
 *   time to the model's batches and va_block services (a cost per batch and one per block).
 *
 * Pure TypeScript over parsed captures; nothing here reads files.
 */
import type { Capture, CaptureRecord } from './types';

export const COPY_DIRECTIONS = ['htod', 'dtoh', 'dtod'] as const;
export type CopyDirection = (typeof COPY_DIRECTIONS)[number];

/** One copy: its size and how long CUPTI says it took. */
export interface CopySample {
  bytes: number;
  ns: number;
}

/** `ns = latencyNs + bytes / bytesPerNs`; bytesPerNs is GB/s (1 GB/s = 1e9 B/s = 1 B/ns). */
export interface LineFit {
  records: number;
  latencyNs: number;
  bytesPerNs: number;
}

/** The median record of one transfer size against the fitted line. */
export interface SizeRow {
  bytes: number;
  records: number;
  /** The median duration of this size's records. */
  realNs: number;
  /** The line's duration for this size. */
  modelNs: number;
  /** Median of (real − line) over this size's records: positive when the line is too fast. */
  residualNs: number;
}

export interface CopyFit extends LineFit {
  direction: CopyDirection;
  /** Median over all records of |real − line|. */
  medianAbsResidualNs: number;
  /** Median over all records of |real − line| / real. */
  medianAbsRelResidual: number;
  /** The sizes with at least `minSizeRecords` records, ascending. */
  bySize: SizeRow[];
}

/** Order statistics of a sample; quantiles interpolate linearly between the sorted values. */
export interface Distribution {
  count: number;
  min: number;
  median: number;
  p90: number;
  max: number;
  sum: number;
}

/** One CUPTI GPU fault group with the copies inside it. */
export interface FaultGroup {
  start: number;
  end: number;
  durationNs: number;
  /** Copy records (any direction) given to this group (see faultGroups). */
  copies: number;
  copyBytes: number;
  /** Time inside the group covered by at least one copy (the union of their intervals, clipped to the group). */
  copyNs: number;
}

export interface FaultGroupStats {
  groups: number;
  durationNs: Distribution | null;
  copies: Distribution | null;
  copyNs: Distribution | null;
  /** durationNs − copyNs, per group: fetching, servicing, mapping and replaying. */
  nonCopyNs: Distribution | null;
}

/** The model's per-batch cost implied by a capture's groups and a batch count from elsewhere. */
export interface BatchCostEstimate {
  groups: number;
  batches: number;
  /** Time during which at least one group was open (the union of the groups' intervals). */
  groupNs: number;
  /** Time within groupNs covered by at least one copy. */
  copyNs: number;
  /** (groupNs − copyNs) / batches; null without batches. */
  perBatchNs: number | null;
}

function isCopy(r: CaptureRecord): r is CaptureRecord & { end: number; bytes: number } {
  return (r.kind === 'htod' || r.kind === 'dtoh' || r.kind === 'dtod') && r.end !== null && r.bytes !== null && r.bytes > 0 && r.end >= r.start;
}

/** Linear-interpolated quantile of an ascending array (q in [0, 1]). */
function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  return quantileSorted([...xs].sort((a, b) => a - b), 0.5);
}

export function distribution(xs: readonly number[]): Distribution | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  let sum = 0;
  for (const x of s) sum += x;
  return { count: s.length, min: s[0], median: quantileSorted(s, 0.5), p90: quantileSorted(s, 0.9), max: s[s.length - 1], sum };
}

/** Every copy of one direction in the captures. */
export function copySamples(captures: readonly Capture[], direction: CopyDirection): CopySample[] {
  const out: CopySample[] = [];
  for (const c of captures) for (const r of c.records) if (r.kind === direction && isCopy(r)) out.push({ bytes: r.bytes, ns: r.end - r.start });
  return out;
}

/**
 * Ordinary least squares of ns on bytes. Null with fewer than two distinct sizes, or when the slope is not positive
 * (no bandwidth). Centred sums keep the arithmetic exact enough for nanoseconds over megabytes.
 */
export function fitLine(samples: readonly CopySample[]): LineFit | null {
  const n = samples.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (const s of samples) {
    mx += s.bytes;
    my += s.ns;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (const s of samples) {
    const dx = s.bytes - mx;
    sxx += dx * dx;
    sxy += dx * (s.ns - my);
  }
  if (sxx === 0) return null;
  const nsPerByte = sxy / sxx;
  if (!(nsPerByte > 0)) return null;
  return { records: n, latencyNs: my - nsPerByte * mx, bytesPerNs: 1 / nsPerByte };
}

export function lineNs(line: { latencyNs: number; bytesPerNs: number }, bytes: number): number {
  return line.latencyNs + bytes / line.bytesPerNs;
}

/** The fitted line of one direction with its residuals; null when the captures have too few of its copies. */
export function fitCopies(captures: readonly Capture[], direction: CopyDirection, minSizeRecords = 20): CopyFit | null {
  const samples = copySamples(captures, direction);
  const line = fitLine(samples);
  if (!line) return null;
  const abs: number[] = [];
  const rel: number[] = [];
  const bySizeNs = new Map<number, number[]>();
  for (const s of samples) {
    const r = s.ns - lineNs(line, s.bytes);
    abs.push(Math.abs(r));
    if (s.ns > 0) rel.push(Math.abs(r) / s.ns);
    let a = bySizeNs.get(s.bytes);
    if (!a) bySizeNs.set(s.bytes, (a = []));
    a.push(s.ns);
  }
  const bySize: SizeRow[] = [...bySizeNs]
    .filter(([, ns]) => ns.length >= minSizeRecords)
    .sort((a, b) => a[0] - b[0])
    .map(([bytes, ns]) => {
      const modelNs = lineNs(line, bytes);
      return { bytes, records: ns.length, realNs: median(ns), modelNs, residualNs: median(ns.map((x) => x - modelNs)) };
    });
  return { direction, ...line, medianAbsResidualNs: median(abs), medianAbsRelResidual: median(rel), bySize };
}

/** Length of the union of intervals, each clipped to [lo, hi]. */
function coveredNs(intervals: Array<[number, number]>, lo: number, hi: number): number {
  const clipped = intervals.map(([a, b]) => [Math.max(a, lo), Math.min(b, hi)] as [number, number]).filter(([a, b]) => b > a);
  clipped.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curA = -Infinity;
  let curB = -Infinity;
  for (const [a, b] of clipped) {
    if (a > curB) {
      if (curB > curA) total += curB - curA;
      curA = a;
      curB = b;
    } else if (b > curB) curB = b;
  }
  if (curB > curA) total += curB - curA;
  return total;
}

/**
 * The capture's GPU fault groups in time order, each with its copies. On the H100 groups overlap in pairs (a group
 * starts while the one before it is still open), so each copy is given to one group only: the latest-starting group
 * open when the copy starts.
 */
export function faultGroups(capture: Capture): FaultGroup[] {
  const copies = capture.records.filter(isCopy).sort((a, b) => a.start - b.start);
  const groups = capture.records
    .filter((r): r is CaptureRecord & { end: number } => r.kind === 'gpu_page_fault' && r.end !== null && r.end >= r.start)
    .sort((a, b) => a.start - b.start);
  const spans: Array<Array<[number, number]>> = groups.map(() => []);
  const out: FaultGroup[] = groups.map((g) => ({ start: g.start, end: g.end, durationNs: g.end - g.start, copies: 0, copyBytes: 0, copyNs: 0 }));
  let next = 0;
  for (const c of copies) {
    while (next < groups.length && groups[next].start <= c.start) next++;
    for (let i = next - 1; i >= 0 && i >= next - 64; i--) {
      if (groups[i].end < c.start) continue;
      out[i].copies++;
      out[i].copyBytes += c.bytes;
      spans[i].push([c.start, c.end]);
      break;
    }
  }
  out.forEach((g, i) => (g.copyNs = coveredNs(spans[i], g.start, g.end)));
  return out;
}

export function faultGroupStats(groups: readonly FaultGroup[]): FaultGroupStats {
  return {
    groups: groups.length,
    durationNs: distribution(groups.map((g) => g.durationNs)),
    copies: distribution(groups.map((g) => g.copies)),
    copyNs: distribution(groups.map((g) => g.copyNs)),
    nonCopyNs: distribution(groups.map((g) => g.durationNs - g.copyNs)),
  };
}

/**
 * The per-batch cost that would make `batches` batches fill the time during which some fault group was open, less the
 * copies in that time. Groups overlap, so their union is used, not their sum. Only as good as the batch count: CUPTI
 * does not say how many batches a group serviced.
 */
export function batchCostEstimate(capture: Capture, batches: number): BatchCostEstimate {
  const groups = faultGroups(capture);
  const union: Array<[number, number]> = [];
  for (const g of groups) {
    const last = union[union.length - 1];
    if (last && g.start <= last[1]) last[1] = Math.max(last[1], g.end);
    else union.push([g.start, g.end]);
  }
  const copies = capture.records.filter(isCopy).map((c) => [c.start, c.end] as [number, number]);
  let groupNs = 0;
  let copyNs = 0;
  for (const [a, b] of union) {
    groupNs += b - a;
    copyNs += coveredNs(copies, a, b);
  }
  return { groups: groups.length, batches, groupNs, copyNs, perBatchNs: batches > 0 ? (groupNs - copyNs) / batches : null };
}

/**
 * One capture's GPU-fault service time against the model's batches and va_block services of the same scenario run as
 * captured: `restNs` is the time some fault group was open less the copies in it (batchCostEstimate); `modelNs` the
 * model's time for the same work with `faultBatchNs` = 0, less its copies (the TLB invalidates, maps and unmaps it
 * already charges per block); `batches` and `blocks` the model's batches and (batch, va_block) services.
 */
export interface ServiceSample {
  name: string;
  restNs: number;
  modelNs: number;
  batches: number;
  blocks: number;
  /** The model's fault entries after coalescing (what the service loop walks), and the raw entries fetched. */
  entries: number;
  raw: number;
}

export interface ServiceFit {
  /** Least squares of restNs − modelNs = perBatchNs × batches + perBlockNs × blocks. */
  perBatchNs: number;
  perBlockNs: number;
  /** The same with perBlockNs = 0. */
  batchOnlyNs: number;
  /** Per sample: real rest, then the two fits' prediction of it. */
  rows: Array<{ name: string; restNs: number; twoNs: number; oneNs: number }>;
}

/** Fits the per-batch (and per-va_block) service cost to the samples with at least one batch; null if none. */
export function fitServiceCost(samples: readonly ServiceSample[]): ServiceFit | null {
  const s = samples.filter((x) => x.batches > 0);
  if (s.length === 0) return null;
  let bb = 0;
  let bk = 0;
  let kk = 0;
  let by = 0;
  let ky = 0;
  for (const x of s) {
    const y = x.restNs - x.modelNs;
    bb += x.batches * x.batches;
    bk += x.batches * x.blocks;
    kk += x.blocks * x.blocks;
    by += x.batches * y;
    ky += x.blocks * y;
  }
  const det = bb * kk - bk * bk;
  const perBatchNs = det !== 0 ? (by * kk - ky * bk) / det : by / bb;
  const perBlockNs = det !== 0 ? (bb * ky - bk * by) / det : 0;
  const batchOnlyNs = by / bb;
  const rows = s.map((x) => ({
    name: x.name,
    restNs: x.restNs,
    twoNs: x.modelNs + perBatchNs * x.batches + perBlockNs * x.blocks,
    oneNs: x.modelNs + batchOnlyNs * x.batches,
  }));
  return { perBatchNs, perBlockNs, batchOnlyNs, rows };
}

/** The terms a service-cost model may have: a cost per batch, per (batch, va_block) service, per entry, per raw entry. */
export type ServiceTerm = 'batches' | 'blocks' | 'entries' | 'raw';

export interface TermFit {
  terms: ServiceTerm[];
  /** ns per unit of each term, in the order of `terms`. */
  coefficients: number[];
  /** Per sample: real rest, the fit's prediction of it, and (prediction − real) / real. */
  rows: Array<{ name: string; restNs: number; fitNs: number; relResidual: number }>;
  /** The largest |relResidual| over the samples. */
  worstRel: number;
  /** Sum over the samples of |fit − real| over the sum of real. */
  totalAbsRel: number;
}

/**
 * Least squares of restNs − modelNs on the chosen terms (no intercept: no work, no time), by the normal equations
 * solved with partial pivoting. Null without samples or when the terms are collinear over them.
 */
export function fitServiceTerms(samples: readonly ServiceSample[], terms: readonly ServiceTerm[]): TermFit | null {
  const s = samples.filter((x) => x.batches > 0);
  const k = terms.length;
  if (s.length === 0 || k === 0) return null;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (const x of s) {
    const y = x.restNs - x.modelNs;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += x[terms[i]] * x[terms[j]];
      a[i][k] += x[terms[i]] * y;
    }
  }
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-9 * Math.max(1, Math.abs(a[c][c]))) return null;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const coefficients = a.map((row, i) => row[k] / row[i]);
  const rows = s.map((x) => {
    const fitNs = x.modelNs + terms.reduce((t, term, i) => t + coefficients[i] * x[term], 0);
    return { name: x.name, restNs: x.restNs, fitNs, relResidual: x.restNs > 0 ? (fitNs - x.restNs) / x.restNs : 0 };
  });
  let abs = 0;
  let real = 0;
  for (const r of rows) {
    abs += Math.abs(r.fitNs - r.restNs);
    real += r.restNs;
  }
  return { terms: [...terms], coefficients, rows, worstRel: Math.max(...rows.map((r) => Math.abs(r.relResidual))), totalAbsRel: real > 0 ? abs / real : 0 };
}
