/**
 * Play / pause: the cursor moves forward on its own at a chosen speed (steps per second, or as
 * fast as frames allow) and granularity (step into, step over, scenario op), paced by
 * requestAnimationFrame (player-pacing.ts does the arithmetic). Play stops at the end of the
 * run, at a breakpoint hit, when a step fails to move, when a run loads, and as soon as the
 * user steps or seeks by hand (the store's onMotion).
 */
import { create } from 'zustand';
import { onMotion, useDebugger } from './store';
import { DEFAULT_SPEED, Pacer, firstHitBetween, type PlayGranularity, type PlayHost, type PlaySpeed, type PlayStop } from './player-pacing';

export { PLAY_GRANULARITIES, PLAY_SPEEDS, type PlayGranularity, type PlaySpeed } from './player-pacing';

export interface PlayerStore {
  playing: boolean;
  speed: PlaySpeed;
  granularity: PlayGranularity;
  play(): void;
  pause(): void;
  toggle(): void;
  setSpeed(speed: PlaySpeed): void;
  setGranularity(granularity: PlayGranularity): void;
}

/** True while the player itself is asking the store to move (so onMotion does not pause it). */
let driving = false;

/** Resolves with the cursor once the store's state changes (a step or seek landed, or failed). */
function landing(): Promise<number> {
  const before = useDebugger.getState();
  return new Promise((resolve) => {
    const off = useDebugger.subscribe((s) => {
      if (s.state === before.state && s.diagnostics === before.diagnostics && s.status === 'ready') return;
      off();
      resolve(s.state?.step ?? 0);
    });
  });
}

const host: PlayHost = {
  cursor: () => useDebugger.getState().state?.step ?? 0,
  lastStep: () => (useDebugger.getState().run?.totalSteps ?? 1) - 1,
  hitBetween(from, to) {
    const lists = useDebugger
      .getState()
      .breakpoints.filter((b) => b.enabled && b.status?.ok)
      .map((b) => ({ breakpoint: b.id, steps: b.status!.hitSteps }));
    return firstHitBetween(lists, from, to);
  },
  step(granularity) {
    const landed = landing();
    driving = true;
    try {
      void useDebugger.getState().step(granularity, 'forward');
    } finally {
      driving = false;
    }
    return landed;
  },
  seek(step) {
    if (step === host.cursor()) return Promise.resolve(step);
    const landed = landing();
    driving = true;
    try {
      useDebugger.getState().seek(step);
    } finally {
      driving = false;
    }
    return landed;
  },
};

function reportStop(stop: PlayStop): void {
  usePlayer.setState({ playing: false });
  if (stop.reason === 'breakpoint') useDebugger.setState({ lastStop: { reason: 'breakpoint', breakpoint: stop.breakpoint, transition: null } });
  else if (stop.reason === 'end') useDebugger.setState({ lastStop: { reason: 'end' } });
}

const pacer = new Pacer(host, { speed: DEFAULT_SPEED, granularity: 'into', onStop: reportStop });
let frameHandle = 0;

function loop(now: number): void {
  frameHandle = 0;
  if (!pacer.playing) return;
  pacer.frame(now);
  if (pacer.playing) frameHandle = requestAnimationFrame(loop);
}

export const usePlayer = create<PlayerStore>()((set, get) => ({
  playing: false,
  speed: DEFAULT_SPEED,
  granularity: 'into',

  play() {
    const dbg = useDebugger.getState();
    if (get().playing || dbg.status !== 'ready' || !dbg.state) return;
    set({ playing: true });
    useDebugger.setState({ lastStop: null });
    const begin = () => {
      if (!get().playing) return;
      pacer.start(performance.now());
      if (!frameHandle) frameHandle = requestAnimationFrame(loop);
    };
    // at the end, play starts over from the first step
    if (dbg.state.step >= host.lastStep()) void host.seek(0).then(begin);
    else begin();
  },
  pause() {
    if (!get().playing) return;
    pacer.stop();
    if (frameHandle) cancelAnimationFrame(frameHandle);
    frameHandle = 0;
    set({ playing: false });
  },
  toggle() {
    if (get().playing) get().pause();
    else get().play();
  },
  setSpeed(speed) {
    set({ speed });
    pacer.configure(performance.now(), speed, get().granularity);
  },
  setGranularity(granularity) {
    set({ granularity });
    pacer.configure(performance.now(), get().speed, granularity);
  },
}));

// the user moved the cursor, or a run is loading: play stops
onMotion(() => {
  if (!driving) usePlayer.getState().pause();
});
useDebugger.subscribe((s, prev) => {
  if (s.status !== 'ready' && prev.status === 'ready') usePlayer.getState().pause();
});
