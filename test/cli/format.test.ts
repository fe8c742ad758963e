import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatCounter, formatNs, formatSummary, formatTransfers, table } from '../../src/cli/format.js';
import { runOf, SMALL } from './helpers.js';

describe('number formats', () => {
  it('groups counts by thousands whatever the locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1024)).toBe('1,024');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-4096)).toBe('-4,096');
    expect(formatCount(1234.5)).toBe('1,234.5');
  });

  it('writes bytes in binary units with at most two decimals', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(4096)).toBe('4 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2 ** 20)).toBe('1 MiB');
    expect(formatBytes(1441792)).toBe('1.38 MiB');
    expect(formatBytes(3 * 2 ** 30)).toBe('3 GiB');
    expect(formatBytes(2 ** 41)).toBe('2 TiB');
  });

  it('writes simulated time in ns, µs, ms or s', () => {
    expect(formatNs(0)).toBe('0 ns');
    expect(formatNs(850)).toBe('850 ns');
    expect(formatNs(1500)).toBe('1.5 µs');
    expect(formatNs(682666)).toBe('682.67 µs');
    expect(formatNs(12_500_000)).toBe('12.5 ms');
    expect(formatNs(2_040_000_000)).toBe('2.04 s');
  });

  it('formats byte counters with units and the rest as counts', () => {
    expect(formatCounter('htod_bytes', 4 * 2 ** 20)).toBe('4 MiB');
    expect(formatCounter('gpu_faults', 4096)).toBe('4,096');
  });
});

describe('tables', () => {
  it('aligns columns left or right, two spaces apart, without trailing spaces', () => {
    expect(table([['a', '1'], ['long name', '1,024']], ['l', 'r'])).toEqual(['  a              1', '  long name  1,024']);
    expect(table([['x', ''], ['yy', '']], ['l', 'l'], '')).toEqual(['x', 'yy']);
  });

  it('shows the transfer histograms side by side, by size, with totals', () => {
    const rows = formatTransfers([
      ['HtoD', { '1048576': 4 }],
      ['DtoH', { '4096': 25, '12288': 3 }],
      ['DtoD', {}],
    ]);
    expect(rows).toEqual([
      '  size     HtoD     DtoH',
      '  4 KiB       ·       25',
      '  12 KiB      ·        3',
      '  1 MiB       4        ·',
      '  copies      4       28',
      '  bytes   4 MiB  136 KiB',
    ]);
    expect(formatTransfers([['HtoD', {}]])).toEqual(['  no copies']);
  });
});

describe('formatSummary', () => {
  it('prints the run, every counter with units, and the transfers', () => {
    const run = runOf(SMALL, 'small.yaml');
    const s = run.summary();
    const text = formatSummary(s, { source: 'small.yaml', engineVersion: '9.9.9', pageEvents: run.pageEvents });
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('small (small.yaml)');
    expect(text).toContain(`steps        ${formatCount(s.steps)}\n`);
    expect(text).toContain(`sim time     ${formatNs(s.sim_time_ns)}`);
    expect(text).toContain(`digest       ${s.digest}`);
    expect(text).toContain('engine       9.9.9');
    for (const name of ['gpu_faults', 'gpu_fault_batches', 'cpu_faults', 'htod_bytes', 'dtoh_bytes', 'remote_maps', 'thrashing', 'throttling', 'evictions', 'gpu_invalidations'])
      expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(text).toMatch(/^ {2}htod_bytes +4 MiB$/m);
    expect(text).toContain('transfers by size');
    expect(formatSummary(s, { source: 'x', engineVersion: '1', pageEvents: 0, totalSteps: s.steps + 10 })).toContain(`of ${formatCount(s.steps + 10)}`);
  });
});
