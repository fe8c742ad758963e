/**
 * The truth of a predict question: what the run really did between the state right after step `from` and the state
 * right after step `through`, as page marks. It compares two snapshots of the engine's own page readers
 * (views-memory.ts `regionPages`, the memory map's source), so what the learner is graded on is exactly what the
 * memory map shows at those two steps; intermediate states do not count (a page that comes and goes within the span
 * is no move).
 *
 *   - moves: a page newly resident on a processor (its residency bit set at `through` and clear at `from`); for a
 *     file page also its GPU copy in GAIA's page cache newly made (ON_GPU set: target the GPU);
 *   - invalidations: the reverse: a copy resident at `from` and not at `through`, or a file page's ON_GPU tag
 *     cleared (target the GPU); and a page newly marked evicted from a GPU (the driver's evicted mask), which is a
 *     GPU copy dropped by eviction even when it came and went within the span (an oversubscribed kernel);
 *   A file page read from disk into the page cache is no move: the page cache is not a processor's residency (the
 *   memory map draws it on its own row), and counting it would mark the CPU for pages that went to the GPU.
 *   - tags: a file page's `dirty`, `cpuDirty` or `writeback` tag set at `from` and clear at `through`.
 *
 * Which GPU holds a file page's GAIA copy: the GPU the file is shared with (`gaia.map`), read at `from` (else at
 * `through`); the page cache itself keeps no per-page GPU, so 1 when neither says.
 *
 * Marks come out sorted by region, page, target, each once. The run's cursor is put back.
 */

import type { Run } from '../run/run';
import { CACHE_CPU_DIRTY, CACHE_DIRTY, CACHE_ON_GPU, CACHE_WRITEBACK, MAP_EVICTED, MAP_RESIDENT, regionPages, type RegionPages } from '../run/views-memory';
import { KeyList, packMark, unpackMark } from './keys';
import { PREDICT_KINDS, PREDICT_TAGS, PredictError, type PredictMark, type PredictQuestion, type PredictTag } from './types';

/** Bits of a file page's cache byte per tag a `tags` question is about, in PREDICT_TAGS order. */
const TAG_BITS: Readonly<Record<PredictTag, number>> = { dirty: CACHE_DIRTY, cpuDirty: CACHE_CPU_DIRTY, writeback: CACHE_WRITEBACK };

/** Throws a located PredictError unless `q` is a question this run can answer. */
export function checkQuestion(run: Run, q: unknown, at = 'question'): asserts q is PredictQuestion {
  if (typeof q !== 'object' || q === null || Array.isArray(q)) throw new PredictError(at, 'expected a question {kind, from, through, prompt?}');
  const o = q as Record<string, unknown>;
  if (!(PREDICT_KINDS as readonly unknown[]).includes(o.kind)) throw new PredictError(`${at}.kind`, `unknown kind ${JSON.stringify(o.kind) ?? 'undefined'} (kinds: ${PREDICT_KINDS.join(', ')})`);
  const last = run.stepCount - 1;
  for (const key of ['from', 'through'] as const) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new PredictError(`${at}.${key}`, `expected a step (a whole number), got ${JSON.stringify(v) ?? 'undefined'}`);
    if (v < 0 || v > last) throw new PredictError(`${at}.${key}`, `step ${v} is outside the run (steps 0..${last})`);
  }
  if ((o.from as number) >= (o.through as number)) throw new PredictError(`${at}.through`, `must come after from (${String(o.from)}), got ${String(o.through)}`);
  if (o.prompt !== undefined && typeof o.prompt !== 'string') throw new PredictError(`${at}.prompt`, 'expected text');
}

/** The GPU a file region is shared with by GAIA at the cursor, 0 when none. */
function sharedGpus(run: Run): number[] {
  const gaia = run.platform?.gaia ?? null;
  return run.scenario.regions.map((r) => (gaia && r.kind === 'file' ? gaia.sharedGpu(r.index) : 0));
}

/** The marks of the question's span; see the file's comment for what each kind counts. */
export function predictTruth(run: Run, question: PredictQuestion): PredictMark[] {
  const keys = truthKeys(run, question);
  const tags = question.kind === 'tags';
  const out: PredictMark[] = new Array<PredictMark>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = unpackMark(keys[i], tags);
  return out;
}

/** The truth as packed marks (keys.ts), ascending, each once: what grading merges without a million objects. */
export function truthKeys(run: Run, question: PredictQuestion): Float64Array {
  checkQuestion(run, question);
  const cursor = run.cursor;
  let before: RegionPages[];
  let after: RegionPages[];
  let gpuBefore: number[];
  let gpuAfter: number[];
  try {
    run.seek(question.from);
    before = regionPages(run);
    gpuBefore = sharedGpus(run);
    run.seek(question.through);
    after = regionPages(run);
    gpuAfter = sharedGpus(run);
  } finally {
    run.seek(cursor);
  }
  const procs = run.ctx.m.procs;
  const out = new KeyList();
  for (let k = 0; k < before.length; k++) {
    const a = before[k];
    const b = after[k];
    const region = a.index;
    const gpu = gpuBefore[k] || gpuAfter[k] || 1;
    if (question.kind === 'tags') {
      if (!a.cache || !b.cache) continue;
      for (let i = 0; i < a.pages; i++) {
        const cleared = a.cache[i] & ~b.cache[i];
        if (!cleared) continue;
        for (let t = 0; t < PREDICT_TAGS.length; t++) if (cleared & TAG_BITS[PREDICT_TAGS[t]]) out.push(packMark(region, i, t));
      }
      continue;
    }
    const moves = question.kind === 'moves';
    const sa = a.state;
    const sb = b.state;
    const ca = a.cache;
    const cb = b.cache;
    for (let i = 0; i < a.pages; i++) {
      // targets of this page in processor order, each once: residency bits, GAIA's GPU copy on its GPU's
      const cacheGpu = ca !== null && cb !== null && ((moves ? cb[i] & ~ca[i] : ca[i] & ~cb[i]) & CACHE_ON_GPU) !== 0;
      const base = i * procs;
      for (let p = 0; p < procs; p++) {
        const x = sa[base + p] & MAP_RESIDENT;
        const y = sb[base + p] & MAP_RESIDENT;
        const hit = moves ? y && !x : (x && !y) || (p > 0 && (sb[base + p] & ~sa[base + p] & MAP_EVICTED) !== 0);
        if (hit || (p === gpu && cacheGpu)) out.push(packMark(region, i, p));
      }
      if (cacheGpu && gpu >= procs) out.push(packMark(region, i, gpu));
    }
  }
  return out.sorted();
}
