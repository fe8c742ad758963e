/**
 * Predict mode's marks on the memory map (panels/memory-map/answer.ts) over a real memory map of the engine: a mark
 * is drawn in its target's lane (the processor's residency lane, a tag's lane) at its page's cell; many marks in one
 * cell make one glyph showing the worst news; a drag covers whole cells between its ends.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, MemoryMapResult, OkResponse } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { layout, laneTop, regionData } from '../../src/renderer/panels/memory-map/layout';
import { answerLayers, dragRange, glyphs, layersOf, targetLane, targetShape } from '../../src/renderer/panels/memory-map/answer';

const yaml = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');
const ok = (r: EngineResponse): OkResponse => {
  if (r.type !== 'ok') throw new Error(JSON.stringify(r.diagnostics));
  return r;
};

function mapOf(name: string): MemoryMapResult {
  const service = new EngineService();
  ok(service.handle({ type: 'load', id: 1, source: yaml(name), fileName: `${name}.yaml` }));
  return ok(service.handle({ type: 'view', id: 2, query: { view: 'memoryMap' } })).view as MemoryMapResult;
}

describe('marks on the memory map', () => {
  const map = mapOf('gaia-maquire');
  const data = map.regions.map((r) => regionData(r, map.processors));
  const lanes = data[0].lanes;

  it('put a target in its lane: CPU in sysmem, a GPU in its vidmem, a tag in its cache lane', () => {
    expect(lanes[targetLane(lanes, 0)].kind).toBe('sysmem');
    expect(lanes[targetLane(lanes, 1)]).toMatchObject({ kind: 'vidmem', proc: 1 });
    if (map.regions[0].kind === 'file') {
      expect(lanes[targetLane(lanes, 'dirty')].kind).toBe('dirty');
      expect(lanes[targetLane(lanes, 'cpuDirty')].kind).toBe('cpuDirty');
      expect(lanes[targetLane(lanes, 'writeback')].kind).toBe('dirty');
    }
  });

  it('give each target of a question its own shape', () => {
    expect(new Set([0, 1, 2, 3].map(targetShape)).size).toBe(4);
    expect(new Set(['dirty', 'cpuDirty', 'writeback'].map((t) => targetShape(t as 'dirty'))).size).toBe(3);
  });

  it('draw one glyph per page at one page a cell, at the page cell in the lane', () => {
    const g = layout(data, 1200, 64, { font: 13 }, 800);
    expect(g.pagesPerCell).toBe(1);
    const items = layersOf([{ region: 0, page: 70, target: 1 }, { region: 0, page: 71, target: 0 }], 'mark');
    const gl = glyphs(g, items);
    expect(gl).toHaveLength(2);
    const r = g.regions[0];
    expect(gl[0]).toMatchObject({ x: g.gutter + 6 * g.cellW, y: laneTop(g, r, 1, targetLane(lanes, 1)), state: 'mark', pages: 1, target: 1 });
    expect(gl[1].y).toBe(laneTop(g, r, 1, targetLane(lanes, 0)));
  });

  it('gather the marks of a cell of many pages into one glyph showing the worst news', () => {
    const g = layout(data, 300, 1024, { font: 13 }, 200);
    expect(g.pagesPerCell).toBeGreaterThan(1);
    const per = g.pagesPerCell;
    const grade = {
      correct: [{ region: 0, page: 0, target: 1 }],
      missed: [{ region: 0, page: 1, target: 1 }],
      wrong: [{ region: 0, page: per, target: 1 }],
    };
    const gl = glyphs(g, answerLayers([], grade));
    expect(gl).toHaveLength(2);
    expect(gl[0]).toMatchObject({ state: 'missed', pages: 2, x: g.gutter });
    expect(gl[1]).toMatchObject({ state: 'wrong', pages: 1, x: g.gutter + g.cellW });
    // marks past the region's end, or of regions not shown, draw nothing
    expect(glyphs(g, layersOf([{ region: 0, page: 1 << 20, target: 1 }, { region: 99, page: 0, target: 1 }], 'mark'))).toEqual([]);
  });

  it('draw the marks of a whole region in one pass (a million pages of bits, a glyph per cell)', () => {
    const g = layout(data, 1200, 1024, { font: 13 }, 600);
    const bits = new Uint8Array(1 << 20).fill(1);
    const t0 = performance.now();
    const gl = glyphs(g, [{ region: 0, target: 1, state: 'mark', bits }]);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(gl).toHaveLength(Math.ceil(map.regions[0].pages / g.pagesPerCell));
    expect(gl.reduce((n, x) => n + x.pages, 0)).toBe(map.regions[0].pages);
  });

  it("show the wrong marks whole when the grade's lists are cut short: the answer less the right ones", () => {
    const bits = new Uint8Array(10).fill(1);
    const grade = {
      correct: [0, 1, 2].map((page) => ({ region: 0, page, target: 1 })),
      missed: [{ region: 0, page: 20, target: 1 }],
      wrong: [{ region: 0, page: 3, target: 1 }],
      counts: { correct: 3, missed: 1, wrong: 7 },
    };
    const layers = answerLayers([{ region: 0, target: 1, bits }], grade);
    const wrong = layers.filter((l) => l.state === 'wrong');
    expect(wrong).toHaveLength(1);
    expect([...wrong[0].bits]).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    // a right list cut short too: only what is listed
    const cut = answerLayers([{ region: 0, target: 1, bits }], { ...grade, counts: { ...grade.counts, correct: 5 } });
    expect([...cut.find((l) => l.state === 'wrong')!.bits]).toEqual([0, 0, 0, 1]);
  });

  it('cover whole cells from one end of a drag to the other, either way', () => {
    expect(dragRange(5, 2, 1, 100)).toEqual({ first: 2, count: 4 });
    expect(dragRange(17, 70, 16, 100)).toEqual({ first: 16, count: 64 });
    expect(dragRange(70, 17, 16, 72)).toEqual({ first: 16, count: 56 });
  });
});
