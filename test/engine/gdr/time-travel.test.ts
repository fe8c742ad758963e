import { describe, expect, it } from 'vitest';
import { stateDigest } from '../../../src/engine/core/digest';
import { gdrInvariants, type GdrOptions } from '../../../src/engine/gdr';
import { M_CB_FLAG, M_HANDLE, V_PGOFF, V_PRESENT } from '../../../src/engine/gdr/state';
import { KiB, setup } from './setup';

/** A whole gdrcopy story; returns the setup and the view after each call, with the position it was taken at. */
function story(options: GdrOptions = {}) {
  const t = setup(options);
  const { gdr, store, view } = t;
  const seen: { position: number; view: string }[] = [];
  const snap = () => seen.push({ position: store.length, view: JSON.stringify(view()) });
  const fa = gdr.open(1);
  const fb = gdr.open(2);
  snap();
  const bufA = gdr.cudaMalloc(1, 192 * KiB);
  const bufB = gdr.cudaMalloc(1, 256 * KiB);
  const a = gdr.pin(fa, bufA);
  const b = gdr.pin(fb, bufB);
  snap();
  gdr.map(a);
  gdr.map(b);
  snap();
  store.checkpoint();
  gdr.copy(a, 0, 0, 4 * KiB);
  gdr.copy(b, 1, 64 * KiB, 64 * KiB);
  snap();
  gdr.cudaFree(bufA);
  gdr.copy(a, 0, 0, 64);
  gdr.copy(b, 0, 128 * KiB, 100);
  snap();
  gdr.map(a);
  gdr.unpin(b);
  snap();
  gdr.release(fa);
  gdr.release(fb);
  snap();
  return { ...t, seen };
}

describe('time travel through a gdrcopy run', () => {
  for (const shared of [false, true]) {
    it(`restores the same stateDigest after seeking to 0 and back to the end${shared ? ' (shared inode mapping)' : ''}`, () => {
      const { store, seen } = story({ sharedInodeMapping: shared });
      const digest = stateDigest(store);
      const fresh = setup({ sharedInodeMapping: shared });
      store.seekPosition(0);
      expect(stateDigest(store)).toBe(stateDigest(fresh.store));
      store.seekPosition(store.length);
      expect(stateDigest(store)).toBe(digest);
      expect(seen.length).toBe(7);
    });
  }

  it('shows at each earlier position exactly the view it had when the run was there', () => {
    const { store, view, seen } = story();
    for (const { position, view: v } of [...seen].reverse()) {
      store.seekPosition(position);
      expect(JSON.stringify(view())).toBe(v);
    }
    for (const { position, view: v } of seen) {
      store.seekPosition(position);
      expect(JSON.stringify(view())).toBe(v);
    }
  });

  it('keeps every invariant after every step, in both address_space modes', () => {
    for (const shared of [false, true]) {
      const { gdr, store, steps } = story({ sharedInodeMapping: shared });
      for (let s = 0; s < steps.length; s++) {
        store.seekPosition(steps.endOf(s));
        expect(gdrInvariants(gdr), `step ${s}`).toEqual([]);
      }
    }
  });

  it('records the same transitions and digest every time it runs', () => {
    const one = story();
    const two = story();
    expect(two.store.length).toBe(one.store.length);
    expect(two.steps.length).toBe(one.steps.length);
    expect(stateDigest(two.store)).toBe(stateDigest(one.store));
    expect(two.clock.now()).toBe(one.clock.now());
  });
});

describe('the gdr invariants', () => {
  it('name the object and the rule when the state is broken on purpose', () => {
    const { gdr } = setup();
    const f = gdr.open(1);
    const a = gdr.pin(f, gdr.cudaMalloc(1, 64 * KiB));
    const b = gdr.pin(f, gdr.cudaMalloc(1, 64 * KiB));
    const v = gdr.map(a);
    expect(gdrInvariants(gdr)).toEqual([]);
    gdr.s.setMr(b, M_HANDLE, 8); // overlaps a's [0, 16)
    gdr.s.setVma(v, V_PGOFF, 3);
    gdr.s.setVma(v, V_PRESENT, 5);
    gdr.s.setMr(a, M_CB_FLAG, 1);
    expect(gdrInvariants(gdr)).toEqual([
      `G1 mrs ${a} and ${b} of file ${f} have overlapping handle ranges`,
      `G2 mr ${a}'s VMA ${v} has pgoff 3, not its handle 0`,
      `G3 mr ${a} is invalidated but has a page table`,
      `G3 mr ${a} is invalidated but still mapped`,
      `G3 mr ${a} is invalidated but its VMA ${v} still has 5 PTEs`,
      `G5 VMA ${v} counts 5 PTEs but its bitmap has 16`,
    ]);
  });
});
