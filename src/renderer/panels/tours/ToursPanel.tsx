/**
 * Tours: make and edit the session's guided tours. Pick a tour (or make one, or duplicate the scenario's own), add the
 * cursor's step as a stop (the button, or Ctrl+Shift+B anywhere), give each stop a title and narration, and when it
 * should ask the learner to predict, the question (state/predict.ts asks it; this only writes it). Stops reorder by
 * their arrow buttons, Alt+Up/Down on the focused stop, or dragging; Delete removes one and the toast offers Undo.
 * Every edit is an unsaved change of the session (state/session.ts) and goes into the autosave.
 *
 * Keyboard: the stop list is one tab stop; Up/Down move between stops, Enter goes to the stop's step, Alt+Up/Down
 * move the stop, Delete deletes it; Ctrl+Z undoes the last deletion while its toast shows (SessionUi).
 */
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PredictKind, SessionTour, TourStopInfo } from '../../../protocol';
import { keysFor } from '../../keyboard/keymap';
import { useDebugger } from '../../state/store';
import {
  addStopAtCursor,
  createTour,
  deleteStopAt,
  deleteTourAt,
  duplicateTourAt,
  goToStop,
  moveStopAt,
  renameTourAt,
  selectTour,
  shownStopWords,
  updateStopAt,
  useSession,
} from '../../state/session';
import { defaultThrough } from '../../state/tour-edit';
import { PREDICT_KINDS } from '../../state/predict';
import { translateTourTitle } from '../../i18n/narration';
import './tours.css';

