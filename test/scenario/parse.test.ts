import { describe, expect, it } from 'vitest';
import { DEFAULT_COSTS, LINK_PRESETS, nameFromSource, parseScenario } from '../../src/engine/scenario';
import { lines, minimal, pages, parseOk, withSteps } from './helpers';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

describe('defaults', () => {
  it('gives a scenario that names only regions and steps one H100 on PCIe 5 with the driver defaults', () => {
    const s = parseOk(minimal(), 'assets/scenarios/demo.yaml');
    expect(s.uvmscope).toBe(1);
    expect(s.name).toBe('demo');
    expect(s.description).toBe('');
    expect(s.source).toBe('assets/scenarios/demo.yaml');
    expect(s.machine).toEqual({
      gpus: [{ name: 'gpu0', memory: 80 * GiB, arch: 'hopper', faultWindowPages: 16 }],
      cpuMemory: 512 * GiB,
      link: { kind: 'pcie5', htod: { latencyNs: 2590, bytesPerNs: 53.2 }, dtoh: { latencyNs: 1560, bytesPerNs: 54.5 }, dtod: { latencyNs: 2590, bytesPerNs: 53.2 } },
      costs: { faultBatchNs: 100000, faultGridBatchNs: 50000, faultGridBlockNs: 15000, cpuFaultNs: 60000, tlbInvalidateNs: 2000, gpuMapNs: 1000, cpuUnmapNs: 3000, zeroNsPerByte: 0.0005 },
    });
    expect(s.policy).toEqual({ prefetch: 'density', prefetchThreshold: 51, thrashing: true, eviction: 'driver', driver: '580', gdrSharedMapping: false, uvmSharedMapping: false });
    expect(s.regions).toEqual([{ index: 0, name: 'A', kind: 'managed', size: 4 * MiB, gpu: null, loc: { line: 3, col: 5 } }]);
    expect(s.steps).toEqual([]);
  });

  it('takes the default name from the file name without its directory or .yaml/.yml extension', () => {
    expect(nameFromSource('a/b/c.yaml')).toBe('c');
    expect(nameFromSource('C:\\x\\y.YML')).toBe('y');
    expect(nameFromSource('plain')).toBe('plain');
  });

  it('hands out copies, so changing one parsed scenario changes neither the defaults nor the next parse', () => {
    const a = parseOk(minimal());
    a.machine.costs.cpuFaultNs = 1;
    a.machine.link.htod.latencyNs = 1;
    const b = parseOk(minimal());
    expect(b.machine.costs.cpuFaultNs).toBe(DEFAULT_COSTS.cpuFaultNs);
    expect(b.machine.link.htod.latencyNs).toBe(LINK_PRESETS.pcie5.htod.latencyNs);
  });

  it('returns the same scenario for the same text every time', () => {
    const text = withSteps('  - { op: cpu.read, region: A, pattern: random, count: 50, seed: 9 }');
    expect(JSON.stringify(parseOk(text), (_k, v: unknown) => (v instanceof Uint32Array ? [...v] : v))).toBe(
      JSON.stringify(parseOk(text), (_k, v: unknown) => (v instanceof Uint32Array ? [...v] : v)),
    );
  });
});

describe('machine', () => {
  it('reads GPUs in order as processors 1..N, rounding memory down to whole 2 MiB root chunks', () => {
    const s = parseOk(
      lines(
        'uvmscope: 1',
        'machine:',
        '  gpus:',
        '    - { name: h100, memory: 80GiB, arch: hopper }',
        '    - { name: a100, memory: 41943041, arch: ampere, faultWindowPages: 64 }',
        '  cpu: { memory: 64GiB }',
        'regions: [{ name: A, size: 4KiB }]',
        'steps:',
        '  - { op: gpu.kernel, gpu: a100, access: { region: A, op: read } }',
      ),
    );
    expect(s.machine.gpus).toEqual([
      { name: 'h100', memory: 80 * GiB, arch: 'hopper', faultWindowPages: 16 },
      { name: 'a100', memory: 40 * MiB, arch: 'ampere', faultWindowPages: 64 },
    ]);
    expect(s.machine.cpuMemory).toBe(64 * GiB);
    expect(s.steps[0]).toMatchObject({ op: 'gpu.kernel', gpu: 2, faultWindowPages: 64 });
  });

  it.each([
    ['pcie4', { kind: 'pcie4', htod: { latencyNs: 2590, bytesPerNs: 26.6 }, dtoh: { latencyNs: 1560, bytesPerNs: 27.25 }, dtod: { latencyNs: 2590, bytesPerNs: 26.6 } }],
    ['nvlink-c2c', { kind: 'nvlink-c2c', htod: { latencyNs: 1000, bytesPerNs: 450 }, dtoh: { latencyNs: 1000, bytesPerNs: 450 }, dtod: { latencyNs: 1000, bytesPerNs: 450 } }],
  ])('reads link %s as its preset', (name, link) => {
    expect(parseOk(minimal('machine: { link: ' + name + ' }')).machine.link).toEqual(link);
  });

  it('reads a custom link with units, normalised to latencyNs and bytesPerNs', () => {
    const s = parseOk(
      minimal(
        'machine:',
        '  link:',
        "    htod: { latency: '2.67us', bandwidth: '47.7GB/s' }",
        '    dtoh: { latency: 1560, bandwidth: 54.5 }',
        "    dtod: { latency: '0.002ms', bandwidth: '1TB/s' }",
      ),
    );
    expect(s.machine.link).toEqual({
      kind: 'custom',
      htod: { latencyNs: 2670, bytesPerNs: 47.7 },
      dtoh: { latencyNs: 1560, bytesPerNs: 54.5 },
      dtod: { latencyNs: 2000, bytesPerNs: 1000 },
    });
  });

  it('gives a custom link without dtod the pcie5 estimate for peer copies', () => {
    const s = parseOk(minimal('machine:', '  link:', '    htod: { latency: 1us, bandwidth: 10 }', '    dtoh: { latency: 1us, bandwidth: 10 }'));
    expect(s.machine.link.dtod).toEqual({ latencyNs: 2590, bytesPerNs: 53.2 });
  });

  it('overrides only the costs a scenario names, reading durations with units', () => {
    const s = parseOk(minimal('machine:', "  costs: { faultBatchNs: '30us', cpuFaultNs: 5000, zeroNsPerByte: 0.001 }"));
    expect(s.machine.costs).toEqual({ ...DEFAULT_COSTS, faultBatchNs: 30000, cpuFaultNs: 5000, zeroNsPerByte: 0.001 });
  });
});

