import { describe, expect, it } from 'vitest';
import { GdrError, gdrInvariants, type GdrOptions } from '../../../src/engine/gdr';
import { events, KiB, setup, stepAt, stepLines } from './setup';

/**
 * Two processes, each with its own open of /dev/gdrdrv, each pins and maps a buffer. Both first mrs get handle 0,
 * so their mmap offsets collide: A's covers file pages [0, 16), B's [0, 32).
 */
function twoProcesses(options: GdrOptions = {}) {
  const t = setup(options);
  const { gdr } = t;
  const fa = gdr.open(1);
  const fb = gdr.open(2);
  const bufA = gdr.cudaMalloc(1, 64 * KiB);
  const bufB = gdr.cudaMalloc(1, 128 * KiB);
  const a = gdr.pin(fa, bufA);
  const b = gdr.pin(fb, bufB);
  const va = gdr.map(a);
  const vb = gdr.map(b);
  return { ...t, fa, fb, bufA, bufB, a, b, va, vb };
}

describe('the free callback (cudaFree of a pinned buffer)', () => {
  it('frees the page table, sets cb_flag and zaps only this file\u2019s mapping on its private address_space', () => {
    const t = twoProcesses();
    const { gdr, store, steps, view, a, b, va, vb } = t;
    expect([view().mrs[a].handle, view().mrs[b].handle]).toEqual([0, 0]);
    expect([view().vmas[va].addressSpace, view().vmas[vb].addressSpace]).toEqual([1, 2]);
    const from = steps.length;
    const t0 = store.length;
    gdr.cudaFree(t.bufA);
    expect(stepLines(steps, from)).toEqual([
      'cudaFree:entry',
      'cudaFree:callbacks',
      'gdrdrv_get_pages_free_callback:entry',
      'gdrdrv_get_pages_free_callback:flag',
      'gdrdrv_get_pages_free_callback:freeTable',
      'gdrdrv_get_pages_free_callback:zap',
      'gdrdrv_zap_vma:entry',
      'gdrdrv_zap_vma:range',
      'gdrdrv_zap_vma:walk',
      'gdrdrv_zap_vma:own',
      'gdrdrv_get_pages_free_callback:zap', // back in the caller: cpu_mapping_type = NONE
      'gdrdrv_get_pages_free_callback:clear',
      'cudaFree:release',
    ]);
    const end = store.length;
    // after the flag: cb_flag set, page table still there, mapping intact
    store.seekPosition(steps.endOf(stepAt(steps, 'gdrdrv_get_pages_free_callback:flag', from)));
    expect([view().mrs[a].cbFlag, view().mrs[a].pageTable?.length, view().vmas[va].ptes]).toEqual([true, 1, 16]);
    // after the page table is freed: the PTEs are still there until the zap
    store.seekPosition(steps.endOf(stepAt(steps, 'gdrdrv_get_pages_free_callback:freeTable', from)));
    expect([view().mrs[a].pageTable, view().vmas[va].ptes]).toEqual([null, 16]);
    store.seekPosition(end);
    const v = view();
    expect([v.mrs[a].cbFlag, v.mrs[a].pageTable, v.mrs[a].mappingType, v.mrs[a].vma]).toEqual([true, null, 'none', va]);
    expect([v.vmas[va].live, v.vmas[va].ptes, v.vmas[va].present]).toEqual([true, 0, []]);
    expect([v.vmas[vb].ptes, v.vmas[vb].present, v.mrs[b].mappingType]).toEqual([32, [[0, 32]], 'wc']);
    expect(v.buffers[t.bufA].freed).toBe(true);
    expect(events(store, 'gdrFreeCallback', t0).map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[a, t.fa, 0, 1]]);
    expect(events(store, 'gdrZapRange', t0).map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[1, a, 0, 16]]);
    expect(events(store, 'gdrZapVma', t0).map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[va, a + 1, 0, 16]]);
    expect(gdrInvariants(gdr)).toEqual([]);

    // B goes on copying; A's next copy hits the zapped PTEs: SIGBUS
    expect(gdr.copy(b, 0, 0, 4 * KiB)).toBeGreaterThan(0);
    expect(gdr.copy(a, 0, 0, 4 * KiB)).toBe(-1);
    const err = events(store, 'gdrError', end);
    expect(err.map((e) => [e.obj, e.x, e.y])).toEqual([[a, -7, GdrError.zapped]]);
    expect(steps.stepOfTransition(err[0].t)).toBe(stepAt(steps, 'gdr_copy_to_mapping:fault', from));
  });

  it('with sharedInodeMapping also tears down the other file\u2019s mapping whose offsets collide', () => {
    const t = twoProcesses({ sharedInodeMapping: true });
    const { gdr, store, steps, view, a, b, va, vb } = t;
    expect([view().vmas[va].addressSpace, view().vmas[vb].addressSpace]).toEqual([0, 0]);
    expect(view().addressSpaces[0].vmas).toEqual([va, vb]);
    const from = steps.length;
    const t0 = store.length;
    gdr.cudaFree(t.bufA);
    expect(stepLines(steps, from)).toContain('gdrdrv_zap_vma:other');
    const v = view();
    expect(v.vmas[va].ptes).toBe(0);
    // B's first 16 pages share file offsets [0, 16) with A: gone; its last 16 survive
    expect([v.vmas[vb].ptes, v.vmas[vb].present]).toEqual([16, [[16, 32]]]);
    // B's mr knows nothing: still pinned and mapped write-combined
    expect([v.mrs[b].mappingType, v.mrs[b].cbFlag, v.mrs[b].pageTable?.length]).toEqual(['wc', false, 2]);
    expect(events(store, 'gdrZapRange', t0).map((e) => [e.obj, e.x, e.y])).toEqual([[0, 0, 16]]);
    expect(events(store, 'gdrZapVma', t0).map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([
      [va, a + 1, 0, 16],
      [vb, b + 1, 1, 16],
    ]);
    expect(gdrInvariants(gdr)).toEqual([]);
    // process 2 now dies on a copy into the first half of its own, valid buffer; the second half still works
    expect(gdr.copy(b, 0, 0, 4 * KiB)).toBe(-1);
    expect(gdr.copy(b, 0, 64 * KiB, 4 * KiB)).toBeGreaterThan(0);
    expect(events(store, 'gdrError', t0).map((e) => [e.obj, e.x, e.y])).toEqual([[b, -7, GdrError.zapped]]);
  });

  it('does nothing to an mr whose pages were already put back, and leaves an unmapped pin with nothing to zap', () => {
    const { gdr, store, steps } = setup();
    const f = gdr.open(1);
    const buf = gdr.cudaMalloc(1, 64 * KiB);
    const m = gdr.pin(f, buf);
    const from = steps.length;
    gdr.cudaFree(buf);
    expect(stepLines(steps, from)).not.toContain('gdrdrv_get_pages_free_callback:zap');
    expect(events(store, 'gdrZapRange')).toEqual([]);
    expect(gdr.unpin(m)).toBe(true);
    expect(() => gdr.cudaFree(buf)).toThrow(/freed already/);
  });
});

