/**
 * Thrashing detection and mitigation (uvm_perf_thrashing.c, read at 595.45.04; the 580 defaults are the same but
 * without lapse adaptation, which this model leaves out).
 *
 * Detection is driven by migrations and revocations, not faults (thrashing_event_cb). A block gets per-page tracking
 * only when an event comes from a different processor than its previous one within one lapse. Then every page of a
 * migrated region records the time and processor; an event within `lapse` of the page's previous one counts, and the
 * `threshold`-th marks the page thrashing (CUPTI THRASHING).
 *
 * Hints (uvm_perf_thrashing_get_hint, get_hint_for_migration_thrashing) are asked per faulting page before its
 * residency is chosen: THROTTLE (the requester backs off for `nap`), PIN (the page stays where it is, or moves to the
 * pin location, and the requester maps it remotely), or nothing.
 *
 * State per block lives in a lazily allocated slot of the `thrashing` heaps, so it travels in time like the rest.
 */

import type { Model } from './model';
import { K } from './kinds';
import { PAGES_PER_BLOCK } from './model';
import { PageMask } from '../core/bits';

/** Defaults (uvm_perf_thrashing.c module parameters). */
export const THRASHING = {
  threshold: 3, // uvm_perf_thrashing_threshold
  pinThreshold: 10, // uvm_perf_thrashing_pin_threshold
  lapseNs: 500_000, // uvm_perf_thrashing_lapse_usec
  napNs: 500_000, // uvm_perf_thrashing_nap = 1 x lapse
  epochNs: 1_000_000_000, // uvm_perf_thrashing_epoch = 2000 x lapse
  pinNs: 150_000_000, // uvm_perf_thrashing_pin = 300 x lapse
  maxResets: 4, // uvm_perf_thrashing_max_resets
} as const;

// u32 slot words
const S_BLOCK = 0;
const S_TRACKING = 1;
const S_RESETS = 2;
const S_PINNED = 3;
const S_PROCS = 8; // per page: processors that touched it (bit per proc)
const S_PAGE = S_PROCS + PAGES_PER_BLOCK; // per page: packed fields below
const S_THROTTLED = S_PAGE + PAGES_PER_BLOCK; // per page: throttled processors
const SLOT_U32 = S_THROTTLED + PAGES_PER_BLOCK;
// f64 slot words
const T_LAST_THRASHING = 1;
const T_PAGE = 4; // per page: last event time
const T_THROTTLE_END = T_PAGE + PAGES_PER_BLOCK;
const T_PIN_UNTIL = T_THROTTLE_END + PAGES_PER_BLOCK;
const SLOT_F64 = T_PIN_UNTIL + PAGES_PER_BLOCK;

// packed page word
const EVENTS_MASK = 0xf; // bits 0-3 (saturating at 15)
const THROTTLES_SHIFT = 4; // bits 4-11
const THRASHING_BIT = 1 << 12;
const PINNED_BIT = 1 << 13;
const PIN_RES_SHIFT = 14; // bits 14-19, proc + 1
const DNT_SHIFT = 20; // bits 20-25, do-not-throttle proc + 1
const HAS_MIGRATION_BIT = 1 << 26;
// bit 27 is kept for revocation events (system-wide atomics), which this model does not raise yet

export type ThrashingHint = { type: 'none' } | { type: 'throttle'; until: number } | { type: 'pin'; residency: number };

export class Thrashing {
  constructor(private readonly m: Model) {}

  private slotOf(block: number): number {
    return this.m.blockWord(block, this.m.layout.thrashSlot) - 1;
  }
  private u(slot: number, i: number): number {
    return this.m.store.u32(this.m.hThrash)[slot * SLOT_U32 + i];
  }
  private setU(slot: number, i: number, v: number, block: number): void {
    this.m.store.write(this.m.hThrash, slot * SLOT_U32 + i, v >>> 0, K.thrashPage, block);
  }
  private t(slot: number, i: number): number {
    return this.m.store.f64(this.m.hThrashTime)[slot * SLOT_F64 + i];
  }
  private setT(slot: number, i: number, v: number, block: number): void {
    this.m.store.write(this.m.hThrashTime, slot * SLOT_F64 + i, v, K.thrashTime, block);
  }

