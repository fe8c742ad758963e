import { describe, expect, it } from 'vitest';
import { Store } from '../../src/engine/core/store';
import { kindByName } from '../../src/engine/core/kinds';
import { describeTransition, type RawTransition, type TransitionView } from '../../src/engine/run/describe';
import { conditionFields, decodedFields, kindNames } from '../../src/engine/run/bp-fields';
import { countHits, findNextHit, parseBreakpointSpec, type Breakpoint } from '../../src/engine/run/breakpoints';
import { PLATFORM_FIELDS } from '../../src/engine/run/describe-platform';
import { radixNode } from '../../src/engine/run/describe-pagecache';
import { PK } from '../../src/engine/pagecache/kinds';
import { HK } from '../../src/engine/hmm/kinds';
import type { Model } from '../../src/engine/uvm/model';
import type { Run } from '../../src/engine/run/run';
import { runYaml } from './helpers';

/** A file shared with a GPU through GAIA (tree of height 2: 128 pages written), an anonymous heap, a device buffer. */
const PLATFORM = `uvmscope: 1
machine:
  gpus: [ { name: gpu0, memory: 80GiB, arch: hopper } ]
  cpu: { memory: 64GiB }
regions:
  - { name: table, kind: file, size: 1MiB }
  - { name: other, kind: file, size: 64KiB }
  - { name: heap, kind: anonymous, size: 64KiB }
  - { name: staging, kind: device, size: 2MiB }
steps:
  - { op: cpu.mmap, region: table }
  - { op: cpu.write, region: table, length: 512KiB }
  - { op: cpu.msync, region: table, length: 64KiB }
  - { op: gaia.map, region: table }
  - { op: gpu.kernel, access: { region: table, op: write, length: 128KiB } }
  - { op: cpu.write, region: table, length: 64KiB }
  - { op: gaia.maquire, region: table, length: 128KiB }
  - { op: gpu.kernel, access: { region: table, op: write, length: 64KiB } }
  - { op: gaia.mrelease, region: table, length: 128KiB }
  - { op: cpu.read, region: table, length: 128KiB }
  - { op: cpu.msync, region: table }
  - { op: gaia.maquire, region: other }
  - { op: cpu.munmap, region: table }
  - { op: cpu.write, region: heap }
  - { op: gdr.pin, region: staging }
  - { op: gdr.map, region: staging }
  - { op: gdr.copy, region: staging, direction: to-gpu, length: 64KiB }
  - { op: gdr.copy, region: staging, direction: from-gpu, length: 64KiB }
  - { op: gdr.unpin, region: staging }
`;
/** Ops of PLATFORM by index, for expected hit positions. */
const OP = { firstKernel: 4, maquire: 6, mrelease: 8, cpuRead: 9, refused: 11, fromGpu: 17 };

/** Anonymous memory migrated to device-private memory and back by HMM. */
const HMM = `uvmscope: 1
machine:
  gpus: [ { name: gpu0, memory: 80GiB, arch: hopper } ]
  cpu: { memory: 64GiB }
regions:
  - { name: heap, kind: anonymous, size: 1MiB }
steps:
  - { op: cpu.write, region: heap }
  - { op: hmm.migrate, region: heap, to: gpu0 }
  - { op: gpu.kernel, access: { region: heap, op: write, length: 256KiB } }
  - { op: cpu.read, region: heap, length: 64KiB }
  - { op: hmm.evict, chunk: 0 }
  - { op: hmm.migrate, region: heap, to: cpu }
`;

let cached: Run | null = null;
const run = (): Run => (cached ??= runYaml(PLATFORM));
let cachedHmm: Run | null = null;
const hmmRun = (): Run => (cachedHmm ??= runYaml(HMM));

const ours = (kind: string): boolean => Object.hasOwn(PLATFORM_FIELDS, kind);

/** Every transition of the run described once. */
function views(r: Run): TransitionView[] {
  const out: TransitionView[] = [];
  for (let t = 0; t < r.transitionCount; t++) out.push(r.transition(t));
  return out;
}
let cachedViews: TransitionView[] | null = null;
const allViews = (): TransitionView[] => (cachedViews ??= views(run()));
let cachedHmmViews: TransitionView[] | null = null;
const hmmViews = (): TransitionView[] => (cachedHmmViews ??= views(hmmRun()));

