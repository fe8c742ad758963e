import { describe, expect, it } from 'vitest';
import { formatSize, parseBandwidth, parseDuration, parseSize } from '../../src/engine/scenario';

describe('parseSize', () => {
  it.each([
    [4096, 4096],
    ['4096', 4096],
    ['64KiB', 65536],
    ['2MiB', 2 * 1024 * 1024],
    ['1GiB', 2 ** 30],
    ['1TiB', 2 ** 40],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['64 KiB', 65536],
    [0, 0],
  ])('reads %j as %d bytes', (input, bytes) => {
    expect(parseSize(input)).toEqual({ ok: true, value: bytes });
  });

  it.each(['4MB', '4KB', '1GB', '4K', '4m', '4kib'])('refuses the unit of %j and names the accepted ones', (input) => {
    const r = parseSize(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('KiB, MiB, GiB and TiB');
  });

  it('suggests the binary unit a decimal one probably meant', () => {
    const r = parseSize('4MB');
    expect(r.ok || r.message).toContain('did you mean 4MiB?');
  });

  it.each([-1, 1.5, Number.NaN, Infinity, 2 ** 60, '-4KiB', '1e3', '0.1KiB', 'abc', '', '99999999999999999999TiB'])(
    'refuses %j',
    (input) => {
      expect(parseSize(input).ok).toBe(false);
    },
  );

  it('says a fraction that is not a whole number of bytes is the problem', () => {
    const r = parseSize('0.1KiB');
    expect(r.ok || r.message).toContain('not a whole number of bytes');
  });
});

describe('parseDuration', () => {
  it.each([
    [2670, 2670],
    ['2670ns', 2670],
    ['2.67us', 2670],
    ['2.67µs', 2670],
    ['2.67μs', 2670],
    ['1.1us', 1100],
    ['1ms', 1e6],
    ['0.5ns', 0.5],
  ])('reads %j as %d ns, with no floating-point residue', (input, ns) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ns });
  });

  it.each([-1, '3 parsecs', '1h', 'fast', Infinity])('refuses %j', (input) => {
    expect(parseDuration(input).ok).toBe(false);
  });
});

describe('parseBandwidth', () => {
  it.each([
    ['47.7GB/s', 47.7],
    ['450 GB/s', 450],
    ['500MB/s', 0.5],
    ['1TB/s', 1000],
    [47.7, 47.7],
  ])('reads %j as %d bytes per ns', (input, rate) => {
    expect(parseBandwidth(input)).toEqual({ ok: true, value: rate });
  });

  it.each([0, -3, '10GiB/s', '10Gbps'])('refuses %j', (input) => {
    expect(parseBandwidth(input).ok).toBe(false);
  });
});

describe('formatSize', () => {
  it('uses the largest binary unit that divides exactly', () => {
    expect([formatSize(3 * 2 ** 20), formatSize(1536 * 1024), formatSize(4097), formatSize(0), formatSize(2 ** 40)]).toEqual([
      '3MiB',
      '1536KiB',
      '4097 bytes',
      '0',
      '1TiB',
    ]);
  });
});
