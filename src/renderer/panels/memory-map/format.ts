/** Small number formats the memory panels share (bytes, addresses, counts). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 16777216 → "16 MiB", 65536 → "64 KiB", 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text = Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/0$/, '');
  return `${text} ${UNITS[u]}`;
}

/** A virtual address in hex, e.g. 0x7f0000200000. */
export function formatVa(va: number): string {
  return va < 0 ? '—' : `0x${va.toString(16)}`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
