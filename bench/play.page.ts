/**
 * Runs INSIDE the web app's page (bundled by play-bundle.ts, evaluated by render-play.ts): what the play benchmark
 * does there.
 *
 *   - `startPlaying`: a stand-in for a build without a play button: the toolbar's own "step into" button clicked, then
 *     clicked again as soon as the status bar shows that the step landed, so the app steps as fast as it can. No key
 *     presses, no round trip to the bench per step. (render-play.ts uses the app's play button where there is one.)
 *   - `measure()`: one window of `ms` milliseconds: requestAnimationFrame callbacks (the frames the page presents),
 *     the steps the cursor moved, and how often the memory map showed a new answer (the panel's `memoryMap.data`
 *     measures, or the SVG baseline's updates).
 *   - `svg`: the baseline — the same map as SVG, one <rect> per cell the canvas draws (same geometry, read from the
 *     canvas's `data-geometry`; same levels, aggregation and colours, from the panel's own layout.ts and lanes.ts),
 *     fed with the very memoryMap answers the app fetched from its engine Worker (a listener on the Worker, see
 *     TAP_SCRIPT in render-play.ts). Each new answer is digested as the panel does (the next step's from its changed
 *     pages alone) and updates only the rects whose colour or height changed.
 *
 * Typed without the DOM library (bench/ is compiled for Node): the few DOM calls used are declared below.
 */
import type { MemoryMapDelta, MemoryMapResult } from '../src/protocol';
import { applyDelta, mergeDirty } from '../src/renderer/panels/memory-map/delta';
import { aggregate, patchAggregate, regionData, updateRegionData, type Aggregate, type RegionData } from '../src/renderer/panels/memory-map/layout';
import { BG, TRACK } from '../src/renderer/panels/memory-map/colours';

interface El {
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  appendChild(child: El): El;
  insertBefore(child: El, before: El | null): El;
  remove(): void;
  click(): void;
  readonly textContent: string | null;
  readonly parentElement: El | null;
  readonly nextSibling: El | null;
  readonly clientWidth: number;
  readonly clientHeight: number;
  readonly style: Record<string, string>;
}
interface Doc {
  querySelector(selector: string): El | null;
  createElementNS(ns: string, tag: string): El;
}
interface Page {
  document: Doc;
  performance: { now(): number; getEntriesByName(name: string): { startTime: number; duration: number }[]; clearMeasures(name?: string): void };
  requestAnimationFrame(cb: (t: number) => void): number;
  cancelAnimationFrame(id: number): void;
  setTimeout(cb: () => void, ms: number): number;
  MutationObserver: new (cb: () => void) => { observe(target: El, options: Record<string, boolean>): void; disconnect(): void };
  __uvmTap?: Tap;
}
interface Tap {
  last: MemoryMapResult | MemoryMapDelta | null;
  count: number;
  full: MemoryMapResult | null;
  deltas: MemoryMapDelta[];
}
const w = globalThis as unknown as Page;
const doc = () => w.document;

const STATUS = '[data-testid="cursor-step"]';
const CANVAS = '[data-testid="memory-map-canvas"]';
const STEP_INTO = 'button[data-action="step-into"]';
const SVG_NS = 'http://www.w3.org/2000/svg';

export function cursorStep(): number {
  return Number(/step (\d+)/.exec(doc().querySelector(STATUS)?.textContent ?? '')?.[1] ?? -1);
}

// ---- the player ----

const play = { on: false, clicks: 0, observer: null as { disconnect(): void } | null, last: '' };

export function startPlaying(): void {
  if (play.on) return;
  const status = doc().querySelector(STATUS);
  const button = doc().querySelector(STEP_INTO);
  if (!status || !button) throw new Error('no status bar or step button');
  play.on = true;
  play.last = status.textContent ?? '';
  const observer = new w.MutationObserver(() => {
    const now = status.textContent ?? '';
    if (now === play.last) return;
    play.last = now;
    if (!play.on) return;
    play.clicks++;
    button.click();
  });
  observer.observe(status, { childList: true, characterData: true, subtree: true });
  play.observer = observer;
  play.clicks++;
  button.click();
}

export function stopPlaying(): number {
  play.on = false;
  play.observer?.disconnect();
  play.observer = null;
  return play.clicks;
}

// ---- the SVG baseline ----

/** The canvas's geometry as MemoryMapPanel writes it to `data-geometry`. */
export interface GeometryJson {
  gutter: number;
  cellW: number;
  pagesPerLine: number;
  pagesPerCell: number;
  laneH: number;
  laneGap: number;
  lineGap: number;
  blockGap: number;
  linesPerBlock: number;
  scrollY: number;
  regions: { index: number; name: string; top: number; headerH: number; lines: number; lanes: string[] }[];
}

