/**
 * The page-cache, GAIA, HMM and gdrcopy side of the format: region kinds, device regions' GPUs, and the ops that
 * need one kind of region (cpu.mmap … gdr.unpin). Normalised forms, defaults and every class of error, located.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CHUNK_INDEX, STEP_OPS, STEP_REGION_KIND, type StepSpec } from '../../src/engine/scenario';
import { allKinds, at, expectOneError, lines, messages, pages, parseErrors, parseOk } from './helpers';

const KiB = 1024;
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const TiB = 2 ** 40;

/** The steps of a scenario made by allKinds, without their locations (the tests that care check loc apart). */
function stepsOf(...stepLines: string[]): unknown[] {
  return parseOk(allKinds(...stepLines)).steps.map((s) => {
    const { loc: _loc, ...rest } = s;
    return rest;
  });
}

function oneStep(line: string): StepSpec {
  const [s] = parseOk(allKinds(line)).steps;
  if (!s) throw new Error('no step');
  return s;
}

describe('regions of every kind', () => {
  it('puts a device region on the first GPU by default, on the named GPU otherwise, and gives other kinds no GPU', () => {
    const s = parseOk(
      lines(
        'uvmscope: 1',
        'machine: { gpus: [{ name: g0, memory: 8GiB }, { name: g1, memory: 8GiB }] }',
        'regions:',
        '  - { name: A, size: 4KiB }',
        '  - { name: F, kind: file, size: 4KiB }',
        '  - { name: N, kind: anonymous, size: 4KiB }',
        '  - { name: D0, kind: device, size: 4KiB }',
        '  - { name: D1, kind: device, size: 4KiB, gpu: g1 }',
        '  - { name: D2, kind: device, size: 4KiB, gpu: g0 }',
        'steps: []',
      ),
    );
    expect(s.regions.map((r) => [r.name, r.kind, r.gpu])).toEqual([
      ['A', 'managed', null],
      ['F', 'file', null],
      ['N', 'anonymous', null],
      ['D0', 'device', 1],
      ['D1', 'device', 2],
      ['D2', 'device', 1],
    ]);
  });

  it('refuses `gpu` on a region that is not a device region, at the key, saying how to make it one', () => {
    const text = lines('uvmscope: 1', 'regions:', '  - { name: A, size: 4KiB, gpu: gpu0 }', '  - { name: F, kind: file, size: 4KiB, gpu: gpu0 }', 'steps: []');
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 3, 'gpu').join(':')}: \`gpu\` is only for device regions (the GPU whose memory it is); "A" is managed (the default kind): write \`kind: device\` for memory from cudaMalloc`,
      `test.yaml:${at(text, 4, 'gpu').join(':')}: \`gpu\` is only for device regions (the GPU whose memory it is); "F" is file: write \`kind: device\` for memory from cudaMalloc`,
    ]);
    expect(parseErrors(text).map((e) => e.path)).toEqual(['regions[0].gpu', 'regions[1].gpu']);
  });

  it('reports a device region on an unknown GPU with the closest name, on cpu, or with a GPU that is not a name', () => {
    const text = lines(
      'uvmscope: 1',
      'regions:',
      '  - { name: D, kind: device, size: 4KiB, gpu: gpu1 }',
      '  - { name: E, kind: device, size: 4KiB, gpu: cpu }',
      '  - { name: G, kind: device, size: 4KiB, gpu: 0 }',
      'steps: []',
    );
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 3, 'gpu1').join(':')}: processor "gpu1" is not defined (GPUs: gpu0); did you mean \`gpu0\`?`,
      `test.yaml:${at(text, 4, 'cpu').join(':')}: \`cpu\` is not a GPU; device memory is on one of: gpu0`,
      `test.yaml:${at(text, 5, '0 }').join(':')}: expected a string, got the number 0 (put it in quotes)`,
    ]);
  });

  it('does not judge `gpu` when the kind itself is bad', () => {
    const text = lines('uvmscope: 1', 'regions:', '  - { name: D, kind: devise, size: 4KiB, gpu: gpu0 }', 'steps: []');
    expectOneError(text, ...at(text, 3, 'devise'), 'expected managed, file, anonymous or device, got "devise"; did you mean `device`?');
  });

  it('accepts up to 1 TiB of each kind, the kinds counted apart', () => {
    const s = parseOk(
      lines(
        'uvmscope: 1',
        'machine: { gpus: [{ name: big, memory: 2TiB }] }',
        'regions:',
        '  - { name: A, size: 1TiB }',
        '  - { name: F, kind: file, size: 512GiB }',
        '  - { name: G, kind: file, size: 512GiB }',
        '  - { name: N, kind: anonymous, size: 1TiB }',
        '  - { name: D, kind: device, size: 1TiB }',
        'steps: []',
      ),
    );
    expect(s.regions.map((r) => r.size)).toEqual([TiB, 512 * GiB, 512 * GiB, TiB, TiB]);
  });

  it.each([
    ['file', 'the model keeps page-cache state for every page of every file'],
    ['anonymous', 'the model keeps state for every anonymous page'],
    ['device', 'the model keeps state for every page of device memory'],
  ])('refuses %s regions that add up to more than 1 TiB, once, at the region that crosses the limit', (kind, why) => {
    const text = lines(
      'uvmscope: 1',
      'machine: { gpus: [{ name: big, memory: 4TiB }] }',
      'regions:',
      `  - { name: R1, kind: ${kind}, size: 1TiB }`,
      `  - { name: R2, kind: ${kind}, size: 4KiB }`,
      `  - { name: R3, kind: ${kind}, size: 4KiB }`,
      'steps: []',
    );
    const e = expectOneError(text, ...at(text, 5, '4KiB'), `${kind} regions add up to more than 1TiB with this one`, why);
    expect(e.path).toBe('regions[1].size');
  });

  it("refuses device regions that add up to more than their GPU's memory, counting each GPU apart", () => {
    const text = lines(
      'uvmscope: 1',
      'machine: { gpus: [{ name: g0, memory: 8GiB }, { name: g1, memory: 4GiB }] }',
      'regions:',
      '  - { name: D0, kind: device, size: 6GiB }',
      '  - { name: D1, kind: device, size: 4GiB, gpu: g1 }',
      '  - { name: D2, kind: device, size: 2GiB, gpu: g0 }',
      '  - { name: D3, kind: device, size: 4KiB, gpu: g0 }',
      '  - { name: D4, kind: device, size: 4KiB, gpu: g0 }',
      'steps: []',
    );
    expectOneError(text, ...at(text, 7, '4KiB'), 'device regions on g0 add up to more than its memory (8GiB) with this one (8388612KiB so far); cudaMalloc could not allocate them');
  });

  it('lets a device region fill its GPU exactly', () => {
    const s = parseOk(lines('uvmscope: 1', 'machine: { gpus: [{ name: g0, memory: 2MiB }] }', 'regions: [{ name: D, kind: device, size: 2MiB }]', 'steps: []'));
    expect(s.regions[0]).toMatchObject({ kind: 'device', size: 2 * MiB, gpu: 1 });
  });
});

