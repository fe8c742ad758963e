/**
 * `useView(query)`: a panel's view of the model at the cursor. It asks the host again when
 * the cursor or the query changes, keeps showing the last answer while the next one comes
 * (no flicker while stepping), and drops answers that arrive out of date.
 */
import { useEffect, useRef, useState } from 'react';
import type { ResultOf, ViewQuery } from '../../protocol';
import { useDebugger } from './store';

export interface ViewState<R> {
  data: R | null;
  error: string | null;
  /** The step `data` shows. */
  step: number | null;
}

export function useView<Q extends ViewQuery>(query: Q | null): ViewState<ResultOf<Q>> {
  const step = useDebugger((s) => s.state?.step ?? null);
  const run = useDebugger((s) => s.run);
  const view = useDebugger((s) => s.view);
  const [result, setResult] = useState<ViewState<ResultOf<Q>>>({ data: null, error: null, step: null });
  const key = query ? JSON.stringify(query) : null;
  const latest = useRef(0);

  useEffect(() => {
    if (!key || step === null || !run) return;
    const ticket = ++latest.current;
    view<ResultOf<Q>>(JSON.parse(key) as Q).then(
      (data) => ticket === latest.current && setResult({ data, error: null, step }),
      (e: unknown) => ticket === latest.current && setResult((r) => ({ ...r, error: e instanceof Error ? e.message : String(e) })),
    );
  }, [key, step, run, view]);

  return result;
}
