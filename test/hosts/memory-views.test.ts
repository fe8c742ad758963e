/**
 * The memory views the memory map, PMM and page-tree panels draw, driven through the engine service on built-in
 * scenarios: real values at known places of each run (what the scenario's narration says happens), this step's
 * changes with their before-state, and the views leaving the cursor where it was.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, MemoryMapRegion, MemoryMapResult, OkResponse, PageTreeResult, PmmResult, ViewQuery } from '../../src/protocol';
import {
  CACHE_CHANGED,
  CACHE_CPU_DIRTY,
  CACHE_DIRTY,
  CACHE_ON_GPU,
  CACHE_PRESENT,
  CACHE_PTE,
  CACHE_PTE_WRITE,
  CACHE_WRITEBACK,
  PAGE_CHANGED,
  PAGE_EVICTED,
  PAGE_MAPPED_ATOMIC,
  PAGE_MAPPED_READ,
  PAGE_MAPPED_WRITE,
  PAGE_READ_DUPLICATED,
  PAGE_RESIDENT,
  PTE_2M,
  PTE_4K,
  PTE_64K,
  PTE_APERTURE,
  PTE_CHANGED,
  PTE_PEER,
  PTE_SIZE,
  PTE_SYS,
  PTE_VID,
} from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import * as E from '../../src/engine/run/views-memory';

const yaml = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

class Session {
  readonly service = new EngineService();
  readonly run;
  private id = 1;
  constructor(name: string) {
    this.run = ok(this.service.handle({ type: 'load', id: this.id++, source: yaml(name), fileName: `${name}.yaml` })).run!;
  }
  seek(step: number) {
    return ok(this.service.handle({ type: 'seek', id: this.id++, step })).state;
  }
  state() {
    return ok(this.service.handle({ type: 'state', id: this.id++ })).state;
  }
  view<R>(query: ViewQuery): R {
    return ok(this.service.handle({ type: 'view', id: this.id++, query })).view as R;
  }
  map(): MemoryMapResult {
    return this.view<MemoryMapResult>({ view: 'memoryMap' });
  }
  pmm(gpu = 1): PmmResult {
    return this.view<PmmResult>({ view: 'pmm', gpu });
  }
  tree(gpu = 1): PageTreeResult {
    return this.view<PageTreeResult>({ view: 'pageTree', gpu });
  }
  /** The last step of the op that the bookmark `name` closes (the bookmark's own first step). */
  atBookmark(name: string) {
    const op = this.run.ops.find((o) => o.op === 'bookmark' && o.text === name);
    if (!op) throw new Error(`no bookmark ${name}`);
    return this.seek(op.firstStep);
  }
  /** Steps of the run, in order, whose transitions include one of `kinds`. */
  *stepsWith(kinds: string[], from = 0) {
    for (let s = from; s < this.run.totalSteps; s++) {
      const st = this.seek(s);
      if (st.transitions.some((t) => kinds.includes(t.kind))) yield st;
    }
  }
}

/** Pages of a region whose byte for processor `proc` has all of `bits`. */
function pagesWith(r: MemoryMapRegion, procs: number, proc: number, bits: number, of: Uint8Array = r.state): number[] {
  const out: number[] = [];
  for (let i = 0; i < r.pages; i++) if ((of[i * procs + proc] & bits) === bits) out.push(i);
  return out;
}
const count = (r: MemoryMapRegion, procs: number, proc: number, bits: number, of?: Uint8Array) => pagesWith(r, procs, proc, bits, of).length;
const cacheCount = (r: MemoryMapRegion, bits: number) => r.cache!.reduce((n, c) => n + ((c & bits) === bits ? 1 : 0), 0);

describe('the protocol and the engine helper agree on the bits', () => {
  it('uses the same page, PTE and page-cache bits', () => {
    expect([E.MAP_RESIDENT, E.MAP_READ, E.MAP_WRITE, E.MAP_ATOMIC, E.MAP_EVICTED, E.MAP_READ_DUP]).toEqual([
      PAGE_RESIDENT,
      PAGE_MAPPED_READ,
      PAGE_MAPPED_WRITE,
      PAGE_MAPPED_ATOMIC,
      PAGE_EVICTED,
      PAGE_READ_DUPLICATED,
    ]);
    expect([E.PTE_VID, E.PTE_SYS, E.PTE_PEER, E.PTE_4K, E.PTE_64K, E.PTE_2M]).toEqual([PTE_VID, PTE_SYS, PTE_PEER, PTE_4K, PTE_64K, PTE_2M]);
    expect([E.CACHE_PRESENT, E.CACHE_DIRTY, E.CACHE_WRITEBACK, E.CACHE_CPU_DIRTY, E.CACHE_ON_GPU, E.CACHE_PTE, E.CACHE_PTE_WRITE]).toEqual([
      CACHE_PRESENT,
      CACHE_DIRTY,
      CACHE_WRITEBACK,
      CACHE_CPU_DIRTY,
      CACHE_ON_GPU,
      CACHE_PTE,
      CACHE_PTE_WRITE,
    ]);
    // the CHANGED bits sit above every state bit
    expect(PAGE_CHANGED & 63).toBe(0);
    expect(PTE_CHANGED & (PTE_APERTURE | PTE_SIZE)).toBe(0);
    expect(CACHE_CHANGED & 127).toBe(0);
  });
});