describe('accesses on every kind of region', () => {
  it('reads cpu.read, cpu.write and gpu.kernel accesses of file, anonymous and device regions', () => {
    const s = parseOk(
      allKinds(
        '  - { op: cpu.read, region: F, length: 8KiB }',
        '  - { op: cpu.write, region: N, offset: 4KiB, length: 4KiB }',
        '  - { op: cpu.read, region: D, pattern: list, pages: [511] }',
        '  - op: gpu.kernel',
        '    gpu: g1',
        '    accesses:',
        '      - { region: D, op: write, length: 4KiB }',
        '      - { region: N, op: read, pattern: list, pages: [0] }',
        '      - { region: F, op: atomic, pattern: list, pages: [15] }',
      ),
    );
    const touched = s.steps.flatMap((st) =>
      st.op === 'gpu.kernel' ? st.accesses.map((a) => [a.region, a.op, pages(a.pages)]) : st.op === 'cpu.read' || st.op === 'cpu.write' ? [[st.access.region, st.access.op, pages(st.access.pages)]] : [],
    );
    expect(touched).toEqual([
      [1, 'read', [0, 1]],
      [2, 'write', [1]],
      [3, 'read', [511]],
      [3, 'write', [0]],
      [2, 'read', [0]],
      [1, 'atomic', [15]],
    ]);
  });
});

