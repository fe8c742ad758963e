/**
 * Properties that hold for any input: parseScenario returns (never throws), its errors are located inside the
 * text, a success is internally consistent, and the same text gives the same answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { MAX_REGION_TOTAL, parseScenario, PAGE_SIZE, REGION_KINDS, STEP_OPS, STEP_REGION_KIND, type ParseResult, type Scenario } from '../../src/engine/scenario';

const VALID = `uvmscope: 1
name: fuzz
machine:
  gpus:
    - { name: gpu0, memory: 8GiB, arch: hopper }
    - { name: gpu1, memory: 4GiB, arch: ampere, faultWindowPages: 32 }
  cpu: { memory: 64GiB }
  link: { htod: { latency: 2.67us, bandwidth: 47.7GB/s }, dtoh: { latency: 1560, bandwidth: 54.5 } }
  costs: { faultBatchNs: 20us }
policy: { prefetch: density, prefetchThreshold: 51, thrashing: on, driver: 595 }
regions:
  - { name: A, size: 4MiB }
  - { name: F, kind: file, size: 64KiB }
  - { name: N, kind: anonymous, size: 1MiB }
  - { name: D, kind: device, size: 2MiB, gpu: gpu1 }
  - { name: E, kind: device, size: 64KiB }
steps:
  - note: start
  - { op: cpu.write, region: A, length: 1MiB }
  - op: gpu.kernel
    gpu: gpu1
    accesses:
      - { region: A, op: read, pattern: strided, stride: 64KiB, span: 8KiB }
      - { region: A, op: atomic, pattern: random, count: 16, seed: 3 }
      - { region: F, op: write, pattern: list, pages: [0, 3, 15] }
  - { op: uvm.prefetch, region: A, to: cpu, offset: 1MiB, length: 1MiB }
  - { op: uvm.advise, region: A, advice: accessed-by, target: gpu0 }
  - { op: cpu.mmap, region: F }
  - { op: cpu.write, region: F, length: 8KiB }
  - { op: cpu.msync, region: F, offset: 4KiB, length: 4KiB }
  - { op: gaia.map, region: F, gpu: gpu1 }
  - { op: gaia.maquire, region: F, length: 16KiB, gpu: gpu1 }
  - { op: gaia.mrelease, region: F, offset: 0, length: 16KiB, gpu: gpu1 }
  - { op: gaia.inject, region: F, fault: no-private-data, length: 4KiB }
  - { op: uvm.open, process: 2 }
  - { op: cpu.read, region: A, process: 2, length: 8KiB }
  - { op: cpu.munmap, region: F }
  - { op: hmm.migrate, region: N, to: gpu0, offset: 64KiB, length: 512KiB }
  - { op: hmm.evict, gpu: gpu0, chunk: 2 }
  - { op: hmm.migrate, region: N, to: cpu }
  - { op: gdr.pin, region: D }
  - { op: gdr.map, region: D }
  - { op: gdr.copy, region: D, direction: to-gpu, length: 4KiB }
  - { op: gdr.copy, region: D, direction: from-gpu, offset: 1MiB }
  - { op: gdr.unpin, region: D }
  - ask: { predict: moves, through: end, prompt: Which pages move? }
  - { op: cpu.read, region: E, pattern: random, count: 4 }
  - op: gpu.kernel
    accesses:
      - { region: N, op: read, pattern: list, pages: [0, 255] }
      - { region: E, op: write }
  - bookmark: end
`;

/** Tokens that YAML and our format give meaning to, so random text reaches deeper than the tokenizer. */
const TOKENS = [
  'uvmscope', 'regions', 'steps', 'machine', 'policy', 'op', 'gpu.kernel', 'cpu.read', 'region', 'access', 'accesses',
  'pages', 'pattern', 'random', 'strided', 'list', 'size', 'name', 'A', 'F', '4MiB', '1e400', '-1', '0x10', '__proto__',
  ':', ': ', '- ', '\n', '\n  ', '\n    ', '[', ']', '{', '}', ',', '&a ', '*a', '!!str ', '? ', '|', '>', '"', "'", '#',
  '---', '...', '~', 'null', 'true', '1', '4096', '2MiB', 'note', 'bookmark', 'ask', 'predict', 'moves', 'through', '\t', '%YAML 1.2', '<<', '\u00b5s',
  'kind', 'file', 'anonymous', 'device', 'managed', 'gpu', 'gpu0', 'gpu1', 'cpu', 'N', 'D', 'E', 'offset', 'length', 'to',
  'chunk', 'direction', 'to-gpu', 'from-gpu', 'cpu.mmap', 'cpu.munmap', 'cpu.msync', 'gaia.map', 'gaia.maquire',
  'gaia.mrelease', 'hmm.migrate', 'hmm.evict', 'gdr.pin', 'gdr.map', 'gdr.copy', 'gdr.unpin', '1TiB', '4294967296',
  'uvm.open', 'process', 'gaia.inject', 'fault', 'no-cpu-page', 'no-callback',
];

