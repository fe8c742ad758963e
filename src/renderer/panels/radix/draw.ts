/**
 * Paints the radix tree on a <canvas> (Canvas 2D) and routes the pointer: d3-zoom pans and zooms, a click selects a
 * node or a page slot, a click on a collapsed node's badge asks for its children. Cells are drawn as runs (one
 * rectangle per run of set slots), so a big tree costs a few rectangles per row, and boxes outside the view are
 * skipped.
 *
 * What the cursor's step changed keeps a yellow outline. For a moment after each step the changed cells flash, the
 * cells a step cleared fade out where they were, and the edge a tag climbed is drawn yellow; prefers-reduced-motion
 * keeps only the outlines.
 */
import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { RadixNodeInfo, RadixResult } from '../../../protocol';
import { OKABE_ITO, STATE_COLOURS, THEME_COLOURS, themed } from '../../theme/palette';
import { CELL_H, CELL_W, HEADER_H, LABEL_W, PAD, SLOTS, bitRuns, cellX, hitTest, layoutTree, listRuns, type Hit, type NodeBox, type Row, type TreeLayout } from './layout';

/** The canvas's own colours, read from the active theme at draw time (theme/palette.ts). */
const R = themed({
  bg: (c) => c.panel,
  box: (c) => c.raised,
  boxEdge: (c) => c.grid,
  track: (c) => c.raised2,
  text: (c) => c.fg,
  dim: (c) => c.dim,
  edge: (c) => c.edge,
  changed: (c) => c.palette.yellow,
  selected: (c) => c.selected,
  onFill: (c) => c.bg,
});
/** The default theme's background (exports draw on it). */
export const BG = THEME_COLOURS.default.panel;
const FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'WenQuanYi Micro Hei', sans-serif";
const ANIM_MS = 900;

/** One colour per tag, the same meaning as everywhere else (theme/palette.ts). */
export const TAG_COLOURS: Readonly<Record<string, string>> = themed({
  DIRTY: (c) => c.palette.vermillion,
  WRITEBACK: (c) => c.palette.purple,
  TOWRITE: (c) => c.palette.skyBlue,
  CPU_DIRTY: (c) => c.palette.orange,
  ON_GPU: (c) => c.palette.green,
});
export const PAGE_COLOUR = STATE_COLOURS.resident;
export const CHILD_COLOUR = '#7d8794';
export const GPU_COLOUR = STATE_COLOURS.onGpu;
export const STALE_COLOUR = STATE_COLOURS.dirty;
/** TSVT versions: no copy, 0, 1, 2 and up. */
export const VERSION_COLOURS = ['#56606e', '#8b95a3', '#c3cad3'];
export function versionColour(v: number): string | null {
  return v < 0 ? null : VERSION_COLOURS[Math.min(v, VERSION_COLOURS.length - 1)];
}

/** Text the canvas draws, from the i18n catalogue. */
export interface Labels {
  row(row: Row): string;
  header(node: RadixNodeInfo): string;
  headerRight(node: RadixNodeInfo): string;
  expander(node: RadixNodeInfo, open: boolean): string;
}

export interface Callbacks {
  onSelectNode(node: RadixNodeInfo): void;
  onSelectPage(node: RadixNodeInfo, page: number): void;
  onToggle(node: RadixNodeInfo): void;
  onHover(hit: Hit | null, clientX: number, clientY: number): void;
}