/** One cell or track as the canvas fills it, in CSS pixels (device pixels at dpr 1, the bench's). */
export interface CellRect {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
}

/**
 * The rectangles the canvas's base layer fills for `data` at geometry `g` (renderer.ts drawBase at dpr 1, the same
 * rounding): per visible line and lane, the lane's track, then one rect per non-empty cell (a cell holding only some
 * of its pages is filled from the bottom, in proportion). `cell(k, line, lane, c)` receives each cell position
 * (`fill` '' when empty), `track(...)` each track. Pure: no DOM.
 */
export function visitCells(
  g: GeometryJson,
  data: readonly RegionData[],
  aggregates: readonly (Aggregate | null)[],
  cssH: number,
  track: (k: number, line: number, lane: number, r: CellRect) => void,
  cell: (k: number, line: number, lane: number, c: number, r: CellRect) => void,
): void {
  const top = g.scrollY;
  const bottom = g.scrollY + cssH;
  const cellsPerLine = g.pagesPerLine / g.pagesPerCell;
  const gapX = g.pagesPerCell === 1 && g.cellW >= 5 ? 1 : 0;
  for (let k = 0; k < g.regions.length; k++) {
    const rg = g.regions[k];
    const d = data[k];
    const agg = aggregates[k];
    const pages = d.region.pages;
    const lanes = d.lanes.length;
    const band = lanes * g.laneH + (lanes - 1) * g.laneGap;
    for (let line = 0; line < rg.lines; line++) {
      const ly = rg.top + rg.headerH + line * (band + g.lineGap) + Math.floor(line / g.linesPerBlock) * g.blockGap;
      if (ly > bottom) break;
      if (ly + band < top) continue;
      const firstPage = line * g.pagesPerLine;
      const cellsHere = Math.min(cellsPerLine, Math.ceil((pages - firstPage) / g.pagesPerCell));
      for (let l = 0; l < lanes; l++) {
        const laneY = ly + l * (g.laneH + g.laneGap);
        const y0 = Math.round(laneY - top);
        const y1 = Math.round(laneY + g.laneH - top);
        const ya = Math.max(0, y0);
        const yb = Math.min(Math.round(cssH), y1);
        if (yb <= ya) continue;
        const tx0 = Math.round(g.gutter);
        const tx1 = Math.round(g.gutter + cellsHere * g.cellW);
        track(k, line, l, { x: tx0, y: ya, w: tx1 - tx0, h: yb - ya, fill: TRACK });
        const lane = d.lanes[l];
        const levels = d.levels[l];
        for (let c = 0; c < cellsHere; c++) {
          const page = firstPage + c * g.pagesPerCell;
          let level: number;
          let frac = 1;
          if (agg) {
            const at = page / g.pagesPerCell;
            level = agg.levels[l][at];
            if (level) frac = agg.counts[l][at] / Math.min(g.pagesPerCell, pages - page);
          } else level = levels[page];
          const colour = level ? lane.colours[level] : '';
          let gap = gapX;
          if (gap && lane.span && level) {
            const s = lane.span(level);
            if (s > 1 && (page + 1) % s !== 0 && page + 1 < pages && levels[page + 1] === level) gap = 0;
          }
          const x0 = Math.round(g.gutter + c * g.cellW);
          const x1 = Math.round(g.gutter + (c + 1) * g.cellW - gap);
          const h = colour ? (frac < 1 ? Math.min(yb - ya, Math.max(1, Math.round((y1 - y0) * frac))) : yb - ya) : 0;
          cell(k, line, l, c, { x: x0, y: yb - h, w: x1 - x0, h, fill: colour });
        }
      }
    }
  }
}

interface SvgState {
  root: El;
  hidden: El;
  geometry: GeometryJson;
  cssH: number;
  data: RegionData[];
  aggregates: (Aggregate | null)[];
  /** Rects by cell key, with what they show now. */
  rects: Map<string, { el: El; y: number; h: number; fill: string }>;
  seen: number;
  step: number;
  frame: number;
  updates: number;
  updateMs: number[];
  rectCount: number;
  /** The tap's full answer the SVG started from, the answer it holds (that one with deltas written in), and how many. */
  full: MemoryMapResult | null;
  held: MemoryMapResult | null;
  applied: number;
}

let svg: SvgState | null = null;

