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

/** Pages of a region marked for a target, all in one state: one byte per page (1 = in the layer). */
export interface AnswerLayer {
  readonly region: number;
  readonly target: AnswerTarget;
  readonly state: AnswerState;
  readonly bits: Uint8Array;
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
 * The glyphs of the layers at a geometry: one per (region, cell, lane, target), at the cell's column in the target's
 * lane, showing the most telling state of its marks. One pass over each layer's pages, whatever their number; layers
 * of regions not shown, and pages past a region's end, draw nothing.
 */
export function glyphs(g: Geometry, layers: readonly AnswerLayer[]): Glyph[] {
  const byRegion = new Map<number, RegionGeom>();
  for (const r of g.regions) byRegion.set(r.data.region.index, r);
  const cells = new Map<string, { x: number; y: number; target: AnswerTarget; state: AnswerState; pages: number }>();
  const per = g.pagesPerCell;
  for (const layer of layers) {
    const r = byRegion.get(layer.region);
    if (!r) continue;
    const lane = targetLane(r.data.lanes, layer.target);
    const pages = Math.min(layer.bits.length, r.data.region.pages);
    for (let first = 0; first < pages; first += per) {
      const end = Math.min(pages, first + per);
      let n = 0;
      for (let p = first; p < end; p++) n += layer.bits[p];
      if (n === 0) continue;
      const cell = first / per;
      const key = `${layer.region}:${cell}:${lane}:${layer.target}`;
      const had = cells.get(key);
      if (had) {
        had.pages += n;
        if (RANK[layer.state] > RANK[had.state]) had.state = layer.state;
        continue;
      }
      const { line, x } = pageCell(g, first);
      cells.set(key, { x, y: laneTop(g, r, line, lane), target: layer.target, state: layer.state, pages: n });
    }
  }
  return [...cells.values()].map((c) => ({ x: c.x, y: c.y, w: g.cellW, h: g.laneH, target: c.target, state: c.state, pages: c.pages }));
}

/** The pages a drag from one cell to another covers: whole cells, from the earlier one's first page to the later one's last. */
export function dragRange(startPage: number, endPage: number, perCell: number, pages: number): { first: number; count: number } {
  const a = Math.floor(Math.min(startPage, endPage) / perCell) * perCell;
  const b = Math.min(pages, (Math.floor(Math.max(startPage, endPage) / perCell) + 1) * perCell);
  return { first: a, count: Math.max(0, b - a) };
}

/** Marks as layers of one state, one per (region, target). */
export function layersOf(marks: readonly PredictMark[], state: AnswerState): AnswerLayer[] {
  const by = new Map<string, { region: number; target: AnswerTarget; pages: number[]; last: number }>();
  for (const m of marks) {
    if (m.page < 0 || !Number.isInteger(m.page)) continue;
    const key = `${m.region}|${m.target}`;
    let e = by.get(key);
    if (!e) by.set(key, (e = { region: m.region, target: m.target, pages: [], last: 0 }));
    e.pages.push(m.page);
    // the highest page, kept as they come (Math.max(...pages) over a grade's 100,000 marks can overflow the stack)
    if (m.page > e.last) e.last = m.page;
  }
  return [...by.values()].map((e) => {
    const bits = new Uint8Array(e.last + 1);
    for (const p of e.pages) bits[p] = 1;
    return { region: e.region, target: e.target, state, bits };
  });
}

/**
 * The layers of an answer: the marks before the check; after it, the grade's right, missed and wrong marks. The
 * grade's lists stop at 100,000 marks each: when its right list is whole, the wrong ones are the answer's marks less
 * the right ones, so they show whole too (the missed ones can only be shown as listed).
 */
export function answerLayers(
  marks: Iterable<{ readonly region: number; readonly target: AnswerTarget; readonly bits: Uint8Array }>,
  grade: { correct: readonly PredictMark[]; missed: readonly PredictMark[]; wrong: readonly PredictMark[]; counts?: { readonly correct: number; readonly wrong: number } } | null,
): AnswerLayer[] {
  if (!grade) return [...marks].map((m) => ({ region: m.region, target: m.target, state: 'mark' as const, bits: m.bits }));
  const right = layersOf(grade.correct, 'right');
  const wholeRight = !grade.counts || grade.correct.length === grade.counts.correct;
  if (!wholeRight || !grade.counts || grade.wrong.length === grade.counts.wrong) return [...right, ...layersOf(grade.missed, 'missed'), ...layersOf(grade.wrong, 'wrong')];
  const rightBy = new Map(right.map((l) => [`${l.region}|${l.target}`, l.bits]));
  const wrong: AnswerLayer[] = [];
  for (const m of marks) {
    const r = rightBy.get(`${m.region}|${m.target}`);
    const bits = new Uint8Array(m.bits.length);
    let any = 0;
    for (let p = 0; p < bits.length; p++) {
      const w = m.bits[p] && !(r && r[p]) ? 1 : 0;
      bits[p] = w;
      any |= w;
    }
    if (any) wrong.push({ region: m.region, target: m.target, state: 'wrong', bits });
  }
  return [...right, ...layersOf(grade.missed, 'missed'), ...wrong];
}
