/**
 * Reading real captures (tools/uvm-capture): the committed H100 captures, cut ones, other versions and hostile lines.
 * The reader must never throw, and every refusal names its line and, where one is at fault, its field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAPTURE_VERSION,
  fnv1a64,
  MAX_CAPTURE_CHARS,
  MAX_CAPTURE_ERRORS,
  MAX_LINE_CHARS,
  parseCapture,
  summarizeCapture,
  type Capture,
  type CaptureError,
} from '../../src/engine/capture/index.js';

const DIR = new URL('../fixtures/captures/', import.meta.url);
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.slice(0, -'.jsonl'.length))
  .sort();

function text(name: string): string {
  return readFileSync(new URL(`${name}.jsonl`, DIR), 'utf8');
}

function read(t: string): Capture {
  const r = parseCapture(t);
  if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
  return r.capture;
}

function errors(t: string): CaptureError[] {
  const r = parseCapture(t);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

const SMALL = text('first-touch');
const SMALL_LINES = SMALL.split('\n').slice(0, -1);
/** first-touch with line `n` (1-based) replaced. */
function withLine(n: number, line: string): string {
  const rows = [...SMALL_LINES];
  rows[n - 1] = line;
  return rows.join('\n') + '\n';
}
/** The first host-to-device copy of first-touch (it has every common field, bytes and a cause). */
const FIRST_RECORD = SMALL_LINES.findIndex((l) => l.includes('"kind":"htod"')) + 1;
const RECORD = JSON.parse(SMALL_LINES[FIRST_RECORD - 1]) as Record<string, unknown>;
const recordWith = (patch: Record<string, unknown>) => withLine(FIRST_RECORD, JSON.stringify({ ...RECORD, ...patch }));

describe('the committed captures', () => {
  it('are at least ten single-GPU scenarios, each under 2 MB', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(10);
    for (const n of NAMES) expect(text(n).length, n).toBeLessThan(2_000_000);
  });

  it.each(NAMES)('%s parses, matches its plan, and every record lands in a step', (name) => {
    const c = read(text(name));
    const plan = readFileSync(new URL(`plans/${name}.plan`, DIR), 'utf8');
    expect(c.header.version).toBe(CAPTURE_VERSION);
    expect(c.header.planHash).toBe(fnv1a64(plan));
    expect(c.header.source).toBe(`${name}.yaml`);
    expect(c.header.steps).toBe(Number(/^steps (\d+)$/m.exec(plan)?.[1]));
    expect(c.header.machine.gpu).toBe('NVIDIA H100 80GB HBM3');
    expect(c.header.machine.link).toBe('pcie');
    expect(c.header.machine.driverVersion).toBe('580.159.04');
    expect(c.header.machine.uvmParams.uvm_perf_prefetch_threshold).toBe('51');
    expect(c.header.scaled).toBe(false);
    expect(c.end).toMatchObject({ status: 'ok', dropped: 0, records: c.records.length, steps: c.header.steps });
    expect(c.steps.map((s) => s.step)).toEqual([...Array(c.header.steps).keys()]);
    // skipped steps are the plan's, and do nothing
    expect(c.steps.filter((s) => s.skipped).map((s) => s.step)).toEqual(c.header.skipped.map((s) => s.step));
    const sum = summarizeCapture(c);
    expect(sum.before.htod_bytes + sum.before.cpu_faults + sum.before.gpu_fault_batches).toBe(0);
    expect(sum.steps.reduce((n, s) => n + s.records, 0)).toBe(c.records.length);
    for (const s of sum.steps) if (s.skipped) expect(s.records, `${name} step ${s.step}`).toBe(0);
    // every record's address lies in a region of the plan
    for (const r of c.records) expect(r.region, `${name} line ${r.line}`).not.toBeNull();
  });

  it('first-touch: the counters per step, as the H100 reported them', () => {
    const s = summarizeCapture(read(SMALL));
    const byOp = (step: number) => s.steps[step].counters;
    // the CPU writes cpuFirst: 12 faults (6 per 2 MiB block), nothing copied
    expect(byOp(2)).toMatchObject({ cpu_faults: 12, htod_bytes: 0, dtoh_bytes: 0 });
    // the GPU reads it: 4 MiB host to device, in fault groups
    expect(byOp(5).htod_bytes).toBe(4 * 1024 * 1024);
    expect(byOp(5).gpu_fault_batches).toBeGreaterThan(0);
    // the GPU writes gpuFirst first: zero-filled on the GPU, no copy
    expect(byOp(8)).toMatchObject({ htod_bytes: 0, dtoh_bytes: 0 });
    expect(byOp(8).gpu_fault_batches).toBeGreaterThan(0);
    // the CPU reads gpuFirst: 12 faults, 4 MiB back, the prefetcher's 4 KiB + 60 KiB … 4 KiB + 1020 KiB pattern
    expect(byOp(11)).toMatchObject({
      cpu_faults: 12,
      dtoh_bytes: 4 * 1024 * 1024,
      dtoh_transfers: { '4096': 12, '61440': 4, '126976': 2, '258048': 2, '520192': 2, '1044480': 2 },
    });
    // prefetching untouched memory populates it on the GPU: nothing to copy
    expect(s.steps[14].records).toBe(0);
    expect(s.counters).toMatchObject({ cpu_faults: 24, htod_bytes: 4194304, dtoh_bytes: 4194304, thrashing: 0, evictions: 0 });
  });

  it('thrashing: the driver detects the ping-pong, throttles, then maps remotely by policy', () => {
    const s = summarizeCapture(read(text('thrashing')));
    expect(s.counters.thrashing).toBeGreaterThan(0);
    expect(s.counters.throttling).toBeGreaterThan(0);
    expect(s.counters.remote_maps).toBe(4); // 16 KiB mapped from the CPU after preferred-location cpu
    const c = read(text('thrashing'));
    expect(c.records.find((r) => r.kind === 'remote_map')).toMatchObject({ src: 'gpu0', dst: 'cpu', cause: 'policy', region: 0, offset: 0, bytes: 16384 });
    // the allocation is rounded up to 64 KiB and the driver migrates past the 16 KiB region
    expect(c.records.some((r) => r.offset !== null && r.offset >= 16384)).toBe(true);
  });
});

