/**
 * The seeded generator behind `pattern: random`. It is specified exactly (docs/scenario-format.md) so that any
 * other implementation, such as the CUDA capture tool, can reproduce a scenario's page order bit for bit:
 *
 *   state  ← seed (a 32-bit unsigned integer)
 *   next() : state ← (state + 0x9E3779B9) mod 2^32          (a Weyl sequence: the golden-ratio increment)
 *            z ← state
 *            z ← ((z xor (z >>> 16)) × 0x85EBCA6B) mod 2^32  (the finaliser of MurmurHash3, which makes every
 *            z ← ((z xor (z >>> 13)) × 0xC2B2AE35) mod 2^32   output bit depend on every state bit)
 *            return z xor (z >>> 16)
 *
 * This is SplitMix's construction at 32 bits. It passes far more than a page-order shuffle needs, uses only 32-bit
 * integer arithmetic (Math.imul), and so gives the same numbers on every platform.
 */

export type Uint32Source = () => number;

const GOLDEN_GAMMA = 0x9e3779b9;

export function splitmix32(seed: number): Uint32Source {
  let state = seed >>> 0;
  return () => {
    state = (state + GOLDEN_GAMMA) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const TWO_POW_32 = 2 ** 32;

/**
 * A uniform integer in [0, n) for 1 ≤ n ≤ 2^32, by rejection: outputs at or above the largest multiple of n that
 * fits in 32 bits are drawn again, so no page is favoured (plain `x % n` would favour the low ones).
 */
export function uniformBelow(next: Uint32Source, n: number): number {
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  for (;;) {
    const x = next();
    if (x < limit) return x % n;
  }
}
