/** The `exportTrace` request: the whole run as Chrome trace-event JSON, the same as `uvmscope run --trace`, cursor kept. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

interface Ev {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  cat?: string;
  args?: Record<string, unknown>;
}

describe('exportTrace', () => {
  it('answers the run as trace-event JSON with copies, fault batches and named tracks, and leaves the cursor', () => {
    const service = new EngineService();
    const loaded = ok(service.handle({ type: 'load', id: 1, source: scenario('default'), fileName: 'default.yaml' }));
    ok(service.handle({ type: 'seek', id: 2, step: 5 }));
    const r = ok(service.handle({ type: 'exportTrace', id: 3 }));
    expect(r.state.step).toBe(5);
    const trace = JSON.parse(r.traceText!) as { traceEvents: Ev[]; displayTimeUnit: string; metadata: { scenario: string; steps: number; trace_events: number } };
    expect(trace.displayTimeUnit).toBe('ns');
    expect(trace.metadata.steps).toBe(loaded.run!.totalSteps);
    expect(trace.metadata.trace_events).toBe(trace.traceEvents.length);
    const copies = trace.traceEvents.filter((e) => e.cat === 'copy' && e.ph === 'X');
    expect(copies.length).toBeGreaterThan(0);
    expect(copies.every((e) => typeof e.args?.bytes === 'number' && (e.args.bytes as number) > 0 && (e.dur ?? 0) > 0)).toBe(true);
    expect(trace.traceEvents.some((e) => e.name === 'fault batch' && e.ph === 'X')).toBe(true);
    expect(trace.traceEvents.filter((e) => e.name === 'thread_name' && e.ph === 'M').length).toBeGreaterThan(2);
    // the total copied equals the run's counters at its end
    ok(service.handle({ type: 'seek', id: 4, step: loaded.run!.totalSteps - 1 }));
    const end = ok(service.handle({ type: 'state', id: 5 })).state.counters;
    const htod = copies.filter((e) => e.name.startsWith('copy') && e.tid === 300).reduce((s, e) => s + (e.args!.bytes as number), 0);
    expect(htod).toBe(end.htod_bytes);
  });

  it('refuses before a scenario is loaded', () => {
    const r = new EngineService().handle({ type: 'exportTrace', id: 1 });
    expect(r.type).toBe('error');
  });
});
