/**
 * Breakpoints over a recorded run: where "continue" and "reverse continue" stop, and how often each breakpoint hits.
 *
 * Spec syntax (the CLI's `--break`, the command palette, the breakpoint list's edit box)
 *
 *   <kind>                          every transition of that kind:        evictChunk   thrashingDetected
 *   <kind> if <condition>           only those the condition holds for:   copy if bytes >= 1MiB && dst == 0
 *   *  [if <condition>]             every transition of any kind:         * if block == 3 && page < 16
 *   line <function>[:<line>]        a step at a line of the pseudo-code:  line evict_root_chunk:pick
 *                                   <line> is a label (pick) or a 0-based index (1); none means the first line
 *   watch block <n> [<field>]       every state change of va_block n:     watch block 3   watch block 3 resident
 *   watch heap <name>               every state change in one heap:       watch heap pmm.gpu1
 *                                   (blocks, regions, scalars, pmm.gpuN, pagetables.gpuN, thrashing…: model.ts)
 *   (line and watch take `if <condition>` too.)
 *
 *   <kind> is a transition kind name (src/engine/uvm/kinds.ts): blockResident, blockMapped, chunkState, copy,
 *   gpuFault, cpuFault, faultBatch, replay, map, unmap, remoteMap, prefetchHint, evictChunk, thrashingDetected,
 *   throttle, zero, tlbInvalidate, … <function> is a pseudo-code function (src/engine/uvm/code.ts) by its real name:
 *   service_fault_batch_block_locked, uvm_va_block_make_resident_copy, evict_root_chunk, … <field> is a field of the
 *   va_block record: resident, mapped, readDuplicated, evicted, cpuAllocated, gpuChunk, pte2m, bigPtes, …
 *
 * Conditions are expressions of expr.ts (C operators, `in [..]`, sizes like 64KiB, durations like 2us, strings in
 * quotes) over named fields:
 *   - every transition: kind, type ('state' or 'event'), heap, obj, before, after, transition (its index), step,
 *     op (the scenario step, 0-based), time (simulated ns, right after it);
 *   - the kind's decoded fields (describe.ts): block, page, pages, proc, src, dst, bytes, cause, access, chunk, batch,
 *     field, gained, lost, prot, …, and procName / srcName / dstName beside proc / src / dst ('cpu', 'gpu0'…);
 *   - line breakpoints: step, op, depth, time, fn, line, label.
 *   A condition naming a field the kind never has is refused when the breakpoint is set; a field one transition
 *   lacks makes the condition false for that transition.
 *
 * Matching works at step granularity, the debugger's unit: a step hits when its line matches a line breakpoint or
 * one of its transitions matches a transition or watch breakpoint. Continue from step s stops at the first hitting
 * step after s (its line before its transitions); reverse continue at the last one before s. The scan reads the raw
 * transition columns and builds a TransitionView only for transitions whose kind some breakpoint wants.
 */

import { allFunctions, codeLine, findFunction, type CodeFunction } from '../core/code';
import { EVENT_HEAP } from '../core/store';
import '../uvm/code'; // declares the pseudo-code functions that line breakpoints name
import { FIRST_EVENT_KIND, K, kindByName, kindName } from '../uvm/kinds';
import { BlockLayout } from '../uvm/layout';
import { conditionFields, kindNames, LINE_FIELDS, PROC_NAME_FIELDS, watchFields } from './bp-fields';
import { closestNames, exprIdentifiers, parseExpr, testExpr, type Expr, type ExprError, type Value } from './expr';
import type { Run } from './run';

// ---------------------------------------------------------------- types

interface BreakpointCommon {
  id: number;
  enabled: boolean;
  /** Hits over the whole run, as countHits gives them (the UI's hit-count column). */
  hitCount: number;
  /** An expression of expr.ts; absent or blank = always. */
  condition?: string;
}
export type TransitionBreakpoint = BreakpointCommon & { type: 'transition'; /** A kind name, or '*' for any. */ kind: string };
export type LineBreakpoint = BreakpointCommon & { type: 'line'; fn: string; /** 0-based line index in fn. */ line: number };
/** A model object: any state transition whose fields match (heap by name, va_block number, va_block field). */
export type WatchBreakpoint = BreakpointCommon & { type: 'watch'; heap?: string; block?: number; field?: string };
export type Breakpoint = TransitionBreakpoint | LineBreakpoint | WatchBreakpoint;