describe('memoryMap on the default scenario', () => {
  const s = new Session('default');
  const P = 2;

  it('after the CPU writes the buffer, the CPU holds and maps every page writably and the GPU nothing', () => {
    s.atBookmark('cpu-initialised');
    const map = s.map();
    expect(map.processors).toBe(P);
    const [data] = map.regions;
    expect(data).toMatchObject({ name: 'data', kind: 'managed', pages: 4096, firstBlock: 0, blocks: 8, cpuVa: -1, va: 0x7f0000000000, cache: null });
    expect(count(data, P, 0, PAGE_RESIDENT | PAGE_MAPPED_READ | PAGE_MAPPED_WRITE | PAGE_MAPPED_ATOMIC)).toBe(4096);
    expect(count(data, P, 1, PAGE_RESIDENT)).toBe(0);
    expect(count(data, P, 1, PAGE_MAPPED_READ)).toBe(0);
    expect(data.pte!.every((b) => b === 0)).toBe(true);
  });

  it('after the GPU read, gpu0 holds every page of data, mapped by 2M PTEs to vidmem, and the CPU none', () => {
    s.atBookmark('gpu-read');
    const [data] = s.map().regions;
    expect(count(data, P, 1, PAGE_RESIDENT | PAGE_MAPPED_READ)).toBe(4096);
    expect(count(data, P, 0, PAGE_RESIDENT)).toBe(0);
    expect(count(data, P, 0, PAGE_MAPPED_READ)).toBe(0);
    for (let i = 0; i < 4096; i++) expect(data.pte![i * P + 1] & (PTE_SIZE | PTE_APERTURE)).toBe(PTE_2M | PTE_VID);
  });

  it('after the read-back the CPU holds every page again', () => {
    s.atBookmark('cpu-readback');
    const [data] = s.map().regions;
    expect(count(data, P, 0, PAGE_RESIDENT)).toBe(4096);
    expect(count(data, P, 1, PAGE_RESIDENT)).toBe(0);
  });

  it("marks what the step changed and gives the pages' state before it: a migration from the CPU to the GPU", () => {
    const kernel = s.run.ops.find((o) => o.op === 'gpu.kernel')!;
    let found = false;
    for (const st of s.stepsWith(['blockResident'], kernel.firstStep)) {
      const [data] = s.map().regions;
      expect(data.changed.length).toBeGreaterThan(0);
      // the first batch faults pages 0-15 of block 0 and migrates exactly them
      expect(Array.from(data.changed)).toEqual(Array.from({ length: 16 }, (_, k) => k));
      for (let k = 0; k < data.changed.length; k++) {
        const page = data.changed[k];
        expect(data.stateBefore[k * P] & PAGE_RESIDENT).toBe(PAGE_RESIDENT);
        expect(data.stateBefore[k * P + 1] & PAGE_RESIDENT).toBe(0);
        expect(data.state[page * P] & (PAGE_RESIDENT | PAGE_CHANGED)).toBe(PAGE_CHANGED);
        expect(data.state[page * P + 1] & (PAGE_RESIDENT | PAGE_CHANGED)).toBe(PAGE_RESIDENT | PAGE_CHANGED);
      }
      // unchanged pages carry no CHANGED bit
      expect(data.state[100 * P] & PAGE_CHANGED).toBe(0);
      expect(st.step).toBe(s.state().step);
      found = true;
      break;
    }
    expect(found).toBe(true);
  });

  it('marks PTE changes when the GPU maps the pages, and nothing at a step that changes no page', () => {
    const kernel = s.run.ops.find((o) => o.op === 'gpu.kernel')!;
    for (const _ of s.stepsWith(['map'], kernel.firstStep)) {
      const [data] = s.map().regions;
      const first = data.changed[0];
      expect(data.pte![first * P + 1] & PTE_CHANGED).toBe(PTE_CHANGED);
      expect(data.pteBefore![1]).toBe(0);
      break;
    }
    const bookmark = s.run.ops.find((o) => o.op === 'bookmark')!;
    s.seek(bookmark.firstStep);
    const [data] = s.map().regions;
    expect(data.changed.length).toBe(0);
    expect(data.state.some((b) => (b & PAGE_CHANGED) !== 0)).toBe(false);
  });

  it('leaves the cursor and the state where they were, and answers the same twice', () => {
    const mid = Math.floor(s.run.totalSteps / 2);
    const before = s.seek(mid);
    const a = s.map();
    const b = s.map();
    const after = s.state();
    expect(after.step).toBe(mid);
    expect(after.digest).toBe(before.digest);
    expect(a.step).toBe(mid);
    expect(Array.from(a.regions[0].state)).toEqual(Array.from(b.regions[0].state));
    expect(Array.from(a.regions[0].changed)).toEqual(Array.from(b.regions[0].changed));
  });
});

