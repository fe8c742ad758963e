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
