/**
 * File → Export… (Ctrl+E, the palette): a view as PNG or SVG, the whole run as a Chrome trace for Perfetto, or
 * steps as frames (an HTML slideshow) or as a video (MP4 or WebM, where the platform can encode one). The view is the dock's active panel when it is one that can be exported.
 * Enter exports, Escape cancels; what went wrong is said in the dialog, which stays open.
 */
import { useEffect, useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../state/store';
import { canExportVideo, exportFrames, exportPng, exportSvg, exportTrace, exportVideo, type ExportKind } from '../export/actions';
import { exportable, exportableIds, isExportPanel, type ExportPanelId } from '../export/registry';
import { canSvg, NoCanvas } from '../export/render';
import { frameSteps } from '../export/names';
import { layoutRef } from './layout-ref';
import { closeOverlay } from './overlays';
import './export.css';

const KINDS: readonly ExportKind[] = ['png', 'svg', 'trace', 'frames', 'video'];
/** Seconds each step of a video is held: the default, and the range offered. */
const HOLD = { initial: 0.5, min: 0.1, max: 5 };

function initialView(available: readonly ExportPanelId[]): ExportPanelId | null {
  const active = layoutRef.api?.activePanel?.id;
  if (isExportPanel(active) && available.includes(active)) return active;
  return available[0] ?? null;
}

export function ExportDialog() {
  const { t } = useTranslation('export');
  const { t: tPanels } = useTranslation('panels');
  const run = useDebugger((s) => s.run);
  const cursor = useDebugger((s) => s.state?.step ?? 0);
  const available = useMemo(() => exportableIds(), []);
  const [view, setView] = useState<ExportPanelId | null>(() => initialView(available));
  const [kind, setKind] = useState<ExportKind>(available.length ? 'png' : 'trace');
  const [count, setCount] = useState(10);
  const [hold, setHold] = useState(HOLD.initial);
  // whether the platform can encode a video of the chosen view (null while asking)
  const [video, setVideo] = useState<boolean | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    let live = true;
    setVideo(null);
    if (view) {
      void canExportVideo(view)
        .catch(() => false)
        .then((ok) => {
          if (live) setVideo(ok);
        });
    }
    return () => {
      live = false;
    };
  }, [view]);

  const needsView = kind !== 'trace';
  const steppable = kind === 'frames' || kind === 'video';
  const chosen = view ? exportable(view) : null;
  const svgMissing = kind === 'svg' && chosen !== null && !canSvg(chosen);
  const steps = run ? frameSteps(cursor, count, run.totalSteps) : [];
  const videoMissing = kind === 'video' && video === false;
  const disabled = busy !== null || !run || (needsView && !view) || svgMissing || (kind === 'video' && video !== true);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (disabled) return;
    setError(null);
    setBusy(t('working'));
    try {
      let saved: string | null = null;
      if (kind === 'trace') saved = await exportTrace();
      else if (kind === 'png') saved = await exportPng(view!);
      else if (kind === 'svg') saved = await exportSvg(view!);
      else if (kind === 'video') saved = await exportVideo(view!, count, hold, (done, total) => setBusy(t('frames.progress', { done, total })));
      else saved = await exportFrames(view!, count, (done, total) => setBusy(t('frames.progress', { done, total })));
      setBusy(null);
      if (saved !== null) closeOverlay(true);
    } catch (err) {
      setBusy(null);
      setError(err instanceof NoCanvas ? t('noCanvas') : t('failed', { message: err instanceof Error ? err.message : String(err) }));
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && busy === null) {
      e.preventDefault();
      closeOverlay(true);
    }
  };

  return (
    <div className="quick-backdrop" onMouseDown={(e) => e.target === e.currentTarget && busy === null && closeOverlay(true)}>
      <form className="quick export-dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown} data-testid="export-dialog">
        <h2 id={`${id}-title`}>{t('title')}</h2>
        {!run && <p className="export-error">{t('noRun')}</p>}
        <fieldset>
          <legend>{t('what')}</legend>
          {KINDS.map((k, i) => (
            <label key={k} className="export-kind">
              <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} autoFocus={i === 0} data-testid={`export-kind-${k}`} disabled={k !== 'trace' && !available.length} />
              <span>
                <span className="export-kind-name">{t(`kind.${k}`)}</span>
                <span className="export-hint">{t(`kind.${k}Hint`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {needsView && (
          <div className="export-row">
            <label htmlFor={`${id}-view`}>{t('view')}</label>
            {available.length ? (
              <select id={`${id}-view`} value={view ?? ''} onChange={(e) => setView(e.target.value as ExportPanelId)} data-testid="export-view">
                {available.map((p) => (
                  <option key={p} value={p}>
                    {tPanels(p)}
                  </option>
                ))}
              </select>
            ) : (
              <span className="export-hint">{t('noViews')}</span>
            )}
          </div>
        )}
        {steppable && (
          <div className="export-row">
            <label htmlFor={`${id}-count`}>{t('frames.count')}</label>
            <input id={`${id}-count`} type="number" min={1} max={60} value={count} onChange={(e) => setCount(Math.max(1, Math.min(60, Number(e.target.value) || 1)))} data-testid="export-count" />
            {steps.length > 0 && <span className="export-hint">{t('frames.range', { from: steps[0], to: steps[steps.length - 1] })}</span>}
          </div>
        )}
        {kind === 'video' && (
          <div className="export-row">
            <label htmlFor={`${id}-hold`}>{t('video.hold')}</label>
            <input
              id={`${id}-hold`}
              type="number"
              min={HOLD.min}
              max={HOLD.max}
              step={0.1}
              value={hold}
              onChange={(e) => setHold(Math.max(HOLD.min, Math.min(HOLD.max, Number(e.target.value) || HOLD.initial)))}
              data-testid="export-hold"
            />
            <span className="export-hint">{t('video.length', { seconds: (steps.length * hold).toFixed(1) })}</span>
          </div>
        )}
        {svgMissing && <p className="export-error">{t('kind.svgNone')}</p>}
        {videoMissing && <p className="export-error">{t('kind.videoNone')}</p>}
        {error && (
          <p className="export-error" role="alert" data-testid="export-error">
            {error}
          </p>
        )}
        {busy && (
          <p className="export-hint" role="status" data-testid="export-busy">
            {busy}
          </p>
        )}
        <div className="export-buttons">
          <button type="button" onClick={() => closeOverlay(true)} disabled={busy !== null}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={disabled} data-testid="export-go">
            {t('export')}
          </button>
        </div>
      </form>
    </div>
  );
}
