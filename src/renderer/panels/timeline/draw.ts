/**
 * Drawing the timeline on a Canvas 2D context, in two layers:
 *   - the background (drawBackground): bookmarks, op spans, breakpoint hits, one density row per kind family, the
 *     axis in steps and simulated time. It depends on the viewport, the data and the size, not on the cursor, so the
 *     panel draws it into an offscreen canvas only when one of those changes;
 *   - the frame (drawFrame): that bitmap copied, the cursor line and its label on top. Scrubbing redraws only this.
 * Nothing here reads the DOM except through the context it is given; `drawStats` keeps the last durations for the
 * bench (bench/render-timeline.ts).
 */
import { ticks } from 'd3';
import type { OpInfo, OverviewResult, TransitionInfo, WindowResult } from '../../../protocol';
import { formatCount, formatNsFine } from '../counters/format';
import { BOOKMARK_COLOUR, CURSOR_COLOUR, HIT_COLOUR, familyColour } from './families';
import { themeColours } from '../../theme/palette';
import { pxPerStep, xOfStep, type TimelineLayout, type Viewport } from './geometry';

export interface TimelineTheme {
  readonly bg: string;
  readonly raised: string;
  readonly raised2: string;
  readonly fg: string;
  readonly dim: string;
  readonly current: string;
  readonly grid: string;
  readonly font: string;
  readonly mono: string;
}

/** The app's colours and fonts from its CSS variables (app.css), with the same values as fallbacks. */
export function readTheme(el: Element): TimelineTheme {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg-panel', '#1c1f26'),
    raised: v('--bg-raised', '#252a33'),
    raised2: themeColours().raised2,
    fg: v('--fg', '#e6e8eb'),
    dim: v('--fg-dim', '#9aa3ad'),
    current: v('--current', '#3a3420'),
    grid: themeColours().grid,
    font: v('--font-ui', 'system-ui, sans-serif'),
    mono: v('--font-code', 'monospace'),
  };
}

/** The words the canvas shows, already translated. */
export interface TimelineText {
  readonly family: (family: string) => string;
  readonly marks: string;
  readonly ops: string;
  readonly hits: string;
  readonly step: string;
  readonly time: string;
  /** `+3 rows`: families left out for want of height. */
  readonly moreRows: (count: number) => string;
}

export interface TimelineScene {
  readonly totalSteps: number;
  readonly viewport: Viewport;
  readonly ops: readonly OpInfo[];
  readonly currentOp: number;
  /** Transitions per family for the viewport (or a previous viewport while the next one comes). */
  readonly overview: OverviewResult | null;
  /** The whole run, for the time axis where `overview` does not reach. */
  readonly whole: OverviewResult | null;
  /** The transitions of the steps in view, when zoomed in to steps. */
  readonly window: WindowResult | null;
  /** Families shown as rows, top to bottom. */
  readonly rows: readonly string[];
  /** Families the run has that did not fit. */
  readonly hiddenRows: readonly string[];
  /** Steps where an enabled breakpoint hits, ascending. */
  readonly hits: readonly number[];
  readonly text: TimelineText;
  readonly theme: TimelineTheme;
}

/** At least this many pixels per step to draw steps as cells, and to list their transitions. */
export const STEP_CELLS_PX = 3;
export const TRANSITION_PX = 14;

/** Draw durations (ms), newest last, for the bench. */
export const drawStats = { background: [] as number[], frame: [] as number[] };
function record(list: number[], ms: number): void {
  list.push(ms);
  if (list.length > 5000) list.splice(0, list.length - 5000);
}

/** Steps as people read them on an axis: 950, 12,000, 1.25M. */
export function formatStep(step: number): string {
  if (Math.abs(step) >= 1e6) return `${(step / 1e6).toFixed(step % 1e6 === 0 ? 0 : 2)}M`;
  return formatCount(step);
}

