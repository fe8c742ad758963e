/**
 * `useMemoryMap()`: the memory map at the cursor, as `useView` asks for views (at most one request in flight, only
 * the latest step asked for next, nothing while the panel is hidden, a `view.memoryMap` measure per round trip), but
 * asking with the step of the answer it holds (`base`): the host then sends only the pages that may differ (a
 * delta, delta.ts), which is written into the held arrays. Anything unexpected (a delta that does not fit, an error, a
 * new run) drops the held answer, and the next question asks for a full one.
 */
import { useEffect, useRef, useState } from 'react';
import { isMemoryMapDelta, type MemoryMapDelta, type MemoryMapResult } from '../../../protocol';
import { usePanelVisible } from '../../state/panel-visible';
import { useDebugger } from '../../state/store';
import { applyDelta, mergeDirty } from './delta';

export interface MemoryMapState {
  data: MemoryMapResult | null;
  /**
   * Per region, the pages that may differ from the last answer the panel acknowledged (`shown`): every delta written
   * since, merged (React may render two answers as one). Null where a region is to be compared with the old arrays;
   * null for the whole list after a full answer.
   */
  dirty: readonly (Uint32Array | null)[] | null;
  error: string | null;
  /** The panel drew `data`: the next answer's `dirty` starts afresh. */
  shown: (data: MemoryMapResult) => void;
}

export function useMemoryMap(enabled: boolean): MemoryMapState {
  const step = useDebugger((s) => s.state?.step ?? null);
  const run = useDebugger((s) => s.run);
  const view = useDebugger((s) => s.view);
  const pump = useRef({
    inFlight: false,
    wanted: null as number | null,
    answered: null as number | null,
    generation: 0,
    held: null as MemoryMapResult | null,
    /** Dirty pages since the answer the panel last drew; undefined: none pending; null: a full answer came. */
    pending: undefined as (Uint32Array | null)[] | null | undefined,
  });
  const [shown] = useState(() => (data: MemoryMapResult) => {
    if (pump.current.held === data) pump.current.pending = undefined;
  });
  const [result, setResult] = useState<Omit<MemoryMapState, 'shown'>>({ data: null, dirty: null, error: null });
  const visible = usePanelVisible();

  useEffect(() => {
    const p = pump.current;
    p.generation++;
    p.answered = null;
    p.held = null;
    p.pending = null;
    setResult((r) => (r.data === null && r.error === null ? r : { data: null, dirty: null, error: null }));
  }, [run, enabled]);

  useEffect(() => {
    const p = pump.current;
    if (!enabled || step === null || !run || !visible) return;
    if (step === p.answered && !p.inFlight) return;
    p.wanted = step;
    if (p.inFlight) return;
    const next = async () => {
      p.inFlight = true;
      try {
        while (p.wanted !== null) {
          const wanted = p.wanted;
          p.wanted = null;
          const generation = p.generation;
          const held = p.held;
          try {
            const t0 = performance.now();
            const answer = (await view({ view: 'memoryMap', ...(held ? { base: held.step } : {}) })) as MemoryMapResult | MemoryMapDelta;
            performance.measure('view.memoryMap', { start: t0, end: performance.now() });
            if (generation !== p.generation) continue;
            if (!isMemoryMapDelta(answer)) {
              p.held = answer;
              p.pending = null;
              p.answered = wanted;
              setResult({ data: answer, dirty: null, error: null });
              continue;
            }
            const patched = held && p.held === held ? applyDelta(held, answer) : null;
            if (!patched) {
              // not the answer held: ask again, whole
              p.held = null;
              if (p.wanted === null) p.wanted = wanted;
              continue;
            }
            p.held = patched.result;
            p.pending = p.pending === null ? null : mergeDirty(p.pending, patched.dirty);
            p.answered = wanted;
            setResult({ data: patched.result, dirty: p.pending, error: null });
          } catch (e) {
            if (generation !== p.generation) continue;
            p.held = null;
            setResult((r) => ({ ...r, error: e instanceof Error ? e.message : String(e) }));
          }
        }
      } finally {
        p.inFlight = false;
      }
    };
    void next();
  }, [enabled, step, run, view, visible]);

  return { ...result, shown };
}
