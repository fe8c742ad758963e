/**
 * A recorded run and the debugger's view of it: the cursor (a step), moving it like a debugger does (into, over,
 * out, back, seek), what the state is at the cursor, the pseudo-code frame and call stack, the transitions of any
 * window, and the summary the CLI prints. This is the engine API the app's hosts expose through the protocol.
 */

import { stateDigest } from '../core/digest';
import { codeLine } from '../core/code';
import type { Scenario } from '../scenario/types';
import type { Ctx } from '../uvm/context';
import { copyDirection, K, kindName } from '../uvm/kinds';
import { COUNTERS, type CounterName } from '../uvm/counters';
import { describeTransition, type TransitionView } from './describe';
import './describe-platform';
import type { Platform } from './platform';

export interface Frame {
  step: number;
  fn: string;
  file: string;
  line: number;
  text: string;
}

export interface RunSummary {
  scenario: string;
  counters: Record<CounterName, number> & {
    htod_transfers: Record<string, number>;
    dtoh_transfers: Record<string, number>;
    dtod_transfers: Record<string, number>;
  };
  sim_time_ns: number;
  steps: number;
  transitions: number;
  digest: string;
}

export class Run {
  /** The step the cursor is on; the state shown is the state after that step. */
  cursor: number;

  constructor(
    readonly scenario: Scenario,
    readonly ctx: Ctx,
    /** Page touches performed by the scenario's accesses (the bench's page events). */
    readonly pageEvents: number,
    /** The Linux side, GAIA and gdrcopy, where the scenario uses them. */
    readonly platform: Platform | null = null,
  ) {
    this.cursor = ctx.steps.length - 1;
  }

  get stepCount(): number {
    return this.ctx.steps.length;
  }
  get transitionCount(): number {
    return this.ctx.store.length;
  }
  private get steps() {
    return this.ctx.steps;
  }

  /** Put the model in the state right after step `step`. */
  seek(step: number): void {
    if (!Number.isInteger(step) || step < 0 || step >= this.stepCount) throw new RangeError(`step ${step} is outside 0..${this.stepCount - 1}`);
    this.ctx.store.seekPosition(this.steps.endOf(step));
    this.cursor = step;
  }

  // ---- debugger motions: each returns the target step (or the same step at an end) without moving ----
  nextInto(from = this.cursor): number {
    return Math.min(from + 1, this.stepCount - 1);
  }
  prevInto(from = this.cursor): number {
    return Math.max(from - 1, 0);
  }
  nextOver(from = this.cursor): number {
    const d = this.steps.depthOf(from);
    for (let s = from + 1; s < this.stepCount; s++) if (this.steps.depthOf(s) <= d) return s;
    return this.stepCount - 1;
  }
  prevOver(from = this.cursor): number {
    const d = this.steps.depthOf(from);
    for (let s = from - 1; s >= 0; s--) if (this.steps.depthOf(s) <= d) return s;
    return 0;
  }
  nextOut(from = this.cursor): number {
    const d = this.steps.depthOf(from);
    for (let s = from + 1; s < this.stepCount; s++) if (this.steps.depthOf(s) < d) return s;
    return this.stepCount - 1;
  }
  /** Back out: the step that entered the current function. */
  prevOut(from = this.cursor): number {
    const p = this.steps.parentOf(from);
    return p >= 0 ? p : 0;
  }

  frameOf(step = this.cursor): Frame {
    const l = codeLine(this.steps.lineOf(step));
    return { step, fn: l.fn.name, file: l.fn.file, line: l.index, text: l.text };
  }
  /** Call stack at a step, outermost first; each frame at the line it is on. */
  stackOf(step = this.cursor): Frame[] {
    const chain = this.steps.stackOf(step);
    // each frame's current line is the latest step of that frame at or before `step`
    return chain.map((entered, i) => {
      if (i === chain.length - 1) return this.frameOf(step);
      const child = chain[i + 1];
      let at = entered;
      const depth = this.steps.depthOf(entered);
      for (let s = child - 1; s >= entered; s--) if (this.steps.depthOf(s) === depth) {
        at = s;
        break;
      }
      return this.frameOf(at);
    });
  }
  /** The scenario op (index into scenario.steps) a step belongs to. */
  opOf(step = this.cursor): number {
    return this.steps.opOf(step);
  }