export interface BreakpointHit {
  step: number;
  /** The transition that hit, or null for a line breakpoint. */
  transition: number | null;
  breakpoint: Breakpoint;
}

export type SpecError = ExprError;
export type ParseBreakpointResult = { ok: true; breakpoint: Breakpoint } | { ok: false; error: SpecError };

export const MAX_SPEC_LENGTH = 1200;

export interface ParseBreakpointOptions {
  id?: number;
  enabled?: boolean;
  /** The run the breakpoint is for: heap names are then checked against its heaps. */
  run?: Run;
}

// ---------------------------------------------------------------- names

/** The fields of a va_block record, as BlockLayout names them. */
export const BLOCK_FIELD_NAMES: readonly string[] = (() => {
  const l = new BlockLayout(1);
  const out: string[] = [];
  for (let w = 0; w < l.stride; w++) {
    const f = l.describe(w).field;
    if (!out.includes(f)) out.push(f);
  }
  return out;
})();

/** The heaps of a run, as a watch names them (model.ts; `events` holds no state). */
export function heapNames(run: Run): string[] {
  const store = run.ctx.store;
  const out: string[] = [];
  for (let id = 1; id < store.heaps.length; id++) out.push(store.heapName(id));
  return out;
}
/** Examples for messages when no run is at hand. */
const HEAP_EXAMPLES = ['blocks', 'regions', 'scalars', 'pmm.gpu1', 'pagetables.gpu1', 'thrashing'];
const HEAP_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

function functionNames(): string[] {
  return allFunctions().map((f) => f.name);
}
function labelsOf(fn: CodeFunction): string[] {
  return fn.lines.map((_, k) => codeLine(fn.firstLine + k).label);
}
function isKindName(name: string): boolean {
  return name === '*' || kindNames().includes(name);
}
function suggest(name: string, candidates: readonly string[], what: string): string {
  const close = closestNames(name, candidates);
  return close.length ? `; did you mean ${close.join(' or ')}?` : `; ${what} ${candidates.join(', ')}`;
}

// ---------------------------------------------------------------- spec parsing

class SpecFail {
  constructor(readonly error: SpecError) {}
}

