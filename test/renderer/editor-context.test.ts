/**
 * The scenario editor's reading of YAML around the cursor (yaml-context.ts), the names a
 * scenario defines (names.ts) and where an engine error's underline goes (diagnostics.ts):
 * pure functions over CodeMirror's Text, in Node.
 */
import { EditorState, type Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { blockPath, cursorContext, mapName, stripComment } from '../../src/renderer/panels/editor/yaml-context';
import { documentNames } from '../../src/renderer/panels/editor/names';
import { diagnosticRange, tokenRange } from '../../src/renderer/panels/editor/diagnostics';

const text = (s: string): Text => EditorState.create({ doc: s }).doc;

/** The context at the `|` in `s`, with entries as a plain object. */
function at(s: string) {
  const pos = s.indexOf('|');
  const doc = text(s.replace('|', ''));
  const c = cursorContext(doc, pos);
  if (!c) return null;
  return { ...c, map: { path: c.map.path.join('.'), entries: Object.fromEntries(c.map.entries) }, word: doc.sliceString(c.from, pos) };
}

const SCENARIO = `uvmscope: 1
machine:
  gpus:
    - { name: gpu0, memory: 80GiB }
    - name: gpu1
      memory: 40GiB
  link: { htod: { latency: 2us, bandwidth: 47.7GB/s }, dtoh: pcie5 }
regions:
  - { name: buf, size: 64MiB }
  - name: table
    kind: file
    size: 1MiB
steps:
  - note: >-
      The CPU fills the buffer.
      op: not a key here
  - { op: cpu.write, region: buf }
  - op: gpu.kernel
    gpu: gpu1
    accesses:
      - { region: buf, op: read }
      - region: table
        op: read
`;

describe('cursorContext', () => {
  it('finds an op at the start of a list item', () => {
    expect(at('steps:\n  - gaia.|')).toMatchObject({ kind: 'key', itemStart: true, flow: false, word: 'gaia.', map: { path: 'steps.[]' } });
    expect(at('steps:\n- gai|')).toMatchObject({ kind: 'key', itemStart: true, map: { path: 'steps.[]' } });
    expect(at('steps:\n  - |')).toMatchObject({ kind: 'key', itemStart: true, word: '' });
  });

  it('reads block maps: keys, values and what the map holds', () => {
    const s = SCENARIO.replace('    gpu: gpu1\n', '    gpu: gpu1\n    fault|\n');
    expect(at(s)).toMatchObject({ kind: 'key', itemStart: false, word: 'fault', map: { path: 'steps.[]', entries: { op: 'gpu.kernel', gpu: 'gpu1', accesses: '' } } });
    expect(at(SCENARIO.replace('    gpu: gpu1', '    gpu: gp|u1'))).toMatchObject({ kind: 'value', key: 'gpu', word: 'gp', map: { path: 'steps.[]' } });
    expect(at(SCENARIO.replace('    kind: file', '    kind: fi|'))).toMatchObject({ kind: 'value', key: 'kind', map: { path: 'regions.[]', entries: { name: 'table', kind: 'fi', size: '1MiB' } } });
    expect(at(SCENARIO.replace('      memory: 40GiB', '      memory: 40GiB\n      ar|'))).toMatchObject({ kind: 'key', map: { path: 'machine.gpus.[]', entries: { name: 'gpu1', memory: '40GiB' } } });
    expect(at(SCENARIO.replace('        op: read', '        op: re|'))).toMatchObject({ kind: 'value', key: 'op', map: { path: 'steps.[].accesses.[]', entries: { region: 'table' } } });
    expect(at(SCENARIO.replace('regions:', 'pol|\nregions:'))).toMatchObject({ kind: 'key', map: { path: '' } });
    expect(at('uvmscope: 1\npolicy:\n  prefetch: d|')).toMatchObject({ kind: 'value', key: 'prefetch', map: { path: 'policy' } });
  });

  it('reads flow maps on the line, nested in lists and maps', () => {
    expect(at('steps:\n  - { op: cpu.read, region: buf, pat| }')).toMatchObject({
      kind: 'key',
      flow: true,
      word: 'pat',
      map: { path: 'steps.[]', entries: { op: 'cpu.read', region: 'buf' } },
    });
    expect(at('steps:\n  - { op: gaia.maq|')).toMatchObject({ kind: 'value', key: 'op', flow: true, word: 'gaia.maq' });
    expect(at('steps:\n  - op: gpu.kernel\n    access: { region: buf, op: r| }')).toMatchObject({ kind: 'value', key: 'op', map: { path: 'steps.[].access', entries: { region: 'buf' } } });
    expect(at('steps:\n  - { op: gpu.kernel, accesses: [{ region: buf }, { reg| }] }')).toMatchObject({ kind: 'key', map: { path: 'steps.[].accesses.[]' } });
    expect(at(SCENARIO.replace('latency: 2us', 'latency: 2us, band|'))).toMatchObject({ kind: 'key', map: { path: 'machine.link.htod' } });
    expect(at(SCENARIO.replace('dtoh: pcie5', 'dtoh: pcie5, dt|'))).toMatchObject({ kind: 'key', map: { path: 'machine.link' } });
    expect(at('machine:\n  gpus: [{ name: g, ar| }]')).toMatchObject({ kind: 'key', map: { path: 'machine.gpus.[]' } });
    expect(at('regions:\n  - { name: f, kind: fi|le, size: 4KiB }')).toMatchObject({ kind: 'value', key: 'kind', word: 'fi', map: { path: 'regions.[]' } });
  });

  it('says nothing in comments, quoted text, prose and lists of numbers', () => {
    expect(at('steps:\n  - { op: cpu.read } # reg|')).toBeNull();
    expect(at('name: "A first to|')).toBeNull();
    expect(at('steps:\n  - note: The CPU wri|')).toBeNull();
    expect(at(SCENARIO.replace('The CPU fills the buffer.', 'The CPU fills the buf|fer.'))).toBeNull();
    expect(at('steps:\n  - { op: cpu.read, pattern: list, pages: [0, 1|] }')).toBeNull();
  });

  it('knows a folded note’s lines are not keys', () => {
    const c = at(SCENARIO.replace('      op: not a key here', '      op: no|t a key here'));
    // the line looks like `key: value`, but it sits inside the note's text: no map the schema knows
    expect(c === null || mapName(c.map.path === '' ? [] : c.map.path.split('.')) === null).toBe(true);
  });
});

describe('blockPath and mapName', () => {
  it('walks up the indentation', () => {
    const doc = text(SCENARIO);
    const line = (needle: string) => doc.lineAt(SCENARIO.indexOf(needle)).number;
    expect(blockPath(doc, line('      memory: 40GiB'), 6)).toEqual(['machine', 'gpus', '[]']);
    expect(blockPath(doc, line('        op: read'), 8)).toEqual(['steps', '[]', 'accesses', '[]']);
    expect(blockPath(doc, line('    kind: file'), 4)).toEqual(['regions', '[]']);
    expect(blockPath(doc, line('regions:'), 0)).toEqual([]);
  });

  it('names the maps of the format', () => {
    expect(mapName([])).toBe('scenario');
    expect(mapName(['steps', '[]'])).toBe('step');
    expect(mapName(['steps', '[]', 'access'])).toBe('access');
    expect(mapName(['steps', '[]', 'accesses', '[]'])).toBe('access');
    expect(mapName(['machine', 'link', 'dtod'])).toBe('copy');
    expect(mapName(['machine', 'gpus', '[]'])).toBe('gpu');
    expect(mapName(['steps', '[]', 'note'])).toBeNull();
  });

  it('strips comments but not a # inside quotes or a word', () => {
    expect(stripComment('a: 1 # one')).toBe('a: 1 ');
    expect(stripComment('a: "x # y"')).toBe('a: "x # y"');
    expect(stripComment('a: b#c')).toBe('a: b#c');
  });
});

describe('documentNames', () => {
  it('finds regions with their kinds and GPUs, in flow and block style', () => {
    expect(documentNames(text(SCENARIO))).toEqual({
      regions: [
        { name: 'buf', kind: 'managed' },
        { name: 'table', kind: 'file' },
      ],
      gpus: ['gpu0', 'gpu1'],
    });
    expect(documentNames(text('machine:\n  gpus: [{ name: a, memory: 2MiB }, { name: "b", memory: 2MiB }] # name: c\nregions: []\n'))).toEqual({ regions: [], gpus: ['a', 'b'] });
    expect(documentNames(text('uvmscope: 1\n'))).toEqual({ regions: [], gpus: [] });
  });

  it('is cached per document', () => {
    const doc = text(SCENARIO);
    expect(documentNames(doc)).toBe(documentNames(doc));
  });
});

describe('where an error is underlined', () => {
  const source = 'regions:\n  - { name: data, size: 16MB }\nsteps:\n  - { op: cpu.write, region: dta }\n  - op: gpu.kernal\n  - { op: note, text: "it\'s here" }\n  - { op: cpu.read, region: data, pages: [0, 1] }\n';
  const doc = text(source);
  const lines = source.split('\n');
  /** The line and column (1-based) of the first `needle` on line `line`. */
  const col = (line: number, needle: string) => lines[line - 1].indexOf(needle) + 1;
  const under = (line: number, column: number) => {
    const r = tokenRange(doc, line, column);
    return doc.sliceString(r.from, r.to);
  };

  it('covers the token at the engine’s line and column', () => {
    expect(under(2, col(2, '16MB'))).toBe('16MB');
    expect(under(4, col(4, 'dta'))).toBe('dta');
    expect(under(5, col(5, 'gpu.kernal'))).toBe('gpu.kernal');
    expect(under(5, col(5, 'op'))).toBe('op');
    expect(under(6, col(6, '"'))).toBe('"it\'s here"');
    expect(under(7, col(7, '['))).toBe('[0, 1]');
    // a map: the whole flow map
    expect(under(2, col(2, '{'))).toBe('{ name: data, size: 16MB }');
  });

  it('clamps what lies outside the text and marks a line end', () => {
    expect(tokenRange(doc, 99, 1)).toEqual({ from: doc.length, to: doc.length });
    const end = tokenRange(doc, 3, 7);
    expect(doc.sliceString(end.from, end.to)).toBe(':');
    // a list item's dash, or its indentation, points at the item's content
    expect(under(4, 1)).toBe('{ op: cpu.write, region: dta }');
    expect(under(5, col(5, '-'))).toBe('op');
  });

  it('maps a protocol diagnostic, or nothing without a location', () => {
    expect(diagnosticRange(doc, { message: 'm' })).toBeNull();
    const r = diagnosticRange(doc, { message: 'm', location: { file: 'x.yaml', line: 4, column: col(4, 'dta') } });
    expect(r && doc.sliceString(r.from, r.to)).toBe('dta');
  });
});
