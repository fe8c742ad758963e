import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { formatScenarioError, parseScenario } from '../../src/engine/scenario/index';
import { execute } from '../../src/engine/run/execute';
import type { Run } from '../../src/engine/run/run';
import {
  BLOCK_FIELD_NAMES,
  countHits,
  EVENT_KINDS_WITH_BLOCK_OBJ,
  findNextHit,
  findPrevHit,
  formatBreakpoint,
  parseBreakpointSpec,
  validateBreakpoint,
  withHitCounts,
  type Breakpoint,
  type BreakpointHit,
} from '../../src/engine/run/breakpoints';
import { conditionFields, decodedFields, kindNames, LINE_FIELDS, PROC_NAME_FIELDS } from '../../src/engine/run/bp-fields';
import { evalExpr, parseExpr, truthy, type Value } from '../../src/engine/run/expr';
import { kindByName } from '../../src/engine/uvm/kinds';

// ---------------------------------------------------------------- fixtures

function runOf(yaml: string): Run {
  const r = parseScenario(yaml, 'x.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return execute(r.scenario);
}

const SMALL = `uvmscope: 1
regions: [ { name: A, size: 8MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read } }
  - { op: cpu.read, region: A }
`;
/** GPU memory smaller than the buffer: the kernel evicts. */
const EVICTING = `uvmscope: 1
machine: { gpus: [ { name: gpu0, arch: hopper, memory: 4MiB } ] }
regions: [ { name: A, size: 8MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read } }
  - { op: cpu.read, region: A }
`;
/** Two GPUs, advice, prefetch and contention: most transition kinds. */
const BUSY = `uvmscope: 1
machine: { gpus: [ { name: gpu0, arch: hopper, memory: 4MiB }, { name: gpu1, arch: hopper, memory: 4MiB } ] }
regions: [ { name: A, size: 8MiB }, { name: B, size: 4MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read } }
  - { op: cpu.read, region: A }
  - { op: uvm.advise, region: B, advice: read-mostly }
  - { op: gpu.kernel, gpu: gpu1, access: { region: B, op: write } }
  - { op: uvm.prefetch, region: B, to: gpu0 }
  - { op: gpu.kernel, access: { region: B, op: read } }
  - { op: uvm.advise, region: B, advice: unset-read-mostly }
  - { op: uvm.advise, region: A, advice: accessed-by, target: gpu1 }
  - { op: gpu.kernel, gpu: gpu1, access: { region: A, op: write } }
  - { op: gpu.kernel, gpu: gpu0, access: { region: A, op: write } }
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, gpu: gpu0, access: { region: A, op: atomic } }
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, gpu: gpu1, access: { region: A, op: atomic } }
`;

const cache = new Map<string, Run>();
function run(yaml: string): Run {
  let r = cache.get(yaml);
  if (!r) cache.set(yaml, (r = execute(parseOk(yaml))));
  return r;
}
function parseOk(yaml: string) {
  const r = parseScenario(yaml, 'x.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}

let nextId = 1;
function bp(spec: string, enabled = true): Breakpoint {
  const r = parseBreakpointSpec(spec, { id: nextId++, enabled });
  if (!r.ok) throw new Error(`${spec}: col ${r.error.col}: ${r.error.message}`);
  return r.breakpoint;
}
function specError(spec: string) {
  const r = parseBreakpointSpec(spec);
  if (r.ok) throw new Error(`${spec} parsed as ${JSON.stringify(r.breakpoint)}`);
  return r.error;
}

// ---------------------------------------------------------------- a reference matcher: every transition described

interface RefHit {
  step: number;
  transition: number | null;
  index: number;
}

function refTransitionCtx(r: Run, t: number): Record<string, Value> {
  const v = r.transition(t);
  const ctx: Record<string, Value> = Object.create(null) as Record<string, Value>;
  for (const [k, x] of Object.entries(v.fields)) {
    ctx[k] = x;
    if (Object.hasOwn(PROC_NAME_FIELDS, k) && typeof x === 'number') ctx[PROC_NAME_FIELDS[k]] = r.ctx.m.gpuName(x);
  }
  const step = r.stepOfTransition(t);
  Object.assign(ctx, { kind: v.kind, type: v.type, heap: v.heap, obj: v.obj, before: v.before, after: v.after, transition: t, step, op: r.opOf(step) });
  return ctx;
}

function refCondition(b: Breakpoint, ctx: Record<string, Value>): boolean {
  if (!b.condition) return true;
  const p = parseExpr(b.condition);
  if (!p.ok) throw new Error(b.condition);
  return truthy(evalExpr(p.expr, ctx));
}

/** Every hit of the enabled breakpoints in run order: per step its line, then its transitions; first breakpoint wins. */
function refHits(r: Run, bps: Breakpoint[], includeDisabled = false): RefHit[] {
  const out: RefHit[] = [];
  const live = bps.map((b, index) => ({ b, index })).filter((x) => includeDisabled || x.b.enabled);
  for (let s = 0; s < r.stepCount; s++) {
    const f = r.frameOf(s);
    const lineCtx = { step: s, op: r.opOf(s), depth: r.stackOf(s).length - 1, fn: f.fn, line: f.line };
    for (const { b, index } of live)
      if (b.type === 'line' && b.fn === f.fn && b.line === f.line && refCondition(b, lineCtx)) {
        out.push({ step: s, transition: null, index });
        break;
      }
    const [a, z] = r.transitionRange(s);
    for (let t = a; t < z; t++) {
      const v = r.transition(t);
      for (const { b, index } of live) {
        if (b.type === 'line') continue;
        if (b.type === 'transition' && b.kind !== '*' && b.kind !== v.kind) continue;
        if (b.type === 'watch') {
          if (v.type !== 'state') continue;
          if (b.heap !== undefined && v.heap !== b.heap) continue;
          if (b.block !== undefined && (v.heap !== 'blocks' || v.fields.block !== b.block)) continue;
          if (b.field !== undefined && (v.heap !== 'blocks' || v.fields.field !== b.field)) continue;
        }
        if (!refCondition(b, refTransitionCtx(r, t))) continue;
        out.push({ step: s, transition: t, index });
        break;
      }
    }
  }
  return out;
}

const asRef = (h: BreakpointHit | null, bps: Breakpoint[]): RefHit | null => (h ? { step: h.step, transition: h.transition, index: bps.indexOf(h.breakpoint) } : null);

// ---------------------------------------------------------------- spec parsing

describe('parseBreakpointSpec', () => {
  it('reads the examples of the syntax', () => {
    const p = (s: string) => {
      const r = parseBreakpointSpec(s, { id: 7 });
      return r.ok ? r.breakpoint : r.error;
    };
    const common = { id: 7, enabled: true, hitCount: 0 };
    expect(p('copy if bytes >= 1MiB && dst == 0')).toEqual({ ...common, type: 'transition', kind: 'copy', condition: 'bytes >= 1MiB && dst == 0' });
    expect(p('evictChunk')).toEqual({ ...common, type: 'transition', kind: 'evictChunk' });
    expect(p('thrashingDetected')).toEqual({ ...common, type: 'transition', kind: 'thrashingDetected' });
    expect(p('blockResident if block == 3')).toEqual({ ...common, type: 'transition', kind: 'blockResident', condition: 'block == 3' });
    expect(p('* if block == 3')).toEqual({ ...common, type: 'transition', kind: '*', condition: 'block == 3' });
    expect(p('line evict_root_chunk:pick')).toEqual({ ...common, type: 'line', fn: 'evict_root_chunk', line: 1 });
    expect(p('line evict_root_chunk:3')).toEqual({ ...common, type: 'line', fn: 'evict_root_chunk', line: 3 });
    expect(p('line evict_root_chunk')).toEqual({ ...common, type: 'line', fn: 'evict_root_chunk', line: 0 });
    expect(p('line uvm_va_space_cpu_fault : service if op == 2')).toEqual({ ...common, type: 'line', fn: 'uvm_va_space_cpu_fault', line: 5, condition: 'op == 2' });
    expect(p('watch block 3')).toEqual({ ...common, type: 'watch', block: 3 });
    expect(p('watch block 0x10 resident')).toEqual({ ...common, type: 'watch', block: 16, field: 'resident' });
    expect(p('watch block 3 if gained > 0')).toEqual({ ...common, type: 'watch', block: 3, condition: 'gained > 0' });
    expect(p('watch heap pmm.gpu1')).toEqual({ ...common, type: 'watch', heap: 'pmm.gpu1' });
  });

  it('tolerates spaces around the parts and keeps the condition trimmed', () => {
    expect(bp('   copy    if   dst == 0   ')).toMatchObject({ type: 'transition', kind: 'copy', condition: 'dst == 0' });
  });

  it('can make a disabled breakpoint with a given id', () => {
    expect(parseBreakpointSpec('copy', { id: 42, enabled: false })).toEqual({ ok: true, breakpoint: { id: 42, enabled: false, hitCount: 0, type: 'transition', kind: 'copy' } });
  });

  const errors: [string, number, string][] = [
    ['', 1, 'expected a transition kind'],
    ['  ', 3, 'expected a transition kind'],
    ['evictchunk', 1, "unknown transition kind 'evictchunk'; did you mean evictChunk?"],
    ['cpy if bytes > 0', 1, 'did you mean copy'],
    ['nothingLikeIt', 1, 'the kinds are blockResident, blockMapped'],
    ['copy if', 8, "expected a condition after 'if'"],
    ['copy iff x', 6, "expected 'if <condition>' or the end of the breakpoint, found 'iff'"],
    ['copy bytes > 0', 6, "expected 'if <condition>'"],
    ['copy if bytes >= ', 18, "expected an operand after '>='"],
    ['copy if byts > 1', 9, "unknown field 'byts'; did you mean 'bytes'?"],
    ['copy if dst == gpu0', 16, "dstName == 'gpu0'"],
    ['evictChunk if cause == "x"', 15, "unknown field 'cause'"],
    ['line', 5, 'expected a function name'],
    ['line evict_chunk:pick', 6, "unknown function 'evict_chunk'; did you mean dmirror_device_evict_chunk or evict_root_chunk or dmirror_device_remove_chunks?"],
    ['line zzzzzzzz', 6, 'the functions are scenario, gpu_kernel'],
    ['line evict_root_chunk:pik', 23, "evict_root_chunk has no line 'pik'; did you mean pick?"],
    ['line evict_root_chunk:9', 23, 'evict_root_chunk has lines 0–4 (entry, pick, start, evictBlock, done), not 9'],
    ['line evict_root_chunk:', 23, "expected a line label or index after 'evict_root_chunk:'"],
    ['line evict_root_chunk if bytes > 0', 26, "unknown field 'bytes'"],
    ['watch', 6, "expected 'block <n>' or 'heap <name>' after 'watch'"],
    ['watch page 3', 7, "expected 'block <n>' or 'heap <name>'"],
    ['watch block', 12, "expected a va_block number after 'watch block'"],
    ['watch block 3 residnt', 15, "a va_block has no field 'residnt'; did you mean resident?"],
    ['watch heap 9x', 12, "unknown heap '9x'; heaps are named like blocks, regions"],
    ['watch heap events', 12, 'the events heap holds no state to watch'],
    ['watch block 3 resident extra', 24, "expected 'if <condition>'"],
    ['copy if bytes > 1 ' + 'x'.repeat(1300), 1201, 'at most 1200 characters'],
  ];
  it.each(errors)('%j fails at col %i: %s', (spec, col, message) => {
    const e = specError(spec);
    expect(e.message).toContain(message);
    expect(e.col).toBe(col);
  });

  it('refuses a field the kind never has, but allows it on * (where it is simply false for kinds without it)', () => {
    expect(specError('evictChunk if bytes > 0').message).toContain("unknown field 'bytes'");
    expect(parseBreakpointSpec('* if bytes > 0').ok).toBe(true);
  });

  it('writes a breakpoint back as the spec it came from', () => {
    for (const spec of ['copy if bytes >= 1MiB && dst == 0', 'evictChunk', '* if block == 3', 'line evict_root_chunk:pick', 'line uvm_va_space_cpu_fault:entry if op == 2', 'watch block 3', 'watch block 3 resident if gained > 0', 'watch heap pmm.gpu1']) {
      const b = bp(spec);
      expect(formatBreakpoint(b)).toBe(spec);
      expect(bp(formatBreakpoint(b))).toEqual({ ...b, id: expect.any(Number) as number });
    }
  });

  it('never throws, whatever the text', () => {
    const pieces = ['copy', 'line', 'watch', 'block', 'heap', 'if', ' ', ':', '3', 'pick', 'evict_root_chunk', 'bytes', '>=', '&&', '(', ')', "'", 'x', '*', '0x', 'pmm.gpu1', 'resident'];
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(''))), (spec) => {
        const r = parseBreakpointSpec(spec);
        if (!r.ok) expect(r.error.col).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1500 },
    );
  });
});

