/**
 * The radix view, driven through the engine service as the hosts drive it: the page cache of gaia-maquire and
 * gaia-get-page-from-gpu at their bookmarks (CPU_DIRTY set by the CPU's writes and walked away by maquire, GPU pages
 * dropped, TSVT versions raised by mrelease and absorbed by get_page_from_gpu), what one step changed (tag clears
 * climbing the tree one level a step), a region without a page cache, and a big tree within its node budget.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse, RadixNodeInfo, RadixResult, ViewQuery } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';

const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

let nextId = 10;
function loaded(name: string, source = scenario(name)) {
  const service = new EngineService();
  const first = ok(service.handle({ type: 'load', id: 1, source, fileName: `${name}.yaml` }));
  const run = first.run!;
  const view = <R>(query: ViewQuery): R => ok(service.handle({ type: 'view', id: nextId++, query })).view as R;
  const seek = (step: number) => ok(service.handle({ type: 'seek', id: nextId++, step })).state;
  /** The last step of a bookmark's op (the state the bookmark names). */
  const bookmark = (name: string) => {
    const i = run.ops.findIndex((o) => o.op === 'bookmark' && o.text === name);
    if (i < 0) throw new Error(`no bookmark ${name}`);
    return run.ops[i].firstStep;
  };
  const radix = (query: Partial<Extract<ViewQuery, { view: 'radix' }>> = {}) => view<RadixResult>({ view: 'radix', region: 0, ...query });
  return { service, run, view, seek, bookmark, radix };
}

const bits = (ones: number[], n = 64) => Array.from({ length: n }, (_, k) => (ones.includes(k) ? '1' : '0')).join('');
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);
const leaf = (r: RadixResult, base: number): RadixNodeInfo => {
  const n = r.nodes.find((x) => x.height === 0 && x.base === base);
  if (!n) throw new Error(`no leaf at ${base}`);
  return n;
};
const root = (r: RadixResult) => r.nodes.find((n) => n.parent === -1)!;

