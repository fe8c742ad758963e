/**
 * Where everything of the memory map goes, in CSS pixels: each region is a header and then lines of pages; a line is
 * a band of lanes (lanes.ts) over `pagesPerLine` pages, drawn as `cellsPerLine` cells of `pagesPerCell` pages each.
 * Zoom is the number of pages per line (a power of two, so lines and cells line up with 64 KiB pages and 2 MiB
 * blocks); cells widen to fill the width, and when a page would be narrower than MIN_CELL pixels, pages are
 * aggregated into cells. Pure: the same inputs give the same geometry, and hit-testing is its inverse.
 */
import type { MemoryMapRegion } from '../../../protocol';
import { lanesFor, type Lane, type PageBytes } from './lanes';

export const PAGES_PER_BLOCK = 512;
/** Narrowest cell, in CSS pixels. */
export const MIN_CELL = 3;
/** Widest cell: zooming in further stops here. */
export const MAX_CELL = 40;
const RIGHT_MARGIN = 10;

export interface RegionData {
  readonly region: MemoryMapRegion;
  readonly lanes: readonly Lane[];
  /** Per lane, the level of every page. */
  readonly levels: readonly Uint8Array[];
  /** Per lane, the level of each changed page before the step (parallel to region.changed). */
  readonly levelsBefore: readonly Uint8Array[];
}

/** Lane levels of every page (computed once per answer from the host). */
export function regionData(region: MemoryMapRegion, processors: number): RegionData {
  const lanes = lanesFor(region.kind, processors);
  const levels = lanes.map(() => new Uint8Array(region.pages));
  fillLevels(lanes, levels, region, processors, null);
  return { region, lanes, levels, levelsBefore: levelsBefore(lanes, region, processors) };
}

function levelsBefore(lanes: readonly Lane[], region: MemoryMapRegion, processors: number): Uint8Array[] {
  const n = region.changed.length;
  const out = lanes.map(() => new Uint8Array(n));
  const before = { state: region.stateBefore, pte: region.pteBefore, cache: region.cacheBefore, at: 0, cacheAt: 0 };
  for (let k = 0; k < n; k++) {
    before.at = k * processors;
    before.cacheAt = k;
    for (let l = 0; l < lanes.length; l++) out[l][k] = lanes[l].level(before as PageBytes);
  }
  return out;
}

/** Levels of `pages` (every page when null). */
function fillLevels(lanes: readonly Lane[], levels: readonly Uint8Array[], region: MemoryMapRegion, processors: number, pages: readonly number[] | null): void {
  const bytes = { state: region.state, pte: region.pte, cache: region.cache, at: 0, cacheAt: 0 };
  const n = pages ? pages.length : region.pages;
  for (let k = 0; k < n; k++) {
    const i = pages ? pages[k] : k;
    bytes.at = i * processors;
    bytes.cacheAt = i;
    for (let l = 0; l < lanes.length; l++) levels[l][i] = lanes[l].level(bytes as PageBytes);
  }
}

/** Pages whose bytes differ between two answers for the same region (word by word: most words are equal). */
function differingPages(a: MemoryMapRegion, b: MemoryMapRegion, processors: number): number[] {
  const out = new Set<number>();
  const scan = (x: Uint8Array | null, y: Uint8Array | null, per: number) => {
    if (!x || !y) return;
    const words = x.length >>> 2;
    const aligned = x.byteOffset % 4 === 0 && y.byteOffset % 4 === 0;
    if (aligned) {
      const xw = new Uint32Array(x.buffer, x.byteOffset, words);
      const yw = new Uint32Array(y.buffer, y.byteOffset, words);
      for (let w = 0; w < words; w++) {
        if (xw[w] === yw[w]) continue;
        for (let j = w * 4; j < w * 4 + 4; j++) if (x[j] !== y[j]) out.add(Math.floor(j / per));
      }
    }
    for (let j = aligned ? words * 4 : 0; j < x.length; j++) if (x[j] !== y[j]) out.add(Math.floor(j / per));
  };
  scan(a.state, b.state, processors);
  scan(a.pte, b.pte, processors);
  scan(a.cache, b.cache, 1);
  return [...out].sort((p, q) => p - q);
}

