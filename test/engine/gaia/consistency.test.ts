/**
 * GAIA's consistency model as properties of whole runs: the model's invariants after every step of GAIA's paths, an
 * acquire that leaves no GPU copy older than the CPU's, versions that only grow, and runs that travel in time and
 * replay to the same digest.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src/engine/run/run';
import { checkInvariants } from '../../../src/engine/run/invariants';
import { checkVersionsGrow } from '../../../src/engine/pagecache/invariants';
import { GPU_GROUP, Tag } from '../../../src/engine/pagecache/radix';
import { PAGES_PER_BLOCK } from '../../../src/engine/uvm/model';
import { GK } from '../../../src/engine/gaia/kinds';
import { events, fileOf, fileScenario, opSteps, pcOf, RELEASE_YAML, runYaml } from './setup';

const PAGE = 4096;

/**
 * Linux's page-cache and mm functions write one structure over several lines (the slot, then count_gpu, then the
 * tags…), as the kernel does under tree_lock; a step inside them shows the halfway state, which the structural
 * checks (PC1-PC4, MM) rightly flag. GAIA's own lines, UVM's and the scenario's run between those calls, and there
 * every invariant must hold.
 */
const LINUX_INTERNALS = new Set(['mm/memory.c', 'mm/filemap.c', 'lib/radix-tree.c', 'mm/page-writeback.c', 'mm/rmap.c', 'fs/sync.c', 'mm/mmap.c']);
const GAIA_IN_LINUX_FILES = new Set(['get_page_from_gpu']);

function betweenLinuxCalls(run: Run, s: number): boolean {
  const f = run.frameOf(s);
  return !LINUX_INTERNALS.has(f.file) || GAIA_IN_LINUX_FILES.has(f.fn);
}

function expectInvariantsAtEveryGaiaStep(run: Run): number {
  let checked = 0;
  for (let s = 0; s < run.stepCount; s++) {
    if (!betweenLinuxCalls(run, s)) continue;
    run.seek(s);
    const v = checkInvariants(run, 5);
    if (v.length) throw new Error(`after step ${s} (${run.stackOf(s).map((x) => `${x.fn}:${x.line}`).join(' > ')}): ${v.join('; ')}`);
    checked++;
  }
  run.seek(run.stepCount - 1);
  return checked;
}

const MAQUIRE_YAML = fileScenario('1MiB', [
  '{ op: gaia.map, region: data.bin }',
  '{ op: gpu.kernel, access: { region: data.bin, op: read, length: 256KiB } }',
  '{ op: cpu.write, region: data.bin, offset: 64KiB, length: 64KiB }',
  '{ op: cpu.write, region: data.bin, offset: 512KiB, length: 8KiB }',
  '{ op: gaia.maquire, region: data.bin }',
  '{ op: gpu.kernel, access: { region: data.bin, op: write, length: 256KiB } }',
  '{ op: gaia.mrelease, region: data.bin }',
  '{ op: cpu.read, region: data.bin, length: 128KiB }',
  '{ op: cpu.msync, region: data.bin }',
]);
const TWO_GPUS = readFileSync(fileURLToPath(new URL('../../../assets/scenarios/gaia-two-gpus.yaml', import.meta.url)), 'utf8');

describe("GAIA's paths keep the model's invariants", () => {
  it.each([
    ['maquire, then a GPU write, mrelease and the CPU pulling it back', MAQUIRE_YAML],
    ['the release scenario with a clean and a dirty GPU page', RELEASE_YAML],
    ['two GPUs sharing a file', TWO_GPUS],
  ])('after every step of GAIA, UVM and the scenario: %s', (_name, yaml) => {
    const run = runYaml(yaml);
    const checked = expectInvariantsAtEveryGaiaStep(run);
    expect(checked).toBeGreaterThan(run.stepCount / 6);
    // and after every scenario op, whatever was running
    for (let op = 0; op < run.scenario.steps.length; op++) {
      run.seek(opSteps(run, op)[1]);
      expect(checkInvariants(run)).toEqual([]);
    }
  });

  it('versions only grow: every TSVT bump raises its version (resets are their own kind)', () => {
    for (const yaml of [MAQUIRE_YAML, RELEASE_YAML, TWO_GPUS]) {
      const run = runYaml(yaml);
      expect(checkVersionsGrow(run.ctx.store)).toEqual([]);
    }
  });
});

