/**
 * Predict mode on the memory map (pure geometry, no drawing): where a learner's mark goes — the lane of its target
 * (a processor's residency lane, a page-cache tag's lane) in the column of its page's cell — how marks of many pages
 * gather into one glyph per (cell, lane), and which pages a click or a drag covers. Each target has a shape as well
 * as a colour, so marks read without colour (colour-blind, high contrast); the grade's right, missed and wrong marks
 * have shapes of their own (✓, an outline, ✗).
 */
import type { PredictMark, PredictTag } from '../../../protocol';
import type { Lane } from './lanes';
import { pageCell, laneTop, type Geometry, type RegionGeom } from './layout';

export type AnswerTarget = number | PredictTag;
/** A mark not yet checked, or how the grade sorted it. */
export type AnswerState = 'mark' | 'right' | 'missed' | 'wrong';
export type Shape = 'circle' | 'triangle' | 'diamond' | 'square' | 'star';

export interface AnswerItem extends PredictMark {
  readonly state: AnswerState;
}

/** The shape of a target: processors circle (CPU), triangle, diamond, square…; tags circle, triangle, diamond. */
export function targetShape(target: AnswerTarget): Shape {
  const shapes: readonly Shape[] = ['circle', 'triangle', 'diamond', 'square', 'star'];
  if (typeof target === 'number') return shapes[target % shapes.length];
  return target === 'dirty' ? 'circle' : target === 'cpuDirty' ? 'triangle' : 'diamond';
}

/** The same shapes as characters, for the bar's buttons and the legend. */
export const SHAPE_GLYPH: Readonly<Record<Shape, string>> = { circle: '●', triangle: '▲', diamond: '◆', square: '■', star: '★' };

/** The lane a target's marks are drawn in: the processor's residency lane (sysmem, a GPU's vidmem), a tag's lane. */
export function targetLane(lanes: readonly Lane[], target: AnswerTarget): number {
  const find = (kind: Lane['kind'], proc = 0) => lanes.findIndex((l) => l.kind === kind && (proc === 0 || l.proc === proc));
  let i = -1;
  if (target === 0) i = find('sysmem');
  else if (typeof target === 'number') {
    i = find('vidmem', target);
    if (i < 0) i = find('gpuMap', target);
    if (i < 0) i = find('onGpu');
  } else if (target === 'cpuDirty') i = find('cpuDirty');
  else i = find('dirty');
  if (i < 0) i = find('cached');
  return Math.max(0, i);
}

/** One glyph: a (cell, lane) with the marks in it, by state, and the target they are for. */
export interface Glyph {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly target: AnswerTarget;
  /** The state the glyph shows: wrong over missed over right over mark (the worst news first). */
  readonly state: AnswerState;
  /** Marks gathered in it (pages of the cell with this target). */
  readonly pages: number;
}

const RANK: Readonly<Record<AnswerState, number>> = { mark: 0, right: 1, missed: 2, wrong: 3 };

/**
 * The glyphs of the items at a geometry: one per (region, cell, lane, target), at the cell's column in the target's
 * lane, showing the most telling state of its marks. Items of regions not shown are left out.
 */
export function glyphs(g: Geometry, items: readonly AnswerItem[]): Glyph[] {
  const byRegion = new Map<number, RegionGeom>();
  for (const r of g.regions) byRegion.set(r.data.region.index, r);
  const cells = new Map<string, { x: number; y: number; target: AnswerTarget; state: AnswerState; pages: number }>();
  const laneOf = new Map<string, number>();
  for (const m of items) {
    const r = byRegion.get(m.region);
    if (!r || m.page < 0 || m.page >= r.data.region.pages) continue;
    const lk = `${m.region}:${m.target}`;
    let lane = laneOf.get(lk);
    if (lane === undefined) {
      lane = targetLane(r.data.lanes, m.target);
      laneOf.set(lk, lane);
    }
    const cell = Math.floor(m.page / g.pagesPerCell);
    const key = `${m.region}:${cell}:${lane}:${m.target}`;
    const had = cells.get(key);
    if (had) {
      had.pages++;
      if (RANK[m.state] > RANK[had.state]) had.state = m.state;
      continue;
    }
    const { line, x } = pageCell(g, m.page);
    cells.set(key, { x, y: laneTop(g, r, line, lane), target: m.target, state: m.state, pages: 1 });
  }
  return [...cells.values()].map((c) => ({ x: c.x, y: c.y, w: g.cellW, h: g.laneH, target: c.target, state: c.state, pages: c.pages }));
}

/** The pages a drag from one cell to another covers: whole cells, from the earlier one's first page to the later one's last. */
export function dragRange(startPage: number, endPage: number, perCell: number, pages: number): { first: number; count: number } {
  const a = Math.floor(Math.min(startPage, endPage) / perCell) * perCell;
  const b = Math.min(pages, (Math.floor(Math.max(startPage, endPage) / perCell) + 1) * perCell);
  return { first: a, count: Math.max(0, b - a) };
}

/** The items of an answer: marks before the check; after it, the grade's right, missed and wrong marks. */
export function answerItems(marks: Iterable<PredictMark>, grade: { correct: readonly PredictMark[]; missed: readonly PredictMark[]; wrong: readonly PredictMark[] } | null): AnswerItem[] {
  if (!grade) return [...marks].map((m) => ({ ...m, state: 'mark' as const }));
  return [
    ...grade.correct.map((m) => ({ ...m, state: 'right' as const })),
    ...grade.missed.map((m) => ({ ...m, state: 'missed' as const })),
    ...grade.wrong.map((m) => ({ ...m, state: 'wrong' as const })),
  ];
}
