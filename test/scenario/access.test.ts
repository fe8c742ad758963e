import { describe, expect, it } from 'vitest';
import { expandPattern, MAX_ACCESS_PAGES, splitmix32, uniformBelow, type AccessSpec } from '../../src/engine/scenario';
import { pages, parseOk, withSteps } from './helpers';

const KiB = 1024;
const MiB = 2 ** 20;

/** The pages of the single cpu.read access in a scenario built from one step line. */
function touched(access: string): number[] {
  const s = parseOk(withSteps(`  - { op: cpu.read, ${access} }`));
  const step = s.steps[0];
  if (step?.op !== 'cpu.read') throw new Error('not a cpu.read');
  return pages(step.access.pages);
}

function spec(access: string): AccessSpec {
  const s = parseOk(withSteps(`  - { op: cpu.read, ${access} }`));
  const step = s.steps[0];
  if (step?.op !== 'cpu.read') throw new Error('not a cpu.read');
  return step.access;
}

describe('sequential', () => {
  it('touches every page of the region in order by default', () => {
    expect(touched('region: F')).toEqual([...Array(16).keys()]);
    expect(spec('region: F').pattern).toBe('sequential');
  });

  it('touches every page overlapping [offset, offset+length), partial pages included', () => {
    expect(touched('region: A, offset: 4095, length: 2')).toEqual([0, 1]);
    expect(touched('region: A, offset: 6KiB, length: 4KiB')).toEqual([1, 2]);
    expect(touched('region: A, offset: 8KiB, length: 8KiB')).toEqual([2, 3]);
    expect(touched('region: A, offset: 4MiB-4KiB'.replace('4MiB-4KiB', String(4 * MiB - 4 * KiB)))).toEqual([1023]);
  });

  it('runs from offset to the end of the region when length is left out', () => {
    expect(touched('region: F, offset: 48KiB')).toEqual([12, 13, 14, 15]);
  });
});

describe('strided', () => {
  it('touches the pages of a span at the start of every stride', () => {
    expect(touched('region: A, pattern: strided, stride: 64KiB, span: 8KiB, length: 256KiB')).toEqual([0, 1, 16, 17, 32, 33, 48, 49]);
  });

  it('uses a span of one page by default, and counts strides from offset', () => {
    expect(touched('region: A, pattern: strided, stride: 1MiB, offset: 8KiB')).toEqual([2, 258, 514, 770]);
  });

  it('cuts the last span at the end of the range', () => {
    expect(touched('region: F, pattern: strided, stride: 24KiB, span: 12KiB')).toEqual([0, 1, 2, 6, 7, 8, 12, 13, 14]);
    expect(touched('region: F, pattern: strided, stride: 24KiB, span: 12KiB, length: 52KiB')).toEqual([0, 1, 2, 6, 7, 8, 12]);
  });

  it('lists a page again when two spans share it, since it is touched twice', () => {
    expect(touched('region: A, pattern: strided, offset: 2KiB, length: 20KiB, stride: 6KiB, span: 6KiB')).toEqual([0, 1, 2, 3, 3, 4, 5]);
    expect(touched('region: F, pattern: strided, stride: 1KiB, span: 512, length: 8KiB')).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe('random', () => {
  it('draws count pages with the documented generator, seed 1 by default', () => {
    const next = splitmix32(1);
    const expected = Array.from({ length: 20 }, () => uniformBelow(next, 1024));
    expect(touched('region: A, pattern: random, count: 20')).toEqual(expected);
    expect(spec('region: A, pattern: random, count: 20').pattern).toBe('random');
  });

  it('draws only from the pages overlapping [offset, offset+length)', () => {
    const next = splitmix32(99);
    const expected = Array.from({ length: 100 }, () => 256 + uniformBelow(next, 3));
    const got = touched('region: A, pattern: random, count: 100, seed: 99, offset: 1MiB, length: 9KiB');
    expect(got).toEqual(expected);
    expect(new Set(got)).toEqual(new Set([256, 257, 258]));
  });

  it('gives different orders for different seeds', () => {
    expect(touched('region: A, pattern: random, count: 10, seed: 1')).not.toEqual(touched('region: A, pattern: random, count: 10, seed: 2'));
  });

  it('pins the first pages of seed 1 over 1024 pages (the generator outputs mod 1024), so a change cannot pass unnoticed', () => {
    expect(touched('region: A, pattern: random, count: 4')).toEqual([363, 912, 356, 999]); // 0x96a0f96b & 1023 = 363, …
  });
});

describe('list', () => {
  it('touches exactly the listed pages in the listed order, repeats included', () => {
    expect(touched('region: F, pattern: list, pages: [15, 0, 7, 7]')).toEqual([15, 0, 7, 7]);
  });
});

describe('expandPattern', () => {
  it('refuses an access past the per-access cap without allocating it', () => {
    const r = expandPattern({ pattern: 'strided', offset: 0, length: 2 ** 40, stride: 1, span: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(String(MAX_ACCESS_PAGES));
  });

  it('expands exactly MAX_ACCESS_PAGES pages, and refuses one more', () => {
    expect(expandPattern({ pattern: 'sequential', offset: 0, length: MAX_ACCESS_PAGES * 4096 }).ok).toBe(true);
    expect(expandPattern({ pattern: 'sequential', offset: 0, length: MAX_ACCESS_PAGES * 4096 + 1 }).ok).toBe(false);
  });
});
