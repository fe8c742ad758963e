/**
 * A scenario's `open:` bookmark through the engine service: the run info says which step to open at (the first step
 * of the op after the bookmark), the load itself leaves the cursor where the request asked, and a seek there shows
 * the path's narration with the bookmark's state.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { EngineService, openStep } from '../../src/hosts/service';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

function load(name: string, source = scenario(name)) {
  const service = new EngineService();
  const first = ok(service.handle({ type: 'load', id: 1, source, fileName: `${name}.yaml` }));
  return { service, first, run: first.run! };
}

describe('opening a scenario at its bookmark', () => {
  it('gaia-maquire opens after `cpu-wrote`, on the note that introduces maquire, with the state of the bookmark', () => {
    const { service, first, run } = load('gaia-maquire');
    const mark = run.ops.find((o) => o.op === 'bookmark' && o.text === 'cpu-wrote')!;
    // the question for predict mode (an ask, which takes no step) comes first, then the note that introduces maquire
    expect(run.ops[mark.index + 1].op).toBe('ask');
    const next = run.ops[mark.index + 2];
    expect(next.op).toBe('note');
    expect(run.open).toEqual({ bookmark: 'cpu-wrote', step: next.firstStep });
    // the load itself does not move the cursor: the renderer seeks (a reload after a cancel keeps its own cursor)
    expect(first.state.step).toBe(0);
    const atMark = ok(service.handle({ type: 'seek', id: 2, step: mark.firstStep }));
    const opened = ok(service.handle({ type: 'seek', id: 3, step: run.open!.step }));
    expect(opened.state.op).toBe(next.index);
    expect(opened.state.narration).toMatch(/^maquire\(start, len, MA_PROC_NVIDIA\)/);
    // the bookmark's own step still tells the CPU's writes; the state is the same
    expect(atMark.state.narration).toMatch(/^The CPU writes 64 KiB/);
    expect(opened.state.digest).toBe(atMark.state.digest);
    // stepping on from there enters maquire
    const maquire = run.ops.find((o) => o.op === 'gaia.maquire')!;
    ok(service.handle({ type: 'step', id: 4, granularity: 'op', direction: 'forward' }));
    const inPath = ok(service.handle({ type: 'step', id: 5, granularity: 'op', direction: 'forward' }));
    expect(inPath.state.step).toBe(maquire.firstStep);
  });

  it('the other built-ins open just before get_page_from_gpu, a root chunk eviction and a device chunk eviction', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['gaia-get-page-from-gpu', 'released', /^The CPU reads the first 64 KiB/],
      ['oversubscription', 'first-pass', /^Second pass/],
      ['hmm-evict-chunk', 'gpu-wrote', /^hmm\.evict of chunk 0/],
    ];
    for (const [name, bookmark, narration] of cases) {
      const { service, run } = load(name);
      expect(run.open?.bookmark, name).toBe(bookmark);
      const opened = ok(service.handle({ type: 'seek', id: 2, step: run.open!.step }));
      expect(opened.state.narration, name).toMatch(narration);
    }
    // oversubscription: the first eviction of the second pass is a few dozen steps on
    const { service, run } = load('oversubscription');
    ok(service.handle({ type: 'seek', id: 2, step: run.open!.step }));
    const bp = ok(service.handle({ type: 'breakpoints', id: 3, breakpoints: [{ id: 1, spec: 'evictChunk', enabled: true }] }));
    expect(bp.breakpoints![0].ok).toBe(true);
    const stop = ok(service.handle({ type: 'step', id: 4, granularity: 'continue', direction: 'forward' }));
    expect(stop.stoppedBy).toMatchObject({ reason: 'breakpoint', breakpoint: 1 });
    expect(stop.state.step - run.open!.step).toBeGreaterThan(0);
    expect(stop.state.step - run.open!.step).toBeLessThan(100);
  });

  it('says nothing for a scenario without `open`, and the CLI-facing run is unchanged by it', () => {
    expect('open' in load('default').run).toBe(false);
    const text = scenario('gaia-maquire');
    const without = load('gaia-maquire', text.replace(/^open: .*$/m, ''));
    const withOpen = load('gaia-maquire', text);
    expect('open' in without.run).toBe(false);
    expect(withOpen.run.totalSteps).toBe(without.run.totalSteps);
    expect(withOpen.run.totalTransitions).toBe(without.run.totalTransitions);
    expect(withOpen.first.state.digest).toBe(without.first.state.digest);
    const end = (s: EngineService) => ok(s.handle({ type: 'seek', id: 9, step: 1e9 })).state;
    expect(end(withOpen.service).digest).toBe(end(without.service).digest);
    expect(end(withOpen.service).counters).toEqual(end(without.service).counters);
  });

  it('refuses an unknown bookmark with a located diagnostic', () => {
    const service = new EngineService();
    const r = service.handle({ type: 'load', id: 1, source: scenario('gaia-maquire').replace('open: cpu-wrote', 'open: cpu-wrot'), fileName: 'm.yaml' });
    expect(r.type).toBe('error');
    if (r.type !== 'error') return;
    expect(r.diagnostics).toEqual([
      {
        message: expect.stringContaining('bookmark "cpu-wrot" is not defined') as string,
        path: 'open',
        location: { file: 'm.yaml', line: 12, column: 7 },
      },
    ]);
    expect(r.diagnostics[0].message).toContain('did you mean `cpu-wrote`?');
  });

  it('opens on the bookmark itself when it is the last op', () => {
    const ops = [
      { index: 0, op: 'note', label: '', firstStep: 0, lastStep: 1, line: 1 },
      { index: 1, op: 'bookmark', label: '', firstStep: 2, lastStep: 3, line: 2, text: 'end' },
    ];
    expect(openStep(ops, 'end')).toBe(2);
    expect(openStep([...ops, { index: 2, op: 'note', label: '', firstStep: 4, lastStep: 5, line: 3 }], 'end')).toBe(4);
    expect(openStep(ops, 'missing')).toBe(0);
  });
});