/**
 * An oracle for acquire: which file pages the CPU has written since UVM last filled them from the page cache. After a
 * maquire over a range, no such page may still be marked filled (page_from_cache) or sit on any GPU, no index of the
 * range may carry CPU_DIRTY, and each GPU page left in the page cache must be at least as new as the CPU in the
 * CPU's column of the TSVT.
 */
function checkAcquires(run: Run): number {
  const newer = new Set<number>(); // file indices the CPU wrote after their last fill
  const m = run.ctx.m;
  const r = m.regions[0];
  const pc = pcOf(run);
  const f = fileOf(run);
  let checked = 0;
  for (let op = 0; op < run.scenario.steps.length; op++) {
    const spec = run.scenario.steps[op];
    for (const e of events(run, GK.populate, op)) newer.delete(e.y);
    if (spec.op === 'cpu.write' && spec.access.region === 0) for (const p of spec.access.pages) newer.add(p);
    if (spec.op !== 'gaia.maquire') continue;
    if (events(run, GK.callRefused, op).length) continue;
    run.seek(opSteps(run, op)[1]);
    const first = Math.floor(spec.offset / PAGE);
    const end = Math.ceil((spec.offset + spec.length) / PAGE);
    for (let i = first; i < end; i++) {
      expect(pc.tagGet(f, i, Tag.cpuDirty), `CPU_DIRTY on ${i} after maquire (op ${op})`).toBe(false);
      const block = r.firstBlock + Math.floor(i / PAGES_PER_BLOCK);
      const pg = i % PAGES_PER_BLOCK;
      if (newer.has(i)) {
        expect(m.readMask(m.layout.word(block, m.layout.fromCache)).has(pg), `page ${i} still marked filled (op ${op})`).toBe(false);
        for (let g = 1; g < m.procs; g++) expect(m.isResident(block, g, pg), `page ${i} still on GPU ${g} (op ${op})`).toBe(false);
      }
      if (pc.pagecacheGetGpuPage(f, i, 0) >= 0) {
        const gpuRow = pc.pageVersionOn(f, i, 0);
        expect(gpuRow[pc.cpu], `GPU copy of ${i} older than the CPU's (op ${op})`).toBeGreaterThanOrEqual(pc.latestVersion(f, i)[pc.cpu]);
      }
      checked++;
    }
  }
  run.seek(run.stepCount - 1);
  return checked;
}

describe('after maquire no GPU copy is older than the CPU', () => {
  it('in the fixed scenarios', () => {
    expect(checkAcquires(runYaml(MAQUIRE_YAML))).toBe(256);
    expect(checkAcquires(runYaml(TWO_GPUS))).toBe(512);
  });

  // random GAIA programs on a 1 MiB file, one or two GPUs: every op keeps the invariants, every acquire keeps its
  // promise, versions only grow, and the run travels back and forth to the same digests
  const range = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 4 })).map(([a, n]) => ({ offset: a * 64, length: Math.min(n, 16 - a) * 64 }));
  const op = fc.oneof(
    fc.tuple(fc.constantFrom('read', 'write'), fc.integer({ min: 0, max: 1 }), range).map(([kind, gpu, r]) => `{ op: gpu.kernel, gpu: g${gpu}, access: { region: data.bin, op: ${kind}, offset: ${r.offset}KiB, length: ${r.length}KiB } }`),
    fc.tuple(fc.constantFrom('read', 'write'), range, fc.integer({ min: 0, max: 15 })).map(([kind, r, k]) => `{ op: cpu.${kind}, region: data.bin, offset: ${r.offset + (k % 4) * 4}KiB, length: ${Math.max(4, r.length - (k % 4) * 4)}KiB }`),
    range.map((r) => `{ op: gaia.maquire, region: data.bin, offset: ${r.offset}KiB, length: ${r.length}KiB }`),
    fc.constant('{ op: gaia.maquire, region: data.bin }'),
    fc.integer({ min: 0, max: 1 }).map((g) => `{ op: gaia.mrelease, region: data.bin, gpu: g${g} }`),
    fc.constant('{ op: cpu.msync, region: data.bin }'),
  );
  const program = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.array(op, { minLength: 3, maxLength: 10 })).map(([gpus, ops]) => {
    const names = gpus === 2 ? ['g0', 'g1'] : ['g0'];
    const body = gpus === 2 ? ops : ops.map((o) => o.replace(/g1\b/g, 'g0'));
    return fileScenario('1MiB', ['{ op: gaia.map, region: data.bin, gpu: g0 }', ...body, '{ op: gaia.maquire, region: data.bin }'], names);
  });

  it('in random GAIA programs, with invariants after every op, versions growing and time travel', () => {
    fc.assert(
      fc.property(program, (yaml) => {
        const run = runYaml(yaml);
        const digests: string[] = [];
        for (let o = 0; o < run.scenario.steps.length; o++) {
          run.seek(opSteps(run, o)[1]);
          const bad = checkInvariants(run, 3);
          if (bad.length) throw new Error(`after op ${o}: ${bad.join('; ')}\n${yaml}`);
          digests.push(run.digest());
        }
        expect(checkVersionsGrow(run.ctx.store)).toEqual([]);
        checkAcquires(run);
        run.seek(0);
        for (let o = run.scenario.steps.length - 1; o >= 0; o -= 2) {
          run.seek(opSteps(run, o)[1]);
          expect(run.digest()).toBe(digests[o]);
        }
      }),
      { numRuns: 40, seed: 20261125 },
    );
  });
});