  transitionRange(step: number): [number, number] {
    return [this.steps.startOf(step), this.steps.endOf(step)];
  }
  transition(t: number): TransitionView {
    return describeTransition(this.ctx.store, this.ctx.m, t);
  }
  transitionsOfStep(step = this.cursor): TransitionView[] {
    const [a, b] = this.transitionRange(step);
    const out: TransitionView[] = [];
    for (let t = a; t < b; t++) out.push(this.transition(t));
    return out;
  }
  /**
   * The transitions of steps [fromStep, toStep], at most `limit` of them described, with a count per kind of all of
   * them: what a timeline asks for when it cannot show everything.
   */
  window(fromStep: number, toStep: number, limit = 1000): { transitions: TransitionView[]; total: number; byKind: Record<string, number> } {
    const a = this.steps.startOf(Math.max(0, fromStep));
    const b = this.steps.endOf(Math.min(this.stepCount - 1, toStep));
    const store = this.ctx.store;
    const counts = new Map<number, number>();
    for (let t = a; t < b; t++) counts.set(store.kindOf(t), (counts.get(store.kindOf(t)) ?? 0) + 1);
    const transitions: TransitionView[] = [];
    for (let t = a; t < b && transitions.length < limit; t++) transitions.push(this.transition(t));
    const byKind: Record<string, number> = {};
    for (const [k, n] of [...counts].sort((x, y) => x[0] - y[0])) byKind[kindName(k)] = n;
    return { transitions, total: Math.max(0, b - a), byKind };
  }

  stepOfTransition(t: number): number {
    return this.steps.stepOfTransition(t);
  }

  // ---- state at the cursor ----
  counters(): Record<CounterName, number> {
    const out = {} as Record<CounterName, number>;
    for (const name of COUNTERS) out[name] = this.ctx.m.counter(name);
    return out;
  }
  simTimeNs(): number {
    return this.ctx.m.now();
  }
  digest(): string {
    return stateDigest(this.ctx.store);
  }

  /** Copy records up to the cursor, as histograms from transfer size (bytes) to count, per direction. */
  transferHistograms(upToStep = this.cursor): { htod: Record<string, number>; dtoh: Record<string, number>; dtod: Record<string, number> } {
    const store = this.ctx.store;
    const end = this.steps.endOf(upToStep);
    const htod = new Map<number, number>();
    const dtoh = new Map<number, number>();
    const dtod = new Map<number, number>();
    for (let t = 0; t < end; t++) {
      if (store.kindOf(t) !== K.copy) continue;
      const dir = copyDirection(store.beforeOf(t));
      const h = dir === 'htod' ? htod : dir === 'dtoh' ? dtoh : dtod;
      const bytes = store.afterOf(t);
      h.set(bytes, (h.get(bytes) ?? 0) + 1);
    }
    const obj = (h: Map<number, number>) => Object.fromEntries([...h.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
    return { htod: obj(htod), dtoh: obj(dtoh), dtod: obj(dtod) };
  }

  /** The CLI's JSON contract (DESIGN.md "CLI contract"), at the cursor. */
  summary(): RunSummary {
    const h = this.transferHistograms();
    return {
      scenario: this.scenario.name,
      counters: { ...this.counters(), htod_transfers: h.htod, dtoh_transfers: h.dtoh, dtod_transfers: h.dtod },
      sim_time_ns: Math.round(this.simTimeNs()),
      steps: this.cursor + 1,
      transitions: this.steps.endOf(this.cursor),
      digest: this.digest(),
    };
  }

  memoryBytes(): number {
    return this.ctx.store.memoryBytes() + this.steps.bytes();
  }
}

