import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, formatScenarioError } from '../../src/engine/scenario/index';
import { execute } from '../../src/engine/run/execute';
import { checkInvariants } from '../../src/engine/run/invariants';

const file = new URL('../../assets/scenarios/gdr-private-address-space.yaml', import.meta.url);
const text = readFileSync(file, 'utf8');

function run(yaml: string) {
  const r = parseScenario(yaml, 'gdr-private-address-space.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return execute(r.scenario);
}

/** Events of the last scenario op, as text. */
function lastOpEvents(r: ReturnType<typeof run>): string[] {
  const lastOp = r.scenario.steps.length - 2; // the final op before its bookmark
  const out: string[] = [];
  for (let t = 0; t < r.transitionCount; t++) {
    const v = r.transition(t);
    if (v.type === 'event' && r.opOf(r.stepOfTransition(t)) === lastOp) out.push(v.text);
  }
  return out;
}

describe('gdr-private-address-space.yaml', () => {
  it('zaps only the unpinning process’s mapping, so the other process keeps copying', () => {
    const r = run(text);
    expect(checkInvariants(r)).toEqual([]);
    expect(r.counters().gdr_bytes).toBe(8192);
    const zaps = [];
    for (let t = 0; t < r.transitionCount; t++) {
      const v = r.transition(t);
      if (v.kind === 'gdrZapVma') zaps.push(v.text);
    }
    expect(zaps).toHaveLength(1);
    expect(lastOpEvents(r).join('\n')).toMatch(/gdr_copy_to_mapping of 4096 B/);
  });

  it('with one shared address_space the same unpin also zaps the other process’s mapping, and its next copy gets SIGBUS', () => {
    const shared = run(text.replace('regions:', 'policy: { gdrSharedMapping: on }\nregions:'));
    expect(checkInvariants(shared)).toEqual([]);
    expect(shared.counters().gdr_bytes).toBe(4096);
    const zaps = [];
    for (let t = 0; t < shared.transitionCount; t++) {
      const v = shared.transition(t);
      if (v.kind === 'gdrZapVma') zaps.push(v.text);
    }
    expect(zaps).toHaveLength(2);
    expect(zaps[1]).toMatch(/another open file/);
    expect(lastOpEvents(shared).join('\n')).toMatch(/SIGBUS/);
  });
});

// ---------------------------------------------------------------- uvm-private-address-space.yaml

const uvmText = readFileSync(new URL('../../assets/scenarios/uvm-private-address-space.yaml', import.meta.url), 'utf8');

function uvmRun(yaml: string) {
  const r = parseScenario(yaml, 'uvm-private-address-space.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return execute(r.scenario);
}

/** Events of kind `kind` between the bookmark before `to` (or the start) and `to`, as their decoded fields. */
function eventsUntil(r: ReturnType<typeof uvmRun>, kind: string, to: string): Record<string, number | string>[] {
  const steps = r.scenario.steps;
  const end = steps.findIndex((s) => s.op === 'bookmark' && s.name === to);
  let start = end - 1;
  while (start >= 0 && steps[start].op !== 'bookmark') start--;
  const out: Record<string, number | string>[] = [];
  for (let t = 0; t < r.transitionCount; t++) {
    const op = r.opOf(r.stepOfTransition(t));
    if (op <= start || op >= end) continue;
    const v = r.transition(t);
    if (v.kind === kind) out.push(v.fields);
  }
  return out;
}

describe('uvm-private-address-space.yaml', () => {
  it('maps A at the same address in both processes, each VMA on its own file\u2019s private address_space', () => {
    const r = uvmRun(uvmText);
    const dev = r.ctx.uvmDev!;
    const v1 = dev.vmaOf(1, 0);
    const v2 = dev.vmaOf(2, 0);
    expect(dev.startOf(v1)).toBe(0x7f0000000000);
    expect(dev.startOf(v2)).toBe(dev.startOf(v1));
    expect([dev.vaSpaceMapping(1), dev.vaSpaceMapping(2)]).toEqual([1, 2]);
    const opens = eventsUntil(r, 'uvmOpen', 'both-mapped');
    expect(opens).toEqual([{ file: 1, process: 2, address_space: 2, shared: 0 }]);
    expect(eventsUntil(r, 'uvmVmFault', 'both-mapped').map((f) => f.outcome)).toEqual(Array(1024).fill('first_touch'));
  });

  it('zaps only process 1\u2019s VMA when its pages migrate: 12 calls, 1,024 PTEs, process 2 keeps all of its own', () => {
    const r = uvmRun(uvmText);
    const ranges = eventsUntil(r, 'uvmZapRange', 'migrated');
    const zaps = eventsUntil(r, 'uvmZapVma', 'migrated');
    expect(ranges).toHaveLength(12);
    expect(ranges.every((f) => f.address_space === 1 && f.process === 1)).toBe(true);
    expect(zaps).toHaveLength(12);
    expect(zaps.every((f) => f.vma === 0 && f.process === 1 && f.other_process === 0)).toBe(true);
    expect(zaps.reduce((n, f) => n + Number(f.ptes), 0)).toBe(1024);
    expect(eventsUntil(r, 'uvmVmFault', 'still-mapped')).toEqual([]);
    expect(checkInvariants(r)).toEqual([]);
  });

  it('steps through the walk inside block_unmap_cpu, under the migration that needs it', () => {
    const r = uvmRun(uvmText);
    let walk = -1;
    for (let s = 0; s < r.stepCount && walk < 0; s++) if (r.frameOf(s).fn === 'unmap_mapping_range') walk = s;
    expect(r.stackOf(walk).map((f) => f.fn).slice(-4)).toEqual(['uvm_va_block_make_resident_copy', 'uvm_va_block_unmap', 'block_unmap_cpu', 'unmap_mapping_range']);
    // setup: uvm_open, then UVM_INITIALIZE's uvm_va_space_create, then uvm_mmap inside do_mmap
    const setup: string[] = [];
    for (let s = 0; s < r.stepCount && r.frameOf(s).fn !== 'scenario'; s++) if (!setup.includes(r.frameOf(s).fn)) setup.push(r.frameOf(s).fn);
    expect(setup).toEqual(['process_start', 'uvm_open', 'uvm_api_initialize', 'uvm_va_space_create', 'do_mmap', 'uvm_mmap']);
  });

  it('with one shared address_space the same walks zap process 2 too, and its read takes two faults a page', () => {
    const shared = uvmRun(uvmText.replace('regions:', 'policy: { uvmSharedMapping: on }\nregions:'));
    expect(eventsUntil(shared, 'uvmOpen', 'both-mapped')).toEqual([{ file: 1, process: 2, address_space: 0, shared: 1 }]);
    const zaps = eventsUntil(shared, 'uvmZapVma', 'migrated');
    expect(zaps).toHaveLength(24);
    const other = zaps.filter((f) => f.other_process === 1);
    expect(other.map((f) => f.vma)).toEqual(Array(12).fill(1));
    expect(other.reduce((n, f) => n + Number(f.ptes), 0)).toBe(1024);
    const faults = eventsUntil(shared, 'uvmVmFault', 'still-mapped').map((f) => f.outcome);
    expect(faults.filter((o) => o === 'skipped')).toHaveLength(1024);
    expect(faults.filter((o) => o === 'remapped')).toHaveLength(1024);
    expect(faults).toHaveLength(2048);
    // the counters are process 1's: process 2's faults are events only
    const priv = uvmRun(uvmText);
    expect(shared.counters()).toEqual(priv.counters());
    expect(shared.simTimeNs() - priv.simTimeNs()).toBeCloseTo(2048 * 60_000, 3);
    expect(checkInvariants(shared)).toEqual([]);
  });
});