describe('radix view of gaia-maquire', () => {
  const s = loaded('gaia-maquire');

  it('after the GPU read: 32 GPU pages, ON_GPU on the first 2 MiB, no CPU_DIRTY', () => {
    s.seek(s.bookmark('gpu-read'));
    const r = s.radix();
    expect(r.cached).toBe(true);
    expect(r.file).toBe('data.bin');
    expect(r.height).toBe(2);
    expect(r.nrpages).toBe(512);
    expect(r.nrGpuPages).toBe(32);
    expect(r.rootTags).toEqual(['ON_GPU']);
    expect(r.gpus).toEqual(['gpu0']);
    expect(r.versionProcs).toEqual(['gpu0', 'cpu', 'disk']);
    // a root (height 1) over 8 leaves of 64 pages: 0–511
    expect(r.totalNodes).toBe(9);
    expect(root(r).height).toBe(1);
    expect(root(r).slots).toEqual(range(0, 8));
    expect(root(r).gpuCount).toBe(32);
    expect(root(r).tags.ON_GPU).toBe(bits(range(0, 8)));
    const l = leaf(r, 256);
    expect(l.span).toBe(64);
    expect(l.count).toBe(64);
    expect(l.tags.ON_GPU).toBe('1'.repeat(64));
    expect(l.tags.CPU_DIRTY).toBe('0'.repeat(64));
    expect(l.gpuSlots).toEqual({ gpu0: [0, 1, 2, 3] });
    expect(l.gpuCount).toBe(4);
    expect(l.gpuPfns.gpu0.every((p) => p >= 0)).toBe(true);
    expect(l.slotValues).toHaveLength(64);
    // every copy at version 0, none stale
    expect(l.versions!.own[0]).toEqual(new Array(64).fill(0));
    expect(l.versions!.stale.every((x) => x === '0'.repeat(64))).toBe(true);
  });

  it('after the CPU writes: CPU_DIRTY on indices 256–271 and 768–769, up to the root', () => {
    s.seek(s.bookmark('cpu-wrote'));
    const r = s.radix();
    expect(r.rootTags).toEqual(['DIRTY', 'CPU_DIRTY', 'ON_GPU']);
    expect(r.nrpages).toBe(514);
    expect(leaf(r, 256).tags.CPU_DIRTY).toBe(bits(range(0, 16)));
    expect(leaf(r, 768).tags.CPU_DIRTY).toBe(bits([0, 1]));
    expect(leaf(r, 768).gpuSlots).toEqual({ gpu0: [] });
    // the root's bits say which leaves have CPU-dirty pages below them: 256/64 = 4, 768/64 = 12
    expect(root(r).tags.CPU_DIRTY).toBe(bits([4, 12]));
    expect(root(r).slots).toEqual([...range(0, 8), 12]);
  });

  it('after maquire: CPU_DIRTY gone, the GPU page of 256–271 dropped with its versions, count_gpu lowered up the tree', () => {
    s.seek(s.bookmark('maquire'));
    const r = s.radix();
    const l = leaf(r, 256);
    expect(l.tags.CPU_DIRTY).toBe('0'.repeat(64));
    expect(root(r).tags.CPU_DIRTY).toBe('0'.repeat(64));
    expect(r.rootTags).toEqual(['ON_GPU']);
    expect(l.tags.ON_GPU).toBe(bits(range(16, 64)));
    expect(l.gpuSlots).toEqual({ gpu0: [1, 2, 3] });
    expect(l.gpuPfns.gpu0[0]).toBe(-1);
    expect(l.gpuCount).toBe(3);
    expect(root(r).gpuCount).toBe(31);
    expect(r.nrGpuPages).toBe(31);
    // the GPU rows of the 16 slots were reset: no GPU copy any more
    expect(l.versions!.own[0].slice(0, 16)).toEqual(new Array(16).fill(-1));
    expect(l.versions!.own[0].slice(16)).toEqual(new Array(48).fill(0));
    // the CPU pages stay (maquire drops GPU copies only)
    expect(l.count).toBe(64);
  });

  it('the CPU_DIRTY clear climbs one level a step: the leaf bit, then the root slot, then the root tag', () => {
    const i = s.run.ops.findIndex((o) => o.op === 'gaia.maquire');
    const op = s.run.ops[i];
    const next = s.run.ops[i + 1];
    let leafStep = -1;
    let climbStep = -1;
    for (let step = op.firstStep; step < next.firstStep; step++) {
      s.seek(step);
      const r = s.radix();
      const l = r.nodes.find((n) => n.height === 0 && n.base === 256);
      if (l?.changed?.tags.CPU_DIRTY?.[15] === '1') leafStep = step;
      if (root(r).changed?.tags.CPU_DIRTY?.[4] === '1') {
        climbStep = step;
        break;
      }
    }
    // index 271 is the leaf's last CPU-dirty slot: clearing it empties the leaf's bitmap, so the clear climbs
    expect(leafStep).toBeGreaterThan(0);
    expect(climbStep).toBe(leafStep + 1);
    s.seek(climbStep);
    const r = s.radix();
    expect(r.stepChanged).toBe(true);
    expect(root(r).tags.CPU_DIRTY).toBe(bits([12]));
    // only the one bit changed there
    expect(root(r).changed!.tags.CPU_DIRTY).toBe(bits([4]));
    expect(leaf(r, 256).changed).toBeUndefined();
  });

  it('the step that drops the GPU page shows the emptied GPU slot', () => {
    const i = s.run.ops.findIndex((o) => o.op === 'gaia.maquire');
    let found = -1;
    for (let step = s.run.ops[i].firstStep; step < s.run.ops[i + 1].firstStep && found < 0; step++) {
      s.seek(step);
      const l = s.radix().nodes.find((n) => n.height === 0 && n.base === 256);
      if (l?.changed?.gpuSlots.gpu0?.includes(0)) found = step;
    }
    expect(found).toBeGreaterThan(0);
    s.seek(found);
    expect(leaf(s.radix(), 256).gpuSlots.gpu0).toEqual([1, 2, 3]);
    s.seek(found - 1);
    expect(leaf(s.radix(), 256).gpuSlots.gpu0).toEqual([0, 1, 2, 3]);
  });
});

