/**
 * Draws the memory map on a <canvas> (Canvas 2D: fast in headless Chromium, unlike WebGL there). Two layers:
 *   - the base: every visible cell written straight into an ImageData (one pass over the pixels, whatever the page
 *     count), then the labels; redrawn only when the data, the size, the zoom or the scroll change;
 *   - the frame: the base copied, then what moves — the hover and selection outlines, this step's changed pages, and
 *     the animation of the step (a migrating page travels from its source lane to its destination lane, a lost
 *     mapping or an evicted page fades out, a new one fades in). prefers-reduced-motion turns the animation off.
 * Geometry lives in layout.ts; this file only paints and routes pointer input.
 */
import type { MemoryMapResult, ObjectRef } from '../../../protocol';
import { OKABE_ITO, STATE_COLOURS, processorColour } from '../../theme/palette';
import { MAP } from './colours';
import { emphasis } from '../../theme/theme';
import { dragRange, glyphs, targetShape, type AnswerLayer, type AnswerTarget, type Glyph, type Shape } from './answer';
import { aggregate, bandHeight, fitZoom, hitTest, laneTop, layout, lineTop, minPagesPerLine, pageCell, PAGES_PER_BLOCK, patchAggregate, regionData, updateRegionData, type Aggregate, type Geometry, type Hit, type RegionData, type RegionGeom } from './layout';

const ANIM_MS = 650;
/** Animated items at most; a bigger step just shows its final state with the changed outlines. */
const MAX_ANIMATED = 4000;
const SCROLLBAR = 8;

/** Text the canvas draws, from the i18n catalogue. */
export interface Labels {
  lane(kind: string, proc: number): string;
  header(region: RegionData['region']): string;
  lineLabel(region: RegionData['region'], firstPage: number, blockStart: boolean): string;
  /** The lanes' names in drawing order, for the header when the lanes are too thin to label each. */
  laneKey(names: readonly string[]): string;
}

export interface RendererCallbacks {
  onHover(hit: Hit | null, clientX: number, clientY: number): void;
  onSelect(ref: ObjectRef): void;
  /** Zoom or data changed: the geometry the legend and tests read. */
  onGeometry(g: Geometry, scrollY: number): void;
  /** Answer mode (predict): a click on a cell toggles its pages; a drag over several cells paints (or unpaints) them. */
  onAnswerCell?(region: number, first: number, count: number): void;
  onAnswerPaint?(region: number, first: number, count: number, on: boolean): void;
  /** Whether all pages of a cell are marked with the chosen target (a drag starting there unpaints). */
  isMarked?(region: number, first: number, count: number): boolean;
}

/** A target's colour: the processor's, or the tag's. */
export function targetColour(target: AnswerTarget): string {
  if (typeof target === 'number') return processorColour(target);
  return target === 'dirty' ? STATE_COLOURS.dirty : target === 'cpuDirty' ? STATE_COLOURS.cpuDirty : STATE_COLOURS.writeback;
}

/** A target's shape, centred at (cx, cy) with radius `r`, as a path. */
function shapePath(ctx: CanvasRenderingContext2D, shape: Shape, cx: number, cy: number, r: number): void {
  ctx.beginPath();
  if (shape === 'circle') ctx.arc(cx, cy, r, 0, Math.PI * 2);
  else if (shape === 'triangle') {
    ctx.moveTo(cx, cy - r);
    ctx.lineTo(cx + r, cy + r * 0.8);
    ctx.lineTo(cx - r, cy + r * 0.8);
  } else if (shape === 'diamond') {
    ctx.moveTo(cx, cy - r);
    ctx.lineTo(cx + r, cy);
    ctx.lineTo(cx, cy + r);
    ctx.lineTo(cx - r, cy);
  } else if (shape === 'square') ctx.rect(cx - r * 0.85, cy - r * 0.85, r * 1.7, r * 1.7);
  else {
    for (let k = 0; k < 10; k++) {
      const a = -Math.PI / 2 + (k * Math.PI) / 5;
      const rr = k % 2 ? r * 0.45 : r;
      if (k === 0) ctx.moveTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
      else ctx.lineTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
    }
  }
  ctx.closePath();
}

interface Mover {
  x: number;
  w: number;
  y0: number;
  y1: number;
  h: number;
  /** The source lane's colour, turning into the destination's on the way. */
  from: number;
  to: number;
}
interface Fade {
  x: number;
  w: number;
  y: number;
  h: number;
  colour: string;
  /** true: the old colour fades out; false: the new one fades in (a background cover fades out). */
  out: boolean;
}
interface Mark {
  x: number;
  w: number;
  y: number;
  h: number;
}

function rgba(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  return (0xff000000 | ((v & 255) << 16) | (v & 0xff00) | ((v >> 16) & 255)) >>> 0;
}

function hexRgb(hex: string): number {
  return parseInt(hex.slice(1), 16);
}

function mixRgb(a: number, b: number, t: number): string {
  const c = (shift: number) => Math.round(((a >> shift) & 255) * (1 - t) + ((b >> shift) & 255) * t);
  return `rgb(${c(16)},${c(8)},${c(0)})`;
}