/**
 * The next answer for a region already shown: only the pages whose bytes changed get their levels computed again
 * (stepping through a big run changes a few pages per step). Returns those pages, or null when everything was redone.
 * `known`: the pages that can differ from `prev`, when the caller knows them — the answer for the step right after
 * `prev`'s, whose `changed` list holds exactly the pages that step changed — saving the scan of every page's bytes.
 */
export function updateRegionData(prev: RegionData, region: MemoryMapRegion, processors: number, known: ArrayLike<number> | null = null): { data: RegionData; dirty: number[] | null } {
  if (prev.region.pages !== region.pages || prev.region.kind !== region.kind) return { data: regionData(region, processors), dirty: null };
  const dirty = known ? Array.from(known) : differingPages(prev.region, region, processors);
  if (dirty.length > region.pages / 4) return { data: regionData(region, processors), dirty: null };
  // the old levels belong to an answer nobody draws any more: update them in place
  fillLevels(prev.lanes, prev.levels, region, processors, dirty);
  return { data: { region, lanes: prev.lanes, levels: prev.levels, levelsBefore: levelsBefore(prev.lanes, region, processors) }, dirty };
}

export interface Metrics {
  /** The UI font size in CSS pixels (presentation mode makes it larger). */
  readonly font: number;
}

export interface RegionGeom {
  readonly data: RegionData;
  readonly top: number;
  readonly headerH: number;
  readonly lines: number;
  readonly height: number;
}

export interface Geometry {
  readonly width: number;
  readonly gutter: number;
  /** Zoom: pages per line (a power of two). */
  readonly pagesPerLine: number;
  readonly pagesPerCell: number;
  readonly cellsPerLine: number;
  readonly cellW: number;
  readonly laneH: number;
  /** 1 when lanes are tall enough for a gap between them, else 0. */
  readonly laneGap: number;
  /** Height of one line (its lanes) and the gap after it. */
  readonly bandH: number;
  readonly lineGap: number;
  /** Extra gap between 2 MiB blocks when a block spans several lines. */
  readonly blockGap: number;
  readonly linesPerBlock: number;
  readonly regionGap: number;
  readonly regions: readonly RegionGeom[];
  readonly contentHeight: number;
  /** Room for lane names in the gutter. */
  readonly laneLabels: boolean;
}

const log2 = (n: number) => Math.round(Math.log2(n));

/** Cells per line and pages per cell for a zoom, at this width; cells share the width exactly (fractional px). */
function cellsFor(pagesPerLine: number, inner: number): { cells: number; perCell: number; cellW: number } {
  let cells = pagesPerLine;
  let perCell = 1;
  while (cells > 1 && inner / cells < MIN_CELL) {
    cells /= 2;
    perCell *= 2;
  }
  return { cells, perCell, cellW: Math.min(MAX_CELL, inner / cells) };
}

/** Smallest zoom (pages per line) at which cells are no wider than MAX_CELL. */
export function minPagesPerLine(width: number, gutter: number): number {
  const inner = Math.max(40, width - gutter - RIGHT_MARGIN);
  let p = 1;
  while (inner / p > MAX_CELL) p *= 2;
  return p;
}

export function gutterWidth(m: Metrics): number {
  return Math.round(m.font * 8.6);
}

/** Lanes are never thinner than this: 4 px for narrow cells, tall enough for their names once cells are 5 px wide… */
function minLane(cellW: number): number {
  return cellW >= 5 ? 10 : 4;
}
/** …nor taller than this, however much room there is. */
const MAX_LANE = 16;

/**
 * The geometry at a zoom. Lanes take the height the viewport leaves (between minLane and MAX_LANE), so a zoomed-out
 * map fills its panel and a zoomed-in one scrolls.
 */