describe('mapping after invalidation', () => {
  it('is refused by gdrdrv_mmap with EINVAL when the pages were taken back before the first map', () => {
    const { gdr, store, steps } = setup();
    const f = gdr.open(1);
    const buf = gdr.cudaMalloc(1, 64 * KiB);
    const m = gdr.pin(f, buf);
    gdr.cudaFree(buf);
    const from = steps.length;
    expect(gdr.map(m)).toBe(-1);
    const err = events(store, 'gdrError');
    expect(err.map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[m, 2, 22, GdrError.invalidated]]);
    expect(steps.stepOfTransition(err[0].t)).toBe(stepAt(steps, 'gdrdrv_mmap:invalidated', from));
  });

  it('is refused by the library (EAGAIN) while its stale mapping lingers, and by the driver (EINVAL) after gdr_unmap', () => {
    const { gdr, store, view } = setup();
    const f = gdr.open(1);
    const buf = gdr.cudaMalloc(1, 64 * KiB);
    const m = gdr.pin(f, buf);
    const v = gdr.map(m);
    gdr.cudaFree(buf);
    expect(gdr.map(m)).toBe(-1);
    expect(gdr.unmap(m)).toBe(true);
    expect([view().vmas[v].live, view().mrs[m].vma]).toEqual([false, -1]);
    expect(gdr.map(m)).toBe(-1);
    expect(events(store, 'gdrError').map((e) => [e.x, e.y])).toEqual([
      [11, GdrError.libAlreadyMapped],
      [22, GdrError.invalidated],
    ]);
    expect(gdrInvariants(gdr)).toEqual([]);
  });
});

