/**
 * A stable digest of the model state: 64-bit FNV-1a taken a 32-bit word at a time (two 32-bit lanes, so it runs on
 * plain numbers) over every heap word in heap order, with trailing zero words ignored so a heap's spare capacity never changes the result.
 * Same state, same digest, on any machine: this is what a replayed session compares.
 */

import type { Store } from './store';

const FNV_PRIME_LO = 0x1b3;
const FNV_PRIME_HI = 0x100; // 2^40 + 0x1b3 split into 2^32 lanes: hi gets 1 << 8

export function stateDigest(store: Store): string {
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  // one FNV-1a round per 32-bit word (not per byte): the same structure, a quarter of the work
  const mix = (word: number): void => {
    lo = (lo ^ word) >>> 0;
    // (hi:lo) *= 2^40 + 0x1b3, keeping 64 bits
    const loMul = lo * FNV_PRIME_LO;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, FNV_PRIME_LO) + Math.imul(lo, FNV_PRIME_HI) + carry) >>> 0;
    lo = newLo;
  };
  for (let id = 1; id < store.heaps.length; id++) {
    const h = store.heaps[id];
    mix(id);
    if (h instanceof Float64Array) {
      let end = h.length;
      while (end > 0 && h[end - 1] === 0) end--;
      mix(end);
      for (let i = 0; i < end; i++) {
        f64[0] = h[i];
        mix(u32[0]);
        mix(u32[1]);
      }
    } else {
      let end = h.length;
      while (end > 0 && h[end - 1] === 0) end--;
      mix(end);
      for (let i = 0; i < end; i++) mix(h[i]);
    }
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
