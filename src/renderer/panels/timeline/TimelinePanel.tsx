/**
 * The timeline: the whole run on one canvas — the scenario's ops as labelled spans, bookmarks, breakpoint hits, one
 * density row per family of transition kinds (faults, copies, mappings, evictions, the page cache…), an axis in
 * steps and in simulated time, and the cursor. Zoom with the wheel or +/− down to single steps, where each step's
 * transitions show with their kinds; click or drag to scrub (seeks coalesce in the store); drag the axis or
 * Shift+wheel to pan. When focused, the arrows move the cursor.
 *
 * The host answers an `overview` of the steps in view (one bucket per pixel) from an index it builds once per run, so
 * zooming a million-step run costs a few milliseconds; the canvas keeps everything but the cursor in an offscreen
 * bitmap, so scrubbing only copies it and draws a line (draw.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OverviewResult, WindowResult } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { useSession, withUserBookmarks } from '../../state/session';
import { formatCount, formatNs, formatNsFine } from '../counters/format';
import { drawBackground, drawFrame, readTheme, timeAt, TRANSITION_PX, type TimelineScene } from './draw';
import { registerExportable } from '../../export/registry';
import { clampViewport, follow, fullViewport, layoutTimeline, panBy, pxPerStep, rowCapacity, stepAtX, visibleSteps, zoomAround, type Viewport } from './geometry';
import { familyColour } from './families';
import { useLatestView } from './use-latest-view';
import './timeline.css';
import { useResize } from '../../state/use-resize';
import { useCanvasScale } from './use-canvas-scale';

/** Buckets of the whole-run overview (the time axis's fallback and the rows a run has). */
const WHOLE_BUCKETS = 1024;
/** Transitions asked for when zoomed in to steps. */
const WINDOW_LIMIT = 4000;
const ZOOM_STEP = 2;
/** The least height, in the layout's pixels, a larger-drawn canvas keeps: bookmarks and ops, two rows, the axis. */
const SCALED_MIN_HEIGHT = 92;

interface Drag {
  readonly mode: 'scrub' | 'pan';
  readonly x0: number;
  readonly viewport: Viewport;
}

