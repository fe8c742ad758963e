/**
 * Numbers for people: bytes in binary units (`1.5 MiB`), simulated times in the unit that fits (`3.20 µs`), counts
 * with digit grouping, and which counters are byte counts. Shared by the counters and the timeline panels.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `0 B`, `4 KiB`, `1.5 MiB`, `12.3 GiB`: three significant digits at most, exact values without decimals. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text = u === 0 || Number.isInteger(v) ? String(v) : threeDigits(v);
  return `${sign}${text} ${BYTE_UNITS[u]}`;
}

/** `850 ns`, `3.20 µs`, `12.5 ms`, `1.234 s`. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (a >= 1e6) return `${threeDigits(ns / 1e6)} ms`;
  if (a >= 1e3) return `${threeDigits(ns / 1e3)} µs`;
  return `${Math.round(ns)} ns`;
}

function threeDigits(v: number): string {
  const a = Math.abs(v);
  return v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1,234,567`. */
export function formatCount(n: number): string {
  return grouping.format(n);
}

/** Counters that count bytes (CUPTI's `*_bytes`). */
export function isByteCounter(name: string): boolean {
  return name.endsWith('_bytes');
}

/** A counter's value as people read it. */
export function formatCounter(name: string, value: number): string {
  return isByteCounter(name) ? formatBytes(value) : formatCount(value);
}

/**
 * A time with enough decimals to tell apart values `resolutionNs` apart (an axis's ticks): `11.0042 ms` where
 * formatNs would say `11.0 ms` for all of them.
 */
export function formatNsFine(ns: number, resolutionNs: number): string {
  if (!(resolutionNs > 0) || !Number.isFinite(ns)) return formatNs(ns);
  const a = Math.abs(ns);
  const [unit, name] = a >= 1e9 ? [1e9, 's'] : a >= 1e6 ? [1e6, 'ms'] : a >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
  const decimals = Math.max(0, Math.min(9, Math.ceil(Math.log10(unit / resolutionNs))));
  const coarse = formatNs(ns);
  const fine = `${(ns / unit).toFixed(decimals)} ${name}`;
  return fine.length > coarse.length ? fine : coarse;
}
