/**
 * The scenario editor's completion source against the real format (the host's schema view):
 * ops after `- `, an op's keys and a key's values, the scenario's own regions (narrowed to
 * the kind an op needs) and GPUs. Driven through CodeMirror's CompletionContext in Node.
 */
import { CompletionContext, type Completion, type CompletionResult } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { opSnippet, scenarioCompletion, type CompletionTexts } from '../../src/renderer/panels/editor/completion';
import { scenarioSchema } from '../../src/hosts/views/schema';
import type { SchemaResult } from '../../src/protocol';

const schema = scenarioSchema();
const texts: CompletionTexts = {
  kind: (kind) => kind,
  required: 'required',
  opFields: (op) => op.fields.map((f) => f.name).join(', '),
  regionKind: (kind) => `${kind} region`,
  processor: 'the CPU',
  defaultGpu: 'the default GPU',
};

const HEAD = `uvmscope: 1
machine:
  gpus: [{ name: gpu0, memory: 80GiB }, { name: gpu1, memory: 80GiB }]
regions:
  - { name: buf, size: 64MiB }
  - { name: table, kind: file, size: 1MiB }
  - { name: heap, kind: anonymous, size: 1MiB }
steps:
`;

/** The completion at `|` (explicit: as Ctrl+Space asks; otherwise as typing does). */
function complete(s: string, explicit = false, from: () => SchemaResult | null = () => schema): { result: CompletionResult | null; labels: string[]; typed: string } {
  const pos = s.indexOf('|');
  const state = EditorState.create({ doc: s.replace('|', '') });
  const result = scenarioCompletion(from, () => texts)(new CompletionContext(state, pos, explicit)) as CompletionResult | null;
  return { result, labels: result ? result.options.map((o) => o.label) : [], typed: result ? state.sliceDoc(result.from, pos) : '' };
}

const option = (r: CompletionResult | null, label: string): Completion | undefined => r?.options.find((o) => o.label === label);

describe('completing a scenario', () => {
  it('offers ops at a new list item, gaia.maquire after `- gaia.`', () => {
    const { result, labels, typed } = complete(`${HEAD}  - gaia.|`);
    expect(typed).toBe('gaia.');
    expect(labels).toEqual(expect.arrayContaining(['gaia.map', 'gaia.maquire', 'gaia.mrelease', 'gpu.kernel', 'note', 'op']));
    // picked, an op writes itself as a step with its required fields to fill in
    expect(option(result, 'gaia.maquire')?.detail).toBe('region, offset, length, gpu');
    expect(opSnippet(schema, schema.ops.find((o) => o.op === 'gaia.maquire')!)).toBe('op: gaia.maquire, region: ${region}');
    expect(opSnippet(schema, schema.ops.find((o) => o.op === 'gpu.kernel')!)).toBe('op: gpu.kernel, access: { region: ${region}, op: ${op} }');
    expect(opSnippet(schema, schema.ops.find((o) => o.op === 'note')!)).toBe('note: ${text}');
    expect(opSnippet(schema, schema.ops.find((o) => o.op === 'uvm.advise')!)).toBe('op: uvm.advise, region: ${region}, advice: ${advice}');
  });

  it('offers op names as the value of `op`', () => {
    const { labels } = complete(`${HEAD}  - { op: hmm.| }`);
    expect(labels).toEqual([...schema.ops.map((o) => o.op)]);
    expect(complete(`${HEAD}  - op: cpu.w|`).labels).toContain('cpu.write');
  });

  it('offers the keys an op takes that are not there yet, required first', () => {
    const { result, labels } = complete(`${HEAD}  - { op: uvm.advise, region: buf, a| }`);
    expect(labels).toEqual(['advice', 'target']);
    expect(option(result, 'advice')).toMatchObject({ apply: 'advice: ', boost: 1 });
    expect(option(result, 'advice')?.detail).toMatch(/^required · /);
    // a block map
    expect(complete(`${HEAD}  - op: gpu.kernel\n    gpu: gpu0\n    a|`).labels).toEqual(['access', 'accesses', 'faultWindowPages']);
    // an access inside a kernel
    expect(complete(`${HEAD}  - { op: gpu.kernel, access: { region: buf, p| } }`).labels).toEqual(expect.arrayContaining(['pattern', 'pages', 'offset', 'op']));
    expect(complete(`${HEAD}  - { op: gpu.kernel, access: { region: buf, p| } }`).labels).not.toContain('region');
  });

  it('offers the words of an enum', () => {
    expect(complete(`${HEAD}  - { op: cpu.read, region: buf, pattern: s| }`).labels).toEqual(['sequential', 'strided', 'random', 'list']);
    expect(complete(`${HEAD}  - { op: uvm.advise, region: buf, advice: r| }`).labels).toContain('read-mostly');
    expect(complete(`${HEAD}  - { op: gpu.kernel, access: { region: buf, op: a| } }`).labels).toEqual(['read', 'write', 'atomic']);
    expect(complete('uvmscope: 1\nmachine:\n  link: n|').labels).toEqual(['pcie4', 'pcie5', 'nvlink-c2c']);
    expect(complete('uvmscope: 1\npolicy: { prefetch: d| }').labels).toEqual(['off', 'density', 'correlation']);
    expect(complete('uvmscope: 1\nregions:\n  - { name: x, kind: f| }').labels).toEqual(['managed', 'file', 'anonymous', 'device']);
  });

  it('offers the scenario’s regions, narrowed to the kind an op needs, and its GPUs', () => {
    expect(complete(`${HEAD}  - { op: cpu.read, region: | }`, true).labels).toEqual(['buf', 'table', 'heap']);
    const file = complete(`${HEAD}  - { op: gaia.maquire, region: | }`, true);
    expect(file.labels).toEqual(['table']);
    expect(option(file.result, 'table')?.detail).toBe('file region');
    expect(complete(`${HEAD}  - { op: hmm.migrate, region: | }`, true).labels).toEqual(['heap']);
    expect(complete(`${HEAD}  - { op: gaia.map, region: table, gpu: g| }`).labels).toEqual(['gpu0', 'gpu1']);
    expect(complete(`${HEAD}  - { op: uvm.prefetch, region: buf, to: | }`, true).labels).toEqual(['cpu', 'gpu0', 'gpu1']);
    // a scenario that names no GPU has the default one
    const bare = complete('uvmscope: 1\nregions: []\nsteps:\n  - { op: hmm.evict, gpu: | }', true);
    expect(bare.labels).toEqual(['gpu0']);
    expect(option(bare.result, 'gpu0')?.detail).toBe('the default GPU');
  });

  it('waits for a first character unless asked, and has nothing without the schema', () => {
    expect(complete(`${HEAD}  - { op: cpu.read, region: | }`).result).toBeNull();
    expect(complete(`${HEAD}  - gaia.|`, false, () => null).result).toBeNull();
    expect(complete(`${HEAD}  - note: some text|`).result).toBeNull();
    expect(complete(`${HEAD}  - { op: cpu.read, size: | }`, true).result).toBeNull();
  });

  it('keeps its list while the word goes on (dots and dashes included)', () => {
    const { result } = complete(`${HEAD}  - gaia.|`);
    expect(result?.validFor instanceof RegExp && result.validFor.test('gaia.mrelease')).toBe(true);
    expect(result?.validFor instanceof RegExp && result.validFor.test('nvlink-c2c')).toBe(true);
  });
});