describe('the normalised form of each op', () => {
  it('reads cpu.mmap, cpu.munmap and the gdr ops as a region index, with the step\'s place', () => {
    const s = parseOk(
      allKinds(
        '  - { op: cpu.mmap, region: F }',
        '  - { op: gdr.pin, region: D }',
        '  - { op: gdr.map, region: D }',
        '  - { op: gdr.unpin, region: D }',
        '  - op: cpu.munmap',
        '    region: F',
      ),
    );
    expect(s.steps).toEqual([
      { op: 'cpu.mmap', region: 1, loc: { line: 9, col: 5 } },
      { op: 'gdr.pin', region: 3, process: 1, loc: { line: 10, col: 5 } },
      { op: 'gdr.map', region: 3, process: 1, loc: { line: 11, col: 5 } },
      { op: 'gdr.unpin', region: 3, process: 1, loc: { line: 12, col: 5 } },
      { op: 'cpu.munmap', region: 1, loc: { line: 13, col: 5 } },
    ]);
  });

  it('reads cpu.msync over the whole region by default, or the range given', () => {
    expect(stepsOf('  - { op: cpu.msync, region: F }', '  - { op: cpu.msync, region: F, offset: 8KiB }', '  - { op: cpu.msync, region: F, offset: 4KiB, length: 4KiB }')).toEqual([
      { op: 'cpu.msync', region: 1, offset: 0, length: 64 * KiB },
      { op: 'cpu.msync', region: 1, offset: 8 * KiB, length: 56 * KiB },
      { op: 'cpu.msync', region: 1, offset: 4 * KiB, length: 4 * KiB },
    ]);
  });

  it('reads gaia.map for the first GPU by default, or the GPU named', () => {
    expect(stepsOf('  - { op: gaia.map, region: F }', '  - { op: gaia.map, region: F, gpu: g1 }')).toEqual([
      { op: 'gaia.map', region: 1, gpu: 1 },
      { op: 'gaia.map', region: 1, gpu: 2 },
    ]);
  });

  it('reads gaia.maquire and gaia.mrelease with the whole region and the first GPU by default', () => {
    expect(
      stepsOf(
        '  - { op: gaia.maquire, region: F }',
        '  - { op: gaia.mrelease, region: F }',
        '  - { op: gaia.maquire, region: F, offset: 16KiB, length: 8KiB, gpu: g1 }',
        '  - { op: gaia.mrelease, region: F, length: 1, gpu: g0 }',
      ),
    ).toEqual([
      { op: 'gaia.maquire', region: 1, offset: 0, length: 64 * KiB, gpu: 1 },
      { op: 'gaia.mrelease', region: 1, offset: 0, length: 64 * KiB, gpu: 1 },
      { op: 'gaia.maquire', region: 1, offset: 16 * KiB, length: 8 * KiB, gpu: 2 },
      { op: 'gaia.mrelease', region: 1, offset: 0, length: 1, gpu: 1 },
    ]);
  });

  it('reads hmm.migrate to a GPU or to the CPU, over the whole region by default', () => {
    expect(stepsOf('  - { op: hmm.migrate, region: N, to: g1 }', '  - { op: hmm.migrate, region: N, to: cpu, offset: 512KiB, length: 4KiB }')).toEqual([
      { op: 'hmm.migrate', region: 2, to: 2, offset: 0, length: MiB },
      { op: 'hmm.migrate', region: 2, to: 0, offset: 512 * KiB, length: 4 * KiB },
    ]);
  });

  it('reads hmm.evict on the first GPU by default, chunk 0 and the largest chunk index included', () => {
    expect(stepsOf('  - { op: hmm.evict, chunk: 0 }', `  - { op: hmm.evict, gpu: g1, chunk: ${MAX_CHUNK_INDEX} }`)).toEqual([
      { op: 'hmm.evict', gpu: 1, chunk: 0 },
      { op: 'hmm.evict', gpu: 2, chunk: MAX_CHUNK_INDEX },
    ]);
  });

  it('reads gdr.copy in both directions, over the whole region by default', () => {
    expect(stepsOf('  - { op: gdr.copy, region: D, direction: to-gpu }', '  - { op: gdr.copy, region: D, direction: from-gpu, offset: 1MiB, length: 100 }')).toEqual([
      { op: 'gdr.copy', region: 3, direction: 'to-gpu', offset: 0, length: 2 * MiB, process: 1 },
      { op: 'gdr.copy', region: 3, direction: 'from-gpu', offset: MiB, length: 100, process: 1 },
    ]);
  });

  it('runs a gdr op in the process it names, 1 or 2, and refuses a third', () => {
    expect(stepsOf('  - { op: gdr.pin, region: D, process: 2 }')).toEqual([{ op: 'gdr.pin', region: 3, process: 2 }]);
    expect(messages(allKinds('  - { op: gdr.copy, region: D, direction: to-gpu, process: 3 }')).join('\n')).toMatch(/^test\.yaml:9:\d+: must be at most 2, got the number 3/);
  });

  it('follows anchors in the new ops as in the others', () => {
    const s = parseOk(allKinds('  - &sync { op: cpu.msync, region: F, length: 4KiB }', '  - *sync'));
    expect(s.steps.map((st) => st.op)).toEqual(['cpu.msync', 'cpu.msync']);
  });

  it('lists every op in STEP_OPS, and the kind of region each new op needs', () => {
    expect(STEP_OPS).toEqual([
      'gpu.kernel', 'cpu.read', 'cpu.write', 'uvm.prefetch', 'uvm.advise', 'uvm.open', 'cpu.mmap', 'cpu.munmap', 'cpu.msync', 'gaia.map',
      'gaia.maquire', 'gaia.mrelease', 'gaia.inject', 'hmm.migrate', 'hmm.evict', 'gdr.pin', 'gdr.map', 'gdr.copy', 'gdr.unpin', 'note',
      'bookmark', 'ask',
    ]);
    expect(STEP_REGION_KIND).toEqual({
      'cpu.mmap': 'file', 'cpu.munmap': 'file', 'cpu.msync': 'file', 'gaia.map': 'file', 'gaia.maquire': 'file', 'gaia.mrelease': 'file',
      'gaia.inject': 'file', 'hmm.migrate': 'anonymous', 'gdr.pin': 'device', 'gdr.map': 'device', 'gdr.copy': 'device', 'gdr.unpin': 'device',
    });
    expect(oneStep('  - { op: gdr.copy, region: D, direction: to-gpu }').op).toBe('gdr.copy');
  });
});

