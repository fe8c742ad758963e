/**
 * `loadCapture`: a real H100 capture with the scenario it names, driven through the engine service as both hosts
 * drive it. The model's run as captured becomes the loaded run; the comparison agrees with the capture on every
 * exact counter; a broken capture comes back located by line and field, and the loaded run stays.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CaptureComparisonView, EngineResponse, OkResponse } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');
const capture = (name: string) => readFileSync(new URL(`../fixtures/captures/${name}.jsonl`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

function loadCapture(service: EngineService, name: string, text = capture(name)): EngineResponse {
  return service.handle({ type: 'loadCapture', id: 3, capture: text, captureName: `${name}.jsonl`, scenario: scenario(name), scenarioName: `${name}.yaml` });
}

const row = (c: CaptureComparisonView, name: string) => c.counters.find((r) => r.name === name)!;

describe('loadCapture', () => {
  it('loads first-touch as captured: the run replaces the loaded one and every exact counter agrees', () => {
    const service = new EngineService();
    ok(service.handle({ type: 'load', id: 1, source: scenario('default'), fileName: 'default.yaml' }));
    const r = ok(loadCapture(service, 'first-touch'));
    expect(r.id).toBe(3);
    expect(r.run!.fileName).toBe('first-touch.yaml');
    expect(r.run!.scenario).toBe('First touch: where pages land');
    // the run is the scenario as the H100 ran it: its GPU is the capture's 80 GB
    expect(r.run!.processors[1].memoryBytes).toBeGreaterThan(79 * 2 ** 30);
    const c = r.capture!;
    expect(c.machine.gpu).toBe('NVIDIA H100 80GB HBM3');
    expect(c.machine.driverVersion).toBe('580.159.04');
    expect(c.ok).toBe(true);
    const exact = c.counters.filter((x) => x.cls === 'exact');
    expect(exact.map((x) => x.name)).toEqual(['htod_bytes', 'dtoh_bytes', 'dtod_bytes', 'cpu_faults', 'remote_maps', 'eviction_bytes']);
    for (const x of exact) {
      expect(x.ok, x.name).toBe(true);
      expect(x.model).toBe(x.real);
    }
    expect(row(c, 'htod_bytes').real).toBeGreaterThan(0);
    expect(row(c, 'time_ns').ok).toBeNull();
    // the per-step table sums to the totals on both sides, and each step points at the model's first step of its op
    for (const name of ['htod_bytes', 'dtoh_bytes', 'cpu_faults']) {
      expect(c.steps.reduce((n, s) => n + s.model[name], 0)).toBe(row(c, name).model);
      expect(c.steps.reduce((n, s) => n + s.real[name], 0)).toBe(row(c, name).real);
    }
    expect(c.steps.every((s) => s.differs.length === 0)).toBe(true);
    expect(c.steps.map((s) => s.firstStep)).toEqual(r.run!.ops.map((o) => o.firstStep));
    const moved = c.steps.find((s) => s.real.htod_bytes > 0)!;
    expect(moved.captured).toBe(true);
    expect(moved.realEnd).toBeGreaterThan(moved.realStart);
    expect(moved.modelEnd).toBeGreaterThan(moved.modelStart);
    // the records come in columns, each in a captured step; the htod bytes add up to the counter
    const rec = c.records;
    expect(rec.count).toBeGreaterThan(0);
    let htod = 0;
    for (let i = 0; i < rec.count; i++) {
      expect(rec.step[i]).toBeGreaterThanOrEqual(0);
      if (rec.kinds[rec.kind[i]] === 'htod') htod += rec.bytes[i];
    }
    expect(htod).toBe(row(c, 'htod_bytes').real);
    // the model's copies likewise, in simulated time within their op
    let modelHtod = 0;
    for (let i = 0; i < c.modelCopies.count; i++) {
      if (c.modelCopies.dir[i] === 0) modelHtod += c.modelCopies.bytes[i];
      expect(c.modelCopies.end[i]).toBeGreaterThanOrEqual(c.modelCopies.start[i]);
    }
    expect(modelHtod).toBe(row(c, 'htod_bytes').model);
    // histograms: the same sizes both sides, byte for byte
    const h = c.histograms.find((x) => x.name === 'htod_transfers')!;
    expect(h.sizes.reduce((n, [b, , real]) => n + b * real, 0)).toBe(row(c, 'htod_bytes').real);
    // the debugger works on the model's side as usual
    const seek = ok(service.handle({ type: 'seek', id: 4, step: moved.firstStep }));
    expect(seek.state.op).toBe(moved.step);
  });

  it('thrashing agrees on htod_bytes and every exact counter', () => {
    const c = ok(loadCapture(new EngineService(), 'thrashing')).capture!;
    expect(row(c, 'htod_bytes').ok).toBe(true);
    expect(c.counters.filter((x) => x.cls === 'exact').every((x) => x.ok)).toBe(true);
    expect(c.records.count).toBe(84);
  });

  it('names the line and field of a broken capture, and keeps the loaded run', () => {
    const service = new EngineService();
    ok(service.handle({ type: 'load', id: 1, source: scenario('default'), fileName: 'default.yaml' }));
    const lines = capture('first-touch').split('\n');
    const at = lines.findIndex((l) => l.includes('"kind":"htod"'));
    lines[at] = lines[at].replace(/"bytes":\d+/, '"bytes":"lots"');
    const r = loadCapture(service, 'first-touch', lines.join('\n'));
    expect(r.type).toBe('error');
    if (r.type !== 'error') return;
    expect(r.diagnostics[0].location).toEqual({ file: 'first-touch.jsonl', line: at + 1, column: 1 });
    expect(r.diagnostics[0].path).toBe('bytes');
    expect(r.diagnostics[0].message).toMatch(/bytes|number|integer/);
    // the default scenario is still the loaded run
    expect(ok(service.handle({ type: 'state', id: 2 })).state.totalSteps).toBeGreaterThan(0);
  });

  it('refuses a capture of another plan, and a capture whose scenario was not sent', () => {
    const service = new EngineService();
    const wrong = service.handle({ type: 'loadCapture', id: 5, capture: capture('thrashing'), captureName: 'thrashing.jsonl', scenario: scenario('first-touch'), scenarioName: 'first-touch.yaml' });
    expect(wrong.type === 'error' && wrong.diagnostics[0].message).toMatch(/another plan/);
    const none = service.handle({ type: 'loadCapture', id: 6, capture: capture('thrashing'), captureName: 'thrashing.jsonl', scenario: '', scenarioName: '' });
    expect(none.type === 'error' && none.diagnostics[0].message).toMatch(/thrashing\.yaml/);
  });
});
