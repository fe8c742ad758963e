/** `uvmscope plan`: a scenario's steps as the text plan tools/uvm-capture runs (src/engine/capture/plan.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError, USAGE } from '../../src/cli/args.js';
import { buildPlan, fnv1a64, pageList, parsePageList, type Plan } from '../../src/engine/capture/plan.js';
import { formatScenarioError, parseScenario, type Scenario } from '../../src/engine/scenario/index.js';
import { BUSY, lines, runCli, SMALL, tempDir } from './helpers.js';

function scenario(text: string, source = 'test.yaml'): Scenario {
  const r = parseScenario(text, source);
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}

function plan(text: string): Plan {
  const r = buildPlan(scenario(text));
  if (!r.ok) throw new Error(r.message);
  return r.plan;
}

/** Every kind of step: managed accesses, prefetch, advice, skipped ops, a file and a second process. */
const MIXED = lines(
  'uvmscope: 1',
  'name: "mixed: all kinds"',
  'policy: { prefetch: off, thrashing: off }',
  'regions:',
  '  - { name: A, size: 4MiB }',
  '  - { name: F, kind: file, size: 64KiB }',
  '  - { name: B, size: 64KiB }',
  'steps:',
  '  - note: start',
  '  - { op: cpu.write, region: A, offset: 6KiB, length: 4KiB }',
  '  - op: gpu.kernel',
  '    accesses:',
  '      - { region: A, op: read, pattern: strided, stride: 64KiB, span: 8KiB, length: 256KiB }',
  '      - { region: B, op: atomic, pattern: list, pages: [15, 0, 7, 7] }',
  '  - { op: uvm.prefetch, region: A, to: cpu, offset: 1MiB, length: 2MiB }',
  '  - { op: uvm.advise, region: B, advice: preferred-location, target: gpu0 }',
  '  - { op: uvm.advise, region: B, advice: read-mostly }',
  '  - { op: cpu.mmap, region: F }',
  '  - { op: cpu.read, region: F, length: 4KiB }',
  '  - { op: uvm.open }',
  '  - { op: cpu.read, region: A, process: 2, length: 4KiB }',
  '  - bookmark: done',
  '  - { op: cpu.read, region: A, pattern: random, count: 3 }',
);

