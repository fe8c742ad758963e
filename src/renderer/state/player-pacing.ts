/**
 * Play's pacing, apart from the DOM and the store so that tests drive it with a fake clock:
 * at each animation frame the pacer works out how many steps are due at the chosen speed and
 * moves the cursor by one request, never sending the next before the last has landed.
 *
 * - Step into, when more than one step is due (a slow view held the last one up), seeks ahead
 *   by all of them at once, so the rate on screen is the chosen one, not the view's.
 * - Step over and scenario op cannot be skipped ahead (their targets are the engine's to find):
 *   one request at a time, and the time lost is dropped rather than made up in a burst.
 * - Play stops at the end of the run and on a breakpoint hit: one that a step passed over
 *   brings the cursor back to the hit (as continue would) before play stops.
 */
import type { StepGranularity } from '../../protocol';

/** How far each played step goes. */
export type PlayGranularity = Extract<StepGranularity, 'into' | 'over' | 'op'>;
export const PLAY_GRANULARITIES: readonly PlayGranularity[] = ['into', 'over', 'op'];

/** Steps per second, or 'max': one step each frame, as fast as frames and the engine allow. */
export type PlaySpeed = number | 'max';
export const PLAY_SPEEDS: readonly PlaySpeed[] = [1, 2, 5, 10, 25, 60, 'max'];
export const DEFAULT_SPEED: PlaySpeed = 10;

/** The most a late frame makes up at once: one second of steps (a tab in the background comes back where it was). */
const MAX_CATCH_UP_S = 1;

export interface BreakpointHit {
  readonly step: number;
  readonly breakpoint: number;
}

export type PlayStop = { readonly reason: 'end' } | { readonly reason: 'breakpoint'; readonly step: number; readonly breakpoint: number } | { readonly reason: 'stuck' };

/** What the pacer needs of the debugger. */
export interface PlayHost {
  /** The cursor's step. */
  cursor(): number;
  /** The run's last step. */
  lastStep(): number;
  /** The first breakpoint hit after `from` and at or before `to`, if any. */
  hitBetween(from: number, to: number): BreakpointHit | null;
  /** One step forward; resolves with the cursor once it landed. */
  step(granularity: PlayGranularity): Promise<number>;
  /** A seek; resolves with the cursor once it landed. */
  seek(step: number): Promise<number>;
}

export interface PacerOptions {
  speed: PlaySpeed;
  granularity: PlayGranularity;
  /** Called once when play stops by itself (end, breakpoint, a step that did not move). */
  onStop(stop: PlayStop): void;
}

export class Pacer {
  private running = false;
  /** Bumped by start and stop: a landing from an earlier play is ignored. */
  private generation = 0;
  private busy = false;
  /** When the current speed started counting, and how many steps were taken since. */
  private t0 = 0;
  private taken = 0;
  private speed: PlaySpeed;
  private granularity: PlayGranularity;

  constructor(
    private readonly host: PlayHost,
    private readonly options: PacerOptions,
  ) {
    this.speed = options.speed;
    this.granularity = options.granularity;
  }

  get playing(): boolean {
    return this.running;
  }

  /** Whether a request of this play is in flight. */
  get waiting(): boolean {
    return this.busy;
  }

  start(now: number): void {
    this.generation++;
    this.running = true;
    this.busy = false;
    this.t0 = now;
    this.taken = 0;
  }

  stop(): void {
    this.generation++;
    this.running = false;
    this.busy = false;
  }

  /** A new speed or granularity counts from now (no burst to make up the old one's time). */
  configure(now: number, speed: PlaySpeed, granularity: PlayGranularity): void {
    this.speed = speed;
    this.granularity = granularity;
    this.t0 = now;
    this.taken = 0;
  }

  /** How many steps are due at `now` (0 while the last request is in flight). */
  due(now: number): number {
    if (!this.running || this.busy) return 0;
    if (this.speed === 'max') return 1;
    const expected = Math.floor(((now - this.t0) * this.speed) / 1000);
    const cap = Math.max(1, Math.round(this.speed * MAX_CATCH_UP_S));
    if (expected - this.taken > cap) this.taken = expected - cap;
    return Math.max(0, expected - this.taken);
  }

  /** One animation frame: send the next request if one is due and none is in flight. */
  frame(now: number): void {
    const due = this.due(now);
    if (due === 0) return;
    const from = this.host.cursor();
    const last = this.host.lastStep();
    if (from >= last) {
      this.finish({ reason: 'end' });
      return;
    }
    const generation = this.generation;
    this.busy = true;
    if (this.granularity === 'into') {
      let target = Math.min(from + due, last);
      const hit = this.host.hitBetween(from, target);
      if (hit) target = hit.step;
      this.taken += due;
      const request = target === from + 1 ? this.host.step('into') : this.host.seek(target);
      void request.then((to) => this.landed(generation, from, to), () => this.landed(generation, from, from));
    } else {
      // whole steps over / ops only: what is due beyond one is dropped, not made up later
      this.taken += due;
      void this.host.step(this.granularity).then((to) => this.landed(generation, from, to), () => this.landed(generation, from, from));
    }
  }

  private async landed(generation: number, from: number, to: number): Promise<void> {
    if (generation !== this.generation) return;
    const hit = this.host.hitBetween(from, to);
    if (hit) {
      // a step over passed a hit: come back to it, as continue would have stopped there
      if (hit.step !== to) await this.host.seek(hit.step);
      if (generation !== this.generation) return;
      this.finish({ reason: 'breakpoint', step: hit.step, breakpoint: hit.breakpoint });
      return;
    }
    if (to <= from) {
      this.finish(to >= this.host.lastStep() ? { reason: 'end' } : { reason: 'stuck' });
      return;
    }
    if (to >= this.host.lastStep()) {
      this.finish({ reason: 'end' });
      return;
    }
    this.busy = false;
  }

  private finish(stop: PlayStop): void {
    this.stop();
    this.options.onStop(stop);
  }
}

/** The first hit after `from`, at or before `to`, over sorted hit lists (each a breakpoint's `hitSteps`). */
export function firstHitBetween(lists: readonly { readonly breakpoint: number; readonly steps: readonly number[] }[], from: number, to: number): BreakpointHit | null {
  let best: BreakpointHit | null = null;
  for (const { breakpoint, steps } of lists) {
    // binary search: the first step > from
    let lo = 0;
    let hi = steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (steps[mid] <= from) lo = mid + 1;
      else hi = mid;
    }
    const s = steps[lo];
    if (s !== undefined && s <= to && (!best || s < best.step)) best = { step: s, breakpoint };
  }
  return best;
}
