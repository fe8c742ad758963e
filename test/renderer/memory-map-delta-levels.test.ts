/**
 * The memory map drawn from deltas: the panel writes each delta into the arrays it holds (delta.ts) and the renderer
 * reads again only the pages the deltas carried (renderer.ts setData's `dirty`, merged when two answers reach it as
 * one render, use-memory-map.ts). Its lane levels and aggregated cells must equal those computed from scratch from
 * the full answer, at every step drawn, forwards and backwards, over real runs of the engine service.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, MemoryMapDelta, MemoryMapResult, OkResponse, ViewQuery } from '../../src/protocol';
import { isMemoryMapDelta } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { applyDelta, mergeDirty } from '../../src/renderer/panels/memory-map/delta';
import { aggregate, patchAggregate, regionData, updateRegionData, type Aggregate, type RegionData } from '../../src/renderer/panels/memory-map/layout';

const yaml = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(JSON.stringify(r.diagnostics));
  return r;
}

function session(name: string) {
  const service = new EngineService();
  let id = 1;
  const run = ok(service.handle({ type: 'load', id: id++, source: yaml(name), fileName: `${name}.yaml` })).run!;
  const view = <R>(query: ViewQuery) => ok(service.handle({ type: 'view', id: id++, query })).view as R;
  return { run, seek: (step: number) => ok(service.handle({ type: 'seek', id: id++, step })), view };
}

const PER_CELL = 16;

describe('the memory map drawn from deltas', () => {
  for (const name of ['oversubscription', 'gaia-maquire', 'two-gpus']) {
    it(`${name}: levels and cells patched from deltas equal a full answer's, drawing every answer or every third`, () => {
      const s = session(name);
      const n = s.run.totalSteps;
      // a window where pages change: the first probe that shows changes
      let start = Math.floor(n / 3);
      for (let k = 1; k < 24; k++) {
        s.seek(Math.floor((n * k) / 24));
        if (s.view<MemoryMapResult>({ view: 'memoryMap' }).regions.some((r) => r.changed.length)) {
          start = Math.max(30, Math.floor((n * k) / 24) - 15);
          break;
        }
      }
      const path: number[] = [];
      for (let i = 0; i <= 30; i++) path.push(Math.min(n - 1, start + i));
      for (let i = 29; i >= 0; i--) path.push(Math.min(n - 1, start + i) - 20);
      for (const every of [1, 3]) {
        s.seek(path[0]);
        let held = s.view<MemoryMapResult>({ view: 'memoryMap' });
        let data: RegionData[] = held.regions.map((r) => regionData(r, held.processors));
        const aggs: Aggregate[] = data.map((d) => aggregate(d, PER_CELL));
        let pending: (Uint32Array | null)[] | null | undefined;
        let drawnChanges = 0;
        path.slice(1).forEach((step, k) => {
          s.seek(step);
          const answer = s.view<MemoryMapResult | MemoryMapDelta>({ view: 'memoryMap', base: held.step });
          expect(isMemoryMapDelta(answer)).toBe(true);
          const patched = applyDelta(held, answer as MemoryMapDelta)!;
          held = patched.result;
          pending = pending === null ? null : mergeDirty(pending, patched.dirty);
          if ((k + 1) % every) return;
          // drawn: as renderer.ts setData with `dirty`
          const full = s.view<MemoryMapResult>({ view: 'memoryMap' });
          data = held.regions.map((r, j) => {
            const { data: d, dirty } = updateRegionData(data[j], r, held.processors, pending ? pending[j] : null);
            if (dirty) patchAggregate(d, aggs[j], dirty);
            else aggs[j] = aggregate(d, PER_CELL);
            return d;
          });
          pending = undefined;
          full.regions.forEach((r, j) => {
            const want = regionData(r, full.processors);
            const wantAgg = aggregate(want, PER_CELL);
            drawnChanges += r.changed.length;
            want.levels.forEach((l, lane) => expect(Buffer.from(data[j].levels[lane]).equals(Buffer.from(l)), `step ${step} ${r.name} lane ${lane}`).toBe(true));
            want.levelsBefore.forEach((l, lane) => expect(Buffer.from(data[j].levelsBefore[lane]).equals(Buffer.from(l)), `step ${step} ${r.name} before ${lane}`).toBe(true));
            wantAgg.levels.forEach((l, lane) => expect(Buffer.from(aggs[j].levels[lane]).equals(Buffer.from(l)), `step ${step} ${r.name} cells ${lane}`).toBe(true));
          });
        });
        expect(drawnChanges).toBeGreaterThan(0);
      }
    });
  }
});