class SpecScanner {
  pos = 0;
  constructor(readonly text: string) {}
  get col(): number {
    return this.pos + 1;
  }
  skipSpaces(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  /** Match a sticky regex here; on success advance past it and return the match. */
  take(re: RegExp): string | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }
  /** The next run of non-space characters (not consumed), for messages. */
  peekWord(): string {
    const m = /\S+/y;
    m.lastIndex = this.pos;
    const w = m.exec(this.text)?.[0] ?? '';
    return w.length > 30 ? `${w.slice(0, 30)}…` : w;
  }
  fail(col: number, message: string): never {
    throw new SpecFail({ col, message });
  }
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const KIND_WORD = /\*|[A-Za-z_][A-Za-z0-9_]*/y;
const INT = /0[xX][0-9a-fA-F]+|[0-9]+/y;
const LABEL = /[A-Za-z0-9_]+/y;
const HEAP_WORD = /[A-Za-z0-9_.]+/y;
const WHAT = "a transition kind (copy, evictChunk…), 'line <function>:<line>' or 'watch block <n>'";

/**
 * Parse a breakpoint spec (syntax at the top of this file) into a breakpoint, enabled, with no hits yet.
 * Never throws: a problem comes back with the 1-based column it was found at.
 */
export function parseBreakpointSpec(spec: string, init: ParseBreakpointOptions = {}): ParseBreakpointResult {
  if (typeof spec !== 'string') return { ok: false, error: { col: 1, message: 'expected the breakpoint as text' } };
  if (spec.length > MAX_SPEC_LENGTH) return { ok: false, error: { col: MAX_SPEC_LENGTH + 1, message: `a breakpoint may be at most ${MAX_SPEC_LENGTH} characters long` } };
  const common = { id: init.id ?? 0, enabled: init.enabled ?? true, hitCount: 0 };
  const s: SpecScanner = new SpecScanner(spec);
  try {
    s.skipSpaces();
    if (s.atEnd) s.fail(s.col, `expected ${WHAT}`);
    const headCol = s.col;
    const head = s.take(KIND_WORD);
    if (head === null) s.fail(headCol, `expected ${WHAT}, found '${s.peekWord()}'`);
    let bp: Breakpoint;
    let fields: string[];
    if (head === 'line') {
      s.skipSpaces();
      const fnCol = s.col;
      const name = s.take(WORD);
      if (name === null) s.fail(fnCol, `expected a function name after 'line' (e.g. line evict_root_chunk:pick), found '${s.peekWord()}'`);
      const fn = findFunction(name);
      if (!fn) s.fail(fnCol, `unknown function '${name}'${suggest(name, functionNames(), 'the functions are')}`);
      let line = 0;
      const save = s.pos;
      s.skipSpaces();
      if (s.take(/:/y) !== null) {
        s.skipSpaces();
        const labelCol = s.col;
        const label = s.take(LABEL);
        if (label === null) s.fail(labelCol, `expected a line label or index after '${name}:', found '${s.peekWord()}'`);
        line = resolveLine(fn, label, labelCol, s);
      } else s.pos = save;
      bp = { ...common, type: 'line', fn: fn.name, line };
      fields = [...LINE_FIELDS];
    } else if (head === 'watch') {
      s.skipSpaces();
      const whatCol = s.col;
      const what = s.take(WORD);
      if (what === 'block') {
        s.skipSpaces();
        const nCol = s.col;
        const n = s.take(INT);
        if (n === null) s.fail(nCol, `expected a va_block number after 'watch block', found '${s.peekWord()}'`);
        const block = Number(n);
        if (!Number.isSafeInteger(block) || block >= 2 ** 32) s.fail(nCol, `block ${n} is out of range`);
        const w: WatchBreakpoint = { ...common, type: 'watch', block };
        const save = s.pos;
        s.skipSpaces();
        const fieldCol = s.col;
        const field = s.take(WORD);
        if (field !== null && field !== 'if') {
          if (!BLOCK_FIELD_NAMES.includes(field)) s.fail(fieldCol, `a va_block has no field '${field}'${suggest(field, BLOCK_FIELD_NAMES, 'its fields are')}`);
          w.field = field;
        } else s.pos = save;
        bp = w;
      } else if (what === 'heap') {
        s.skipSpaces();
        const hCol = s.col;
        const heap = s.take(HEAP_WORD);
        const known = init.run ? heapNames(init.run) : null;
        if (heap === null) s.fail(hCol, `expected a heap name after 'watch heap' (${(known ?? HEAP_EXAMPLES).join(', ')}…)`);
        if (heap === 'events') s.fail(hCol, "the events heap holds no state to watch: set a breakpoint on an event kind instead");
        if (known ? !known.includes(heap) : !HEAP_NAME.test(heap))
          s.fail(hCol, `unknown heap '${heap}'${suggest(heap, known ?? HEAP_EXAMPLES, known ? 'the heaps are' : 'heaps are named like')}`);
        bp = { ...common, type: 'watch', heap };
      } else s.fail(whatCol, `expected 'block <n>' or 'heap <name>' after 'watch', found '${s.peekWord()}'`);
      fields = watchFields();
    } else {
      if (!isKindName(head)) {
        const hint = suggest(head, kindNames(), 'the kinds are');
        s.fail(headCol, `unknown transition kind '${head}'${hint}`);
      }
      bp = { ...common, type: 'transition', kind: head };
      fields = conditionFields(head);
    }

    // optional `if <condition>`
    s.skipSpaces();
    if (!s.atEnd) {
      const ifCol = s.col;
      const word = s.take(WORD);
      if (word !== 'if') s.fail(ifCol, `expected 'if <condition>' or the end of the breakpoint, found '${word ?? s.peekWord()}'`);
      const condAt = s.pos;
      const text = spec.slice(condAt);
      if (!text.trim()) s.fail(spec.length + 1, "expected a condition after 'if'");
      if (!/\s/.test(text[0])) s.fail(condAt + 1, "expected a space after 'if'");
      const parsed = parseExpr(text, { identifiers: fields });
      if (!parsed.ok) s.fail(condAt + parsed.error.col, parsed.error.message);
      bp.condition = text.trim();
    }
    return { ok: true, breakpoint: bp };
  } catch (e) {
    if (e instanceof SpecFail) return { ok: false, error: e.error };
    throw e;
  }
}

function resolveLine(fn: CodeFunction, label: string, col: number, s: SpecScanner): number {
  const labels = labelsOf(fn);
  if (/^[0-9]+$/.test(label)) {
    const k = Number(label);
    if (k >= fn.lines.length) s.fail(col, `${fn.name} has lines 0–${fn.lines.length - 1} (${labels.join(', ')}), not ${label}`);
    return k;
  }
  const k = labels.indexOf(label);
  if (k < 0) s.fail(col, `${fn.name} has no line '${label}'${suggest(label, labels, 'its lines are')}`);
  return k;
}

/** The spec text of a breakpoint (what parseBreakpointSpec reads back to the same breakpoint). */
export function formatBreakpoint(bp: Breakpoint): string {
  let head: string;
  if (bp.type === 'transition') head = bp.kind;
  else if (bp.type === 'line') {
    const fn = findFunction(bp.fn);
    const label = fn && bp.line >= 0 && bp.line < fn.lines.length ? codeLine(fn.firstLine + bp.line).label : String(bp.line);
    head = `line ${bp.fn}:${label}`;
  } else if (bp.block !== undefined) head = `watch block ${bp.block}${bp.field ? ` ${bp.field}` : ''}`;
  else head = `watch heap ${bp.heap ?? 'blocks'}`;
  const cond = bp.condition?.trim();
  return cond ? `${head} if ${cond}` : head;
}

// ---------------------------------------------------------------- compiling against a run

interface Compiled {
  bp: Breakpoint;
  /** Position in the caller's list (hit counts). */
  index: number;
  cond: Expr | null;
  needsTime: boolean;
  /** Whether the condition reads a decoded field (and so needs the TransitionView), not only the raw columns. */
  needsView: boolean;
  /** A block the condition requires (`block == 3` among its top-level `&&` terms), tested on raw columns first. */
  blockEq: number | null;
  /** transition: kind number or -1 for any; watch: -2. */
  kind: number;
  /** watch: heap id or -1 for any state heap. */
  heap: number;
  block: number;
  field: string | null;
  /** line: global pseudo-code line id. */
  lineId: number;
}

type Resolved = { ok: true; c: Omit<Compiled, 'bp' | 'index'> } | { ok: false; message: string };

function heapIdOf(run: Run, name: string): number {
  const store = run.ctx.store;
  for (let id = 1; id < store.heaps.length; id++) if (store.heapName(id) === name) return id;
  return -1;
}

function resolve(bp: Breakpoint, run: Run | null): Resolved {
  let fields: string[];
  const c: Omit<Compiled, 'bp' | 'index'> = { cond: null, needsTime: false, needsView: false, blockEq: null, kind: -2, heap: -1, block: -1, field: null, lineId: -1 };
  if (bp.type === 'transition') {
    if (!isKindName(bp.kind)) return { ok: false, message: `unknown transition kind '${bp.kind}'${suggest(bp.kind, kindNames(), 'the kinds are')}` };
    c.kind = bp.kind === '*' ? -1 : (kindByName(bp.kind) ?? -2);
    fields = conditionFields(bp.kind);
  } else if (bp.type === 'line') {
    const fn = findFunction(bp.fn);
    if (!fn) return { ok: false, message: `unknown function '${bp.fn}'${suggest(bp.fn, functionNames(), 'the functions are')}` };
    if (!Number.isInteger(bp.line) || bp.line < 0 || bp.line >= fn.lines.length) return { ok: false, message: `${fn.name} has lines 0–${fn.lines.length - 1}, not ${bp.line}` };
    c.lineId = fn.firstLine + bp.line;
    fields = [...LINE_FIELDS];
  } else {
    if (bp.block !== undefined && (!Number.isSafeInteger(bp.block) || bp.block < 0)) return { ok: false, message: `block ${bp.block} is not a va_block number` };
    if (bp.field !== undefined && !BLOCK_FIELD_NAMES.includes(bp.field)) return { ok: false, message: `a va_block has no field '${bp.field}'${suggest(bp.field, BLOCK_FIELD_NAMES, 'its fields are')}` };
    const byBlock = bp.block !== undefined || bp.field !== undefined;
    if (bp.heap !== undefined && byBlock && bp.heap !== 'blocks') return { ok: false, message: `a block or field watch is on the blocks heap, not '${bp.heap}'` };
    if (bp.heap !== undefined && (bp.heap === 'events' || !HEAP_NAME.test(bp.heap) || (run && heapIdOf(run, bp.heap) < 0)))
      return { ok: false, message: `unknown heap '${bp.heap}' (the heaps are ${(run ? heapNames(run) : HEAP_EXAMPLES).join(', ')})` };
    if (run) c.heap = byBlock ? run.ctx.m.hBlocks : bp.heap !== undefined ? heapIdOf(run, bp.heap) : -1;
    c.block = bp.block ?? -1;
    c.field = bp.field ?? null;
    fields = watchFields();
  }
  const text = bp.condition?.trim() ?? '';
  if (text) {
    const parsed = parseExpr(text, { identifiers: fields });
    if (!parsed.ok) return { ok: false, message: `condition, col ${parsed.error.col}: ${parsed.error.message}` };
    c.cond = parsed.expr;
    const names = exprIdentifiers(parsed.expr);
    c.needsTime = names.includes('time');
    c.needsView = names.some((n) => !RAW_FIELDS.includes(n));
    c.blockEq = requiredBlock(parsed.expr);
  }
  return { ok: true, c };
}

/** The block number a condition demands through a top-level `block == n` term (of an `&&` chain), or null. */
function requiredBlock(e: Expr): number | null {
  if (e.type === 'binary' && e.op === '&&') return requiredBlock(e.left) ?? requiredBlock(e.right);
  if (e.type !== 'binary' || e.op !== '==') return null;
  const [a, b] = e.left.type === 'ident' ? [e.left, e.right] : [e.right, e.left];
  return a.type === 'ident' && a.name === 'block' && b.type === 'number' ? b.value : null;
}

/** Event kinds whose decoded `block` is the transition's obj column (describe.ts; checked by the tests). */
export const EVENT_KINDS_WITH_BLOCK_OBJ: readonly number[] = [
  K.copy,
  K.gpuFault,
  K.cpuFault,
  K.prefetchHint,
  K.map,
  K.unmap,
  K.remoteMap,
  K.zero,
  K.thrashingDetected,
  K.throttle,
  K.faultSkipped,
];

/** Context fields read straight from the transition columns, without describing the transition. */
const RAW_FIELDS: readonly string[] = ['kind', 'type', 'heap', 'obj', 'before', 'after', 'transition', 'step', 'op', 'time'];

/**
 * Why a breakpoint (built by hand, or edited) can never hit, or null when it is sound: an unknown kind, function,
 * line, field or heap, or a condition that does not parse. With a run, heap names are checked against its heaps.
 * findNextHit, findPrevHit and countHits treat such a breakpoint as one that never hits.
 */
export function validateBreakpoint(bp: Breakpoint, run?: Run): string | null {
  const r = resolve(bp, run ?? null);
  return r.ok ? null : r.message;
}

/** The simulated time right after transition t, read from the clock transitions (cached for nearby queries). */
class ClockReader {
  private qt = -1;
  private qv = 0;
  /** The clock transition that gave qv (-1: none, the clock's initial 0). */
  private qFrom = -1;
  constructor(private readonly run: Run) {}