export function layout(regions: readonly RegionData[], width: number, pagesPerLine: number, m: Metrics, height = 0): Geometry {
  const gutter = gutterWidth(m);
  const inner = Math.max(40, width - gutter - RIGHT_MARGIN);
  const { cells, perCell, cellW } = cellsFor(pagesPerLine, inner);
  const linesPerBlock = Math.max(1, PAGES_PER_BLOCK / pagesPerLine);
  const regionGap = Math.round(m.font * 0.9);
  const headerH = Math.round(m.font * 2.1);
  const build = (laneH: number): Geometry => {
    const laneGap = laneH >= 7 ? 1 : 0;
    const lineGap = laneH >= 10 ? 6 : laneH >= 6 ? 4 : 3;
    const blockGap = linesPerBlock > 1 ? lineGap + 3 : 0;
    const geoms: RegionGeom[] = [];
    let y = 4;
    for (const data of regions) {
      const lanes = data.lanes.length;
      const bandH = lanes * laneH + (lanes - 1) * laneGap;
      const lines = Math.max(1, Math.ceil(data.region.pages / pagesPerLine));
      const blocks = Math.floor((lines - 1) / linesPerBlock);
      const h = headerH + lines * (bandH + lineGap) + blocks * blockGap;
      geoms.push({ data, top: y, headerH, lines, height: h });
      y += h + regionGap;
    }
    const maxLanes = Math.max(1, ...regions.map((r) => r.lanes.length));
    return {
      width,
      gutter,
      pagesPerLine,
      pagesPerCell: perCell,
      cellsPerLine: cells,
      cellW,
      laneH,
      laneGap,
      bandH: maxLanes * laneH + (maxLanes - 1) * laneGap,
      lineGap,
      blockGap,
      linesPerBlock,
      regionGap,
      regions: geoms,
      contentHeight: y,
      laneLabels: laneH >= Math.max(9, Math.round(m.font * 0.75)),
    };
  };
  let laneH = minLane(cellW);
  let g = build(laneH);
  while (laneH < MAX_LANE && height > 0) {
    const taller = build(laneH + 1);
    if (taller.contentHeight > height) break;
    laneH++;
    g = taller;
  }
  return g;
}

/** Height of a region's band (its own lane count). */
export function bandHeight(g: Geometry, r: RegionGeom): number {
  const n = r.data.lanes.length;
  return n * g.laneH + (n - 1) * g.laneGap;
}

/** Top of line `line` of a region. */
export function lineTop(g: Geometry, r: RegionGeom, line: number): number {
  return r.top + r.headerH + line * (bandHeight(g, r) + g.lineGap) + Math.floor(line / g.linesPerBlock) * g.blockGap;
}

export function laneTop(g: Geometry, r: RegionGeom, line: number, lane: number): number {
  return lineTop(g, r, line) + lane * (g.laneH + g.laneGap);
}

/** Where a page is drawn: its cell's left edge and line. */
export function pageCell(g: Geometry, page: number): { line: number; cell: number; x: number } {
  const line = Math.floor(page / g.pagesPerLine);
  const cell = Math.floor((page % g.pagesPerLine) / g.pagesPerCell);
  return { line, cell, x: g.gutter + cell * g.cellW };
}

export interface Hit {
  readonly region: number;
  /** Index into geometry.regions. */
  readonly r: number;
  readonly line: number;
  /** -1 when over the gutter. */
  readonly cell: number;
  /** -1 between lanes or over the gutter. */
  readonly lane: number;
  /** The cell's first page and how many pages it holds; over the gutter, the line's first page. */
  readonly page: number;
  readonly pages: number;
  /** Over the region's header. */
  readonly header: boolean;
}