/** A valid step line for each op that needs a region of one kind, with REGION where the region goes. */
const KIND_OPS: [string, string, string][] = [
  ['cpu.mmap', '{ op: cpu.mmap, region: REGION }', 'file'],
  ['cpu.munmap', '{ op: cpu.munmap, region: REGION }', 'file'],
  ['cpu.msync', '{ op: cpu.msync, region: REGION }', 'file'],
  ['gaia.map', '{ op: gaia.map, region: REGION }', 'file'],
  ['gaia.maquire', '{ op: gaia.maquire, region: REGION }', 'file'],
  ['gaia.mrelease', '{ op: gaia.mrelease, region: REGION, gpu: g1 }', 'file'],
  ['gaia.inject', '{ op: gaia.inject, region: REGION, fault: no-gpu-page }', 'file'],
  ['hmm.migrate', '{ op: hmm.migrate, region: REGION, to: g0 }', 'anonymous'],
  ['gdr.pin', '{ op: gdr.pin, region: REGION }', 'device'],
  ['gdr.map', '{ op: gdr.map, region: REGION }', 'device'],
  ['gdr.copy', '{ op: gdr.copy, region: REGION, direction: from-gpu }', 'device'],
  ['gdr.unpin', '{ op: gdr.unpin, region: REGION }', 'device'],
];
const REGION_OF_KIND: Readonly<Record<string, string>> = { managed: 'A', file: 'F', anonymous: 'N', device: 'D' };
const KIND_OF: Readonly<Record<string, string>> = { A: 'managed', F: 'file', N: 'anonymous', D: 'device' };