/** Check every platform transition of a run (problems collected, one expect: runs have ~30k); returns the kinds seen. */
function checkAll(list: readonly TransitionView[]): Set<string> {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const v of list) {
    if (!ours(v.kind)) continue;
    seen.add(v.kind);
    const at = `${v.index} ${v.kind}: ${v.text}`;
    if (/^kind\d+/.test(v.text) || v.text.startsWith(`${v.kind} ${v.heap}[`) || v.text.length <= 10) problems.push(`generic text at ${at}`);
    for (const [f, x] of Object.entries(v.fields)) {
      if (!PLATFORM_FIELDS[v.kind].includes(f)) problems.push(`unregistered field ${f} at ${at}`);
      if (typeof x !== 'string' && !Number.isFinite(x)) problems.push(`field ${f} = ${x} at ${at}`);
    }
  }
  expect(problems.slice(0, 20)).toEqual([]);
  return seen;
}

function bp(spec: string, r?: Run): Breakpoint {
  const p = parseBreakpointSpec(spec, { run: r });
  if (!p.ok) throw new Error(`${spec}: ${p.error.message}`);
  return p.breakpoint;
}

/** The first transition whose view passes `test`, and its step: what findNextHit from -1 must find. */
function firstWhere(r: Run, list: readonly TransitionView[], test: (v: TransitionView) => boolean): { step: number; transition: number } | null {
  for (const v of list) if (test(v)) return { step: r.stepOfTransition(v.index), transition: v.index };
  return null;
}

type Case = [spec: string, test: (v: TransitionView) => boolean, op: number];

/** Each breakpoint stops at the first transition its test picks, in scenario op `op`. */
function checkStops(r: Run, list: readonly TransitionView[], cases: readonly Case[]): void {
  for (const [spec, test, op] of cases) {
    const want = firstWhere(r, list, test);
    expect(want, spec).not.toBeNull();
    const hit = findNextHit(r, [bp(spec, r)], -1);
    expect(hit, spec).not.toBeNull();
    expect({ step: hit!.step, transition: hit!.transition }, spec).toEqual(want);
    expect(r.opOf(hit!.step), spec).toBe(op);
  }
}

