/**
 * Per-step fingerprints: how a replay that does not reach the saved digest finds the first step whose state differs,
 * without storing (or computing) a full state digest at every step.
 *
 * A step's fingerprint is a 32-bit FNV-1a hash of its net change of state: every heap word the step's transitions
 * wrote whose value after the step differs from its value before it, as (heap, index, value after), sorted by heap
 * and index. Step 0's fingerprint also covers the heap table (ids, names, word types). Two runs whose fingerprints
 * agree on steps 0..s-1 are in the same state after step s-1 (the state is the heaps, and only transitions change
 * them), so the first step whose fingerprints differ is the first step whose state digest differs — up to hash
 * collisions, 1 in 2^32 per step. Events (heap 0) change no state and are left out, as the digest leaves them out.
 *
 * It costs one pass over the transitions up to the cursor (no seeks), so even a run whose state is megabytes wide is
 * fingerprinted in milliseconds. A run of more than 65,536 steps to the cursor is fingerprinted in groups of `stride`
 * consecutive steps; a divergence is then located to a group.
 */
import { EVENT_HEAP } from '../core/store';
import type { Run } from '../run/run';
import { SESSION_LIMITS } from './format';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mix(h: number, word: number): number {
  // FNV-1a over the word's four bytes, low byte first
  h = Math.imul(h ^ (word & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 16) & 0xff), FNV_PRIME);
  return Math.imul(h ^ (word >>> 24), FNV_PRIME) >>> 0;
}

function mixString(h: number, s: string): number {
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

/** The stride that keeps steps 0..cursor within the fingerprint limit. */
export function strideFor(count: number): number {
  return Math.max(1, Math.ceil(count / SESSION_LIMITS.fingerprints));
}

/**
 * Fingerprints of steps 0..count-1 (fewer when the run is shorter), `stride` steps per group: one 32-bit value per
 * group, the last group possibly partial. Reads the transition log only; the run's cursor does not move.
 */
export function stepFingerprints(run: Run, count: number, stride: number): Uint32Array {
  const store = run.ctx.store;
  const steps = run.ctx.steps;
  const last = Math.min(count, run.stepCount);
  const out = new Uint32Array(Math.ceil(last / stride));
  const f64 = new Float64Array(1);
  const words = new Uint32Array(f64.buffer);
  const isF64 = store.heaps.map((h) => h instanceof Float64Array);
  // the net change of one step: first `before` and last `after` of each word it wrote
  const firstBefore = new Map<number, number>();
  const lastAfter = new Map<number, number>();
  let group = FNV_OFFSET;
  for (let s = 0; s < last; s++) {
    let h = FNV_OFFSET;
    if (s === 0) {
      h = mix(h, store.heaps.length);
      for (let id = 1; id < store.heaps.length; id++) h = mix(mixString(mix(h, id), store.heapName(id)), isF64[id] ? 1 : 0);
    }
    const a = s === 0 ? 0 : steps.startOf(s);
    const b = steps.endOf(s);
    firstBefore.clear();
    lastAfter.clear();
    for (let t = a; t < b; t++) {
      const heap = store.heapOf(t);
      if (heap === EVENT_HEAP) continue;
      const key = heap * 0x1_0000_0000 + store.indexOf(t);
      if (!firstBefore.has(key)) firstBefore.set(key, store.beforeOf(t));
      lastAfter.set(key, store.afterOf(t));
    }
    if (lastAfter.size > 0) {
      const keys = [...lastAfter.keys()].sort((x, y) => x - y);
      for (const key of keys) {
        const before = firstBefore.get(key) as number;
        const after = lastAfter.get(key) as number;
        if (Object.is(before, after)) continue;
        const heap = Math.floor(key / 0x1_0000_0000);
        h = mix(mix(h, heap), key >>> 0);
        if (isF64[heap]) {
          f64[0] = after;
          h = mix(mix(h, words[0]), words[1]);
        } else h = mix(h, after >>> 0);
      }
    }
    if (stride === 1) out[s] = h;
    else {
      group = mix(group, h);
      if ((s + 1) % stride === 0 || s + 1 === last) {
        out[Math.floor(s / stride)] = group;
        group = FNV_OFFSET;
      }
    }
  }
  return out;
}

/** The steps whose state digests a session keeps: up to `n` spread evenly over 0..cursor, both ends included. */
export function checkpointSteps(cursor: number, n = 16): number[] {
  if (cursor <= 0) return [0];
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const s = Math.round((cursor * k) / (n - 1));
    if (out[out.length - 1] !== s) out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------- base64 (the engine has neither Buffer nor btoa)

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** 32-bit values, little-endian, as base64 (with padding). */
export function encodeFingerprints(values: Uint32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  values.forEach((v, i) => {
    bytes[i * 4] = v & 0xff;
    bytes[i * 4 + 1] = (v >>> 8) & 0xff;
    bytes[i * 4 + 2] = (v >>> 16) & 0xff;
    bytes[i * 4 + 3] = v >>> 24;
  });
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >>> 18) & 63] + ALPHABET[(n >>> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >>> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

/** The inverse of encodeFingerprints; null when the text is not base64 of a whole number of 32-bit values. */
export function decodeFingerprints(text: string): Uint32Array | null {
  if (text.length % 4 !== 0) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const byteCount = (text.length / 4) * 3 - pad;
  if (byteCount % 4 !== 0) return null;
  const bytes = new Uint8Array(byteCount);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const v = c === 0x3d && i + j >= text.length - pad ? 0 : c < 128 ? DECODE[c] : -1;
      if (v < 0) return null;
      n = (n << 6) | v;
    }
    if (o < byteCount) bytes[o++] = (n >>> 16) & 0xff;
    if (o < byteCount) bytes[o++] = (n >>> 8) & 0xff;
    if (o < byteCount) bytes[o++] = n & 0xff;
  }
  const out = new Uint32Array(byteCount / 4);
  for (let i = 0; i < out.length; i++) out[i] = (bytes[i * 4] | (bytes[i * 4 + 1] << 8) | (bytes[i * 4 + 2] << 16) | (bytes[i * 4 + 3] << 24)) >>> 0;
  return out;
}