  at(t: number): number {
    const store = this.run.ctx.store;
    if (t < 0) return 0;
    if (this.qt >= 0 && t >= this.qFrom && t <= this.qt) return this.qv;
    const stop = this.qt >= 0 && t > this.qt ? this.qt : -1;
    let v: number | null = null;
    let from = -1;
    for (let s = t; s > stop; s--)
      if (store.kindOf(s) === K.clock) {
        v = store.afterOf(s);
        from = s;
        break;
      }
    if (v === null) {
      if (stop >= 0) {
        v = this.qv;
        from = this.qFrom;
      } else v = 0;
    }
    this.qt = t;
    this.qv = v;
    this.qFrom = from;
    return v;
  }
}

class Matcher {
  readonly transitionBps: Compiled[] = [];
  /** Line id → the line breakpoints on it, in list order. */
  readonly lineBps = new Map<number, Compiled[]>();
  /** kind → 1 when some transition or watch breakpoint may want it. */
  readonly kindMask = new Uint8Array(256);
  private readonly blockObjKinds = new Uint8Array(256);
  private readonly clock: ClockReader;
  private readonly needsTime: boolean;
  private readonly stride: number;
  private readonly blocksHeap: number;
  // the context of the last transition built, shared by the breakpoints that test it
  private ctxT = -1;
  private stepHint = -1;
  private ctxDecoded = false;
  private ctx: Record<string, Value> = Object.create(null) as Record<string, Value>;
  private lineCtxStep = -1;
  private lineCtx: Record<string, Value> = Object.create(null) as Record<string, Value>;

