/**
 * The capture side for two GPUs, before any real two-GPU capture exists: the header's `gpus` and `peers`
 * (uvm-capture 1.1), a device-to-device record with its source and destination device, and `compare` carrying the
 * dtod counter against the model's device-to-device bytes. The captures here are hand-written, and named so
 * (test/fixtures/captures/synthetic/): what a two-GPU machine with peer access would report for three prefetches, and
 * what one without peer access would (the copy staged through the CPU).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/engine/capture/parse.js';
import { summarizeCapture } from '../../src/engine/capture/summary.js';
import { compareWithCapture, scenarioAsCaptured } from '../../src/engine/capture/compare.js';
import { buildPlan } from '../../src/engine/capture/plan.js';
import type { Capture } from '../../src/engine/capture/types.js';
import { formatScenarioError, parseScenario, type Scenario } from '../../src/engine/scenario/index.js';

const DIR = new URL('../fixtures/captures/', import.meta.url);
const MiB = 1024 * 1024;

function capture(path: string): Capture {
  const p = parseCapture(readFileSync(new URL(path, DIR), 'utf8'));
  if (!p.ok) throw new Error(p.errors.map((e) => `${e.line}:${e.field ?? ''} ${e.message}`).join('\n'));
  return p.capture;
}

/** The scenario the synthetic captures stand for: a 2 MiB block prefetched to gpu0, then gpu1, then the CPU. */
const SCENARIO = `uvmscope: 1
name: "synthetic: a block moved gpu0 → gpu1 → cpu"
machine:
  gpus:
    - { name: gpu0, memory: 80GiB, arch: hopper }
    - { name: gpu1, memory: 80GiB, arch: hopper }
regions:
  - { name: buf, size: 2MiB }
steps:
  - { op: uvm.prefetch, region: buf, to: gpu0 }
  - { op: uvm.prefetch, region: buf, to: gpu1 }
  - { op: uvm.prefetch, region: buf, to: cpu }
`;

function scenario(): Scenario {
  const r = parseScenario(SCENARIO, 'synthetic-dtod.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}

describe('a two-GPU capture (synthetic)', () => {
  it('reads the GPUs and their peer access from the header', () => {
    const c = capture('synthetic/synthetic-dtod.jsonl');
    expect(c.header.gpus.map((g) => [g.ordinal, g.name, g.pciBusId])).toEqual([
      [0, 'gpu0', '0000:00:06.0'],
      [1, 'gpu1', '0000:00:07.0'],
    ]);
    expect(c.header.peers).toEqual([
      { from: 0, to: 1, canAccessPeer: true, enabled: true, error: null },
      { from: 1, to: 0, canAccessPeer: true, enabled: true, error: null },
    ]);
  });

  it('reads a device-to-device record with its source and destination, and counts it as dtod', () => {
    const c = capture('synthetic/synthetic-dtod.jsonl');
    const dtod = c.records.filter((r) => r.kind === 'dtod');
    expect(dtod.map((r) => [r.src, r.dst, r.bytes, r.cause, r.region, r.offset])).toEqual([['gpu0', 'gpu1', 2 * MiB, 'user', 0, 0]]);
    const s = summarizeCapture(c);
    expect(s.counters.dtod_bytes).toBe(2 * MiB);
    expect(s.counters.dtod_transfers).toEqual({ [2 * MiB]: 1 });
    expect(s.steps.find((x) => x.step === 1)?.counters.dtod_bytes).toBe(2 * MiB);
  });

  it('gives a capture made before the header listed GPUs one GPU, device 0, and no peers', () => {
    const c = capture('default.jsonl');
    expect(c.header.gpus).toHaveLength(1);
    expect(c.header.gpus[0]).toMatchObject({ ordinal: 0, name: '', gpu: c.header.machine.gpu, memoryBytes: c.header.machine.memoryBytes });
    expect(c.header.peers).toEqual([]);
  });

  it('refuses GPUs out of order and a peer pair that names an unlisted GPU', () => {
    const text = readFileSync(new URL('synthetic/synthetic-dtod.jsonl', DIR), 'utf8');
    const bad = text.replace('"ordinal":1', '"ordinal":0').replace('{"from":1,"to":0', '{"from":1,"to":5');
    const p = parseCapture(bad);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.errors.map((e) => e.field)).toEqual(['gpus[1].ordinal', 'peers[1]']);
  });

  it('compare: the model copies the block device to device as the capture did, every exact counter equal', () => {
    const cmp = compareWithCapture(scenario(), capture('synthetic/synthetic-dtod.jsonl'));
    const row = (n: string) => cmp.counters.find((c) => c.name === n)!;
    expect([row('dtod_bytes').model, row('dtod_bytes').real, row('dtod_bytes').ok]).toEqual([2 * MiB, 2 * MiB, true]);
    expect([row('dtoh_bytes').model, row('dtoh_bytes').real]).toEqual([2 * MiB, 2 * MiB]);
    expect(row('htod_bytes').model).toBe(0);
    expect(cmp.histograms.find((h) => h.name === 'dtod_transfers')!.distance).toBe(0);
    expect(cmp.firstDifferences).toEqual([]);
    expect(cmp.ok).toBe(true);
  });

  it('compare: without peer access the copy was staged through the CPU; dtod disagrees at that step, and the change says why', () => {
    const c = capture('synthetic/synthetic-dtod-staged.jsonl');
    const cmp = compareWithCapture(scenario(), c);
    expect(cmp.ok).toBe(false);
    expect(cmp.firstDifferences.find((d) => d.counter === 'dtod_bytes')).toEqual({ step: 1, op: 'uvm.prefetch', counter: 'dtod_bytes', model: 2 * MiB, real: 0 });
    expect(cmp.changes.filter((x) => x.startsWith('peer access'))).toEqual([
      "peer access gpu0 → gpu1 was not enabled (peer access is not supported between these two devices) on the capture's machine; the model's GPUs are peers, so where it copies device to device the driver staged through the CPU (device to host, then host to device)",
      "peer access gpu1 → gpu0 was not enabled (peer access is not supported between these two devices) on the capture's machine; the model's GPUs are peers, so where it copies device to device the driver staged through the CPU (device to host, then host to device)",
    ]);
  });

  it('runs the model on each captured GPU memory', () => {
    const c = capture('synthetic/synthetic-dtod.jsonl');
    const { scenario: s, changes } = scenarioAsCaptured(scenario(), c.header);
    const chunk = 2 * MiB;
    expect(s.machine.gpus.map((g) => g.memory)).toEqual([Math.floor(85017493504 / chunk) * chunk, Math.floor(85017493504 / chunk) * chunk]);
    expect(changes.filter((x) => x.startsWith('machine.gpus['))).toHaveLength(2);
  });

  it('the scenario plans for two devices: the plan a two-GPU machine would run', () => {
    const r = buildPlan(scenario());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.plan.text).toContain('\ngpu 0 gpu0\ngpu 1 gpu1\n');
      expect(r.plan.text).toContain('\nstep 0 prefetch 0 0 2097152 gpu0\nstep 1 prefetch 0 0 2097152 gpu1\nstep 2 prefetch 0 0 2097152 cpu\n');
    }
  });
});