describe('memoryMap of other kinds of memory', () => {
  it('shows read-duplicated pages resident on both processors (read-mostly)', () => {
    const s = new Session('read-mostly');
    s.atBookmark('duplicated');
    const [table] = s.map().regions;
    expect(count(table, 2, 0, PAGE_RESIDENT | PAGE_READ_DUPLICATED)).toBe(1024);
    expect(count(table, 2, 1, PAGE_RESIDENT | PAGE_READ_DUPLICATED | PAGE_MAPPED_READ)).toBe(1024);
    // the GPU maps its own copies read-only, with 2M PTEs into vidmem
    expect(count(table, 2, 1, PAGE_MAPPED_WRITE)).toBe(0);
    expect(table.pte![1] & (PTE_SIZE | PTE_APERTURE)).toBe(PTE_2M | PTE_VID);
  });

  it('gives 4K and 64K PTEs to sparse prefetches and maps them to vidmem (gdrcopy-vs-migration)', () => {
    const s = new Session('gdrcopy-vs-migration');
    s.atBookmark('prefetch-64KiB');
    const map = s.map();
    const buf = map.regions.find((r) => r.name === 'buf')!;
    expect(buf.pte![0 * 2 + 1]).toBe(PTE_4K | PTE_VID);
    for (let i = 16; i < 32; i++) expect(buf.pte![i * 2 + 1]).toBe(PTE_64K | PTE_VID);
    expect(count(buf, 2, 1, PAGE_RESIDENT)).toBe(17);
    // the device buffer: resident on its GPU, mapped by the CPU through gdrcopy's BAR1 mapping
    const staging = map.regions.find((r) => r.name === 'staging')!;
    expect(staging.kind).toBe('device');
    expect(staging.pte).toBeNull();
    expect(count(staging, 2, 1, PAGE_RESIDENT)).toBe(512);
    expect(count(staging, 2, 0, PAGE_MAPPED_READ | PAGE_MAPPED_WRITE)).toBe(512);
    expect(staging.cpuVa).toBeGreaterThan(0);
    s.atBookmark('unpinned');
    const after = s.map().regions.find((r) => r.name === 'staging')!;
    expect(count(after, 2, 0, PAGE_MAPPED_READ)).toBe(0);
  });

  it('reads an anonymous region from the process page tables and the HMM mirror (hmm-migrate)', () => {
    const s = new Session('hmm-migrate');
    s.atBookmark('cpu-wrote');
    let heap = s.map().regions.find((r) => r.name === 'heap')!;
    expect(heap.kind).toBe('anonymous');
    expect(heap.cpuVa).toBe(heap.va);
    expect(pagesWith(heap, 2, 0, PAGE_RESIDENT | PAGE_MAPPED_WRITE)).toEqual(Array.from({ length: 16 }, (_, k) => k));
    s.atBookmark('migrated-to-gpu0');
    heap = s.map().regions.find((r) => r.name === 'heap')!;
    expect(count(heap, 2, 1, PAGE_RESIDENT)).toBe(32);
    expect(count(heap, 2, 0, PAGE_RESIDENT)).toBe(0);
    expect(heap.pte![1]).toBe(PTE_4K | PTE_VID);
    s.atBookmark('gpu-maps-system-page');
    heap = s.map().regions.find((r) => r.name === 'heap')!;
    // page 3 came back to the CPU; the GPU maps it remotely, through sysmem
    expect(pagesWith(heap, 2, 0, PAGE_RESIDENT)).toEqual([3]);
    expect(heap.pte![3 * 2 + 1]).toBe(PTE_4K | PTE_SYS);
  });

  it("shows a file's page cache: tags, GPU pages and the process's PTEs (gaia-maquire)", () => {
    const s = new Session('gaia-maquire');
    s.atBookmark('gpu-read');
    let file = s.map().regions[0];
    expect(file).toMatchObject({ name: 'data.bin', kind: 'file', pages: 1024, blocks: 2 });
    expect(cacheCount(file, CACHE_PRESENT)).toBe(512);
    expect(cacheCount(file, CACHE_ON_GPU)).toBe(512);
    expect(count(file, 2, 1, PAGE_RESIDENT)).toBe(512);
    s.atBookmark('cpu-wrote');
    file = s.map().regions[0];
    const dirty = [...Array.from({ length: 16 }, (_, k) => 256 + k), 768, 769];
    const tagged = (bits: number) => Array.from(file.cache!.keys()).filter((i) => (file.cache![i] & bits) === bits);
    expect(tagged(CACHE_DIRTY | CACHE_CPU_DIRTY)).toEqual(dirty);
    expect(tagged(CACHE_PTE | CACHE_PTE_WRITE)).toEqual(dirty);
    expect(cacheCount(file, CACHE_PRESENT)).toBe(514);
    expect(file.cpuVa).toBeGreaterThan(0);
    s.atBookmark('maquire');
    file = s.map().regions[0];
    // maquire dropped the GPU page of 256-271 and cleared CPU_DIRTY; the write-back cleared DIRTY
    expect(cacheCount(file, CACHE_ON_GPU)).toBe(496);
    expect(cacheCount(file, CACHE_CPU_DIRTY)).toBe(0);
    expect(cacheCount(file, CACHE_DIRTY)).toBe(0);
    expect(count(file, 2, 1, PAGE_RESIDENT)).toBe(0);
  });

  it('marks page-cache changes with their before-state', () => {
    const s = new Session('gaia-maquire');
    const maquire = s.run.ops.find((o) => o.op === 'gaia.maquire')!;
    let seen = false;
    for (let step = maquire.firstStep; step <= maquire.lastStep && !seen; step++) {
      s.seek(step);
      const file = s.map().regions[0];
      for (let k = 0; k < file.changed.length; k++) {
        const i = file.changed[k];
        if (!(file.cache![i] & CACHE_CHANGED)) continue;
        expect(file.cacheBefore![k]).not.toBe(file.cache![i] & ~CACHE_CHANGED);
        if (file.cacheBefore![k] & CACHE_ON_GPU && !(file.cache![i] & CACHE_ON_GPU)) seen = true;
      }
    }
    expect(seen).toBe(true);
  });
});

