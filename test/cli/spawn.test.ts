/**
 * The real `uvmscope` command (bin/uvmscope.js → out/cli/main.js or the sources through tsx), spawned the way a user
 * runs it. Starting Node costs ~0.1–0.4 s, so the six runs start together in beforeAll and the tests read results.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../src/cli/commands/run.js';
import type { ChromeTrace } from '../../src/engine/run/trace-export.js';
import { BAD, SMALL, tempDir, traceProblems } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDir({ 'small.yaml': SMALL, 'bad.yaml': BAD });
afterAll(() => tmp.dispose());

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function uvmscope(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/uvmscope.js', ...args], { cwd: root, env: { ...process.env, UVMSCOPE_DEBUG: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

let r: Record<'json' | 'again' | 'bad' | 'usage' | 'valid' | 'invalid', Result>;
const traceFile = tmp.path('trace.json');

beforeAll(async () => {
  const [json, again, bad, usage, valid, invalid] = await Promise.all([
    uvmscope('run', tmp.path('small.yaml'), '--json', '--trace', traceFile),
    uvmscope('run', tmp.path('small.yaml'), '--json'),
    uvmscope('run', tmp.path('bad.yaml')),
    uvmscope('run', tmp.path('small.yaml'), '--bogus'),
    uvmscope('validate', tmp.path('small.yaml')),
    uvmscope('validate', tmp.path('bad.yaml')),
  ]);
  r = { json, again, bad, usage, valid, invalid };
}, 60_000);

describe('uvmscope (spawned)', () => {
  it('run --json prints one JSON object with the contract fields, and exits 0', () => {
    expect(r.json.stderr).toBe('');
    expect(r.json.code).toBe(0);
    const out = JSON.parse(r.json.stdout) as RunJson;
    for (const name of ['gpu_faults', 'gpu_fault_batches', 'cpu_faults', 'htod_bytes', 'dtoh_bytes', 'remote_maps', 'thrashing', 'throttling', 'evictions', 'gpu_invalidations'])
      expect(typeof (out.counters as Record<string, unknown>)[name], name).toBe('number');
    expect(typeof out.counters.htod_transfers).toBe('object');
    expect(typeof out.counters.dtoh_transfers).toBe('object');
    for (const name of ['sim_time_ns', 'steps', 'transitions'] as const) expect(Number.isInteger(out[name]), name).toBe(true);
    expect(out.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same digest for the same scenario in another process', () => {
    const { trace, ...first } = JSON.parse(r.json.stdout) as RunJson;
    expect(trace).toMatchObject({ file: traceFile, aggregated: false });
    expect(JSON.parse(r.again.stdout)).toEqual(first);
  });

  it('--trace writes a trace Perfetto can open', () => {
    const trace = JSON.parse(readFileSync(traceFile, 'utf8')) as ChromeTrace;
    expect(trace.traceEvents.length).toBeGreaterThan(10);
    expect(traceProblems(trace.traceEvents)).toEqual([]);
  });

  it('a bad scenario exits 1 with file:line:col and no stack trace', () => {
    expect(r.bad.code).toBe(1);
    expect(r.bad.stdout).toBe('');
    expect(r.bad.stderr.startsWith(`${tmp.path('bad.yaml')}:5:11: unknown op`)).toBe(true);
    expect(r.bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad usage exits 2 naming the option', () => {
    expect(r.usage.code).toBe(2);
    expect(r.usage.stderr).toMatch(/^uvmscope: unknown option "--bogus" for run\n/);
  });

  it('validate exits 0 for a good scenario and 1 for a bad one', () => {
    expect(r.valid).toEqual({ code: 0, stdout: `ok: ${tmp.path('small.yaml')} (4 steps, 1 region)\n`, stderr: '' });
    expect(r.invalid.code).toBe(1);
    expect(r.invalid.stderr).toContain(`${tmp.path('bad.yaml')}:5:11:`);
  });
});
