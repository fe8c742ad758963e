/** docs/scenario-format.md shows real parser behaviour: its examples are parsed here, so the doc cannot drift. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario } from '../../src/engine/scenario';

const doc = readFileSync(new URL('../../docs/scenario-format.md', import.meta.url), 'utf8');

/** The fenced block of `lang` that follows the first occurrence of `marker`. */
function blockAfter(marker: string, lang: string): string {
  const start = doc.indexOf(marker);
  if (start < 0) throw new Error(`"${marker}" not in the doc`);
  const open = doc.indexOf('```' + lang + '\n', start);
  const close = doc.indexOf('\n```', open + 4 + lang.length);
  return doc.slice(open + 4 + lang.length, close + 1);
}

describe('docs/scenario-format.md', () => {
  it('has a complete example that parses', () => {
    const r = parseScenario(blockAfter('## A complete example', 'yaml'), 'example.yaml');
    expect(r.ok ? 'ok' : r.errors.map(formatScenarioError)).toBe('ok');
  });

  it('shows exactly the errors the parser gives for its bad.yaml', () => {
    const bad = blockAfter('For this file, `bad.yaml`', 'yaml');
    const expected = blockAfter('the parser reports:', 'text').trim().split('\n');
    const r = parseScenario(bad, 'bad.yaml');
    expect(r.ok ? [] : r.errors.map(formatScenarioError)).toEqual(expected);
  });

  it('has step and machine examples that parse when placed in a scenario', () => {
    const steps = blockAfter('unset-preferred-location`, `unset-accessed-by`. `target`', 'yaml');
    const machine = blockAfter('## machine', 'yaml');
    const regions = blockAfter('## regions', 'yaml');
    const text = ['uvmscope: 1', machine, regions.replace('name: A, size: 64MiB', 'name: A, size: 4MiB'), steps].join('\n');
    const r = parseScenario(text, 'snippets.yaml');
    expect(r.ok ? 'ok' : r.errors.map(formatScenarioError)).toBe('ok');
  });

  it('gives the random pages it promises for seed 1 over 1024 pages', () => {
    const r = parseScenario('uvmscope: 1\nregions: [{ name: A, size: 4MiB }]\nsteps:\n  - { op: cpu.read, region: A, pattern: random, count: 3 }\n', 'x.yaml');
    if (!r.ok) throw new Error('parse failed');
    const step = r.scenario.steps[0];
    expect(step?.op === 'cpu.read' ? [...step.access.pages] : []).toEqual([363, 912, 356]);
    expect(doc).toContain('touches pages 363, 912, 356');
  });
});