  constructor(
    private readonly run: Run,
    breakpoints: readonly Breakpoint[],
    includeDisabled: boolean,
  ) {
    this.clock = new ClockReader(run);
    for (const k of EVENT_KINDS_WITH_BLOCK_OBJ) this.blockObjKinds[k] = 1;
    this.stride = run.ctx.m.layout.stride;
    this.blocksHeap = run.ctx.m.hBlocks;
    let needsTime = false;
    breakpoints.forEach((bp, index) => {
      if (!bp || (!bp.enabled && !includeDisabled)) return;
      const r = resolve(bp, run);
      if (!r.ok) return;
      const c: Compiled = { ...r.c, bp, index };
      needsTime ||= c.needsTime;
      if (bp.type === 'line') {
        const list = this.lineBps.get(c.lineId) ?? [];
        list.push(c);
        this.lineBps.set(c.lineId, list);
        return;
      }
      this.transitionBps.push(c);
      if (c.kind >= 0) this.kindMask[c.kind] = 1;
      else if (c.kind === -1) this.kindMask.fill(1);
      else for (let k = 0; k < FIRST_EVENT_KIND; k++) this.kindMask[k] = 1; // watch: state kinds
    });
    this.needsTime = needsTime;
  }

  get empty(): boolean {
    return this.transitionBps.length === 0 && this.lineBps.size === 0;
  }