/**
 * The latest answer the app received as a full one: the tap's last full answer with the deltas since written in
 * (delta.ts, as the panel does), and per region the pages they may have changed since the SVG's last (null: the full
 * answer is new, compare as before).
 */
function latest(s: SvgState, tap: Tap): { result: MemoryMapResult; dirty: (Uint32Array | null)[] | null } | null {
  if (!tap.full) return null;
  let dirty: (Uint32Array | null)[] | null = [];
  if (tap.full !== s.full || !s.held) {
    s.full = tap.full;
    s.held = tap.full;
    s.applied = 0;
    dirty = null;
  }
  for (; s.applied < tap.deltas.length; s.applied++) {
    const p = applyDelta(s.held, tap.deltas[s.applied]);
    if (!p) continue;
    s.held = p.result;
    if (dirty) dirty = mergeDirty(dirty.length ? dirty : undefined, p.dirty);
  }
  return { result: s.held, dirty: dirty && dirty.length ? dirty : null };
}

function applyAnswer(s: SvgState, result: MemoryMapResult, dirty: readonly (Uint32Array | null)[] | null = null): void {
  const t0 = w.performance.now();
  const fresh = s.data.length !== result.regions.length;
  // the step right after the one drawn: only its changed pages differ (the panel's own shortcut, renderer.ts setData)
  const next = !fresh && result.step === s.step + 1;
  s.data = result.regions.map((r, k) => {
    if (fresh) return regionData(r, result.processors);
    const known = dirty && dirty.length === result.regions.length ? dirty[k] : next ? r.changed : null;
    const { data, dirty: cells } = updateRegionData(s.data[k], r, result.processors, known);
    const agg = s.aggregates[k];
    if (agg) {
      if (cells) patchAggregate(data, agg, cells);
      else s.aggregates[k] = aggregate(data, agg.perCell);
    }
    return data;
  });
  if (fresh) s.aggregates = s.data.map((d) => (s.geometry.pagesPerCell > 1 ? aggregate(d, s.geometry.pagesPerCell) : null));
  const root = s.root;
  visitCells(
    s.geometry,
    s.data,
    s.aggregates,
    s.cssH,
    (k, line, lane, r) => {
      const key = `t${k}:${line}:${lane}`;
      if (s.rects.has(key)) return;
      const el = doc().createElementNS(SVG_NS, 'rect');
      el.setAttribute('x', String(r.x));
      el.setAttribute('y', String(r.y));
      el.setAttribute('width', String(r.w));
      el.setAttribute('height', String(r.h));
      el.setAttribute('fill', r.fill);
      root.appendChild(el);
      s.rects.set(key, { el, y: r.y, h: r.h, fill: r.fill });
    },
    (k, line, lane, c, r) => {
      const key = `${k}:${line}:${lane}:${c}`;
      let rect = s.rects.get(key);
      if (!rect) {
        if (!r.fill) return;
        const el = doc().createElementNS(SVG_NS, 'rect');
        el.setAttribute('x', String(r.x));
        el.setAttribute('width', String(r.w));
        root.appendChild(el);
        rect = { el, y: -1, h: -1, fill: '' };
        s.rects.set(key, rect);
        s.rectCount++;
      }
      if (rect.fill !== r.fill && r.fill) {
        rect.el.setAttribute('fill', r.fill);
        rect.fill = r.fill;
      }
      if (rect.h !== r.h) {
        rect.el.setAttribute('height', String(r.h));
        rect.h = r.h;
      }
      if (rect.y !== r.y) {
        rect.el.setAttribute('y', String(r.y));
        rect.y = r.y;
      }
    },
  );
  s.step = result.step;
  root.setAttribute('data-step', String(result.step));
  s.updates++;
  s.updateMs.push(w.performance.now() - t0);
}

/**
 * Hide the memory map's canvas (its wrapper display:none: the panel sees a 0×0 box and draws nothing, but still
 * fetches and digests every answer, as before) and put an SVG of the same size in its place, drawn from the latest
 * memoryMap answer the app received; from then on every new answer is drawn at the next animation frame.
 */
