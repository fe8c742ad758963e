/**
 * Play's pacing (src/renderer/state/player-pacing.ts) over a fake debugger and a fake clock:
 * one request in flight at a time, skipping ahead by a seek when frames fall behind, and
 * stopping at the end, at a breakpoint hit (also one a step over passed) and when paused.
 * Also what a typed step means (go to step, the palette's "Go to step N").
 */
import { describe, expect, it } from 'vitest';
import { Pacer, firstHitBetween, type PlayGranularity, type PlayHost, type PlaySpeed, type PlayStop } from '../../src/renderer/state/player-pacing';
import { parseStepInput } from '../../src/renderer/app/step-input';

interface Request {
  readonly kind: 'step' | 'seek';
  readonly granularity?: PlayGranularity;
  readonly target?: number;
  land(to: number): void;
}

/** A debugger whose requests land only when the test says so. */
function fakeDebugger(options: { last: number; cursor?: number; hits?: { breakpoint: number; steps: number[] }[] }) {
  const requests: Request[] = [];
  const stops: PlayStop[] = [];
  let cursor = options.cursor ?? 0;
  const pending = (kind: 'step' | 'seek', extra: Partial<Request>) =>
    new Promise<number>((resolve) => {
      requests.push({
        kind,
        ...extra,
        land(to) {
          cursor = to;
          resolve(to);
        },
      });
    });
  const host: PlayHost = {
    cursor: () => cursor,
    lastStep: () => options.last,
    hitBetween: (from, to) => firstHitBetween(options.hits ?? [], from, to),
    step: (granularity) => pending('step', { granularity }),
    seek: (target) => pending('seek', { target }),
  };
  const make = (speed: PlaySpeed, granularity: PlayGranularity = 'into') => new Pacer(host, { speed, granularity, onStop: (s) => stops.push(s) });
  return { requests, stops, make, cursor: () => cursor };
}