// ---------------------------------------------------------------- the field table agrees with describe.ts

describe('condition fields', () => {
  it('lists every field describe.ts gives each kind, on real runs', () => {
    for (const yaml of [SMALL, EVICTING, BUSY]) {
      const r = run(yaml);
      for (let t = 0; t < r.transitionCount; t++) {
        const v = r.transition(t);
        const known = decodedFields(v.kind);
        expect(known, v.kind).toBeDefined();
        for (const f of Object.keys(v.fields)) expect(known, `${v.kind}.${f}`).toContain(f);
        if (v.heap === 'blocks') expect(BLOCK_FIELD_NAMES).toContain(v.fields.field);
      }
    }
    // describes every transition of three runs: seconds on a loaded two-core machine, so a generous time limit
  }, 60_000);

  it('has a table entry for every kind, and every kind takes the common fields', () => {
    for (const k of kindNames()) {
      expect(decodedFields(k), k).toBeDefined();
      expect(conditionFields(k)).toEqual(expect.arrayContaining(['kind', 'step', 'op', 'time', 'transition']));
    }
    expect(conditionFields('copy')).toEqual(expect.arrayContaining(['src', 'srcName', 'dst', 'dstName', 'bytes', 'cause']));
    expect(LINE_FIELDS).toEqual(expect.arrayContaining(['step', 'op', 'fn', 'line', 'label']));
  });

  it('reads block from the obj column for the event kinds it says, as describe.ts decodes it', () => {
    const r = run(BUSY);
    const names = new Set(EVENT_KINDS_WITH_BLOCK_OBJ);
    let checked = 0;
    for (let t = 0; t < r.transitionCount; t++) {
      const k = r.ctx.store.kindOf(t);
      if (!names.has(k)) continue;
      expect(r.transition(t).fields.block).toBe(r.ctx.store.objOf(t));
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('accepts every heap a run has in watch heap, and, given the run, no other', () => {
    const r = run(BUSY);
    const store = r.ctx.store;
    for (let id = 1; id < store.heaps.length; id++) {
      const spec = `watch heap ${store.heapName(id)}`;
      expect(parseBreakpointSpec(spec).ok, spec).toBe(true);
      expect(parseBreakpointSpec(spec, { run: r }).ok, spec).toBe(true);
    }
    const e = parseBreakpointSpec('watch heap pmm', { run: r });
    expect(e).toEqual({ ok: false, error: { col: 12, message: expect.stringContaining("unknown heap 'pmm'; did you mean pmm.gpu1 or pmm.gpu2?") as string } });
    expect(parseBreakpointSpec('watch heap pmm.gpu3', { run: r }).ok).toBe(false);
  });
});

// ---------------------------------------------------------------- continue and reverse continue

describe('findNextHit', () => {
  it('stops at the first copy to the CPU, in the cpu.read op', () => {
    const r = run(SMALL);
    const b = bp('copy if dst == 0');
    const hit = findNextHit(r, [b], -1);
    expect(hit).not.toBeNull();
    if (!hit || hit.transition === null) return;
    expect(r.opOf(hit.step)).toBe(2);
    expect(hit.breakpoint).toBe(b);
    const v = r.transition(hit.transition);
    expect(v.kind).toBe('copy');
    expect(v.fields.dst).toBe(0);
    expect(r.stepOfTransition(hit.transition)).toBe(hit.step);
    // nothing earlier matches
    for (let t = 0; t < hit.transition; t++) {
      const w = r.transition(t);
      expect(w.kind === 'copy' && w.fields.dst === 0).toBe(false);
    }
  });

  it('stops at a root chunk eviction when GPU memory is smaller than the buffer', () => {
    const r = run(EVICTING);
    const hit = findNextHit(r, [bp('evictChunk')], -1);
    expect(hit).not.toBeNull();
    if (!hit || hit.transition === null) return;
    expect(r.opOf(hit.step)).toBe(1);
    expect(r.transition(hit.transition).kind).toBe('evictChunk');
    expect(r.stackOf(hit.step).map((f) => f.fn)).toContain('evict_root_chunk');
    expect(findNextHit(run(SMALL), [bp('evictChunk')], -1)).toBeNull();
  });

  it('continues from a hit to the next one, at a later step', () => {
    const r = run(EVICTING);
    const b = [bp('evictChunk')];
    const first = findNextHit(r, b, -1);
    const second = first && findNextHit(r, b, first.step);
    expect(second).not.toBeNull();
    if (!first || !second || first.transition === null || second.transition === null) return;
    expect(second.step).toBeGreaterThan(first.step);
    expect(second.transition).toBeGreaterThan(first.transition);
  });

  it('stops at a pseudo-code line, with no transition', () => {
    const r = run(EVICTING);
    const hit = findNextHit(r, [bp('line evict_root_chunk:pick')], -1);
    expect(hit).not.toBeNull();
    if (!hit) return;
    expect(hit.transition).toBeNull();
    expect(r.frameOf(hit.step)).toMatchObject({ fn: 'evict_root_chunk', line: 1 });
    for (let s = 0; s < hit.step; s++) expect(r.frameOf(s).fn === 'evict_root_chunk' && r.frameOf(s).line === 1).toBe(false);
  });

  it('evaluates a line breakpoint condition on the step', () => {
    const r = run(SMALL);
    const hit = findNextHit(r, [bp('line uvm_va_space_cpu_fault if op == 2')], -1);
    expect(hit && r.opOf(hit.step)).toBe(2);
    expect(hit && r.frameOf(hit.step)).toMatchObject({ fn: 'uvm_va_space_cpu_fault', line: 0 });
    const none = findNextHit(r, [bp('line uvm_va_space_cpu_fault if op == 1')], -1);
    expect(none).toBeNull();
  });

  it('skips disabled breakpoints', () => {
    const r = run(EVICTING);
    const off = bp('copy', false);
    const on = bp('evictChunk');
    const hit = findNextHit(r, [off, on], -1);
    expect(hit?.breakpoint).toBe(on);
    expect(findNextHit(r, [off], -1)).toBeNull();
    expect(findPrevHit(r, [off], r.stepCount)).toBeNull();
  });

  it('reports the first breakpoint of the list when two hit the same transition', () => {
    const r = run(EVICTING);
    const a = bp('evictChunk');
    const b = bp('* if kind == "evictChunk"');
    expect(findNextHit(r, [a, b], -1)?.breakpoint).toBe(a);
    expect(findNextHit(r, [b, a], -1)?.breakpoint).toBe(b);
  });

  it('puts a step’s line before its transitions going forward, and after them going back', () => {
    const r = run(SMALL);
    const line = bp('line uvm_va_block_make_resident_copy:copy');
    const copy = bp('copy');
    const at = findNextHit(r, [copy], -1);
    if (!at) throw new Error('no copy');
    expect(r.frameOf(at.step)).toMatchObject({ fn: 'uvm_va_block_make_resident_copy', line: 5 });
    const fwd = findNextHit(r, [copy, line], at.step - 1);
    expect(fwd).toEqual({ step: at.step, transition: null, breakpoint: line });
    const [a, z] = r.transitionRange(at.step);
    const lastCopy = r.transitionsOfStep(at.step).filter((v) => v.kind === 'copy').at(-1);
    expect(a).toBeLessThan(z);
    const back = findPrevHit(r, [line, copy], at.step + 1);
    expect(back).toEqual({ step: at.step, transition: lastCopy?.index, breakpoint: copy });
    expect(findPrevHit(r, [line], at.step + 1)).toEqual({ step: at.step, transition: null, breakpoint: line });
  });

  it('finds nothing past the last step, and clamps far-away starts', () => {
    const r = run(SMALL);
    expect(findNextHit(r, [bp('*')], r.stepCount - 1)).toBeNull();
    expect(findNextHit(r, [bp('*')], r.stepCount + 100)).toBeNull();
    expect(findNextHit(r, [bp('*')], -100)?.transition).toBe(0);
    expect(findNextHit(r, [], -1)).toBeNull();
    expect(() => findNextHit(r, [bp('*')], 1.5)).toThrow(RangeError);
  });

  it('names processors in conditions through procName, srcName and dstName', () => {
    const r = run(EVICTING);
    const hit = findNextHit(r, [bp("copy if srcName == 'gpu0' && cause == 'eviction'")], -1);
    if (!hit || hit.transition === null) throw new Error('no eviction copy');
    expect(r.transition(hit.transition).fields).toMatchObject({ src: 1, dst: 0, cause: 'eviction' });
    const fault = findNextHit(r, [bp("gpuFault if procName == 'gpu0'")], -1);
    expect(fault && fault.transition !== null && r.transition(fault.transition).fields.proc).toBe(1);
  });

  it('gives time as the simulated clock right after the transition, or after the step for a line', () => {
    const r = run(SMALL);
    r.seek(r.stepCount - 1);
    const half = Math.floor(r.simTimeNs() / 2);
    const clock = findNextHit(r, [bp(`clock if time > ${half}`)], -1);
    if (!clock || clock.transition === null) throw new Error('no clock hit');
    expect(r.transition(clock.transition).after).toBeGreaterThan(half);
    for (let t = 0; t < clock.transition; t++) if (r.transition(t).kind === 'clock') expect(r.transition(t).after).toBeLessThanOrEqual(half);
    const copy = findNextHit(r, [bp(`copy if time > ${half}`)], -1);
    if (!copy || copy.transition === null) throw new Error('no copy hit');
    r.seek(copy.step);
    expect(r.simTimeNs()).toBeGreaterThan(half);
    const line = findNextHit(r, [bp(`line uvm_va_space_cpu_fault if time > ${half}`)], -1);
    if (!line) throw new Error('no line hit');
    r.seek(line.step);
    expect(r.simTimeNs()).toBeGreaterThan(half);
    // the step before ends at the same clock or earlier; the first qualifying step at that line is this one
    const earlier = findPrevHit(r, [bp(`line uvm_va_space_cpu_fault if time > ${half}`)], line.step);
    expect(earlier).toBeNull();
  });

  it('watches a va_block: any state change of it, or of one of its fields', () => {
    const r = run(SMALL);
    const any = findNextHit(r, [bp('watch block 3')], -1);
    if (!any || any.transition === null) throw new Error('block 3 never changes');
    expect(r.transition(any.transition)).toMatchObject({ type: 'state', heap: 'blocks', fields: { block: 3 } });
    const resident = findNextHit(r, [bp('watch block 3 resident if gained > 0')], -1);
    if (!resident || resident.transition === null) throw new Error('block 3 never becomes resident');
    expect(r.transition(resident.transition)).toMatchObject({ kind: 'blockResident', fields: { block: 3, field: 'resident' } });
    expect(r.transition(resident.transition).fields.gained).toBeGreaterThan(0);
    const heap = findNextHit(run(BUSY), [bp('watch heap pmm.gpu2')], -1);
    expect(heap && heap.transition !== null && run(BUSY).transition(heap.transition).heap).toBe('pmm.gpu2');
  });

  it('never hits with a breakpoint that cannot match, and says why', () => {
    const r = run(SMALL);
    const base = { id: 99, enabled: true, hitCount: 0 };
    const broken: Breakpoint[] = [
      { ...base, type: 'transition', kind: 'toString' },
      { ...base, type: 'transition', kind: 'copy', condition: 'bytes >' },
      { ...base, type: 'transition', kind: 'copy', condition: 'constructor' },
      { ...base, type: 'line', fn: 'nope', line: 0 },
      { ...base, type: 'line', fn: 'evict_root_chunk', line: 99 },
      { ...base, type: 'watch', block: 0, field: 'nonsense' },
      { ...base, type: 'watch', heap: 'pmm.gpu9' },
    ];
    for (const b of broken) {
      expect(validateBreakpoint(b, r), JSON.stringify(b)).not.toBeNull();
      expect(findNextHit(r, [b], -1)).toBeNull();
      expect(findPrevHit(r, [b], r.stepCount)).toBeNull();
    }
    expect(countHits(r, broken)).toEqual(broken.map(() => 0));
    expect(validateBreakpoint(broken[0])).toContain("unknown transition kind 'toString'");
    expect(validateBreakpoint(broken[1])).toContain("condition, col 8: expected an operand after '>'");
    expect(validateBreakpoint(bp('copy if dst == 0'), r)).toBeNull();
    expect(kindByName('copy')).toBe(69);
  });
});

describe('findPrevHit', () => {
  it('from the end finds the last hit', () => {
    const r = run(SMALL);
    const b = [bp('copy if dst == 0')];
    const hit = findPrevHit(r, b, r.stepCount);
    if (!hit || hit.transition === null) throw new Error('no hit');
    for (let t = hit.transition + 1; t < r.transitionCount; t++) {
      const v = r.transition(t);
      expect(v.kind === 'copy' && v.fields.dst === 0).toBe(false);
    }
    const v = r.transition(hit.transition);
    expect(v).toMatchObject({ kind: 'copy', fields: { dst: 0 } });
    expect(findNextHit(r, b, hit.step)).toBeNull();
  });

  it('goes back hit by hit to the first one, then finds nothing', () => {
    const r = run(EVICTING);
    const b = [bp('evictChunk')];
    const steps: number[] = [];
    for (let h = findPrevHit(r, b, r.stepCount); h; h = findPrevHit(r, b, h.step)) steps.push(h.step);
    const forward: number[] = [];
    for (let h = findNextHit(r, b, -1); h; h = findNextHit(r, b, h.step)) forward.push(h.step);
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.reverse()).toEqual(forward);
    expect(findPrevHit(r, b, 0)).toBeNull();
  });
});

describe('continue and reverse continue agree with describing every transition', () => {
  const sets: [string, string, string[]][] = [
    ['small', SMALL, ['copy if dst == 0 && bytes >= 64KiB', 'line uvm_va_block_map:ptes', 'blockResident if block == 2 && gained > 100', 'watch block 1 mapped']],
    ['evicting', EVICTING, ['evictChunk', 'line evict_root_chunk:start if op == 1', "copy if cause in ['eviction', 'prefetch']", 'watch heap pmm.gpu1 if step % 3 == 0']],
    ['busy', BUSY, ["* if block == 5 && procName == 'gpu1'", 'remoteMap', 'line uvm_api_set_policy', 'map if pages >= 16 && prot == "write"', 'tlbInvalidate if proc == 2']],
  ];
  it.each(sets)('on the %s run', (_name, yaml, specs) => {
    const r = run(yaml);
    const bps = specs.map((s) => bp(s));
    const ref = refHits(r, bps);
    expect(ref.length).toBeGreaterThan(3);
    const probe = [-1, 0, ...Array.from({ length: 40 }, (_, i) => Math.floor(((i + 1) * r.stepCount) / 41)), ...ref.slice(0, 5).map((h) => h.step), r.stepCount - 1, r.stepCount];
    for (const from of probe) {
      const next = ref.find((h) => h.step > from) ?? null;
      expect(asRef(findNextHit(r, bps, from), bps), `next from ${from}`).toEqual(next);
      const prev = ref.filter((h) => h.step < from).at(-1) ?? null;
      expect(asRef(findPrevHit(r, bps, from), bps), `prev from ${from}`).toEqual(prev);
    }
  });
});

// ---------------------------------------------------------------- hit counts

describe('countHits', () => {
  it('counts matching transitions and steps of each breakpoint over the whole run, disabled ones included', () => {
    const r = run(EVICTING);
    const bps = [bp('evictChunk'), bp('copy if dst == 0', false), bp('line evict_root_chunk:pick'), bp('copy'), bp('* if kind == "copy"'), bp('watch block 0 resident')];
    const counts = countHits(r, bps);
    const each = bps.map((b) => refHits(r, [b], true).length);
    expect(counts).toEqual(each);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBe(counts[2]);
    expect(counts[3]).toBe(counts[4]);
    expect(counts[3]).toBe(
      Array.from({ length: r.transitionCount }, (_, t) => r.ctx.store.kindOf(t)).filter((k) => k === kindByName('copy')).length,
    );
  });

  it('sets hitCount on copies of the breakpoints', () => {
    const r = run(EVICTING);
    const bps = [bp('evictChunk'), bp('thrashingDetected')];
    const out = withHitCounts(r, bps);
    expect(out.map((b) => b.hitCount)).toEqual(countHits(r, bps));
    expect(bps[0].hitCount).toBe(0);
  });
});

// ---------------------------------------------------------------- speed: views only where the kind matches

describe('scanning cost', () => {
  it('describes only transitions of a wanted kind, and none where the raw columns already rule them out', () => {
    const r = run(EVICTING);
    const spy = vi.spyOn(r, 'transition');
    try {
      expect(findNextHit(r, [bp('throttle')], -1)).toBeNull();
      expect(findNextHit(r, [bp('copy')], -1)).not.toBeNull();
      expect(spy).not.toHaveBeenCalled();

      const copies = countHits(r, [bp('copy')])[0];
      spy.mockClear();
      expect(findNextHit(r, [bp('copy if bytes > 1TiB')], -1)).toBeNull();
      expect(spy).toHaveBeenCalledTimes(copies);

      // block == n on block-record writes and block events is read from the columns
      spy.mockClear();
      expect(findNextHit(r, [bp('blockResident if block == 100000')], -1)).toBeNull();
      expect(findPrevHit(r, [bp('copy if block == 100000 && bytes > 0')], r.stepCount)).toBeNull();
      expect(spy).not.toHaveBeenCalled();

      // conditions on the raw columns only (kind, step, op…) need no view either
      spy.mockClear();
      expect(findNextHit(r, [bp('* if kind == "nothing" || op > 100')], -1)).toBeNull();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('finds no hit in a long run when nothing matches, forwards or backwards (scan speed is measured by npm run bench, not here)', () => {
    const r = runOf(`uvmscope: 1
machine: { gpus: [ { name: gpu0, arch: hopper, memory: 32MiB } ] }
regions: [ { name: A, size: 128MiB } ]
steps:
  - { op: cpu.write, region: A }
  - { op: gpu.kernel, access: { region: A, op: read } }
  - { op: cpu.read, region: A }
`);
    expect(r.transitionCount).toBeGreaterThan(20_000);
    const bps = [bp('throttle'), bp('copy if bytes > 1TiB'), bp('blockResident if block == 100000'), bp('line uvm_migrate')];
    for (const b of bps) {
      expect(findNextHit(r, [b], -1)).toBeNull();
      expect(findPrevHit(r, [b], r.stepCount)).toBeNull();
    }
  });
});