  /** Does compiled breakpoint c hit at transition t (of kind k)? */
  hitsTransition(c: Compiled, t: number, k: number): boolean {
    const store = this.run.ctx.store;
    if (c.kind >= 0) {
      if (c.kind !== k) return false;
    } else if (c.kind === -2) {
      const heap = store.heapOf(t);
      if (heap === EVENT_HEAP || (c.heap >= 0 && heap !== c.heap)) return false;
      if (c.block >= 0 || c.field !== null) {
        if (heap !== this.blocksHeap) return false;
        const idx = store.indexOf(t);
        if (c.block >= 0 && Math.floor(idx / this.stride) !== c.block) return false;
        if (c.field !== null && this.run.ctx.m.layout.describe(idx).field !== c.field) return false;
      }
    }
    if (c.cond === null) return true;
    if (c.blockEq !== null) {
      const b = this.rawBlock(t, k);
      if (b !== undefined && b !== c.blockEq) return false;
    }
    return testExpr(c.cond, this.transitionContext(t, c.needsView));
  }

  /** The step holding transition t: a short walk from the last answer (scans go in order), else a binary search. */
  stepOf(t: number): number {
    const steps = this.run.ctx.steps;
    const n = this.run.stepCount;
    let s = this.stepHint;
    if (s >= 0 && s < n) {
      if (t >= steps.startOf(s)) {
        for (let i = 0; i < 8 && s < n; i++, s++) if (t < steps.endOf(s)) return (this.stepHint = s);
      } else {
        for (let i = 0; i < 8 && s > 0; i++) if (t >= steps.startOf(--s)) return (this.stepHint = s);
      }
    }
    return (this.stepHint = this.run.stepOfTransition(t));
  }

