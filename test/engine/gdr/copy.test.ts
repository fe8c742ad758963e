import { describe, expect, it } from 'vitest';
import { COPY_FROM_GPU, COPY_TO_GPU, CUDA_MEMCPY, crossoverBytes, cudaMemcpyCostNs, fitLatencyBandwidth, gdrCopyCostNs, GdrError } from '../../../src/engine/gdr';
import { events, KiB, MiB, setup, stepLines } from './setup';

/** Published gdrcopy README numbers (Tesla V100), µs. */
const PUBLISHED = {
  to: { 4096: 0.4366, 65536: 6.4906 },
  from: { 4096: 7.9783, 65536: 114.1008 },
};

function mapped(bytes = 16 * MiB) {
  const t = setup();
  const f = t.gdr.open(1);
  const m = t.gdr.pin(f, t.gdr.cudaMalloc(1, bytes));
  t.gdr.map(m);
  return { ...t, m };
}

describe('the cost fit', () => {
  it('gives a latency + bytes/bandwidth line per direction close to the published points', () => {
    expect(COPY_TO_GPU.latencyNs).toBeCloseTo(82, -1);
    expect(COPY_TO_GPU.bytesPerNs).toBeCloseTo(10.32, 1);
    expect(COPY_FROM_GPU.latencyNs).toBeCloseTo(585, -1);
    expect(COPY_FROM_GPU.bytesPerNs).toBeCloseTo(0.555, 2);
    for (const [dir, points] of [
      [0, PUBLISHED.to],
      [1, PUBLISHED.from],
    ] as const) {
      for (const [n, us] of Object.entries(points)) expect(Math.abs(gdrCopyCostNs(dir, +n) / (us * 1000) - 1)).toBeLessThan(0.1);
    }
    expect(gdrCopyCostNs(0, 16 * MiB) / 1661328.5).toBeCloseTo(1, 1);
  });

  it('recovers an exact line from points that lie on it', () => {
    const f = fitLatencyBandwidth([
      [0, 1],
      [1000, 2],
      [3000, 4],
    ]);
    expect(f.latencyNs).toBeCloseTo(1000, 6);
    expect(f.bytesPerNs).toBeCloseTo(1, 6);
  });

  it('makes a small gdrcopy write ~70x cheaper than a cudaMemcpy; writes win up to a few hundred KiB, reads only below 4 KiB', () => {
    expect(cudaMemcpyCostNs(64)).toBeCloseTo(6505, 0);
    expect(cudaMemcpyCostNs(64) / gdrCopyCostNs(0, 64)).toBeGreaterThan(50);
    expect(crossoverBytes(0)).toBeGreaterThan(256 * KiB);
    expect(crossoverBytes(0)).toBeLessThan(1024 * KiB);
    expect(crossoverBytes(1)).toBeLessThan(4 * KiB);
    expect(CUDA_MEMCPY.latencyNs).toBe(6500);
  });
});

describe('gdr_copy_to_mapping and gdr_copy_from_mapping', () => {
  it('charge the fitted time at 4 KiB and 64 KiB in both directions, count gdr_bytes and record the copy', () => {
    const { gdr, store, clock, bytes, m } = mapped();
    const from = store.length;
    const cases: [number, number, number][] = [
      [0, 4096, PUBLISHED.to[4096]],
      [0, 65536, PUBLISHED.to[65536]],
      [1, 4096, PUBLISHED.from[4096]],
      [1, 65536, PUBLISHED.from[65536]],
    ];
    let expectedBytes = 0;
    for (const [dir, n, us] of cases) {
      const before = clock.now();
      const ns = gdr.copy(m, dir, 0, n);
      expect(Math.abs(ns / 1000 - us) / us).toBeLessThan(0.1);
      expect(clock.now() - before).toBeCloseTo(ns, 6);
      expectedBytes += n;
      expect(bytes()).toBe(expectedBytes);
    }
    expect(events(store, 'gdrCopy', from).map((e) => [e.obj, e.idx, e.x])).toEqual(cases.map(([dir, n]) => [m, dir, n]));
    expect(events(store, 'gdrCopy', from).every((e) => e.y > 0)).toBe(true);
  });

  it('step through alignment, the wide stores, the tail and the store fence for an unaligned write', () => {
    const { gdr, steps, m } = mapped();
    const from = steps.length;
    gdr.copy(m, 0, 5, 100); // head 11 B to 16 B alignment, 80 B of streaming stores, 9 B tail
    expect(stepLines(steps, from)).toEqual([
      'gdr_copy_to_mapping:entry',
      'gdr_copy_to_mapping:check',
      'gdr_copy_to_mapping:align',
      'gdr_copy_to_mapping:stream',
      'gdr_copy_to_mapping:tail',
      'gdr_copy_to_mapping:fence',
    ]);
    const from2 = steps.length;
    gdr.copy(m, 1, 0, 4096);
    expect(stepLines(steps, from2)).toEqual(['gdr_copy_from_mapping:entry', 'gdr_copy_from_mapping:check', 'gdr_copy_from_mapping:load']);
  });

  it('refuse a handle the library has not mapped, and an access past the mapping\u2019s end', () => {
    const t = setup();
    const f = t.gdr.open(1);
    const m = t.gdr.pin(f, t.gdr.cudaMalloc(1, 64 * KiB));
    expect(t.gdr.copy(m, 0, 0, 64)).toBe(-1);
    t.gdr.map(m);
    expect(t.gdr.copy(m, 1, 60 * KiB, 8 * KiB)).toBe(-1);
    expect(t.gdr.copy(m, 0, 0, 0)).toBe(0);
    expect(events(t.store, 'gdrError').map((e) => [e.idx, e.x, e.y])).toEqual([
      [3, 22, GdrError.notMapped],
      [4, -11, GdrError.outsideMapping],
    ]);
    expect(events(t.store, 'gdrCopy')).toEqual([]);
    expect(t.bytes()).toBe(0);
  });
});
