/**
 * The scenario editor: the loaded scenario's YAML in CodeMirror, with completion of ops,
 * keys and values, and Run (Ctrl+Enter / Cmd+Enter) to load what was typed. A run that
 * fails keeps the text as typed and shows the engine's located errors in place (underlined,
 * the message on hover) and in a list below (a click puts the cursor there). A dot says
 * when the text differs from the loaded run; Revert goes back to it (and Ctrl+Z undoes that).
 *
 * The text here is the user's document (state/document.ts): every change is reported, so Save
 * writes it and closing with unsaved edits asks first. A file that failed to open comes here
 * with its located errors instead of being lost (at once, or behind a banner when the text
 * here has unsaved edits); a scenario loaded elsewhere never replaces unsaved edits either.
 *
 * The editor lives in a shadow root so that CodeMirror's run-time styles are a constructed
 * stylesheet, which the app's CSP allows (setup.ts says why).
 */
import { isolateHistory } from '@codemirror/commands';
import { forEachDiagnostic, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { ChangeSet, EditorState, type Extension, type Text } from '@codemirror/state';
import { EditorView, type ViewUpdate } from '@codemirror/view';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Diagnostic, SchemaField, SchemaResult, SchemaValueKind } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { isDirty, useDocument, type OpenAttempt } from '../../state/document';
import { scenarioCompletion, type CompletionTexts } from './completion';
import { diagnosticRange } from './diagnostics';
import { editorExtensions } from './setup';
import './editor.css';

/** The format, from the host once (it does not change while the app runs). */
let schemaCache: SchemaResult | null = null;
let schemaLoading: Promise<void> | null = null;

function fetchSchema(): void {
  if (schemaCache || schemaLoading) return;
  schemaLoading = useDebugger
    .getState()
    .view<SchemaResult>({ view: 'schema' })
    .then(
      (s) => {
        schemaCache = s;
      },
      () => {
        // no run yet or the host restarted: try again with the next run
        schemaLoading = null;
      },
    );
}

interface Problem {
  readonly diagnostic: Diagnostic;
  /** Its underline in the editor (mapped through later edits by CodeMirror), when it has a location. */
  readonly mark: CmDiagnostic | null;
}

/** The scenario the editor compares its text with: the loaded run's. */
interface Base {
  readonly source: string;
  readonly fileName: string;
  readonly doc: Text;
}

/** A run started from the editor: the text it ran, and the edits made while it ran. */
interface Pending {
  readonly doc: Text;
  changes: ChangeSet;
}

const toText = (source: string): Text => EditorState.create({ doc: source }).doc;

/**
 * The text of a closed editor (its tab closed, the layout reset), so that opening it again
 * brings back what was typed. The app has one scenario editor.
 */
let kept: { readonly doc: string; readonly base: Base; readonly docFile: string } | null = null;
/** The failed open the editor has taken in (shown, or offered in its banner): each is taken in once. */
let handledAttempt: OpenAttempt | null = null;

/** Diagnostics placed in `doc` (as it was when they were made; `changes` maps them through later edits). */
function locate(doc: Text, diagnostics: readonly Diagnostic[], changes?: ChangeSet): Problem[] {
  return diagnostics.map((d) => {
    const r = diagnosticRange(doc, d);
    if (!r) return { diagnostic: d, mark: null };
    const from = changes ? changes.mapPos(r.from, 1) : r.from;
    const to = Math.max(from, changes ? changes.mapPos(r.to, -1) : r.to);
    return { diagnostic: d, mark: { from, to, severity: 'error', message: d.message } };
  });
}

/** What the banner says: another scenario was loaded, or a file could not be opened, while the text here was edited. */
interface Elsewhere {
  readonly file: string;
  readonly attempt: OpenAttempt | null;
}