export class MemoryMapRenderer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly base: HTMLCanvasElement;
  private readonly baseCtx: CanvasRenderingContext2D;
  private data: RegionData[] = [];
  private result: MemoryMapResult | null = null;
  private geometry: Geometry | null = null;
  private aggregates = new Map<string, Aggregate>();
  private cssW = 0;
  private cssH = 0;
  private dpr = 1;
  private font = 13;
  private fontFamily = 'sans-serif';
  private pagesPerLine = 0;
  /** The user zoomed: keep their zoom across steps instead of fitting. */
  private userZoom = false;
  private scrollY = 0;
  private hover: Hit | null = null;
  private selection: ObjectRef | null = null;
  private baseDirty = true;
  /** The step of the answer shown, while the next one may be its continuation (null: unknown, a new run). */
  private shownStep: number | null = null;
  /** The base layer's pixels, kept between redraws of the same size. */
  private image: ImageData | null = null;
  private frame = 0;
  private anim: { start: number; movers: Mover[]; fades: Fade[] } | null = null;
  private marks: Mark[] = [];
  private drag: { y: number; scroll: number; moved: boolean; onBar: boolean } | null = null;
  /** Predict mode: the answer's marks (null: not answering), their glyphs at this geometry, and a drag painting a range. */
  private answer: { layers: readonly AnswerLayer[]; editable: boolean } | null = null;
  private answerGlyphs: Glyph[] = [];
  private painting: { r: number; region: number; start: number; end: number; on: boolean } | null = null;
  /** Answer mode from the keyboard: the cell the arrow keys are on (index into the geometry's regions, and a page of it). */
  private keyCursor: { r: number; page: number } | null = null;
  private wheelAccum = 0;
  /** Redraws of the base layer so far (tests and the bench read it). */
  redraws = 0;
  lastBaseMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private labels: Labels,
    private readonly cb: RendererCallbacks,
  ) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
    this.base = document.createElement('canvas');
    this.baseCtx = this.base.getContext('2d', { alpha: false })!;
    canvas.addEventListener('wheel', this.onWheel, { passive: false });
    canvas.addEventListener('pointerdown', this.onPointerDown);
    canvas.addEventListener('pointermove', this.onPointerMove);
    canvas.addEventListener('pointerup', this.onPointerUp);
    canvas.addEventListener('pointerleave', this.onPointerLeave);
    canvas.addEventListener('keydown', this.onKeyDown);
    canvas.addEventListener('blur', this.onBlur);
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.canvas.removeEventListener('wheel', this.onWheel);
    this.canvas.removeEventListener('pointerdown', this.onPointerDown);
    this.canvas.removeEventListener('pointermove', this.onPointerMove);
    this.canvas.removeEventListener('pointerup', this.onPointerUp);
    this.canvas.removeEventListener('pointerleave', this.onPointerLeave);
    this.canvas.removeEventListener('keydown', this.onKeyDown);
    this.canvas.removeEventListener('blur', this.onBlur);
  }

  setLabels(labels: Labels): void {
    this.labels = labels;
    this.invalidate();
  }

  /**
   * A new run is shown: the next answer is not the continuation of the last one, whatever its step (its levels are
   * found by comparing bytes, as for a jump; the zoom stays when the regions have the same shape).
   */
  newRun(): void {
    this.shownStep = null;
  }

  /**
   * A new answer from the host. `animate`: the cursor moved to this step (not a re-render of the same one). `dirty`:
   * a patched answer's pages that may differ from the one shown, per region (its arrays are the shown answer's,
   * written in place: only these pages are read again; null for a region sent whole, whose old arrays are compared).
   */
  setData(result: MemoryMapResult, animate: boolean, dirty: readonly (ArrayLike<number> | null)[] | null = null): void {
    const t0 = performance.now();
    const sameShape = this.result !== null && this.result.regions.length === result.regions.length && this.result.regions.every((r, k) => r.pages === result.regions[k].pages && r.kind === result.regions[k].kind);
    // the step right after the one shown: its `changed` pages are the only ones that differ (played, or stepped into)
    const next = sameShape && this.shownStep !== null && result.step === this.shownStep + 1;
    this.result = result;
    this.shownStep = result.step;
    if (sameShape && this.data.length === result.regions.length) {
      // a step through the same run: recompute only the pages whose bytes changed, and their aggregated cells
      this.data = result.regions.map((r, k) => {
        const known = dirty && dirty.length === result.regions.length ? dirty[k] : next ? r.changed : null;
        const { data, dirty: cells } = updateRegionData(this.data[k], r, result.processors, known);
        for (const [key, agg] of this.aggregates) {
          if (!key.startsWith(`${k}:`)) continue;
          if (cells) patchAggregate(data, agg, cells);
          else this.aggregates.delete(key);
        }
        return data;
      });
    } else {
      this.data = result.regions.map((r) => regionData(r, result.processors));
      this.aggregates.clear();
    }
    if (!sameShape) {
      this.userZoom = false;
      this.scrollY = 0;
    }
    this.anim = null;
    if (sameShape && this.geometry && this.geometry.regions.length === this.data.length) {
      // the same regions at the same size and zoom: the geometry stays, it only shows the new answer
      const g = this.geometry;
      this.geometry = { ...g, regions: g.regions.map((r, k) => ({ ...r, data: this.data[k] })) };
      if (!animate) this.marks = this.changes(false).marks;
    } else {
      this.relayout();
    }
    if (animate) this.startAnimation();
    this.invalidate();
    // the answer's own cost on the main thread (lane levels, layout, the step's changes), for the bench
    performance.measure('memoryMap.data', { start: t0, end: performance.now() });
  }

  setSize(cssW: number, cssH: number, dpr: number): void {
    if (cssW === this.cssW && cssH === this.cssH && dpr === this.dpr) return;
    this.cssW = cssW;
    this.cssH = cssH;
    this.dpr = dpr;
    this.canvas.width = Math.max(1, Math.round(cssW * dpr));
    this.canvas.height = Math.max(1, Math.round(cssH * dpr));
    this.base.width = this.canvas.width;
    this.base.height = this.canvas.height;
    this.readFont();
    this.relayout();
    this.invalidate();
  }

  setSelection(ref: ObjectRef | null): void {
    this.selection = ref;
    this.requestFrame();
  }

  /** Predict mode: the marks to draw (null leaves answer mode); `editable` while clicks and drags change them. */
  setAnswer(layers: readonly AnswerLayer[] | null, editable: boolean): void {
    this.answer = layers ? { layers, editable } : null;
    if (!editable) {
      this.painting = null;
      this.keyCursor = null;
    }
    this.answerGlyphs = this.answer && this.geometry ? glyphs(this.geometry, this.answer.layers) : [];
    this.canvas.dataset.answerGlyphs = String(this.answerGlyphs.length);
    this.requestFrame();
  }

  /** The glyphs drawn for the answer now (tests read them). */
  get answerShown(): readonly Glyph[] {
    return this.answerGlyphs;
  }

  /** Zoom one step in (-1) or out (+1), keeping content at `anchorY` (CSS px in the canvas) in place. */
  zoom(direction: number, anchorY = this.cssH / 2): void {
    if (!this.geometry) return;
    const g = this.geometry;
    const hit = hitTest(g, g.gutter + 1, anchorY + this.scrollY);
    const anchorPage = hit && !hit.header ? { r: hit.r, page: hit.page } : null;
    const min = minPagesPerLine(this.cssW - SCROLLBAR, g.gutter);
    const most = Math.max(1, ...this.data.map((d) => d.region.pages));
    const max = Math.max(min, 2 ** Math.ceil(Math.log2(most)));
    const next = Math.min(max, Math.max(min, direction < 0 ? this.pagesPerLine / 2 : this.pagesPerLine * 2));
    if (next === this.pagesPerLine) return;
    this.pagesPerLine = next;
    this.userZoom = true;
    this.relayout();
    if (anchorPage && this.geometry) {
      const ng: Geometry = this.geometry;
      const r = ng.regions[anchorPage.r];
      const y = lineTop(ng, r, Math.floor(anchorPage.page / ng.pagesPerLine));
      this.scrollY = y - anchorY;
    }
    this.clampScroll();
    this.invalidate();
  }

  /** Back to the zoom that fits everything (or as much as a cell per MIN_CELL pixels allows). */
  fit(): void {
    this.userZoom = false;
    this.scrollY = 0;
    this.relayout();
    this.invalidate();
  }

  /** Scroll so that page `page` of region `region` is in view. */
  reveal(region: number, page: number): void {
    const g = this.geometry;
    if (!g) return;
    const r = g.regions.find((x) => x.data.region.index === region);
    if (!r) return;
    const y = lineTop(g, r, Math.floor(page / g.pagesPerLine));
    if (y < this.scrollY || y > this.scrollY + this.cssH - 40) {
      this.scrollY = y - this.cssH / 3;
      this.clampScroll();
      this.invalidate();
    }
  }

  /** Geometry for tests: where region `region`'s page `page` is drawn in lane `lane`, in CSS px of the canvas. */
  cellRect(region: number, page: number, lane: number): { x: number; y: number; w: number; h: number } | null {
    const g = this.geometry;
    const r = g?.regions.find((x) => x.data.region.index === region);
    if (!g || !r) return null;
    const { line, x } = pageCell(g, page);
    return { x, y: laneTop(g, r, line, lane) - this.scrollY, w: g.cellW, h: g.laneH };
  }

  // ---- layout ----

  /** The canvas's font (presentation mode makes it larger); true when it changed. */
  private readFont(): boolean {
    const cs = getComputedStyle(this.canvas);
    const font = Math.max(10, Math.min(28, parseFloat(cs.fontSize) || 13));
    const family = cs.fontFamily || 'sans-serif';
    const changed = font !== this.font || family !== this.fontFamily;
    this.font = font;
    this.fontFamily = family;
    return changed;
  }

  private relayout(): void {
    if (!this.cssW || !this.data.length) {
      this.geometry = null;
      return;
    }
    const width = this.cssW - SCROLLBAR;
    this.readFont();
    const m = { font: this.font };
    if (!this.userZoom || !this.pagesPerLine) this.pagesPerLine = fitZoom(this.data, width, this.cssH, m);
    this.geometry = layout(this.data, width, this.pagesPerLine, m, this.cssH);
    // what was moving was placed for the old geometry
    this.anim = null;
    this.marks = this.changes(false).marks;
    this.answerGlyphs = this.answer ? glyphs(this.geometry, this.answer.layers) : [];
    this.clampScroll();
    this.cb.onGeometry(this.geometry, this.scrollY);
  }

  private clampScroll(): void {
    const max = Math.max(0, (this.geometry?.contentHeight ?? 0) - this.cssH);
    this.scrollY = Math.max(0, Math.min(max, Math.round(this.scrollY)));
  }

  private aggregateOf(k: number, perCell: number): Aggregate {
    const key = `${k}:${perCell}`;
    let a = this.aggregates.get(key);
    if (!a) {
      a = aggregate(this.data[k], perCell);
      this.aggregates.set(key, a);
    }
    return a;
  }

  // ---- drawing ----

  invalidate(): void {
    this.baseDirty = true;
    this.requestFrame();
  }

  private requestFrame(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      this.draw(now);
    });
  }

  private draw(now: number): void {
    // presentation mode changes the font without resizing the panel: look before each redraw of the base (in the
    // frame, where the style is computed anyway; a step's answer no longer lays the map out again)
    if (this.baseDirty && this.readFont()) this.relayout();
    if (this.baseDirty) {
      const t0 = performance.now();
      this.drawBase();
      this.lastBaseMs = performance.now() - t0;
      performance.measure('memoryMap.redraw', { start: t0, end: t0 + this.lastBaseMs });
      this.baseDirty = false;
      this.redraws++;
      this.canvas.dataset.redraws = String(this.redraws);
      if (this.geometry) this.cb.onGeometry(this.geometry, this.scrollY);
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.base, 0, 0);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.translate(0, -this.scrollY);
    let animating = false;
    if (this.anim) {
      const p = Math.max(0, (now - this.anim.start) / ANIM_MS);
      if (p < 1) {
        this.drawAnimation(p);
        animating = true;
      } else this.anim = null;
    }
    this.drawMarks(!animating);
    this.drawAnswer();
    this.drawKeyCursor();
    this.drawSelection();
    this.drawHover();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (animating) this.requestFrame();
  }

  private drawBase(): void {
    const g = this.geometry;
    const W = this.base.width;
    const H = this.base.height;
    const ctx = this.baseCtx;
    if (!g || W < 2 || H < 2) {
      ctx.fillStyle = MAP.bg;
      ctx.fillRect(0, 0, W, H);
      return;
    }
    if (!this.image || this.image.width !== W || this.image.height !== H) this.image = ctx.createImageData(W, H);
    const img = this.image;
    const px = new Uint32Array(img.data.buffer);
    px.fill(rgba(MAP.bg));
    const dpr = this.dpr;
    const top = this.scrollY;
    const bottom = this.scrollY + this.cssH;
    const track = rgba(MAP.track);
    const gapX = g.pagesPerCell === 1 && g.cellW >= 5 ? 1 : 0;
    const partial: number[] = [];
    for (let k = 0; k < g.regions.length; k++) {
      const r = g.regions[k];
      if (r.top > bottom || r.top + r.height < top) continue;
      const d = r.data;
      const pages = d.region.pages;
      const agg = g.pagesPerCell > 1 ? this.aggregateOf(k, g.pagesPerCell) : null;
      const colours = d.lanes.map((l) => l.colours.map((c) => (c ? rgba(c) : 0)));
      const band = bandHeight(g, r);
      const firstLine = Math.max(0, this.lineAt(g, r, top));
      for (let line = firstLine; line < r.lines; line++) {
        const ly = lineTop(g, r, line);
        if (ly > bottom) break;
        if (ly + band < top) continue;
        const firstPage = line * g.pagesPerLine;
        const cellsHere = Math.min(g.cellsPerLine, Math.ceil((pages - firstPage) / g.pagesPerCell));
        for (let l = 0; l < d.lanes.length; l++) {
          const y0 = Math.round((laneTop(g, r, line, l) - top) * dpr);
          const y1 = Math.round((laneTop(g, r, line, l) + g.laneH - top) * dpr);
          const ya = Math.max(0, y0);
          const yb = Math.min(H, y1);
          if (yb <= ya) continue;
          const lane = d.lanes[l];
          const levels = d.levels[l];
          const span = lane.span;
          // one row of the lane (its track, then each cell), copied to the lane's other rows; cells that hold
          // only some pages of their aggregate are filled from the bottom, in proportion
          const tx0 = Math.round(g.gutter * dpr);
          const tx1 = Math.min(W, Math.round((g.gutter + cellsHere * g.cellW) * dpr));
          const row = ya * W;
          px.fill(track, row + tx0, row + tx1);
          partial.length = 0;
          for (let c = 0; c < cellsHere; c++) {
            const page = firstPage + c * g.pagesPerCell;
            let level: number;
            let frac = 1;
            if (agg) {
              const cell = page / g.pagesPerCell;
              level = agg.levels[l][cell];
              if (!level) continue;
              frac = agg.counts[l][cell] / Math.min(g.pagesPerCell, pages - page);
            } else {
              level = levels[page];
              if (!level) continue;
            }
            const colour = colours[l][level];
            if (!colour) continue;
            let gap = gapX;
            if (gap && span) {
              // one bar per PTE: no gap inside a 64K or 2M PTE
              const s = span(level);
              if (s > 1 && (page + 1) % s !== 0 && page + 1 < pages && levels[page + 1] === level) gap = 0;
            }
            const x0 = Math.round((g.gutter + c * g.cellW) * dpr);
            const x1 = Math.min(W, Math.round((g.gutter + (c + 1) * g.cellW - gap) * dpr));
            px.fill(colour, row + x0, row + x1);
            if (frac < 1) partial.push(x0, x1, Math.max(ya, yb - Math.max(1, Math.round((y1 - y0) * frac))));
          }
          for (let y = ya + 1; y < yb; y++) px.copyWithin(y * W + tx0, row + tx0, row + tx1);
          for (let q = 0; q < partial.length; q += 3) for (let y = ya; y < partial[q + 2]; y++) px.fill(track, y * W + partial[q], y * W + partial[q + 1]);
        }
      }
    }
    ctx.putImageData(img, 0, 0);
    this.drawLabels();
  }

  /** First line of a region at or above content y. */
  private lineAt(g: Geometry, r: RegionGeom, y: number): number {
    let lo = 0;
    let hi = r.lines - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineTop(g, r, mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The canvas's size in CSS pixels (what drawVector draws). */
  get cssSize(): { width: number; height: number } {
    return { width: this.cssW, height: this.cssH };
  }

  /** A step's animation is running. */
  get animating(): boolean {
    return this.anim !== null;
  }

  /**
   * The base layer as shown (cells and labels, scrolled as on screen) drawn into any Canvas 2D context of the CSS
   * size: one rectangle per run of same-coloured cells, then the labels and this step's changed pages. An svgcanvas context makes it an SVG
   * (File → Export); the screen's pixel path (drawBase) is not used, as a vector context has no ImageData.
   */
  drawVector(ctx: CanvasRenderingContext2D): void {
    const g = this.geometry;
    ctx.fillStyle = MAP.bg;
    ctx.fillRect(0, 0, this.cssW, this.cssH);
    if (!g) return;
    ctx.save();
    ctx.translate(0, -this.scrollY);
    const top = this.scrollY;
    const bottom = this.scrollY + this.cssH;
    const gapX = g.pagesPerCell === 1 && g.cellW >= 5 ? 1 : 0;
    for (let k = 0; k < g.regions.length; k++) {
      const r = g.regions[k];
      if (r.top > bottom || r.top + r.height < top) continue;
      const d = r.data;
      const pages = d.region.pages;
      const agg = g.pagesPerCell > 1 ? this.aggregateOf(k, g.pagesPerCell) : null;
      const band = bandHeight(g, r);
      for (let line = Math.max(0, this.lineAt(g, r, top)); line < r.lines; line++) {
        const ly = lineTop(g, r, line);
        if (ly > bottom) break;
        if (ly + band < top) continue;
        const firstPage = line * g.pagesPerLine;
        const cellsHere = Math.min(g.cellsPerLine, Math.ceil((pages - firstPage) / g.pagesPerCell));
        for (let l = 0; l < d.lanes.length; l++) {
          const y = laneTop(g, r, line, l);
          const lane = d.lanes[l];
          const levels = d.levels[l];
          ctx.fillStyle = MAP.track;
          ctx.fillRect(g.gutter, y, cellsHere * g.cellW, g.laneH);
          let run: { colour: string; x0: number; x1: number } | null = null;
          const flush = () => {
            if (!run) return;
            ctx.fillStyle = run.colour;
            ctx.fillRect(run.x0, y, run.x1 - run.x0, g.laneH);
            run = null;
          };
          for (let c = 0; c < cellsHere; c++) {
            const page = firstPage + c * g.pagesPerCell;
            let level: number;
            let frac = 1;
            if (agg) {
              const cell = page / g.pagesPerCell;
              level = agg.levels[l][cell];
              frac = level ? agg.counts[l][cell] / Math.min(g.pagesPerCell, pages - page) : 0;
            } else level = levels[page];
            const colour = level ? lane.colours[level] : null;
            if (!colour) {
              flush();
              continue;
            }
            let gap = gapX;
            if (gap && lane.span) {
              const s = lane.span(level);
              if (s > 1 && (page + 1) % s !== 0 && page + 1 < pages && levels[page + 1] === level) gap = 0;
            }
            const x0 = g.gutter + c * g.cellW;
            const x1 = g.gutter + (c + 1) * g.cellW - gap;
            if (frac < 1) {
              flush();
              const h = Math.max(1, g.laneH * frac);
              ctx.fillStyle = colour;
              ctx.fillRect(x0, y + g.laneH - h, x1 - x0, h);
              continue;
            }
            if (run && run.colour === colour && Math.abs(run.x1 - x0) < 1e-6) run.x1 = x1;
            else {
              flush();
              run = { colour, x0, x1 };
            }
          }
          flush();
        }
      }
    }
    ctx.restore();
    this.drawLabels(ctx, 1);
    // this step's changed pages, outlined as on screen
    ctx.setTransform(1, 0, 0, 1, 0, -this.scrollY);
    this.drawMarks(true, ctx);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  private drawLabels(ctx: CanvasRenderingContext2D = this.baseCtx, dpr = this.dpr): void {
    const g = this.geometry!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, -this.scrollY * dpr);
    const top = this.scrollY;
    const bottom = this.scrollY + this.cssH;
    const small = Math.max(9, Math.round(this.font * 0.8));
    ctx.textBaseline = 'middle';
    for (const r of g.regions) {
      if (r.top > bottom || r.top + r.height < top) continue;
      const d = r.data;
      const region = d.region;
      // header: name, kind, size, addresses
      ctx.font = `600 ${this.font}px ${this.fontFamily}`;
      ctx.fillStyle = MAP.fg;
      ctx.textAlign = 'left';
      const hy = r.top + r.headerH * 0.45;
      ctx.fillText(region.name, 6, hy);
      const nameW = ctx.measureText(region.name).width;
      ctx.font = `${small}px ${this.fontFamily}`;
      ctx.fillStyle = MAP.dim;
      const header = this.labels.header(region);
      ctx.fillText(header, 6 + nameW + 10, hy);
      if (!g.laneLabels) {
        const key = this.labels.laneKey(d.lanes.map((l) => this.labels.lane(l.kind, l.proc)));
        const x = Math.max(6 + nameW + 10 + ctx.measureText(header).width + 18, g.gutter);
        if (x + ctx.measureText(key).width < g.width) ctx.fillText(key, x, hy);
      }
      ctx.strokeStyle = MAP.grid;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(6, r.top + r.headerH - 3.5);
      ctx.lineTo(g.width - 4, r.top + r.headerH - 3.5);
      ctx.stroke();
      const band = bandHeight(g, r);
      const firstLine = Math.max(0, this.lineAt(g, r, top));
      for (let line = firstLine; line < r.lines; line++) {
        const ly = lineTop(g, r, line);
        if (ly > bottom) break;
        if (ly + band < top) continue;
        const firstPage = line * g.pagesPerLine;
        const blockStart = firstPage % PAGES_PER_BLOCK === 0;
        // the line's place: its block (when a block starts here) or its offset
        const showLine = g.linesPerBlock === 1 || blockStart || g.laneLabels;
        if (showLine) {
          ctx.font = `${blockStart ? '600 ' : ''}${small}px ${this.fontFamily}`;
          ctx.fillStyle = blockStart ? MAP.fg : MAP.dim;
          ctx.textAlign = 'left';
          ctx.fillText(this.labels.lineLabel(region, firstPage, blockStart), 6, ly + Math.min(band, small * 1.4) / 2);
        }
        if (g.laneLabels) {
          ctx.font = `${Math.min(small, g.laneH)}px ${this.fontFamily}`;
          ctx.fillStyle = MAP.dim;
          ctx.textAlign = 'right';
          for (let l = 0; l < d.lanes.length; l++) {
            ctx.fillText(this.labels.lane(d.lanes[l].kind, d.lanes[l].proc), g.gutter - 6, laneTop(g, r, line, l) + g.laneH / 2 + 0.5);
          }
        }
        // 2 MiB boundaries inside a line that spans several blocks
        if (g.pagesPerLine > PAGES_PER_BLOCK) {
          ctx.fillStyle = MAP.bg;
          const blockW = (PAGES_PER_BLOCK / g.pagesPerCell) * g.cellW;
          for (let b = 1; b * PAGES_PER_BLOCK < g.pagesPerLine; b++) {
            if (firstPage + b * PAGES_PER_BLOCK >= region.pages) break;
            if (blockW < 6) break;
            ctx.fillRect(g.gutter + b * blockW - 0.5, ly, 1, band);
          }
        }
      }
    }
    // scroll bar with the step's changes marked on it
    const content = g.contentHeight;
    if (content > this.cssH) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const x = this.cssW - SCROLLBAR + 2;
      ctx.fillStyle = MAP.raised;
      ctx.fillRect(x, 0, SCROLLBAR - 3, this.cssH);
      const thumbH = Math.max(20, (this.cssH * this.cssH) / content);
      const thumbY = (this.scrollY / (content - this.cssH)) * (this.cssH - thumbH);
      ctx.fillStyle = MAP.free;
      ctx.fillRect(x, thumbY, SCROLLBAR - 3, thumbH);
      ctx.fillStyle = STATE_COLOURS.changed;
      for (const r of g.regions) {
        const ch = r.data.region.changed;
        let last = -1;
        for (let k = 0; k < ch.length; k++) {
          const y = Math.round((lineTop(g, r, Math.floor(ch[k] / g.pagesPerLine)) / content) * this.cssH);
          if (y === last) continue;
          last = y;
          ctx.fillRect(x - 1, y, SCROLLBAR - 1, 2);
        }
      }
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  // ---- this step's changes: outlines and animation ----

  /**
   * This step's changes at the current geometry: an outline per changed (lane, cell), and what the animation moves
   * (a page whose residency went from one lane to another) or fades (any other lane whose level changed).
   */
  private changes(withAnimation: boolean): { marks: Mark[]; movers: Mover[]; fades: Fade[] } {
    const g = this.geometry;
    const marks: Mark[] = [];
    const movers: Mover[] = [];
    const fades: Fade[] = [];
    if (!g) return { marks, movers, fades };
    const seen = new Set<number>();
    const moverSeen = new Set<number>();
    for (const r of g.regions) {
      const d = r.data;
      const ch = d.region.changed;
      const resLanes = d.lanes.map((l) => l.kind === 'sysmem' || l.kind === 'vidmem');
      const lanes = d.lanes.length;
      seen.clear();
      moverSeen.clear();
      for (let k = 0; k < ch.length; k++) {
        const page = ch[k];
        const { line, x } = pageCell(g, page);
        const cellKey = Math.floor(page / g.pagesPerCell);
        let src = -1;
        let dst = -1;
        for (let l = 0; l < lanes; l++) {
          const before = d.levelsBefore[l][k];
          const after = d.levels[l][page];
          if (before === after) continue;
          if (resLanes[l] && (before === 1 || before === 2) && !(after === 1 || after === 2)) src = l;
          if (resLanes[l] && (after === 1 || after === 2) && !(before === 1 || before === 2)) dst = l;
          const key = cellKey * lanes + l;
          if (seen.has(key)) continue;
          seen.add(key);
          const y = laneTop(g, r, line, l);
          marks.push({ x, w: g.cellW, y, h: g.laneH });
          if (!withAnimation || fades.length >= MAX_ANIMATED) continue;
          if (before) fades.push({ x, w: g.cellW, y, h: g.laneH, colour: d.lanes[l].colours[before], out: true });
          if (after) fades.push({ x, w: g.cellW, y, h: g.laneH, colour: MAP.bg, out: false });
        }
        if (!withAnimation || src < 0 || dst < 0 || src === dst || movers.length >= MAX_ANIMATED) continue;
        const key = (cellKey * lanes + src) * lanes + dst;
        if (moverSeen.has(key)) continue;
        moverSeen.add(key);
        movers.push({ x, w: g.cellW, y0: laneTop(g, r, line, src), y1: laneTop(g, r, line, dst), h: g.laneH, from: hexRgb(d.lanes[src].colours[d.levelsBefore[src][k]]), to: hexRgb(d.lanes[dst].colours[d.levels[dst][page]]) });
      }
    }
    return { marks, movers, fades };
  }

  private startAnimation(): void {
    const reduced = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const { marks, movers, fades } = this.changes(!reduced);
    this.marks = marks;
    if (!reduced && (movers.length || fades.length)) this.anim = { start: performance.now(), movers, fades };
  }

  private drawAnimation(p: number): void {
    const ctx = this.ctx;
    const a = this.anim!;
    const ease = p < 0.5 ? 2 * p * p : 1 - (-2 * p + 2) ** 2 / 2;
    for (const f of a.fades) {
      // an old colour fading out, or a cover over the new one fading away: both go from opaque to clear
      ctx.globalAlpha = 1 - ease;
      ctx.fillStyle = f.colour;
      ctx.fillRect(f.x, f.y, f.w, f.h);
    }
    ctx.globalAlpha = 1;
    for (const m of a.movers) {
      const y = m.y0 + (m.y1 - m.y0) * ease;
      const grow = Math.sin(Math.PI * p) * Math.min(3, m.w / 2);
      ctx.fillStyle = mixRgb(m.from, m.to, ease);
      ctx.fillRect(m.x - grow / 2, y - grow / 2, m.w + grow, m.h + grow);
      ctx.strokeStyle = STATE_COLOURS.changed;
      ctx.lineWidth = 1;
      ctx.strokeRect(m.x - grow / 2 + 0.5, y - grow / 2 + 0.5, m.w + grow - 1, m.h + grow - 1);
    }
  }

  private drawMarks(settled: boolean, ctx: CanvasRenderingContext2D = this.ctx): void {
    if (!settled || !this.marks.length) return;
    ctx.strokeStyle = STATE_COLOURS.changed;
    // thicker in presentation mode and high contrast, so the room sees what this step changed
    ctx.lineWidth = emphasis();
    const top = this.scrollY;
    const bottom = this.scrollY + this.cssH;
    ctx.beginPath();
    for (const m of this.marks) {
      if (m.y + m.h < top || m.y > bottom) continue;
      ctx.rect(m.x + 0.5, m.y + 0.5, Math.max(1, m.w - 1), Math.max(1, m.h - 1));
    }
    ctx.stroke();
  }

  /** The answer's glyphs (a target's shape in its colour; after the check ✓ right, an outline missed, ✗ wrong), and a drag's range. */
  private drawAnswer(): void {
    if (!this.answer) return;
    const ctx = this.ctx;
    const g = this.geometry;
    const top = this.scrollY;
    const bottom = this.scrollY + this.cssH;
    const ink = MAP.bg;
    const em = emphasis();
    if (g && g.cellW < 7) this.drawAnswerRuns(top, bottom, em);
    else for (const gl of this.answerGlyphs) {
      if (gl.y + gl.h < top - 4 || gl.y > bottom + 4) continue;
      const cx = gl.x + gl.w / 2;
      const cy = gl.y + gl.h / 2;
      // a glyph a little larger than a small cell, so a mark is seen at any zoom
      const r = Math.max(3, Math.min(gl.w + 3, gl.h + 6, 18) / 2);
      const colour = targetColour(gl.target);
      if (gl.state === 'mark' || gl.state === 'right') {
        shapePath(ctx, targetShape(gl.target), cx, cy, r);
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = ink;
        ctx.stroke();
      }
      if (gl.state === 'right') {
        // ✓ over the shape
        this.tick(cx, cy, r);
        this.strokeOverInk(2 * em + 1, 1.5 * em, OKABE_ITO.green);
      } else if (gl.state === 'missed') {
        // an outline where the mark should have been: the target's hollow shape in a dashed ring
        ctx.setLineDash([2, 2]);
        ctx.lineWidth = em;
        ctx.strokeStyle = MAP.fg;
        ctx.strokeRect(gl.x + 0.5, gl.y - 1.5, Math.max(2, gl.w - 1), gl.h + 3);
        ctx.setLineDash([]);
        shapePath(ctx, targetShape(gl.target), cx, cy, r * 0.8);
        ctx.lineWidth = 1.5 * em;
        ctx.strokeStyle = colour;
        ctx.stroke();
      } else if (gl.state === 'wrong') {
        this.cross(cx, cy, r);
        this.strokeOverInk(2 * em + 1.5, 1.75 * em, OKABE_ITO.vermillion);
      }
    }
    const p = this.painting;
    if (p && g) {
      const region = g.regions[p.r];
      if (!region) return;
      const { first, count } = dragRange(p.start, p.end, g.pagesPerCell, region.data.region.pages);
      ctx.fillStyle = p.on ? 'rgba(255,255,255,0.22)' : 'rgba(0,0,0,0.35)';
      ctx.strokeStyle = MAP.selected;
      ctx.lineWidth = 1;
      for (let page = first; page < first + count; page += g.pagesPerLine - (page % g.pagesPerLine)) {
        const line = Math.floor(page / g.pagesPerLine);
        const lineEnd = Math.min(first + count, (line + 1) * g.pagesPerLine);
        const x0 = g.gutter + ((page % g.pagesPerLine) / g.pagesPerCell) * g.cellW;
        const x1 = g.gutter + (((lineEnd - 1) % g.pagesPerLine) / g.pagesPerCell + 1) * g.cellW;
        const y = lineTop(g, region, line);
        ctx.fillRect(x0, y, x1 - x0, bandHeight(g, region));
        ctx.strokeRect(x0 + 0.5, y + 0.5, x1 - x0 - 1, bandHeight(g, region) - 1);
      }
    }
  }

  /**
   * Cells too narrow for a shape: runs of marks in a lane, told apart by their fill — a mark or a right one solid in
   * the target's colour (right ones ringed green), a missed one a dashed outline, a wrong one hatched and ringed.
   */
  private drawAnswerRuns(top: number, bottom: number, em: number): void {
    const ctx = this.ctx;
    const list = this.answerGlyphs.filter((gl) => gl.y + gl.h >= top - 4 && gl.y <= bottom + 4);
    list.sort((a, b) => a.y - b.y || a.state.localeCompare(b.state) || String(a.target).localeCompare(String(b.target)) || a.x - b.x);
    const ink = MAP.bg;
    let k = 0;
    while (k < list.length) {
      const a = list[k];
      let x1 = a.x + a.w;
      let j = k + 1;
      while (j < list.length && list[j].y === a.y && list[j].state === a.state && list[j].target === a.target && Math.abs(list[j].x - x1) < 0.01) {
        x1 = list[j].x + list[j].w;
        j++;
      }
      k = j;
      const x = a.x;
      const w = Math.max(2, x1 - x);
      const y = a.y - 1;
      const h = a.h + 2;
      const colour = targetColour(a.target);
      if (a.state === 'mark' || a.state === 'right') {
        // ringed in ink and then in the text colour, so a mark stands out from a lane of its own colour
        ctx.fillStyle = ink;
        ctx.fillRect(x - 2, y - 2, w + 4, h + 4);
        ctx.fillStyle = MAP.fg;
        ctx.fillRect(x - 1, y - 1, w + 2, h + 2);
        ctx.fillStyle = colour;
        ctx.fillRect(x, y, w, h);
        // writeback shares the dirty lane: its runs carry a line through the middle, so they differ in more than colour
        if (a.target === 'writeback' && h >= 4) {
          ctx.fillStyle = ink;
          ctx.fillRect(x, y + h / 2 - 0.75, w, 1.5);
        }
        if (a.state === 'right') {
          // right: ringed green outside the ink ring
          ctx.lineWidth = 2 * em;
          ctx.strokeStyle = OKABE_ITO.green;
          ctx.strokeRect(x - 2 - em, y - 2 - em, w + 4 + 2 * em, h + 4 + 2 * em);
        }
      } else if (a.state === 'missed') {
        ctx.fillStyle = ink;
        ctx.globalAlpha = 0.55;
        ctx.fillRect(x, y, w, h);
        ctx.globalAlpha = 1;
        ctx.setLineDash([3, 2]);
        ctx.lineWidth = 1.5 * em;
        ctx.strokeStyle = MAP.fg;
        ctx.strokeRect(x + 0.75, y + 0.75, w - 1.5, h - 1.5);
        ctx.setLineDash([]);
      } else {
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, w, h);
        ctx.clip();
        ctx.fillStyle = ink;
        ctx.fillRect(x, y, w, h);
        ctx.strokeStyle = OKABE_ITO.vermillion;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        for (let d = x - h; d < x + w; d += 4) {
          ctx.moveTo(d, y + h);
          ctx.lineTo(d + h, y);
        }
        ctx.stroke();
        ctx.restore();
        ctx.lineWidth = em;
        ctx.strokeRect(x - 0.5, y - 0.5, w + 1, h + 1);
      }
    }
  }

  /** The keyboard's cell in answer mode: a thick dashed ring around its column. */
  private drawKeyCursor(): void {
    const k = this.keyCursor;
    const g = this.geometry;
    if (!k || !g || !this.answer?.editable) return;
    const r = g.regions[k.r];
    if (!r) return;
    const { line, x } = pageCell(g, k.page);
    const ctx = this.ctx;
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 2 * emphasis();
    ctx.strokeStyle = MAP.selected;
    ctx.strokeRect(x - 2, lineTop(g, r, line) - 3, g.cellW + 4, bandHeight(g, r) + 6);
    ctx.setLineDash([]);
  }

  /** A ✓ as the current path (stroked by the caller). */
  private tick(cx: number, cy: number, r: number): void {
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo(cx - r * 0.75, cy);
    ctx.lineTo(cx - r * 0.2, cy + r * 0.6);
    ctx.lineTo(cx + r * 0.85, cy - r * 0.7);
  }

  /** A ✗ as the current path (stroked by the caller). */
  private cross(cx: number, cy: number, r: number): void {
    const ctx = this.ctx;
    const d = r * 0.75;
    ctx.beginPath();
    ctx.moveTo(cx - d, cy - d);
    ctx.lineTo(cx + d, cy + d);
    ctx.moveTo(cx + d, cy - d);
    ctx.lineTo(cx - d, cy + d);
  }

  /** Stroke the current path wide in the background's ink, then narrower in `colour` over it: it reads on any cell. */
  private strokeOverInk(inkWidth: number, width: number, colour: string): void {
    const ctx = this.ctx;
    ctx.lineWidth = inkWidth;
    ctx.strokeStyle = MAP.bg;
    ctx.stroke();
    ctx.lineWidth = width;
    ctx.strokeStyle = colour;
    ctx.stroke();
  }

  private columnRect(region: number, page: number): { x: number; y: number; w: number; h: number } | null {
    const g = this.geometry;
    const r = g?.regions.find((x) => x.data.region.index === region);
    if (!g || !r || page < 0 || page >= r.data.region.pages) return null;
    const { line, x } = pageCell(g, page);
    return { x, y: lineTop(g, r, line), w: g.cellW, h: bandHeight(g, r) };
  }

  private drawSelection(): void {
    const s = this.selection;
    if (!s || s.kind !== 'page') return;
    const rect = this.columnRect(s.region, s.page);
    if (!rect) return;
    const ctx = this.ctx;
    ctx.strokeStyle = MAP.selected;
    ctx.lineWidth = 2 * emphasis();
    ctx.strokeRect(rect.x - 1, rect.y - 2, rect.w + 2, rect.h + 4);
  }

  private drawHover(): void {
    const h = this.hover;
    if (!h || h.header) return;
    const g = this.geometry!;
    const ctx = this.ctx;
    const r = g.regions[h.r];
    if (!r) return;
    ctx.strokeStyle = MAP.hover;
    ctx.lineWidth = 1;
    if (h.cell < 0) {
      // the gutter: the whole line (its block)
      const y = lineTop(g, r, h.line);
      ctx.strokeRect(g.gutter - 0.5, y - 1.5, g.cellsPerLine * g.cellW + 1, bandHeight(g, r) + 3);
      return;
    }
    const rect = this.columnRect(h.region, h.page)!;
    ctx.strokeRect(rect.x - 0.5, rect.y - 1.5, rect.w + 1, rect.h + 3);
  }

  // ---- input ----

  private readonly onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    if (e.shiftKey) {
      this.scrollY += e.deltaY || e.deltaX;
      this.clampScroll();
      this.invalidate();
      return;
    }
    this.wheelAccum += e.deltaMode === 1 ? e.deltaY * 40 : e.deltaY;
    if (Math.abs(this.wheelAccum) < 60) return;
    const dir = Math.sign(this.wheelAccum);
    this.wheelAccum = 0;
    const rect = this.canvas.getBoundingClientRect();
    this.zoom(dir, e.clientY - rect.top);
  };

  private readonly onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const rect = this.canvas.getBoundingClientRect();
    const onBar = e.clientX - rect.left >= this.cssW - SCROLLBAR;
    if (!onBar && this.answer?.editable && this.geometry) {
      // answer mode: a press on a cell starts marking (a click toggles the cell, a drag paints a range)
      const hit = hitTest(this.geometry, e.clientX - rect.left, e.clientY - rect.top + this.scrollY);
      if (hit && !hit.header && hit.cell >= 0) {
        const on = !(this.cb.isMarked?.(hit.region, hit.page, hit.pages) ?? false);
        this.painting = { r: hit.r, region: hit.region, start: hit.page, end: hit.page, on };
        this.canvas.setPointerCapture?.(e.pointerId);
        this.hover = null;
        this.cb.onHover(null, 0, 0);
        this.requestFrame();
        return;
      }
    }
    this.drag = { y: e.clientY, scroll: this.scrollY, moved: false, onBar };
    this.canvas.setPointerCapture?.(e.pointerId);
    if (onBar) this.scrollToBar(e.clientY - rect.top);
  };

  private scrollToBar(y: number): void {
    const content = this.geometry?.contentHeight ?? 0;
    if (content <= this.cssH) return;
    this.scrollY = (y / this.cssH) * content - this.cssH / 2;
    this.clampScroll();
    this.invalidate();
  }

  private readonly onPointerMove = (e: PointerEvent): void => {
    const rect = this.canvas.getBoundingClientRect();
    if (this.painting && this.geometry) {
      const g = this.geometry;
      const r = g.regions[this.painting.r];
      const y = Math.max(r.top + r.headerH, Math.min(r.top + r.height - 1, e.clientY - rect.top + this.scrollY));
      const x = Math.max(g.gutter, Math.min(g.gutter + g.cellsPerLine * g.cellW - 1, e.clientX - rect.left));
      const hit = hitTest(g, x, y) ?? hitTest(g, x, lineTop(g, r, Math.max(0, this.lineAt(g, r, y))));
      if (hit && hit.r === this.painting.r && hit.cell >= 0 && hit.page !== this.painting.end) {
        this.painting.end = hit.page;
        this.requestFrame();
      }
      return;
    }
    if (this.drag) {
      if (this.drag.onBar) {
        this.scrollToBar(e.clientY - rect.top);
        return;
      }
      const dy = e.clientY - this.drag.y;
      if (Math.abs(dy) > 3) this.drag.moved = true;
      if (this.drag.moved) {
        this.scrollY = this.drag.scroll - dy;
        this.clampScroll();
        this.invalidate();
        return;
      }
    }
    const g = this.geometry;
    const x = e.clientX - rect.left;
    const hit = g && x < this.cssW - SCROLLBAR ? hitTest(g, x, e.clientY - rect.top + this.scrollY) : null;
    const same = hit && this.hover && hit.r === this.hover.r && hit.page === this.hover.page && hit.cell === this.hover.cell && hit.lane === this.hover.lane;
    if (!same) {
      this.hover = hit;
      this.requestFrame();
    }
    this.cb.onHover(hit, e.clientX, e.clientY);
  };

  private readonly onPointerUp = (e: PointerEvent): void => {
    const painting = this.painting;
    if (painting) {
      this.painting = null;
      this.canvas.releasePointerCapture?.(e.pointerId);
      const g = this.geometry;
      const r = g?.regions[painting.r];
      if (!g || !r) return;
      const cellOf = (p: number) => Math.floor(p / g.pagesPerCell);
      const { first, count } = dragRange(painting.start, painting.end, g.pagesPerCell, r.data.region.pages);
      if (cellOf(painting.start) === cellOf(painting.end)) this.cb.onAnswerCell?.(painting.region, first, count);
      else this.cb.onAnswerPaint?.(painting.region, first, count, painting.on);
      this.requestFrame();
      return;
    }
    const drag = this.drag;
    this.drag = null;
    this.canvas.releasePointerCapture?.(e.pointerId);
    if (!drag || drag.moved || drag.onBar) return;
    const g = this.geometry;
    const rect = this.canvas.getBoundingClientRect();
    const hit = g ? hitTest(g, e.clientX - rect.left, e.clientY - rect.top + this.scrollY) : null;
    if (!hit || hit.header) return;
    const region = this.data[hit.r].region;
    if (hit.cell < 0) {
      // the gutter: the line's va_block
      if (region.firstBlock >= 0) this.cb.onSelect({ kind: 'block', block: region.firstBlock + Math.floor(hit.page / PAGES_PER_BLOCK) });
      return;
    }
    this.cb.onSelect({ kind: 'page', region: region.index, page: hit.page });
  };

  /**
   * Answer mode from the keyboard (the canvas focused): arrows move the cell cursor (Left/Right a cell, Up/Down a
   * line, PageUp/PageDown a region), Space toggles the cell's pages. The keys are the map's while it answers: they
   * neither step the run nor play it.
   */
  private readonly onKeyDown = (e: KeyboardEvent): void => {
    const g = this.geometry;
    if (!this.answer?.editable || !g || g.regions.length === 0 || e.ctrlKey || e.metaKey || e.altKey) return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [0, -2], ArrowDown: [0, 2], PageUp: [-1, 0], PageDown: [1, 0] };
    const k = this.keyCursor ?? { r: 0, page: 0 };
    const pagesOf = (r: number) => g.regions[r].data.region.pages;
    if (e.key in moves) {
      const [dr, dp] = moves[e.key];
      let { r, page } = k;
      if (this.keyCursor) {
        if (dr) {
          r = Math.max(0, Math.min(g.regions.length - 1, r + dr));
          page = r === k.r ? page : 0;
        } else {
          const step = Math.abs(dp) === 1 ? g.pagesPerCell : g.pagesPerLine;
          page = Math.max(0, Math.min(pagesOf(r) - 1, page + Math.sign(dp) * step));
        }
      }
      this.keyCursor = { r, page: page - (page % g.pagesPerCell) };
      this.reveal(g.regions[r].data.region.index, this.keyCursor.page);
      this.canvas.dataset.keyCursor = `${g.regions[r].data.region.index}:${this.keyCursor.page}`;
      this.requestFrame();
    } else if (e.key === ' ') {
      this.keyCursor = k;
      const first = k.page - (k.page % g.pagesPerCell);
      this.cb.onAnswerCell?.(g.regions[k.r].data.region.index, first, Math.min(g.pagesPerCell, pagesOf(k.r) - first));
      this.requestFrame();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };

  private readonly onBlur = (): void => {
    if (!this.keyCursor) return;
    this.keyCursor = null;
    this.requestFrame();
  };

  private readonly onPointerLeave = (): void => {
    if (this.hover) {
      this.hover = null;
      this.requestFrame();
    }
    this.cb.onHover(null, 0, 0);
  };

}
