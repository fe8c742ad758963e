import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runYaml } from './helpers';
import { checkInvariants } from '../../src/engine/run/invariants';
import { checkEveryStep } from '../../src/engine/run/step-check';

/**
 * Random small scenarios: 1-2 GPUs (sometimes with little memory), 1-3 regions, a mix of every op of managed memory,
 * with a second process of /dev/nvidia-uvm (uvm.open, its own CPU accesses) and either address_space policy.
 */
const KiB = 1024;
const MiB = 1024 * KiB;

const arbRegionSize = fc.constantFrom(4 * KiB, 64 * KiB, 1 * MiB, 2 * MiB, 3 * MiB + 12 * KiB, 4 * MiB);
const arbScenario = fc
  .record({
    gpus: fc.integer({ min: 1, max: 2 }),
    gpuMiB: fc.constantFrom(4, 6, 8, 80 * 1024),
    prefetch: fc.constantFrom('density', 'off', 'correlation'),
    thrashing: fc.constantFrom('on', 'off'),
    uvmShared: fc.constantFrom('on', 'off'),
    regions: fc.array(arbRegionSize, { minLength: 1, maxLength: 3 }),
    steps: fc.array(
      fc.record({
        kind: fc.constantFrom('cpu.read', 'cpu.write', 'gpu.kernel', 'uvm.prefetch', 'uvm.advise', 'process2'),
        region: fc.nat(),
        gpu: fc.nat(),
        op: fc.constantFrom('read', 'write', 'atomic'),
        pattern: fc.constantFrom('sequential', 'random', 'strided', 'list'),
        seed: fc.integer({ min: 1, max: 1000 }),
        frac: fc.double({ min: 0, max: 1, noNaN: true }),
        advice: fc.constantFrom('read-mostly', 'unset-read-mostly', 'preferred-location', 'unset-preferred-location', 'accessed-by', 'unset-accessed-by'),
        toCpu: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map((s) => {
    const gpuNames = Array.from({ length: s.gpus }, (_, i) => `gpu${i}`);
    const lines = [
      'uvmscope: 1',
      `machine: { gpus: [ ${gpuNames.map((n) => `{ name: ${n}, memory: ${s.gpuMiB}MiB, arch: hopper }`).join(', ')} ] }`,
      `policy: { prefetch: ${s.prefetch}, thrashing: ${s.thrashing}, uvmSharedMapping: ${s.uvmShared} }`,
      'regions:',
      ...s.regions.map((size, i) => `  - { name: R${i}, size: ${size} }`),
      'steps:',
    ];
    let opened = false;
    for (const st of s.steps) {
      const r = st.region % s.regions.length;
      const size = s.regions[r];
      const pages = size / 4096;
      const gpu = gpuNames[st.gpu % s.gpus];
      const access = (op: string) => {
        switch (st.pattern) {
          case 'sequential': {
            const off = Math.floor(st.frac * (pages - 1)) * 4096;
            return `region: R${r}, op: ${op}, offset: ${off}`;
          }
          case 'random':
            return `region: R${r}, op: ${op}, pattern: random, count: ${1 + Math.floor(st.frac * 64)}, seed: ${st.seed}`;
          case 'strided':
            return `region: R${r}, op: ${op}, pattern: strided, stride: ${Math.max(1, Math.floor(st.frac * 8)) * 16 * 4096}`;
          default:
            return `region: R${r}, op: ${op}, pattern: list, pages: [${[st.seed % pages, (st.seed * 7) % pages, 0].join(', ')}]`;
        }
      };
      if (st.kind === 'process2') {
        // the second process opens /dev/nvidia-uvm once, then touches its own copy of the region
        if (!opened) lines.push('  - { op: uvm.open, process: 2 }');
        opened = true;
        lines.push(`  - { op: ${st.toCpu ? 'cpu.read' : 'cpu.write'}, ${access('read').replace(/, op: \w+/, '')}, process: 2 }`);
      } else if (st.kind === 'cpu.read' || st.kind === 'cpu.write') lines.push(`  - { op: ${st.kind}, ${access(st.kind === 'cpu.read' ? 'read' : 'write').replace(/, op: \w+/, '')} }`);
      else if (st.kind === 'gpu.kernel') lines.push(`  - { op: gpu.kernel, gpu: ${gpu}, access: { ${access(st.op)} } }`);
      else if (st.kind === 'uvm.prefetch') lines.push(`  - { op: uvm.prefetch, region: R${r}, to: ${st.toCpu ? 'cpu' : gpu} }`);
      else {
        const needsTarget = st.advice === 'preferred-location' || st.advice === 'accessed-by' || st.advice === 'unset-accessed-by';
        lines.push(`  - { op: uvm.advise, region: R${r}, advice: ${st.advice}${needsTarget ? `, target: ${st.toCpu ? 'cpu' : gpu}` : ''} }`);
      }
    }
    return lines.join('\n') + '\n';
  });

describe('random scenarios', () => {
  it('keep the every-step invariants after every step, and every invariant whenever no kernel path is open', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(arbScenario, (yaml) => {
        const run = runYaml(yaml);
        const r = checkEveryStep(run, { limit: 3 });
        if (r.violations.length) throw new Error(`${r.violations.map((v) => `after step ${v.step} (${v.where}): ${v.message}`).join('\n')}\n${yaml}`);
        expect(r.steps).toBe(run.stepCount);
        // the UVM rules hold after every step, so the full check agrees at the end too
        expect(checkInvariants(run, 3)).toEqual([]);
      }),
      { numRuns: 40, seed: 20261125 },
    );
  });

  it('reach identical digests going forward, all the way back and forward again', () => {
    fc.assert(
      fc.property(arbScenario, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), (yaml, picks) => {
        const run = runYaml(yaml);
        const last = run.stepCount - 1;
        const probes = picks.map((f) => Math.floor(f * last));
        const forward = new Map<number, string>();
        // forward, in order, recording digests at the probes
        for (const s of [...probes].sort((a, b) => a - b)) {
          run.seek(s);
          forward.set(s, run.digest());
        }
        run.seek(last);
        const end = run.digest();
        // backward, step by step at the end of the run, then jumps back to each probe
        for (let s = last; s >= Math.max(0, last - 50); s--) run.seek(s);
        run.seek(0);
        for (const s of [...probes].sort((a, b) => b - a)) {
          run.seek(s);
          expect(run.digest()).toBe(forward.get(s));
        }
        run.seek(last);
        expect(run.digest()).toBe(end);
      }),
      { numRuns: 30, seed: 7 },
    );
  });

  it('are deterministic: the same scenario gives the same trace, bit for bit', () => {
    fc.assert(
      fc.property(arbScenario, (yaml) => {
        const a = runYaml(yaml);
        const b = runYaml(yaml);
        expect(b.stepCount).toBe(a.stepCount);
        expect(b.transitionCount).toBe(a.transitionCount);
        expect(b.digest()).toBe(a.digest());
        const sa = a.ctx.store;
        const sb = b.ctx.store;
        for (let t = 0; t < a.transitionCount; t += Math.max(1, Math.floor(a.transitionCount / 500))) {
          expect([sb.kindOf(t), sb.indexOf(t), sb.objOf(t), sb.beforeOf(t), sb.afterOf(t)]).toEqual([sa.kindOf(t), sa.indexOf(t), sa.objOf(t), sa.beforeOf(t), sa.afterOf(t)]);
        }
      }),
      { numRuns: 20, seed: 11 },
    );
  });
});