describe('buildPlan', () => {
  it('writes the header and one step line per scenario step, accesses as page lists', () => {
    const p = plan(MIXED);
    expect(p.text).toBe(
      lines(
        '# uvm-capture plan: the steps of a scenario for tools/uvm-capture (its README.md describes this format)',
        'uvm-plan 1',
        'scenario mixed: all kinds',
        'source test.yaml',
        'page-size 4096',
        'gpu 0 gpu0',
        'region 0 A 4194304',
        'region 2 B 65536',
        '# region 1 F is file memory: not allocated',
        'managed-bytes 4259840',
        'steps 12',
        'skipped 0 note a note (nothing to run)',
        'skipped 6 cpu.mmap file regions are not captured (the page cache and GAIA need a patched kernel)',
        'skipped 7 cpu.read region F is file memory; only managed regions are captured',
        'skipped 8 uvm.open a second process is not part of a one-process capture (CUPTI profiles one process)',
        'skipped 9 cpu.read process 2 is a second program; a capture profiles one process',
        'skipped 10 bookmark a bookmark (nothing to run)',
        "ignored policy.prefetch=off the prefetcher is the driver's module parameter uvm_perf_prefetch_enable, not settable by a program",
        "ignored policy.thrashing=off thrashing detection is the driver's module parameter uvm_perf_thrashing_enable, not settable by a program",
        'begin',
        '# step 0: note skipped: a note (nothing to run)',
        'step 0 skip note',
        'step 1 cpu write 0 1-2',
        'step 2 kernel 0 2',
        'access 0 read strided 0-1,16-17,32-33,48-49',
        'access 2 atomic list 15,0,7,7',
        'step 3 prefetch 0 1048576 2097152 cpu',
        'step 4 advise 2 preferred-location gpu0',
        'step 5 advise 2 read-mostly -',
        '# step 6: cpu.mmap skipped: file regions are not captured (the page cache and GAIA need a patched kernel)',
        'step 6 skip cpu.mmap',
        '# step 7: cpu.read skipped: region F is file memory; only managed regions are captured',
        'step 7 skip cpu.read',
        '# step 8: uvm.open skipped: a second process is not part of a one-process capture (CUPTI profiles one process)',
        'step 8 skip uvm.open',
        '# step 9: cpu.read skipped: process 2 is a second program; a capture profiles one process',
        'step 9 skip cpu.read',
        '# step 10: bookmark skipped: a bookmark (nothing to run)',
        'step 10 skip bookmark',
        // the documented example of the generator: seed 1 over 1024 pages touches 363, 912, 356
        'step 11 cpu read 0 363,912,356',
        'end',
      ),
    );
    expect(p.managedBytes).toBe(4 * 1024 * 1024 + 64 * 1024);
    expect(p.skipped.map((s) => s.step)).toEqual([0, 6, 7, 8, 9, 10]);
    expect(p.runnable).toBe(6);
    expect(p.hash).toBe(fnv1a64(p.text));
  });

  it('notes a GPU memory other than the default H100, since a capture never oversubscribes', () => {
    const p = plan(lines('uvmscope: 1', 'machine: { gpus: [{ name: small, memory: 32MiB }] }', 'regions: [{ name: A, size: 48MiB }]', 'steps:', '  - { op: gpu.kernel, gpu: small, access: { region: A, op: read } }'));
    expect(p.ignored).toEqual(["machine.gpus[0].memory=33554432 the real GPU's memory is what it is (a capture never oversubscribes it)"]);
    expect(p.text).toContain('gpu 0 small\n');
    expect(p.text).toContain('step 0 kernel 0 1\naccess 0 read sequential 0-12287\n');
  });

  it('plans a two-GPU scenario: a gpu line per device, each kernel on its device, prefetch to gpu1', () => {
    const p = plan(BUSY);
    expect(p.text).toContain('\npage-size 4096\ngpu 0 g0\ngpu 1 g1\nregion 0 A 8388608\n');
    expect(p.text).toContain('\nstep 1 kernel 0 1\naccess 0 read sequential 0-2047\nstep 2 kernel 1 1\naccess 1 write sequential 0-15\n');
    expect(p.text).toMatch(/\nstep \d+ prefetch 1 0 65536 gpu1\n/);
    // both GPUs' modelled memory sizes are ignored, each by its index
    expect(p.ignored.filter((x) => x.startsWith('machine.gpus['))).toEqual([
      "machine.gpus[0].memory=4194304 the real GPU's memory is what it is (a capture never oversubscribes it)",
      "machine.gpus[1].memory=67108864 the real GPU's memory is what it is (a capture never oversubscribes it)",
    ]);
  });

  it('refuses a scenario that uses more GPUs than a capture runs on', () => {
    const gpus = Array.from({ length: 9 }, (_, i) => `{ name: g${i}, memory: 8GiB }`).join(', ');
    const text = lines('uvmscope: 1', `machine: { gpus: [${gpus}] }`, 'regions: [{ name: A, size: 64KiB }]', 'steps: [{ op: gpu.kernel, gpu: g8, access: { region: A, op: read } }]');
    expect(buildPlan(scenario(text))).toEqual({ ok: false, message: 'the scenario uses 9 GPUs; a capture runs on at most 8' });
  });

  it('accepts a scenario that declares a second GPU but never uses it', () => {
    const text = lines('uvmscope: 1', 'machine: { gpus: [{ name: a, memory: 8GiB }, { name: b, memory: 8GiB }] }', 'regions: [{ name: A, size: 64KiB }]', 'steps: [{ op: cpu.write, region: A }]');
    expect(buildPlan(scenario(text)).ok).toBe(true);
  });

  it('refuses a scenario with nothing a program can run', () => {
    const text = lines('uvmscope: 1', 'regions: [{ name: F, kind: file, size: 64KiB }]', 'steps:', '  - { op: cpu.mmap, region: F }', '  - note: hi');
    const r = buildPlan(scenario(text));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^nothing to capture/);
  });

  it('keeps the header one line per field whatever the name holds', () => {
    const p = plan(lines('uvmscope: 1', 'name: "a\\nb\\tc"', 'regions: [{ name: A, size: 4KiB }]', 'steps: [{ op: cpu.write, region: A }]'));
    expect(p.text).toContain('\nscenario a b c\n');
  });

  it('plans every built-in scenario with a step a program can run, on one GPU or two', () => {
    const dir = new URL('../../assets/scenarios/', import.meta.url);
    const refused: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const r = buildPlan(scenario(readFileSync(new URL(file, dir), 'utf8'), file));
      if (!r.ok) refused.push(file);
      else expect(r.plan.text.endsWith('\nend\n'), file).toBe(true);
    }
    // only GAIA / gdrcopy / page-cache steps
    expect(refused.sort()).toEqual([
      'gaia-get-page-failures.yaml',
      'gaia-get-page-from-gpu.yaml',
      'gaia-gpu-reads-file.yaml',
      'gaia-maquire.yaml',
      'gaia-two-gpus.yaml',
      'gdr-private-address-space.yaml',
    ]);
    for (const file of ['two-gpus.yaml', 'two-gpus-handover.yaml', 'two-gpus-read-mostly.yaml', 'two-gpus-preferred.yaml']) {
      const r = buildPlan(scenario(readFileSync(new URL(file, dir), 'utf8'), file));
      expect(r.ok && r.plan.text.includes('\ngpu 0 gpu0\ngpu 1 gpu1\n') && /\nstep \d+ kernel 1 /.test(r.plan.text), file).toBe(true);
    }
  });
});

