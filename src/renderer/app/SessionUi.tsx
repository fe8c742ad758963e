/**
 * Sessions in the app's frame: a strip above the status bar with the last opened session's verdict (the replay
 * reached the saved digest, or where it diverged), the guided tour's caption and the notes pinned to the cursor's
 * step; the autosave's restore offer and the example sessions' dialog; the tour and bookmark keys (N, Shift+N,
 * Ctrl+B); and, once mounted, the recording of steps visited and the autosave (state/session.ts).
 */
import { useEffect, useState } from 'react';
import type { ObjectRef } from '../../protocol';
import { useTranslation } from 'react-i18next';
import { commandFor } from '../keyboard/keymap';
import { useDebugger } from '../state/store';
import {
  addNote,
  addStopAtCursor,
  dismissUndo,
  dismissVerdict,
  notesAt,
  openSessionFile,
  removeNote,
  showExamples,
  showNoteEditor,
  startSessions,
  toggleBookmark,
  undoTourEdit,
  useSession,
  walkTour,
} from '../state/session';
import { EXAMPLE_SESSIONS } from '../sessions';
import { translateTourTitle } from '../i18n/narration';
import { TourBar } from './TourBar';
import { RestoreOffer } from './RestoreOffer';
import './session.css';

/** How long the undo toast stays after a deletion. */
const UNDO_TOAST_MS = 10_000;

function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function Verdict() {
  const { t } = useTranslation('session');
  const verdict = useSession((s) => s.verdict);
  if (!verdict) return null;
  const r = verdict.replay;
  const d = r.divergence;
  const text = r.match
    ? t('verdict.match', { name: verdict.name, step: r.cursor, digest: r.digest.saved })
    : d && !d.exact && d.from !== d.to
      ? t('verdict.divergedRange', { name: verdict.name, from: d.from, to: d.to })
      : t('verdict.diverged', { name: verdict.name, step: d?.step ?? r.cursor });
  const detail = [
    !r.match && d ? t('verdict.how', { how: d.how, saved: r.savedEngine, engine: r.engine }) : '',
    r.warnings.length > 0 ? t('verdict.warnings', { count: r.warnings.length, first: r.warnings[0].message }) : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`session-verdict${r.match ? '' : ' diverged'}`} role="status" data-testid="session-verdict" data-match={r.match ? 'true' : 'false'}>
      <span className="session-verdict-mark" aria-hidden="true">
        {r.match ? '✓' : '≠'}
      </span>
      <span className="session-verdict-text" title={text}>
        {text}
      </span>
      {detail && (
        <span className="session-verdict-detail" title={detail}>
          {detail}
        </span>
      )}
      {!r.match && d && d.step < r.steps && (
        <button type="button" onClick={() => useDebugger.getState().seek(d.step)} data-testid="session-divergence">
          {t('verdict.goTo', { step: d.step })}
        </button>
      )}
      <button type="button" onClick={dismissVerdict}>
        {t('verdict.dismiss')}
      </button>
    </div>
  );
}