  private getCreateSlot(block: number): number {
    let slot = this.slotOf(block);
    if (slot >= 0) return slot;
    // slots are numbered in creation order; the count is the number of blocks that ever had one
    const used = this.m.store.u32(this.m.hThrash).length / SLOT_U32;
    slot = 0;
    while (slot < used && this.u(slot, S_BLOCK) !== 0) slot++;
    this.m.store.ensure(this.m.hThrash, (slot + 1) * SLOT_U32);
    this.m.store.ensure(this.m.hThrashTime, (slot + 1) * SLOT_F64);
    this.setU(slot, S_BLOCK, block + 1, block);
    this.m.setBlockWord(block, this.m.layout.thrashSlot, slot + 1, K.blockThrashSlot);
    return slot;
  }

  /** Pages of the block currently flagged thrashing, or null if none. */
  thrashingMask(block: number): PageMask | null {
    const slot = this.slotOf(block);
    if (slot < 0 || this.u(slot, S_TRACKING) === 0) return null;
    const mask = new PageMask(PAGES_PER_BLOCK);
    for (let p = 0; p < PAGES_PER_BLOCK; p++) if (this.u(slot, S_PAGE + p) & THRASHING_BIT) mask.set(p);
    return mask.isEmpty() ? null : mask;
  }


  isPinned(block: number, page: number): boolean {
    const slot = this.slotOf(block);
    return slot >= 0 && (this.u(slot, S_PAGE + page) & PINNED_BIT) !== 0;
  }

  private resetPage(slot: number, block: number, p: number): void {
    this.setU(slot, S_PAGE + p, 0, block);
    this.setU(slot, S_PROCS + p, 0, block);
    this.setU(slot, S_THROTTLED + p, 0, block);
    this.setT(slot, T_PAGE + p, 0, block);
    this.setT(slot, T_THROTTLE_END + p, 0, block);
    this.setT(slot, T_PIN_UNTIL + p, 0, block);
  }

  /**
   * thrashing_event_cb for a migration (or revocation) of pages [lo, hi) of `block` to (or by) `proc`.
   * `counts` is false for migrations that reset history instead (user migrations, read duplication).
   */
  onEvent(block: number, lo: number, hi: number, proc: number, counts: boolean): void {
    const m = this.m;
    if (!m.scenario.policy.thrashing) return;
    if (!counts) {
      const slot = this.slotOf(block);
      if (slot < 0 || this.u(slot, S_TRACKING) === 0) return;
      for (let p = lo; p < hi; p++) if ((this.u(slot, S_PAGE + p) & EVENTS_MASK) >= THRASHING.threshold) this.resetPage(slot, block, p);
      return;
    }
    const now = m.now();
    // block-level history lives in the block record; the per-page slot is made only when thrashing is possible
    let slot = this.slotOf(block);
    if (slot < 0 || this.u(slot, S_TRACKING) === 0) {
      const last = m.store.f64(m.hBlockTime)[block];
      const lastProc = m.blockWord(block, m.layout.thrashLastProc) - 1;
      const potential = last !== 0 && lastProc !== proc && now - last <= THRASHING.lapseNs;
      if (potential) {
        slot = this.getCreateSlot(block);
        this.setU(slot, S_TRACKING, 1, block);
      }
    }
    if (slot >= 0 && this.u(slot, S_TRACKING) === 1) {
      for (let p = lo; p < hi; p++) {
        const lastT = this.t(slot, T_PAGE + p);
        this.setU(slot, S_PROCS + p, this.u(slot, S_PROCS + p) | (1 << proc), block);
        this.setT(slot, T_PAGE + p, now, block);
        if (lastT === 0) continue;
        let w = this.u(slot, S_PAGE + p);
        if (now - lastT <= THRASHING.lapseNs) {
          const events = Math.min((w & EVENTS_MASK) + 1, EVENTS_MASK);
          w = (w & ~EVENTS_MASK) | events | HAS_MIGRATION_BIT;
          if (events === THRASHING.threshold) {
            w |= THRASHING_BIT;
            m.store.event(K.thrashingDetected, block, p, proc, 0);
            m.count('thrashing');
          }
          this.setU(slot, S_PAGE + p, w, block);
          if (events >= THRASHING.threshold) this.setT(slot, T_LAST_THRASHING, now, block);
        } else if ((w & EVENTS_MASK) >= THRASHING.threshold && !(w & PINNED_BIT)) {
          this.resetPage(slot, block, p);
          this.setT(slot, T_PAGE + p, now, block);
        }
      }
    }
    m.store.write(m.hBlockTime, block, now, K.thrashTime, block);
    m.setBlockWord(block, m.layout.thrashLastProc, proc + 1, K.thrashPage);
  }