describe('policy', () => {
  it('reads every field, accepting on/off or true/false for thrashing and a number for driver', () => {
    const s = parseOk(minimal('policy: { prefetch: correlation, prefetchThreshold: 75, thrashing: off, eviction: driver, driver: 595 }'));
    expect(s.policy).toEqual({ prefetch: 'correlation', prefetchThreshold: 75, thrashing: false, eviction: 'driver', driver: '595', gdrSharedMapping: false, uvmSharedMapping: false });
    expect(parseOk(minimal('policy: { thrashing: false }')).policy.thrashing).toBe(false);
    expect(parseOk(minimal('policy: { thrashing: true }')).policy.thrashing).toBe(true);
    expect(parseOk(minimal("policy: { driver: '580', prefetch: 'off' }")).policy).toMatchObject({ driver: '580', prefetch: 'off' });
  });
});

describe('regions', () => {
  it('rounds sizes up to whole 4 KiB pages, keeps kinds, and records each region\'s place', () => {
    const s = parseOk(
      lines(
        'uvmscope: 1',
        'regions:',
        '  - { name: A, size: 1 }',
        '  - name: file.dat',
        '    kind: file',
        '    size: 8193',
        '  - { name: _anon-1, kind: anonymous, size: 2MiB }',
        '  - { name: dev, kind: device, size: 64KiB }',
        'steps: []',
      ),
    );
    expect(s.regions).toEqual([
      { index: 0, name: 'A', kind: 'managed', size: 4096, gpu: null, loc: { line: 3, col: 5 } },
      { index: 1, name: 'file.dat', kind: 'file', size: 12288, gpu: null, loc: { line: 4, col: 5 } },
      { index: 2, name: '_anon-1', kind: 'anonymous', size: 2 * MiB, gpu: null, loc: { line: 7, col: 5 } },
      { index: 3, name: 'dev', kind: 'device', size: 64 * 1024, gpu: 1, loc: { line: 8, col: 5 } },
    ]);
  });

  it('accepts managed regions that add up to exactly 1 TiB', () => {
    const s = parseOk(lines('uvmscope: 1', 'regions:', '  - { name: A, size: 512GiB }', '  - { name: B, size: 512GiB }', 'steps: []'));
    expect(s.regions.map((r) => r.size)).toEqual([512 * GiB, 512 * GiB]);
  });
});