  /** The `block` field of transition t as describe.ts would decode it, from the raw columns; undefined if not known. */
  private rawBlock(t: number, k: number): number | undefined {
    const store = this.run.ctx.store;
    const heap = store.heapOf(t);
    if (heap === this.blocksHeap) return Math.floor(store.indexOf(t) / this.stride);
    if (heap !== EVENT_HEAP) return undefined;
    if (this.blockObjKinds[k]) return store.objOf(t);
    if (k === K.evictChunk) return store.beforeOf(t) - 1;
    return undefined;
  }

  /** The first breakpoint (in list order) hitting at transition t, or null. */
  firstAtTransition(t: number, k: number): Compiled | null {
    for (const c of this.transitionBps) if (this.hitsTransition(c, t, k)) return c;
    return null;
  }

  /** The first line breakpoint hitting at step s, or null. */
  firstAtStep(s: number): Compiled | null {
    const list = this.lineBps.get(this.run.ctx.steps.lineOf(s));
    if (!list) return null;
    for (const c of list) if (this.hitsLine(c, s)) return c;
    return null;
  }

  /** Does compiled line breakpoint c hit at step s (which is at its line)? */
  hitsLine(c: Compiled, s: number): boolean {
    return c.cond === null || testExpr(c.cond, this.lineContext(s));
  }

  /** The condition context of transition t: raw columns always, decoded fields when `decoded` (built once per t). */
  private transitionContext(t: number, decoded: boolean): Record<string, Value> {
    if (this.ctxT !== t) {
      const run = this.run;
      const store = run.ctx.store;
      const ctx = Object.create(null) as Record<string, Value>;
      const heap = store.heapOf(t);
      const step = this.stepOf(t);
      ctx.kind = kindName(store.kindOf(t));
      ctx.type = heap === EVENT_HEAP ? 'event' : 'state';
      ctx.heap = store.heapName(heap);
      ctx.obj = store.objOf(t);
      ctx.before = store.beforeOf(t);
      ctx.after = store.afterOf(t);
      ctx.transition = t;
      ctx.step = step;
      ctx.op = run.opOf(step);
      if (this.needsTime) ctx.time = this.clock.at(t);
      this.ctxT = t;
      this.ctx = ctx;
      this.ctxDecoded = false;
    }
    if (decoded && !this.ctxDecoded) {
      const ctx = this.ctx;
      const m = this.run.ctx.m;
      for (const [key, v] of Object.entries(this.run.transition(t).fields)) {
        // the columns above win over a decoded field of the same name (they agree where both exist)
        if (Object.hasOwn(ctx, key)) continue;
        ctx[key] = v;
        const named = Object.hasOwn(PROC_NAME_FIELDS, key) ? PROC_NAME_FIELDS[key] : undefined;
        if (named && typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < m.procs) ctx[named] = m.gpuName(v);
      }
      this.ctxDecoded = true;
    }
    return this.ctx;
  }

