/** docs/scenario-format.md shows real parser behaviour: its examples are parsed here, so the doc cannot drift. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario, REGION_KINDS, STEP_OPS, STEP_REGION_KIND } from '../../src/engine/scenario';

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

  it('has a complete example with a region of every kind and every op', () => {
    const r = parseScenario(blockAfter('## A complete example', 'yaml'), 'example.yaml');
    if (!r.ok) throw new Error('parse failed');
    expect(new Set(r.scenario.regions.map((g) => g.kind))).toEqual(new Set(REGION_KINDS));
    expect(new Set(r.scenario.steps.map((st) => st.op))).toEqual(new Set(STEP_OPS));
  });

  it('has an example of the file, anonymous and device ops that parses with the machine and regions examples', () => {
    const steps = blockAfter('With the `machine` and `regions` examples above', 'yaml');
    const text = ['uvmscope: 1', blockAfter('## machine', 'yaml'), blockAfter('## regions', 'yaml'), steps].join('\n');
    const r = parseScenario(text, 'snippets.yaml');
    expect(r.ok ? 'ok' : r.errors.map(formatScenarioError)).toBe('ok');
    if (!r.ok) return;
    const ops = new Set(r.scenario.steps.map((st) => st.op));
    for (const op of Object.keys(STEP_REGION_KIND)) expect(ops.has(op as (typeof STEP_OPS)[number]), op).toBe(true);
    expect(ops.has('hmm.evict')).toBe(true);
  });

  it('lists every op in the steps table, and the region kind each op needs in the field table', () => {
    const rows = doc.split('\n').filter((row) => row.startsWith('| `'));
    for (const op of STEP_OPS) expect(rows.some((row) => row.split('|')[1]?.includes(`\`${op}\``)), op).toBe(true);
    const section = doc.slice(doc.indexOf('### Files, anonymous memory and device memory'), doc.indexOf('### Accesses'));
    for (const [op, kind] of Object.entries(STEP_REGION_KIND)) {
      const row = section.split('\n').find((line) => line.startsWith('| ') && line.split('|')[1]?.includes(`\`${op}\``));
      expect(row, op).toContain(`name of ${kind === 'anonymous' ? 'an' : 'a'} ${kind} region`);
    }
  });

  it('quotes the region-limit messages the parser gives', () => {
    const file = parseScenario('uvmscope: 1\nregions:\n  - { name: F, kind: file, size: 1TiB }\n  - { name: G, kind: file, size: 1GiB }\nsteps: []\n', 'x.yaml');
    const device = parseScenario(
      'uvmscope: 1\nregions:\n  - { name: D, kind: device, size: 64GiB }\n  - { name: E, kind: device, size: 32GiB }\nsteps: []\n',
      'x.yaml',
    );
    for (const r of [file, device]) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(doc.replace(/\n/g, ' ')).toContain(`\`${r.errors[0]?.message ?? '?'}\``);
    }
  });

  it('has an `open` example that parses, and quotes the message for a misspelt bookmark', () => {
    const example = blockAfter('### Opening at a bookmark', 'yaml');
    const head = 'uvmscope: 1\nregions: [{ name: F, kind: file, size: 64KiB }]\n';
    const good = parseScenario(head + example, 'open.yaml');
    expect(good.ok ? good.scenario.open : good.errors.map(formatScenarioError)).toBe('cpu-wrote');
    const bad = parseScenario(head + example.replace('open: cpu-wrote', 'open: cpu-wrot'), 'open.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(doc.replace(/\n/g, ' ')).toContain(`\`\`${bad.errors[0]?.message ?? '?'}\`\``);
  });

  it('gives the random pages it promises for seed 1 over 1024 pages', () => {
    const r = parseScenario('uvmscope: 1\nregions: [{ name: A, size: 4MiB }]\nsteps:\n  - { op: cpu.read, region: A, pattern: random, count: 3 }\n', 'x.yaml');
    if (!r.ok) throw new Error('parse failed');
    const step = r.scenario.steps[0];
    expect(step?.op === 'cpu.read' ? [...step.access.pages] : []).toEqual([363, 912, 356]);
    expect(doc).toContain('touches pages 363, 912, 356');
  });
});