export function ToursPanel() {
  const { t, i18n } = useTranslation('tours');
  const run = useDebugger((s) => s.run);
  const cursor = useDebugger((s) => s.state?.step);
  const tours = useSession((s) => s.tours);
  const selected = useSession((s) => s.selected);
  const builtin = useSession((s) => s.builtin);
  const walk = useSession((s) => s.tour);
  const [stopIndex, setStopIndex] = useState(-1);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const rows = useRef<(HTMLLIElement | null)[]>([]);
  const focusStop = useRef<number | null>(null);

  const tour: SessionTour | undefined = tours[selected];
  const editable = tour !== undefined && tour !== builtin;
  const addKey = keysFor((c) => c.kind === 'tourStop')[0] ?? '';

  // the walk's stop is the one being edited: N in front of the class opens each stop in turn
  const walkIndex = walk?.index ?? -1;
  const walkStop = walk?.stop ?? -1;
  useEffect(() => {
    if (walkIndex === selected && walkStop >= 0) setStopIndex(walkStop);
  }, [walkIndex, walkStop, selected]);
  // the selection stays on a stop that exists
  const stop = tour && stopIndex >= 0 && stopIndex < tour.stops.length ? stopIndex : -1;
  // after a move by key, the focus follows the stop
  useEffect(() => {
    if (focusStop.current === null) return;
    rows.current[focusStop.current]?.focus();
    focusStop.current = null;
  });

  if (!run) return <div className="panel-empty">{t('empty')}</div>;

  const select = (i: number, focus = false) => {
    setStopIndex(i);
    if (focus) focusStop.current = i;
  };
  const move = (from: number, to: number) => {
    if (!tour || to < 0 || to >= tour.stops.length) return;
    moveStopAt(selected, from, to);
    select(to, true);
  };
  const remove = (i: number) => {
    if (!tour) return;
    deleteStopAt(selected, i);
    const left = tour.stops.length - 1;
    select(Math.min(i, left - 1), left > 0);
  };
  const onListKey = (e: ReactKeyboardEvent<HTMLOListElement>) => {
    if (!tour || tour.stops.length === 0) return;
    const i = stop < 0 ? 0 : stop;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const to = i + (e.key === 'ArrowDown' ? 1 : -1);
      if (e.altKey && editable) move(i, to);
      else if (to >= 0 && to < tour.stops.length) select(to, true);
    } else if (e.key === 'Home' || e.key === 'End') {
      // the list's own Home/End, not the run's
      e.preventDefault();
      e.stopPropagation();
      select(e.key === 'Home' ? 0 : tour.stops.length - 1, true);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      goToStop(selected, i);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && editable) {
      e.preventDefault();
      remove(i);
    }
  };
  const tourLabel = (x: SessionTour) => `${translateTourTitle(x.title, i18n.language)} · ${t('stopCount', { count: x.stops.length })}`;

  return (
    <div className="panel tours-panel" data-testid="tours-panel">
      <div className="tours-head">
        {renaming !== null && editable ? (
          <input
            className="tours-rename"
            autoFocus
            value={renaming}
            maxLength={200}
            aria-label={t('tourName')}
            onChange={(e) => setRenaming(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                renameTourAt(selected, renaming);
                setRenaming(null);
              } else if (e.key === 'Escape') {
                e.stopPropagation();
                setRenaming(null);
              }
            }}
            onBlur={() => {
              renameTourAt(selected, renaming);
              setRenaming(null);
            }}
            data-testid="tour-rename"
          />
        ) : (
          <select className="tours-select" value={tour ? selected : ''} aria-label={t('tour')} onChange={(e) => selectTour(Number(e.target.value))} disabled={tours.length === 0} data-testid="tour-select">
            {tours.length === 0 && <option value="">{t('tour')}</option>}
            {tours.map((x, i) => (
              <option key={i} value={i}>
                {tourLabel(x)}
              </option>
            ))}
          </select>
        )}
        <div className="tours-tools">
          <button type="button" onClick={() => createTour()} data-testid="tour-new">
            {t('actions.new')}
          </button>
          <button type="button" onClick={() => setRenaming(tour?.title ?? '')} disabled={!editable} data-testid="tour-rename-button">
            {t('actions.rename')}
          </button>
          <button type="button" onClick={() => duplicateTourAt(selected)} disabled={!tour} data-testid="tour-duplicate">
            {t('actions.duplicate')}
          </button>
          <button type="button" className="tours-danger" onClick={() => deleteTourAt(selected)} disabled={!tour} data-testid="tour-delete">
            {t('actions.delete')}
          </button>
        </div>
      </div>
      <div className="tours-actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            const at = addStopAtCursor();
            if (at) select(at.stop);
          }}
          disabled={cursor === undefined}
          title={t('actions.addStopTitle', { key: addKey })}
          data-testid="tour-add-stop"
        >
          {t('actions.addStop', { step: cursor ?? 0 })}
        </button>
        <button type="button" onClick={() => goToStop(selected, 0)} disabled={!tour || tour.stops.length === 0} data-testid="tour-walk">
          {t('actions.walk')}
        </button>
      </div>
      <div className="tours-body">
        <div className="tours-list-part">
          {tours.length === 0 && <p className="tours-hint">{t('none', { key: addKey })}</p>}
          {tour && !editable && (
            <p className="tours-hint tours-builtin" data-testid="tour-builtin">
              {t('builtin')}
            </p>
          )}
          {tour && (
            <>
              <h3>{t('stops')}</h3>
              {tour.stops.length === 0 ? (
                <p className="tours-hint">{t('noStops', { key: addKey })}</p>
              ) : (
                <ol className="tours-stops" role="listbox" aria-label={t('stops')} onKeyDown={onListKey} data-testid="tour-stops">
                  {tour.stops.map((s, i) => {
                    const words = shownStopWords(tour.title, i, s, i18n.language);
                    const here = walk?.index === selected && walk.stop === i;
                    return (
                      <li
                        key={i}
                        ref={(el) => {
                          rows.current[i] = el;
                        }}
                        role="option"
                        aria-selected={i === stop}
                        aria-label={t('stop.label', { n: i + 1, title: words.title, step: s.step })}
                        tabIndex={i === (stop < 0 ? 0 : stop) ? 0 : -1}
                        className={`tours-stop${i === stop ? ' selected' : ''}${here ? ' walking' : ''}${dragFrom === i ? ' dragging' : ''}`}
                        onClick={() => select(i)}
                        onFocus={() => {
                          if (i !== stop) setStopIndex(i);
                        }}
                        onDoubleClick={() => goToStop(selected, i)}
                        draggable={editable}
                        onDragStart={(e) => {
                          setDragFrom(i);
                          e.dataTransfer.effectAllowed = 'move';
                          e.dataTransfer.setData('text/plain', String(i));
                        }}
                        onDragOver={(e) => {
                          if (dragFrom !== null) e.preventDefault();
                        }}
                        onDrop={(e) => {
                          e.preventDefault();
                          if (dragFrom !== null) move(dragFrom, i);
                          setDragFrom(null);
                        }}
                        onDragEnd={() => setDragFrom(null)}
                        data-testid="tour-stop"
                      >
                        {editable && (
                          <span className="tours-grip" aria-hidden="true" title={t('stop.drag')}>
                            ⋮⋮
                          </span>
                        )}
                        <span className="tours-n">{i + 1}</span>
                        <span className="tours-stop-text">
                          <span className="tours-stop-title">{words.title || '—'}</span>
                          <span className="tours-stop-step">
                            {t('stop.step', { step: s.step })}
                            {s.ask && <span className="tours-asks"> · {t('stop.asks')}</span>}
                            {here && <span className="tours-here"> · {t('stop.walking')}</span>}
                          </span>
                        </span>
                        <span className="tours-stop-tools">
                          <button type="button" tabIndex={-1} onClick={(e) => (e.stopPropagation(), goToStop(selected, i))} aria-label={t('stop.goTo')} title={t('stop.goTo')}>
                            ▶
                          </button>
                          {editable && (
                            <>
                              <button type="button" tabIndex={-1} onClick={(e) => (e.stopPropagation(), move(i, i - 1))} disabled={i === 0} aria-label={t('stop.up')} title={t('stop.up')}>
                                ↑
                              </button>
                              <button type="button" tabIndex={-1} onClick={(e) => (e.stopPropagation(), move(i, i + 1))} disabled={i === tour.stops.length - 1} aria-label={t('stop.down')} title={t('stop.down')}>
                                ↓
                              </button>
                              <button type="button" tabIndex={-1} className="tours-danger" onClick={(e) => (e.stopPropagation(), remove(i))} aria-label={t('stop.remove')} title={t('stop.remove')}>
                                ✕
                              </button>
                            </>
                          )}
                        </span>
                      </li>
                    );
                  })}
                </ol>
              )}
            </>
          )}
        </div>
        {tour && editable && stop >= 0 && <StopEditor tourIndex={selected} index={stop} stop={tour.stops[stop]} />}
      </div>
    </div>
  );
}

