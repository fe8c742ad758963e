/**
 * Draws a GPU's root chunks as a grid on a canvas: one square per 2 MiB root chunk, coloured by what the PMM does
 * with it (free, a user chunk on the UNUSED / DISCARDED / USED list, pinned while evicted, a kernel chunk holding
 * page tables), filled from the bottom by how much of its block is resident, split chunks drawn as their 64 KiB
 * pieces. The chunks the cursor's step changed get a ring, and the change is animated (an allocation pops in, an
 * eviction empties the chunk). Redrawn only when something changed.
 */
import type { ObjectRef, PmmChunkInfo, PmmResult } from '../../../protocol';
import { STATE_COLOURS, themed } from '../../theme/palette';
import { tint } from '../memory-map/lanes';
import { emphasis } from '../../theme/theme';

/** Read from the active theme at draw time (theme/palette.ts). */
export const PMM_COLOURS = themed({
  pma: (c) => c.track,
  free: (c) => c.free,
  used: (c) => c.palette.green,
  unused: (c) => c.palette.skyBlue,
  discarded: (c) => c.invalid,
  pinned: (c) => c.palette.vermillion,
  kernel: (c) => c.palette.purple,
});
const C = themed({ bg: (c) => c.panel, text: (c) => c.onFill, fg: (c) => c.fg, halo: (c) => (c.lineScale > 1 ? c.bg : ''), selected: (c) => c.selected, hover: (c) => c.hover });
const ANIM_MS = 600;

/** The colour a chunk is drawn in. */
export function chunkColour(c: PmmChunkInfo | undefined): string {
  if (!c || c.state === 'pma_owned') return PMM_COLOURS.pma;
  if (c.type === 'kernel') return PMM_COLOURS.kernel;
  if (c.state === 'free') return PMM_COLOURS.free;
  if (c.state === 'temp_pinned') return PMM_COLOURS.pinned;
  if (c.list === 'used') return PMM_COLOURS.used;
  if (c.list === 'unused') return PMM_COLOURS.unused;
  if (c.list === 'discarded') return PMM_COLOURS.discarded;
  return c.owner >= 0 ? PMM_COLOURS.pinned : PMM_COLOURS.free;
}

export interface PmmGrid {
  cell: number;
  gap: number;
  cols: number;
  rows: number;
  count: number;
  height: number;
}

/** The largest squares (up to 80 px) that fit `count` chunks in the box; below 4 px the grid scrolls. */
export function gridFor(count: number, width: number, height: number): PmmGrid {
  let cell = 80;
  const fits = (s: number) => {
    const gap = s >= 14 ? 3 : 1;
    const cols = Math.max(1, Math.floor((width - 8 + gap) / (s + gap)));
    const rows = Math.ceil(count / cols);
    return { cols, rows, gap, h: rows * (s + gap) + 8 };
  };
  while (cell > 4 && fits(cell).h > height) cell--;
  const f = fits(cell);
  return { cell, gap: f.gap, cols: f.cols, rows: f.rows, count, height: f.h };
}

export interface PmmLabels {
  cell(c: PmmChunkInfo): string;
}