describe('truncated captures', () => {
  it('refuses a capture cut at any line boundary, saying it is truncated', () => {
    for (let n = 1; n < SMALL_LINES.length; n++) {
      const errs = errors(SMALL_LINES.slice(0, n).join('\n') + '\n');
      expect(errs.at(-1)?.message, `cut after line ${n}`).toMatch(/truncated: it has no end line/);
    }
  });

  it('refuses a capture cut inside a line, at the line', () => {
    const ends = [100, 1500, SMALL.indexOf('"type":"um"') + 40, Math.floor(SMALL.length / 2), SMALL.length - 10];
    for (const at of ends) {
      const cut = SMALL.slice(0, at);
      const errs = errors(cut);
      const line = cut.split('\n').length;
      expect(errs.some((e) => e.line === line && /truncated/.test(e.message)), `cut at ${at}`).toBe(true);
    }
  });

  it('refuses an empty text', () => {
    expect(errors('')).toEqual([{ line: 0, field: null, message: 'the capture is empty' }]);
    expect(errors('\n\n')).toEqual([{ line: 0, field: null, message: 'the capture is empty' }]);
  });

  it('refuses a capture whose end line counts other records or steps', () => {
    const end = JSON.parse(SMALL_LINES.at(-1) as string) as Record<string, unknown>;
    const n = read(SMALL).records.length;
    const bad = withLine(SMALL_LINES.length, JSON.stringify({ ...end, records: 3 }));
    expect(errors(bad)).toEqual([{ line: SMALL_LINES.length, field: 'records', message: `the end line counts 3 records, the capture has ${n}` }]);
    const dropped = withLine(FIRST_RECORD, '');
    expect(errors(dropped)[0].message).toBe(`the end line counts ${n} records, the capture has ${n - 1}`);
  });
});

describe('versions and other files', () => {
  const header = JSON.parse(SMALL_LINES[0]) as Record<string, unknown>;

  it('refuses another version, naming it', () => {
    expect(errors(withLine(1, JSON.stringify({ ...header, version: 2 })))).toEqual([
      { line: 1, field: 'version', message: 'unsupported capture version 2: this build reads version 1' },
    ]);
    expect(errors(withLine(1, JSON.stringify({ ...header, version: '1' })))[0].message).toBe(
      'unsupported capture version the string "1": this build reads version 1',
    );
  });

  it('refuses a file that is not a capture at its first line, and stops there', () => {
    for (const first of ['{"type":"header","format":"trace"}', '[1,2]', 'uvm-plan 1', '{"type":"um"}']) {
      const errs = errors(withLine(1, first));
      expect(errs).toHaveLength(1);
      expect(errs[0].line).toBe(1);
    }
    expect(errors(withLine(1, '{"type":"header","format":"trace"}'))[0].message).toBe('not a uvm-capture file: its first line is not a capture header');
  });

  it('names each header field that is wrong', () => {
    const errs = errors(withLine(1, JSON.stringify({ ...header, steps: -1, plan_hash: 'xyz', machine: { ...(header.machine as object), page_size: 'big' } })));
    expect(errs.map((e) => e.field)).toEqual(['plan_hash', 'machine.page_size', 'steps']);
    expect(errs[1].message).toBe('expected a whole number from 1 to 1073741824, got the string "big"');
  });

  it('refuses a second header and lines after the end', () => {
    expect(errors(withLine(3, SMALL_LINES[0]))[0]).toMatchObject({ line: 3, field: 'type', message: expect.stringMatching(/second header/) });
    expect(errors(SMALL + '{"type":"step"}\n')[0]).toMatchObject({ line: SMALL_LINES.length + 1, message: expect.stringMatching(/after the end line/) });
    // blank lines anywhere and CRLF line ends are fine
    expect(read(SMALL.replace(/\n/g, '\r\n') + '\n\n').records).toHaveLength(read(SMALL).records.length);
  });
});