describe('steps', () => {
  it('reads gpu.kernel with one access on the first GPU with its fault window', () => {
    const s = parseOk(withSteps('  - op: gpu.kernel', '    access: { region: A, op: write, length: 8KiB }'));
    expect(s.steps).toHaveLength(1);
    const [k] = s.steps;
    expect(k).toMatchObject({ op: 'gpu.kernel', gpu: 1, faultWindowPages: 16, loc: { line: 6, col: 5 } });
    if (k?.op !== 'gpu.kernel') throw new Error('not a kernel');
    expect(k.accesses).toHaveLength(1);
    expect(k.accesses[0]).toMatchObject({ region: 0, op: 'write', pattern: 'sequential', loc: { line: 7, col: 13 } });
    expect(pages(k.accesses[0]?.pages ?? new Uint32Array())).toEqual([0, 1]);
  });

  it('reads gpu.kernel with a list of accesses and its own fault window', () => {
    const s = parseOk(
      withSteps(
        '  - op: gpu.kernel',
        '    faultWindowPages: 16',
        '    accesses:',
        '      - { region: A, op: read, offset: 4KiB, length: 4KiB }',
        '      - { region: F, op: atomic, pattern: list, pages: [3, 1] }',
      ),
    );
    const [k] = s.steps;
    if (k?.op !== 'gpu.kernel') throw new Error('not a kernel');
    expect(k.faultWindowPages).toBe(16);
    expect(k.accesses.map((a) => [a.region, a.op, a.pattern, pages(a.pages), a.loc])).toEqual([
      [0, 'read', 'sequential', [1], { line: 9, col: 9 }],
      [1, 'atomic', 'list', [3, 1], { line: 10, col: 9 }],
    ]);
  });

  it('reads cpu.read and cpu.write with the access fields inline and the op implied', () => {
    const s = parseOk(withSteps('  - { op: cpu.read, region: F }', '  - op: cpu.write', '    region: A', '    offset: 1MiB', '    length: 1'));
    expect(s.steps.map((st) => (st.op === 'cpu.read' || st.op === 'cpu.write' ? [st.op, st.access.op, st.access.region, pages(st.access.pages), st.loc, st.access.loc] : null))).toEqual([
      ['cpu.read', 'read', 1, Array.from({ length: 16 }, (_, i) => i), { line: 6, col: 5 }, { line: 6, col: 5 }],
      ['cpu.write', 'write', 0, [256], { line: 7, col: 5 }, { line: 7, col: 5 }],
    ]);
  });

  it('reads uvm.prefetch, defaulting to the whole region, to a GPU or to the CPU', () => {
    const s = parseOk(withSteps('  - { op: uvm.prefetch, region: A, to: gpu0 }', '  - { op: uvm.prefetch, region: A, to: cpu, offset: 1MiB, length: 2MiB }'));
    expect(s.steps).toEqual([
      { op: 'uvm.prefetch', region: 0, to: 1, offset: 0, length: 4 * MiB, loc: { line: 6, col: 5 } },
      { op: 'uvm.prefetch', region: 0, to: 0, offset: MiB, length: 2 * MiB, loc: { line: 7, col: 5 } },
    ]);
  });

  it('reads every uvm.advise, with a target only where the advice names a processor', () => {
    const s = parseOk(
      withSteps(
        '  - { op: uvm.advise, region: A, advice: read-mostly }',
        '  - { op: uvm.advise, region: A, advice: preferred-location, target: cpu }',
        '  - { op: uvm.advise, region: A, advice: accessed-by, target: gpu0 }',
        '  - { op: uvm.advise, region: F, advice: unset-read-mostly }',
        '  - { op: uvm.advise, region: A, advice: unset-preferred-location }',
        '  - { op: uvm.advise, region: A, advice: unset-accessed-by, target: gpu0 }',
      ),
    );
    expect(s.steps.map((st) => (st.op === 'uvm.advise' ? [st.region, st.advice, st.target, st.loc.line] : null))).toEqual([
      [0, 'read-mostly', null, 6],
      [0, 'preferred-location', 0, 7],
      [0, 'accessed-by', 1, 8],
      [1, 'unset-read-mostly', null, 9],
      [0, 'unset-preferred-location', null, 10],
      [0, 'unset-accessed-by', 1, 11],
    ]);
  });

  it('reads note and bookmark in the long and the short form', () => {
    const s = parseOk(
      withSteps('  - note: "The CPU writes A"', '  - { op: note, text: long form }', '  - bookmark: start', '  - { op: bookmark, name: end }', "  - note: ''"),
    );
    expect(s.steps).toEqual([
      { op: 'note', text: 'The CPU writes A', loc: { line: 6, col: 5 } },
      { op: 'note', text: 'long form', loc: { line: 7, col: 5 } },
      { op: 'bookmark', name: 'start', loc: { line: 8, col: 5 } },
      { op: 'bookmark', name: 'end', loc: { line: 9, col: 5 } },
      { op: 'note', text: '', loc: { line: 10, col: 5 } },
    ]);
  });

  it('follows YAML anchors and aliases, so one access can be reused', () => {
    const s = parseOk(withSteps('  - op: gpu.kernel', '    access: &a { region: A, op: read, length: 4KiB }', '  - op: gpu.kernel', '    access: *a'));
    expect(s.steps).toHaveLength(2);
    const [, second] = s.steps;
    if (second?.op !== 'gpu.kernel') throw new Error('not a kernel');
    expect(pages(second.accesses[0]?.pages ?? new Uint32Array())).toEqual([0]);
  });

  it('keeps name and description when given', () => {
    const s = parseOk(lines('uvmscope: 1', 'name: My demo', 'description: |', '  Two lines', '  of text.', 'regions: [{ name: A, size: 4KiB }]', 'steps: []'));
    expect([s.name, s.description]).toEqual(['My demo', 'Two lines\nof text.\n']);
  });

  it('accepts a document that starts with a BOM and uses CRLF line ends', () => {
    const r = parseScenario('\uFEFF' + minimal().replace(/\n/g, '\r\n'), 'crlf.yaml');
    expect(r.ok).toBe(true);
  });
});
