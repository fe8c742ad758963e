/**
 * The Store holds every piece of mutable model state in a few flat heaps (Uint32Array or Float64Array) and is the
 * only way state changes: each write whose value differs is appended to the transition log with its before and
 * after values. That single rule gives the engine its time travel (undo = write `before`, redo = write `after`),
 * its digests (hash the heaps), its checkpoints (copy the heaps) and its breakpoints (match transitions).
 *
 * Transitions are columnar (28 bytes each): head = kind << 8 | heap, idx = word index in the heap, obj = the
 * model object (block, chunk, …) for filtering, x = before, y = after. Heap 0 is reserved for events: records that
 * change no state (a copy, a fault entry, a replay) and use idx/obj/x/y as payload, so the trace can say what
 * happened as well as what changed.
 */

import { ChunkedColumn } from './columns';

export const EVENT_HEAP = 0;

export type HeapKind = 'u32' | 'f64';

interface HeapInfo {
  name: string;
  kind: HeapKind;
}

export interface Checkpoint {
  /** Transitions applied when the snapshot was taken. */
  position: number;
  heaps: (Uint32Array | Float64Array | null)[];
}

const MIN_CHECKPOINT_INTERVAL = 4096;
/** Checkpoints may cost at most this many bytes per transition, amortised (bench: bytes_per_transition). */
const CHECKPOINT_BYTES_PER_TRANSITION = 8;

export class Store {
  readonly heaps: (Uint32Array | Float64Array)[] = [new Uint32Array(0)];
  private readonly info: HeapInfo[] = [{ name: 'events', kind: 'u32' }];

  private readonly head = new ChunkedColumn(Uint32Array);
  private readonly idx = new ChunkedColumn(Uint32Array);
  private readonly obj = new ChunkedColumn(Uint32Array);
  private readonly xs = new ChunkedColumn(Float64Array);
  private readonly ys = new ChunkedColumn(Float64Array);
  /** Number of transitions recorded. */
  length = 0;
  /** Number of transitions currently applied to the heaps (the time-travel cursor). */
  position = 0;

  readonly checkpoints: Checkpoint[] = [];
  private lastCheckpoint = 0;

  addHeap(name: string, kind: HeapKind, words: number): number {
    this.heaps.push(kind === 'u32' ? new Uint32Array(words) : new Float64Array(words));
    this.info.push({ name, kind });
    return this.heaps.length - 1;
  }

  heapName(id: number): string {
    return this.info[id].name;
  }

  u32(id: number): Uint32Array {
    return this.heaps[id] as Uint32Array;
  }
  f64(id: number): Float64Array {
    return this.heaps[id] as Float64Array;
  }

  /** Grow a heap so that `words` words exist. Capacity is not state: new words are zero, as they were before. */
  ensure(id: number, words: number): void {
    const h = this.heaps[id];
    if (h.length >= words) return;
    let cap = Math.max(h.length * 2, 64);
    while (cap < words) cap *= 2;
    const grown = h instanceof Float64Array ? new Float64Array(cap) : new Uint32Array(cap);
    grown.set(h);
    this.heaps[id] = grown;
  }

  private assertAtEnd(): void {
    if (this.position !== this.length) throw new Error('the model can only change at the end of the run (seek there first)');
  }

  /** Write one word; records a transition if the value changes. */
  write(heap: number, i: number, value: number, kind: number, obj: number): void {
    const h = this.heaps[heap];
    const before = h[i];
    if (before === value) return;
    this.assertAtEnd();
    h[i] = value;
    this.push(kind, heap, i, obj, before, value);
  }

  /** OR `bits` into a u32 word; records only if some bit was new. */
  setBits(heap: number, i: number, bits: number, kind: number, obj: number): void {
    const h = this.heaps[heap] as Uint32Array;
    const before = h[i];
    const after = (before | bits) >>> 0;
    if (after === before) return;
    this.assertAtEnd();
    h[i] = after;
    this.push(kind, heap, i, obj, before, after);
  }

  clearBits(heap: number, i: number, bits: number, kind: number, obj: number): void {
    const h = this.heaps[heap] as Uint32Array;
    const before = h[i];
    const after = (before & ~bits) >>> 0;
    if (after === before) return;
    this.assertAtEnd();
    h[i] = after;
    this.push(kind, heap, i, obj, before, after);
  }

