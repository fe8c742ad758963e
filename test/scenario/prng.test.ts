import { describe, expect, it } from 'vitest';
import { splitmix32, uniformBelow } from '../../src/engine/scenario';

describe('splitmix32', () => {
  it('gives the documented first outputs for seed 1 (docs/scenario-format.md), the same on every platform', () => {
    const next = splitmix32(1);
    expect([next(), next(), next()]).toEqual([0x96a0f96b, 0x12bc8390, 0x971e9964]);
  });

  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = splitmix32(42);
    const b = splitmix32(42);
    const c = splitmix32(43);
    const sa = Array.from({ length: 8 }, () => a());
    expect(Array.from({ length: 8 }, () => b())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c())).not.toEqual(sa);
  });

  it('returns unsigned 32-bit integers', () => {
    const next = splitmix32(0xffffffff);
    for (let i = 0; i < 1000; i++) {
      const x = next();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    }
  });
});

describe('uniformBelow', () => {
  it('stays in [0, n) and reaches every value of a small range', () => {
    const next = splitmix32(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = uniformBelow(next, 10);
      expect(x >= 0 && x < 10).toBe(true);
      seen.add(x);
    }
    expect(seen.size).toBe(10);
  });

  it('redraws outputs above the largest multiple of n, so no value is favoured', () => {
    // n = 3 * 2^30: 2^32 mod n = 2^30, so outputs ≥ 3 * 2^30 are redrawn.
    const outputs = [0xffffffff, 5];
    const next = () => outputs.shift() ?? 0;
    expect(uniformBelow(next, 3 * 2 ** 30)).toBe(5);
  });
});
