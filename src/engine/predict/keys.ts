/**
 * A predict mark packed into one number, (region × 2^32 + page) × 32 + target, so that a million marks sort, merge
 * and compare as a Float64Array instead of a million objects. Targets are processor ids 0..31 or a tag's index in
 * PREDICT_TAGS; regions below 2^16 keep the key under 2^53. Ascending keys are marks in (region, page, target) order.
 */
import { PREDICT_TAGS, type PredictMark } from './types';

export const KEY_TARGETS = 32;
export const KEY_PAGES = 2 ** 32;
export const KEY_MAX_REGION = 2 ** 16 - 1;

export function packMark(region: number, page: number, target: number): number {
  return (region * KEY_PAGES + page) * KEY_TARGETS + target;
}

export function markKey(m: PredictMark): number {
  return packMark(m.region, m.page, typeof m.target === 'number' ? m.target : PREDICT_TAGS.indexOf(m.target));
}

export function unpackMark(key: number, tags: boolean): PredictMark {
  const t = key % KEY_TARGETS;
  const rp = (key - t) / KEY_TARGETS;
  const page = rp % KEY_PAGES;
  return { region: (rp - page) / KEY_PAGES, page, target: tags ? PREDICT_TAGS[t] : t };
}

/** Keys appended in any order; `sorted()` gives them ascending, each once. */
export class KeyList {
  private a = new Float64Array(1024);
  private n = 0;
  private ordered = true;

  push(key: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    if (this.n > 0 && key <= this.a[this.n - 1]) this.ordered = false;
    this.a[this.n++] = key;
  }

  sorted(): Float64Array {
    const k = this.a.subarray(0, this.n);
    if (this.ordered) return k;
    k.sort();
    let n = 0;
    for (let i = 0; i < k.length; i++) if (i === 0 || k[i] !== k[i - 1]) k[n++] = k[i];
    return k.subarray(0, n);
  }
}

/** The marks' keys, ascending, each once. */
export function keysOf(marks: readonly PredictMark[]): Float64Array {
  const list = new KeyList();
  for (let i = 0; i < marks.length; i++) list.push(markKey(marks[i]));
  return list.sorted();
}
