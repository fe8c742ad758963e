import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stateDigest } from '../../../src/engine/core/digest';
import { allViolations, hmmWorld, PAGE } from './setup';
import { MmuNotify } from '../../../src/engine/hmm/kinds';
import { CPU } from '../../../src/engine/hmm/hmm';
import { deviceView } from '../../../src/engine/hmm/view';
import { DEFAULT_CHUNK_PAGES } from '../../../src/engine/hmm/state';

const arbOp = fc.oneof(
  fc.record({ op: fc.constant('cpu' as const), proc: fc.nat(1), page: fc.nat(11), write: fc.boolean() }),
  fc.record({ op: fc.constant('migrate' as const), proc: fc.nat(1), page: fc.nat(11), pages: fc.integer({ min: 1, max: 12 }), to: fc.nat(2) }),
  fc.record({ op: fc.constant('device' as const), dev: fc.integer({ min: 1, max: 2 }), proc: fc.nat(1), page: fc.nat(11), write: fc.boolean() }),
  fc.record({ op: fc.constant('munmap' as const), proc: fc.nat(1), page: fc.nat(11), pages: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('evict' as const), dev: fc.integer({ min: 1, max: 2 }), all: fc.boolean() }),
  fc.record({ op: fc.constant('mmap' as const), proc: fc.nat(1) }),
);

describe('HMM properties', () => {
  it('random CPU accesses, migrations, device accesses, munmaps and evictions keep every invariant, and the log replays to the same digest', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 25 }), (ops) => {
        const w = hmmWorld(2, { chunkPages: 8, windowPages: 4 });
        const procs = [w.mm.createMm(), w.mm.createMm()];
        const bases = procs.map((mm) => w.mm.vmas.start(w.mm.mmap(mm, { length: 12 * PAGE, write: true })));
        for (const o of ops) {
          switch (o.op) {
            case 'cpu':
              if (w.mm.findVma(procs[o.proc], bases[o.proc] + o.page * PAGE) >= 0) w.mm.access(procs[o.proc], bases[o.proc] + o.page * PAGE, o.write);
              break;
            case 'migrate': {
              const a = bases[o.proc] + o.page * PAGE;
              w.hmm.migrate(procs[o.proc], a, Math.min(a + o.pages * PAGE, bases[o.proc] + 12 * PAGE), o.to === 0 ? CPU : o.to);
              break;
            }
            case 'device':
              if (w.mm.findVma(procs[o.proc], bases[o.proc] + o.page * PAGE) >= 0) w.hmm.deviceAccess(o.dev, procs[o.proc], bases[o.proc] + o.page * PAGE, o.write);
              break;
            case 'munmap': {
              const a = bases[o.proc] + o.page * PAGE;
              w.hmm.onInvalidate(procs[o.proc], a, a + o.pages * PAGE, MmuNotify.unmap);
              w.mm.munmap(procs[o.proc], a, o.pages * PAGE);
              break;
            }
            case 'evict': {
              const chunks = w.hmm.chunksOf(o.dev);
              if (o.all) w.hmm.evictDevice(o.dev);
              else if (chunks.length) w.hmm.evictChunk(chunks[0]);
              break;
            }
            case 'mmap': {
              const mm = procs[o.proc];
              if (w.mm.findVma(mm, bases[o.proc]) < 0 && w.mm.vmas.vmasOf(mm).length === 0) w.mm.mmap(mm, { start: bases[o.proc], length: 12 * PAGE, write: true });
              break;
            }
          }
          const v = allViolations(w);
          if (v.length) throw new Error(`after ${JSON.stringify(o)}:\n${v.join('\n')}`);
        }
        const digest = stateDigest(w.store);
        const end = w.store.length;
        w.store.seekPosition(0);
        w.store.seekPosition(end);
        expect(stateDigest(w.store)).toBe(digest);
      }),
      { numRuns: 150 },
    );
  });

  it('seeking to the start and back gives the same digest after migrate, fault and eviction', () => {
    const w = hmmWorld(1, { chunkPages: 16 });
    const mm = w.mm.createMm();
    const start = w.mm.vmas.start(w.mm.mmap(mm, { length: 6 * PAGE, write: true }));
    for (let i = 0; i < 6; i++) w.mm.access(mm, start + i * PAGE, true);
    w.hmm.migrate(mm, start, start + 6 * PAGE, 1);
    w.mm.access(mm, start + PAGE, false);
    w.hmm.evictChunk(0);
    const digest = stateDigest(w.store);
    const end = w.store.length;
    w.store.seekPosition(0);
    expect(stateDigest(w.store)).not.toBe(digest);
    w.store.seekPosition(end);
    expect(stateDigest(w.store)).toBe(digest);
  });

  it('a full 256 MiB chunk (65,536 pages) is created lazily and evicted without touching its free pages one by one', () => {
    const w = hmmWorld(1, {});
    const mm = w.mm.createMm();
    const start = w.mm.vmas.start(w.mm.mmap(mm, { length: 4 * PAGE, write: true }));
    for (let i = 0; i < 4; i++) w.mm.access(mm, start + i * PAGE, true);
    w.hmm.migrate(mm, start, start + 4 * PAGE, 1);
    expect(deviceView(w.hmm, 1).freeTotal).toBe(DEFAULT_CHUNK_PAGES - 4);
    const before = w.store.length;
    expect(w.hmm.evictChunk(0)).toBe(4);
    expect(w.store.length - before).toBeLessThan(2000);
    expect(allViolations(w)).toEqual([]);
  });
});