export class PmmRenderer {
  private ctx: CanvasRenderingContext2D;
  private data: PmmResult | null = null;
  private before = new Map<number, PmmChunkInfo>();
  private grid: PmmGrid | null = null;
  private count = 0;
  private cssW = 0;
  private cssH = 0;
  private dpr = 1;
  private hover = -1;
  private selected = -1;
  private animStart = 0;
  private frame = 0;
  private font = 12;
  private fontFamily = 'sans-serif';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private labels: PmmLabels,
  ) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
  }

  setLabels(labels: PmmLabels): void {
    this.labels = labels;
    this.request();
  }

  /** `shown`: how many chunks the grid has (the taken ones, or every root chunk of a small GPU). */
  setData(data: PmmResult, shown: number, animate: boolean, previous: PmmResult | null): void {
    this.before = new Map((previous?.chunks ?? []).map((c) => [c.chunk, c]));
    this.data = data;
    if (shown !== this.count) {
      this.count = shown;
      this.relayout();
    }
    const reduced = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.animStart = animate && !reduced && data.changed.length ? performance.now() : 0;
    this.request();
  }

  /** The canvas's CSS size follows the grid's height (the wrapper scrolls when it is taller than the panel). */
  setSize(cssW: number, cssH: number, dpr: number): void {
    this.cssW = cssW;
    this.cssH = cssH;
    this.dpr = dpr;
    const cs = getComputedStyle(this.canvas);
    this.font = Math.max(10, parseFloat(cs.fontSize) || 12);
    this.fontFamily = cs.fontFamily || 'sans-serif';
    this.relayout();
  }

  private relayout(): void {
    if (!this.cssW) return;
    this.grid = gridFor(Math.max(1, this.count), this.cssW, this.cssH);
    // where chunk c is: 4 + (c % cols) × (cell + gap), 4 + ⌊c / cols⌋ × (cell + gap) (tests read these)
    Object.assign(this.canvas.dataset, { cell: String(this.grid.cell), gap: String(this.grid.gap), cols: String(this.grid.cols) });
    const h = Math.max(this.cssH, this.grid.height);
    this.canvas.style.height = `${h}px`;
    this.canvas.width = Math.round(this.cssW * this.dpr);
    this.canvas.height = Math.round(h * this.dpr);
    this.request();
  }

  setHover(chunk: number): void {
    if (chunk === this.hover) return;
    this.hover = chunk;
    this.request();
  }

  setSelection(ref: ObjectRef | null): void {
    this.selected = ref?.kind === 'chunk' && this.data && ref.gpu === this.data.gpu ? ref.chunk : -1;
    this.request();
  }

  /** The chunk at (x, y) of the canvas (CSS px), or -1. */
  chunkAt(x: number, y: number): number {
    const g = this.grid;
    if (!g) return -1;
    const col = Math.floor((x - 4) / (g.cell + g.gap));
    const row = Math.floor((y - 4) / (g.cell + g.gap));
    if (col < 0 || col >= g.cols || row < 0) return -1;
    if ((x - 4) % (g.cell + g.gap) > g.cell || (y - 4) % (g.cell + g.gap) > g.cell) return -1;
    const c = row * g.cols + col;
    return c < this.count ? c : -1;
  }

  /** Where chunk `c` is drawn (CSS px). */
  cellRect(c: number): { x: number; y: number; s: number } | null {
    const g = this.grid;
    if (!g || c < 0 || c >= this.count) return null;
    return { x: 4 + (c % g.cols) * (g.cell + g.gap), y: 4 + Math.floor(c / g.cols) * (g.cell + g.gap), s: g.cell };
  }

  /** The canvas's size in CSS pixels (what drawVector draws). */
  get cssSize(): { width: number; height: number } {
    return { width: this.cssW, height: this.cssH };
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
    const { ctx, dpr, hover } = this;
    this.ctx = target;
    this.dpr = 1;
    this.hover = -1;
    try {
      this.draw(this.animStart + 2 * ANIM_MS);
    } finally {
      this.ctx = ctx;
      this.dpr = dpr;
      this.hover = hover;
    }
  }

  private request(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      this.draw(now);
    });
  }

  private draw(now: number): void {
    const g = this.grid;
    const ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = C.bg;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    const data = this.data;
    if (!g || !data) return;
    const p = this.animStart ? Math.max(0, (now - this.animStart) / ANIM_MS) : 1;
    const animating = p < 1;
    const ease = 1 - (1 - Math.min(1, p)) ** 3;
    const chunks = data.chunks;
    const changedSet = new Set(data.changed);
    const labelSize = Math.min(this.font, Math.floor(g.cell * 0.36));
    for (let c = 0; c < this.count; c++) {
      const r = this.cellRect(c)!;
      const info = chunks[c];
      let { x, y, s } = r;
      const changed = changedSet.has(c);
      if (changed && animating && info?.change === 'allocated') {
        // an allocation pops in
        const k = 0.55 + 0.45 * ease;
        x += (s * (1 - k)) / 2;
        y += (s * (1 - k)) / 2;
        s *= k;
      }
      this.drawChunk(info, x, y, s);
      if (changed && animating && (info?.change === 'evicted' || info?.change === 'freed' || info?.change === 'owner')) {
        // what was there fades away
        ctx.globalAlpha = 1 - ease;
        this.drawChunk(this.before.get(c), r.x, r.y, r.s);
        ctx.globalAlpha = 1;
      }
      if (labelSize >= 9 && info && info.state !== 'pma_owned' && info.state !== 'free') {
        ctx.font = `600 ${labelSize}px ${this.fontFamily}`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        if (C.halo) {
          // high contrast: white letters ringed in black read on any fill, dark or light
          ctx.strokeStyle = C.halo;
          ctx.lineWidth = 3;
          ctx.lineJoin = 'round';
          ctx.strokeText(this.labels.cell(info), r.x + r.s / 2, r.y + r.s / 2, r.s - 4);
          ctx.fillStyle = C.fg;
        } else ctx.fillStyle = C.text;
        ctx.fillText(this.labels.cell(info), r.x + r.s / 2, r.y + r.s / 2, r.s - 4);
      }
      if (changed) {
        ctx.strokeStyle = STATE_COLOURS.changed;
        ctx.lineWidth = (g.cell >= 12 ? 2 : 1) * emphasis();
        const grow = animating ? Math.sin(Math.PI * Math.min(1, p)) * 3 : 0;
        ctx.strokeRect(r.x - 1 - grow, r.y - 1 - grow, r.s + 2 + 2 * grow, r.s + 2 + 2 * grow);
      }
    }
    const ring = (c: number, colour: string) => {
      const r = this.cellRect(c);
      if (!r) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.strokeRect(r.x - 2, r.y - 2, r.s + 4, r.s + 4);
    };
    if (this.selected >= 0) ring(this.selected, C.selected);
    if (this.hover >= 0) ring(this.hover, C.hover);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (animating) this.request();
  }

  private drawChunk(info: PmmChunkInfo | undefined, x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const colour = chunkColour(info);
    if (!info || info.state === 'pma_owned') {
      ctx.strokeStyle = PMM_COLOURS.pma;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, s - 1, s - 1);
      return;
    }
    if (info.type === 'user' && info.state === 'is_split' && s >= 12) {
      // its 32 pieces of 64 KiB, 8 × 4
      ctx.fillStyle = tint(colour, 0.25);
      ctx.fillRect(x, y, s, s);
      const pw = s / 8;
      const ph = s / 4;
      ctx.fillStyle = colour;
      for (let k = 0; k < 32; k++) if ((info.pieces >>> k) & 1) ctx.fillRect(x + (k % 8) * pw + 0.5, y + Math.floor(k / 8) * ph + 0.5, pw - 1, ph - 1);
      return;
    }
    const full = info.type === 'kernel' ? info.kernelPieces / 512 : info.owner >= 0 ? info.resident / 512 : 1;
    ctx.fillStyle = info.state === 'free' ? colour : tint(colour, 0.35);
    ctx.fillRect(x, y, s, s);
    if (info.state !== 'free' && full > 0) {
      const h = Math.max(1, s * Math.min(1, full));
      ctx.fillStyle = colour;
      ctx.fillRect(x, y + s - h, s, h);
    }
  }
}