export function TimelinePanel() {
  const { t } = useTranslation('timeline');
  const run = useDebugger((s) => s.run);
  const cursor = useDebugger((s) => s.state?.step ?? null);
  const currentOp = useDebugger((s) => s.state?.op ?? -1);
  const userBookmarks = useSession((s) => s.bookmarks);
  const breakpoints = useDebugger((s) => s.breakpoints);
  const seek = useDebugger((s) => s.seek);
  const total = run?.totalSteps ?? 1;

  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const background = useRef<HTMLCanvasElement | null>(null);
  const theme = useMemo(() => readTheme(document.documentElement), []);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [viewport, setViewport] = useState<Viewport>(() => fullViewport(total));
  const [drag, setDrag] = useState<Drag | null>(null);
  /** Where a scrub has put the cursor before the host has answered. */
  const [scrubStep, setScrubStep] = useState<number | null>(null);
  const [hover, setHover] = useState<{ step: number; x: number; y: number } | null>(null);
  const [hitCount, setHitCount] = useState(0);
  /** When the pointer event that moved the scrub target happened (event.timeStamp), until its frame is drawn. */
  const inputAt = useRef<number | null>(null);

  // a new run: show all of it
  useEffect(() => {
    setViewport(fullViewport(run?.totalSteps ?? 1));
    setHover(null);
  }, [run]);

  useResize(wrap, (el) => setSize({ w: el.clientWidth, h: el.clientHeight }), [run]);
  // while presenting the canvas draws larger (use-canvas-scale.ts): its layout is in those larger pixels; a short
  // panel draws less large, keeping room for the ops, two rows and the axis
  const wanted = useCanvasScale();
  const scale = size.h > 0 ? Math.max(1, Math.min(wanted, size.h / SCALED_MIN_HEIGHT)) : wanted;
  const plot = useMemo(() => ({ w: size.w / scale, h: size.h / scale }), [size, scale]);

  const whole = useLatestView<{ view: 'overview'; buckets: number }>(run ? { view: 'overview', buckets: WHOLE_BUCKETS } : null);
  const withHits = breakpoints.length > 0;
  const { rows, hiddenRows } = useMemo(() => pickRows(whole, rowCapacity(plot.h, withHits)), [whole, plot.h, withHits]);
  const hits = useMemo(() => {
    const set = new Set<number>();
    for (const b of breakpoints) if (b.enabled && b.status?.ok) for (const s of b.status.hitSteps) set.add(s);
    return [...set].sort((a, b) => a - b);
  }, [breakpoints]);
  const layout = useMemo(() => layoutTimeline(plot.w, plot.h, rows.length, withHits), [plot, rows.length, withHits]);

  const { first, last } = visibleSteps(viewport, total);
  const buckets = Math.max(1, Math.min(4096, Math.floor(layout.plotW)));
  const overviewQuery = run && size.w > 0 ? { view: 'overview' as const, buckets, fromStep: first, toStep: last } : null;
  const fetched = useLatestView<{ view: 'overview'; buckets: number; fromStep: number; toStep: number }>(overviewQuery);
  const overview: OverviewResult | null = fetched ?? whole;
  const zoomedToSteps = pxPerStep(viewport, layout) >= TRANSITION_PX;
  const win: WindowResult | null = useLatestView<{ view: 'window'; fromStep: number; toStep: number; limit: number }>(
    run && zoomedToSteps ? { view: 'window', fromStep: first, toStep: last, limit: WINDOW_LIMIT } : null,
  );

  // keep the cursor in view when it moves by other means (a breakpoint, the keys, another panel)
  useEffect(() => {
    if (cursor === null || drag) return;
    setViewport((v) => follow(v, total, cursor));
  }, [cursor, total, drag]);

  const text = useMemo(
    () => ({
      family: (f: string) => t(`family.${f}`, { defaultValue: f }),
      marks: t('lanes.marks'),
      ops: t('lanes.ops'),
      hits: t('lanes.hits'),
      step: t('lanes.step'),
      time: t('lanes.time'),
      moreRows: (n: number) => t('moreRows', { count: n }),
    }),
    [t],
  );

  const scene = useMemo((): TimelineScene | null => {
    if (!run) return null;
    return {
      totalSteps: total,
      viewport,
      ops: withUserBookmarks(run.ops, userBookmarks),
      currentOp,
      overview,
      whole,
      window: zoomedToSteps ? win : null,
      rows,
      hiddenRows,
      hits,
      text,
      theme,
    };
  }, [run, total, viewport, currentOp, overview, whole, win, zoomedToSteps, rows, hiddenRows, hits, text, theme, userBookmarks]);

  // the background bitmap: redrawn when the scene or the size changes, not when the cursor moves
  useEffect(() => {
    const c = canvas.current;
    if (!c || !scene || size.w <= 0 || size.h <= 0) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const bg = (background.current ??= document.createElement('canvas'));
    for (const el of [bg, c]) {
      const w = Math.round(size.w * dpr);
      const h = Math.round(size.h * dpr);
      if (el.width !== w || el.height !== h) {
        el.width = w;
        el.height = h;
      }
    }
    const ctx = bg.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, 0, 0);
    const t0 = performance.now();
    setHitCount(drawBackground(ctx, scene, layout));
    c.dataset.backgroundMs = (performance.now() - t0).toFixed(3);
    c.dataset.backgrounds = String(Number(c.dataset.backgrounds ?? 0) + 1);
  }, [scene, layout, size, scale]);

  // File → Export: the canvas as shown (PNG, frames), and both layers drawn again into a vector context (SVG)
  const drawn = useRef<{ scene: TimelineScene; layout: typeof layout; cursor: number | null } | null>(null);
  useEffect(() => {
    return registerExportable('timeline', {
      canvas: () => canvas.current,
      size: () => (drawn.current ? { width: drawn.current.layout.width, height: drawn.current.layout.height } : { width: 0, height: 0 }),
      drawVector: (ctx) => {
        const d = drawn.current;
        if (!d) return;
        drawBackground(ctx, d.scene, d.layout);
        drawFrame(ctx, null, d.scene, d.layout, d.cursor, null);
      },
      shownStep: () => drawn.current?.cursor ?? null,
    });
  }, []);

  // the frame: the bitmap and the cursor
  const shownCursor = scrubStep ?? cursor;
  const hoverStep = hover?.step ?? null;
  useEffect(() => {
    const c = canvas.current;
    const bg = background.current;
    if (!c || !bg || !scene || size.w <= 0) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, 0, 0);
    const t0 = performance.now();
    drawFrame(ctx, bg, scene, layout, shownCursor, hoverStep);
    drawn.current = { scene, layout, cursor: shownCursor };
    // what the bench reads (bench/render-timeline.ts): this frame's draw, and from the input that asked for it
    const now = performance.now();
    c.dataset.frameMs = (now - t0).toFixed(3);
    c.dataset.frames = String(Number(c.dataset.frames ?? 0) + 1);
    if (inputAt.current !== null) {
      c.dataset.inputMs = (now - inputAt.current).toFixed(3);
      inputAt.current = null;
    }
  }, [scene, layout, size, scale, shownCursor, hoverStep, hitCount]);

  // the scrub target is shown until the host's cursor catches up with it (or, should it never, for a moment more)
  useEffect(() => {
    if (drag || scrubStep === null) return;
    if (cursor === scrubStep) {
      setScrubStep(null);
      return;
    }
    const timer = setTimeout(() => setScrubStep(null), 800);
    return () => clearTimeout(timer);
  }, [cursor, scrubStep, drag]);

  // the wheel: zoom around the pointer, pan with Shift or a sideways wheel (non-passive, to keep the page still)
  const viewportRef = useRef(viewport);
  viewportRef.current = viewport;
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  useEffect(() => {
    const c = canvas.current;
    if (!c || !run) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const l = layoutRef.current;
      const v = viewportRef.current;
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const dx = e.deltaX * unit;
      const dy = e.deltaY * unit;
      const rect = c.getBoundingClientRect();
      if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
        const d = Math.abs(dx) > Math.abs(dy) ? dx : dy;
        setViewport(panBy(v, run.totalSteps, (d / scaleRef.current / l.plotW) * v.span));
      } else {
        const anchor = v.from + (((e.clientX - rect.left) / scaleRef.current - l.plotX) / l.plotW) * v.span;
        setViewport(zoomAround(v, run.totalSteps, anchor, Math.exp(dy * 0.002)));
      }
    };
    c.addEventListener('wheel', onWheel, { passive: false });
    return () => c.removeEventListener('wheel', onWheel);
  }, [run]);

  // pointer positions in the layout's pixels (larger while presenting)
  const localX = (e: ReactPointerEvent) => (e.clientX - e.currentTarget.getBoundingClientRect().left) / scale;
  const localY = (e: ReactPointerEvent) => (e.clientY - e.currentTarget.getBoundingClientRect().top) / scale;

  const onPointerDown = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!run || e.button > 1) return;
    const x = localX(e);
    const y = localY(e);
    e.currentTarget.focus();
    if (x < layout.plotX) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const pan = e.button === 1 || e.altKey || y >= layout.axis.y;
    setDrag({ mode: pan ? 'pan' : 'scrub', x0: x, viewport });
    if (!pan) {
      const s = stepAtX(viewport, layout, x, run.totalSteps);
      setScrubStep(s);
      seek(s);
    }
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!run) return;
    const x = localX(e);
    const y = localY(e);
    if (drag?.mode === 'pan') {
      setViewport(panBy(drag.viewport, run.totalSteps, (-(x - drag.x0) / layout.plotW) * drag.viewport.span));
      return;
    }
    const s = stepAtX(viewport, layout, Math.max(layout.plotX, Math.min(layout.plotX + layout.plotW - 0.01, x)), run.totalSteps);
    if (drag?.mode === 'scrub') {
      if (s !== scrubStep) {
        inputAt.current = e.timeStamp;
        setScrubStep(s);
        seek(s);
      }
      setHover(null);
      return;
    }
    setHover(x >= layout.plotX && y < layout.axis.y ? { step: s, x, y } : null);
  };
  const endDrag = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    setDrag(null);
  };

  const zoomBy = useCallback(
    (factor: number) => {
      if (!run) return;
      const anchor = cursor !== null && cursor >= viewport.from && cursor <= viewport.from + viewport.span ? cursor + 0.5 : viewport.from + viewport.span / 2;
      setViewport(zoomAround(viewport, run.totalSteps, anchor, factor));
    },
    [run, cursor, viewport],
  );

  const onKeyDown = (e: ReactKeyboardEvent<HTMLCanvasElement>) => {
    if (!run || e.ctrlKey || e.metaKey || e.altKey) return;
    const by = Math.max(1, Math.round(viewport.span / layout.plotW)) * (e.shiftKey ? 10 : 1);
    const at = scrubStep ?? cursor ?? 0;
    let handled = true;
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowRight': {
        const to = Math.max(0, Math.min(run.totalSteps - 1, at + (e.key === 'ArrowLeft' ? -by : by)));
        setScrubStep(to);
        seek(to);
        break;
      }
      case '+':
      case '=':
        zoomBy(1 / ZOOM_STEP);
        break;
      case '-':
      case '_':
        zoomBy(ZOOM_STEP);
        break;
      case '0':
        setViewport(fullViewport(run.totalSteps));
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  if (!run) return <div className="panel-empty">{t('empty')}</div>;

  const v = clampViewport(viewport, total);
  const t0 = timeAt(overview, first) ?? timeAt(whole, first);
  const t1 = timeAt(overview, last) ?? timeAt(whole, last);
  return (
    <div className="timeline-panel">
      <div className="timeline-bar">
        <button type="button" onClick={() => zoomBy(ZOOM_STEP)} title={t('zoomOut')} aria-label={t('zoomOut')} disabled={v.span >= total}>
          −
        </button>
        <button type="button" onClick={() => zoomBy(1 / ZOOM_STEP)} title={t('zoomIn')} aria-label={t('zoomIn')}>
          +
        </button>
        <button type="button" onClick={() => setViewport(fullViewport(total))} title={t('fit')} aria-label={t('fit')} disabled={v.span >= total}>
          ⤢
        </button>
        <span className="timeline-range" data-testid="timeline-range">
          {t('range', { from: formatCount(first), to: formatCount(last), total: formatCount(total - 1) })}
        </span>
        {t0 !== null && t1 !== null && <span className="timeline-time">{t('timeRange', { from: formatNsFine(t0, (t1 - t0) / 100), to: formatNsFine(t1, (t1 - t0) / 100) })}</span>}
      </div>
      <div className="timeline-canvas-wrap" ref={wrap}>
        <canvas
          ref={canvas}
          className={`timeline-canvas${drag?.mode === 'pan' ? ' panning' : ''}`}
          tabIndex={0}
          role="slider"
          aria-label={t('label')}
          aria-valuemin={0}
          aria-valuemax={total - 1}
          aria-valuenow={cursor ?? 0}
          aria-valuetext={t('valueText', { step: cursor ?? 0, total: total - 1 })}
          data-testid="timeline-canvas"
          data-transitions={run.totalTransitions}
          data-from={first}
          data-to={last}
          data-view={`${v.from},${v.span}`}
          data-rows={rows.join(',')}
          data-hidden-rows={hiddenRows.join(',')}
          data-hits={hitCount}
          data-scale={scale}
          data-plot-x={layout.plotX * scale}
          data-plot-w={layout.plotW * scale}
          data-hits-y={(layout.hits.y + layout.hits.h / 2) * scale}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKeyDown}
        />
        {hover && <Tooltip step={hover.step} x={hover.x * scale} y={hover.y * scale} width={size.w} tipWidth={Math.round(340 * Math.sqrt(scale))} overview={overview} window={zoomedToSteps ? win : null} hits={hits} />}
      </div>
    </div>
  );
}

