import { describe, expect, it } from 'vitest';
import { describePte, devicePrivateEntry, migrationEntry, presentPte, PteKind, pteAccessed, pteDirty, pteIsSwap, pteKind, ptePfn, ptePresent, pteWritable } from '../../../src/engine/cpu/pte';

describe('PTE encoding', () => {
  it('packs kind, frame and the W/D/A bits into one word and reads them back', () => {
    const v = presentPte(123456, { writable: true, dirty: true, accessed: false });
    expect(pteKind(v)).toBe(PteKind.present);
    expect(ptePfn(v)).toBe(123456);
    expect([pteWritable(v), pteDirty(v), pteAccessed(v)]).toEqual([true, true, false]);
    expect(describePte(v)).toBe('present pfn 123456 W D');
  });

  it('keeps the largest frame number and refuses a bigger one', () => {
    const v = presentPte(2 ** 27 - 1);
    expect(v).toBeGreaterThan(0);
    expect(ptePfn(v)).toBe(2 ** 27 - 1);
    expect(() => presentPte(2 ** 27)).toThrow(RangeError);
  });

  it('encodes migration and device-private entries as non-present swap-type entries with a write variant', () => {
    const m = migrationEntry(77, true);
    const d = devicePrivateEntry(5, false);
    expect(ptePresent(m) || ptePresent(d)).toBe(false);
    expect(pteIsSwap(m) && pteIsSwap(d)).toBe(true);
    expect(pteKind(m)).toBe(PteKind.migration);
    expect(pteKind(d)).toBe(PteKind.devicePrivate);
    expect(pteWritable(m)).toBe(true);
    expect(pteWritable(d)).toBe(false);
    expect(ptePfn(d)).toBe(5);
    expect(pteIsSwap(0)).toBe(false);
  });
});
