/** `uvmscope predict`: the truth of predict questions, for tour authors — a scenario's asks, or one question from the options. */
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args';
import { runCli } from './helpers';

const MAQUIRE = 'assets/scenarios/gaia-maquire.yaml';

describe('uvmscope predict', () => {
  it('prints each ask of a scenario with its truth as page runs', () => {
    const r = runCli(['predict', MAQUIRE]);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const [head, truth] = r.out.trim().split('\n');
    expect(head).toMatch(/^assets\/scenarios\/gaia-maquire\.yaml:\d+: ask \(op 8\): invalidations, after step \d+ through step \d+$/);
    expect(truth).toBe('  data.bin → gpu0: 512 pages: 0-511');
  });

  it('answers one question from the options, as text or JSON', () => {
    const asks = JSON.parse(runCli(['predict', MAQUIRE, '--json']).out);
    const { from, through } = asks.questions[0].question;
    const r = runCli(['predict', MAQUIRE, '--from', String(from), '--through', String(through), '--kind', 'tags']);
    expect(r.status).toBe(0);
    expect(r.out).toBe(`tags, after step ${from} through step ${through}\n  data.bin → cpuDirty: 18 pages: 256-271, 768-769\n  data.bin → dirty: 18 pages: 256-271, 768-769\n`);
    const j = JSON.parse(runCli(['predict', MAQUIRE, `--from=${from}`, `--through=${through}`, '--kind=moves', '--json']).out);
    expect(j.questions).toEqual([{ question: { kind: 'moves', from, through }, total: 512, truth: [{ region: 0, regionName: 'data.bin', target: 0, targetName: 'cpu', count: 512, pages: [[0, 511]] }] }]);
  });

  it('says what is wrong with a question or its options', () => {
    const far = runCli(['predict', MAQUIRE, '--from', '5', '--through', '99999999', '--kind', 'moves']);
    expect(far.status).toBe(1);
    expect(far.err).toMatch(/^uvmscope: --through: step 99999999 is outside the run \(steps 0\.\.\d+\)\n$/);
    expect(runCli(['predict', MAQUIRE, '--from', '5', '--through', '9', '--kind', 'copies']).err).toMatch(/--kind: unknown kind "copies"/);
    expect(() => parseArgs(['predict', MAQUIRE, '--from', '5'])).toThrow(new UsageError('--from, --through and --kind go together (one question); --from without the others', 'predict'));
    expect(() => parseArgs(['predict', MAQUIRE, '--from', 'x', '--through', '9', '--kind', 'moves'])).toThrow(/--from takes a step/);
    const none = runCli(['predict', 'assets/scenarios/default.yaml']);
    expect(none.status).toBe(1);
    expect(none.err).toBe('uvmscope: assets/scenarios/default.yaml asks nothing (no `ask` op): give --from, --through and --kind\n');
    expect(runCli(['predict', '--help']).out).toMatch(/^Usage: uvmscope predict <scenario\.yaml>/);
  });
});