describe('platform describers on a run of files, anonymous memory and gdrcopy', () => {
  it('describes every transition, and every platform kind seen with its own text and registered fields', () => {
    const seen = checkAll(allViews());
    expect(run().transitionCount).toBeGreaterThan(1000);
    // the kinds this scenario exercises (the rest are checked on synthetic payloads below)
    const expected = [
      ...['pcFile', 'pcNode', 'pcSlot', 'pcGpuSlot', 'pcTag', 'pcTsvt', 'pcTsvtReset'],
      ...['diskRead', 'diskWrite', 'nodeAlloc', 'pageInsert', 'gpuInsert', 'gpuDelete', 'stale', 'cacheHit', 'cacheMiss', 'treeHeight', 'rangeTag'],
      ...['pageFlags', 'pageField', 'vma', 'pgtable', 'pte', 'mm', 'mmFault', 'pgtableAlloc', 'zeroPage', 'wpShared', 'tlbFlush', 'msync', 'munmap'],
      ...['unmapMappingRange', 'mkclean', 'vmaCreate', 'vmaRemove'],
      ...['gaiaMap', 'gaiaBlock', 'gaiaMapped', 'populate', 'maquireDrop', 'maquireMissing', 'maquireDone', 'mreleaseCheck', 'mreleaseDone'],
      ...['retrieved', 'invalidated', 'callRefused'],
      ...['gdrFile', 'gdrMr', 'gdrPages', 'gdrVma', 'gdrOpen', 'gdrPin', 'gdrMmap', 'gdrRemap', 'gdrCopy', 'gdrZapRange', 'gdrZapVma', 'gdrPutPages'],
    ];
    expect([...seen].sort()).toEqual(expect.arrayContaining(expected));
  });

  it('registers the same field names for breakpoint conditions, for every kind it describes', () => {
    for (const [kind, fields] of Object.entries(PLATFORM_FIELDS)) {
      expect(kindNames(), kind).toContain(kind);
      expect(decodedFields(kind), kind).toEqual(fields);
      expect(conditionFields(kind)).toEqual(expect.arrayContaining([...fields, 'step', 'op', 'time']));
    }
    // every HMM kind is covered (HMM registers its kinds here even before the executor runs it)
    for (const k of Object.keys(HK)) expect(Object.keys(PLATFORM_FIELDS)).toContain(k);
  });

  it('decodes the record a word belongs to as the transition obj says (the header sizes match the model)', () => {
    const idOf: Record<string, string> = {
      ...{ pcNode: 'node', pcSlot: 'node', pcGpuSlot: 'node', pcTag: 'node', pcTsvt: 'node', pcTsvtReset: 'node', pcFile: 'file' },
      ...{ pageFlags: 'pfn', pte: 'table', vma: 'vma', mm: 'mm' },
      ...{ hmmDevice: 'device', hmmChunk: 'chunk', hmmPage: 'page', hmmMirror: 'mirror', hmmMigrate: 'entry' },
    };
    const header = ['files', 'nodes', 'free_head', 'mms', 'vmas', 'chunks', 'mirrors', 'pt_nodes'];
    let checked = 0;
    const wrong: string[] = [];
    for (const v of [...allViews(), ...hmmViews()]) {
      const f = idOf[v.kind];
      if (!f || header.includes(v.fields.field as string) || (v.kind === 'hmmMigrate' && v.fields.entry === undefined)) continue;
      if (v.fields[f] !== v.obj) wrong.push(`${v.kind} at ${v.index}: ${f} ${v.fields[f]}, obj ${v.obj}: ${v.text}`);
      checked++;
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(2000);
  });

  it('names the file index of every radix slot as the page-cache events do, in a tree of height 2', () => {
    const inserts = allViews().filter((v) => v.kind === 'pageInsert');
    const slots = allViews().filter((v) => v.kind === 'pcSlot' && v.fields.pfn !== undefined && v.fields.action === 'set');
    expect(inserts.length).toBe(128);
    for (const e of inserts) expect(slots.some((s) => s.fields.file === e.fields.file && s.fields.index === e.fields.index && s.fields.pfn === e.fields.pfn), e.text).toBe(true);
    expect(allViews().some((v) => v.kind === 'treeHeight' && v.fields.height === 2)).toBe(true);
    expect(allViews().some((v) => v.kind === 'pcSlot' && v.fields.height === 2 && v.fields.child !== undefined)).toBe(true);
  });

  it('gives every faulting VA a PTE decoded at that VA', () => {
    const ptes = new Set(allViews().filter((v) => v.kind === 'pte' && v.fields.pteKind === 'present').map((v) => v.fields.va));
    const faults = allViews().filter((v) => v.kind === 'mmFault');
    expect(faults.length).toBeGreaterThan(100);
    for (const f of faults) expect(ptes.has(f.fields.va), f.text).toBe(true);
  });

  it('reads like the debugger should', () => {
    const texts = new Set(allViews().map((v) => v.text));
    const has = (re: RegExp) => expect([...texts].some((x) => re.test(x)), String(re)).toBe(true);
    has(/^CPU_DIRTY tag cleared on file 0 index \d+$/);
    has(/^CPU_DIRTY tag set on node \d+ slot 0 \(file 0 indices 0–63 below it\)$/);
    has(/^maquire dropped GPU page of indices 16–31 \(gpu0\), 2 dropped so far$/);
    has(/^add_to_page_cache_gpu: gpu0 page \(pfn \d+\) now caches file 0 indices 0–15$/);
    has(/^page pfn \d+ enters the cache at file 0 index 70 \(node \d+ slot 6\)$/);
    has(/^PTE of VA 0x[0-9a-f]+ \(mm 0\): none → present pfn \d+ W D A$/);
    has(/^struct page pfn \d+: PG_dirty PG_dirty_GPU set$/);
    has(/^TSVT\[cpu\]\[gpu0\] of file 0 index \d+ \(gpu0's version as cpu knows it\): (none|\d+) → \d+$/);
    has(/^CPU page pfn \d+ of file 0 index \d+ is stale: gpu0 has a newer version$/);
    has(/^GAIA call on other refused: no gpu_mapped_shared VMA at the address$/);
    has(/^zeroed anonymous page pfn \d+ for VA 0x[0-9a-f]+ \(mm 0\)$/);
    has(/^gdr_copy_from_mapping of 65536 B through mr 0/);
  });
});

describe('platform describers on a run of HMM', () => {
  it('describes every transition, and every HMM kind the run has', () => {
    const seen = checkAll(hmmViews());
    const expected = [
      ...['hmmDevice', 'hmmChunk', 'hmmPage', 'hmmPt', 'hmmMigrate', 'hmmMirror', 'hmmChunkAlloc', 'hmmChunkRelease', 'hmmInvalidate'],
      ...['hmmMigrateStart', 'hmmCollect', 'hmmCopy', 'hmmPageCopy', 'hmmDevicePrivateFault', 'hmmDeviceAccess', 'hmmPageFree', 'hmmMirrorOpen', 'hmmMigrateDone'],
      'swapEntryFault',
    ];
    expect([...seen].sort()).toEqual(expect.arrayContaining(expected));
  });

  it('places every device page-table entry at the VA the device accessed', () => {
    const entries = new Set(hmmViews().filter((v) => v.kind === 'hmmPt' && v.fields.level === 5 && v.fields.entry !== 'none').map((v) => v.fields.va));
    const accesses = hmmViews().filter((v) => v.kind === 'hmmDeviceAccess');
    expect(accesses.length).toBe(64);
    for (const a of accesses) expect(entries.has(a.fields.va), a.text).toBe(true);
    const texts = hmmViews().map((v) => v.text);
    expect(texts).toContain('HMM chunk 0 state: live → released');
    expect(texts.some((x) => /^migrate dst\[\d+\]: 0 → dev \d+ \| VALID WRITE$/.test(x))).toBe(true);
    expect(texts.some((x) => /^mirror 0 device page table at VA 0x[0-9a-f]+: none → device page \d+ WRITE$/.test(x))).toBe(true);
  });
});

describe('breakpoints on the platform kinds', () => {
  it('stops where the decoded fields say', () => {
    checkStops(run(), allViews(), [
      ["pcTag if tag == 'CPU_DIRTY' && action == 'cleared'", (v) => v.kind === 'pcTag' && v.fields.tag === 'CPU_DIRTY' && v.fields.action === 'cleared', OP.firstKernel],
      ["maquireDrop if index == 16 && gpu == 'gpu0'", (v) => v.kind === 'maquireDrop' && v.fields.index === 16, OP.maquire],
      ["gpuInsert if gpu == 'gpu0' && index == 16", (v) => v.kind === 'gpuInsert' && v.fields.index === 16, OP.firstKernel],
      ["stale if owner == 'gpu0' && index >= 8", (v) => v.kind === 'stale' && (v.fields.index as number) >= 8, OP.cpuRead],
      ["pte if pteKind == 'none' && mm == 0", (v) => v.kind === 'pte' && v.fields.pteKind === 'none', OP.mrelease],
      ["callRefused if regionName == 'other'", (v) => v.kind === 'callRefused', OP.refused],
      ["gdrCopy if direction == 'from-gpu'", (v) => v.kind === 'gdrCopy' && v.fields.direction === 'from-gpu', OP.fromGpu],
      ["pageFlags if flag == 'dirty|dirty_GPU' && action == 'set'", (v) => v.kind === 'pageFlags' && v.fields.flag === 'dirty|dirty_GPU' && v.fields.action === 'set', 1],
      ['mreleaseCheck if dirty == 1', (v) => v.kind === 'mreleaseCheck' && v.fields.dirty === 1, OP.mrelease],
    ]);
    checkStops(hmmRun(), hmmViews(), [
      ["hmmChunk if field == 'state' && state == 'released'", (v) => v.kind === 'hmmChunk' && v.fields.state === 'released', 4],
      ["hmmPt if level == 5 && entry != 'none'", (v) => v.kind === 'hmmPt' && v.fields.level === 5 && v.fields.entry !== 'none', 1],
      ["hmmCopy if direction == 'to system (DtoH)' && gpu == 'gpu0'", (v) => v.kind === 'hmmCopy' && v.fields.direction === 'to system (DtoH)', 3],
      ["swapEntryFault if pteKind == 'device_private'", (v) => v.kind === 'swapEntryFault', 3],
    ]);
  });

  it('counts hits as the decoded fields do', () => {
    const r = run();
    const specs: [string, (v: TransitionView) => boolean][] = [
      ["pcTag if tag == 'ON_GPU'", (v) => v.kind === 'pcTag' && v.fields.tag === 'ON_GPU'],
      ['maquireMissing if index < 16', (v) => v.kind === 'maquireMissing' && (v.fields.index as number) < 16],
      ["pcTsvt if viewer == 'disk'", (v) => v.kind === 'pcTsvt' && v.fields.viewer === 'disk'],
    ];
    for (const [spec, test] of specs) {
      const n = allViews().filter(test).length;
      expect(n, spec).toBeGreaterThan(0);
      expect(countHits(r, [bp(spec, r)]), spec).toEqual([n]);
    }
  });

  it('refuses fields a platform kind does not have, and reaches gdrError through `operation`', () => {
    const e = parseBreakpointSpec("pcTag if tagg == 'DIRTY'");
    expect(e.ok).toBe(false);
    expect(parseBreakpointSpec("pcTag if tag == 'DIRTY' && file == 0 && index < 64").ok).toBe(true);
    expect(parseBreakpointSpec("gdrError if operation == 'map'").ok).toBe(true);
    expect(parseBreakpointSpec("hmmDecline if reason != ''").ok).toBe(true);
  });
});

describe('platform describers on synthetic payloads', () => {
  it('gives every platform event kind its own text and registered fields', () => {
    const m = run().ctx.m;
    const s = new Store();
    const kinds = Object.keys(PLATFORM_FIELDS).filter((k) => kindByName(k)! >= 64);
    for (const k of kinds) s.event(kindByName(k)!, 1, 2, 3, 4);
    for (let t = 0; t < s.length; t++) {
      const v = describeTransition(s, m, t);
      expect(v.kind).toBe(kinds[t]);
      expect(v.text, v.kind).not.toMatch(/^kind\d+|^\w+$/);
      for (const f of Object.keys(v.fields)) expect(PLATFORM_FIELDS[v.kind], `${v.kind}.${f}`).toContain(f);
    }
    expect(kinds.length).toBeGreaterThan(60);
  });

  it('finds which file and index a reused radix node covered, from the log', () => {
    const s = new Store();
    const m = { store: s } as unknown as Model;
    s.event(PK.nodeAlloc, 3, 0, 1, 0); // 0: node 3 = file 0 indices 0–63
    s.event(PK.nodeFree, 3, 0, 1, 0); // 1
    s.event(PK.cacheMiss, 0, 0, 0, 0); // 2: between the free and the next allocation
    s.event(PK.nodeAlloc, 3, 1, 1, 64); // 3: node 3 = file 1 indices 64–127
    /** A write to node `obj` at log position `index` (describe.ts does not pass it yet: undefined). */
    const tr = (index: number | undefined, after: number, obj = 3): RawTransition & { index?: number } => ({ kind: PK.pcSlot, heap: 1, idx: 0, obj, before: 7, after, index });
    // without the position two lives disagree, so nothing is claimed
    expect(radixNode(tr(undefined, 0), m)).toBeNull();
    expect(radixNode(tr(0, 5), m)).toMatchObject({ file: 0, base: 0 });
    expect(radixNode(tr(1, 0), m)).toMatchObject({ file: 0, base: 0 });
    // between the free and the next allocation: zeroing writes are the old life's, set-up writes the new one's
    expect(radixNode(tr(2, 0), m)).toMatchObject({ file: 0 });
    expect(radixNode(tr(2, 5), m)).toMatchObject({ file: 1, base: 64 });
    expect(radixNode(tr(9, 5), m)).toMatchObject({ file: 1, base: 64 });
    // one life (or lives that agree): known without the position
    s.event(PK.nodeAlloc, 4, 0, 2, 0);
    expect(radixNode(tr(undefined, 5, 4), m)).toMatchObject({ file: 0, height: 2 });
    expect(radixNode(tr(undefined, 5, 5), m)).toBeNull();
  });
});
