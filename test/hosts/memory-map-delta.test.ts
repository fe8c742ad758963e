/**
 * The memory map's deltas (protocol MemoryMapDelta): a renderer that holds the full answer of one step, asks with it
 * as `base` and writes each delta into its arrays (renderer/panels/memory-map/delta.ts applyDelta) holds, step after
 * step, forwards and backwards and across small jumps, exactly the full answer the host sends without `base`, byte
 * for byte; long jumps are answered whole; a delta from a step the asker does not hold is refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, MemoryMapDelta, MemoryMapResult, OkResponse, ViewQuery } from '../../src/protocol';
import { isMemoryMapDelta } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { DELTA_MAX_STEPS } from '../../src/hosts/views/memory';
import { applyDelta } from '../../src/renderer/panels/memory-map/delta';

const yaml = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

class Session {
  readonly service = new EngineService();
  readonly totalSteps: number;
  private id = 1;
  constructor(name: string) {
    this.totalSteps = ok(this.service.handle({ type: 'load', id: this.id++, source: yaml(name), fileName: `${name}.yaml` })).run!.totalSteps;
  }
  seek(step: number) {
    return ok(this.service.handle({ type: 'seek', id: this.id++, step })).state;
  }
  view<R>(query: ViewQuery): R {
    return ok(this.service.handle({ type: 'view', id: this.id++, query })).view as R;
  }
}

/** Every field of two full answers, arrays byte for byte. */
function expectSame(patched: MemoryMapResult, full: MemoryMapResult): void {
  expect(patched.step).toBe(full.step);
  expect(patched.processors).toBe(full.processors);
  expect(patched.regions.length).toBe(full.regions.length);
  patched.regions.forEach((a, k) => {
    const b = full.regions[k];
    const where = `step ${full.step}, region ${b.name}`;
    for (const key of ['index', 'name', 'kind', 'va', 'cpuVa', 'pages', 'firstBlock', 'blocks'] as const) expect(a[key], `${where}: ${key}`).toBe(b[key]);
    for (const key of ['state', 'pte', 'cache', 'changed', 'stateBefore', 'pteBefore', 'cacheBefore'] as const) {
      const x = a[key];
      const y = b[key];
      expect(x === null, `${where}: ${key} null`).toBe(y === null);
      if (x && y) expect(Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength)), `${where}: ${key}`).toBe(true);
    }
  });
}

/** Bytes an answer carries (what a Worker posts). */
const bytesOf = (r: MemoryMapResult | MemoryMapDelta) =>
  (r.regions as readonly { state: Uint8Array; pte: Uint8Array | null; cache: Uint8Array | null }[]).reduce((n, x) => n + x.state.length + (x.pte?.length ?? 0) + (x.cache?.length ?? 0), 0);

/**
 * Walk `path` (cursor steps) holding a patched answer; at each step compare it with the full answer. Returns how many
 * answers were deltas and the bytes they carried against the full answers'.
 */
function walk(s: Session, path: readonly number[]) {
  s.seek(path[0]);
  let held = s.view<MemoryMapResult>({ view: 'memoryMap' });
  expect(isMemoryMapDelta(held)).toBe(false);
  let deltas = 0;
  let changed = 0;
  let deltaBytes = 0;
  let fullBytes = 0;
  for (const step of path.slice(1)) {
    s.seek(step);
    const answer = s.view<MemoryMapResult | MemoryMapDelta>({ view: 'memoryMap', base: held.step });
    const full = s.view<MemoryMapResult>({ view: 'memoryMap' });
    fullBytes += bytesOf(full);
    if (isMemoryMapDelta(answer)) {
      deltas++;
      deltaBytes += bytesOf(answer);
      expect(answer.base).toBe(held.step);
      const patched = applyDelta(held, answer);
      expect(patched, `step ${step}`).not.toBeNull();
      held = patched!.result;
    } else {
      deltaBytes += bytesOf(answer);
      held = answer;
    }
    expectSame(held, full);
    changed += full.regions.reduce((n, r) => n + r.changed.length, 0);
  }
  const moves = path.slice(1).filter((step, k) => Math.abs(step - path[k]) <= DELTA_MAX_STEPS).length;
  return { deltas, changed, deltaBytes, fullBytes, moves };
}