describe('pmm', () => {
  it('after the default scenario GPU read: a kernel chunk for page tables and one user chunk per block, all on USED', () => {
    const s = new Session('default');
    s.atBookmark('gpu-read');
    const pmm = s.pmm();
    expect(pmm.rootChunks).toBe(40960);
    expect(pmm.fromPma).toBe(64);
    expect(pmm.chunks[0]).toMatchObject({ type: 'kernel', state: 'is_split', owner: -1 });
    expect(pmm.chunks[0].kernelPieces).toBeGreaterThan(0);
    const user = pmm.chunks.filter((c) => c.type === 'user' && c.owner >= 0);
    expect(user.map((c) => c.owner).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(user.every((c) => c.state === 'allocated' && c.list === 'used' && c.resident === 512)).toBe(true);
    expect(pmm.lists.used.length).toBe(8);
    s.atBookmark('cpu-readback');
    const back = s.pmm();
    // the data went back to the CPU: the chunks stay allocated, on UNUSED, holding nothing
    expect(back.chunks.filter((c) => c.owner >= 0).every((c) => c.list === 'unused' && c.resident === 0)).toBe(true);
  });

  it('shows the evictions of an oversubscribed GPU, and marks the evicted chunk at the step that evicts it', () => {
    const s = new Session('oversubscription');
    s.atBookmark('first-pass');
    const pmm = s.pmm();
    expect(pmm.rootChunks).toBe(16);
    expect(pmm.fromPma).toBe(16);
    expect(pmm.lists.used.length).toBe(15);
    // blocks 0-8 were evicted to make room for 15-23
    expect(pmm.chunks.filter((c) => c.type === 'user').map((c) => c.owner).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, k) => k + 9));
    const [big] = s.map().regions;
    for (let b = 0; b < 9; b++) expect(big.state[(b * 512 + 7) * 2 + 1] & (PAGE_EVICTED | PAGE_RESIDENT)).toBe(PAGE_EVICTED);
    expect(count(big, 2, 1, PAGE_EVICTED)).toBe(9 * 512);

    // the first eviction: block 0's chunk, the head of USED
    const kernel = s.run.ops.find((o) => o.op === 'gpu.kernel')!;
    for (const st of s.stepsWith(['evictChunk'], kernel.firstStep)) {
      const ev = st.transitions.find((t) => t.kind === 'evictChunk')!;
      const at = s.pmm();
      expect(at.changed).toContain(ev.obj);
      expect(at.chunks[ev.obj].change).toBe('evicted');
      expect(ev.fields.block).toBe(0);
      break;
    }
  });

  it('reads the PMM words where Pmm keeps them', () => {
    const s = new Session('oversubscription');
    s.atBookmark('second-pass');
    const pmm = s.pmm();
    // the layout views-memory.ts reads must match Pmm's own accessors (it cannot import them)
    const names = ['pma_owned', 'free', 'is_split', 'temp_pinned', 'allocated'];
    const run = (s.service as unknown as { run: Parameters<typeof E.pmmStateWord>[0] }).run;
    for (const c of pmm.chunks) expect(names[E.pmmStateWord(run, 1, c.chunk)]).toBe(c.state);
  });

  it('refuses a GPU the machine does not have', () => {
    const s = new Session('default');
    const r = s.service.handle({ type: 'view', id: 99, query: { view: 'pmm', gpu: 5 } });
    expect(r.type).toBe('error');
  });
});