/**
 * The families a run has, as many as fit: the clock-and-counters row goes first, then the families with the fewest
 * transitions; those left show in display order.
 */
function pickRows(whole: OverviewResult | null, capacity: number): { rows: string[]; hiddenRows: string[] } {
  if (!whole) return { rows: [], hiddenRows: [] };
  const present = whole.families.map((f, i) => ({ f, i, n: whole.runTotals[i] })).filter((r) => r.n > 0);
  if (present.length <= capacity) return { rows: present.map((r) => r.f), hiddenRows: [] };
  const byPriority = [...present].sort((a, b) => (a.f === 'other' ? 1 : 0) - (b.f === 'other' ? 1 : 0) || b.n - a.n);
  const kept = new Set(byPriority.slice(0, capacity).map((r) => r.f));
  return { rows: present.filter((r) => kept.has(r.f)).map((r) => r.f), hiddenRows: present.filter((r) => !kept.has(r.f)).map((r) => r.f) };
}

function Tooltip({
  step,
  x,
  y,
  width,
  tipWidth,
  overview,
  window,
  hits,
}: {
  step: number;
  x: number;
  y: number;
  width: number;
  /** The tooltip's widest (timeline.css: wider while presenting). */
  tipWidth: number;
  overview: OverviewResult | null; window: WindowResult | null; hits: readonly number[] }) {
  const { t } = useTranslation('timeline');
  const run = useDebugger((s) => s.run);
  if (!run) return null;
  const op = run.ops.find((o) => o.firstStep >= 0 && o.firstStep <= step && step <= o.lastStep && o.op !== 'bookmark');
  const rows: { family: string; n: number }[] = [];
  let range: [number, number] = [step, step];
  if (overview && step >= overview.fromStep && step <= overview.toStep) {
    const i = Math.floor((step - overview.fromStep) / overview.stepsPerBucket);
    range = [overview.fromStep + i * overview.stepsPerBucket, Math.min(overview.toStep, overview.fromStep + (i + 1) * overview.stepsPerBucket - 1)];
    overview.families.forEach((f, fi) => {
      const n = overview.counts[fi * overview.buckets + i];
      if (n) rows.push({ family: f, n });
    });
  }
  const transitions = window ? window.transitions.filter((tr) => tr.step === step) : [];
  const time = timeAt(overview, step);
  const hit = hits.includes(step);
  const style = { left: Math.min(x + 14, Math.max(0, width - tipWidth)), top: y + 14, maxWidth: tipWidth };
  return (
    <div className="timeline-tip" style={style} role="tooltip">
      <div className="timeline-tip-head">
        {range[0] === range[1] ? t('tip.step', { step: formatCount(step) }) : t('tip.steps', { from: formatCount(range[0]), to: formatCount(range[1]) })}
        {time !== null && <span className="dim"> · {t('tip.time', { time: formatNs(time) })}</span>}
        {hit && <span className="timeline-tip-hit"> · {t('tip.hit')}</span>}
      </div>
      {op && <div className="timeline-tip-op">{op.label}</div>}
      {run.ops
        .filter((o) => o.op === 'bookmark' && o.firstStep >= range[0] && o.firstStep <= range[1])
        .map((o) => (
          <div key={o.index} className="timeline-tip-bookmark">
            ⚑ {t('tip.bookmark', { name: o.text ?? o.label })}
          </div>
        ))}
      {transitions.length > 0 ? (
        <ul className="timeline-tip-list">
          {transitions.slice(0, 8).map((tr) => (
            <li key={tr.index}>
              <span className="swatch" style={{ background: familyColour(overview?.kindFamilies[tr.kind] ?? 'other') }} />
              <code>{tr.kind}</code> {tr.text}
            </li>
          ))}
          {transitions.length > 8 && <li className="dim">{t('tip.more', { count: transitions.length - 8 })}</li>}
        </ul>
      ) : (
        <ul className="timeline-tip-list">
          {rows.map((r) => (
            <li key={r.family}>
              <span className="swatch" style={{ background: familyColour(r.family) }} />
              {t(`family.${r.family}`)}: {t('tip.transitions', { count: r.n })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
