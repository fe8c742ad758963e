/**
 * get_page_from_gpu (research/gaia-hmm-gdr.md §1.11, §5.1): the CPU's next access to a page mrelease published
 * faults, finds the cached page stale (the GPU's column), and pulls the GPU's copy: pagecache_get_gpu_page,
 * retrive_cached_page, set_page_version_as_on; the CPU row catches up and the page is no longer stale. Then the ways
 * it gives up, and a case where the GPU's version is lost before the CPU ever asks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/engine/run/run';
import { P_GPU_VMA, PG } from '../../../src/engine/cpu/memmap';
import { PK } from '../../../src/engine/pagecache/kinds';
import { fnFilemapFault } from '../../../src/engine/pagecache/code';
import { K } from '../../../src/engine/uvm/kinds';
import { GK, GET_PAGE_FAILURES } from '../../../src/engine/gaia/kinds';
import { fnGetPageFromGpu, fnRetrieve } from '../../../src/engine/gaia/code';
import { cpuMapped, events, fileOf, fileScenario, gpuWritten, opSteps, pcOf, RELEASE_YAML, runYaml, stepsOn, tsvtWrite } from './setup';

const PULL = 5;
const CLEAN = 6;
const NO_GPU = 7;

describe("get_page_from_gpu: the CPU reads pages whose latest version is on the GPU", () => {
  let run: Run;
  let f: number;
  beforeAll(() => {
    run = runYaml(RELEASE_YAML);
    f = fileOf(run);
  });

  it('finds each of the 16 pages stale in the GPU column on its fault and calls get_page_from_gpu for it', () => {
    const stale = events(run, PK.stale, PULL);
    const pc = pcOf(run);
    expect(stale.map((e) => [e.obj, e.idx, e.x])).toEqual(range(0, 16).map((i) => [f, i, 0]));
    for (const e of stale) expect(e.y).toBe(pc.lookup(f, e.idx));
    const entries = stepsOn(run, fnGetPageFromGpu.at.entry, PULL);
    expect(entries.length).toBe(16);
    expect(run.stackOf(entries[0]).map((x) => x.fn)).toEqual(['scenario', 'handle_mm_fault', 'do_read_fault', 'filemap_fault', 'get_page_from_gpu']);
    // the staleness check is filemap_fault's GAIA lookup line
    expect(run.ctx.steps.lineOf(stale[0].step)).toBe(fnFilemapFault.at.lookup);
  });

  it('walks get_page_from_gpu line by line for the first page, the state changing only where it should', () => {
    const pc = pcOf(run);
    const entry = stepsOn(run, fnGetPageFromGpu.at.entry, PULL)[0];
    const lines: string[] = [];
    for (let s = entry; run.frameOf(s).fn !== 'filemap_fault'; s++) if (run.frameOf(s).fn === 'get_page_from_gpu') lines.push(Object.entries(fnGetPageFromGpu.at).find(([, id]) => id === run.ctx.steps.lineOf(s))![0]);
    expect(lines).toEqual(['entry', 'cpuPage', 'lookup', 'pdata', 'vma', 'ops', 'retrieve', 'version', 'ret']);
    const at = (line: number) => stepsOn(run, line, PULL)[0];

    // stale at entry: the CPU row [GPU -1, CPU 0, DISK 0] is behind latest [1, 0, 0] in the GPU column
    run.seek(entry);
    expect(pc.pageVersionOn(f, 0, pc.cpu)).toEqual([-1, 0, 0]);
    expect(pc.latestVersion(f, 0)).toEqual([1, 0, 0]);
    expect(pc.staleColumn(f, 0, pc.cpu)).toBe(0);
    expect(cpuMapped(run, 0)).toBe(false);

    // lookup: pagecache_get_gpu_page finds the GPU page of the group, gpu_pages[GPU_NVIDIA][0 / 16]
    run.seek(at(fnGetPageFromGpu.at.lookup));
    const gp = pc.pagecacheGetGpuPage(f, 0, 0);
    expect(gp).toBeGreaterThanOrEqual(0);
    expect(pc.mem.has(gp, PG.private)).toBe(true);
    expect(pc.mem.sharedAddr(gp)).toBe(run.ctx.m.regions[0].va);
    expect(pc.mem.word(gp, P_GPU_VMA)).toBe(1); // the shared VMA, region 0, + 1

    // retrieve: UVM reads 4 KiB from gpu0 (a staging copy, not a migration) and refreshes the shadow
    const retrieve = at(fnGetPageFromGpu.at.retrieve);
    run.seek(retrieve);
    expect(gpuWritten(run, 0)).toEqual([[0, 16]]);
    const read = stepsOn(run, fnRetrieve.at.read, PULL)[0];
    expect(run.stackOf(read).map((x) => x.fn).slice(-2)).toEqual(['get_page_from_gpu', 'uvm_vm_retrive_cached_page']);
    const t0 = run.simTimeNs();
    run.seek(read);
    expect(run.simTimeNs() - t0).toBeCloseTo(1560 + 4096 / 54.5, 6); // the measured DtoH line
    const got = events(run, GK.retrieved, PULL)[0];
    expect([got.obj, got.idx, got.x, got.y, got.step]).toEqual([f, 0, 1, 4096, read]);
    run.seek(stepsOn(run, fnRetrieve.at.shadow, PULL)[0]);
    expect(gpuWritten(run, 0)).toEqual([[1, 16]]);
    expect(pc.staleColumn(f, 0, pc.cpu)).toBe(0); // still stale: the version is set on the next line

    // version: set_page_version_as_on(SYS_CPU, GPU_NVIDIA): the CPU row's GPU column := the GPU's own version
    const version = at(fnGetPageFromGpu.at.version);
    run.seek(version);
    expect(pc.pageVersionOn(f, 0, pc.cpu)).toEqual([1, 0, 0]);
    expect(pc.isStale(f, 0, pc.cpu)).toBe(false);
    expect(pc.staleColumn(f, 1, pc.cpu)).toBe(0); // the next page is still behind
    const w = events(run, PK.pcTsvt, PULL).filter((e) => e.step === version).map((e) => tsvtWrite(run, e));
    expect(w.map((x) => [x.slot, x.viewer, x.owner, x.previous, x.version])).toEqual([[0, pc.cpu, 0, -1, 1]]);

    // back in filemap_fault the page is locked and mapped; no DtoH migration counted
    run.seek(run.nextOut(at(fnGetPageFromGpu.at.ret)));
    expect(run.frameOf().fn).toBe('filemap_fault');
    run.seek(opSteps(run, PULL)[1]);
    expect(cpuMapped(run, 0)).toBe(true);
    run.seek(run.stepCount - 1);
  });

  it('leaves all 16 pages fresh and mapped, the shadows refreshed, in 16 × 3 µs and no migration', () => {
    const pc = pcOf(run);
    const [first, last] = opSteps(run, PULL);
    run.seek(first);
    const t0 = run.simTimeNs();
    const c0 = run.counters();
    run.seek(last);
    for (let i = 0; i < 16; i++) {
      expect(pc.isStale(f, i, pc.cpu)).toBe(false);
      expect(pc.pageVersionOn(f, i, pc.cpu)).toEqual([1, 0, 0]);
      expect(cpuMapped(run, i)).toBe(true);
    }
    expect(gpuWritten(run, 0)).toEqual([]);
    expect(events(run, GK.retrieved, PULL).map((e) => e.idx)).toEqual(range(0, 16));
    // a fault (1 µs), a 4 KiB DtoH read (1.635 µs) and the merge (0.4 µs) per page
    expect(run.simTimeNs() - t0).toBeCloseTo(16 * (1000 + 1560 + 4096 / 54.5 + 400), 3);
    const c = run.counters();
    expect(c.dtoh_bytes - c0.dtoh_bytes).toBe(0);
    expect(c.mm_faults - c0.mm_faults).toBe(16);
    expect(c.mm_major_faults - c0.mm_major_faults).toBe(0);
    expect(events(run, K.copy, PULL)).toEqual([]);
    // the GPU keeps its copy: the pages stay resident and mapped on gpu0
    expect(run.ctx.m.readMask(run.ctx.m.layout.residentBase(0, 1)).countRange(0, 16)).toBe(16);
    run.seek(run.stepCount - 1);
  });

  it('reads the pages of a clean GPU page without a fault, and pages no GPU has without get_page_from_gpu', () => {
    expect(events(run, K.copy, CLEAN)).toEqual([]);
    expect(stepsOn(run, fnGetPageFromGpu.at.entry, CLEAN)).toEqual([]);
    const [a, b] = opSteps(run, CLEAN);
    run.seek(a);
    const faults = run.counters().mm_faults;
    run.seek(b);
    expect(run.counters().mm_faults).toBe(faults);
    // pages 32-47 were never on the GPU: their faults read the disk, and the versions never call for the GPU
    expect(stepsOn(run, fnGetPageFromGpu.at.entry, NO_GPU)).toEqual([]);
    expect(events(run, PK.diskRead, NO_GPU).length).toBe(16);
    run.seek(run.stepCount - 1);
  });
});

describe('get_page_from_gpu gives up', () => {
  let run: Run;
  let f: number;
  beforeAll(() => {
    run = runYaml(RELEASE_YAML);
    f = fileOf(run);
  });

  /** Calls GAIA's hook on the run's final state, as filemap_fault would; returns its answer and what it recorded. */
  function call(index: number, pfn: number): { ok: boolean; failed: { idx: number; x: number; y: number }[]; lines: string[] } {
    run.seek(run.stepCount - 1);
    const before = run.stepCount;
    const t = run.transitionCount;
    const ok = run.platform!.gaia!.getPageFromGpu(f, index, pfn);
    const failed = events(run, GK.getPageFailed).filter((e) => e.t >= t);
    const lines: string[] = [];
    for (let s = before; s < run.stepCount; s++) lines.push(Object.entries(fnGetPageFromGpu.at).find(([, id]) => id === run.ctx.steps.lineOf(s))?.[0] ?? run.frameOf(s).fn);
    return { ok, failed: failed.map((e) => ({ idx: e.idx, x: e.x, y: e.y })), lines };
  }

  it('with no CPU page to fill', () => {
    const r = call(0, -1);
    expect(r.ok).toBe(false);
    expect(r.failed).toEqual([{ idx: 0, x: 0, y: -1 }]);
    expect(GET_PAGE_FAILURES[0]).toBe('no CPU page');
    expect(r.lines).toEqual(['entry', 'cpuPage', 'fail']);
  });

  it('with no GPU page for the index: the CPU page is left as it is', () => {
    const pc = pcOf(run);
    const pfn = pc.lookup(f, 40); // cached by the last read, never on the GPU
    expect(pfn).toBeGreaterThanOrEqual(0);
    const version = pc.pageVersionOn(f, 40, pc.cpu);
    const r = call(40, pfn);
    expect(r.ok).toBe(false);
    expect(r.failed).toEqual([{ idx: 40, x: 1, y: pfn }]);
    expect(GET_PAGE_FAILURES[1]).toBe('no GPU page');
    expect(r.lines).toEqual(['entry', 'cpuPage', 'lookup', 'fail']);
    expect(pc.pageVersionOn(f, 40, pc.cpu)).toEqual(version);
    expect(events(run, GK.retrieved).filter((e) => e.idx === 40)).toEqual([]);
  });

  it('with a GPU page that lost its private data, or whose GPU-mapped VMA is gone', () => {
    const pc = pcOf(run);
    run.seek(run.stepCount - 1);
    const gp = pc.pagecacheGetGpuPage(f, 16, 0);
    const pfn = pc.lookup(f, 16);
    pc.mem.clearFlag(gp, PG.private);
    const noPrivate = call(16, pfn);
    expect(noPrivate.ok).toBe(false);
    expect(noPrivate.failed).toEqual([{ idx: 16, x: 2, y: pfn }]);
    expect(noPrivate.lines).toEqual(['entry', 'cpuPage', 'lookup', 'pdata', 'fail']);
    pc.mem.setFlag(gp, PG.private);
    pc.mem.set(gp, P_GPU_VMA, 0);
    const noVma = call(16, pfn);
    expect(noVma.ok).toBe(false);
    expect(noVma.failed).toEqual([{ idx: 16, x: 3, y: pfn }]);
    expect(noVma.lines).toEqual(['entry', 'cpuPage', 'lookup', 'pdata', 'vma', 'fail']);
    expect([GET_PAGE_FAILURES[2], GET_PAGE_FAILURES[3]]).toEqual(['no private data', 'no GPU-mapped VMA']);
  });
});

