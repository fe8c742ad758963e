/**
 * The step table: a run is a sequence of micro-steps, each at one pseudo-code line inside a call stack, each owning
 * the transitions recorded while it was current. Columnar like the transition log (17 bytes a step).
 *
 * Stepping follows a debugger: into = the next step; over = the next step at the same depth or shallower; out = the
 * next step shallower than the current one. The call stack of a step is its chain of `parent` steps (the steps that
 * entered each enclosing function).
 */

import { ChunkedColumn } from './columns';
import type { Store } from './store';

export class StepTable {
  private readonly tStart = new ChunkedColumn(Uint32Array);
  private readonly lineCol = new ChunkedColumn(Uint32Array);
  private readonly parentCol = new ChunkedColumn(Int32Array);
  private readonly depthCol = new ChunkedColumn(Uint8Array);
  private readonly opCol = new ChunkedColumn(Uint32Array);
  length = 0;

  /** Open frames while recording: the step that entered each, and the line each is on. */
  private readonly stack: number[] = [];
  private readonly stackLine: number[] = [];
  private currentOp = 0;
  /** After a return, the caller's next write gets a step of its own at the caller's line. */
  private readonly resume = (): void => {
    this.store.beforeWrite = null;
    if (this.stack.length) this.at(this.stackLine[this.stackLine.length - 1]);
  };

  constructor(private readonly store: Store) {}

  setOp(op: number): void {
    this.currentOp = op;
  }

  private add(line: number, depth: number, parent: number): number {
    const s = this.length;
    this.tStart.set(s, this.store.length);
    this.lineCol.set(s, line);
    this.parentCol.set(s, parent);
    this.depthCol.set(s, depth);
    this.opCol.set(s, this.currentOp);
    this.length = s + 1;
    return s;
  }

  /** Enter a function: a new step at its first line, one level deeper. */
  enter(line: number): void {
    this.store.beforeWrite = null;
    const parent = this.stack.length ? this.stack[this.stack.length - 1] : -1;
    const s = this.add(line, this.stack.length, parent);
    this.stack.push(s);
    this.stackLine.push(line);
  }

  /** A new step at another line of the current function. */
  at(line: number): void {
    this.store.beforeWrite = null;
    const depth = this.stack.length - 1;
    const parent = depth > 0 ? this.stack[depth - 1] : -1;
    this.add(line, Math.max(depth, 0), parent);
    if (depth >= 0) this.stackLine[depth] = line;
  }

  /**
   * Return from the current function. Work the caller does next, before it names a new line, would otherwise be
   * counted in the callee's last step; the store's beforeWrite hook gives it a step at the caller's line instead.
   */
  leave(): void {
    this.stack.pop();
    this.stackLine.pop();
    this.store.beforeWrite = this.stack.length ? this.resume : null;
  }


  // ---- reading ----
  startOf(s: number): number {
    return this.tStart.get(s);
  }
  /** Transitions applied once step s has run: the state "at" step s. */
  endOf(s: number): number {
    return s + 1 < this.length ? this.tStart.get(s + 1) : this.store.length;
  }
  lineOf(s: number): number {
    return this.lineCol.get(s);
  }
  parentOf(s: number): number {
    return this.parentCol.get(s);
  }
  depthOf(s: number): number {
    return this.depthCol.get(s);
  }
  opOf(s: number): number {
    return this.opCol.get(s);
  }

  /** The call stack at step s, outermost first, as the steps that entered each frame, ending with s itself. */
  stackOf(s: number): number[] {
    const out = [s];
    for (let p = this.parentOf(s); p >= 0; p = this.parentOf(p)) out.push(p);
    return out.reverse();
  }

  /** Step containing transition t (binary search on start offsets). */
  stepOfTransition(t: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let ans = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tStart.get(mid) <= t) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  bytes(): number {
    return this.tStart.bytes() + this.lineCol.bytes() + this.parentCol.bytes() + this.depthCol.bytes() + this.opCol.bytes();
  }
}
