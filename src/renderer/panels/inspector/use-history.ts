/**
 * An object's history, fetched a page at a time as the list scrolls. The history of an object never changes (the run
 * is recorded once), so pages are kept for as long as the object is shown; only the cursor's place in it moves, and
 * that comes with the object's fields. At most one page request is in flight; pages wanted meanwhile wait their turn.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ObjectRef, ObjectResult, TransitionInfo } from '../../../protocol';
import { useDebugger } from '../../state/store';

export const HISTORY_PAGE = 100;

export interface HistoryPages {
  /** The entry at position i, when its page has arrived. */
  entry(i: number): TransitionInfo | undefined;
  /** Ask for the pages covering entries [from, to]. */
  want(from: number, to: number): void;
}

export function useHistory(ref: ObjectRef | null): HistoryPages {
  const view = useDebugger((s) => s.view);
  const run = useDebugger((s) => s.run);
  const key = ref ? JSON.stringify(ref) : null;
  const pages = useRef(new Map<number, TransitionInfo[]>());
  const queue = useRef({ wanted: new Set<number>(), busy: false, generation: 0 });
  const [, setVersion] = useState(0);

  useEffect(() => {
    pages.current = new Map();
    queue.current.wanted.clear();
    queue.current.generation++;
    setVersion((v) => v + 1);
  }, [key, run]);

  const pump = useCallback(async () => {
    const q = queue.current;
    if (q.busy || !key) return;
    q.busy = true;
    try {
      while (q.wanted.size) {
        const page = q.wanted.values().next().value as number;
        q.wanted.delete(page);
        if (pages.current.has(page)) continue;
        const generation = q.generation;
        try {
          const r = await view<ObjectResult>({ view: 'object', ref: JSON.parse(key) as ObjectRef, limit: HISTORY_PAGE, offset: page * HISTORY_PAGE });
          // an answer for what was shown before a reset is dropped; pages wanted since still come
          if (generation !== q.generation) continue;
          pages.current.set(page, [...r.history]);
          setVersion((v) => v + 1);
        } catch {
          // the object vanished (a new run): this page is dropped, the next scroll asks again
        }
      }
    } finally {
      q.busy = false;
    }
  }, [key, view]);

  const want = useCallback(
    (from: number, to: number) => {
      let added = false;
      for (let p = Math.floor(Math.max(0, from) / HISTORY_PAGE); p <= Math.floor(Math.max(0, to) / HISTORY_PAGE); p++) {
        if (pages.current.has(p) || queue.current.wanted.has(p)) continue;
        queue.current.wanted.add(p);
        added = true;
      }
      if (added) void pump();
    },
    [pump],
  );

  const entry = useCallback((i: number) => pages.current.get(Math.floor(i / HISTORY_PAGE))?.[i % HISTORY_PAGE], []);

  return { entry, want };
}