describe('gdr_unmap, gdr_unpin_buffer and close', () => {
  it('unmap removes the VMA and clears mr->vma; unpin then puts the pages without a zap', () => {
    const { gdr, store, steps, view } = setup();
    const f = gdr.open(1);
    const m = gdr.pin(f, gdr.cudaMalloc(1, 128 * KiB));
    const v = gdr.map(m);
    const from = steps.length;
    expect(gdr.unmap(m)).toBe(true);
    expect(stepLines(steps, from)).toEqual(['gdr_unmap:entry', 'gdr_unmap:munmap', 'gdr_unmap:close']);
    expect([view().vmas[v].live, view().vmas[v].ptes, view().mrs[m].mappingType, view().mrs[m].vma]).toEqual([false, 0, 'none', -1]);
    expect(gdr.unmap(m)).toBe(false);
    const from2 = steps.length;
    expect(gdr.unpin(m)).toBe(true);
    expect(stepLines(steps, from2)).toEqual([
      'gdr_unpin_buffer:entry',
      'gdr_unpin_buffer:ioctl',
      '__gdrdrv_unpin_buffer:entry',
      '__gdrdrv_unpin_buffer:find',
      '__gdrdrv_unpin_buffer:unlink',
      'gdr_free_mr_unlocked:entry',
      'gdr_free_mr_unlocked:putPages',
      'gdr_free_mr_unlocked:kfree',
      'gdr_unpin_buffer:ret',
    ]);
    expect([view().mrs[m].state, view().mrs[m].pageTable, view().files[f].mrs]).toEqual(['freed', null, []]);
    expect(events(store, 'gdrPutPages').map((e) => [e.obj, e.idx, e.x, e.y])).toEqual([[m, f, 0, 2]]);
    expect(events(store, 'gdrZapRange')).toEqual([]);
    expect(gdr.unpin(m)).toBe(false);
    expect(events(store, 'gdrError').map((e) => e.y)).toEqual([GdrError.notMapped, GdrError.noHandle]);
    expect(gdrInvariants(gdr)).toEqual([]);
  });

  it('unpin of a still-mapped mr zaps its PTEs first and leaves the empty VMA behind', () => {
    const { gdr, store, steps, view } = setup();
    const f = gdr.open(1);
    const m = gdr.pin(f, gdr.cudaMalloc(1, 64 * KiB));
    const v = gdr.map(m);
    const from = steps.length;
    gdr.unpin(m);
    const lines = stepLines(steps, from);
    expect(lines.indexOf('__gdrdrv_unpin_buffer:zap')).toBeLessThan(lines.indexOf('gdr_free_mr_unlocked:putPages'));
    expect(lines).toContain('gdrdrv_zap_vma:own');
    expect([view().vmas[v].live, view().vmas[v].ptes, view().mrs[m].state]).toEqual([true, 0, 'freed']);
    expect(events(store, 'gdrPutPages')).toHaveLength(1);
    expect(gdrInvariants(gdr)).toEqual([]);
  });

  it('unpin after the free callback skips nvidia_p2p_put_pages', () => {
    const { gdr, store, steps } = setup();
    const f = gdr.open(1);
    const buf = gdr.cudaMalloc(1, 64 * KiB);
    const m = gdr.pin(f, buf);
    gdr.map(m);
    gdr.cudaFree(buf);
    const from = steps.length;
    gdr.unpin(m);
    expect(stepLines(steps, from)).toContain('gdr_free_mr_unlocked:skip');
    expect(stepLines(steps, from)).not.toContain('__gdrdrv_unpin_buffer:zap');
    expect(events(store, 'gdrPutPages')).toEqual([]);
  });

  it('close unmaps the file\u2019s VMAs, frees every mr newest first and releases the gdr_info', () => {
    const { gdr, store, view } = setup();
    const f = gdr.open(1);
    const other = gdr.open(2);
    const m1 = gdr.pin(f, gdr.cudaMalloc(1, 64 * KiB));
    const m2 = gdr.pin(f, gdr.cudaMalloc(1, 64 * KiB));
    const keep = gdr.pin(other, gdr.cudaMalloc(1, 64 * KiB));
    const v1 = gdr.map(m1);
    gdr.map(keep);
    gdr.release(f);
    const v = view();
    expect(v.files[f].open).toBe(false);
    expect([v.mrs[m1].state, v.mrs[m2].state, v.mrs[keep].state]).toEqual(['freed', 'freed', 'pinned']);
    expect(v.vmas[v1].live).toBe(false);
    expect(events(store, 'gdrPutPages').map((e) => e.obj)).toEqual([m2, m1]);
    expect(() => gdr.pin(f, 0)).toThrow(/closed/);
    expect(gdrInvariants(gdr)).toEqual([]);
  });
});
