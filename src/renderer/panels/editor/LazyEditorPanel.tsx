/**
 * The scenario editor, loaded on its own: CodeMirror is the largest library of the app and the editor is a background
 * tab at start, so it stays out of the JavaScript the first render waits for and arrives just after it.
 */
import { lazy, Suspense } from 'react';

const EditorPanel = lazy(() => import('./EditorPanel').then((m) => ({ default: m.EditorPanel })));

export function LazyEditorPanel() {
  return (
    <Suspense fallback={null}>
      <EditorPanel />
    </Suspense>
  );
}