const range = (a: number, b: number) => {
  const out: number[] = [];
  if (a <= b) for (let i = a; i <= b; i++) out.push(i);
  else for (let i = a; i >= b; i--) out.push(i);
  return out;
};

describe('memory map deltas', () => {
  // managed memory (oversubscription: evictions; two GPUs), a file through GAIA and the page cache, HMM's anonymous
  // memory, gdrcopy's device buffers
  for (const name of ['oversubscription', 'two-gpus-read-mostly', 'gaia-maquire', 'hmm-migrate', 'gdrcopy-vs-migration']) {
    it(`${name}: patched answers equal full ones, forwards, backwards and over small jumps`, () => {
      const s = new Session(name);
      const n = s.totalSteps;
      const N = Math.min(40, Math.floor(n / 4));
      // windows around steps that change pages (the first two of 24 evenly spread probes that do)
      const starts: number[] = [];
      for (let k = 1; k < 24 && starts.length < 2; k++) {
        const probe = Math.floor((n * k) / 24);
        s.seek(probe);
        if (s.view<MemoryMapResult>({ view: 'memoryMap' }).regions.some((r) => r.changed.length > 0)) starts.push(Math.max(N, probe - (N >> 1)));
      }
      expect(starts.length).toBeGreaterThan(0);
      let deltas = 0;
      let moves = 0;
      let changed = 0;
      let deltaBytes = 0;
      let fullBytes = 0;
      for (const a of starts) {
        // N steps forwards, then N back, then jumps of a few steps either way (and one step past the first)
        const path = [...range(a, a + N), ...range(a + N - 1, a - N), a - N + 7, a - N + 2, a - N + 30, 0, 1, 2, 1];
        const r = walk(s, path.filter((x) => x >= 0 && x < n));
        deltas += r.deltas;
        moves += r.moves;
        changed += r.changed;
        deltaBytes += r.deltaBytes;
        fullBytes += r.fullBytes;
      }
      // each short move was answered with a delta (the jumps back to step 0 may be long)
      expect(deltas).toBe(moves);
      // the walk saw changes to patch, and the deltas carried less than the full answers
      expect(changed).toBeGreaterThan(0);
      expect(deltaBytes).toBeLessThan(fullBytes);
    });
  }

  it('a long jump is answered whole; a base the host cannot patch from is answered whole', () => {
    const s = new Session('oversubscription');
    const far = Math.min(s.totalSteps - 1, DELTA_MAX_STEPS * 2 + 10);
    s.seek(far);
    expect(isMemoryMapDelta(s.view<MemoryMapResult | MemoryMapDelta>({ view: 'memoryMap', base: 0 }))).toBe(false);
    expect(isMemoryMapDelta(s.view<MemoryMapResult | MemoryMapDelta>({ view: 'memoryMap', base: -1 }))).toBe(false);
    expect(isMemoryMapDelta(s.view<MemoryMapResult | MemoryMapDelta>({ view: 'memoryMap', base: s.totalSteps }))).toBe(false);
    expect(isMemoryMapDelta(s.view<MemoryMapResult | MemoryMapDelta>({ view: 'memoryMap', base: 1.5 }))).toBe(false);
    expect(isMemoryMapDelta(s.view<MemoryMapResult | MemoryMapDelta>({ view: 'memoryMap', base: far - 1 }))).toBe(true);
  });

  it('a delta from another step than the one held does not fit (the renderer then asks whole)', () => {
    const s = new Session('oversubscription');
    s.seek(100);
    const held = s.view<MemoryMapResult>({ view: 'memoryMap' });
    s.seek(102);
    const d = s.view<MemoryMapDelta>({ view: 'memoryMap', base: 101 });
    expect(isMemoryMapDelta(d)).toBe(true);
    const before = held.regions.map((r) => r.state.slice());
    expect(applyDelta(held, d)).toBeNull();
    // nothing was written
    held.regions.forEach((r, k) => expect(Buffer.from(r.state).equals(Buffer.from(before[k]))).toBe(true));
  });
});