describe('a region of the wrong kind', () => {
  it.each(KIND_OPS)('%s refuses every other kind at the region, naming it, its kind, and the regions that fit', (op, step, kind) => {
    const good = REGION_OF_KIND[kind] ?? '?';
    for (const wrong of ['A', 'F', 'N', 'D'].filter((r) => r !== good)) {
      const text = allKinds(`  - ${step.replace('REGION', wrong)}`);
      const article = kind === 'anonymous' ? 'an' : 'a';
      const [line, col] = at(text, 9, `region: ${wrong}`);
      const message = `${op} needs ${article} ${kind} region; "${wrong}" is ${KIND_OF[wrong]} (${kind} regions: ${good})`;
      const e = expectOneError(text, line, col + 'region: '.length, message);
      expect(e.path).toBe('steps[0].region');
    }
    expect(parseOk(allKinds(`  - ${step.replace('REGION', good)}`)).steps[0]?.op).toBe(op);
  });

  it('lists every region of the kind needed, and says when there is none', () => {
    const text = lines(
      'uvmscope: 1',
      'regions:',
      '  - { name: A, size: 4KiB }',
      '  - { name: F1, kind: file, size: 4KiB }',
      '  - { name: F2, kind: file, size: 4KiB }',
      'steps:',
      '  - { op: gaia.map, region: A }',
      '  - { op: gdr.pin, region: F1 }',
      '  - { op: hmm.migrate, region: F2, to: cpu }',
    );
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 7, 'A }').join(':')}: gaia.map needs a file region; "A" is managed (file regions: F1, F2)`,
      `test.yaml:${at(text, 8, 'F1').join(':')}: gdr.pin needs a device region; "F1" is file (this scenario has no device region)`,
      `test.yaml:${at(text, 9, 'F2').join(':')}: hmm.migrate needs an anonymous region; "F2" is file (this scenario has no anonymous region)`,
    ]);
  });

  it('is not reported again when the region\'s kind or size was already bad', () => {
    const text = lines('uvmscope: 1', 'regions:', '  - { name: X, kind: files, size: 4KiB }', '  - { name: F, kind: file, size: 4MB }', 'steps:', '  - { op: cpu.mmap, region: X }', '  - { op: cpu.msync, region: F }');
    expect(parseErrors(text).map((e) => e.line)).toEqual([3, 4]);
  });
});

describe('mistakes in the new ops', () => {
  it('asks for a missing region, saying which kind', () => {
    const text = allKinds('  - { op: cpu.mmap }', '  - { op: hmm.migrate, to: cpu }', '  - { op: gdr.copy, direction: to-gpu }');
    expect(messages(text)).toEqual([
      'test.yaml:9:5: missing required field `region`: the name of a file region',
      'test.yaml:10:5: missing required field `region`: the name of an anonymous region',
      'test.yaml:11:5: missing required field `region`: the name of a device region',
    ]);
  });

  it('reports an undefined region with the defined ones and the closest', () => {
    const text = allKinds('  - { op: gdr.map, region: d }');
    expectOneError(text, ...at(text, 9, 'd }'), 'region "d" is not defined (regions: A, F, N, D); did you mean `D`?');
  });

  it('reports ranges that do not fit the region, for every op with a range', () => {
    const text = allKinds(
      '  - { op: cpu.msync, region: F, offset: 64KiB }',
      '  - { op: gaia.maquire, region: F, offset: 60KiB, length: 8KiB }',
      '  - { op: gaia.mrelease, region: F, length: 65537 }',
      '  - { op: hmm.migrate, region: N, to: g0, offset: 1MiB }',
      '  - { op: gdr.copy, region: D, direction: to-gpu, offset: 1MiB, length: 2MiB }',
    );
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 9, '64KiB').join(':')}: offset 64KiB is at or past the end of region F (64KiB)`,
      `test.yaml:${at(text, 10, '8KiB').join(':')}: offset 60KiB + length 8KiB exceeds region F (64KiB)`,
      `test.yaml:${at(text, 11, '65537').join(':')}: offset 0 + length 65537 bytes exceeds region F (64KiB)`,
      `test.yaml:${at(text, 12, '1MiB').join(':')}: offset 1MiB is at or past the end of region N (1MiB)`,
      `test.yaml:${at(text, 13, '2MiB').join(':')}: offset 1MiB + length 2MiB exceeds region D (2MiB)`,
    ]);
  });

  it('reports bad offsets and lengths, even when the region is also wrong', () => {
    const text = allKinds('  - { op: cpu.msync, region: A, offset: 1MB, length: 0 }');
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 9, 'A,').join(':')}: cpu.msync needs a file region; "A" is managed (file regions: F)`,
      `test.yaml:${at(text, 9, '1MB').join(':')}: unknown size unit "MB" in "1MB": accepted units are KiB, MiB, GiB and TiB, or a plain number of bytes; did you mean 1MiB?`,
      `test.yaml:${at(text, 9, '0 }').join(':')}: must be at least 1 byte, got 0`,
    ]);
  });

  it('refuses keys an op does not take, with the allowed ones and the closest', () => {
    const text = allKinds('  - { op: cpu.mmap, region: F, length: 4KiB }', '  - { op: gaia.map, region: F, gpus: g1 }', '  - { op: hmm.evict, chunck: 1 }');
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 9, 'length').join(':')}: unknown key \`length\` in a cpu.mmap step (allowed: op, region)`,
      `test.yaml:${at(text, 10, 'gpus').join(':')}: unknown key \`gpus\` in a gaia.map step (allowed: op, region, gpu); did you mean \`gpu\`?`,
      'test.yaml:11:5: missing required field `chunk`: the index of a device-private chunk, e.g. chunk: 0',
      `test.yaml:${at(text, 11, 'chunck').join(':')}: unknown key \`chunck\` in a hmm.evict step (allowed: op, gpu, chunk); did you mean \`chunk\`?`,
    ]);
  });

  it('reports cpu where a GPU is needed, and unknown GPUs with the closest', () => {
    const text = allKinds(
      '  - { op: gaia.map, region: F, gpu: cpu }',
      '  - { op: gaia.maquire, region: F, gpu: g2 }',
      '  - { op: hmm.evict, gpu: cpu, chunk: 0 }',
      '  - { op: hmm.evict, gpu: G1, chunk: 0 }',
    );
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 9, 'cpu').join(':')}: \`cpu\` is not a GPU; GAIA maps a file for one of: g0, g1`,
      `test.yaml:${at(text, 10, 'g2').join(':')}: processor "g2" is not defined (GPUs: g0, g1); did you mean \`g0\`?`,
      `test.yaml:${at(text, 11, 'cpu').join(':')}: \`cpu\` is not a GPU; hmm.evict evicts the device-private memory of one of: g0, g1`,
      `test.yaml:${at(text, 12, 'G1').join(':')}: processor "G1" is not defined (GPUs: g0, g1); did you mean \`g1\`?`,
    ]);
  });

  it('asks hmm.migrate for `to`, and reports a `to` that is no processor', () => {
    const text = allKinds('  - { op: hmm.migrate, region: N }', '  - { op: hmm.migrate, region: N, to: host }', '  - { op: hmm.migrate, region: N, to: [g0] }');
    expect(messages(text)).toEqual([
      "test.yaml:9:5: missing required field `to`: where to migrate: cpu or a GPU's name",
      `test.yaml:${at(text, 10, 'host').join(':')}: processor "host" is not defined (processors: cpu, g0, g1)`,
      `test.yaml:${at(text, 11, '[g0]').join(':')}: expected a string, got a list`,
    ]);
  });

  it('checks hmm.evict chunk: required, a whole number, 0 to 2^32 - 1', () => {
    const text = allKinds(
      '  - { op: hmm.evict }',
      '  - { op: hmm.evict, chunk: -1 }',
      '  - { op: hmm.evict, chunk: 1.5 }',
      `  - { op: hmm.evict, chunk: ${MAX_CHUNK_INDEX + 1} }`,
      "  - { op: hmm.evict, chunk: '3' }",
    );
    expect(messages(text)).toEqual([
      'test.yaml:9:5: missing required field `chunk`: the index of a device-private chunk, e.g. chunk: 0',
      `test.yaml:${at(text, 10, '-1').join(':')}: must be at least 0, got the number -1`,
      `test.yaml:${at(text, 11, '1.5').join(':')}: expected a whole number, got the number 1.5`,
      `test.yaml:${at(text, 12, String(MAX_CHUNK_INDEX + 1)).join(':')}: must be at most ${MAX_CHUNK_INDEX}, got the number ${MAX_CHUNK_INDEX + 1}`,
      `test.yaml:${at(text, 13, "'3'").join(':')}: expected a number, got "3"`,
    ]);
  });

  it('checks gdr.copy direction: required, one of to-gpu or from-gpu, with the closest', () => {
    const text = allKinds('  - { op: gdr.copy, region: D }', '  - { op: gdr.copy, region: D, direction: to_gpu }', '  - { op: gdr.copy, region: D, direction: dtoh }');
    expect(messages(text)).toEqual([
      'test.yaml:9:5: missing required field `direction`: to-gpu (CPU to GPU memory) or from-gpu (GPU memory to CPU)',
      `test.yaml:${at(text, 10, 'to_gpu').join(':')}: expected to-gpu or from-gpu, got "to_gpu"; did you mean \`to-gpu\`?`,
      `test.yaml:${at(text, 11, 'dtoh').join(':')}: expected to-gpu or from-gpu, got "dtoh"`,
    ]);
  });

  it('suggests the new ops for their typos, and says they have no short form', () => {
    const text = allKinds('  - { op: gaia.aquire, region: F }', '  - { op: mmap, region: F }', '  - { op: hmm.migate, region: N, to: cpu }', '  - cpu.mmap: F');
    const errors = messages(text);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('did you mean `gaia.maquire`?');
    expect(errors[1]).toContain('did you mean `cpu.mmap`?');
    expect(errors[2]).toContain('did you mean `hmm.migrate`?');
    expect(errors[3]).toBe('test.yaml:12:5: missing required field `op`: one of ' + STEP_OPS.join(', ') + ' (or the short forms `note: text`, `bookmark: name` and `ask: predict`); `cpu.mmap` has no short form: write `op: cpu.mmap` and its fields');
  });

  it('reports every mistake of one step in one pass', () => {
    const text = allKinds('  - { op: gaia.maquire, region: N, offset: x, gpu: cpu }');
    expect(parseErrors(text).map((e) => e.path)).toEqual(['steps[0].region', 'steps[0].offset', 'steps[0].gpu']);
  });
});

