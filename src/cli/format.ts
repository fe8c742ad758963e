/**
 * Human-readable output of `uvmscope run`: numbers with units (bytes in KiB/MiB/GiB, simulated time in ns/µs/ms/s),
 * counters in an aligned table, the transfer-size histograms side by side. Pure functions of their input.
 */

import type { RunSummary } from '../engine/run/run';

const BYTE_UNITS: [string, number][] = [
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['KiB', 2 ** 10],
];

/** At most `digits` decimals, without trailing zeros: 1.5, 1.38, 4. */
function decimals(value: number, digits = 2): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

/** 1234567 → "1,234,567" (fixed grouping, whatever the locale). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const [int, frac] = String(Math.abs(n)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** Bytes in binary units: 512 B, 4 KiB, 1.38 MiB. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of BYTE_UNITS) if (Math.abs(bytes) >= size) return `${decimals(bytes / size)} ${unit}`;
  return `${formatCount(bytes)} B`;
}

/** Simulated time: 850 ns, 682.67 µs, 12.5 ms, 2.04 s. */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${decimals(ns, 1)} ns`;
  if (a < 1e6) return `${decimals(ns / 1e3)} µs`;
  if (a < 1e9) return `${decimals(ns / 1e6)} ms`;
  return `${decimals(ns / 1e9)} s`;
}

/** Display width of a string (code points; the output uses no wide characters). */
function width(s: string): number {
  return [...s].length;
}

/** Rows as aligned columns: 'l' pads on the right, 'r' on the left; columns are two spaces apart. */
export function table(rows: string[][], align: ('l' | 'r')[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) =>
    (
      indent +
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i] - width(cell));
          return (align[i] ?? 'l') === 'r' ? pad + cell : cell + pad;
        })
        .join('  ')
    ).trimEnd(),
  );
}

/** A counter's value as a person reads it: byte counters with units, the rest as counts. */
export function formatCounter(name: string, value: number): string {
  return name.endsWith('_bytes') ? formatBytes(value) : formatCount(value);
}

export type Histogram = Record<string, number>;

/** The copy histograms side by side: one row per transfer size, one column per direction that has copies. */
export function formatTransfers(directions: [string, Histogram][]): string[] {
  const used = directions.filter(([, h]) => Object.keys(h).length > 0);
  if (used.length === 0) return ['  no copies'];
  const sizes = [...new Set(used.flatMap(([, h]) => Object.keys(h).map(Number)))].sort((a, b) => a - b);
  const rows: string[][] = [['size', ...used.map(([d]) => d)]];
  for (const size of sizes) rows.push([formatBytes(size), ...used.map(([, h]) => (h[size] ? formatCount(h[size]) : '·'))]);
  const total = (h: Histogram) => Object.values(h).reduce((a, b) => a + b, 0);
  const bytes = (h: Histogram) => Object.entries(h).reduce((a, [k, v]) => a + Number(k) * v, 0);
  rows.push(['copies', ...used.map(([, h]) => formatCount(total(h)))]);
  rows.push(['bytes', ...used.map(([, h]) => formatBytes(bytes(h)))]);
  return table(rows, ['l', ...used.map(() => 'r' as const)]);
}

export interface SummaryExtras {
  source: string;
  engineVersion: string;
  pageEvents: number;
  /** Steps in the whole run, when the summary is at an earlier cursor (--until). */
  totalSteps?: number;
}

/** The whole human summary of a run (at its cursor), ending with a newline. */
export function formatSummary(s: RunSummary, extras: SummaryExtras): string {
  const out: string[] = [];
  out.push(`${s.scenario} (${extras.source})`);
  const steps = extras.totalSteps !== undefined && extras.totalSteps !== s.steps ? `${formatCount(s.steps)} of ${formatCount(extras.totalSteps)}` : formatCount(s.steps);
  out.push(
    ...table(
      [
        ['sim time', formatNs(s.sim_time_ns)],
        ['steps', steps],
        ['transitions', formatCount(s.transitions)],
        ['page events', formatCount(extras.pageEvents)],
        ['digest', s.digest],
        ['engine', extras.engineVersion],
      ],
      ['l', 'l'],
    ),
  );
  out.push('', 'counters');
  const { htod_transfers, dtoh_transfers, dtod_transfers, ...plain } = s.counters;
  out.push(...table(Object.entries(plain).map(([name, value]) => [name, formatCounter(name, value)]), ['l', 'r']));
  out.push('', 'transfers by size');
  out.push(
    ...formatTransfers([
      ['HtoD', htod_transfers],
      ['DtoH', dtoh_transfers],
      ['DtoD', dtod_transfers],
    ]),
  );
  return out.join('\n') + '\n';
}
