/** The CLI's commands run in-process through cli(argv, io), with scenario files in a temp folder. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { internalError } from '../../src/cli/cli.js';
import { readTextFile, writeFileAtomic } from '../../src/cli/files.js';
import { memoryIo } from '../../src/cli/io.js';
import type { RunJson } from '../../src/cli/commands/run.js';
import type { ChromeTrace } from '../../src/engine/run/trace-export.js';
import { ENGINE_VERSION } from '../../src/engine/version.js';
import { BAD, BUSY, runCli, SMALL, tempDir, traceProblems, UNRUNNABLE } from './helpers.js';

const tmp = tempDir({ 'small.yaml': SMALL, 'busy.yaml': BUSY, 'bad.yaml': BAD, 'unrunnable.yaml': UNRUNNABLE });
afterAll(() => tmp.dispose());
const small = tmp.path('small.yaml');

const COUNTERS = ['gpu_faults', 'gpu_fault_batches', 'cpu_faults', 'htod_bytes', 'dtoh_bytes', 'remote_maps', 'thrashing', 'throttling', 'evictions', 'gpu_invalidations'];

function json(argv: string[]): RunJson {
  const r = runCli(argv);
  expect(r.err).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.out) as RunJson;
}

describe('run --json', () => {
  it('prints one JSON object with every field of the contract', () => {
    const out = json(['run', small, '--json']);
    for (const name of COUNTERS) expect(typeof out.counters[name as keyof RunJson['counters']], name).toBe('number');
    for (const name of ['htod_transfers', 'dtoh_transfers'] as const) {
      expect(typeof out.counters[name]).toBe('object');
      for (const [size, n] of Object.entries(out.counters[name])) {
        expect(Number.isInteger(Number(size))).toBe(true);
        expect(Number.isInteger(n)).toBe(true);
      }
    }
    expect(out.counters.htod_transfers).toEqual({ '1048576': 4 });
    expect(out.counters.gpu_faults).toBe(1024);
    expect(Number.isInteger(out.sim_time_ns)).toBe(true);
    expect(out.steps).toBeGreaterThan(0);
    expect(out.transitions).toBeGreaterThan(out.steps);
    expect(out.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(out.engine_version).toBe(ENGINE_VERSION);
    expect(out.pageEvents).toBeGreaterThan(0);
    expect(out.scenario).toBe('small');
  });

  it('gives the same digest and counters for the same scenario every time', () => {
    const a = json(['run', small, '--json']);
    const b = json(['run', '--json', small]);
    expect(b).toEqual(a);
  });

  it('keeps the engine version equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(ENGINE_VERSION).toBe(pkg.version);
    expect(runCli(['--version']).out).toBe(`uvmscope ${ENGINE_VERSION}\n`);
  });
});

describe('run (human)', () => {
  it('prints a summary on stdout and nothing on stderr when stderr is not a terminal', () => {
    const r = runCli(['run', small]);
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^small \(.*small\.yaml\)\n/);
    expect(r.out).toMatch(/^ {2}htod_bytes +4 MiB$/m);
    expect(r.out).toContain('transfers by size');
  });

  it('draws one progress line on a terminal and erases it at the end', () => {
    const r = runCli(['run', small], { stderrIsTTY: true });
    expect(r.status).toBe(0);
    expect(r.err).toContain('step 4 of 4 (100%)');
    expect(r.err).not.toContain('\n');
    expect(r.err.endsWith('\r\x1b[K')).toBe(true);
  });
});

describe('run: errors', () => {
  it('prints each scenario error as file:line:col and exits 1, without a stack', () => {
    const r = runCli(['run', tmp.path('bad.yaml')]);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^${escape(tmp.path('bad.yaml'))}:5:11: unknown op "cpu.reed".*did you mean \`cpu.read\``));
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('reports what the engine cannot run as file:line:col and exits 1', () => {
    const r = runCli(['run', tmp.path('unrunnable.yaml')]);
    expect(r.status).toBe(1);
    expect(r.err).toBe(`${tmp.path('unrunnable.yaml')}:6:5: cpu.read of file region "F" before it is mapped (cpu.mmap it first)\n`);
  });

  it('says clearly why a file cannot be read', () => {
    expect(runCli(['run', tmp.path('missing.yaml')])).toEqual({ status: 1, out: '', err: `uvmscope: cannot read ${tmp.path('missing.yaml')}: no such file or directory\n` });
    expect(runCli(['run', tmp.dir]).err).toContain('it is a directory');
  });

  it('refuses bad usage with the usage text and 2, help with 0', () => {
    const bad = runCli(['run', small, '--bogus']);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/^uvmscope: unknown option "--bogus" for run\n\nUsage: uvmscope run/);
    const none = runCli([]);
    expect(none.status).toBe(2);
    expect(none.err).toContain('Usage: uvmscope <command>');
    const help = runCli(['--help']);
    expect(help).toMatchObject({ status: 0, err: '' });
    expect(help.out).toContain('Usage: uvmscope <command>');
    expect(runCli(['run', '--help']).out).toContain('--check-invariants');
  });

  it('points a session file to replay (2)', () => {
    const r = runCli(['run', tmp.path('x.uvmsession')]);
    expect(r.status).toBe(2);
    expect(r.err).toContain('is a session (.uvmsession): replay it with `uvmscope replay');
  });

  it('reports an internal error in one line, with the stack only under UVMSCOPE_DEBUG=1', () => {
    const quiet = memoryIo();
    expect(internalError(new Error('boom\nsecond line'), quiet)).toBe(70);
    expect(quiet.err).toBe('uvmscope: internal error: boom\n');
    const debug = memoryIo({ env: { UVMSCOPE_DEBUG: '1' } });
    internalError(new Error('boom'), debug);
    expect(debug.err).toMatch(/^uvmscope: internal error: boom\nError: boom\n\s+at /);
  });
});

describe('run --trace', () => {
  it('writes a valid Chrome trace atomically and says so', () => {
    const file = tmp.path('busy-trace.json');
    const out = json(['run', tmp.path('busy.yaml'), '--json', '--trace', file]);
    const trace = JSON.parse(readFileSync(file, 'utf8')) as ChromeTrace;
    expect(trace.displayTimeUnit).toBe('ns');
    expect(new Set(trace.traceEvents.map((e) => e.ph))).toEqual(new Set(['M', 'X', 'i', 'C']));
    expect(traceProblems(trace.traceEvents)).toEqual([]);
    expect(trace.metadata.scenario).toBe('busy');
    expect(out.trace).toEqual({ file, events: trace.traceEvents.length, aggregated: false });
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const human = runCli(['run', tmp.path('busy.yaml'), '--trace', file]);
    expect(human.out).toMatch(/trace {7}.*busy-trace\.json: [\d,]+ events/);
  });

  it('fails with 1 when the trace cannot be written, still printing the summary', () => {
    const r = runCli(['run', small, '--json', '--trace', tmp.path('no/such/dir/t.json')]);
    expect(r.status).toBe(1);
    expect(r.err).toContain('cannot write the trace to');
    expect(JSON.parse(r.out)).toHaveProperty('digest');
  });
});

describe('run --until', () => {
  it('stops at the first hit and prints the summary there, with the frame and the transition', () => {
    const end = json(['run', small, '--json']);
    const at = json(['run', small, '--json', '--until', 'copy if bytes < 8KiB']);
    expect(at.until).toMatchObject({ spec: 'copy if bytes < 8KiB', hit: true, transition: { kind: 'copy' } });
    expect(at.until?.frame?.fn).toBe('uvm_va_block_make_resident_copy');
    expect(at.steps).toBe((at.until?.step ?? -1) + 1);
    expect(at.steps).toBeLessThan(end.steps);
    // the summary is the state after the hit's step: the 4 KiB copy has happened, most DtoH copies have not
    expect(at.counters.dtoh_transfers['4096']).toBeGreaterThanOrEqual(1);
    expect(at.counters.dtoh_bytes).toBeLessThan(end.counters.dtoh_bytes);
    const human = runCli(['run', small, '--until', 'copy']);
    expect(human.status).toBe(0);
    expect(human.out).toMatch(/^stopped at step [\d,]+ of [\d,]+: breakpoint `copy`\n {2}in {5}\S+ \(.+\), line \d+: .+\n/);
    expect(human.out).toMatch(/ {2}hit {4}transition [\d,]+: copy 1024 KiB cpu → gpu0/);
  });

  it('says when the breakpoint never hits and summarises the end (0)', () => {
    const end = json(['run', small, '--json']);
    const r = runCli(['run', small, '--until', 'evictChunk']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^breakpoint `evictChunk` never hits; the summary is at the end of the run\n/);
    const j = json(['run', small, '--json', '--until', 'evictChunk']);
    expect(j.until).toEqual({ spec: 'evictChunk', hit: false });
    expect(j.digest).toBe(end.digest);
  });

  it('refuses a malformed breakpoint as bad usage before running', () => {
    const r = runCli(['run', tmp.path('missing.yaml'), '--until', 'cpy']);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^uvmscope: --until "cpy": col 1: unknown transition kind 'cpy'; did you mean copy\?/);
  });
});

describe('run --check-invariants', () => {
  it('checks the invariants at the cursor and reports them', () => {
    const j = json(['run', tmp.path('busy.yaml'), '--json', '--check-invariants']);
    expect(j.invariants).toEqual({ mode: 'end', ok: true, violations: [] });
    expect(runCli(['run', small, '--check-invariants']).out).toMatch(/invariants {2}hold at step \d+/);
  });

  it('checks the every-step invariants after every step with =steps, up to the cursor', () => {
    const j = json(['run', tmp.path('busy.yaml'), '--json', '--check-invariants=steps']);
    expect(j.invariants).toEqual({ mode: 'steps', ok: true, violations: [], steps_checked: j.steps });
    expect(runCli(['run', small, '--check-invariants=steps']).out).toMatch(/invariants {2}hold after each of \d+ steps \(every invariant at the end of each op\)/);
    const until = json(['run', tmp.path('busy.yaml'), '--json', '--check-invariants=steps', '--until', 'copy']);
    expect(until.invariants?.steps_checked).toBe(until.steps);
  });
});

describe('validate', () => {
  it('prints ok with the counts for a good scenario (0)', () => {
    expect(runCli(['validate', small])).toEqual({ status: 0, out: `ok: ${small} (4 steps, 1 region)\n`, err: '' });
  });

  it('prints the located errors for a bad one (1)', () => {
    const r = runCli(['validate', tmp.path('bad.yaml')]);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^${escape(tmp.path('bad.yaml'))}:5:11: `));
  });

  it('does not run the scenario, so what only the engine refuses still validates', () => {
    expect(runCli(['validate', tmp.path('unrunnable.yaml')]).status).toBe(0);
  });

  it('reads a session file as a session (test/cli/session.test.ts has the rest)', () => {
    const r = runCli(['validate', 'saved.uvmsession']);
    expect(r.status).toBe(1);
    expect(r.err).toBe('uvmscope: cannot read saved.uvmsession: no such file or directory\n');
  });
});

describe('files', () => {
  it('writes atomically: replaces the old file and leaves no temporary file, also when the write fails', () => {
    const dir = tmp.path('atomic');
    mkdirSync(dir);
    const file = `${dir}/out.json`;
    writeFileSync(file, 'old');
    writeFileAtomic(file, ['a', 'b', 'c'.repeat(2 << 20)]);
    expect(readFileSync(file, 'utf8')).toBe(`ab${'c'.repeat(2 << 20)}`);
    mkdirSync(`${dir}/taken`);
    expect(() => writeFileAtomic(`${dir}/taken`, ['x'])).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['out.json', 'taken']);
  });

  it('reads UTF-8 text, dropping a BOM, and refuses binary data', () => {
    writeFileSync(tmp.path('bom.yaml'), '\ufeffuvmscope: 1\n');
    expect(readTextFile(tmp.path('bom.yaml'))).toEqual({ ok: true, text: 'uvmscope: 1\n' });
    writeFileSync(tmp.path('bin.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x80]));
    expect(readTextFile(tmp.path('bin.yaml'))).toEqual({ ok: false, message: `cannot read ${tmp.path('bin.yaml')}: it is not UTF-8 text` });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