/** Simulated time right after `step`, from an overview's bucket ends (interpolated inside a bucket). */
export function timeAt(o: OverviewResult | null, step: number): number | null {
  if (!o || step < o.fromStep || step > o.toStep) return null;
  const rel = step - o.fromStep;
  const i = Math.min(o.buckets - 1, Math.floor(rel / o.stepsPerBucket));
  if (o.stepsPerBucket === 1) return o.timeNs[i];
  const start = i > 0 ? o.timeNs[i - 1] : o.timeNs[0];
  const last = Math.min(o.toStep, o.fromStep + (i + 1) * o.stepsPerBucket - 1);
  const first = o.fromStep + i * o.stepsPerBucket;
  const f = last > first ? (step - first + 1) / (last - first + 1) : 1;
  return start + (o.timeNs[i] - start) * f;
}

/** Text cut to fit `width` pixels, with an ellipsis; '' when not even that fits. */
function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (width <= 8) return '';
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${text.slice(0, lo)}…` : '';
}

/** A fitted text worth showing: the whole text, or at least six characters of it. */
function legible(fitted: string, whole: string): string {
  return fitted === whole || fitted.length >= 7 ? fitted : '';
}

function font(theme: TimelineTheme, px: number, weight = ''): string {
  return `${weight}${weight ? ' ' : ''}${px}px ${theme.font}`;
}

/** Everything but the cursor. Returns the number of breakpoint hits drawn. */
export function drawBackground(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout): number {
  const t0 = performance.now();
  const { theme, viewport: v } = scene;
  ctx.save();
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, l.width, l.height);
  ctx.textBaseline = 'middle';

  // gutter labels
  ctx.fillStyle = theme.dim;
  ctx.font = font(theme, 11);
  ctx.textAlign = 'right';
  const gutterLabel = (text: string, lane: { y: number; h: number }) => {
    if (lane.h >= 8) ctx.fillText(fit(ctx, text, l.plotX - 10), l.plotX - 8, lane.y + lane.h / 2);
  };
  gutterLabel(scene.text.ops, l.ops);
  gutterLabel(scene.text.hits, l.hits);
  scene.rows.forEach((f, i) => {
    const lane = l.rows[i];
    ctx.fillStyle = familyColour(f);
    if (lane.h >= 8) ctx.fillRect(l.plotX - 7, lane.y + lane.h / 2 - 3, 4, 6);
    ctx.fillStyle = theme.dim;
    ctx.font = font(theme, Math.min(11, Math.max(8, lane.h - 2)));
    if (lane.h >= 8) ctx.fillText(fit(ctx, scene.text.family(f), l.plotX - 16), l.plotX - 12, lane.y + lane.h / 2);
  });

  if (scene.hiddenRows.length && l.rows.length) {
    ctx.fillStyle = theme.dim;
    ctx.font = font(theme, 10);
    ctx.fillText(fit(ctx, scene.text.moreRows(scene.hiddenRows.length), l.plotX - 10), l.plotX - 8, l.marks.y + l.marks.h / 2);
  }

  ctx.beginPath();
  ctx.rect(l.plotX, 0, l.plotW, l.height);
  ctx.clip();

  // row backgrounds
  scene.rows.forEach((_, i) => {
    const lane = l.rows[i];
    ctx.fillStyle = i % 2 ? theme.bg : themeColours().stripe;
    ctx.fillRect(l.plotX, lane.y, l.plotW, lane.h);
  });

  drawOps(ctx, scene, l);
  drawDensity(ctx, scene, l);
  if (scene.window && pxPerStep(v, l) >= TRANSITION_PX) drawTransitions(ctx, scene, l, scene.window);
  drawBookmarks(ctx, scene, l);
  const hits = drawHits(ctx, scene, l);
  ctx.restore();
  drawAxis(ctx, scene, l);
  record(drawStats.background, performance.now() - t0);
  return hits;
}

function drawOps(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout): void {
  const { theme, viewport: v } = scene;
  const lane = l.ops;
  ctx.font = font(theme, 11);
  ctx.textAlign = 'left';
  let shade = 0;
  for (const op of scene.ops) {
    if (op.firstStep < 0 || op.op === 'bookmark') continue;
    const x0 = Math.max(l.plotX, xOfStep(v, l, op.firstStep));
    const x1 = Math.min(l.plotX + l.plotW, xOfStep(v, l, op.lastStep + 1));
    shade++;
    if (x1 < l.plotX || x0 > l.plotX + l.plotW) continue;
    const w = Math.max(1, x1 - x0);
    const note = op.op === 'note';
    const current = op.index === scene.currentOp;
    ctx.fillStyle = current ? theme.current : note ? theme.bg : shade % 2 ? theme.raised : theme.raised2;
    ctx.fillRect(x0, lane.y + (note ? lane.h / 2 - 2 : 0), w, note ? 4 : lane.h);
    if (current) {
      ctx.fillStyle = CURSOR_COLOUR;
      ctx.fillRect(x0, lane.y + lane.h - 2, w, 2);
    }
    if (!note && w > 30) {
      ctx.fillStyle = current ? theme.fg : theme.dim;
      // the label, or the op's kind when the label does not fit (a few letters and an ellipsis say nothing)
      const text = [op.label, op.op].map((s) => legible(fit(ctx, s, w - 8), s)).find(Boolean);
      if (text) ctx.fillText(text, x0 + 4, lane.y + lane.h / 2);
    }
    // a thin edge between neighbouring ops
    ctx.fillStyle = theme.bg;
    if (w > 3) ctx.fillRect(x0, lane.y, 1, lane.h);
  }
}

/** Each family row: per bucket (or step) a cell whose opacity follows the log of its count, against the row's most. */
function drawDensity(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout): void {
  const o = scene.overview;
  if (!o) return;
  const v = scene.viewport;
  const cells = o.stepsPerBucket === 1 && pxPerStep(v, l) >= STEP_CELLS_PX;
  const gap = cells && pxPerStep(v, l) >= 6 ? 1 : 0;
  // the buckets in view
  const firstB = Math.max(0, Math.floor((v.from - o.fromStep) / o.stepsPerBucket) - 1);
  const lastB = Math.min(o.buckets - 1, Math.ceil((v.from + v.span - o.fromStep) / o.stepsPerBucket) + 1);
  scene.rows.forEach((family, r) => {
    const fi = o.families.indexOf(family);
    const lane = l.rows[r];
    if (fi < 0 || lane.h <= 0) return;
    const base = fi * o.buckets;
    let max = 0;
    for (let i = firstB; i <= lastB; i++) max = Math.max(max, o.counts[base + i]);
    if (max === 0) return;
    const logMax = Math.log1p(max);
    ctx.fillStyle = familyColour(family);
    const inset = lane.h > 8 ? 1 : 0;
    for (let i = firstB; i <= lastB; i++) {
      const c = o.counts[base + i];
      if (!c) continue;
      const s0 = o.fromStep + i * o.stepsPerBucket;
      const s1 = Math.min(o.toStep + 1, s0 + o.stepsPerBucket);
      const x0 = xOfStep(v, l, s0);
      const x1 = xOfStep(v, l, s1);
      ctx.globalAlpha = 0.22 + (0.78 * Math.log1p(c)) / logMax;
      ctx.fillRect(x0, lane.y + inset, Math.max(1, x1 - x0 - gap), lane.h - 2 * inset);
    }
    ctx.globalAlpha = 1;
  });
}

/** Zoomed in to steps: each step's transitions as slivers of its family's cell, named when there is room. */
function drawTransitions(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout, w: WindowResult): void {
  const o = scene.overview ?? scene.whole;
  if (!o) return;
  const { theme, viewport: v } = scene;
  const rowOf = new Map(scene.rows.map((f, i) => [f, i]));
  const kindFamily = o.kindFamilies;
  // group by step, then by family, keeping order
  const byStep = new Map<number, Map<string, TransitionInfo[]>>();
  for (const tr of w.transitions) {
    let fam = byStep.get(tr.step);
    if (!fam) byStep.set(tr.step, (fam = new Map()));
    const f = kindFamily[tr.kind] ?? 'other';
    let list = fam.get(f);
    if (!list) fam.set(f, (list = []));
    list.push(tr);
  }
  // the last listed step may be cut short by the window's limit: leave it to the density cells
  const lastComplete = w.transitions.length < w.total && w.transitions.length > 0 ? w.transitions[w.transitions.length - 1].step - 1 : Infinity;
  ctx.font = font(theme, 10);
  ctx.textAlign = 'center';
  for (const [step, fams] of byStep) {
    if (step > lastComplete) continue;
    const x0 = xOfStep(v, l, step);
    const cellW = xOfStep(v, l, step + 1) - x0 - 1;
    for (const [f, list] of fams) {
      const r = rowOf.get(f);
      if (r === undefined) continue;
      const lane = l.rows[r];
      if (lane.h < 6) continue;
      // clear the density cell, then one sliver per transition
      ctx.fillStyle = r % 2 ? theme.bg : themeColours().stripe;
      ctx.fillRect(x0, lane.y, cellW, lane.h);
      const sw = cellW / list.length;
      ctx.fillStyle = familyColour(f);
      for (let k = 0; k < list.length; k++) {
        ctx.globalAlpha = 0.85;
        ctx.fillRect(x0 + k * sw, lane.y + 1, Math.max(1, sw - (sw >= 4 ? 1 : 0)), lane.h - 2);
      }
      ctx.globalAlpha = 1;
      if (lane.h >= 10) {
        ctx.fillStyle = '#111';
        for (let k = 0; k < list.length; k++) {
          const text = sw >= 24 ? legible(fit(ctx, list[k].kind, sw - 4), list[k].kind) : '';
          if (text) ctx.fillText(text, x0 + k * sw + sw / 2, lane.y + lane.h / 2);
        }
      }
    }
  }
  ctx.textAlign = 'left';
}

function drawBookmarks(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout): void {
  const { theme, viewport: v } = scene;
  ctx.font = font(theme, 10);
  ctx.textAlign = 'left';
  let labelEnd = -Infinity;
  const marks = scene.ops.filter((op) => op.op === 'bookmark' && op.firstStep >= 0);
  marks.forEach((op, i) => {
    const x = Math.round(xOfStep(v, l, op.firstStep)) + 0.5;
    const nextX = i + 1 < marks.length ? xOfStep(v, l, marks[i + 1].firstStep) : Infinity;
    if (x < l.plotX - 1 || x > l.plotX + l.plotW + 1) return;
    // a dashed line down through the rows
    ctx.strokeStyle = BOOKMARK_COLOUR;
    ctx.globalAlpha = 0.55;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(x, l.ops.y);
    ctx.lineTo(x, l.plotBottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    // a flag and its name
    ctx.fillStyle = BOOKMARK_COLOUR;
    ctx.beginPath();
    ctx.moveTo(x, l.marks.y + 1);
    ctx.lineTo(x + 7, l.marks.y + 4.5);
    ctx.lineTo(x, l.marks.y + 8);
    ctx.closePath();
    ctx.fill();
    ctx.fillRect(x - 0.5, l.marks.y + 1, 1, l.marks.h - 1);
    const name = op.text ?? op.label;
    if (x + 9 > labelEnd) {
      // up to the next flag or the plot's end
      const text = legible(fit(ctx, name, Math.min(160, l.plotX + l.plotW - x - 10, nextX - x - 14)), name);
      if (text) {
        ctx.fillText(text, x + 9, l.marks.y + l.marks.h / 2);
        labelEnd = x + 9 + ctx.measureText(text).width + 6;
      }
    }
  });
}

/** Breakpoint hits as red marks: triangles while they are apart, ticks when they crowd. */
function drawHits(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout): number {
  const lane = l.hits;
  if (lane.h <= 0) return 0;
  const v = scene.viewport;
  const half = pxPerStep(v, l) / 2;
  ctx.fillStyle = HIT_COLOUR;
  let drawn = 0;
  let lastX = -Infinity;
  const hits = scene.hits;
  // binary search to the first hit in view
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hits[mid] + 1 < v.from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < hits.length && hits[i] <= v.from + v.span; i++) {
    const x = xOfStep(v, l, hits[i]) + half;
    drawn++;
    if (x - lastX < 1) continue;
    if (x - lastX >= 8) {
      ctx.beginPath();
      ctx.moveTo(x - 4.5, lane.y + 1);
      ctx.lineTo(x + 4.5, lane.y + 1);
      ctx.lineTo(x, lane.y + lane.h - 1);
      ctx.closePath();
      ctx.fill();
    } else ctx.fillRect(Math.round(x), lane.y + 1, 1, lane.h - 2);
    lastX = x;
  }
  return drawn;
}

/** The axis's ticks and grid lines (their labels are drawn with the cursor, which they make room for). */
function drawAxis(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout): void {
  const { theme } = scene;
  const a = l.axis;
  ctx.fillStyle = theme.grid;
  ctx.fillRect(l.plotX, a.y, l.plotW, 1);
  ctx.font = font(theme, 11);
  ctx.textAlign = 'right';
  ctx.fillStyle = theme.dim;
  ctx.fillText(scene.text.step, l.plotX - 8, a.y + 10);
  ctx.fillText(scene.text.time, l.plotX - 8, a.y + 24);
  for (const s of axisTicks(scene, l)) {
    const x = Math.round(xOfStep(scene.viewport, l, s)) + 0.5;
    ctx.fillStyle = theme.grid;
    ctx.fillRect(x - 0.5, l.ops.y + l.ops.h, 1, l.plotBottom - l.ops.y - l.ops.h);
    ctx.fillStyle = theme.dim;
    ctx.fillRect(x - 0.5, a.y, 1, 4);
  }
  ctx.textAlign = 'left';
}

function axisTicks(scene: TimelineScene, l: TimelineLayout): number[] {
  const v = scene.viewport;
  const count = Math.max(2, Math.floor(l.plotW / 110));
  return ticks(v.from, v.from + v.span, count).filter((s) => Number.isInteger(s) && s >= 0 && s < scene.totalSteps && xOfStep(v, l, s) >= l.plotX && xOfStep(v, l, s) <= l.plotX + l.plotW);
}

/** The smallest time difference the axis's labels must show: a tenth of the time between two ticks. */
function axisTimeResolution(scene: TimelineScene, values: readonly number[]): number {
  if (values.length < 2) return 0;
  const a = timeAt(scene.overview, values[0]) ?? timeAt(scene.whole, values[0]);
  const b = timeAt(scene.overview, values[values.length - 1]) ?? timeAt(scene.whole, values[values.length - 1]);
  return a === null || b === null ? 0 : (b - a) / (values.length - 1) / 10;
}

/** Step and time under each tick, leaving out those that would touch each other or the cursor's label. */
function drawAxisLabels(ctx: CanvasRenderingContext2D, scene: TimelineScene, l: TimelineLayout, avoid: readonly [number, number] | null): void {
  const { theme, viewport: v } = scene;
  const a = l.axis;
  ctx.font = font(theme, 11);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  let lastEnd = -Infinity;
  const values = axisTicks(scene, l);
  const resolution = axisTimeResolution(scene, values);
  for (const s of values) {
    const x = xOfStep(v, l, s);
    const stepText = formatStep(s);
    const ns = timeAt(scene.overview, s) ?? timeAt(scene.whole, s);
    const timeText = ns === null ? '' : formatNsFine(ns, resolution);
    const w = Math.max(ctx.measureText(stepText).width, ctx.measureText(timeText).width);
    const cx = Math.min(l.plotX + l.plotW - w / 2, Math.max(l.plotX + w / 2, x));
    if (cx - w / 2 < lastEnd + 8) continue;
    if (avoid && cx + w / 2 > avoid[0] - 6 && cx - w / 2 < avoid[1] + 6) continue;
    ctx.fillStyle = theme.fg;
    ctx.fillText(stepText, cx, a.y + 10);
    ctx.fillStyle = theme.dim;
    if (timeText) ctx.fillText(timeText, cx, a.y + 24);
    lastEnd = cx + w / 2;
  }
  ctx.textAlign = 'left';
}

/** One frame: the background bitmap, then the cursor (a line, the step's column when zoomed in, its step and time). */
export function drawFrame(ctx: CanvasRenderingContext2D, background: CanvasImageSource | null, scene: TimelineScene, l: TimelineLayout, cursor: number | null, hover: number | null): void {
  const t0 = performance.now();
  // null: the background was just drawn into ctx itself (File → Export's SVG draws both layers into one context)
  if (background) ctx.drawImage(background, 0, 0, l.width, l.height);
  const { theme, viewport: v } = scene;
  const px = pxPerStep(v, l);
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.plotX, 0, l.plotW + 1, l.height);
  ctx.clip();
  if (hover !== null && px >= STEP_CELLS_PX) {
    ctx.fillStyle = 'rgba(255,255,255,0.08)';
    ctx.fillRect(xOfStep(v, l, hover), l.ops.y, px, l.plotBottom - l.ops.y);
  }
  let avoid: [number, number] | null = null;
  let label: { cx: number; w: number; step: string; time: string } | null = null;
  if (cursor !== null && cursor >= v.from - 1 && cursor <= v.from + v.span + 1) {
    const xs = xOfStep(v, l, cursor);
    const x = Math.round(px >= 2 ? xs + px / 2 : xs) + 0.5;
    if (px >= STEP_CELLS_PX) {
      ctx.fillStyle = 'rgba(240,228,66,0.16)';
      ctx.fillRect(xs, l.ops.y, px, l.plotBottom - l.ops.y);
    }
    ctx.fillStyle = CURSOR_COLOUR;
    ctx.fillRect(x - 1, l.ops.y, 2, l.axis.y - l.ops.y);
    ctx.beginPath();
    ctx.moveTo(x - 5, l.ops.y);
    ctx.lineTo(x + 5, l.ops.y);
    ctx.lineTo(x, l.ops.y + 6);
    ctx.closePath();
    ctx.fill();
    ctx.font = font(theme, 11, '600');
    const step = formatCount(cursor);
    const ns = timeAt(scene.overview, cursor) ?? timeAt(scene.whole, cursor);
    const time = ns === null ? '' : formatNsFine(ns, axisTimeResolution(scene, axisTicks(scene, l)));
    const w = Math.max(ctx.measureText(step).width, ctx.measureText(time).width) + 10;
    const cx = Math.min(l.plotX + l.plotW - w / 2, Math.max(l.plotX + w / 2, x));
    label = { cx, w, step, time };
    avoid = [cx - w / 2, cx + w / 2];
  }
  ctx.restore();
  drawAxisLabels(ctx, scene, l, avoid);
  if (label) {
    // its step and time on the axis
    ctx.font = font(theme, 11, '600');
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.fillStyle = CURSOR_COLOUR;
    ctx.fillRect(label.cx - label.w / 2, l.axis.y + 2, label.w, 15);
    ctx.fillStyle = '#111';
    ctx.fillText(label.step, label.cx, l.axis.y + 10);
    if (label.time) {
      ctx.fillStyle = CURSOR_COLOUR;
      ctx.font = font(theme, 11);
      ctx.fillText(label.time, label.cx, l.axis.y + 24);
    }
    ctx.textAlign = 'left';
  }
  record(drawStats.frame, performance.now() - t0);
}