/** What every successful parse promises: references resolve, pages and ranges lie in their regions, kinds fit. */
function checkScenario(s: Scenario): void {
  const gpus = s.machine.gpus.length;
  const totals = new Map<string, number>();
  for (const region of s.regions) {
    expect(REGION_KINDS).toContain(region.kind);
    expect(region.size % PAGE_SIZE).toBe(0);
    totals.set(region.kind, (totals.get(region.kind) ?? 0) + region.size);
    if (region.kind === 'device') {
      expect(region.gpu).toBeGreaterThanOrEqual(1);
      expect(region.gpu).toBeLessThanOrEqual(gpus);
    } else {
      expect(region.gpu).toBeNull();
    }
  }
  for (const [kind, total] of totals) expect(total).toBeLessThanOrEqual(MAX_REGION_TOTAL[kind as keyof typeof MAX_REGION_TOTAL]);
  for (const step of s.steps) {
    const accesses = step.op === 'gpu.kernel' ? step.accesses : step.op === 'cpu.read' || step.op === 'cpu.write' ? [step.access] : [];
    for (const a of accesses) {
      const region = s.regions[a.region];
      expect(region).toBeDefined();
      const limit = (region?.size ?? 0) / PAGE_SIZE;
      for (const p of a.pages) expect(p).toBeLessThan(limit);
    }
    if ('region' in step) {
      const region = s.regions[step.region];
      expect(region).toBeDefined();
      const kind = STEP_REGION_KIND[step.op];
      if (kind) expect(region?.kind).toBe(kind);
      if ('offset' in step) {
        expect(step.offset).toBeGreaterThanOrEqual(0);
        expect(step.length).toBeGreaterThanOrEqual(1);
        expect(step.offset + step.length).toBeLessThanOrEqual(region?.size ?? 0);
      }
    }
    if (step.op === 'gaia.map' || step.op === 'gaia.maquire' || step.op === 'gaia.mrelease' || step.op === 'hmm.evict') {
      expect(step.gpu).toBeGreaterThanOrEqual(1);
      expect(step.gpu).toBeLessThanOrEqual(gpus);
    }
    if (step.op === 'hmm.migrate') expect(step.to).toBeLessThanOrEqual(gpus);
    if (step.op === 'hmm.evict') expect(Number.isInteger(step.chunk) && step.chunk >= 0).toBe(true);
  }
}

function checkResult(text: string, r: ParseResult): void {
  if (r.ok) {
    checkScenario(r.scenario);
    return;
  }
  expect(r.errors.length).toBeGreaterThan(0);
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const e of r.errors) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lineCount + 1);
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
}

function parses(text: string): void {
  let r: ParseResult | undefined;
  expect(() => {
    r = parseScenario(text, 'fuzz.yaml');
  }).not.toThrow();
  if (r) checkResult(text, r);
}

const mutation = fc.oneof(
  // delete a slice
  fc.tuple(fc.constant('delete' as const), fc.nat(), fc.integer({ min: 1, max: 8 }), fc.constant('')),
  // insert a token or random text
  fc.tuple(fc.constant('insert' as const), fc.nat(), fc.constant(0), fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 }))),
  // replace a slice
  fc.tuple(fc.constant('replace' as const), fc.nat(), fc.integer({ min: 1, max: 6 }), fc.constantFrom(...TOKENS)),
);

function mutate(text: string, edits: [string, number, number, string][]): string {
  let out = text;
  for (const [, at, length, insert] of edits) {
    const i = at % (out.length + 1);
    out = out.slice(0, i) + insert + out.slice(i + length);
  }
  return out;
}

// Hundreds of parses per property: generous timeouts, so a busy machine does not fail them.
describe('parseScenario on any input', { timeout: 60_000 }, () => {
  it('parses the fuzzing seed document, which uses every op and every kind of region', () => {
    const r = parseScenario(VALID, 'fuzz.yaml');
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    checkScenario(r.scenario);
    expect(new Set(r.scenario.steps.map((st) => st.op)).size).toBe(STEP_OPS.length);
    expect(new Set(r.scenario.regions.map((g) => g.kind))).toEqual(new Set(REGION_KINDS));
  });

  it('never throws on arbitrary strings, and locates every error inside the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), parses), { numRuns: 300 });
  });

  it('never throws on strings made of YAML and scenario tokens', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), (parts) => parses(parts.join(''))), { numRuns: 300 });
  });

  it('never throws on textual mutations of a valid document', () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (edits) => parses(mutate(VALID, edits))), { numRuns: 500 });
  });

  it('never throws when any value of a valid document is replaced by an arbitrary one', () => {
    const base = parseYaml(VALID) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(base, []);
    const value = fc.oneof(
      fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: false }),
      fc.constantFrom(0, -1, 2 ** 53, Infinity, Number.NaN, '', '4MiB', '1e3KiB', 'cpu', 'gpu0', 'A', [], {}),
    );
    fc.assert(
      fc.property(fc.nat(paths.length - 1), value, (pick, replacement) => {
        const doc = structuredClone(base) as Record<string, unknown>;
        const path = paths[pick] ?? [];
        if (path.length === 0) return;
        let parent: unknown = doc;
        for (const seg of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[seg];
        (parent as Record<string | number, unknown>)[path[path.length - 1] as string | number] = replacement;
        let text: string;
        try {
          text = stringify(doc);
        } catch {
          return; // a value yaml cannot write (such as a symbol) is no test of the parser
        }
        parses(text);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result for the same text', () => {
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 3 }), (edits) => {
        const text = mutate(VALID, edits);
        const show = (r: ParseResult) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint32Array ? [...v] : v));
        expect(show(parseScenario(text, 'a.yaml'))).toBe(show(parseScenario(text, 'a.yaml')));
      }),
      { numRuns: 100 },
    );
  });
});