/** The selected stop's words, step and question. */
function StopEditor({ tourIndex, index, stop }: { tourIndex: number; index: number; stop: TourStopInfo }) {
  const { t } = useTranslation('tours');
  const run = useDebugger((s) => s.run);
  const cursor = useDebugger((s) => s.state?.step);
  const total = run?.totalSteps ?? 1;
  const ops = run?.ops ?? [];
  const through = defaultThrough(ops, stop.step, total);
  const update = (patch: Parameters<typeof updateStopAt>[2]) => updateStopAt(tourIndex, index, patch);
  const id = `tour-stop-${tourIndex}-${index}`;
  return (
    <section className="tours-editor" aria-label={t('editor.heading', { n: index + 1 })} data-testid="stop-editor">
      <h3>{t('editor.heading', { n: index + 1 })}</h3>
      <label className="field" htmlFor={`${id}-title`}>
        {t('editor.title')}
      </label>
      <input id={`${id}-title`} value={stop.title} maxLength={200} onChange={(e) => update({ title: e.target.value })} data-testid="stop-title" />
      <label className="field" htmlFor={`${id}-narration`}>
        {t('editor.narration')}
      </label>
      <textarea id={`${id}-narration`} rows={4} value={stop.narration} maxLength={8192} onChange={(e) => update({ narration: e.target.value })} data-testid="stop-narration" />
      <div className="tours-row">
        <label htmlFor={`${id}-step`}>{t('editor.step')}</label>
        <input
          id={`${id}-step`}
          type="number"
          min={0}
          max={total - 1}
          value={stop.step}
          onChange={(e) => {
            const v = Math.trunc(Number(e.target.value));
            if (Number.isFinite(v) && v >= 0 && v < total) update({ step: v });
          }}
          data-testid="stop-step"
        />
        <button type="button" onClick={() => cursor !== undefined && update({ step: cursor })} disabled={cursor === undefined || cursor === stop.step}>
          {t('editor.useCursor', { step: cursor ?? 0 })}
        </button>
      </div>
      <label className="tours-check">
        <input
          type="checkbox"
          checked={stop.ask !== undefined}
          disabled={stop.ask === undefined && through === null}
          onChange={(e) => update({ ask: e.target.checked && through !== null ? { kind: 'moves', from: stop.step, through } : null })}
          data-testid="stop-ask"
        />
        {t('editor.ask')}
      </label>
      {stop.ask === undefined && through === null && <p className="tours-hint">{t('editor.noThrough')}</p>}
      {stop.ask && (
        <div className="tours-ask" data-testid="stop-ask-fields">
          <label className="field">
            {t('editor.kind')}
            <select value={stop.ask.kind} onChange={(e) => stop.ask && update({ ask: { ...stop.ask, kind: e.target.value as PredictKind } })} data-testid="stop-ask-kind">
              {PREDICT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`editor.kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <div className="tours-row">
            <label htmlFor={`${id}-through`}>{t('editor.through')}</label>
            <input
              id={`${id}-through`}
              type="number"
              min={stop.step + 1}
              max={total - 1}
              value={stop.ask.through}
              onChange={(e) => {
                const v = Math.trunc(Number(e.target.value));
                if (stop.ask && Number.isFinite(v) && v > stop.step && v < total) update({ ask: { ...stop.ask, from: stop.step, through: v } });
              }}
              data-testid="stop-ask-through"
            />
          </div>
          <p className="tours-hint">{t('editor.throughHint', { from: stop.step, default: through ?? stop.step + 1 })}</p>
          <label className="field">
            {t('editor.prompt')}
            <input
              value={stop.ask.prompt ?? ''}
              maxLength={500}
              placeholder={t('editor.promptHint')}
              onChange={(e) => {
                if (!stop.ask) return;
                const { prompt: _old, ...rest } = stop.ask;
                void _old;
                update({ ask: e.target.value ? { ...rest, prompt: e.target.value } : rest });
              }}
              data-testid="stop-ask-prompt"
            />
          </label>
        </div>
      )}
    </section>
  );
}
