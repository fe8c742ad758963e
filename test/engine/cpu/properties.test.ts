import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stateDigest } from '../../../src/engine/core/digest';
import { checkVersionsGrow } from '../../../src/engine/pagecache/invariants';
import { mmWorld, PAGE, violations } from './setup';

const arbOp = fc.oneof(
  fc.record({ op: fc.constant('access' as const), proc: fc.nat(1), vma: fc.nat(5), page: fc.nat(15), write: fc.boolean() }),
  fc.record({ op: fc.constant('access' as const), proc: fc.nat(1), vma: fc.nat(5), page: fc.nat(15), write: fc.boolean() }),
  fc.record({ op: fc.constant('msync' as const), proc: fc.nat(1), vma: fc.nat(5), page: fc.nat(15), pages: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('munmap' as const), proc: fc.nat(1), vma: fc.nat(5), page: fc.nat(15), pages: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('unmapMapping' as const), file: fc.nat(1), page: fc.nat(20), pages: fc.integer({ min: 1, max: 10 }), cows: fc.boolean() }),
  fc.record({ op: fc.constant('mmap' as const), proc: fc.nat(1), file: fc.integer({ min: -1, max: 1 }), shared: fc.boolean(), write: fc.boolean(), pgoff: fc.nat(8) }),
  fc.record({ op: fc.constant('gpuPage' as const), file: fc.nat(1), page: fc.nat(40) }),
);

describe('CPU mm properties', () => {
  it('random faults, msyncs, munmaps and unmap_mapping_range calls keep every invariant, and the log undoes and redoes to the same digest', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 30 }), (ops) => {
        const w = mmWorld(1);
        const files = [w.pc.createAddressSpace(), w.pc.createAddressSpace()];
        const procs = [w.mm.createMm(), w.mm.createMm()];
        w.mm.mmap(procs[0], { length: 16 * PAGE, write: true, shared: true, file: files[0] });
        w.mm.mmap(procs[1], { length: 16 * PAGE, write: true, shared: true, file: files[0], pgoff: 4 });
        w.mm.mmap(procs[0], { length: 16 * PAGE, write: true, file: files[1] });
        w.mm.mmap(procs[1], { length: 16 * PAGE, write: true });
        for (const o of ops) {
          switch (o.op) {
            case 'access': {
              const list = w.mm.vmas.vmasOf(procs[o.proc]);
              if (!list.length) break;
              const v = list[o.vma % list.length];
              const va = w.mm.vmas.start(v) + o.page * PAGE;
              if (va < w.mm.vmas.end(v)) w.mm.access(procs[o.proc], va, o.write);
              break;
            }
            case 'msync':
            case 'munmap': {
              const list = w.mm.vmas.vmasOf(procs[o.proc]);
              if (!list.length) break;
              const v = list[o.vma % list.length];
              const va = w.mm.vmas.start(v) + o.page * PAGE;
              if (o.op === 'msync') w.mm.msync(procs[o.proc], va, o.pages * PAGE);
              else w.mm.munmap(procs[o.proc], va, o.pages * PAGE);
              break;
            }
            case 'unmapMapping':
              w.mm.unmapMappingRange(files[o.file], o.page, o.pages, o.cows);
              break;
            case 'mmap':
              w.mm.mmap(procs[o.proc], { length: 8 * PAGE, write: o.write, shared: o.shared, file: o.file < 0 ? undefined : files[o.file], pgoff: o.pgoff });
              break;
            case 'gpuPage':
              if (w.pc.pagecacheGetGpuPage(files[o.file], o.page, 0) < 0) w.pc.addToPageCacheGpu(w.mem.alloc(), files[o.file], o.page, 0);
              break;
          }
          const v = violations(w);
          if (v.length) throw new Error(`after ${JSON.stringify(o)}:\n${v.join('\n')}`);
        }
        expect(checkVersionsGrow(w.store)).toEqual([]);
        const end = stateDigest(w.store);
        w.store.seekPosition(0);
        expect(stateDigest(w.store)).toBe(stateDigest(mmWorld(1).store));
        w.store.seekPosition(w.store.length);
        expect(stateDigest(w.store)).toBe(end);
        expect(violations(w)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
