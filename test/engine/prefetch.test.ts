import { describe, expect, it } from 'vitest';
import { PageMask } from '../../src/engine/core/bits';
import { computePrefetchMask } from '../../src/engine/uvm/prefetch';
import { runs } from './helpers';

function hint(resident: [number, number][], faulted: number[], opts: { thrashing?: number[]; threshold?: number; exclude?: [number, number][] } = {}) {
  const r = new PageMask(512);
  for (const [lo, hi] of resident) r.setRange(lo, hi);
  const ex = opts.exclude ? new PageMask(512) : null;
  if (ex) for (const [lo, hi] of opts.exclude!) ex.setRange(lo, hi);
  return runs(
    computePrefetchMask({
      pages: 512,
      residentOnDest: r,
      faulted: PageMask.of(512, faulted),
      thrashing: opts.thrashing ? PageMask.of(512, opts.thrashing) : null,
      exclude: ex,
      threshold: opts.threshold ?? 51,
    }),
  );
}

describe('the density prefetcher (uvm_perf_prefetch.c)', () => {
  it('brings the rest of the faulting 64 KiB big page and no more on a cold block', () => {
    expect(hint([], [0])).toEqual([[1, 16]]);
  });

  it('reproduces the six-fault read-back of a 2 MiB block: 60, 60, 124, 252, 508, 1020 KiB', () => {
    // the CPU reads a GPU-resident block sequentially; each fault finds the earlier pages already CPU-resident
    const sizes: number[] = [];
    let have = 0;
    const faults: number[] = [];
    while (have < 512) {
      faults.push(have);
      const got = hint([[0, have]], [have], { exclude: have ? [[0, have]] : [] });
      const pages = got.reduce((s, [lo, hi]) => s + hi - lo, 0);
      expect(got[0][0]).toBe(have + 1);
      sizes.push(pages * 4);
      have += pages + 1;
    }
    expect(faults).toEqual([0, 16, 32, 64, 128, 256]);
    expect(sizes).toEqual([60, 60, 124, 252, 508, 1020]);
  });

  it('needs strictly more than the threshold: a node exactly 50% full does not qualify', () => {
    // 256 faulted pages of 512: the root is 50% full, so nothing beyond the faulted half
    const faulted = Array.from({ length: 256 }, (_, i) => i);
    expect(hint([], faulted)).toEqual([]);
    // one more big page tips the root over 51%
    expect(hint([], [...faulted, 256])).toEqual([[257, 512]]);
  });

  it('takes the highest qualifying node even when a level in between does not qualify', () => {
    // pages 0-15 faulted, 32-63 resident: [0,32) is 50%, [0,64) is 75%
    expect(hint([[32, 64]], [0])).toEqual([[1, 64]]);
  });

  it('leaves thrashing pages out of growth and of the result', () => {
    // a thrashing page in the faulting big page stops that big page from growing
    expect(hint([], [0], { thrashing: [5] })).toEqual([]);
    expect(hint([[16, 64]], [0], { thrashing: [40] })).toEqual([[1, 40], [41, 64]]);
  });

  it('follows a lower threshold when the policy sets one', () => {
    // with threshold 25, [0,64) at 16/64 = 25% is not strictly above; [0,32) at 50% is
    expect(hint([], [0], { threshold: 25 })).toEqual([[1, 32]]);
    expect(hint([], [0], { threshold: 20 })).toEqual([[1, 64]]);
  });
});
