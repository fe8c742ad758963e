/**
 * Refitting the cost model from captures (src/engine/capture/fit.ts): the least-squares line recovers an exact line,
 * residuals and size rows are what they say, fault groups collect the copies inside them, and over the committed H100
 * captures every figure lands in a sane range.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  batchCostEstimate,
  copySamples,
  distribution,
  faultGroups,
  faultGroupStats,
  fitCopies,
  fitLine,
  lineNs,
  median,
} from '../../src/engine/capture/fit.js';
import { parseCapture, type Capture, type CaptureRecord } from '../../src/engine/capture/index.js';

const DIR = new URL('../fixtures/captures/', import.meta.url);
const CAPTURES: Capture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .map((f) => {
    const r = parseCapture(readFileSync(new URL(f, DIR), 'utf8'));
    if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.errors.slice(0, 2))}`);
    return r.capture;
  });

let line = 0;
function rec(kind: CaptureRecord['kind'], start: number, end: number, bytes: number | null = null): CaptureRecord {
  return {
    line: ++line,
    kind,
    start,
    end,
    address: '0x0',
    region: null,
    offset: null,
    bytes,
    value: null,
    src: null,
    dst: null,
    cause: null,
    access: null,
    inCpu: null,
    pc: null,
    processors: null,
    flags: 0,
  };
}

/** A capture of nothing but the given records (the fit reads only records). */
function capture(records: CaptureRecord[]): Capture {
  return { header: CAPTURES[0].header, records, steps: [], end: { line: 0, status: 'ok', message: null, records: records.length, steps: 0, dropped: 0 } };
}

describe('fitLine', () => {
  it('recovers an exact line', () => {
    const samples = [4096, 65536, 131072, 2 << 20, 4096, 8192].map((bytes) => ({ bytes, ns: 2500 + bytes / 50 }));
    const f = fitLine(samples)!;
    expect(f.records).toBe(6);
    expect(f.latencyNs).toBeCloseTo(2500, 6);
    expect(f.bytesPerNs).toBeCloseTo(50, 9);
  });

  it('is the least-squares line of noisy points (symmetric noise cancels)', () => {
    const samples = [4096, 65536, 1 << 20].flatMap((bytes) => [-100, 100].map((e) => ({ bytes, ns: 1000 + bytes / 20 + e })));
    const f = fitLine(samples)!;
    expect(f.latencyNs).toBeCloseTo(1000, 6);
    expect(f.bytesPerNs).toBeCloseTo(20, 9);
  });

  it('refuses what has no line: too few points, one size, no positive slope', () => {
    expect(fitLine([])).toBeNull();
    expect(fitLine([{ bytes: 4096, ns: 3000 }])).toBeNull();
    expect(fitLine([{ bytes: 4096, ns: 3000 }, { bytes: 4096, ns: 3100 }])).toBeNull();
    expect(fitLine([{ bytes: 4096, ns: 3000 }, { bytes: 8192, ns: 2000 }])).toBeNull();
  });
});

describe('distribution and median', () => {
  it('interpolates quantiles between sorted values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    const d = distribution([10, 0, 5, 1, 2, 3, 4, 6, 7, 8, 9])!;
    expect(d).toEqual({ count: 11, min: 0, median: 5, p90: 9, max: 10, sum: 55 });
    expect(distribution([])).toBeNull();
  });
});

describe('fitCopies on synthetic records', () => {
  it('fits each direction separately, with zero residuals on exact lines and one row per common size', () => {
    const records: CaptureRecord[] = [];
    let t = 0;
    for (let i = 0; i < 30; i++) {
      for (const bytes of [4096, 65536, 2 << 20]) {
        records.push(rec('htod', t, t + 2000 + bytes / 40, bytes));
        records.push(rec('dtoh', t, t + 1500 + bytes / 60, bytes));
        t += 100_000;
      }
    }
    records.push(rec('htod', t, t + 2000 + 12288 / 40, 12288)); // a rare size: in the fit, not in the rows
    const c = [capture(records)];
    const h = fitCopies(c, 'htod')!;
    expect(h.records).toBe(91);
    expect(h.latencyNs).toBeCloseTo(2000, 5);
    expect(h.bytesPerNs).toBeCloseTo(40, 8);
    expect(h.medianAbsResidualNs).toBeCloseTo(0, 5);
    expect(h.bySize.map((r) => [r.bytes, r.records])).toEqual([
      [4096, 30],
      [65536, 30],
      [2 << 20, 30],
    ]);
    for (const r of h.bySize) {
      expect(r.realNs).toBeCloseTo(2000 + r.bytes / 40, 5);
      expect(r.modelNs).toBeCloseTo(r.realNs, 5);
      expect(r.residualNs).toBeCloseTo(0, 5);
    }
    const d = fitCopies(c, 'dtoh')!;
    expect(d.latencyNs).toBeCloseTo(1500, 5);
    expect(d.bytesPerNs).toBeCloseTo(60, 8);
    expect(fitCopies(c, 'dtod')).toBeNull();
    expect(fitCopies(c, 'htod', 31)!.bySize).toEqual([]);
  });

  it('reports the median |residual| and the signed median per size', () => {
    // 4 KiB at 3000 ± 100 and 1 MiB at 10000 ± 100: the line passes through both centres
    const records: CaptureRecord[] = [];
    for (const [bytes, ns] of [
      [4096, 2900],
      [4096, 3100],
      [1 << 20, 9900],
      [1 << 20, 10100],
    ])
      records.push(rec('htod', 0, ns, bytes));
    const f = fitCopies([capture(records)], 'htod', 2)!;
    expect(f.medianAbsResidualNs).toBeCloseTo(100, 6);
    for (const r of f.bySize) expect(r.residualNs).toBeCloseTo(0, 6);
    expect(lineNs(f, 4096)).toBeCloseTo(3000, 6);
  });

  it('skips copies without a size or an end', () => {
    const c = capture([rec('htod', 0, 3000, 4096), rec('htod', 0, 5000, 0), { ...rec('htod', 0, 0, 4096), end: null }]);
    expect(copySamples([c], 'htod')).toEqual([{ bytes: 4096, ns: 3000 }]);
  });
});