const reducedMotion = () => typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export class RadixRenderer {
  private ctx: CanvasRenderingContext2D;
  private readonly zoomer: ZoomBehavior<HTMLCanvasElement, unknown>;
  private transform: ZoomTransform = zoomIdentity;
  private width = 0;
  private height = 0;
  private dpr = 1;
  private data: RadixResult | null = null;
  private layout: TreeLayout | null = null;
  private selectedNode: number | null = null;
  private selectedPage: number | null = null;
  private expanded = new Set<string>();
  private hover: Hit | null = null;
  private animStart = 0;
  private frame = 0;
  private fitted = false;
  /** The user panned or zoomed since the last fit. */
  private userMoved = false;
  private laidAspect = 0;
  private stale: CanvasPattern | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private labels: Labels,
    private readonly cb: Callbacks,
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    this.ctx = ctx;
    this.zoomer = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.02, 6])
      .clickDistance(4)
      .on('zoom', (e: { transform: ZoomTransform; sourceEvent: unknown }) => {
        this.transform = e.transform;
        if (e.sourceEvent) this.userMoved = true;
        this.exposeTransform();
        this.request();
      });
    select(canvas).call(this.zoomer).on('dblclick.zoom', null);
    canvas.addEventListener('click', this.onClick);
    canvas.addEventListener('pointermove', this.onMove);
    canvas.addEventListener('pointerleave', this.onLeave);
    this.stale = this.makeHatch();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    select(this.canvas).on('.zoom', null);
    this.canvas.removeEventListener('click', this.onClick);
    this.canvas.removeEventListener('pointermove', this.onMove);
    this.canvas.removeEventListener('pointerleave', this.onLeave);
  }

  setLabels(labels: Labels): void {
    this.labels = labels;
    this.request();
  }

  setSize(width: number, height: number, dpr: number): void {
    if (width === this.width && height === this.height && dpr === this.dpr) return;
    this.width = width;
    this.height = height;
    this.dpr = dpr;
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
    // a different shape of view: lay the tree out again for it, and fit it again unless the user moved it
    if (this.data && Math.abs(Math.log(this.aspect() / (this.laidAspect || 1))) > 0.15) {
      this.relayout();
      if (!this.userMoved) this.fitted = false;
    }
    if (!this.fitted && this.layout?.boxes.length) this.fit(false);
    this.request();
  }

  /** New data; `animate` when it is the next state of the same tree (the cursor moved). */
  setData(data: RadixResult, animate: boolean, expanded: ReadonlySet<string>): void {
    const regionChanged = this.data?.region !== data.region;
    const before = this.layout;
    this.data = data;
    this.expanded = new Set(expanded);
    this.relayout();
    const reshaped = !before || !this.layout || before.maxX !== this.layout.maxX || before.maxY !== this.layout.maxY;
    if (regionChanged || !this.fitted || (reshaped && !this.userMoved)) {
      this.fitted = false;
      if (this.width > 0 && this.layout?.boxes.length) this.fit(false);
    }
    this.animStart = animate && !reducedMotion() ? performance.now() : 0;
    this.exposeTransform();
    this.request();
  }

  private aspect(): number {
    return this.width > 0 && this.height > 0 ? this.width / this.height : 1.6;
  }

  private relayout(): void {
    if (!this.data) return;
    this.laidAspect = this.aspect();
    this.layout = layoutTree(this.data, this.laidAspect);
  }

  setSelection(node: number | null, page: number | null): void {
    this.selectedNode = node;
    this.selectedPage = page;
    this.request();
  }

  /** Fit the whole tree into the view (never larger than 1:1). */
  fit(smooth = true): void {
    const l = this.layout;
    if (!l || !this.width || !this.height) return;
    const w = l.maxX - l.minX;
    const h = l.maxY - l.minY;
    const k = Math.max(0.02, Math.min(1.4, (this.width - 20) / w, (this.height - 26) / h));
    const tx = (this.width - w * k) / 2 - l.minX * k;
    const ty = Math.max(16, (this.height - h * k) / 2) - l.minY * k;
    this.apply(zoomIdentity.translate(tx, ty).scale(k), smooth);
    this.fitted = true;
    this.userMoved = false;
  }

  zoomBy(factor: number): void {
    this.zoomer.scaleBy(select(this.canvas), factor, [this.width / 2, this.height / 2]);
  }

  /** Pan (and if needed zoom in) so that node `id` is in view; leave the view alone when it already is. */
  reveal(id: number, minScale = 0.55): void {
    const box = this.layout?.byId.get(id);
    if (!box || !this.width) return;
    const t = this.transform;
    const [x0, y0] = t.apply([box.x, box.y]);
    const [x1, y1] = t.apply([box.x + box.w, box.y + box.h]);
    const readable = t.k >= minScale * 0.99;
    if (readable && x0 >= 0 && y0 >= 0 && x1 <= this.width && y1 <= this.height) return;
    const k = Math.max(t.k, Math.min(minScale, (this.width - 20) / box.w));
    const cx = box.x + box.w / 2;
    const cy = box.y + box.h / 2;
    this.apply(zoomIdentity.translate(this.width / 2 - cx * k, this.height / 2 - cy * k).scale(k), true);
  }

  private apply(t: ZoomTransform, smooth: boolean): void {
    const sel = select(this.canvas);
    if (smooth && !reducedMotion()) sel.transition().duration(280).call(this.zoomer.transform, t);
    else this.zoomer.transform(sel, t);
  }

  private exposeTransform(): void {
    const t = this.transform;
    this.canvas.dataset.zoom = t.k.toFixed(4);
    this.canvas.dataset.tx = t.x.toFixed(2);
    this.canvas.dataset.ty = t.y.toFixed(2);
    this.canvas.dataset.nodes = String(this.layout?.boxes.length ?? 0);
  }

  /** Screen position of slot `slot` of node `id` (its cell in the slots row), for tests and tooltips. */
  slotPoint(id: number, slot: number): { x: number; y: number } | null {
    const box = this.layout?.byId.get(id);
    const row = box?.rows.find((r) => r.kind === 'slots');
    if (!box || !row) return null;
    const [x, y] = this.transform.apply([cellX(box, slot) + CELL_W / 2, box.y + row.y + CELL_H / 2]);
    return { x, y };
  }

  private request(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private toWorld(ev: MouseEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return this.transform.invert([ev.clientX - r.left, ev.clientY - r.top]);
  }

  private readonly onClick = (ev: MouseEvent): void => {
    if (!this.layout) return;
    const [x, y] = this.toWorld(ev);
    const hit = hitTest(this.layout, x, y);
    if (!hit) return;
    const n = hit.box.node;
    if (hit.expander !== undefined && hit.expander) this.cb.onToggle(n);
    else if (n.height === 0 && hit.slot !== undefined && hit.row) this.cb.onSelectPage(n, n.base + hit.slot);
    else this.cb.onSelectNode(n);
  };

  private readonly onMove = (ev: PointerEvent): void => {
    if (!this.layout || ev.buttons) return;
    const [x, y] = this.toWorld(ev);
    const hit = hitTest(this.layout, x, y);
    const same = hit && this.hover && hit.box === this.hover.box && hit.slot === this.hover.slot && hit.row === this.hover.row;
    this.canvas.style.cursor = hit ? 'pointer' : 'grab';
    if (same) return;
    this.hover = hit;
    this.cb.onHover(hit && hit.slot !== undefined && hit.row ? hit : null, ev.clientX, ev.clientY);
    this.request();
  };

  private readonly onLeave = (): void => {
    this.hover = null;
    this.cb.onHover(null, 0, 0);
    this.request();
  };

  private makeHatch(target: CanvasRenderingContext2D = this.ctx): CanvasPattern | null {
    const c = document.createElement('canvas');
    c.width = 6;
    c.height = 6;
    const g = c.getContext('2d');
    if (!g) return null;
    g.strokeStyle = STALE_COLOUR;
    g.lineWidth = 1.6;
    g.beginPath();
    g.moveTo(-1, 7);
    g.lineTo(7, -1);
    g.moveTo(5, 7);
    g.lineTo(7, 5);
    g.moveTo(-1, 1);
    g.lineTo(1, -1);
    g.stroke();
    return target.createPattern(c, 'repeat');
  }

  // ------------------------------------------------------------------ painting

  /** The canvas's size in CSS pixels (what drawVector draws). */
  get cssSize(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  /** A step's animation is running. */
  get animating(): boolean {
    return this.animStart !== 0 && performance.now() - this.animStart < ANIM_MS;
  }

  /**
   * The picture as shown (its last frame, without the pointer's hover) drawn into any Canvas 2D context of the CSS
   * size: an svgcanvas one makes an SVG (File → Export).
   */
  drawVector(target: CanvasRenderingContext2D): void {
    const { ctx, dpr, hover, animStart, stale } = this;
    this.ctx = target;
    this.dpr = 1;
    this.hover = null;
    this.animStart = 0;
    this.stale = this.makeHatch(target);
    try {
      this.draw();
    } finally {
      this.ctx = ctx;
      this.dpr = dpr;
      this.hover = hover;
      this.animStart = animStart;
      this.stale = stale;
    }
  }

  private draw(): void {
    const ctx = this.ctx;
    const { dpr } = this;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = R.bg;
    ctx.fillRect(0, 0, this.width, this.height);
    const l = this.layout;
    const data = this.data;
    if (!l || !data) return;
    const t = this.transform;
    ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    const [vx0, vy0] = t.invert([0, 0]);
    const [vx1, vy1] = t.invert([this.width, this.height]);
    const visible = (b: NodeBox) => b.x + b.w >= vx0 && b.x <= vx1 && b.y + b.h >= vy0 && b.y <= vy1;
    const elapsed = this.animStart ? performance.now() - this.animStart : ANIM_MS;
    const p = Math.min(1, elapsed / ANIM_MS);

    // plain edges under the boxes; the edges a change climbed on top of them
    for (const b of l.boxes) this.drawEdge(b, p, false);
    for (const b of l.boxes) if (visible(b)) this.drawNode(b, p);
    for (const b of l.boxes) this.drawEdge(b, p, true);

    if (p < 1) this.frame = requestAnimationFrame(() => this.draw());
  }

  private drawEdge(b: NodeBox, p: number, climbedOnly: boolean): void {
    const l = this.layout!;
    const n = b.node;
    const parent = n.parent >= 0 ? l.byId.get(n.parent) : undefined;
    const ctx = this.ctx;
    const k = this.transform.k;
    if (!parent) return;
    const row = parent.rows.find((r) => r.kind === 'slots')!;
    const x0 = cellX(parent, n.slot) + CELL_W / 2;
    const y0 = parent.y + row.y + CELL_H;
    const x1 = b.x + b.w / 2;
    const y1 = b.y;
    const pc = parent.node.changed;
    const climbed = !!n.changed && !!pc && (Object.values(pc.tags).some((bits) => bits[n.slot] === '1') || pc.slots.includes(n.slot));
    if (climbed !== climbedOnly) return;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.bezierCurveTo(x0, (y0 + y1) / 2 + 10, x1, (y0 + y1) / 2 - 10, x1, y1);
    ctx.strokeStyle = climbed ? R.changed : R.edge;
    ctx.globalAlpha = climbed ? 0.6 + 0.4 * (1 - p) : 0.7;
    ctx.lineWidth = (climbed ? 2.5 : 1) / Math.max(k, 0.25);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  private drawNode(b: NodeBox, p: number): void {
    const ctx = this.ctx;
    const n = b.node;
    const k = this.transform.k;
    const px = 1 / k; // one screen pixel in world units
    const textOk = k * 8 >= 6;
    const selected = this.selectedNode === n.id;

    ctx.fillStyle = R.box;
    ctx.fillRect(b.x, b.y, b.w, b.h);
    ctx.lineWidth = (selected ? 2.5 : n.changed ? 1.5 : 1) * px;
    ctx.strokeStyle = selected ? R.selected : n.changed ? R.changed : R.boxEdge;
    ctx.strokeRect(b.x, b.y, b.w, b.h);

    if (!textOk && k * 13 <= 30 && b.w * k >= 110) {
      // too small to read inside: the node's name above its box, at a size that stays readable
      ctx.font = `600 ${10 / k}px ${FONT}`;
      ctx.textBaseline = 'bottom';
      ctx.textAlign = 'left';
      ctx.fillStyle = n.changed ? R.changed : R.text;
      ctx.fillText(this.labels.header(n), b.x, b.y - 2 / k);
    }
    if (textOk) {
      ctx.font = `600 9px ${FONT}`;
      ctx.textBaseline = 'middle';
      ctx.fillStyle = R.text;
      ctx.textAlign = 'left';
      ctx.fillText(this.labels.header(n), b.x + PAD, b.y + HEADER_H / 2 + 1, b.w * 0.62);
      ctx.textAlign = 'right';
      const right = n.collapsed || this.expanded.has(n.key) ? this.labels.expander(n, !n.collapsed) : this.labels.headerRight(n);
      ctx.fillStyle = n.collapsed ? OKABE_ITO.skyBlue : R.dim;
      ctx.font = `9px ${FONT}`;
      ctx.fillText(right, b.x + b.w - PAD, b.y + HEADER_H / 2 + 1, b.w * 0.36);
    }

    for (const row of b.rows) this.drawRow(b, row, p, textOk);

    // a collapsed node: stubs under its occupied slots say there is more below
    if (n.collapsed) {
      ctx.strokeStyle = OKABE_ITO.skyBlue;
      ctx.lineWidth = 1 * px;
      ctx.beginPath();
      for (const s of n.slots) {
        const x = cellX(b, s) + CELL_W / 2;
        ctx.moveTo(x, b.y + b.h);
        ctx.lineTo(x, b.y + b.h + 10);
      }
      ctx.stroke();
    }

    // the selected page: its column across the leaf
    if (this.selectedPage !== null && n.height === 0 && this.selectedPage >= n.base && this.selectedPage < n.base + SLOTS) {
      const x = cellX(b, this.selectedPage - n.base);
      ctx.strokeStyle = R.selected;
      ctx.lineWidth = 1.5 * px;
      ctx.strokeRect(x - 0.5, b.y + HEADER_H - 2, CELL_W + 1, b.h - HEADER_H);
    }
    // hover
    const h = this.hover;
    if (h && h.box === b && h.slot !== undefined) {
      ctx.strokeStyle = R.text;
      ctx.lineWidth = 1 * px;
      ctx.strokeRect(cellX(b, h.slot) - 0.5, b.y + HEADER_H - 2, CELL_W + 1, b.h - HEADER_H);
    }
  }

  private drawRow(b: NodeBox, row: Row, p: number, textOk: boolean): void {
    const ctx = this.ctx;
    const n = b.node;
    const y = b.y + row.y;
    const x0 = cellX(b, 0);
    const px = 1 / this.transform.k;
    if (textOk) {
      ctx.font = `8px ${FONT}`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillStyle = R.dim;
      ctx.fillText(this.labels.row(row), b.x + PAD, y + CELL_H / 2 + 0.5, LABEL_W - 4);
    }
    ctx.fillStyle = R.track;
    ctx.fillRect(x0, y, SLOTS * CELL_W, CELL_H);

    const fillRuns = (runs: [number, number][], colour: string) => {
      ctx.fillStyle = colour;
      for (const [a, z] of runs) ctx.fillRect(cellX(b, a), y, (z - a) * CELL_W - 0.6, CELL_H);
    };
    const changedRuns = (runs: [number, number][]) => {
      if (!runs.length) return;
      if (p < 1) {
        ctx.fillStyle = R.changed;
        ctx.globalAlpha = 0.75 * (1 - p);
        for (const [a, z] of runs) ctx.fillRect(cellX(b, a), y, (z - a) * CELL_W, CELL_H);
        ctx.globalAlpha = 1;
      }
      ctx.strokeStyle = R.changed;
      ctx.lineWidth = 1.4 * px;
      for (const [a, z] of runs) ctx.strokeRect(cellX(b, a) - 0.5, y - 0.5, (z - a) * CELL_W + 0.4, CELL_H + 1);
    };
    /** Cells the step cleared: the colour they had, fading out. */
    const ghosts = (runs: [number, number][], colour: string) => {
      if (p >= 1 || !runs.length) return;
      ctx.fillStyle = colour;
      ctx.globalAlpha = 0.85 * (1 - p);
      for (const [a, z] of runs) ctx.fillRect(cellX(b, a), y, (z - a) * CELL_W - 0.6, CELL_H);
      ctx.globalAlpha = 1;
    };

    switch (row.kind) {
      case 'tag': {
        const bits = n.tags[row.name];
        const colour = TAG_COLOURS[row.name] ?? R.text;
        fillRuns(bitRuns(bits), colour);
        const ch = n.changed?.tags[row.name];
        if (ch) {
          const cleared = ch
            .split('')
            .map((c, s) => (c === '1' && bits[s] !== '1' ? '1' : '0'))
            .join('');
          ghosts(bitRuns(cleared), colour);
          changedRuns(bitRuns(ch));
        }
        break;
      }
      case 'slots': {
        const colour = n.height === 0 ? PAGE_COLOUR : CHILD_COLOUR;
        fillRuns(listRuns(n.slots), colour);
        const ch = n.changed?.slots ?? [];
        ghosts(listRuns(ch.filter((s) => !n.slots.includes(s))), colour);
        changedRuns(listRuns(ch));
        break;
      }
      case 'gpu': {
        const slots = n.gpuSlots[row.name] ?? [];
        const toCells = (gs: readonly number[]) => gs.map((g) => [g * 16, g * 16 + 16] as [number, number]);
        ctx.fillStyle = GPU_COLOUR;
        for (const [a, z] of toCells(slots)) ctx.fillRect(cellX(b, a), y, (z - a) * CELL_W - 1.2, CELL_H);
        // the 4 GPU slots' borders
        ctx.strokeStyle = R.boxEdge;
        ctx.lineWidth = px;
        for (let g = 0; g < 4; g++) ctx.strokeRect(cellX(b, g * 16), y, 16 * CELL_W - 1.2, CELL_H);
        const ch = n.changed?.gpuSlots[row.name] ?? [];
        ghosts(toCells(ch.filter((g) => !slots.includes(g))), GPU_COLOUR);
        changedRuns(toCells(ch));
        break;
      }
      case 'version': {
        const v = n.versions;
        if (!v) break;
        const own = v.own[row.index] ?? [];
        const stale = v.stale[row.index] ?? '';
        const digits = this.transform.k * CELL_W >= 7;
        for (let s = 0; s < SLOTS; s++) {
          const c = versionColour(own[s] ?? -1);
          if (!c) continue;
          ctx.fillStyle = c;
          ctx.fillRect(cellX(b, s), y, CELL_W - 0.6, CELL_H);
          if (stale[s] === '1' && this.stale) {
            ctx.fillStyle = this.stale;
            ctx.fillRect(cellX(b, s), y, CELL_W - 0.6, CELL_H);
          }
          if (digits) {
            ctx.fillStyle = own[s] >= 1 ? R.onFill : R.text;
            ctx.font = `600 6px ${FONT}`;
            ctx.textAlign = 'center';
            ctx.fillText(String(own[s]), cellX(b, s) + CELL_W / 2 - 0.3, y + CELL_H / 2 + 0.5);
          }
        }
        const ch = n.changed?.versions ?? [];
        changedRuns(listRuns(ch));
        break;
      }
    }
  }
}

export type { Hit };