describe('page lists and the hash', () => {
  it('writes ascending runs as a-b and reads them back', () => {
    expect(pageList([0, 1, 2, 5, 7, 8, 3])).toBe('0-2,5,7-8,3');
    expect(pageList([4, 4, 4])).toBe('4,4,4');
    expect(parsePageList('0-2,5,7-8,3')).toEqual([0, 1, 2, 5, 7, 8, 3]);
    expect(() => parsePageList('3-1')).toThrow();
    expect(() => parsePageList('1,,2')).toThrow();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 200 }), (pages) => {
        expect(parsePageList(pageList(pages))).toEqual(pages);
      }),
    );
  });

  it('is FNV-1a 64 over UTF-8, as the C++ tool computes it', () => {
    // published test vectors of FNV-1a 64
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
    const ref = (t: string) => {
      let h = 0xcbf29ce484222325n;
      for (const b of new TextEncoder().encode(t)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (t) => fnv1a64(t) === ref(t)), { numRuns: 50 });
  });
});

describe('uvmscope plan', () => {
  const tmp = tempDir({ 'small.yaml': SMALL, 'busy.yaml': BUSY });
  afterAll(() => tmp.dispose());

  it('prints the plan on stdout', () => {
    const r = runCli(['plan', tmp.path('small.yaml')]);
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^# uvm-capture plan.*\nuvm-plan 1\nscenario small\nsource small.yaml\n/);
    expect(r.out).toContain('step 1 kernel 0 1\naccess 0 read sequential 0-1023\n');
  });

  it('writes the plan with -o and says what it wrote', () => {
    const out = tmp.path('small.plan');
    const r = runCli(['plan', tmp.path('small.yaml'), '-o', out]);
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(r.err).toBe(`wrote ${out}: 4 steps, 3 to run, 1 skipped; 4 MiB managed; hash ${fnv1a64(text)}\n`);
    expect(runCli(['plan', tmp.path('small.yaml'), `--output=${out}`]).status).toBe(0);
  });

  it('plans a two-GPU scenario', () => {
    const r = runCli(['plan', tmp.path('busy.yaml')]);
    expect(r.status).toBe(0);
    expect(r.out).toContain('\ngpu 0 g0\ngpu 1 g1\n');
  });

  it('reports a missing scenario and an unwritable output', () => {
    expect(runCli(['plan', tmp.path('nope.yaml')]).err).toMatch(/cannot read .*nope\.yaml: no such file or directory/);
    const r = runCli(['plan', tmp.path('small.yaml'), '-o', tmp.path('no/such/dir/x.plan')]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/cannot write .*x\.plan/);
  });

  it('parses its arguments and documents them', () => {
    expect(parseArgs(['plan', 'a.yaml'])).toEqual({ command: 'plan', file: 'a.yaml' });
    expect(parseArgs(['plan', '-o', 'p.txt', 'a.yaml'])).toEqual({ command: 'plan', file: 'a.yaml', output: 'p.txt' });
    expect(() => parseArgs(['plan', 'a.yaml', '-o', 'x', '--output', 'y'])).toThrow(UsageError);
    expect(() => parseArgs(['plan'])).toThrow(/plan needs a scenario file/);
    expect(() => parseArgs(['plan', 'a.yaml', '--json'])).toThrow(/unknown option "--json" for plan/);
    expect(USAGE.overview).toContain('plan <scenario.yaml>');
    expect(USAGE.plan).toMatch(/^Usage: uvmscope plan <scenario.yaml> \[-o plan.txt\]/);
    expect(runCli(['help', 'plan']).out).toBe(USAGE.plan);
  });
});