describe('pageTree', () => {
  it("the default scenario's GPU read: Hopper's levels, every table in vidmem, eight 2M PTEs in the PDE0", () => {
    const s = new Session('default');
    s.atBookmark('gpu-read');
    const tree = s.tree();
    expect(tree.levels).toEqual(['PDE4', 'PDE3', 'PDE2', 'PDE1', 'PDE0', 'PTE_4K', 'PTE_64K']);
    const byLevel = (l: string) => tree.tables.filter((t) => t.level === l);
    expect(byLevel('PDE4')).toHaveLength(1);
    expect(byLevel('PDE0')).toHaveLength(1);
    const root = tree.tables.find((t) => t.parent < 0)!;
    expect(root).toMatchObject({ level: 'PDE4', depth: 0, pte2m: 8, pte64k: 0, pte4k: 0, vid: 8, sys: 0 });
    const pde0 = byLevel('PDE0')[0];
    expect(pde0).toMatchObject({ depth: 4, pte2m: 8, entries: 256, span: 512 * 1024 * 1024 });
    expect(tree.tables.every((t) => t.aperture === 'VID')).toBe(true);
    // each block got its 64K PTE table on the way to the 2M PTE; it holds nothing now
    const pt64k = byLevel('PTE_64K');
    expect(pt64k.map((t) => t.block).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pt64k.every((t) => t.used === 0 && t.depth === 5 && t.va === 0x7f0000000000 + t.block * 2 * 1024 * 1024)).toBe(true);
    // the chain from the root to the PDE0 covers the buffer's VA
    expect(pde0.va).toBeLessThanOrEqual(0x7f0000000000);
    expect(pde0.va + pde0.span).toBeGreaterThan(0x7f0000000000 + 16 * 1024 * 1024);
  });

  it('counts 64K and 4K leaf PTEs where the GPU maps sparsely, and marks the tables a step creates', () => {
    const s = new Session('gdrcopy-vs-migration');
    s.atBookmark('prefetch-64KiB');
    const tree = s.tree();
    const root = tree.tables.find((t) => t.parent < 0)!;
    expect(root.pte4k).toBe(1);
    expect(root.pte64k).toBe(1);
    const pt4k = tree.tables.find((t) => t.level === 'PTE_4K')!;
    expect(pt4k).toMatchObject({ used: 1, pte4k: 1, vid: 1, block: 0, entries: 512 });
    const prefetch = s.run.ops.find((o) => o.op === 'uvm.prefetch')!;
    for (const st of s.stepsWith(['pageTableAlloc'], prefetch.firstStep)) {
      const created = st.transitions.filter((t) => t.kind === 'pageTableAlloc').map((t) => t.obj);
      const at = s.tree();
      for (const id of created) expect(at.tables[id].changed).toBe(true);
      break;
    }
  });
});