  /**
   * uvm_perf_thrashing_get_hint for one faulting page. `canAccess(proc, location)` says whether proc can map
   * location's memory (on PCIe: everyone maps sysmem, only a GPU maps its own vidmem).
   */
  getHint(block: number, page: number, requester: number, preferred: number, canAccess: (proc: number, loc: number) => boolean): ThrashingHint {
    const m = this.m;
    if (!m.scenario.policy.thrashing) return { type: 'none' };
    const slot = this.slotOf(block);
    if (slot < 0 || this.u(slot, S_TRACKING) === 0) return { type: 'none' };
    const now = m.now();
    const lastThrashing = this.t(slot, T_LAST_THRASHING);
    if (lastThrashing !== 0 && now - lastThrashing > THRASHING.epochNs && this.u(slot, S_PINNED) === 0 && this.u(slot, S_RESETS) < THRASHING.maxResets) {
      // epoch reset: drop all per-page state
      this.setU(slot, S_RESETS, this.u(slot, S_RESETS) + 1, block);
      for (let p = 0; p < PAGES_PER_BLOCK; p++) this.resetPage(slot, block, p);
      this.setU(slot, S_TRACKING, 0, block);
      m.setBlockWord(block, m.layout.thrashLastProc, 0, K.thrashPage);
      m.store.write(m.hBlockTime, block, 0, K.thrashTime, block);
      this.setT(slot, T_LAST_THRASHING, 0, block);
      return { type: 'none' };
    }
    let w = this.u(slot, S_PAGE + page);
    // a pin older than uvm_perf_thrashing_pin expires (thrashing_unpin_pages, run lazily here)
    if (w & PINNED_BIT && now >= this.t(slot, T_PIN_UNTIL + page)) {
      this.setU(slot, S_PINNED, this.u(slot, S_PINNED) - 1, block);
      this.resetPage(slot, block, page);
      return { type: 'none' };
    }
    if ((w & EVENTS_MASK) < THRASHING.threshold) return { type: 'none' };
    const dnt = ((w >>> DNT_SHIFT) & 0x3f) - 1;
    const throttled = this.u(slot, S_THROTTLED + page);
    if (throttled & (1 << requester)) {
      const end = this.t(slot, T_THROTTLE_END + page);
      if (now < end && requester !== dnt) return { type: 'throttle', until: end };
      this.setU(slot, S_THROTTLED + page, throttled & ~(1 << requester), block);
    }
    const pinned = (w & PINNED_BIT) !== 0;
    if (now - this.t(slot, T_PAGE + page) > THRASHING.lapseNs && !pinned) return { type: 'none' };
    const procs = this.u(slot, S_PROCS + page) | (1 << requester);
    this.setU(slot, S_PROCS + page, procs, block);

    // thrashing_throttle_update
    let newDnt = dnt;
    if (now > this.t(slot, T_THROTTLE_END + page)) {
      this.setT(slot, T_THROTTLE_END + page, now + THRASHING.napNs, block);
      newDnt = dnt === requester ? -1 : requester;
    } else if (dnt < 0) newDnt = requester;
    w = (w & ~(0x3f << DNT_SHIFT)) | ((newDnt + 1) << DNT_SHIFT);
    this.setU(slot, S_PAGE + page, w, block);

    const allCanAccess = (loc: number) => {
      if (loc < 0) return false;
      for (let p = 0; p < m.procs; p++) if (procs & (1 << p) && !canAccess(p, loc)) return false;
      return true;
    };
    const pinRes = ((w >>> PIN_RES_SHIFT) & 0x3f) - 1;
    const throttles = (w >>> THROTTLES_SHIFT) & 0xff;
    let hint: ThrashingHint = { type: 'none' };
    const throttle = (): ThrashingHint => ({ type: 'throttle', until: this.t(slot, T_THROTTLE_END + page) });
    if (allCanAccess(preferred)) hint = { type: 'pin', residency: preferred };
    else if (requester === preferred) {
      if (pinned) hint = pinRes === preferred || newDnt === preferred ? { type: 'pin', residency: preferred } : throttle();
      else if (newDnt !== preferred) hint = throttle();
      else if (throttles >= THRASHING.pinThreshold) hint = { type: 'pin', residency: preferred };
    } else if (pinned) {
      if (requester === newDnt) {
        // pin to the requester if everyone can reach it, else to a common location (the CPU on PCIe)
        hint = { type: 'pin', residency: allCanAccess(requester) ? requester : allCanAccess(0) ? 0 : requester };
      } else if (canAccess(requester, pinRes)) hint = { type: 'pin', residency: pinRes };
      else hint = throttle();
    } else if (requester !== newDnt) hint = throttle();
    else if (throttles >= THRASHING.pinThreshold) hint = { type: 'pin', residency: requester };

    if (hint.type === 'throttle') this.throttleProcessor(slot, block, page, requester);
    if (hint.type === 'pin') this.pin(slot, block, page, hint.residency);
    return hint;
  }