describe('fault groups', () => {
  it('collects the copies that start inside each group and the time they cover', () => {
    const c = capture([
      rec('gpu_page_fault', 1000, 11_000),
      rec('htod', 2000, 5000, 4096), // inside
      rec('htod', 4000, 6000, 4096), // overlaps the one before: covered time 2000..6000 = 4000
      rec('htod', 10_000, 12_000, 8192), // starts inside, clipped to the group's end: 1000
      rec('htod', 12_500, 13_000, 4096), // between groups
      rec('gpu_page_fault', 20_000, 20_500),
      rec('dtoh', 20_100, 20_200, 4096),
    ]);
    const g = faultGroups(c);
    expect(g).toEqual([
      { start: 1000, end: 11_000, durationNs: 10_000, copies: 3, copyBytes: 16384, copyNs: 5000 },
      { start: 20_000, end: 20_500, durationNs: 500, copies: 1, copyBytes: 4096, copyNs: 100 },
    ]);
    const s = faultGroupStats(g);
    expect(s.groups).toBe(2);
    expect(s.durationNs!.median).toBe(5250);
    expect(s.nonCopyNs!.max).toBe(5000);
    expect(batchCostEstimate(c, 4)).toEqual({ groups: 2, batches: 4, groupNs: 10_500, copyNs: 5100, perBatchNs: 1350 });
    expect(batchCostEstimate(c, 0).perBatchNs).toBeNull();
  });

  it('gives each copy to one group when groups overlap, and counts overlapping time once', () => {
    const c = capture([
      rec('gpu_page_fault', 0, 1000),
      rec('gpu_page_fault', 500, 2000),
      rec('htod', 100, 200, 4096), // only the first is open
      rec('htod', 600, 700, 4096), // both are open: the later one gets it
      rec('htod', 1500, 1600, 4096),
    ]);
    expect(faultGroups(c).map((g) => [g.copies, g.copyNs])).toEqual([
      [1, 100],
      [2, 200],
    ]);
    expect(batchCostEstimate(c, 2)).toEqual({ groups: 2, batches: 2, groupNs: 2000, copyNs: 300, perBatchNs: 850 });
  });
});

describe('the committed H100 captures', () => {
  it('give copy lines in a sane range, close to their records', () => {
    for (const dir of ['htod', 'dtoh'] as const) {
      const f = fitCopies(CAPTURES, dir)!;
      expect(f.records).toBeGreaterThan(500);
      expect(f.bytesPerNs).toBeGreaterThan(10);
      expect(f.bytesPerNs).toBeLessThan(80);
      expect(f.latencyNs).toBeGreaterThan(500);
      expect(f.latencyNs).toBeLessThan(10_000);
      // the line is within half a microsecond of the median record, and of every common size's median
      expect(f.medianAbsResidualNs).toBeLessThan(500);
      expect(f.medianAbsRelResidual).toBeLessThan(0.1);
      expect(f.bySize.length).toBeGreaterThan(3);
      for (const r of f.bySize) expect(Math.abs(r.residualNs)).toBeLessThan(1000);
    }
    expect(fitCopies(CAPTURES, 'dtod')).toBeNull();
  });

  it('have fault groups that are service rounds: up to ~2 ms and hundreds of copies, far more than one batch', () => {
    const groups = CAPTURES.flatMap(faultGroups);
    const s = faultGroupStats(groups);
    expect(s.groups).toBeGreaterThan(200);
    expect(s.durationNs!.median).toBeGreaterThan(50_000);
    expect(s.durationNs!.max).toBeGreaterThan(1_000_000);
    expect(s.durationNs!.max).toBeLessThan(5_000_000);
    expect(s.copies!.max).toBeGreaterThan(150);
    for (const g of groups) {
      expect(g.copyNs).toBeGreaterThanOrEqual(0);
      expect(g.copyNs).toBeLessThanOrEqual(g.durationNs);
    }
  });
});
