/**
 * `useLatestView(query)`: a view that does not follow the cursor (the timeline's overview of a range of steps, its
 * window of transitions). While one request is in flight only the latest query waits, so zooming with the wheel
 * never queues dozens of requests; the last answer stays shown until the next arrives. A new run asks again.
 */
import { useEffect, useRef, useState } from 'react';
import type { ResultOf, ViewQuery } from '../../../protocol';
import { useDebugger } from '../../state/store';

export function useLatestView<Q extends ViewQuery>(query: Q | null): ResultOf<Q> | null {
  const run = useDebugger((s) => s.run);
  const view = useDebugger((s) => s.view);
  const [data, setData] = useState<ResultOf<Q> | null>(null);
  const key = query ? JSON.stringify(query) : null;
  const pump = useRef({ inFlight: false, wanted: null as string | null, generation: 0 });

  useEffect(() => {
    // a new run: what was shown belongs to the old one
    pump.current.generation++;
    setData(null);
  }, [run]);

  useEffect(() => {
    const p = pump.current;
    p.wanted = key;
    if (!key || !run || p.inFlight) return;
    const next = async () => {
      p.inFlight = true;
      try {
        while (p.wanted !== null) {
          const k = p.wanted;
          p.wanted = null;
          const generation = p.generation;
          try {
            const result = await view<ResultOf<Q>>(JSON.parse(k) as Q);
            if (generation === p.generation && p.wanted === null) setData(result);
          } catch {
            // a refused query shows nothing new; the next one may succeed
          }
        }
      } finally {
        p.inFlight = false;
      }
    };
    void next();
  }, [key, run, view]);

  return data;
}
