/**
 * The debugger's store (zustand): what the renderer knows of the engine — the run's fixed
 * facts, the view at the cursor, the breakpoints and the selection — and the actions that
 * send commands. The model itself lives in the engine host; this is only its view.
 *
 * Requests go one at a time in the order sent (the host answers in order). Seeks coalesce:
 * while one is in flight only the latest target waits, so scrubbing a timeline never
 * queues thousands of seeks.
 */
import { create } from 'zustand';
import type {
  BreakpointStatus,
  CaptureComparisonView,
  Diagnostic,
  EngineResponse,
  ObjectRef,
  OkResponse,
  OpenedSession,
  RunInfo,
  SessionUserState,
  StateView,
  StepGranularity,
  ViewQuery,
  ViewResult,
} from '../../protocol';
import { startEngineHost, type EngineClient, type RequestBody } from '../engine/client';

export interface UiBreakpoint {
  readonly id: number;
  readonly spec: string;
  readonly enabled: boolean;
  /** The host's verdict: parsed with hits, or refused with a message. */
  readonly status?: BreakpointStatus;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface DebuggerStore {
  status: LoadStatus;
  /** The scenario as last loaded (what a cancel restores and a session saves). */
  source: string;
  fileName: string;
  run: RunInfo | null;
  state: StateView | null;
  progress: { done: number; total: number } | null;
  /** Errors of the last load or command, located where possible. */
  diagnostics: readonly Diagnostic[];
  breakpoints: readonly UiBreakpoint[];
  lastStop: OkResponse['stoppedBy'] | null;
  selection: ObjectRef | null;
  /** A transition the user picked (timeline, narration), for the inspector and "why". */
  selectedTransition: number | null;
  /** The real capture loaded beside the model's run of its scenario (loadCapture), or null. */
  capture: CaptureComparisonView | null;

  load(source: string, fileName: string, cursor?: number): Promise<boolean>;
  cancelLoad(): Promise<void>;
  /** Load a real capture with the scenario it names: the model's run as captured becomes the run. */
  loadCapture(capture: string, captureName: string, scenario: string, scenarioName: string): Promise<boolean>;
  step(granularity: StepGranularity, direction: 'forward' | 'backward'): Promise<void>;
  seek(step: number): void;
  addBreakpoint(spec: string): Promise<void>;
  updateBreakpoint(id: number, patch: Partial<Pick<UiBreakpoint, 'spec' | 'enabled'>>): Promise<void>;
  removeBreakpoint(id: number): Promise<void>;
  /** Open a saved session: its replayed run becomes the run, its breakpoints the breakpoints; null when it does not open. */
  openSession(text: string, fileName: string): Promise<OpenedSession | null>;
  /** The session text of the run with the user's state (the host writes it); throws the host's located refusal. */
  sessionText(user: SessionUserState): Promise<string>;
  select(ref: ObjectRef | null): void;
  selectTransition(t: number | null): void;
  /** Ask for a view at the cursor. */
  view<R extends ViewResult = ViewResult>(query: ViewQuery): Promise<R>;
}

let client: EngineClient | null = null;
let clientStarting: Promise<EngineClient> | null = null;
let nextBreakpointId = 1;
let loadGeneration = 0;

async function engine(): Promise<EngineClient> {
  if (client) return client;
  clientStarting ??= startEngineHost().then((c) => (client = c));
  return clientStarting;
}

function restartEngine(): void {
  client?.dispose();
  client = null;
  clientStarting = null;
}

/** One request to the engine host (exports ask for what no action covers). */
export async function send(body: RequestBody, onProgress?: (done: number, total: number) => void): Promise<EngineResponse> {
  return (await engine()).send(body, onProgress);
}

/** Test seam: replace how the store reaches an engine (unit tests drive the service directly). */
export function setEngineForTests(c: EngineClient | null): void {
  client = c;
  clientStarting = c ? Promise.resolve(c) : null;
}

let seekInFlight = false;
let seekWanted: number | null = null;
/** Steps asked for while one is in flight (a held-down F10): sent one at a time, so view requests interleave. */
const stepQueue: { granularity: StepGranularity; direction: 'forward' | 'backward' }[] = [];
let stepInFlight = false;
/** More queued than this and the newest presses are dropped: the user sees the cursor catch up. */
const MAX_QUEUED_STEPS = 8;

/** Told of every step and seek asked for, before it is sent (play pauses when the user moves the cursor). */
const motionListeners = new Set<(kind: 'step' | 'seek') => void>();
export function onMotion(listener: (kind: 'step' | 'seek') => void): () => void {
  motionListeners.add(listener);
  return () => {
    motionListeners.delete(listener);
  };
}

export const useDebugger = create<DebuggerStore>()((set, get) => {
  const apply = (r: EngineResponse): r is OkResponse => {
    if (r.type === 'error') {
      set({ diagnostics: r.diagnostics });
      return false;
    }
    set({ state: r.state, diagnostics: [] });
    return true;
  };

  const syncBreakpoints = async (list: readonly UiBreakpoint[]) => {
    set({ breakpoints: list });
    if (!get().run) return;
    const r = await send({ type: 'breakpoints', breakpoints: list.map((b) => ({ id: b.id, spec: b.spec, enabled: b.enabled })) });
    if (r.type === 'error' || !r.breakpoints) return;
    const byId = new Map(r.breakpoints.map((s) => [s.id, s]));
    set({ breakpoints: get().breakpoints.map((b) => ({ ...b, status: byId.get(b.id) ?? b.status })) });
  };

  return {
    status: 'idle',
    source: '',
    fileName: '',
    run: null,
    state: null,
    progress: null,
    diagnostics: [],
    breakpoints: [],
    lastStop: null,
    selection: null,
    selectedTransition: null,
    capture: null,

    async load(source, fileName, cursor) {
      const generation = ++loadGeneration;
      set({ status: 'loading', progress: { done: 0, total: 0 }, diagnostics: [] });
      let r: EngineResponse;
      try {
        r = await send({ type: 'load', source, fileName, cursor }, (done, total) => {
          if (generation === loadGeneration) set({ progress: { done, total } });
        });
      } catch (e) {
        if (generation !== loadGeneration) return false;
        set({ status: get().run ? 'ready' : 'error', progress: null, diagnostics: [{ message: e instanceof Error ? e.message : String(e) }] });
        return false;
      }
      if (generation !== loadGeneration) return false;
      if (r.type === 'error') {
        set({ status: get().run ? 'ready' : 'error', progress: null, diagnostics: r.diagnostics });
        return false;
      }
      // a scenario with an `open:` bookmark opens there, unless the load asked for a cursor (a reload after a cancel)
      let state = r.state;
      const open = r.run?.open;
      if (cursor === undefined && open && open.step !== state.step) {
        const s = await send({ type: 'seek', step: open.step }).catch(() => null);
        if (generation !== loadGeneration) return false;
        if (s?.type === 'ok') state = s.state;
      }
      set({ status: 'ready', progress: null, run: r.run ?? null, state, source, fileName, diagnostics: [], lastStop: null, selection: null, selectedTransition: null, capture: null });
      await syncBreakpoints(get().breakpoints);
      return true;
    },

    async loadCapture(capture, captureName, scenario, scenarioName) {
      const generation = ++loadGeneration;
      set({ status: 'loading', progress: { done: 0, total: 0 }, diagnostics: [] });
      let r: EngineResponse;
      try {
        r = await send({ type: 'loadCapture', capture, captureName, scenario, scenarioName }, (done, total) => {
          if (generation === loadGeneration) set({ progress: { done, total } });
        });
      } catch (e) {
        if (generation !== loadGeneration) return false;
        set({ status: get().run ? 'ready' : 'error', progress: null, diagnostics: [{ message: e instanceof Error ? e.message : String(e) }] });
        return false;
      }
      if (generation !== loadGeneration) return false;
      if (r.type === 'error') {
        set({ status: get().run ? 'ready' : 'error', progress: null, diagnostics: r.diagnostics });
        return false;
      }
      set({ status: 'ready', progress: null, run: r.run ?? null, state: r.state, source: scenario, fileName: scenarioName, diagnostics: [], lastStop: null, selection: null, selectedTransition: null, capture: r.capture ?? null });
      await syncBreakpoints(get().breakpoints);
      return true;
    },

    async cancelLoad() {
      if (get().status !== 'loading') return;
      loadGeneration++;
      restartEngine();
      const { source, fileName, state, run } = get();
      set({ progress: null, status: run ? 'ready' : 'idle' });
      // the old host held the previous run: replay it in the new one (deterministic, same state)
      if (run) await get().load(source, fileName, state?.step);
    },

    async step(granularity, direction) {
      if (get().status !== 'ready') return;
      for (const listener of motionListeners) listener('step');
      if (stepQueue.length < MAX_QUEUED_STEPS) stepQueue.push({ granularity, direction });
      if (stepInFlight) return;
      stepInFlight = true;
      try {
        while (stepQueue.length > 0 && get().status === 'ready') {
          const next = stepQueue.shift()!;
          const r = await send({ type: 'step', granularity: next.granularity, direction: next.direction });
          if (apply(r)) set({ lastStop: r.stoppedBy ?? null });
        }
      } finally {
        stepQueue.length = 0;
        stepInFlight = false;
      }
    },

    seek(step) {
      if (get().status !== 'ready') return;
      for (const listener of motionListeners) listener('seek');
      seekWanted = step;
      if (seekInFlight) return;
      const pump = async () => {
        seekInFlight = true;
        try {
          while (seekWanted !== null) {
            const target = seekWanted;
            seekWanted = null;
            const r = await send({ type: 'seek', step: target });
            if (apply(r)) set({ lastStop: null });
          }
        } finally {
          seekInFlight = false;
        }
      };
      void pump();
    },

    async addBreakpoint(spec) {
      await syncBreakpoints([...get().breakpoints, { id: nextBreakpointId++, spec: spec.trim(), enabled: true }]);
    },
    async updateBreakpoint(id, patch) {
      await syncBreakpoints(get().breakpoints.map((b) => (b.id === id ? { ...b, ...patch, status: patch.spec !== undefined ? undefined : b.status } : b)));
    },
    async removeBreakpoint(id) {
      await syncBreakpoints(get().breakpoints.filter((b) => b.id !== id));
    },

    async openSession(text, fileName) {
      const generation = ++loadGeneration;
      set({ status: 'loading', progress: { done: 0, total: 0 }, diagnostics: [] });
      let r: EngineResponse;
      try {
        r = await send({ type: 'openSession', text, fileName }, (done, total) => {
          if (generation === loadGeneration) set({ progress: { done, total } });
        });
      } catch (e) {
        if (generation === loadGeneration) set({ status: get().run ? 'ready' : 'error', progress: null, diagnostics: [{ message: e instanceof Error ? e.message : String(e) }] });
        return null;
      }
      if (generation !== loadGeneration) return null;
      if (r.type === 'error' || !r.session) {
        set({ status: get().run ? 'ready' : 'error', progress: null, diagnostics: r.type === 'error' ? r.diagnostics : [{ message: 'the engine sent no session' }] });
        return null;
      }
      const opened = r.session;
      nextBreakpointId = opened.user.breakpoints.reduce((m, b) => Math.max(m, b.id), 0) + 1;
      set({ status: 'ready', progress: null, run: r.run ?? null, state: r.state, source: opened.scenarioText, fileName: opened.scenarioFile, diagnostics: [], lastStop: null, selection: null, selectedTransition: null, capture: null });
      await syncBreakpoints(opened.user.breakpoints.map((b) => ({ id: b.id, spec: b.spec, enabled: b.enabled })));
      return opened;
    },
    async sessionText(user) {
      const { source, fileName } = get();
      const r = await send({ type: 'saveSession', source, fileName, user });
      if (r.type === 'error') throw new Error(r.diagnostics.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; '));
      if (r.sessionText === undefined) throw new Error('the engine sent no session');
      return r.sessionText;
    },

    select(ref) {
      set({ selection: ref });
    },
    selectTransition(t) {
      set({ selectedTransition: t });
    },

    async view<R extends ViewResult = ViewResult>(query: ViewQuery): Promise<R> {
      const r = await send({ type: 'view', query });
      if (r.type === 'error') throw new Error(r.diagnostics.map((d) => d.message).join('; '));
      if (!r.view) throw new Error(`the engine sent no ${query.view} view`);
      return r.view as R;
    },
  };
});
