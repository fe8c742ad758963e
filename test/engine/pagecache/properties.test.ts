import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stateDigest } from '../../../src/engine/core/digest';
import { PG } from '../../../src/engine/cpu/memmap';
import { Tag } from '../../../src/engine/pagecache/radix';
import { checkPageCache, checkVersionsGrow } from '../../../src/engine/pagecache/invariants';
import { pcWorld } from './setup';

const arbIndex = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 300_000 }));
const arbOp = fc.oneof(
  fc.record({ op: fc.constant('add' as const), file: fc.nat(2), index: arbIndex }),
  fc.record({ op: fc.constant('delete' as const), file: fc.nat(2), index: arbIndex }),
  fc.record({ op: fc.constant('dirty' as const), file: fc.nat(2), index: arbIndex }),
  fc.record({ op: fc.constant('gpuAdd' as const), file: fc.nat(2), index: arbIndex, gpu: fc.nat(1) }),
  fc.record({ op: fc.constant('gpuDelete' as const), file: fc.nat(2), index: arbIndex, gpu: fc.nat(1) }),
  fc.record({ op: fc.constant('release' as const), file: fc.nat(2), index: arbIndex, gpu: fc.nat(1) }),
  fc.record({ op: fc.constant('fsync' as const), file: fc.nat(2), index: arbIndex, len: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ op: fc.constant('clearCpuDirty' as const), file: fc.nat(2), index: arbIndex }),
);

describe('page cache properties', () => {
  it('random sequences of operations keep every invariant, and undo/redo of the whole log restores the same digest', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 40 }), (ops) => {
        const w = pcWorld(2);
        const files = [w.pc.createAddressSpace(), w.pc.createAddressSpace(), w.pc.createAddressSpace('private')];
        const held: number[] = [];
        for (const o of ops) {
          const f = files[o.file];
          const index = o.index; // half the indices fall in 0..200, so deletes and dirties often hit a page
          switch (o.op) {
            case 'add':
              if (w.pc.lookup(f, index) < 0) {
                const p = w.mem.alloc();
                w.pc.addToPageCache(p, f, index);
                w.pc.unlockPage(p);
                w.mem.put(p);
              }
              break;
            case 'delete': {
              const p = w.pc.lookup(f, index);
              if (p >= 0) w.pc.deleteFromPageCache(p);
              break;
            }
            case 'dirty': {
              const p = w.pc.lookup(f, index);
              if (p >= 0) w.pc.setPageDirty(p);
              break;
            }
            case 'gpuAdd':
              if (w.pc.pagecacheGetGpuPage(f, index, o.gpu) < 0) {
                const p = w.mem.alloc();
                held.push(p);
                w.pc.addToPageCacheGpu(p, f, index, o.gpu, index * 4096, 1);
              }
              break;
            case 'gpuDelete':
              w.pc.deleteFromPageCacheGpu(f, index, o.gpu);
              break;
            case 'release':
              if (w.pc.pagecacheGetGpuPage(f, index, o.gpu) >= 0) w.pc.increasePageVersion(f, index, o.gpu);
              break;
            case 'fsync':
              w.pc.fsyncRange(f, index, index + o.len);
              break;
            case 'clearCpuDirty':
              w.pc.tagClear(f, index, Tag.cpuDirty);
              break;
          }
          const v = checkPageCache(w.pc);
          if (v.length) throw new Error(`after ${JSON.stringify(o)}:\n${v.join('\n')}`);
        }
        expect(checkVersionsGrow(w.store)).toEqual([]);
        for (const p of held) expect(w.mem.has(p, PG.buddy)).toBe(false);
        const end = stateDigest(w.store);
        w.store.seekPosition(0);
        expect(stateDigest(w.store)).toBe(stateDigest(pcWorld(2).store));
        w.store.seekPosition(w.store.length);
        expect(stateDigest(w.store)).toBe(end);
        expect(checkPageCache(w.pc)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