function NotesAtCursor() {
  const { t } = useTranslation('session');
  const step = useDebugger((s) => s.state?.step);
  const selection = useDebugger((s) => s.selection);
  const notes = useSession((s) => s.notes);
  const here = notesAt(notes, step, selection);
  const mark = useSession((s) => s.bookmarks.find((b) => b.step === step));
  if (here.length === 0 && !mark) return null;
  return (
    <div className="session-notes" data-testid="session-notes">
      {mark && (
        <span className="session-bookmark" data-testid="session-bookmark">
          ⚑ {t('bookmark.here', { label: mark.label })}
        </span>
      )}
      {here.length > 0 && <span className="session-notes-title">{t('notes.title')}</span>}
      <ul>
        {here.map((n, i) => (
          <li key={i}>
            {n.object && <span className="session-note-object">{t('notes.object', { object: objectLabel(n.object) })}</span>}
            <span className="session-note-text">{n.text}</span>
            <button type="button" className="session-note-remove" onClick={() => removeNote(n)} aria-label={t('notes.remove')} title={t('notes.remove')}>
              ✕
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** `page 3 of region 0`, as the note's object reads in the strip. */
function objectLabel(ref: ObjectRef): string {
  return Object.entries(ref)
    .map(([k, v]) => (k === 'kind' ? String(v) : `${k} ${String(v)}`))
    .join(' · ');
}

function NoteEditor() {
  const { t } = useTranslation('session');
  const open = useSession((s) => s.noteEditorOpen);
  const step = useDebugger((s) => s.state?.step);
  const selection = useDebugger((s) => s.selection);
  const [text, setText] = useState('');
  const [withObject, setWithObject] = useState(true);
  if (!open) return null;
  const close = () => {
    setText('');
    showNoteEditor(false);
  };
  const save = () => {
    if (addNote(text, withObject)) close();
  };
  return (
    <div className="modal-backdrop" onClick={close} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="modal session-modal" role="dialog" aria-modal="true" aria-label={t('notes.add')} onClick={(e) => e.stopPropagation()} data-testid="note-editor">
        <h2>{t('notes.addAt', { step: step ?? 0 })}</h2>
        <textarea
          className="session-note-input"
          autoFocus
          rows={4}
          value={text}
          maxLength={8192}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) save();
          }}
          aria-label={t('notes.text')}
        />
        {selection && (
          <label className="session-note-pin">
            <input type="checkbox" checked={withObject} onChange={(e) => setWithObject(e.target.checked)} />
            {t('notes.pin', { object: objectLabel(selection) })}
          </label>
        )}
        <div className="session-modal-actions">
          <button type="button" onClick={close}>
            {t('notes.cancel')}
          </button>
          <button type="button" className="primary" onClick={save} disabled={!text.trim()}>
            {t('notes.save')}
          </button>
        </div>
      </div>
    </div>
  );
}

function Examples() {
  const { t, i18n } = useTranslation('session');
  const open = useSession((s) => s.examplesOpen);
  if (!open) return null;
  const close = () => showExamples(false);
  const choose = async (load: () => Promise<string>, file: string) => {
    close();
    await openSessionFile(await load(), file);
  };
  return (
    <div className="modal-backdrop" onClick={close} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="modal session-modal" role="dialog" aria-modal="true" aria-label={t('examples.title')} onClick={(e) => e.stopPropagation()} data-testid="example-sessions">
        <h2>{t('examples.title')}</h2>
        <p>{t('examples.intro')}</p>
        <ul className="session-examples">
          {EXAMPLE_SESSIONS.map((e, i) => (
            <li key={e.file}>
              <button type="button" autoFocus={i === 0} onClick={() => void choose(e.load, e.file)} data-file={e.file}>
                <span>{translateTourTitle(e.title, i18n.language)}</span>
                <span className="file">{e.file}</span>
              </button>
            </li>
          ))}
        </ul>
        <div className="session-modal-actions">
          <button type="button" onClick={close}>
            {t('examples.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** After a stop or a tour is deleted: what went, and Undo (the button, or Ctrl+Z while the toast shows). */
function UndoToast() {
  const { t } = useTranslation('tours');
  const undo = useSession((s) => s.undo);
  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => {
      if (useSession.getState().undo === undo) dismissUndo();
    }, UNDO_TOAST_MS);
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key.toLowerCase() !== 'z' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.defaultPrevented) return;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable || target.closest('.cm-editor'))) return;
      e.preventDefault();
      undoTourEdit();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('keydown', onKey);
    };
  }, [undo]);
  if (!undo) return null;
  return (
    <div className="tour-toast" role="status" data-testid="tour-toast">
      <span className="tour-toast-text">{t(undo.what === 'stop' ? 'toast.stop' : 'toast.tour', { title: undo.title })}</span>
      <button type="button" className="primary" onClick={undoTourEdit} data-testid="tour-undo">
        {t('toast.undo')}
      </button>
      <button type="button" onClick={dismissUndo} aria-label={t('toast.dismiss')} title={t('toast.dismiss')}>
        ✕
      </button>
    </div>
  );
}

/** The strip's parts, when any has something to show (the app's grid gives it a row only then: session.css). */
function Strip() {
  const verdict = useSession((s) => s.verdict !== null);
  const tour = useSession((s) => s.tour !== null);
  const step = useDebugger((s) => s.state?.step);
  const selection = useDebugger((s) => s.selection);
  const notes = useSession((s) => notesAt(s.notes, step, selection).length > 0 || s.bookmarks.some((b) => b.step === step));
  if (!verdict && !tour && !notes) return null;
  return (
    <div className="session-strip">
      <Verdict />
      <TourBar />
      <NotesAtCursor />
    </div>
  );
}

export function SessionUi() {
  const storage = storageOrNull();
  useEffect(() => {
    return startSessions(storageOrNull());
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const command = commandFor(event);
      if (!command) return;
      if (command.kind === 'tour') {
        if (useSession.getState().tours.length === 0) return;
        walkTour(command.direction === 'forward' ? 1 : -1);
      } else if (command.kind === 'bookmark') {
        toggleBookmark();
      } else if (command.kind === 'tourStop') {
        addStopAtCursor();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <Strip />
      <RestoreOffer storage={storage} />
      <Examples />
      <NoteEditor />
      <UndoToast />
    </>
  );
}
