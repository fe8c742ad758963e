import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageMask } from '../../../src/engine/core/bits';

/** The runs of a mask, found page by page: the reference the word-skipping walks must agree with. */
function naiveRuns(m: PageMask): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  for (let p = 0; p <= m.pages; p++) {
    const on = p < m.pages && m.has(p);
    if (on && start < 0) start = p;
    if (!on && start >= 0) {
      out.push([start, p]);
      start = -1;
    }
  }
  return out;
}

const maskArb = fc
  .record({ pages: fc.constantFrom(512, 100, 33, 32, 1), ranges: fc.array(fc.tuple(fc.nat(511), fc.nat(64)), { maxLength: 12 }) })
  .map(({ pages, ranges }) => {
    const m = new PageMask(pages);
    for (const [lo, len] of ranges) m.setRange(Math.min(lo, pages), Math.min(lo + len, pages));
    return m;
  });

describe('PageMask run walks', () => {
  it('forEachRun gives the same maximal runs as a page-by-page scan', () => {
    fc.assert(
      fc.property(maskArb, (m) => {
        const runs: Array<[number, number]> = [];
        m.forEachRun((lo, hi) => runs.push([lo, hi]));
        expect(runs).toEqual(naiveRuns(m));
      }),
      { numRuns: 500 },
    );
  });

  it('nextSet and nextClear find the first set / clear page at or after any position', () => {
    fc.assert(
      fc.property(maskArb, fc.nat(600), (m, from) => {
        let set = m.pages;
        let clear = m.pages;
        for (let p = from; p < m.pages; p++) {
          if (set === m.pages && m.has(p)) set = p;
          if (clear === m.pages && !m.has(p)) clear = p;
        }
        expect(m.nextSet(from)).toBe(set);
        expect(m.nextClear(from)).toBe(clear);
      }),
      { numRuns: 500 },
    );
  });

  it('a full mask is one run and an empty mask none', () => {
    const full = new PageMask(512);
    full.setRange(0, 512);
    const runs: Array<[number, number]> = [];
    full.forEachRun((lo, hi) => runs.push([lo, hi]));
    expect(runs).toEqual([[0, 512]]);
    expect(full.nextClear(0)).toBe(512);
    expect(new PageMask(512).nextSet(0)).toBe(512);
  });
});