export function EditorPanel() {
  const { t } = useTranslation('editor');
  const source = useDebugger((s) => s.source);
  const fileName = useDebugger((s) => s.fileName);
  const loading = useDebugger((s) => s.status === 'loading');
  const hasRun = useDebugger((s) => s.run !== null);

  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const extensions = useRef<Extension[] | null>(null);
  const base = useRef<Base>(kept?.base ?? { source, fileName, doc: toText(source) });
  const pending = useRef<Pending | null>(null);
  /** The text of the editor's last Run, and whether the loaded run came from elsewhere (a file, a built-in) rather than from it. */
  const ranHere = useRef<string | null>(null);
  const baseFromElsewhere = useRef(true);
  const runRef = useRef<() => void>(() => {});
  const [docFile, setDocFile] = useState(kept?.docFile ?? fileName);
  const docFileRef = useRef(docFile);
  docFileRef.current = docFile;
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  /** A scenario loaded (or a file that failed to open) elsewhere while the text here was edited (the edits stay). */
  const [external, setExternal] = useState<Elsewhere | null>(null);
  const attempt = useDocument((s) => s.lastAttempt);

  const texts = useMemo<CompletionTexts>(
    () => ({
      // a few words are shown as they are; more are counted (completion's side panel lists them)
      kind: (kind: SchemaValueKind, field: SchemaField) =>
        kind === 'enum' && field.values
          ? field.values.length <= 3
            ? field.values.join(' | ')
            : t('kinds.enumOf', { first: field.values.slice(0, 2).join(' | '), count: field.values.length })
          : t(`kinds.${kind}`),
      required: t('required'),
      opFields: (op) => (op.shortForm ? t('shortForm', { field: op.shortForm }) : op.fields.length ? op.fields.map((f) => f.name).join(', ') : t('noFields')),
      regionKind: (kind) => t('regionKind', { kind }),
      processor: t('theCpu'),
      defaultGpu: t('defaultGpu'),
    }),
    [t],
  );
  const textsRef = useRef(texts);
  textsRef.current = texts;

  const makeState = useCallback((doc: string) => EditorState.create({ doc, extensions: extensions.current ?? [] }), []);

  // the editor, in a shadow root of the host element
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    extensions.current = editorExtensions({
      completion: scenarioCompletion(
        () => schemaCache,
        () => textsRef.current,
      ),
      onRun: () => runRef.current(),
      onUpdate: (u: ViewUpdate) => {
        if (!u.docChanged) return;
        if (pending.current) pending.current.changes = pending.current.changes.compose(u.changes);
        setDirty(!u.state.doc.eq(base.current.doc));
        useDocument.getState().setDraft(u.state.doc.toString(), docFileRef.current);
      },
      label: t('editorLabel'),
    });
    const v = new EditorView({ state: makeState(kept?.doc ?? base.current.source), parent: root, root });
    view.current = v;
    setDirty(!v.state.doc.eq(base.current.doc));
    // a fresh editor shows the loaded scenario as it came; one opened again keeps what was typed (saved or not)
    useDocument.getState().setDraft(v.state.doc.toString(), docFileRef.current, kept === null);
    kept = null;
    // keys typed here are the editor's: only function keys (F5, F10, F11…) reach the debugger, and the app's
    // Ctrl+O / Ctrl+S (Save while typing saves the text as typed)
    const keep = (e: KeyboardEvent) => {
      const fileKey = (e.ctrlKey || e.metaKey) && !e.altKey && /^[os]$/i.test(e.key);
      if (!/^F\d+$/.test(e.key) && !fileKey) e.stopPropagation();
    };
    el.addEventListener('keydown', keep);
    return () => {
      el.removeEventListener('keydown', keep);
      kept = { doc: v.state.doc.toString(), base: base.current, docFile: docFileRef.current };
      v.destroy();
      view.current = null;
    };
    // made once: later changes reach it through refs
  }, []);

  useEffect(() => {
    if (hasRun) fetchSchema();
  }, [hasRun]);

  // the document's name follows the file name shown
  useEffect(() => {
    const v = view.current;
    if (v) useDocument.getState().setDraft(v.state.doc.toString(), docFile);
  }, [docFile]);

  // a run was loaded (from here or elsewhere): it is the new base
  useEffect(() => {
    const v = view.current;
    const prev = base.current;
    if (!v || (prev.source === source && prev.fileName === fileName)) return;
    const next: Base = { source, fileName, doc: toText(source) };
    base.current = next;
    baseFromElsewhere.current = source !== ranHere.current;
    const doc = v.state.doc;
    if (doc.eq(next.doc)) {
      // the text here is what was loaded (a run from here)
      setDocFile(fileName);
      setDirty(false);
      setExternal(null);
    } else if (doc.eq(prev.doc) && !isDirty(useDocument.getState())) {
      // not edited here (nor run unsaved): show the scenario that was loaded
      v.setState(makeState(source));
      setDocFile(fileName);
      setDirty(false);
      setProblems([]);
      setExternal(null);
      useDocument.getState().setDraft(source, fileName, true);
    } else {
      setExternal({ file: fileName, attempt: null });
      setDirty(true);
    }
  }, [source, fileName, makeState]);

  /** Show a file that failed to open, with its errors in place; Ctrl+Z brings back what was here. */
  const showAttempt = useCallback((a: OpenAttempt) => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: a.text }, annotations: isolateHistory.of('full') });
    const found = locate(v.state.doc, a.diagnostics);
    v.dispatch(setDiagnostics(v.state, found.flatMap((p) => (p.mark ? [p.mark] : []))));
    setProblems(found);
    setDocFile(a.name);
    setExternal(null);
    // the file is on disk as it is: nothing here is unsaved
    useDocument.getState().setDraft(a.text, a.name, true);
  }, []);

  // a file that failed to open: shown here, unless that would hide unsaved edits (then the banner offers it)
  useEffect(() => {
    if (!attempt || attempt === handledAttempt || !view.current) return;
    handledAttempt = attempt;
    if (isDirty(useDocument.getState())) setExternal({ file: attempt.name, attempt });
    else showAttempt(attempt);
  }, [attempt, showAttempt]);

  const run = useCallback(async () => {
    const v = view.current;
    if (!v || useDebugger.getState().status === 'loading') return;
    const doc = v.state.doc;
    pending.current = { doc, changes: ChangeSet.empty(doc.length) };
    ranHere.current = doc.toString();
    const ok = await useDebugger.getState().load(ranHere.current, docFileRef.current);
    const ran = pending.current;
    pending.current = null;
    if (!view.current || !ran) return;
    if (ok) {
      v.dispatch(setDiagnostics(v.state, []));
      setProblems([]);
      setExternal(null);
      return;
    }
    // the text may have changed while it ran: follow the edits
    const found = locate(ran.doc, useDebugger.getState().diagnostics, ran.changes);
    v.dispatch(setDiagnostics(v.state, found.flatMap((p) => (p.mark ? [p.mark] : []))));
    setProblems(found);
  }, []);
  runRef.current = () => void run();

  const revert = () => {
    const v = view.current;
    if (!v) return;
    const b = base.current;
    // a change like any other (its own undo step), so Ctrl+Z brings the edits back
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: b.source }, annotations: isolateHistory.of('full') });
    v.dispatch(setDiagnostics(v.state, []));
    setProblems([]);
    setDocFile(b.fileName);
    setExternal(null);
    // a scenario loaded from elsewhere is the document as it came; the text of a Run from here is not saved anywhere
    if (baseFromElsewhere.current) useDocument.getState().setDraft(b.source, b.fileName, true);
    v.focus();
  };

  const goTo = (p: Problem) => {
    const v = view.current;
    if (!v) return;
    let at: number | null = null;
    forEachDiagnostic(v.state, (d, from) => {
      if (d === p.mark) at = from;
    });
    if (at === null && p.diagnostic.location) {
      const line = v.state.doc.line(Math.min(Math.max(1, p.diagnostic.location.line), v.state.doc.lines));
      at = line.from + Math.min(Math.max(0, p.diagnostic.location.column - 1), line.length);
    }
    if (at === null) return;
    v.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    v.focus();
  };

  return (
    <div className="editor-panel">
      <div className="editor-toolbar">
        <span className="editor-file" title={dirty ? t('editedHint') : t('unchangedHint')}>
          <span className={`editor-dirty${dirty ? ' on' : ''}`} aria-hidden="true" />
          <span className="editor-file-name">{docFile || t('untitled')}</span>
          <span className="editor-state" data-testid="editor-state">
            {dirty ? t('edited') : t('unchanged')}
          </span>
        </span>
        <span className="editor-buttons">
          <button type="button" onClick={revert} disabled={!dirty} title={t('revertHint')}>
            {t('revert')}
          </button>
          <button type="button" className="primary" data-testid="editor-run" onClick={() => void run()} disabled={loading} title={t('runHint')}>
            {loading ? t('running') : t('run')}
          </button>
        </span>
      </div>
      {external && (
        <div className="editor-banner" role="status">
          <span>
            {external.attempt
              ? t('openFailed', { file: external.file, count: external.attempt.diagnostics.length })
              : t('external', { file: external.file })}
          </span>
          <button type="button" onClick={() => (external.attempt ? showAttempt(external.attempt) : revert())}>
            {t('showLoaded', { file: external.file })}
          </button>
        </div>
      )}
      <div className="editor-host" ref={host} />
      {problems.length > 0 && (
        <div className="editor-problems" role="region" aria-label={t('problemsTitle')}>
          <div className="editor-problems-title">{t('problems', { count: problems.length })}</div>
          <ol>
            {problems.map((p, i) => {
              const loc = p.diagnostic.location;
              return (
                <li key={i}>
                  <button type="button" disabled={!loc} onClick={() => goTo(p)} title={loc ? t('goTo', { line: loc.line, column: loc.column }) : undefined}>
                    <span className="editor-problem-at">{loc ? `${loc.line}:${loc.column}` : t('noLocation')}</span>
                    <span className="editor-problem-message">{p.diagnostic.message}</span>
                    {p.diagnostic.path && <span className="editor-problem-path">{p.diagnostic.path}</span>}
                  </button>
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </div>
  );
}
