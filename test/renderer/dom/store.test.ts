/**
 * The debugger store (src/renderer/state/store.ts) over a real engine service in Node: what a load does with a
 * scenario's `open:` bookmark.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { setEngineForTests, useDebugger } from '../../../src/renderer/state/store';
import { engineDouble, type EngineDouble } from './engine-double';

const scenario = (name: string) => readFileSync(new URL(`../../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

let engine: EngineDouble;
beforeEach(() => {
  engine = engineDouble();
  setEngineForTests(engine.client);
});

describe('loading a scenario', () => {
  it('opens at the `open:` bookmark: the state the store publishes is already there', async () => {
    const seen: number[] = [];
    const off = useDebugger.subscribe((s) => {
      if (s.state) seen.push(s.state.step);
    });
    expect(await useDebugger.getState().load(scenario('gaia-maquire'), 'gaia-maquire.yaml')).toBe(true);
    off();
    const { run, state } = useDebugger.getState();
    expect(run?.open?.bookmark).toBe('cpu-wrote');
    expect(state?.step).toBe(run?.open?.step);
    expect(state?.narration).toMatch(/^maquire\(start, len, MA_PROC_NVIDIA\)/);
    // no flash of the first step: the cursor went straight there
    expect(seen.every((s) => s === run?.open?.step)).toBe(true);
    expect(engine.count('seek')).toBe(1);
    // Home still goes to the first step
    useDebugger.getState().seek(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(useDebugger.getState().state?.step).toBe(0);
  });

  it('keeps the first step for a scenario without `open`, and the asked-for cursor of a reload', async () => {
    await useDebugger.getState().load(scenario('default'), 'default.yaml');
    expect(useDebugger.getState().state?.step).toBe(0);
    expect(engine.count('seek')).toBe(0);
    await useDebugger.getState().load(scenario('gaia-maquire'), 'gaia-maquire.yaml', 5);
    expect(useDebugger.getState().state?.step).toBe(5);
    expect(engine.count('seek')).toBe(0);
  });
});
