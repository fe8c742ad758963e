/** Shared helpers for the scenario parser's tests. */
import { expect } from 'vitest';
import { formatScenarioError, parseScenario, type Scenario, type ScenarioError } from '../../src/engine/scenario';

/** Joins lines so that a test's YAML keeps exact line numbers and indentation. */
export function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}

/** The smallest valid scenario, with `extra` lines appended (indented as given). */
export function minimal(...extra: string[]): string {
  return lines('uvmscope: 1', 'regions:', '  - { name: A, size: 4MiB }', 'steps: []', ...extra);
}

/** A scenario with one region A (4 MiB) and F (64 KiB, file) and the given step lines after `steps:` (line 5 on). */
export function withSteps(...stepLines: string[]): string {
  return lines('uvmscope: 1', 'regions:', '  - { name: A, size: 4MiB }', '  - { name: F, kind: file, size: 64KiB }', 'steps:', ...stepLines);
}

/**
 * Two GPUs (g0 with 8 GiB, g1) and one region of each kind, then the given step lines after `steps:` (line 9 on):
 * A managed 4 MiB, F file 64 KiB, N anonymous 1 MiB, D device 2 MiB on g1.
 */
export function allKinds(...stepLines: string[]): string {
  return lines(
    'uvmscope: 1',
    'machine: { gpus: [{ name: g0, memory: 8GiB }, { name: g1, memory: 8GiB }] }',
    'regions:',
    '  - { name: A, size: 4MiB }',
    '  - { name: F, kind: file, size: 64KiB }',
    '  - { name: N, kind: anonymous, size: 1MiB }',
    '  - { name: D, kind: device, size: 2MiB, gpu: g1 }',
    'steps:',
    ...stepLines,
  );
}

/** Line and column (1-based) of the first `token` on line `line` of `text`: positions are found, not counted by hand. */
export function at(text: string, line: number, token: string, occurrence = 1): [number, number] {
  const row = text.split('\n')[line - 1] ?? '';
  let col = -1;
  for (let i = 0; i < occurrence; i++) col = row.indexOf(token, col + 1);
  if (col < 0) throw new Error(`"${token}" not on line ${line}: ${row}`);
  return [line, col + 1];
}

export function parseOk(text: string, source = 'test.yaml'): Scenario {
  const r = parseScenario(text, source);
  if (!r.ok) throw new Error(`expected success, got:\n${r.errors.map(formatScenarioError).join('\n')}`);
  return r.scenario;
}

export function parseErrors(text: string, source = 'test.yaml'): ScenarioError[] {
  const r = parseScenario(text, source);
  if (r.ok) throw new Error('expected errors, got a scenario');
  return r.errors;
}

/** Formatted messages, for asserting file:line:col and text together. */
export function messages(text: string, source = 'test.yaml'): string[] {
  return parseErrors(text, source).map(formatScenarioError);
}

/** Asserts exactly one error at line:col whose message contains every fragment. */
export function expectOneError(text: string, line: number, col: number, ...fragments: string[]): ScenarioError {
  const errors = parseErrors(text);
  expect(errors.map(formatScenarioError), 'exactly one error').toHaveLength(1);
  const [e] = errors;
  if (!e) throw new Error('unreachable');
  expect({ line: e.line, col: e.col }).toEqual({ line, col });
  for (const f of fragments) expect(e.message).toContain(f);
  return e;
}

export function pages(a: Uint32Array): number[] {
  return Array.from(a);
}
