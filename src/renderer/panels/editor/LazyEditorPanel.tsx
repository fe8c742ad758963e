/**
 * The scenario editor, loaded on its own: CodeMirror is the largest library of the app and the editor is a background
 * tab at start. Its code is fetched and evaluated once the first scenario has been shown (the store has a run, or a
 * load failed) and the browser is idle, so it does not compete with the first render; or at once when its tab is
 * shown.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { usePanelVisible } from '../../state/panel-visible';
import { useDebugger } from '../../state/store';

const EditorPanel = lazy(() => import('./EditorPanel').then((m) => ({ default: m.EditorPanel })));

/** True once the first load has settled and the browser has had an idle moment after it. */
function useStartupSettled(): boolean {
  const settled = useDebugger((s) => s.status === 'ready' || s.status === 'error');
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (!settled || idle) return undefined;
    // requestIdleCallback is missing in some engines: a short timer stands in
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(() => setIdle(true), { timeout: 2000 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(() => setIdle(true), 200);
    return () => clearTimeout(id);
  }, [settled, idle]);
  return idle;
}

export function LazyEditorPanel() {
  const visible = usePanelVisible();
  const settled = useStartupSettled();
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    if (visible || settled) setWanted(true);
  }, [visible, settled]);
  if (!wanted && !visible && !settled) return null;
  return (
    <Suspense fallback={null}>
      <EditorPanel />
    </Suspense>
  );
}
