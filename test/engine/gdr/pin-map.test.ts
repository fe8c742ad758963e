import { describe, expect, it } from 'vitest';
import { bar1Base, DEFAULT_MMAP_TOP, DEVICE_VA_BASE, GdrError, gdrInvariants } from '../../../src/engine/gdr';
import { events, KiB, setup, stepAt, stepLines } from './setup';

const BAR = bar1Base(1);

describe('gdr_open', () => {
  it('gives each open file its own address_space and a next_handle of 0', () => {
    const { gdr, store, view } = setup();
    const a = gdr.open(1);
    const b = gdr.open(2);
    const v = view();
    expect(v.files.map((f) => [f.id, f.process, f.addressSpace, f.nextHandle, f.open])).toEqual([
      [a, 1, 1, 0, true],
      [b, 2, 2, 0, true],
    ]);
    expect(v.addressSpaces.map((s) => [s.id, s.files])).toEqual([
      [0, []],
      [1, [a]],
      [2, [b]],
    ]);
    expect(events(store, 'gdrOpen').map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([
      [a, 1, 1, 0],
      [b, 2, 2, 0],
    ]);
  });

  it('leaves every open on the inode mapping under the sharedInodeMapping counterfactual', () => {
    const { gdr, view, steps } = setup({ sharedInodeMapping: true });
    gdr.open(1);
    gdr.open(2);
    expect(view().files.map((f) => f.addressSpace)).toEqual([0, 0]);
    expect(view().addressSpaces).toEqual([{ id: 0, name: 'inode->i_mapping (shared)', files: [0, 1], vmas: [] }]);
    expect(stepLines(steps)).toContain('gdrdrv_open:sharedMapping');
  });

  it('opens a process\u2019s file once when asked through fileOf', () => {
    const { gdr } = setup();
    const f = gdr.fileOf(3);
    expect(gdr.fileOf(3)).toBe(f);
    expect(gdr.fileOf(4)).not.toBe(f);
  });
});

describe('gdr_pin_buffer', () => {
  it('rounds the range to 64 KiB pages, gets a BAR1 page table, then hands out handle 0 and advances next_handle in 4 KiB units', () => {
    const { gdr, store, steps, view, clock } = setup();
    const f = gdr.open(1);
    const buf = gdr.cudaMalloc(1, 256 * KiB);
    expect(view().buffers[buf]).toEqual({ id: buf, gpu: 1, va: DEVICE_VA_BASE, size: 256 * KiB, freed: false });
    const from = steps.length;
    const m = gdr.pin(f, buf);
    expect(m).toBe(0);
    expect(stepLines(steps, from)).toEqual([
      'gdr_pin_buffer:entry',
      'gdr_pin_buffer:ioctl',
      '__gdrdrv_pin_buffer:entry',
      '__gdrdrv_pin_buffer:align',
      '__gdrdrv_pin_buffer:getPages',
      '__gdrdrv_pin_buffer:pageSize',
      '__gdrdrv_pin_buffer:handle',
      '__gdrdrv_pin_buffer:list',
      'gdr_pin_buffer:ret',
    ]);
    const end = store.length;

    // after align: the mr exists with its rounded range, no page table, not on the list
    store.seekPosition(steps.endOf(stepAt(steps, '__gdrdrv_pin_buffer:align', from)));
    let mr = view().mrs[m];
    expect([mr.state, mr.va, mr.offset, mr.mappedSize, mr.entries, mr.pageTable]).toEqual(['pinning', DEVICE_VA_BASE, 0, 256 * KiB, 4, null]);
    // after get_pages: four contiguous BAR1 pages
    store.seekPosition(steps.endOf(stepAt(steps, '__gdrdrv_pin_buffer:getPages', from)));
    mr = view().mrs[m];
    expect(mr.pageTable).toEqual([BAR, BAR + 64 * KiB, BAR + 128 * KiB, BAR + 192 * KiB]);
    expect(view().files[f].nextHandle).toBe(0);
    // after the handle: next_handle moved by mapped_size >> PAGE_SHIFT
    store.seekPosition(steps.endOf(stepAt(steps, '__gdrdrv_pin_buffer:handle', from)));
    expect(view().files[f].nextHandle).toBe(64);
    expect(view().files[f].mrs).toEqual([]);
    store.seekPosition(end);
    mr = view().mrs[m];
    expect([mr.state, mr.handle, mr.mmapOffset]).toEqual(['pinned', 0, 0]);
    expect(view().files[f].mrs).toEqual([m]);
    expect(events(store, 'gdrPin').map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[m, f, 0, 4]]);
    expect(clock.now()).toBeCloseTo(1346034.06, 0); // apiperf: pin 64 KiB ≈ 1346 µs (published)
  });

  it('gives a second pin the handle after the first one\u2019s range and the next BAR1 pages', () => {
    const { gdr, view } = setup();
    const f = gdr.open(1);
    const a = gdr.pin(f, gdr.cudaMalloc(1, 256 * KiB));
    const b = gdr.pin(f, gdr.cudaMalloc(1, 100 * KiB));
    const v = view();
    expect([v.mrs[a].handle, v.mrs[b].handle, v.files[f].nextHandle]).toEqual([0, 64, 96]);
    expect(v.mrs[b].mappedSize).toBe(128 * KiB);
    expect(v.mrs[b].pageTable).toEqual([BAR + 256 * KiB, BAR + 320 * KiB]);
    expect(v.buffers[1].va).toBe(DEVICE_VA_BASE + 2 * 1024 * KiB);
    expect(gdrInvariants(gdr)).toEqual([]);
  });

  it('refuses to pin freed GPU memory, and runs out of BAR1 with ENOMEM', () => {
    const { gdr, store, view } = setup({ bar1Bytes: 4 * 64 * KiB });
    const f = gdr.open(1);
    const buf = gdr.cudaMalloc(1, 64 * KiB);
    gdr.cudaFree(buf);
    expect(gdr.pin(f, buf)).toBe(-1);
    expect(gdr.pin(f, gdr.cudaMalloc(1, 320 * KiB))).toBe(-1);
    expect(events(store, 'gdrError').map((e) => [e.obj, e.x, e.y])).toEqual([
      [0, 22, GdrError.getPagesFailed],
      [1, 12, GdrError.noBar1],
    ]);
    expect(view().mrs.map((m) => m.state)).toEqual(['refused', 'refused']);
    expect(view().files[f].nextHandle).toBe(0);
  });
});

