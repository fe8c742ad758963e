/**
 * Fault injection into get_page_from_gpu (scenario op `gaia.inject`). GAIA's own paths never take the failing
 * branches of get_page_from_gpu's checks (docs/model.md, "get_page_from_gpu's failure paths", says why for each), so
 * the only way to watch them is to say plainly that a failure is injected: an armed injection names one check and a
 * range of file indices, and the next get_page_from_gpu on an index of the range takes that check's failing branch,
 * once. The injection is state (heap `gaia.inject`, kind gaiaInject), so it travels in time like everything else.
 */

import type { Store } from '../core/store';
import { GK } from './kinds';

/** Words per region: the check + 1 (0 = nothing armed), the first file index, the end index (exclusive). */
const WORDS = 3;

export class GaiaInjections {
  readonly heap: number;

  constructor(
    private readonly store: Store,
    regions: number,
  ) {
    this.heap = store.addHeap('gaia.inject', 'u32', regions * WORDS);
  }

  /** Arm `check` (an index of GET_PAGE_FAILURES) on file indices [first, end) of `region`. */
  arm(region: number, check: number, first: number, end: number): void {
    const b = region * WORDS;
    this.store.write(this.heap, b + 1, first, GK.gaiaInject, region);
    this.store.write(this.heap, b + 2, end, GK.gaiaInject, region);
    this.store.write(this.heap, b, check + 1, GK.gaiaInject, region);
  }

  /** The armed check of `region` (or -1) and its range. */
  armed(region: number): { check: number; first: number; end: number } {
    const h = this.store.u32(this.heap);
    const b = region * WORDS;
    return { check: h[b] - 1, first: h[b + 1], end: h[b + 2] };
  }

  /** If `check` is armed on `index` of `region`, disarm it, record that it fired, and say so. */
  fire(region: number, index: number, check: number): boolean {
    if (region < 0) return false;
    const a = this.armed(region);
    if (a.check !== check || index < a.first || index >= a.end) return false;
    const b = region * WORDS;
    this.store.write(this.heap, b, 0, GK.gaiaInject, region);
    this.store.write(this.heap, b + 1, 0, GK.gaiaInject, region);
    this.store.write(this.heap, b + 2, 0, GK.gaiaInject, region);
    this.store.event(GK.injectionFired, region, index, check, 0);
    return true;
  }
}