describe('radix view of gaia-get-page-from-gpu', () => {
  const s = loaded('gaia-get-page-from-gpu');
  const own = (r: RadixResult, p: number) => leaf(r, 0).versions!.own[p].map((v) => (v < 0 ? '-' : String(v))).join('');
  const stale = (r: RadixResult, p: number) => leaf(r, 0).versions!.stale[p];

  it('mrelease raises the GPU version of the pages the GPU wrote; the CPU copy is stale there', () => {
    s.seek(s.bookmark('gpu-wrote'));
    let r = s.radix();
    expect(own(r, 0)).toBe('0'.repeat(64));
    expect(stale(r, 1)).toBe('0'.repeat(64));
    s.seek(s.bookmark('released'));
    r = s.radix();
    expect(own(r, 0)).toBe('1'.repeat(32) + '0'.repeat(32));
    expect(stale(r, 1)).toBe(bits(range(0, 32)));
    expect(stale(r, 0)).toBe('0'.repeat(64));
  });

  it('get_page_from_gpu absorbs the GPU version page by page as the CPU touches them', () => {
    s.seek(s.bookmark('pulled'));
    expect(stale(s.radix(), 1)).toBe(bits(range(16, 32)));
    s.seek(s.bookmark('all-pulled'));
    const r = s.radix();
    expect(stale(r, 1)).toBe('0'.repeat(64));
    // the GPU's own versions stay: the CPU learnt them, nothing lowered them
    expect(own(r, 0)).toBe('1'.repeat(32) + '0'.repeat(32));
  });

  it('a pull step marks the slot whose TSVT entry it changed', () => {
    const i = s.run.ops.findIndex((o) => o.op === 'gaia.mrelease');
    const from = s.run.ops[i + 1].firstStep;
    const to = s.bookmark('pulled');
    const changed = new Set<number>();
    for (let step = from; step <= to; step++) {
      s.seek(step);
      for (const slot of leaf(s.radix(), 0).changed?.versions ?? []) changed.add(slot);
    }
    expect([...changed].sort((a, b) => a - b)).toEqual(range(0, 16));
  });
});

describe('radix view edges', () => {
  it('a managed region has no page cache', () => {
    const s = loaded('oversubscription');
    const r = s.radix();
    expect(r.cached).toBe(false);
    expect(r.nodes).toEqual([]);
  });

  it('refuses a region the scenario does not have', () => {
    const s = loaded('gaia-maquire');
    const r = s.service.handle({ type: 'view', id: 99, query: { view: 'radix', region: 7 } });
    expect(r.type).toBe('error');
    if (r.type === 'error') expect(r.diagnostics[0].message).toMatch(/region 7 is outside 0\.\.0/);
  });

  it('a big tree stays within its node budget, collapsed nodes say so, and expand opens one', () => {
    const yaml = [
      'uvmscope: 1',
      'name: big',
      'regions:',
      '  - { name: big.bin, kind: file, size: 64MiB }',
      'steps:',
      '  - { op: cpu.mmap, region: big.bin }',
      '  - { op: cpu.read, region: big.bin, length: 64MiB }',
    ].join('\n');
    const s = loaded('big', yaml);
    s.seek(s.run.totalSteps - 1);
    // 16384 pages: 256 leaves under 4 nodes of height 1 under the root
    const all = s.radix({ maxNodes: 1000 });
    expect(all.height).toBe(3);
    expect(all.totalNodes).toBe(1 + 4 + 256);
    expect(all.nodes).toHaveLength(261);
    expect(all.nodes.some((n) => n.collapsed)).toBe(false);
    const some = s.radix({ maxNodes: 100 });
    expect(some.totalNodes).toBe(261);
    expect(some.nodes.length).toBeLessThanOrEqual(100);
    const collapsed = some.nodes.filter((n) => n.collapsed);
    expect(collapsed.length).toBeGreaterThan(0);
    // parents come before their children, and every node sent has its parent sent
    const seen = new Set<number>();
    for (const n of some.nodes) {
      if (n.parent >= 0) expect(seen.has(n.parent)).toBe(true);
      seen.add(n.id);
    }
    const target = collapsed[collapsed.length - 1];
    const opened = s.radix({ maxNodes: 100, expand: [target.key] });
    expect(opened.nodes.filter((n) => n.parent === target.id)).toHaveLength(64);
    expect(opened.nodes.find((n) => n.id === target.id)!.collapsed).toBe(false);
  });
});
