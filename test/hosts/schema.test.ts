/**
 * The `schema` view: the scenario format as the editor's completion sees it, derived from
 * the engine's parser. Pins today's ops, keys and values, and checks the derivation against
 * the parser itself: every key the schema offers is one the parser accepts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineResponse, OkResponse, SchemaResult } from '../../src/protocol';
import { EngineService } from '../../src/hosts/service';
import { classify, scenarioSchema } from '../../src/hosts/views/schema';
import { ADVICE, ACCESS_PATTERNS, LINK_PRESET_NAMES, parseScenario, REGION_KINDS, STEP_OPS } from '../../src/engine/scenario/index';

function ok(r: EngineResponse): OkResponse {
  if (r.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.diagnostics)}`);
  return r;
}

function viaService(): SchemaResult {
  const service = new EngineService();
  const source = readFileSync(new URL('../../assets/scenarios/default.yaml', import.meta.url), 'utf8');
  ok(service.handle({ type: 'load', id: 1, source, fileName: 'default.yaml' }));
  const view = ok(service.handle({ type: 'view', id: 2, query: { view: 'schema' } })).view;
  if (view?.view !== 'schema') throw new Error('no schema view');
  return view;
}

const field = (fields: SchemaResult['maps']['scenario'], name: string) => fields.find((f) => f.name === name);

describe('the schema view', () => {
  const schema = viaService();
  const op = (name: string) => schema.ops.find((o) => o.op === name)!;

  it('lists every op of the format, with its keys', () => {
    expect(schema.ops.map((o) => o.op)).toEqual([...STEP_OPS]);
    expect(op('gaia.maquire')).toEqual({
      op: 'gaia.maquire',
      regionKind: 'file',
      fields: [
        { name: 'region', kind: 'region', required: true, help: 'the name of a file region' },
        { name: 'offset', kind: 'size', required: false },
        { name: 'length', kind: 'size', required: false },
        { name: 'gpu', kind: 'gpu', required: false },
      ],
    });
    expect(op('note').shortForm).toBe('text');
    expect(op('bookmark').shortForm).toBe('name');
    expect(op('ask').shortForm).toBe('predict');
    expect(op('ask').fields).toMatchObject([
      { name: 'predict', kind: 'enum', values: ['moves', 'tags', 'invalidations'], required: true },
      { name: 'through', kind: 'text', required: false },
      { name: 'prompt', kind: 'text', required: false },
    ]);
    expect(op('gpu.kernel').fields.map((f) => f.name)).toEqual(['gpu', 'access', 'accesses', 'faultWindowPages']);
    expect(op('hmm.migrate').fields.find((f) => f.name === 'to')).toMatchObject({ kind: 'processor', required: true });
    expect(op('hmm.evict').fields.find((f) => f.name === 'chunk')).toMatchObject({ kind: 'number', required: true });
  });

  it('gives the words an enum takes', () => {
    expect(op('uvm.advise').fields.find((f) => f.name === 'advice')).toMatchObject({ kind: 'enum', values: [...ADVICE], required: true });
    // `target` is checked only with an advice that takes one: found by probing with each advice
    expect(op('uvm.advise').fields.find((f) => f.name === 'target')).toMatchObject({ kind: 'processor', required: false });
    expect(op('gdr.copy').fields.find((f) => f.name === 'direction')).toMatchObject({ kind: 'enum', values: ['to-gpu', 'from-gpu'] });
    expect(field(schema.maps.access, 'pattern')).toMatchObject({ kind: 'enum', values: [...ACCESS_PATTERNS] });
    expect(field(schema.maps.access, 'op')).toMatchObject({ kind: 'enum', values: ['read', 'write', 'atomic'], required: true });
    expect(field(schema.maps.machine, 'link')).toMatchObject({ kind: 'enum', values: [...LINK_PRESET_NAMES] });
    expect(field(schema.maps.policy, 'prefetch')).toMatchObject({ kind: 'enum', values: ['off', 'density', 'correlation'] });
    expect(field(schema.maps.policy, 'thrashing')).toMatchObject({ kind: 'enum', values: ['on', 'off'] });
    expect(field(schema.maps.region, 'kind')).toMatchObject({ kind: 'enum', values: [...REGION_KINDS] });
    expect(field(schema.maps.gpu, 'arch')).toMatchObject({ kind: 'enum', values: ['hopper', 'ampere'] });
    expect(field(schema.maps.scenario, 'uvmscope')).toMatchObject({ kind: 'enum', values: ['1'], required: true });
  });

  it('tells sizes, durations, bandwidths, names and maps apart', () => {
    expect(field(schema.maps.region, 'size')).toMatchObject({ kind: 'size', required: true });
    expect(field(schema.maps.region, 'gpu')).toMatchObject({ kind: 'gpu' });
    expect(field(schema.maps.copy, 'latency')).toMatchObject({ kind: 'duration', required: true });
    expect(field(schema.maps.copy, 'bandwidth')).toMatchObject({ kind: 'bandwidth', required: true });
    expect(field(schema.maps.costs, 'faultBatchNs')).toMatchObject({ kind: 'duration' });
    expect(field(schema.maps.costs, 'faultGridBatchNs')).toMatchObject({ kind: 'duration' });
    expect(field(schema.maps.costs, 'faultGridBlockNs')).toMatchObject({ kind: 'duration' });
    expect(field(schema.maps.machine, 'gpus')).toMatchObject({ kind: 'list' });
    expect(field(schema.maps.machine, 'cpu')).toMatchObject({ kind: 'map' });
    expect(field(schema.maps.scenario, 'regions')).toMatchObject({ kind: 'list', required: true });
    expect(schema.maps.link.map((f) => f.name)).toEqual(['htod', 'dtoh', 'dtod']);
    expect(schema.regionKinds).toEqual([...REGION_KINDS]);
    expect(schema.defaultGpu).toBe('gpu0');
  });

  it('offers only keys the parser accepts', () => {
    // each op with each of its keys (one document per op, to stay under the parser's 100 errors): none refused as unknown
    const unknown = schema.ops.flatMap((o) => {
      const steps = o.fields.map((f) => `  - { op: ${o.op}, ${f.name}: 0 }`);
      const r = parseScenario(`uvmscope: 1\nregions: [{ name: r, size: 4KiB }]\nsteps:\n${steps.join('\n')}\n`, 'check.yaml');
      return r.ok ? [] : r.errors.filter((e) => e.message.startsWith('unknown key')).map((e) => `${o.op}: ${e.message}`);
    });
    expect(unknown).toEqual([]);
    // and a key it does not offer is refused
    const r = parseScenario('uvmscope: 1\nregions: [{ name: r, size: 4KiB }]\nsteps:\n  - { op: gaia.maquire, lenght: 0 }\n', 'check.yaml');
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/^unknown key `lenght`/));
  });

  it('reads the parser’s messages', () => {
    expect(classify('expected off, density or correlation, got "zz__"; did you mean `off`?')).toEqual({ kind: 'enum', values: ['off', 'density', 'correlation'] });
    expect(classify('expected pcie4, pcie5, nvlink-c2c or a map {htod, dtoh, dtod} of {latency, bandwidth}, got "zz__"')).toEqual({ kind: 'enum', values: ['pcie4', 'pcie5', 'nvlink-c2c'] });
    expect(classify('region "zz__" is not defined (regions: a, b)')).toEqual({ kind: 'region' });
    expect(classify('processor "zz__" is not defined (processors: cpu, gpu0)')).toEqual({ kind: 'processor' });
    expect(classify('processor "zz__" is not defined (GPUs: gpu0)')).toEqual({ kind: 'gpu' });
    expect(classify('expected a number, got "zz__"')).toEqual({ kind: 'number' });
    expect(classify('something else')).toBeNull();
  });

  it('is computed once per host, quickly', () => {
    const t0 = performance.now();
    const again = scenarioSchema();
    expect(performance.now() - t0).toBeLessThan(5);
    expect(again).toBe(scenarioSchema());
    expect(again).toEqual(schema);
  });
});