describe('gdr_map → gdrdrv_mmap', () => {
  it('makes a VMA at pgoff = handle on the file\u2019s address_space and maps one coalesced run write-combined', () => {
    const { gdr, store, steps, view } = setup();
    const f = gdr.open(1);
    gdr.pin(f, gdr.cudaMalloc(1, 64 * KiB)); // handle 0
    const m = gdr.pin(f, gdr.cudaMalloc(1, 256 * KiB)); // handle 16
    const from = steps.length;
    const v = gdr.map(m);
    expect(stepLines(steps, from)).toEqual([
      'gdr_map:entry',
      'gdr_map:mmap',
      'gdrdrv_mmap:entry',
      'gdrdrv_mmap:lookup',
      'gdrdrv_mmap:mapped',
      'gdrdrv_mmap:invalidated',
      'gdrdrv_mmap:table',
      'gdrdrv_mmap:offset',
      'gdrdrv_mmap:size',
      'gdrdrv_mmap:type',
      'gdrdrv_mmap:coalesce',
      'gdrdrv_mmap:remap',
      'gdrdrv_mmap:record',
      'gdr_map:getInfo',
    ]);
    const end = store.length;
    store.seekPosition(steps.endOf(stepAt(steps, 'gdrdrv_mmap:remap', from)));
    expect(view().mrs[m].mappingType).toBe('none'); // the PTEs exist, mr->vma not yet recorded
    expect(view().vmas[v].ptes).toBe(64);
    store.seekPosition(end);
    const vma = view().vmas[v];
    expect(vma).toEqual({ id: v, file: f, process: 1, addressSpace: 1, live: true, start: DEFAULT_MMAP_TOP - 256 * KiB, len: 256 * KiB, pgoff: 16, mr: m, present: [[0, 64]], ptes: 64 });
    const mr = view().mrs[m];
    expect([mr.mappingType, mr.vma, mr.addressSpace]).toEqual(['wc', v, 1]);
    expect(mr.runs).toEqual([{ entry: 0, pages: 4, paddr: BAR + 64 * KiB }]);
    expect(events(store, 'gdrRemap').map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[v, 0, BAR + 64 * KiB, 256 * KiB]]);
    expect(events(store, 'gdrMmap').map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[m, v, DEFAULT_MMAP_TOP - 256 * KiB, 256 * KiB]]);
    expect(view().addressSpaces[1].vmas).toEqual([v]);
    expect(gdrInvariants(gdr)).toEqual([]);
  });

  it('maps a pin spread over two BAR1 holes with one io_remap_pfn_range per contiguous run', () => {
    const { gdr, store, view } = setup({ bar1Bytes: 12 * 64 * KiB });
    const f = gdr.open(1);
    const a = gdr.pin(f, gdr.cudaMalloc(1, 256 * KiB)); // BAR1 pages 0–3
    gdr.pin(f, gdr.cudaMalloc(1, 256 * KiB)); // 4–7
    gdr.unpin(a); // frees 0–3; 8–11 still free
    const c = gdr.pin(f, gdr.cudaMalloc(1, 512 * KiB));
    expect(view().mrs[c].pageTable).toEqual([0, 1, 2, 3, 8, 9, 10, 11].map((p) => BAR + p * 64 * KiB));
    const v = gdr.map(c);
    expect(view().mrs[c].runs).toEqual([
      { entry: 0, pages: 4, paddr: BAR },
      { entry: 4, pages: 4, paddr: BAR + 8 * 64 * KiB },
    ]);
    expect(events(store, 'gdrRemap').map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([
      [v, 0, BAR, 256 * KiB],
      [v, 64, BAR + 8 * 64 * KiB, 256 * KiB],
    ]);
    expect(view().vmas[v].present).toEqual([[0, 128]]);
    expect(gdrInvariants(gdr)).toEqual([]);
  });

  it('refuses a pin that did not start on a 64 KiB boundary (offset != 0 is not supported)', () => {
    const { gdr, store, steps, view } = setup();
    const f = gdr.open(1);
    const m = gdr.pin(f, gdr.cudaMalloc(1, 256 * KiB), 4 * KiB, 8 * KiB);
    expect([view().mrs[m].va, view().mrs[m].offset, view().mrs[m].entries]).toEqual([DEVICE_VA_BASE, 4 * KiB, 1]);
    const from = steps.length;
    expect(gdr.map(m)).toBe(-1);
    const err = events(store, 'gdrError');
    expect(err.map((e) => [e.obj, e.x, e.y])).toEqual([[m, 22, GdrError.unalignedPin]]);
    expect(steps.stepOfTransition(err[0].t)).toBe(stepAt(steps, 'gdrdrv_mmap:offset', from));
    expect(stepLines(steps, from).slice(-1)).toEqual(['gdr_map:failed']);
    expect(view().vmas).toEqual([]);
  });

  it('refuses a second gdr_map of a mapped handle in the library (EAGAIN) before the kernel sees it', () => {
    const { gdr, store } = setup();
    const f = gdr.open(1);
    const m = gdr.pin(f, gdr.cudaMalloc(1, 64 * KiB));
    gdr.map(m);
    expect(gdr.map(m)).toBe(-1);
    expect(events(store, 'gdrError').map((e) => [e.x, e.y])).toEqual([[11, GdrError.libAlreadyMapped]]);
  });

  it('throws on an mr that does not exist (a programming error, not a refusal)', () => {
    const { gdr } = setup();
    gdr.open(1);
    expect(() => gdr.map(0)).toThrow(/no gdr mr 0/);
    expect(() => gdr.pin(5, 0)).toThrow(/no gdr file 5/);
  });
});
