/**
 * "Why did this happen?", walked back (engine/run/why.ts whyChain): each link is the main cause of the one before it.
 * Checked on real runs: a GPU prefetch copy in first-touch goes back to the CPU write that first populated the page,
 * and a thrashing copy walks the ping-pong back round after round.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/engine/run/execute';
import { whyChain } from '../../src/engine/run/why';
import { parseScenario } from '../../src/engine/scenario/parse';
import { K } from '../../src/engine/uvm/kinds';

function runOf(name: string) {
  const p = parseScenario(readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8'), `${name}.yaml`);
  if (!p.ok) throw new Error(name);
  return execute(p.scenario);
}
function copies(run: ReturnType<typeof runOf>): number[] {
  const out: number[] = [];
  for (let t = 0; t < run.transitionCount; t++) if (run.ctx.store.kindOf(t) === K.copy) out.push(t);
  return out;
}

describe('whyChain', () => {
  it('first-touch: a GPU copy served a GPU fault, the page was on the CPU since a populate, which served the CPU write', () => {
    const run = runOf('first-touch');
    const t = copies(run).find((c) => run.transition(c).text.startsWith('copy 64 KiB cpu → gpu0 (prefetch)'))!;
    const chain = whyChain(run, t);
    expect(chain.map((l) => l.relation)).toEqual(['start', 'serving', 'since', 'serving']);
    expect(chain[1].text).toMatch(/^gpu0 read fault on block 0 page \d+$/);
    expect(chain[2].text).toMatch(/^block 0 resident of cpu: \+\d+/);
    expect(chain[3].text).toMatch(/^CPU atomic_strong fault on block 0 page \d+$/);
    // each link happened before the one it explains
    for (let i = 1; i < chain.length; i++) expect(chain[i].transition).toBeLessThan(chain[i - 1].transition);
    expect(chain[0].transition).toBe(t);
  });

  it('thrashing: a CPU copy walks back through the ping-pong, alternating faults and residency, up to 8 links', () => {
    const run = runOf('thrashing');
    const t = copies(run)[12];
    const chain = whyChain(run, t);
    expect(chain).toHaveLength(8);
    expect(chain.slice(1).map((l) => l.relation)).toEqual(['serving', 'since', 'serving', 'since', 'serving', 'since', 'serving']);
    expect(chain.filter((l) => l.relation === 'since').map((l) => /resident of (\w+)/.exec(l.text)![1])).toEqual(['gpu0', 'cpu', 'gpu0']);
    for (let i = 1; i < chain.length; i++) expect(chain[i].step).toBeLessThanOrEqual(chain[i - 1].step);
  });

  it('refuses a transition outside the run', () => {
    const run = runOf('first-touch');
    expect(() => whyChain(run, run.transitionCount)).toThrow(RangeError);
  });
});
