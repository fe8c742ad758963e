/**
 * The user's document: the scenario text the editor holds, as far as saving and unsaved changes care. The debugger
 * store (store.ts) holds the loaded run; this holds what Save writes and what a close would lose.
 *
 * - `draft` is the editor's text and file name, reported on every change (null until an editor reports).
 * - `savedText` is the text as it last was on disk or as it came: opened, shown unedited, or saved. The document has
 *   unsaved changes when the draft differs from it — also after a Run of edited text, which is not saved anywhere.
 * - `lastAttempt` is the last open that failed (a malformed file): the text the user tried to open and its located
 *   errors, which the editor shows instead of losing them.
 *
 * `watchUnsaved` tells Electron's main (the close prompt) whenever that changes, and in the web build holds a
 * `beforeunload` prompt while there is something to lose.
 */
import { create } from 'zustand';
import type { Diagnostic, UvmscopeBridge } from '../../protocol';
import { useDebugger } from './store';

export interface OpenAttempt {
  readonly name: string;
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
}

export interface DocumentStore {
  draft: { readonly text: string; readonly name: string } | null;
  savedText: string;
  lastAttempt: OpenAttempt | null;
  /** The session's guided tours were edited and not saved (state/session.ts): closing would lose that too. */
  sessionEdited: boolean;
  /** The editor's text changed (or its file name); `clean`: this text is the document as it is on disk or came. */
  setDraft(text: string, name: string, clean?: boolean): void;
  /** A save of `text` succeeded. */
  markSaved(text: string): void;
}

export const useDocument = create<DocumentStore>()((set) => ({
  draft: null,
  savedText: '',
  lastAttempt: null,
  sessionEdited: false,
  setDraft(text, name, clean = false) {
    set(clean ? { draft: { text, name }, savedText: text } : { draft: { text, name } });
  },
  markSaved(text) {
    set({ savedText: text });
  },
}));

/** Whether closing now would lose edits. */
export function isDirty(s: Pick<DocumentStore, 'draft' | 'savedText'>): boolean {
  return s.draft !== null && s.draft.text !== s.savedText;
}

/** What Save writes: the editor's text, or the loaded scenario when no editor has reported. */
export function documentToSave(): { text: string; name: string } {
  const { draft } = useDocument.getState();
  const { source, fileName } = useDebugger.getState();
  if (draft) return { text: draft.text, name: draft.name || fileName || 'scenario.yaml' };
  return { text: source, name: fileName || 'scenario.yaml' };
}

/**
 * Open a scenario the user chose (a file, a drop, a built-in from the menu) and run it. When it does not load, its
 * text and errors are kept as `lastAttempt` for the editor; a load that another one overtook keeps nothing.
 */
export async function openDocument(text: string, name: string): Promise<boolean> {
  const ok = await useDebugger.getState().load(text, name);
  if (ok) {
    useDocument.setState({ lastAttempt: null });
    return true;
  }
  const { status, diagnostics } = useDebugger.getState();
  if (status !== 'loading' && diagnostics.length > 0) useDocument.setState({ lastAttempt: { name, text, diagnostics } });
  return false;
}

interface UnloadTarget {
  addEventListener(type: 'beforeunload', listener: (event: BeforeUnloadEvent) => void): void;
  removeEventListener(type: 'beforeunload', listener: (event: BeforeUnloadEvent) => void): void;
}

/**
 * Keep the shell told about unsaved changes: `bridge.setDirty` in Electron (main asks Save / Don't Save / Cancel on
 * close), a `beforeunload` prompt in the web build. Electron gets no `beforeunload` handler: there it would cancel the
 * close without asking. Returns the function that stops watching.
 */
export function watchUnsaved(bridge: Pick<UvmscopeBridge, 'setDirty'> | undefined, target: UnloadTarget): () => void {
  let dirty = false;
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    // the browser asks its own question: preventDefault asks it, returnValue for browsers before that
    event.preventDefault();
    event.returnValue = '';
  };
  const apply = (next: boolean) => {
    if (next === dirty) return;
    dirty = next;
    if (bridge) bridge.setDirty(next);
    else if (next) target.addEventListener('beforeunload', onBeforeUnload);
    else target.removeEventListener('beforeunload', onBeforeUnload);
  };
  apply(isDirty(useDocument.getState()) || useDocument.getState().sessionEdited);
  const off = useDocument.subscribe((s) => apply(isDirty(s) || s.sessionEdited));
  return () => {
    off();
    if (!bridge && dirty) target.removeEventListener('beforeunload', onBeforeUnload);
  };
}