describe('a GPU version lost to maquire', () => {
  it('a page the GPU released is no longer stale once maquire drops its group for another CPU-dirty page', () => {
    // GAIA resets the GPU rows of all 16 slots when it drops a GPU page; a page the CPU never pulled loses the
    // version that made it stale, so the CPU reads its old copy and get_page_from_gpu is never asked (the prototype's
    // behaviour: maquire's drop is per 64 KiB, the CPU_DIRTY test per 4 KiB)
    const run = runYaml(
      fileScenario('1MiB', [
        '{ op: gaia.map, region: data.bin }',
        '{ op: cpu.read, region: data.bin, length: 64KiB }',
        '{ op: gpu.kernel, access: { region: data.bin, op: write, length: 64KiB } }',
        '{ op: gaia.mrelease, region: data.bin }',
        '{ op: cpu.write, region: data.bin, offset: 4KiB, length: 4KiB }',
        '{ op: gaia.maquire, region: data.bin }',
        '{ op: cpu.read, region: data.bin, length: 4KiB }',
      ]),
    );
    const f = fileOf(run);
    const pc = pcOf(run);
    // the CPU's write to page 1 pulled page 1 first; page 0 is stale after the release
    expect(events(run, GK.retrieved, 4).map((e) => e.idx)).toEqual([1]);
    run.seek(opSteps(run, 4)[1]);
    expect(pc.staleColumn(f, 0, pc.cpu)).toBe(0);
    // maquire drops the group for CPU-dirty page 1 and resets the GPU rows: page 0 is not stale any more
    expect(events(run, GK.maquireDrop, 5).map((e) => e.idx)).toEqual([0]);
    run.seek(opSteps(run, 5)[1]);
    expect(pc.pageVersionOn(f, 0, 0)).toEqual([-1, -1, 0]);
    expect(pc.isStale(f, 0, pc.cpu)).toBe(false);
    expect(stepsOn(run, fnGetPageFromGpu.at.entry, 6)).toEqual([]);
    expect(events(run, GK.retrieved, 6)).toEqual([]);
    run.seek(run.stepCount - 1);
  });
});

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo }, (_, k) => lo + k);
}
