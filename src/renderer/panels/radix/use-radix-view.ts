/**
 * The radix view at the cursor, with at most one request in flight: while the host answers, the cursor may move many
 * times (a held F10) and only the latest step is asked for next. The last answer stays shown while the next one
 * comes (expanding a node or stepping never blanks the tree); `step` says which step the answer shows.
 */
import { useEffect, useRef, useState } from 'react';
import type { PageCacheQuery, RadixResult } from '../../../protocol';
import { usePanelVisible } from '../../state/panel-visible';
import { useDebugger } from '../../state/store';

export interface RadixViewState {
  data: RadixResult | null;
  step: number | null;
  error: string | null;
}

export function useRadixView(query: PageCacheQuery | null): RadixViewState {
  const step = useDebugger((s) => s.state?.step ?? null);
  const view = useDebugger((s) => s.view);
  // a hidden tab asks nothing; when it shows again, the effect runs with the cursor of that moment
  const visible = usePanelVisible();
  const [result, setResult] = useState<RadixViewState>({ data: null, step: null, error: null });
  const key = query ? JSON.stringify(query) : null;
  const pump = useRef({ inFlight: false, wanted: null as { step: number; key: string } | null, generation: 0 });

  useEffect(() => {
    const p = pump.current;
    if (!key || step === null || !visible) return;
    p.wanted = { step, key };
    if (p.inFlight) return;
    const next = async () => {
      p.inFlight = true;
      try {
        while (p.wanted !== null) {
          const wanted = p.wanted;
          p.wanted = null;
          try {
            const q = JSON.parse(wanted.key) as PageCacheQuery;
            const t0 = performance.now();
            const data = await view<RadixResult>(q);
            // the same `view.<name>` measure useView records, for the benchmarks and the browser tests
            performance.measure(`view.${q.view}`, { start: t0, end: performance.now() });
            setResult({ data, step: wanted.step, error: null });
          } catch (e) {
            setResult((r) => ({ ...r, error: e instanceof Error ? e.message : String(e) }));
          }
        }
      } finally {
        p.inFlight = false;
      }
    };
    void next();
  }, [key, step, view, visible]);

  return result;
}