  /** The earliest end of a throttling period among these (block, page) pairs: when a throttled warp may retry. */
  throttleEndFor(pages: [number, number][]): number {
    let end = Infinity;
    for (const [block, page] of pages) {
      const slot = this.slotOf(block);
      if (slot < 0) continue;
      const t = this.t(slot, T_THROTTLE_END + page);
      if (t > 0 && t < end) end = t;
    }
    return end === Infinity ? this.m.now() + THRASHING.napNs : end;
  }

  private throttleProcessor(slot: number, block: number, page: number, proc: number): void {
    const throttled = this.u(slot, S_THROTTLED + page);
    if (throttled & (1 << proc)) return;
    this.setU(slot, S_THROTTLED + page, throttled | (1 << proc), block);
    const w = this.u(slot, S_PAGE + page);
    if (!(w & PINNED_BIT)) {
      const n = Math.min(((w >>> THROTTLES_SHIFT) & 0xff) + 1, 0xff);
      this.setU(slot, S_PAGE + page, (w & ~(0xff << THROTTLES_SHIFT)) | (n << THROTTLES_SHIFT), block);
    }
    this.m.store.event(K.throttle, block, page, proc, this.t(slot, T_THROTTLE_END + page));
    this.m.count('throttling');
  }

  private pin(slot: number, block: number, page: number, residency: number): void {
    const w = this.u(slot, S_PAGE + page);
    if (!(w & PINNED_BIT)) {
      this.setU(slot, S_PINNED, this.u(slot, S_PINNED) + 1, block);
      this.setT(slot, T_PIN_UNTIL + page, this.m.now() + THRASHING.pinNs, block);
    }
    this.setU(slot, S_PAGE + page, (w & ~(0x3f << PIN_RES_SHIFT)) | PINNED_BIT | ((residency + 1) << PIN_RES_SHIFT), block);
  }
}

