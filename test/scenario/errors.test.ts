import { describe, expect, it } from 'vitest';
import { formatScenarioError, MAX_ACCESS_PAGES, MAX_ERRORS, parseScenario } from '../../src/engine/scenario';
import { at, expectOneError, lines, messages, minimal, parseErrors, withSteps } from './helpers';

describe('the error format', () => {
  it('is file:line:col: message', () => {
    expect(formatScenarioError({ source: 'demo.yaml', line: 14, col: 7, path: 'steps[3].access.region', message: 'region "B" is not defined (regions: A, F)' })).toBe(
      'demo.yaml:14:7: region "B" is not defined (regions: A, F)',
    );
  });

  it('names the file given, the path of the offending field and the place of its value', () => {
    const text = withSteps('  - op: gpu.kernel', '    access: { region: B, op: read }');
    const [e] = parseErrors(text, 'demo.yaml');
    expect(e).toEqual({ source: 'demo.yaml', line: 7, col: at(text, 7, 'B')[1], path: 'steps[0].access.region', message: 'region "B" is not defined (regions: A, F)' });
  });
});

describe('located messages for each kind of mistake', () => {
  it('reports an unknown op at its value, with the known ops and the closest', () => {
    const text = withSteps('  - op: gpu.kernal');
    const e = expectOneError(text, ...at(text, 6, 'gpu.kernal'), 'unknown op "gpu.kernal"', 'known ops: gpu.kernel, cpu.read, cpu.write', 'did you mean `gpu.kernel`?');
    expect(e.path).toBe('steps[0].op');
  });

  it('reports a step without op, and says when its one key is an op with no short form', () => {
    const text = withSteps('  - region: A', '  - gpu.kernel: {}');
    const errors = parseErrors(text);
    expect(errors.map((e) => [e.line, e.col])).toEqual([[6, 5], [7, 5]]);
    expect(errors[0]?.message).toContain('missing required field `op`');
    expect(errors[1]?.message).toContain('`gpu.kernel` has no short form: write `op: gpu.kernel`');
  });

  it('reports a value of the wrong type at the value, saying what was expected and what it got', () => {
    const text = withSteps('  - { op: cpu.read, region: A, offset: [1] }');
    expectOneError(text, ...at(text, 6, '[1]'), 'expected a whole number of bytes (4096) or a number with KiB', 'got a list');
    const t2 = withSteps('  - { op: gpu.kernel, faultWindowPages: many, access: { region: A, op: read } }');
    expectOneError(t2, ...at(t2, 6, 'many'), 'expected a number, got "many"');
    const t3 = withSteps('  - note: 2024');
    expectOneError(t3, ...at(t3, 6, '2024'), 'expected a string, got the number 2024 (put it in quotes)');
  });

  it('reports a missing required field at the map that lacks it', () => {
    const text = withSteps('  - { op: uvm.prefetch, region: A }');
    const e = expectOneError(text, ...at(text, 6, '{'), 'missing required field `to`');
    expect(e.path).toBe('steps[0].to');
    const t2 = withSteps('  - op: gpu.kernel', '    access: { op: read }');
    expectOneError(t2, ...at(t2, 7, '{'), 'missing required field `region`: expected a string');
  });

  it('reports an undefined region with the defined ones and the closest', () => {
    const text = withSteps('  - { op: cpu.read, region: a }');
    expectOneError(text, ...at(text, 6, 'a }'), 'region "a" is not defined (regions: A, F); did you mean `A`?');
  });

  it('reports a range that does not fit in its region, with the sizes', () => {
    const text = withSteps('  - op: cpu.read', '    region: A', '    offset: 3MiB', '    length: 2MiB');
    expectOneError(text, ...at(text, 9, '2MiB'), 'offset 3MiB + length 2MiB exceeds region A (4MiB)');
    const t2 = withSteps('  - { op: uvm.prefetch, region: F, to: cpu, offset: 64KiB }');
    expectOneError(t2, ...at(t2, 6, '64KiB }'), 'offset 64KiB is at or past the end of region F (64KiB)');
  });

  it('reports bad YAML at the place the YAML parser found it', () => {
    const text = lines('uvmscope: 1', 'regions: [{ name: A, size: 4KiB }', 'steps: []');
    const errors = parseErrors(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.line).toBeGreaterThanOrEqual(2);
    const t2 = lines('uvmscope: 1', 'regions:', '  - name: A', '   size: 4KiB');
    const e2 = parseErrors(t2)[0];
    expect(e2 && [e2.line, e2.source]).toEqual([4, 'test.yaml']);
    const t3 = lines('uvmscope: 1', 'name: "unterminated');
    expect(parseErrors(t3)[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('reports a duplicate key at its second appearance, naming it', () => {
    const text = lines('uvmscope: 1', 'regions:', '  - { name: A, size: 4KiB, size: 8KiB }', 'steps: []');
    expectOneError(text, ...at(text, 3, 'size', 2), 'duplicate key `size`');
    const t2 = lines('uvmscope: 1', 'steps: []', 'regions: []', 'steps: []');
    expectOneError(t2, 4, 1, 'duplicate key `steps`');
  });

  it('reports an unknown key at the key, with the allowed keys and the closest', () => {
    const text = withSteps('  - op: cpu.write', '    region: A', '    lenght: 2MiB');
    const e = expectOneError(text, 8, 5, 'unknown key `lenght`', 'allowed: region, op, offset, length', 'did you mean `length`?');
    expect(e.path).toBe('steps[0].lenght');
    const t2 = minimal('machine: { gpu: [] }');
    expectOneError(t2, ...at(t2, 5, 'gpu'), 'unknown key `gpu` in the machine (allowed: gpus, cpu, link, costs); did you mean `gpus`?');
    const t3 = minimal('polcy: {}');
    expectOneError(t3, 5, 1, 'did you mean `policy`?');
  });

  it('reports a missing or unsupported version', () => {
    expectOneError(lines('uvmscope: 2', 'regions: [{ name: A, size: 4KiB }]', 'steps: []'), 1, 11, 'unsupported version 2', 'reads `uvmscope: 1`');
    expectOneError(lines("uvmscope: '1'", 'regions: [{ name: A, size: 4KiB }]', 'steps: []'), 1, 11, 'unsupported version "1"');
    expectOneError(lines('regions: [{ name: A, size: 4KiB }]', 'steps: []'), 1, 1, 'missing required field `uvmscope`');
  });

  it('stops at an unsupported version rather than judging the rest by the wrong format', () => {
    expect(parseErrors(lines('uvmscope: 2', 'widgets: 3'))).toHaveLength(1);
  });

  it('reports a document that is not a map, or is empty', () => {
    expectOneError('', 1, 1, 'got an empty document');
    expectOneError('# only a comment\n', 1, 1, 'got an empty document');
    expectOneError('- 1\n', 1, 1, 'expected a scenario: a map with uvmscope');
    expectOneError('hello\n', 1, 1, 'got "hello"');
  });

  it('reports missing regions and steps, and an empty region list', () => {
    const errors = messages(lines('uvmscope: 1'));
    expect(errors).toEqual([
      expect.stringContaining('test.yaml:1:1: missing required field `regions`'),
      expect.stringContaining('test.yaml:1:1: missing required field `steps`'),
    ]);
    expectOneError(lines('uvmscope: 1', 'regions: []', 'steps: []'), 2, 10, 'at least one region');
  });
});

describe('machine and policy mistakes', () => {
  it('reports bad GPUs field by field', () => {
    const text = minimal('machine:', '  gpus:', '    - { name: cpu, memory: 1MiB, arch: volta }', '    - { name: g, memory: 4GiB, arch: hopper }', '    - { name: g, memory: 4GiB, arch: hopper, faultWindowPages: 0 }');
    const errors = parseErrors(text);
    expect(errors.map((e) => [e.line, e.col, e.path])).toEqual([
      [...at(text, 7, 'cpu'), 'machine.gpus[0].name'],
      [...at(text, 7, '1MiB'), 'machine.gpus[0].memory'],
      [...at(text, 7, 'volta'), 'machine.gpus[0].arch'],
      [...at(text, 9, 'g,'), 'machine.gpus[2].name'],
      [...at(text, 9, '0 }'), 'machine.gpus[2].faultWindowPages'],
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      '`cpu` names the CPU; give the GPU another name',
      'must be at least 2MiB, got 1MiB (1MiB rounded down to 0)',
      'expected hopper or ampere, got "volta"',
      'GPU name "g" is used twice',
      'must be at least 1, got the number 0',
    ]);
  });

  it('reports an empty GPU list', () => {
    const text = minimal('machine: { gpus: [] }');
    expectOneError(text, ...at(text, 5, '[]'), 'a machine has 1 to 32 GPUs, got 0');
  });

  it('reports an unknown link preset with the closest, and a bad custom link field', () => {
    const text = minimal('machine: { link: pcie-5 }');
    expectOneError(text, ...at(text, 5, 'pcie-5'), 'expected pcie4, pcie5, nvlink-c2c or a map', 'did you mean `pcie5`?');
    const t2 = minimal('machine:', '  link:', '    htod: { latency: 2us, bandwidth: 10GiB/s }', '    dtoh: { latency: 2us }');
    const errors = parseErrors(t2);
    expect(errors.map((e) => [e.line, e.col, e.path])).toEqual([
      [...at(t2, 7, '10GiB/s'), 'machine.link.htod.bandwidth'],
      [...at(t2, 8, '{'), 'machine.link.dtoh.bandwidth'],
    ]);
    expect(errors[0]?.message).toContain('unknown bandwidth unit "GiB/s"');
  });

  it('reports bad policy values with the allowed ones and the closest', () => {
    const text = minimal('policy: { prefetch: dense, prefetchThreshold: 101, thrashing: maybe, eviction: lru, driver: 590 }');
    expect(parseErrors(text).map((e) => e.message)).toEqual([
      'expected off, density or correlation, got "dense"; did you mean `density`?',
      'must be at most 100, got the number 101',
      'expected on or off, got "maybe"',
      'expected driver, got "lru"',
      'expected 580 or 595, got "590"; did you mean `580`?',
    ]);
  });
});

describe('region mistakes', () => {
  it('reports bad names, a name used twice and sizes with unknown units', () => {
    const text = lines('uvmscope: 1', 'regions:', '  - { name: A, size: 4KiB }', '  - { name: A, size: 4MB }', '  - { name: 9x, size: 0, kind: heap }', 'steps: []');
    expect(messages(text)).toEqual([
      `test.yaml:${at(text, 4, 'A')[0]}:${at(text, 4, 'A')[1]}: region "A" is defined twice`,
      `test.yaml:4:${at(text, 4, '4MB')[1]}: unknown size unit "MB" in "4MB": accepted units are KiB, MiB, GiB and TiB, or a plain number of bytes; did you mean 4MiB?`,
      `test.yaml:5:${at(text, 5, '9x')[1]}: "9x" is not a valid name: a name starts with a letter or _ and goes on with letters, digits, _, . or -`,
      `test.yaml:5:${at(text, 5, '0,')[1]}: must be at least 4KiB, got 0`,
      `test.yaml:5:${at(text, 5, 'heap')[1]}: expected managed, file, anonymous or device, got "heap"`,
    ]);
  });

  it('refuses managed regions that add up to more than 1 TiB, at the region that crosses the limit', () => {
    const text = lines('uvmscope: 1', 'regions:', '  - { name: A, size: 1TiB }', '  - { name: F, kind: file, size: 1TiB }', '  - { name: B, size: 4KiB }', 'steps: []');
    expectOneError(text, ...at(text, 5, '4KiB'), 'more than 1TiB');
  });

  it('does not also call a region undefined when only its size was bad', () => {
    const text = lines('uvmscope: 1', 'regions: [{ name: A, size: 4MB }]', 'steps:', '  - { op: cpu.read, region: A }');
    expect(parseErrors(text)).toHaveLength(1);
  });
});

describe('step and access mistakes', () => {
  it('refuses fields that do not apply to the pattern, and asks for the ones it needs', () => {
    const text = withSteps('  - { op: cpu.read, region: A, stride: 8KiB }', '  - { op: cpu.read, region: A, pattern: strided }', '  - { op: cpu.read, region: A, pattern: list, offset: 0, pages: [1] }', '  - { op: cpu.read, region: A, pattern: random }');
    expect(messages(text)).toEqual([
      `test.yaml:6:${at(text, 6, 'stride')[1]}: \`stride\` does not apply to pattern sequential (it is for strided)`,
      'test.yaml:7:5: missing required field `stride` for pattern strided: the distance between the starts of two spans, e.g. stride: 64KiB',
      `test.yaml:8:${at(text, 8, 'offset')[1]}: \`offset\` does not apply to pattern list (it is for sequential, strided or random)`,
      'test.yaml:9:5: missing required field `count` for pattern random: how many pages to touch, e.g. count: 1000',
    ]);
  });

  it('refuses a span larger than its stride', () => {
    const text = withSteps('  - { op: cpu.read, region: A, pattern: strided, stride: 4KiB, span: 8KiB }');
    expectOneError(text, ...at(text, 6, '8KiB'), 'span 8KiB is larger than stride 4KiB');
  });

  it('locates each bad page of a list', () => {
    const text = withSteps('  - { op: cpu.read, region: F, pattern: list, pages: [1, -1, 16, x] }');
    expect(messages(text)).toEqual([
      `test.yaml:6:${at(text, 6, '-1')[1]}: expected a page index (a whole number ≥ 0), got the number -1`,
      `test.yaml:6:${at(text, 6, '16')[1]}: page 16 is beyond region F (pages 0 to 15)`,
      `test.yaml:6:${at(text, 6, 'x]')[1]}: expected a page index (a whole number ≥ 0), got "x"`,
    ]);
  });

  it('refuses a random count above the per-access cap', () => {
    const text = withSteps(`  - { op: cpu.read, region: A, pattern: random, count: ${MAX_ACCESS_PAGES + 1} }`);
    expectOneError(text, ...at(text, 6, String(MAX_ACCESS_PAGES + 1)), `must be at most ${MAX_ACCESS_PAGES}`);
  });

  it('refuses a sequential access of more pages than the per-access cap', () => {
    const text = lines('uvmscope: 1', 'regions: [{ name: F, kind: file, size: 1TiB }]', 'steps:', '  - { op: cpu.read, region: F }');
    expectOneError(text, 4, 5, `one access may touch at most ${MAX_ACCESS_PAGES}`);
  });

  it('refuses accesses that together touch more pages than the scenario-wide budget', () => {
    const kernel = '  - { op: gpu.kernel, access: { region: F, op: read } }';
    const text = lines('uvmscope: 1', 'regions: [{ name: F, kind: file, size: 64GiB }]', 'steps:', ...Array<string>(10).fill(kernel));
    // Eight accesses of 2^24 pages fill the budget of 2^27; the ninth is refused, and the tenth is not reported again.
    expectOneError(text, ...at(text, 12, '{ region'), 'too many pages in all: this access needs 16777216, and only 0 of the 134217728');
  });

  it('reports unknown processors, and cpu where a GPU is needed', () => {
    const text = withSteps('  - { op: gpu.kernel, gpu: gpu1, access: { region: A, op: read } }', '  - { op: gpu.kernel, gpu: cpu, access: { region: A, op: read } }', '  - { op: uvm.prefetch, region: A, to: gpu9 }');
    expect(messages(text)).toEqual([
      `test.yaml:6:${at(text, 6, 'gpu1')[1]}: processor "gpu1" is not defined (GPUs: gpu0); did you mean \`gpu0\`?`,
      `test.yaml:7:${at(text, 7, 'cpu,')[1]}: \`cpu\` is not a GPU; a kernel runs on one of: gpu0`,
      `test.yaml:8:${at(text, 8, 'gpu9')[1]}: processor "gpu9" is not defined (processors: cpu, gpu0); did you mean \`gpu0\`?`,
    ]);
  });

  it('requires exactly one of access and accesses, and a non-empty accesses list', () => {
    const text = withSteps('  - { op: gpu.kernel }', '  - { op: gpu.kernel, access: { region: A, op: read }, accesses: [] }', '  - { op: gpu.kernel, accesses: [] }');
    expect(messages(text)).toEqual([
      'test.yaml:6:5: missing required field `access` (one access) or `accesses` (a list of accesses)',
      `test.yaml:7:${at(text, 7, 'accesses')[1]}: give either \`access\` (one access) or \`accesses\` (a list), not both`,
      `test.yaml:8:${at(text, 8, '[]')[1]}: a kernel needs at least one access`,
    ]);
  });

  it('checks advice targets: required for processor advice, refused for the others', () => {
    const text = withSteps('  - { op: uvm.advise, region: A, advice: accessed-by }', '  - { op: uvm.advise, region: A, advice: read-mostly, target: gpu0 }', '  - { op: uvm.advise, region: A, advice: read-only }');
    expect(messages(text)).toEqual([
      'test.yaml:6:5: missing required field `target`: advice accessed-by names a processor (cpu or a GPU)',
      `test.yaml:7:${at(text, 7, 'target')[1]}: advice read-mostly takes no \`target\`: it applies to the region for every processor`,
      `test.yaml:8:${at(text, 8, 'read-only')[1]}: expected read-mostly, preferred-location, accessed-by, unset-read-mostly, unset-preferred-location or unset-accessed-by, got "read-only"; did you mean \`read-mostly\`?`,
    ]);
  });

  it('refuses a bookmark name used twice, pointing at the first', () => {
    const text = withSteps('  - bookmark: here', '  - note: between', '  - bookmark: here');
    expectOneError(text, ...at(text, 8, 'here'), 'bookmark "here" is already defined at line 6');
  });

  it('refuses a short form with extra keys', () => {
    const text = withSteps('  - note: hi', '    text: again');
    expectOneError(text, 6, 5, 'missing required field `op`');
  });
});

describe('several errors at once', () => {
  it('collects errors from every part of the document, sorted by position', () => {
    const text = lines('uvmscope: 1', 'policy: { prefetch: some }', 'regions:', '  - { name: A, size: 4MiB, colour: red }', 'steps:', '  - { op: cpu.read, region: B }', '  - { op: gpu.launch }');
    const errors = parseErrors(text);
    expect(errors.map((e) => e.line)).toEqual([2, 4, 6, 7]);
    expect(errors.map((e) => e.path)).toEqual(['policy.prefetch', 'regions[0].colour', 'steps[0].region', 'steps[1].op']);
  });

  it(`keeps the first ${MAX_ERRORS} errors and says how many more there were`, () => {
    const text = withSteps(...Array<string>(150).fill('  - { op: nope }'));
    const errors = parseErrors(text);
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors[MAX_ERRORS]?.message).toBe(`stopped after the first ${MAX_ERRORS} errors; fix these and read the file again to see any others`);
  });
});

describe('hostile input', () => {
  it('refuses input over 8 MiB before parsing it', () => {
    expectOneError('#'.repeat(8 * 1024 * 1024 + 1), 1, 1, 'larger than 8MiB');
  });

  it('refuses exponential alias expansion (billion laughs)', () => {
    const rows = ['uvmscope: 1', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    let prev = 'a';
    for (const n of 'bcdefghi') {
      rows.push(`${n}: &${n} [${Array<string>(9).fill('*' + prev).join(',')}]`);
      prev = n;
    }
    const errors = parseErrors(lines(...rows));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('too many alias expansions');
  });

  it('reports a map used as a key without writing a warning to the console', async () => {
    const warned: unknown[] = [];
    const listener = (w: unknown) => warned.push(w);
    process.on('warning', listener);
    try {
      const text = withSteps('  - ? { op: cpu.read }', '    : 1');
      expectOneError(text, 6, 5, 'missing required field `op`');
      // Node emits warnings on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(warned).toEqual([]);
  });

  it('reports an alias to an anchor that is not defined before it', () => {
    const text = withSteps('  - *nothing');
    expectOneError(text, 6, 5, 'alias *nothing refers to no anchor &nothing');
  });

  it('treats __proto__, constructor and toString as unknown keys, and leaves Object.prototype alone', () => {
    const text = minimal('__proto__: { polluted: true }', 'constructor: 1', 'machine: { toString: 1 }');
    const errors = parseErrors(text);
    expect(errors.map((e) => e.message.split(' (')[0])).toEqual([
      'unknown key `__proto__` in a scenario',
      'unknown key `constructor` in a scenario',
      'unknown key `toString` in the machine',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses sizes and numbers beyond what is exact', () => {
    const text = withSteps('  - { op: cpu.read, region: A, offset: 1e400 }', '  - { op: cpu.read, region: A, offset: 9007199254740993 }', "  - { op: cpu.read, region: A, length: '99999999999999999999999999TiB' }");
    const errors = parseErrors(text);
    expect(errors.map((e) => e.line)).toEqual([6, 7, 8]);
    expect(errors[0]?.message).toContain('got Infinity');
  });

  it('turns YAML tags and complex keys into errors', () => {
    expect(parseErrors(minimal('description: !secret x'))[0]?.message).toContain('Unresolved tag');
    const text = minimal('? [a, b]', ': 1');
    expect(parseErrors(text)[0]?.message).toContain('keys must be plain names');
  });

  it('reports deep nesting without overflowing the stack', () => {
    const r = parseScenario('a: ' + '['.repeat(100_000) + ']'.repeat(100_000), 'deep.yaml');
    expect(r.ok).toBe(false);
  });

  it('refuses a non-string input without throwing', () => {
    const r = parseScenario(42 as unknown as string, 'x.yaml');
    expect(r.ok).toBe(false);
  });
});