  private lineContext(s: number): Record<string, Value> {
    if (this.lineCtxStep === s) return this.lineCtx;
    const run = this.run;
    const steps = run.ctx.steps;
    const l = codeLine(steps.lineOf(s));
    const ctx = Object.create(null) as Record<string, Value>;
    ctx.step = s;
    ctx.op = steps.opOf(s);
    ctx.depth = steps.depthOf(s);
    ctx.fn = l.fn.name;
    ctx.line = l.index;
    ctx.label = l.label;
    if (this.needsTime) ctx.time = this.clock.at(steps.endOf(s) - 1);
    this.lineCtxStep = s;
    this.lineCtx = ctx;
    return ctx;
  }
}

function checkFrom(run: Run, fromStep: number): number {
  if (!Number.isInteger(fromStep)) throw new RangeError(`fromStep must be an integer step, not ${fromStep}`);
  return Math.max(-1, Math.min(fromStep, run.stepCount));
}

// ---------------------------------------------------------------- searching

/**
 * Continue: the first hit after `fromStep` (pass -1 to include step 0), or null when no enabled breakpoint hits
 * before the end. Within a step, a line breakpoint comes before the step's transitions, and transitions come in
 * order; at one transition the first matching breakpoint of the list is reported.
 */
export function findNextHit(run: Run, breakpoints: readonly Breakpoint[], fromStep: number): BreakpointHit | null {
  const from = checkFrom(run, fromStep);
  const m = new Matcher(run, breakpoints, false);
  const first = from + 1;
  if (m.empty || first >= run.stepCount) return null;
  const steps = run.ctx.steps;
  const store = run.ctx.store;

  // the first line hit bounds the transition scan
  let lineStep = -1;
  let lineBp: Compiled | null = null;
  if (m.lineBps.size)
    for (let s = first; s < run.stepCount; s++) {
      const c = m.firstAtStep(s);
      if (c) {
        lineStep = s;
        lineBp = c;
        break;
      }
    }
  if (m.transitionBps.length) {
    const mask = m.kindMask;
    const end = lineStep >= 0 ? steps.startOf(lineStep) : store.length;
    for (let t = steps.startOf(first); t < end; t++) {
      const k = store.kindOf(t);
      if (!mask[k]) continue;
      const c = m.firstAtTransition(t, k);
      if (c) return { step: m.stepOf(t), transition: t, breakpoint: c.bp };
    }
  }
  return lineBp ? { step: lineStep, transition: null, breakpoint: lineBp.bp } : null;
}

/**
 * Reverse continue: the last hit before `fromStep` (pass run.stepCount to include the last step), or null. Within
 * a step the order is reversed: its last matching transition first, its line last.
 */
export function findPrevHit(run: Run, breakpoints: readonly Breakpoint[], fromStep: number): BreakpointHit | null {
  const from = checkFrom(run, fromStep);
  const m = new Matcher(run, breakpoints, false);
  const last = from - 1;
  if (m.empty || last < 0) return null;
  const steps = run.ctx.steps;
  const store = run.ctx.store;

  let lineStep = -1;
  let lineBp: Compiled | null = null;
  if (m.lineBps.size)
    for (let s = last; s >= 0; s--) {
      const c = m.firstAtStep(s);
      if (c) {
        lineStep = s;
        lineBp = c;
        break;
      }
    }
  if (m.transitionBps.length) {
    const mask = m.kindMask;
    // transitions of the line hit's own step come after its line, so they are found first going backwards
    const stop = lineStep >= 0 ? steps.startOf(lineStep) : 0;
    for (let t = steps.endOf(last) - 1; t >= stop; t--) {
      const k = store.kindOf(t);
      if (!mask[k]) continue;
      const c = m.firstAtTransition(t, k);
      if (c) return { step: m.stepOf(t), transition: t, breakpoint: c.bp };
    }
  }
  return lineBp ? { step: lineStep, transition: null, breakpoint: lineBp.bp } : null;
}

/**
 * Hits of each breakpoint over the whole run, in the order given: matching transitions for transition and watch
 * breakpoints, matching steps for line breakpoints. Disabled breakpoints are counted too (the column shows what
 * they would hit); a breakpoint that cannot hit (validateBreakpoint) counts 0.
 */
export function countHits(run: Run, breakpoints: readonly Breakpoint[]): number[] {
  const counts = breakpoints.map(() => 0);
  const m = new Matcher(run, breakpoints, true);
  if (m.transitionBps.length) {
    const store = run.ctx.store;
    const mask = m.kindMask;
    const list = m.transitionBps;
    for (let t = 0; t < store.length; t++) {
      const k = store.kindOf(t);
      if (!mask[k]) continue;
      for (const c of list) if (m.hitsTransition(c, t, k)) counts[c.index]++;
    }
  }
  if (m.lineBps.size) {
    const steps = run.ctx.steps;
    for (let s = 0; s < run.stepCount; s++) {
      const list = m.lineBps.get(steps.lineOf(s));
      if (!list) continue;
      for (const c of list) if (m.hitsLine(c, s)) counts[c.index]++;
    }
  }
  return counts;
}

/** Copies of the breakpoints with hitCount set from countHits. */
export function withHitCounts(run: Run, breakpoints: readonly Breakpoint[]): Breakpoint[] {
  const counts = countHits(run, breakpoints);
  return breakpoints.map((bp, i) => ({ ...bp, hitCount: counts[i] }));
}