/** Let the promise callbacks of a landing run. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

describe('play pacing', () => {
  it('sends one step when it is due and none while it is in flight', async () => {
    const d = fakeDebugger({ last: 100 });
    const p = d.make(10);
    p.start(0);
    p.frame(50);
    expect(d.requests).toHaveLength(0); // 10 steps/s: the first is due at 100 ms
    p.frame(100);
    expect(d.requests).toEqual([expect.objectContaining({ kind: 'step', granularity: 'into' })]);
    p.frame(200);
    p.frame(300);
    expect(d.requests).toHaveLength(1); // the first has not landed: nothing more is sent
    d.requests[0].land(1);
    await settle();
    p.frame(300);
    // three were due by 300 ms, one taken: the view was slow, so the cursor skips ahead by a seek
    expect(d.requests).toHaveLength(2);
    expect(d.requests[1]).toEqual(expect.objectContaining({ kind: 'seek', target: 3 }));
    d.requests[1].land(3);
    await settle();
    p.frame(350);
    expect(d.requests).toHaveLength(2); // none due until 400 ms
    p.frame(400);
    expect(d.requests[2]).toEqual(expect.objectContaining({ kind: 'step', granularity: 'into' }));
    expect(p.playing).toBe(true);
  });

  it('as fast as frames allow: one step each frame, still one at a time', async () => {
    const d = fakeDebugger({ last: 100 });
    const p = d.make('max');
    p.start(0);
    p.frame(16);
    p.frame(33);
    expect(d.requests).toHaveLength(1);
    d.requests[0].land(1);
    await settle();
    p.frame(50);
    expect(d.requests).toHaveLength(2);
    expect(d.requests.every((r) => r.kind === 'step')).toBe(true);
  });

  it('makes up at most a second of steps after a long gap (a tab in the background)', async () => {
    const d = fakeDebugger({ last: 10_000 });
    const p = d.make(25);
    p.start(0);
    p.frame(60_000);
    expect(d.requests[0]).toEqual(expect.objectContaining({ kind: 'seek', target: 25 }));
  });

  it('steps over one at a time and drops the time a slow step lost', async () => {
    const d = fakeDebugger({ last: 1000 });
    const p = d.make(10, 'over');
    p.start(0);
    p.frame(100);
    expect(d.requests[0]).toEqual(expect.objectContaining({ kind: 'step', granularity: 'over' }));
    d.requests[0].land(40);
    await settle();
    p.frame(500); // four were due: only one request, and no burst afterwards
    expect(d.requests).toHaveLength(2);
    expect(d.requests[1]).toEqual(expect.objectContaining({ kind: 'step', granularity: 'over' }));
    d.requests[1].land(80);
    await settle();
    p.frame(550);
    expect(d.requests).toHaveLength(2);
    p.frame(600);
    expect(d.requests).toHaveLength(3);
  });

  it('stops at the end of the run', async () => {
    const d = fakeDebugger({ last: 5, cursor: 4 });
    const p = d.make('max');
    p.start(0);
    p.frame(16);
    d.requests[0].land(5);
    await settle();
    expect(p.playing).toBe(false);
    expect(d.stops).toEqual([{ reason: 'end' }]);
    p.frame(33);
    expect(d.requests).toHaveLength(1);
  });

  it('a skip ahead never passes the end', async () => {
    const d = fakeDebugger({ last: 5, cursor: 3 });
    const p = d.make(60);
    p.start(0);
    p.frame(1000);
    expect(d.requests[0]).toEqual(expect.objectContaining({ kind: 'seek', target: 5 }));
    d.requests[0].land(5);
    await settle();
    expect(d.stops).toEqual([{ reason: 'end' }]);
  });

  it('stops on a breakpoint hit, and a skip ahead stops at the hit, not past it', async () => {
    const d = fakeDebugger({ last: 100, cursor: 3, hits: [{ breakpoint: 2, steps: [1, 5, 9] }] });
    const p = d.make(10);
    p.start(0);
    p.frame(900); // nine due: the seek goes to the hit at 5
    expect(d.requests[0]).toEqual(expect.objectContaining({ kind: 'seek', target: 5 }));
    d.requests[0].land(5);
    await settle();
    expect(p.playing).toBe(false);
    expect(d.stops).toEqual([{ reason: 'breakpoint', step: 5, breakpoint: 2 }]);
    // play again from the hit: it does not stop at the hit it starts on
    p.start(1000);
    p.frame(1100);
    expect(d.requests[1]).toEqual(expect.objectContaining({ kind: 'step' }));
    d.requests[1].land(6);
    await settle();
    expect(p.playing).toBe(true);
  });

  it('a step over that passes a hit comes back to it', async () => {
    const d = fakeDebugger({ last: 100, cursor: 10, hits: [{ breakpoint: 7, steps: [15] }, { breakpoint: 3, steps: [18] }] });
    const p = d.make('max', 'over');
    p.start(0);
    p.frame(16);
    d.requests[0].land(20);
    await settle();
    expect(d.requests[1]).toEqual(expect.objectContaining({ kind: 'seek', target: 15 }));
    expect(p.playing).toBe(true);
    d.requests[1].land(15);
    await settle();
    expect(d.stops).toEqual([{ reason: 'breakpoint', step: 15, breakpoint: 7 }]);
    expect(d.cursor()).toBe(15);
  });

  it('paused (the user stepped): the request in flight lands and nothing follows', async () => {
    const d = fakeDebugger({ last: 100 });
    const p = d.make('max');
    p.start(0);
    p.frame(16);
    p.stop();
    d.requests[0].land(1);
    await settle();
    p.frame(33);
    p.frame(50);
    expect(d.requests).toHaveLength(1);
    expect(d.stops).toEqual([]); // a pause is the user's, not a stop to report
  });

  it('a step that does not move stops play rather than spinning', async () => {
    const d = fakeDebugger({ last: 100, cursor: 7 });
    const p = d.make('max', 'op');
    p.start(0);
    p.frame(16);
    d.requests[0].land(7);
    await settle();
    expect(d.stops).toEqual([{ reason: 'stuck' }]);
  });

  it('a new speed counts from when it was chosen', async () => {
    const d = fakeDebugger({ last: 1000 });
    const p = d.make(1);
    p.start(0);
    p.frame(900);
    expect(d.requests).toHaveLength(0);
    p.configure(900, 60, 'into');
    p.frame(910);
    expect(d.requests).toHaveLength(0);
    p.frame(917);
    expect(d.requests).toHaveLength(1);
  });
});

describe('firstHitBetween', () => {
  it('finds the earliest hit in (from, to] over every breakpoint', () => {
    const lists = [
      { breakpoint: 1, steps: [2, 10, 30] },
      { breakpoint: 2, steps: [8, 9] },
    ];
    expect(firstHitBetween(lists, 2, 20)).toEqual({ step: 8, breakpoint: 2 });
    expect(firstHitBetween(lists, 0, 2)).toEqual({ step: 2, breakpoint: 1 });
    expect(firstHitBetween(lists, 10, 29)).toBeNull();
    expect(firstHitBetween(lists, 30, 100)).toBeNull();
    expect(firstHitBetween([], 0, 100)).toBeNull();
  });
});

describe('a typed step (go to step)', () => {
  it('is a step as the status bar numbers them, or +n / -n from the cursor', () => {
    expect(parseStepInput('0', 50, 100)).toEqual({ step: 0 });
    expect(parseStepInput(' 100 ', 50, 100)).toEqual({ step: 100 });
    expect(parseStepInput('+7', 50, 100)).toEqual({ step: 57 });
    expect(parseStepInput('-7', 50, 100)).toEqual({ step: 43 });
    expect(parseStepInput('−7', 50, 100)).toEqual({ step: 43 });
  });

  it('says why when there is no such step', () => {
    expect(parseStepInput('101', 50, 100)).toEqual({ error: 'outOfRange', step: 101 });
    expect(parseStepInput('-60', 50, 100)).toEqual({ error: 'outOfRange', step: -10 });
    expect(parseStepInput('', 50, 100)).toEqual({ error: 'notANumber' });
    expect(parseStepInput('12a', 50, 100)).toEqual({ error: 'notANumber' });
    expect(parseStepInput('1.5', 50, 100)).toEqual({ error: 'notANumber' });
  });
});