export function mountSvg(): { rects: number; step: number } {
  if (svg) throw new Error('the SVG baseline is already mounted');
  const canvas = doc().querySelector(CANVAS);
  const wrap = canvas?.parentElement;
  const tap = w.__uvmTap;
  if (!canvas || !wrap || !wrap.parentElement) throw new Error('no memory map canvas');
  if (!tap?.last) throw new Error('no memoryMap answer seen on the engine Worker');
  const geometry = JSON.parse(canvas.getAttribute('data-geometry') ?? 'null') as GeometryJson | null;
  if (!geometry) throw new Error('the memory map has no geometry');
  const cssW = wrap.clientWidth;
  const cssH = wrap.clientHeight;
  const root = doc().createElementNS(SVG_NS, 'svg');
  root.setAttribute('width', String(cssW));
  root.setAttribute('height', String(cssH));
  root.setAttribute('viewBox', `0 0 ${cssW} ${cssH}`);
  root.setAttribute('data-testid', 'svg-baseline');
  root.style.flex = `0 0 ${cssH}px`;
  root.style.display = 'block';
  const bg = doc().createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', String(cssW));
  bg.setAttribute('height', String(cssH));
  bg.setAttribute('fill', BG);
  root.appendChild(bg);
  wrap.style.display = 'none';
  wrap.parentElement.insertBefore(root, wrap.nextSibling);
  const s: SvgState = { root, hidden: wrap, geometry, cssH, data: [], aggregates: [], rects: new Map(), seen: tap.count, step: -1, frame: 0, updates: 0, updateMs: [], rectCount: 0, full: null, held: null, applied: 0 };
  svg = s;
  const first = latest(s, tap);
  if (!first) throw new Error('no full memoryMap answer seen on the engine Worker');
  applyAnswer(s, first.result);
  const tick = () => {
    if (svg !== s) return;
    if (tap.count !== s.seen && tap.last) {
      s.seen = tap.count;
      const now = latest(s, tap);
      if (now) applyAnswer(s, now.result, now.dirty);
    }
    s.frame = w.requestAnimationFrame(tick);
  };
  s.frame = w.requestAnimationFrame(tick);
  return { rects: s.rects.size, step: s.step };
}

export function unmountSvg(): void {
  const s = svg;
  if (!s) return;
  svg = null;
  w.cancelAnimationFrame(s.frame);
  s.root.remove();
  s.hidden.style.display = '';
}

/** The step the SVG shows (-1 when not mounted). */
export function svgStep(): number {
  return svg?.step ?? -1;
}

// ---- one measuring window ----

export interface WindowResult {
  seconds: number;
  frames: number;
  /** Gaps between successive animation frames (ms). */
  frameGapMedianMs: number;
  frameGapP95Ms: number;
  frameGapMaxMs: number;
  stepFrom: number;
  stepTo: number;
  mapUpdates: number;
  /** The panel's digest of each answer (`memoryMap.data`), the SVG's update (digest + DOM), the Worker round trip. */
  dataMs: number[];
  svgUpdateMs: number[];
  viewMs: number[];
  /** Rects in the SVG at the end (0 for the canvas). */
  svgRects: number;
}

function pick(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
}

function measuresIn(name: string, t0: number, t1: number): number[] {
  return w.performance
    .getEntriesByName(name)
    .filter((e) => e.startTime >= t0 && e.startTime < t1)
    .map((e) => e.duration);
}

/** Count frames, steps and map updates for `ms` milliseconds, starting at the next animation frame. */
export function measure(ms: number): Promise<WindowResult> {
  return new Promise((resolve) => {
    const gaps: number[] = [];
    let frames = 0;
    let last = 0;
    let t0 = 0;
    let stepFrom = 0;
    let svgFrom = 0;
    const s = svg;
    const tick = (now: number) => {
      if (!t0) {
        t0 = w.performance.now();
        last = now;
        stepFrom = cursorStep();
        svgFrom = s ? s.updateMs.length : 0;
        w.requestAnimationFrame(tick);
        return;
      }
      frames++;
      gaps.push(now - last);
      last = now;
      const t = w.performance.now();
      if (t - t0 < ms) {
        w.requestAnimationFrame(tick);
        return;
      }
      const dataMs = measuresIn('memoryMap.data', t0, t);
      const svgUpdateMs = s ? s.updateMs.slice(svgFrom) : [];
      resolve({
        seconds: (t - t0) / 1000,
        frames,
        frameGapMedianMs: pick(gaps, 50),
        frameGapP95Ms: pick(gaps, 95),
        frameGapMaxMs: pick(gaps, 100),
        stepFrom,
        stepTo: cursorStep(),
        mapUpdates: s ? svgUpdateMs.length : dataMs.length,
        dataMs,
        svgUpdateMs,
        viewMs: measuresIn('view.memoryMap', t0, t),
        svgRects: s ? s.rects.size : 0,
      });
    };
    w.requestAnimationFrame(tick);
  });
}

/** Resolve after `ms` milliseconds of the page's own clock. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    w.setTimeout(resolve, ms);
  });
}
