/**
 * The engine service behind both hosts: load with progress and located errors, the
 * debugger's motions, breakpoints with hit counts and stops, and views — driven directly,
 * as the Worker and the utilityProcess drive it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

function loaded(name = 'default'): { service: EngineService; first: OkResponse } {
  const service = new EngineService();
  const first = ok(service.handle({ type: 'load', id: 1, source: scenario(name), fileName: `${name}.yaml` }));
  return { service, first };
}

describe('EngineService', () => {
  it('loads a scenario, reports progress per op and describes the run', () => {
    const service = new EngineService();
    const progress: [number, number][] = [];
    const r = ok(service.handle({ type: 'load', id: 7, source: scenario('default'), fileName: 'default.yaml' }, (d, t) => progress.push([d, t])));
    expect(r.id).toBe(7);
    const run = r.run!;
    expect(run.scenario).toContain('A first tour');
    expect(progress.length).toBe(run.ops.length);
    expect(progress.at(-1)).toEqual([run.ops.length, run.ops.length]);
    expect(run.processors.map((p) => p.name)).toEqual(['cpu', 'gpu0']);
    expect(run.regions[0]).toMatchObject({ name: 'data', kind: 'managed', bytes: 16 << 20, blocks: 8 });
    // ops tile the run: each starts after the previous ends
    const real = run.ops.filter((o) => o.firstStep >= 0);
    for (let i = 1; i < real.length; i++) expect(real[i].firstStep).toBe(real[i - 1].lastStep + 1);
    expect(run.functions.uvm_va_block_make_resident ?? run.functions.uvm_va_block_make_resident_copy).toBeDefined();
    expect(run.ops.find((o) => o.op === 'gpu.kernel')!.label).toBe('gpu0 kernel: read data sequential');
    expect(r.state.step).toBe(0);
    expect(r.state.totalSteps).toBe(run.totalSteps);
  });

  it('refuses a bad scenario with located diagnostics and keeps the loaded run', () => {
    const { service } = loaded();
    const bad = scenario('default').replace('{ name: data, size: 16MiB }', '{ name: data, size: lots }');
    const r = service.handle({ type: 'load', id: 2, source: bad, fileName: 'bad.yaml' });
    expect(r.type).toBe('error');
    if (r.type !== 'error') return;
    expect(r.diagnostics[0].location).toMatchObject({ file: 'bad.yaml' });
    expect(r.diagnostics[0].location!.line).toBeGreaterThan(1);
    expect(r.diagnostics[0].path).toContain('regions[0]');
    // the previous run still answers
    expect(ok(service.handle({ type: 'state', id: 3 })).state.totalSteps).toBeGreaterThan(100);
  });

  it('answers before any load with a message, not a crash', () => {
    const r = new EngineService().handle({ type: 'step', id: 1, granularity: 'into', direction: 'forward' });
    expect(r).toEqual({ type: 'error', id: 1, diagnostics: [{ message: 'no scenario is loaded yet' }] });
  });

  it('steps like a debugger: into, over, out, op, and back again to the same digest', () => {
    const { service, first } = loaded();
    const d0 = first.state.digest;
    const a = ok(service.handle({ type: 'step', id: 2, granularity: 'into', direction: 'forward' })).state;
    expect(a.step).toBe(1);
    const next = ok(service.handle({ type: 'step', id: 3, granularity: 'op', direction: 'forward' })).state;
    expect(next.op).toBeGreaterThan(a.op);
    // over never goes deeper than where it started
    const deep = ok(service.handle({ type: 'seek', id: 4, step: 200 })).state;
    const over = ok(service.handle({ type: 'step', id: 5, granularity: 'over', direction: 'forward' })).state;
    expect(over.stack.length).toBeLessThanOrEqual(deep.stack.length);
    const out = ok(service.handle({ type: 'step', id: 6, granularity: 'out', direction: 'forward' })).state;
    expect(out.stack.length).toBeLessThan(over.stack.length);
    const back = ok(service.handle({ type: 'seek', id: 7, step: 0 })).state;
    expect(back.digest).toBe(d0);
    const atStart = ok(service.handle({ type: 'step', id: 8, granularity: 'into', direction: 'backward' }));
    expect(atStart.stoppedBy).toEqual({ reason: 'start' });
  });

  it('continue stops at breakpoints, reverse continue goes back to them, and hit counts are real', () => {
    const { service } = loaded('oversubscription');
    const r = ok(service.handle({ type: 'breakpoints', id: 2, breakpoints: [{ id: 1, spec: 'evictChunk', enabled: true }, { id: 2, spec: 'nosuchkind', enabled: true }] }));
    const [good, bad] = r.breakpoints!;
    expect(good.ok).toBe(true);
    expect(good.hitCount).toBeGreaterThan(0);
    expect(good.hitSteps.length).toBe(Math.min(good.hitCount, 2000));
    expect(bad.ok).toBe(false);
    expect(bad.error!.message).toMatch(/nosuchkind/);
    const stop = ok(service.handle({ type: 'step', id: 3, granularity: 'continue', direction: 'forward' }));
    expect(stop.stoppedBy).toMatchObject({ reason: 'breakpoint', breakpoint: 1 });
    expect(stop.state.step).toBe(good.hitSteps[0]);
    expect(stop.state.transitions.some((t) => t.kind === 'evictChunk')).toBe(true);
    const again = ok(service.handle({ type: 'step', id: 4, granularity: 'continue', direction: 'forward' }));
    expect(again.state.step).toBe(good.hitSteps[1]);
    const back = ok(service.handle({ type: 'step', id: 5, granularity: 'continue', direction: 'backward' }));
    expect(back.state.step).toBe(good.hitSteps[0]);
  });

  it('serves block, PMM, page-tree, memory-map, window and why views at the cursor', () => {
    const { service, first } = loaded();
    const end = first.run!.totalSteps - 1;
    ok(service.handle({ type: 'seek', id: 2, step: end }));
    const map = ok(service.handle({ type: 'view', id: 3, query: { view: 'memoryMap' } })).view;
    expect(map?.view).toBe('memoryMap');
    if (map?.view !== 'memoryMap') return;
    expect(map.regions[0].pages).toBe(4096);
    expect(map.regions[0].state.length).toBe(4096 * map.processors);
    const block = ok(service.handle({ type: 'view', id: 4, query: { view: 'block', block: 0 } })).view;
    expect(block?.view === 'block' && block.processors.length).toBe(2);
    const pmm = ok(service.handle({ type: 'view', id: 5, query: { view: 'pmm', gpu: 1 } })).view;
    expect(pmm?.view === 'pmm' && pmm.chunks.length).toBeGreaterThan(0);
    const w = ok(service.handle({ type: 'view', id: 6, query: { view: 'window', fromStep: 0, toStep: 50, limit: 10 } })).view;
    expect(w?.view === 'window' && w.transitions.length).toBe(10);
    if (w?.view !== 'window') return;
    const why = ok(service.handle({ type: 'view', id: 7, query: { view: 'why', transition: w.transitions[9].index } })).view;
    expect(why?.view === 'why' && why.causes.length).toBeGreaterThan(0);
    const unknown = service.handle({ type: 'view', id: 8, query: { view: '__proto__' } as never });
    expect(unknown.type).toBe('error');
  });
});