describe('a second process of /dev/nvidia-uvm and injected GAIA faults', () => {
  it('normalises uvm.open (process 2 by default) and gives every CPU access its process (1 by default)', () => {
    expect(stepsOf('  - { op: uvm.open }', '  - { op: uvm.open, process: 2 }')).toEqual([
      { op: 'uvm.open', process: 2 },
      { op: 'uvm.open', process: 2 },
    ]);
    const [one, two] = parseOk(allKinds('  - { op: cpu.write, region: A, length: 8KiB }', '  - { op: cpu.read, region: A, process: 2, length: 8KiB }')).steps;
    expect(one).toMatchObject({ op: 'cpu.write', process: 1 });
    expect(two).toMatchObject({ op: 'cpu.read', process: 2 });
    if (two?.op !== 'cpu.read') throw new Error('not a read');
    expect(pages(two.access.pages)).toEqual([0, 1]);
  });

  it('refuses uvm.open for process 1, which opened the device when the scenario started', () => {
    const text = allKinds('  - { op: uvm.open, process: 1 }');
    expectOneError(text, ...at(text, 9, '1 }'), 'must be 2: process 1 opened /dev/nvidia-uvm when the scenario started (cuInit)');
  });

  it('refuses process 2 on a region that is not managed, at `process`', () => {
    const text = allKinds('  - { op: cpu.read, region: F, process: 2 }');
    const e = expectOneError(text, ...at(text, 9, '2 }'), 'process 2 maps only managed memory', '"F" is file');
    expect(e.path).toBe('steps[0].process');
  });

  it('normalises gaia.inject with its range in bytes, and says which faults there are', () => {
    expect(stepsOf('  - { op: gaia.inject, region: F, fault: no-callback, offset: 4KiB, length: 8KiB }', '  - { op: gaia.inject, region: F, fault: no-cpu-page }')).toEqual([
      { op: 'gaia.inject', region: 1, fault: 'no-callback', offset: 4 * KiB, length: 8 * KiB },
      { op: 'gaia.inject', region: 1, fault: 'no-cpu-page', offset: 0, length: 64 * KiB },
    ]);
    const missing = allKinds('  - { op: gaia.inject, region: F }');
    expectOneError(missing, 9, 5, 'no-cpu-page, no-gpu-page, no-private-data, no-gpu-vma, no-callback');
    const bad = allKinds('  - { op: gaia.inject, region: F, fault: no-callbak }');
    expectOneError(bad, ...at(bad, 9, 'no-callbak'), 'got "no-callbak"; did you mean `no-callback`?');
  });
});