  /** Record an event: something that happened and changes no state. */
  event(kind: number, obj: number, a: number, x: number, y: number): void {
    this.assertAtEnd();
    this.push(kind, EVENT_HEAP, a, obj, x, y);
  }

  /**
   * Set by the step table after a function returns: the next write belongs to the caller again, so the caller gets
   * a fresh step before it (see StepTable.leave). Null almost always, so the check costs nothing.
   */
  beforeWrite: (() => void) | null = null;

  private push(kind: number, heap: number, i: number, obj: number, x: number, y: number): void {
    if (this.beforeWrite !== null) this.beforeWrite();
    const t = this.length;
    this.head.set(t, (kind << 8) | heap);
    this.idx.set(t, i);
    this.obj.set(t, obj);
    this.xs.set(t, x);
    this.ys.set(t, y);
    this.length = t + 1;
    this.position = t + 1;
  }

  // ---- reading the log ----
  kindOf(t: number): number {
    return this.head.get(t) >>> 8;
  }
  heapOf(t: number): number {
    return this.head.get(t) & 0xff;
  }
  indexOf(t: number): number {
    return this.idx.get(t);
  }
  objOf(t: number): number {
    return this.obj.get(t);
  }
  beforeOf(t: number): number {
    return this.xs.get(t);
  }
  afterOf(t: number): number {
    return this.ys.get(t);
  }

  // ---- checkpoints ----
  /** Called by the executor between steps: snapshot the heaps when enough transitions have passed. */
  maybeCheckpoint(): void {
    const since = this.length - this.lastCheckpoint;
    if (since < MIN_CHECKPOINT_INTERVAL) return;
    if (since * CHECKPOINT_BYTES_PER_TRANSITION < this.stateBytes()) return;
    this.checkpoint();
  }

  checkpoint(): void {
    this.assertAtEnd();
    this.checkpoints.push({
      position: this.length,
      heaps: this.heaps.map((h, id) => (id === EVENT_HEAP ? null : h.slice())),
    });
    this.lastCheckpoint = this.length;
  }

  stateBytes(): number {
    let n = 0;
    for (const h of this.heaps) n += h.byteLength;
    return n;
  }

  memoryBytes(): number {
    let n = this.head.bytes() + this.idx.bytes() + this.obj.bytes() + this.xs.bytes() + this.ys.bytes();
    for (const c of this.checkpoints) for (const h of c.heaps) if (h) n += h.byteLength;
    return n;
  }

  // ---- time travel ----
  private undoOne(t: number): void {
    const head = this.head.get(t);
    const heap = head & 0xff;
    if (heap !== EVENT_HEAP) this.heaps[heap][this.idx.get(t)] = this.xs.get(t);
  }
  private redoOne(t: number): void {
    const head = this.head.get(t);
    const heap = head & 0xff;
    if (heap !== EVENT_HEAP) this.heaps[heap][this.idx.get(t)] = this.ys.get(t);
  }

  private restore(c: Checkpoint): void {
    for (let id = 1; id < this.heaps.length; id++) {
      const snap = c.heaps[id];
      const h = this.heaps[id];
      if (!snap) continue;
      h.set(snap);
      if (h.length > snap.length) h.fill(0, snap.length);
    }
    this.position = c.position;
  }

  /**
   * Move the cursor so that exactly `target` transitions are applied. Picks the cheapest start among the
   * current position and the checkpoints on either side (a restore costs about as much as redoing
   * stateBytes/16 transitions), then redoes or undoes the rest.
   */
  seekPosition(target: number): void {
    if (target < 0 || target > this.length) throw new RangeError(`position ${target} is outside 0..${this.length}`);
    const restoreCost = this.stateBytes() / 16;
    let bestCost = Math.abs(target - this.position);
    let best: Checkpoint | null = null;
    const cps = this.checkpoints;
    // binary search the last checkpoint at or before target
    let lo = 0;
    let hi = cps.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cps[mid].position <= target) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (const k of [at, at + 1]) {
      if (k < 0 || k >= cps.length) continue;
      const cost = restoreCost + Math.abs(cps[k].position - target);
      if (cost < bestCost) {
        bestCost = cost;
        best = cps[k];
      }
    }
    if (best) this.restore(best);
    while (this.position < target) this.redoOne(this.position++);
    while (this.position > target) this.undoOne(--this.position);
  }
}
