/**
 * `useView(query)`: a panel's view of the model at the cursor. It asks the host again when the cursor or the query
 * changes, with at most one request in flight: while the host computes one answer the cursor may move many times (a
 * held F10), and only the latest step is asked for next, so a big run's views never queue up behind each other. A
 * new run or a new query clears the old answer (it described something else); a moved cursor keeps showing the last
 * answer until the next one arrives. A panel in a hidden dock tab (usePanelVisible) asks for nothing, and once shown
 * asks once for the cursor it missed (nothing when its answer is still the cursor's). Each round trip is recorded as
 * a `view.<name>` performance measure (the renderer benchmarks and the browser tests read them).
 */
import { useEffect, useRef, useState } from 'react';
import type { ResultOf, ViewQuery } from '../../protocol';
import { usePanelVisible } from './panel-visible';
import { useDebugger } from './store';

export interface ViewState<R> {
  data: R | null;
  /** The step `data` shows. */
  step: number | null;
  error: string | null;
}

export function useView<Q extends ViewQuery>(query: Q | null): ViewState<ResultOf<Q>> {
  const step = useDebugger((s) => s.state?.step ?? null);
  const run = useDebugger((s) => s.run);
  const view = useDebugger((s) => s.view);
  const [result, setResult] = useState<ViewState<ResultOf<Q>>>({ data: null, step: null, error: null });
  const visible = usePanelVisible();
  const key = query ? JSON.stringify(query) : null;
  /** `answered`: the step and query of the answer on show, so that showing the panel again asks only when it moved. */
  const pump = useRef({ inFlight: false, wanted: null as string | null, answered: null as string | null, generation: 0 });

  useEffect(() => {
    pump.current.generation++;
    pump.current.answered = null;
    // (already empty, as in a hidden panel whose query follows the cursor: no render for nothing)
    setResult((r) => (r.data === null && r.step === null && r.error === null ? r : { data: null, step: null, error: null }));
  }, [run, key]);

  useEffect(() => {
    const p = pump.current;
    if (!key || step === null || !run || !visible) return;
    const target = `${step}\n${key}`;
    // the answer on show is this one (the panel was only hidden): nothing to ask, unless another answer is on its way
    if (target === p.answered && !p.inFlight) return;
    p.wanted = target;
    if (p.inFlight) return;
    const next = async () => {
      p.inFlight = true;
      try {
        while (p.wanted !== null) {
          const wanted = p.wanted;
          p.wanted = null;
          const generation = p.generation;
          const [s, k] = [Number(wanted.slice(0, wanted.indexOf('\n'))), wanted.slice(wanted.indexOf('\n') + 1)];
          try {
            // the store's cursor is where the host is: a view answers for it
            const q = JSON.parse(k) as Q;
            const t0 = performance.now();
            const data = await view<ResultOf<Q>>(q);
            // the round trip to the engine host (the bench reads it)
            performance.measure(`view.${q.view}`, { start: t0, end: performance.now() });
            if (generation === p.generation) {
              p.answered = wanted;
              setResult({ data, step: s, error: null });
            }
          } catch (e) {
            if (generation === p.generation) setResult((r) => ({ ...r, error: e instanceof Error ? e.message : String(e) }));
          }
        }
      } finally {
        p.inFlight = false;
      }
    };
    void next();
  }, [key, step, run, view, visible]);

  return result;
}
