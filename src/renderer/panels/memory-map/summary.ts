/**
 * The memory map's summary in words (for screen readers and tests): per region, how many pages each processor holds.
 * Counting every page of a big region at every step costs milliseconds (a million pages, two processors); the answer
 * for the step right after the one counted is counted from the last count and that step's changes instead.
 */
import { PAGE_RESIDENT, type MemoryMapResult } from '../../../protocol';

export interface ResidentCounts {
  /** The step counted. */
  readonly step: number;
  /** Pages of each region (the shape the counts belong to). */
  readonly pages: readonly number[];
  /** Per region, per processor: pages resident there. */
  readonly counts: readonly (readonly number[])[];
}

function countAll(state: Uint8Array, pages: number, procs: number): number[] {
  const out = new Array<number>(procs).fill(0);
  for (let i = 0; i < pages; i++) for (let p = 0; p < procs; p++) if (state[i * procs + p] & PAGE_RESIDENT) out[p]++;
  return out;
}

/**
 * The resident pages of every region of `data`. `prev`: the last count of the same run, or null; when it counted the
 * step just before `data`'s, only `data`'s changed pages are looked at (their bytes before and after the step).
 */
export function residentCounts(data: MemoryMapResult, prev: ResidentCounts | null): ResidentCounts {
  const procs = data.processors;
  const next =
    prev !== null &&
    data.step === prev.step + 1 &&
    prev.pages.length === data.regions.length &&
    data.regions.every((r, k) => r.pages === prev.pages[k] && prev.counts[k].length === procs);
  const counts = data.regions.map((r, k) => {
    if (!next) return countAll(r.state, r.pages, procs);
    const out = [...prev.counts[k]];
    for (let c = 0; c < r.changed.length; c++) {
      const i = r.changed[c];
      for (let p = 0; p < procs; p++) out[p] += (r.state[i * procs + p] & PAGE_RESIDENT ? 1 : 0) - (r.stateBefore[c * procs + p] & PAGE_RESIDENT ? 1 : 0);
    }
    return out;
  });
  return { step: data.step, pages: data.regions.map((r) => r.pages), counts };
}