describe('time travel and determinism', () => {
  it('seeking to the start and back to the end gives the same digest, and so does every step revisited', () => {
    const run = runYaml(MAQUIRE_YAML);
    const last = run.stepCount - 1;
    const end = run.digest();
    const summary = run.summary();
    // digests of the steps of interest on the way forward
    const marks = [opSteps(run, 1)[1], events(run, GK.maquireDrop)[0].step, events(run, GK.maquireDone)[0].step, events(run, GK.mreleaseDone)[0].step, events(run, GK.retrieved)[3].step];
    const forward = marks.map((s) => {
      run.seek(s);
      return run.digest();
    });
    run.seek(0);
    expect(run.digest()).not.toBe(end);
    expect(run.counters().maquire_invalidated).toBe(0);
    run.seek(last);
    expect(run.digest()).toBe(end);
    expect(run.summary()).toEqual(summary);
    // backwards, in a scrambled order
    for (const k of [4, 1, 3, 0, 2]) {
      run.seek(marks[k]);
      expect(run.digest()).toBe(forward[k]);
    }
    run.seek(last);
    expect(run.digest()).toBe(end);
  });

  it('the same scenario runs to the same steps, transitions and digest every time', () => {
    for (const yaml of [MAQUIRE_YAML, TWO_GPUS]) {
      const a = runYaml(yaml);
      const b = runYaml(yaml);
      expect(b.stepCount).toBe(a.stepCount);
      expect(b.transitionCount).toBe(a.transitionCount);
      expect(b.summary()).toEqual(a.summary());
      const mid = Math.floor(a.stepCount / 2);
      a.seek(mid);
      b.seek(mid);
      expect(b.digest()).toBe(a.digest());
    }
  });

  it('GPU pages, versions and tags come back exactly when the run steps back over a maquire', () => {
    const run = runYaml(MAQUIRE_YAML);
    const f = fileOf(run);
    const pc = pcOf(run);
    const [first, last] = opSteps(run, 4);
    run.seek(first - 1);
    const before = { gpu: pc.nrGpuPages(f), rows: [16, 17, 31].map((i) => pc.pageVersionOn(f, i, 0)), dirty: pc.rootTagGet(f, Tag.cpuDirty), lra: pc.gpuLra(f) };
    run.seek(last);
    expect(pc.nrGpuPages(f)).toBe(before.gpu - 1);
    run.seek(first - 1);
    expect({ gpu: pc.nrGpuPages(f), rows: [16, 17, 31].map((i) => pc.pageVersionOn(f, i, 0)), dirty: pc.rootTagGet(f, Tag.cpuDirty), lra: pc.gpuLra(f) }).toEqual(before);
    expect(before.rows[0]).toEqual([0, 0, 0]);
    expect(GPU_GROUP).toBe(16);
    run.seek(run.stepCount - 1);
  });
});