/** What is at (x, y) of the content (y already includes the scroll). */
export function hitTest(g: Geometry, x: number, y: number): Hit | null {
  for (let k = 0; k < g.regions.length; k++) {
    const r = g.regions[k];
    if (y < r.top || y >= r.top + r.height) continue;
    const region = r.data.region;
    if (y < r.top + r.headerH) return { region: region.index, r: k, line: -1, cell: -1, lane: -1, page: 0, pages: 0, header: true };
    const band = bandHeight(g, r);
    // lines are uniform within a block group; search the one whose top is at or above y
    let lo = 0;
    let hi = r.lines - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineTop(g, r, mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    const line = lo;
    const dy = y - lineTop(g, r, line);
    if (dy >= band) return null;
    const lane = Math.floor(dy / (g.laneH + g.laneGap));
    const inLane = dy - lane * (g.laneH + g.laneGap) < g.laneH;
    const first = line * g.pagesPerLine;
    if (x < g.gutter) return { region: region.index, r: k, line, cell: -1, lane: -1, page: first, pages: Math.min(g.pagesPerLine, region.pages - first), header: false };
    const cell = Math.floor((x - g.gutter) / g.cellW);
    if (cell >= g.cellsPerLine) return null;
    const page = first + cell * g.pagesPerCell;
    if (page >= region.pages) return null;
    return { region: region.index, r: k, line, cell, lane: inLane && lane < r.data.lanes.length ? lane : -1, page, pages: Math.min(g.pagesPerCell, region.pages - page), header: false };
  }
  return null;
}

/** The zoom (pages per line) at which every region fits `height`, as zoomed in as that allows. */
export function fitZoom(regions: readonly RegionData[], width: number, height: number, m: Metrics): number {
  const gutter = gutterWidth(m);
  const most = Math.max(1, ...regions.map((r) => r.region.pages));
  let p = minPagesPerLine(width, gutter);
  const cap = 2 ** Math.max(log2(p), Math.ceil(Math.log2(most)));
  while (p < cap && layout(regions, width, p, m, height).contentHeight > height) p *= 2;
  // lanes tall enough to carry their names read better than one page per cell: allow up to two more doublings
  for (let q = p, k = 0; k < 2 && q < cap; k++) {
    if (layout(regions, width, q, m, height).laneLabels) return q;
    q *= 2;
    if (layout(regions, width, q, m, height).laneLabels) return q;
  }
  return p;
}

/** Aggregated levels for cells of `perCell` pages: the count of pages with any level, and the most common level. */
export interface Aggregate {
  readonly perCell: number;
  /** Per lane: pages of the cell with a level > 0. */
  readonly counts: readonly Uint16Array[];
  /** Per lane: the cell's most common non-zero level. */
  readonly levels: readonly Uint8Array[];
}

export function aggregate(data: RegionData, perCell: number): Aggregate {
  const cells = Math.ceil(data.region.pages / perCell);
  const agg: Aggregate = { perCell, counts: data.levels.map(() => new Uint16Array(cells)), levels: data.levels.map(() => new Uint8Array(cells)) };
  for (let c = 0; c < cells; c++) aggregateCell(data, agg, c);
  return agg;
}

/** Update the cells of an aggregate that hold `pages` (after updateRegionData). */
export function patchAggregate(data: RegionData, agg: Aggregate, pages: readonly number[]): void {
  let last = -1;
  for (const p of pages) {
    const c = Math.floor(p / agg.perCell);
    if (c === last) continue;
    last = c;
    aggregateCell(data, agg, c);
  }
}

const tally = new Uint32Array(16);

function aggregateCell(data: RegionData, agg: Aggregate, c: number): void {
  const pages = data.region.pages;
  const a = c * agg.perCell;
  const b = Math.min(pages, a + agg.perCell);
  for (let l = 0; l < data.levels.length; l++) {
    const src = data.levels[l];
    let n = 0;
    let best = 0;
    for (let i = a; i < b; i++) {
      const v = src[i];
      if (v === 0) continue;
      if (n === 0) tally.fill(0);
      n++;
      tally[v & 15]++;
      if (best === 0 || tally[v & 15] > tally[best & 15]) best = v;
    }
    agg.counts[l][c] = n;
    agg.levels[l][c] = best;
  }
}
