/**
 * Sizes, durations and bandwidths as a scenario writes them, turned into bytes, nanoseconds and bytes per
 * nanosecond. Every function returns a result instead of throwing, so the parser can turn a bad value into a
 * located message. Decimal strings are rescaled as text (`2.67us` → `2.67e3` ns) before JavaScript reads them,
 * so a value means the same on every platform and no `1.1 * 1000 = 1100.0000000000002` creeps in.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Binary units only: a page is 4 KiB and a va_block 2 MiB, so decimal "MB" would be a trap. */
export const SIZE_UNITS: Readonly<Record<string, number>> = Object.freeze({
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
});

const SIZE_UNIT_NAMES = Object.keys(SIZE_UNITS);
export const SIZE_HELP = 'a whole number of bytes (4096) or a number with KiB, MiB, GiB or TiB (64KiB, 2MiB, 1.5GiB)';

/** Nanoseconds per unit, as a power of ten. Both micro signs are accepted: U+00B5 and the Greek U+03BC. */
const DURATION_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  ns: 0,
  us: 3,
  'µs': 3,
  'μs': 3,
  ms: 6,
  s: 9,
});
export const DURATION_HELP = 'a number of nanoseconds (2670) or a number with ns, us, µs, ms or s (2.67us)';

/** Bytes per nanosecond per unit, as a power of ten: 1 GB/s = 1e9 bytes/s = 1 byte/ns. */
const BANDWIDTH_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  'MB/s': -3,
  'GB/s': 0,
  'TB/s': 3,
});
export const BANDWIDTH_HELP =
  'a number with MB/s, GB/s or TB/s (47.7GB/s; 1 GB/s = 10^9 bytes/s), or a plain number of GB/s';

// A number as text: digits, an optional fraction and an optional exponent, then an optional unit.
const QUANTITY = /^([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?\s*(\S*)$/;
// Longer digit strings are either a mistake or an attempt to make BigInt work hard.
const MAX_DIGITS = 40;

interface Quantity {
  whole: string;
  fraction: string;
  exponent: number;
  unit: string;
}

function splitQuantity(text: string): Quantity | null {
  const m = QUANTITY.exec(text.trim());
  if (!m) return null;
  const whole = m[1] ?? '';
  const fraction = m[2] ?? '';
  if (whole.length + fraction.length > MAX_DIGITS) return null;
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return null;
  return { whole, fraction, exponent, unit: m[4] ?? '' };
}

/** The quantity times 10^shift, correctly rounded once by JavaScript's decimal reader. */
function scaled(q: Quantity, shift: number): number {
  const digits = q.fraction === '' ? q.whole : `${q.whole}.${q.fraction}`;
  return Number(`${digits}e${q.exponent + shift}`);
}

function show(input: unknown): string {
  return typeof input === 'string' ? JSON.stringify(input) : String(input);
}

/** Suggest the binary unit a writer probably meant: "MB" and "m" both become "MiB". */
function suggestSizeUnit(unit: string): string | undefined {
  const first = unit.charAt(0).toUpperCase();
  return SIZE_UNIT_NAMES.find((u) => u.charAt(0) === first);
}

/**
 * Reads a size: a non-negative whole number of bytes, or a string such as `4096`, `64KiB`, `2MiB`, `1.5GiB`, `1TiB`.
 * Only binary units are accepted; `MB`, `KB`, `K` and the like are refused with a message naming the accepted units.
 * A fraction is allowed only when the result is a whole number of bytes.
 */
export function parseSize(input: string | number): Parsed<number> {
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input >= 0) return { ok: true, value: input };
    return { ok: false, message: `expected ${SIZE_HELP}, got ${show(input)}` };
  }
  if (typeof input !== 'string') return { ok: false, message: `expected ${SIZE_HELP}` };
  const q = splitQuantity(input);
  if (!q || q.exponent !== 0 || (q.unit === '' && q.fraction !== '')) {
    return { ok: false, message: `expected ${SIZE_HELP}, got ${show(input)}` };
  }
  let multiplier = 1;
  if (q.unit !== '') {
    const unit = SIZE_UNITS[q.unit];
    if (unit === undefined || !Object.hasOwn(SIZE_UNITS, q.unit)) {
      const hint = suggestSizeUnit(q.unit);
      const number = q.fraction ? `${q.whole}.${q.fraction}` : q.whole;
      return {
        ok: false,
        message:
          `unknown size unit "${q.unit}" in ${show(input)}: accepted units are KiB, MiB, GiB and TiB, ` +
          `or a plain number of bytes${hint ? `; did you mean ${number}${hint}?` : ''}`,
      };
    }
    multiplier = unit;
  }
  // Exact arithmetic: 1.5GiB is 1610612736 bytes, 0.1KiB is not a whole number of bytes.
  const scale = 10n ** BigInt(q.fraction.length);
  const numerator = BigInt(q.whole + q.fraction) * BigInt(multiplier);
  if (numerator % scale !== 0n) {
    return { ok: false, message: `${show(input)} is not a whole number of bytes` };
  }
  const bytes = numerator / scale;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, message: `${show(input)} is too large (at most ${Number.MAX_SAFE_INTEGER} bytes)` };
  }
  return { ok: true, value: Number(bytes) };
}

/** Reads a duration in nanoseconds: a plain number is nanoseconds, a string may carry ns, us, µs, ms or s. */
export function parseDuration(input: string | number): Parsed<number> {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return { ok: true, value: input };
    return { ok: false, message: `expected ${DURATION_HELP}, got ${show(input)}` };
  }
  if (typeof input !== 'string') return { ok: false, message: `expected ${DURATION_HELP}` };
  const q = splitQuantity(input);
  if (!q) return { ok: false, message: `expected ${DURATION_HELP}, got ${show(input)}` };
  const shift = q.unit === '' ? 0 : DURATION_EXPONENTS[q.unit];
  if (shift === undefined || (q.unit !== '' && !Object.hasOwn(DURATION_EXPONENTS, q.unit))) {
    return { ok: false, message: `unknown duration unit "${q.unit}" in ${show(input)}: expected ${DURATION_HELP}` };
  }
  const ns = scaled(q, shift);
  if (!Number.isFinite(ns)) return { ok: false, message: `${show(input)} is too large` };
  return { ok: true, value: ns };
}

/** Reads a bandwidth in bytes per nanosecond (numerically the same as GB/s). It must be positive. */
export function parseBandwidth(input: string | number): Parsed<number> {
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (typeof input === 'string') {
    const q = splitQuantity(input);
    if (!q) return { ok: false, message: `expected ${BANDWIDTH_HELP}, got ${show(input)}` };
    const shift = q.unit === '' ? 0 : BANDWIDTH_EXPONENTS[q.unit];
    if (shift === undefined || (q.unit !== '' && !Object.hasOwn(BANDWIDTH_EXPONENTS, q.unit))) {
      return { ok: false, message: `unknown bandwidth unit "${q.unit}" in ${show(input)}: expected ${BANDWIDTH_HELP}` };
    }
    value = scaled(q, shift);
  } else {
    return { ok: false, message: `expected ${BANDWIDTH_HELP}` };
  }
  if (!Number.isFinite(value) || value <= 0) {
    return { ok: false, message: `expected a positive bandwidth: ${BANDWIDTH_HELP}, got ${show(input)}` };
  }
  return { ok: true, value };
}

/** Bytes for messages, in the largest binary unit that divides them exactly: `3MiB`, `1536KiB`, `4097 bytes`. */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '0';
  for (const unit of ['TiB', 'GiB', 'MiB', 'KiB']) {
    const size = SIZE_UNITS[unit] ?? 1;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}
