/**
 * The timeline's geometry: which steps are in view (a viewport of fractional steps), how lanes are laid out in the
 * canvas, and the mapping between steps and x. Pure functions, no DOM.
 */

/** The steps in view: `from` (fractional) and how many steps the plot's width shows. */
export interface Viewport {
  readonly from: number;
  readonly span: number;
}

/** Zoomed in to this many steps at most: a step is then a tenth of the plot. */
export const MIN_SPAN = 10;

export function fullViewport(totalSteps: number): Viewport {
  return { from: 0, span: Math.max(1, totalSteps) };
}

export function clampViewport(v: Viewport, totalSteps: number): Viewport {
  const total = Math.max(1, totalSteps);
  const span = Math.min(total, Math.max(Math.min(MIN_SPAN, total), v.span));
  const from = Math.min(total - span, Math.max(0, v.from));
  return { from, span };
}

/** Zoom by `factor` (< 1 zooms in) keeping `anchor` (a fractional step) at the same x. */
export function zoomAround(v: Viewport, totalSteps: number, anchor: number, factor: number): Viewport {
  const span = Math.min(Math.max(1, totalSteps), Math.max(Math.min(MIN_SPAN, totalSteps), v.span * factor));
  const t = v.span > 0 ? (anchor - v.from) / v.span : 0.5;
  return clampViewport({ from: anchor - t * span, span }, totalSteps);
}

export function panBy(v: Viewport, totalSteps: number, steps: number): Viewport {
  return clampViewport({ from: v.from + steps, span: v.span }, totalSteps);
}

/** Keep `step` in view: the same viewport when it is, else one centred on it. */
export function follow(v: Viewport, totalSteps: number, step: number): Viewport {
  if (step >= v.from && step + 1 <= v.from + v.span) return v;
  return clampViewport({ from: step + 0.5 - v.span / 2, span: v.span }, totalSteps);
}

/** The integer steps a viewport touches. */
export function visibleSteps(v: Viewport, totalSteps: number): { first: number; last: number } {
  const first = Math.max(0, Math.floor(v.from));
  const last = Math.min(totalSteps - 1, Math.ceil(v.from + v.span) - 1);
  return { first, last: Math.max(first, last) };
}

export interface Lane {
  readonly y: number;
  readonly h: number;
}

export interface TimelineLayout {
  readonly width: number;
  readonly height: number;
  /** Left gutter for the lane labels; the plot starts at `plotX`. */
  readonly plotX: number;
  readonly plotW: number;
  /** Bookmarks: a flag and a name each. */
  readonly marks: Lane;
  /** The scenario's ops as labelled spans. */
  readonly ops: Lane;
  /** Breakpoint hits (no height when there are no breakpoints). */
  readonly hits: Lane;
  /** One lane per shown family, top to bottom. */
  readonly rows: readonly Lane[];
  readonly axis: Lane;
  /** The rows' whole band (for the cursor and bookmarks). */
  readonly plotTop: number;
  readonly plotBottom: number;
}

const GUTTER = 96;
const MARKS_H = 13;
const OPS_H = 18;
const HITS_H = 12;
const AXIS_H = 30;
const ROW_MAX = 30;
/** Rows are never thinner than this (their labels must stay legible); what does not fit is left out. */
export const ROW_MIN = 11;

/** How many family rows fit in a canvas of this height. */
export function rowCapacity(height: number, withHits: boolean): number {
  const top = 1 + MARKS_H + 1 + OPS_H + 2 + (withHits ? HITS_H + 2 : 0);
  return Math.max(1, Math.floor((height - top - AXIS_H - 2) / ROW_MIN));
}

export function layoutTimeline(width: number, height: number, rowCount: number, withHits: boolean): TimelineLayout {
  const plotX = Math.min(GUTTER, Math.floor(width / 4));
  const plotW = Math.max(1, width - plotX - 10);
  const marks = { y: 1, h: MARKS_H };
  const ops = { y: marks.y + marks.h + 1, h: OPS_H };
  const hits = { y: ops.y + ops.h + 2, h: withHits ? HITS_H : 0 };
  const rowsTop = hits.y + hits.h + (withHits ? 2 : 0);
  const axisH = AXIS_H;
  const space = Math.max(0, height - rowsTop - axisH - 2);
  const rowH = rowCount > 0 ? Math.max(ROW_MIN, Math.min(ROW_MAX, Math.floor(space / rowCount))) : 0;
  const rows: Lane[] = [];
  for (let i = 0; i < rowCount; i++) rows.push({ y: rowsTop + i * rowH, h: rowH });
  const rowsBottom = rowsTop + rowCount * rowH;
  const axis = { y: Math.min(height - axisH, rowsBottom + 2), h: axisH };
  return { width, height, plotX, plotW, marks, ops, hits, rows, axis, plotTop: marks.y, plotBottom: rowsBottom };
}

export function xOfStep(v: Viewport, l: TimelineLayout, step: number): number {
  return l.plotX + ((step - v.from) / v.span) * l.plotW;
}

/** The step under x (clamped to the run). */
export function stepAtX(v: Viewport, l: TimelineLayout, x: number, totalSteps: number): number {
  const s = Math.floor(v.from + ((x - l.plotX) / l.plotW) * v.span);
  return Math.max(0, Math.min(totalSteps - 1, s));
}

/** Pixels one step takes. */
export function pxPerStep(v: Viewport, l: TimelineLayout): number {
  return l.plotW / v.span;
}
