/**
 * Play (src/renderer/state/player.ts) over the real store and engine service in Node, with
 * animation frames from a timer: it runs to the end or to a breakpoint hit and says why it
 * stopped, never has two of its requests in flight, and stops when the user moves the cursor
 * or a run loads.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setEngineForTests, useDebugger } from '../../../src/renderer/state/store';
import { usePlayer } from '../../../src/renderer/state/player';
import { engineDouble, type EngineDouble } from './engine-double';

const scenario = (name: string) => readFileSync(new URL(`../../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

beforeAll(() => {
  // frames every 4 ms: a fast display, so that tests do not wait long
  globalThis.requestAnimationFrame = (cb: FrameRequestCallback) => setTimeout(() => cb(performance.now()), 4) as unknown as number;
  globalThis.cancelAnimationFrame = (h: number) => clearTimeout(h);
});

let engine: EngineDouble;
beforeEach(() => {
  engine = engineDouble();
  setEngineForTests(engine.client);
});
afterEach(() => {
  usePlayer.getState().pause();
});

/** Wait until `ok()` holds, checking after each task (a few seconds at most). */
async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The most step and seek requests ever outstanding at once (sent and not yet answered). */
function watchInFlight(e: EngineDouble): () => number {
  let most = 0;
  const motions = () => e.requests.filter((r) => r.type === 'step' || r.type === 'seek').length;
  const before = motions();
  const sent = () => motions() - before;
  let answered = 0;
  const off = useDebugger.subscribe((s, prev) => {
    if (s.state !== prev.state) answered++;
  });
  const timer = setInterval(() => (most = Math.max(most, sent() - answered)), 0);
  return () => {
    off();
    clearInterval(timer);
    return most;
  };
}

describe('play', () => {
  it('plays to the end of a run as fast as frames allow, one request at a time, and says it reached the end', async () => {
    await useDebugger.getState().load(scenario('fault-batch-cost'), 'fault-batch-cost.yaml');
    const last = useDebugger.getState().run!.totalSteps - 1;
    useDebugger.getState().seek(Math.max(0, last - 60));
    await until(() => useDebugger.getState().state?.step === Math.max(0, last - 60));
    usePlayer.getState().setSpeed('max');
    usePlayer.getState().setGranularity('into');
    const most = watchInFlight(engine);
    usePlayer.getState().play();
    expect(usePlayer.getState().playing).toBe(true);
    await until(() => !usePlayer.getState().playing);
    expect(most()).toBe(1);
    expect(useDebugger.getState().state?.step).toBe(last);
    expect(useDebugger.getState().lastStop).toEqual({ reason: 'end' });
    // play at the end starts over from the first step
    usePlayer.getState().play();
    await until(() => (useDebugger.getState().state?.step ?? 0) > 0 && useDebugger.getState().state!.step < 50);
    usePlayer.getState().pause();
  }, 30_000);

  it('stops on the first breakpoint hit, and the status names the breakpoint', async () => {
    await useDebugger.getState().load(scenario('default'), 'default.yaml');
    await useDebugger.getState().addBreakpoint('copy');
    const bp = useDebugger.getState().breakpoints[0];
    const first = bp.status!.hitSteps[0];
    expect(first).toBeGreaterThan(0);
    // start a little before the hit, at a speed that skips ahead by seeks
    useDebugger.getState().seek(Math.max(0, first - 40));
    await until(() => useDebugger.getState().state?.step === Math.max(0, first - 40));
    usePlayer.getState().setSpeed(60);
    usePlayer.getState().play();
    await until(() => !usePlayer.getState().playing);
    expect(useDebugger.getState().state?.step).toBe(first);
    expect(useDebugger.getState().lastStop).toEqual({ reason: 'breakpoint', breakpoint: bp.id, transition: null });
    await useDebugger.getState().removeBreakpoint(bp.id);
  }, 30_000);

  it('a step over that passes a hit comes back to it', async () => {
    await useDebugger.getState().load(scenario('default'), 'default.yaml');
    await useDebugger.getState().addBreakpoint('copy');
    const bp = useDebugger.getState().breakpoints.at(-1)!;
    const first = bp.status!.hitSteps[0];
    usePlayer.getState().setSpeed('max');
    usePlayer.getState().setGranularity('op');
    usePlayer.getState().play();
    await until(() => !usePlayer.getState().playing);
    expect(useDebugger.getState().state?.step).toBe(first);
    expect(useDebugger.getState().lastStop).toMatchObject({ reason: 'breakpoint', breakpoint: bp.id });
    usePlayer.getState().setGranularity('into');
    await useDebugger.getState().removeBreakpoint(bp.id);
  }, 30_000);

  it('pauses when the user steps or seeks, and when a run loads', async () => {
    await useDebugger.getState().load(scenario('default'), 'default.yaml');
    usePlayer.getState().setSpeed(25);
    usePlayer.getState().play();
    await until(() => (useDebugger.getState().state?.step ?? 0) >= 2);
    void useDebugger.getState().step('into', 'backward');
    expect(usePlayer.getState().playing).toBe(false);
    // the step back lands; then nothing moves the cursor any more (a negative: it takes a wait)
    await new Promise((r) => setTimeout(r, 100));
    const at = useDebugger.getState().state!.step;
    await new Promise((r) => setTimeout(r, 200));
    expect(useDebugger.getState().state?.step).toBe(at); // nothing moved it since

    usePlayer.getState().play();
    expect(usePlayer.getState().playing).toBe(true);
    useDebugger.getState().seek(0);
    expect(usePlayer.getState().playing).toBe(false);

    usePlayer.getState().play();
    expect(usePlayer.getState().playing).toBe(true);
    const loading = useDebugger.getState().load(scenario('first-touch'), 'first-touch.yaml');
    expect(usePlayer.getState().playing).toBe(false);
    await loading;
  }, 30_000);
});