describe('hostile lines', () => {
  it('refuses a line that is not JSON, with its line number', () => {
    const errs = errors(withLine(5, '{"type":"step", oops}'));
    expect(errs).toHaveLength(1);
    expect(errs[0].line).toBe(5);
    expect(errs[0].message).toMatch(/^not JSON: /);
  });

  it('refuses __proto__, constructor and prototype keys anywhere, and pollutes nothing', () => {
    const cases = [
      '{"type":"um","__proto__":{"polluted":1}}',
      `{"type":"um","kind":"htod","constructor":{"prototype":{"polluted":1}}}`,
      `{"type":"step","x":[{"prototype":1}]}`,
    ];
    for (const line of cases) {
      const errs = errors(withLine(FIRST_RECORD, line));
      expect(errs[0].line).toBe(FIRST_RECORD);
      expect(errs[0].message).toMatch(/is not allowed in a capture/);
    }
    const inHeader = withLine(1, SMALL_LINES[0].replace('"uvm_params":{', '"uvm_params":{"__proto__":"x",'));
    expect(errors(inHeader)[0]).toMatchObject({ line: 1, field: 'machine.uvm_params.__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses numbers too large to be exact, fractions and wrong types, naming the field', () => {
    expect(errors(recordWith({ bytes: 2 ** 60 }))[0]).toMatchObject({ line: FIRST_RECORD, field: 'bytes' });
    const huge = withLine(FIRST_RECORD, SMALL_LINES[FIRST_RECORD - 1].replace(/"start":\d+/, '"start":1e400'));
    expect(errors(huge)[0]).toMatchObject({ field: 'start', message: expect.stringMatching(/a number too large to read/) });
    expect(errors(recordWith({ flags: 1.5 }))[0]).toMatchObject({ field: 'flags' });
    expect(errors(recordWith({ address: 12345 }))[0]).toMatchObject({ field: 'address', message: 'expected an address in hex (0x…), got number 12345' });
    expect(errors(recordWith({ kind: 'teleport' }))[0]).toMatchObject({ field: 'kind' });
    expect(errors(recordWith({ src: 'gpu0; rm -rf /' }))[0]).toMatchObject({ field: 'src' });
    expect(errors(recordWith({ region: 7 }))[0]).toMatchObject({ field: 'region', message: 'region 7 is not in the header' });
    expect(errors(recordWith({ offset: 1 << 30 }))[0]).toMatchObject({ field: 'offset' });
    expect(errors(recordWith({ end: 0, start: 10 }))[0]).toMatchObject({ field: 'end' });
    expect(errors(withLine(FIRST_RECORD, '"just a string"'))[0].message).toBe('expected a JSON object, got the string "just a string"');
    expect(errors(withLine(FIRST_RECORD, '{"type":42}'))[0]).toMatchObject({ field: 'type', message: 'expected a line of type um, step or end, got number 42' });
  });

  it('refuses steps out of order', () => {
    const step = SMALL_LINES.findIndex((l) => l.includes('"type":"step"')) + 1;
    const moved = JSON.parse(SMALL_LINES[step - 1]) as Record<string, unknown>;
    expect(errors(withLine(step, JSON.stringify({ ...moved, step: 4 })))[0]).toMatchObject({ line: step, field: 'step' });
  });

  it('refuses an overlong line, an overlong text and too many errors', () => {
    const long = withLine(FIRST_RECORD, `{"type":"um","pad":"${'x'.repeat(MAX_LINE_CHARS)}"}`);
    expect(errors(long)[0]).toMatchObject({ line: FIRST_RECORD, message: expect.stringMatching(/at most 65536/) });
    const r = parseCapture(' '.repeat(MAX_CAPTURE_CHARS + 1));
    expect(r.ok ? [] : r.errors).toEqual([{ line: 0, field: null, message: `the capture is ${MAX_CAPTURE_CHARS + 1} characters; at most ${MAX_CAPTURE_CHARS} are read` }]);
    const many = [SMALL_LINES[0], ...Array.from({ length: 200 }, () => '{"type":"um"}')].join('\n') + '\n';
    const errs = errors(many);
    expect(errs).toHaveLength(MAX_CAPTURE_ERRORS + 1);
    expect(errs.at(-1)?.message).toMatch(/more than 50 errors/);
  });

  it('survives deep nesting', () => {
    const deep = withLine(FIRST_RECORD, `{"type":"um","x":${'['.repeat(20000)}${']'.repeat(20000)}}`);
    expect(parseCapture(deep).ok).toBe(false);
  });

  it('never throws, whatever a line is replaced with', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: SMALL_LINES.length }), fc.oneof(fc.string(), fc.json()), (n, line) => {
        const r = parseCapture(withLine(n, line));
        if (!r.ok) for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SMALL.length }), fc.string(), (at, junk) => {
        parseCapture(SMALL.slice(0, at) + junk + SMALL.slice(at));
      }),
      { numRuns: 200 },
    );
  });
});
