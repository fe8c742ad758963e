/**
 * The engine protocol: the one contract between the renderer and an engine host.
 *
 * Two hosts implement it and speak the same messages (see docs/architecture.md):
 *   - the Electron host, a utilityProcess running src/engine, reached over a MessagePort;
 *   - the web host, a Web Worker running src/engine.
 * The renderer never knows which one it has, and never owns model state: it holds a view
 * (the state at the cursor, the transitions around it) and sends commands.
 *
 * Rules for everything in this folder:
 *   - types and plain data only: every message must survive structuredClone, so no
 *     classes, functions or Maps; typed arrays are fresh copies per message;
 *   - it imports nothing from other src folders (enforced by `npm run lint`): the
 *     engine's own types stay in src/engine, and hosts translate between the two;
 *   - a change here is a change to both hosts and the renderer, so it bumps
 *     `PROTOCOL_VERSION`.
 *
 * Message flow: every request carries an id; the host answers each with exactly one
 * `ok` or `error` carrying that id, in order. While a `load` runs the host also sends
 * `progress` messages with the load's id. A load cannot be interrupted from inside (the
 * engine runs to completion synchronously), so cancelling is the renderer's job: it ends
 * the host (Worker.terminate, utilityProcess kill) and starts a fresh one.
 */

export type { UvmscopeBridge, FileOpenResult, FileSaveRequest, MenuCommand, MenuCommandDetail } from './bridge';
export { MENU_COMMANDS } from './bridge';
export * from './views';
export * from './predict';

import type { ViewQuery, ViewResult } from './views';
import type { CaptureComparisonView } from './views/capture';
import type { ObjectRef } from './views';
import type { GradeRequest, PredictAnswerRecord, PredictGrade, PredictQuestion } from './predict';

/** Bumped on every incompatible change to the messages below. */
export const PROTOCOL_VERSION = 6;

/** Correlates a response with its request; chosen by the sender, unique per port. */
export type RequestId = number;

// ---------------------------------------------------------------------------------------
// Requests (renderer → host)

/** Load a scenario, replacing whatever was loaded. The host parses, validates and runs it. */
export interface LoadRequest {
  readonly type: 'load';
  readonly id: RequestId;
  /** The scenario's YAML text. Files are data: the host never evaluates them. */
  readonly source: string;
  /** Shown in located errors, e.g. `default.yaml:14:7: …`. */
  readonly fileName: string;
  /** Where to put the cursor once loaded; the first step when absent. Clamped to the run. */
  readonly cursor?: number;
}

/** How far one step goes, as in a debugger. */
export type StepGranularity =
  /** one micro-step of a kernel path (step into) */
  | 'into'
  /** to the next micro-step at the same call depth (step over) */
  | 'over'
  /** until the current kernel-path frame returns (step out) */
  | 'out'
  /** to the next scenario op (one line of the scenario) */
  | 'op'
  /** until a breakpoint or the end (continue) */
  | 'continue';

/** Move the cursor by one step of the given granularity, forwards or backwards. */
export interface StepRequest {
  readonly type: 'step';
  readonly id: RequestId;
  readonly granularity: StepGranularity;
  readonly direction: 'forward' | 'backward';
}

/** Move the cursor to an absolute step (0 = the first step). */
export interface SeekRequest {
  readonly type: 'seek';
  readonly id: RequestId;
  readonly step: number;
}

/** Ask for the view of the state at the cursor, without moving it. */
export interface StateRequest {
  readonly type: 'state';
  readonly id: RequestId;
}

/** A breakpoint as the user wrote it (the spec syntax of the CLI's `--break`). */
export interface BreakpointSpec {
  /** Chosen by the renderer, stable across edits. */
  readonly id: number;
  readonly spec: string;
  readonly enabled: boolean;
}

/** Replace the whole breakpoint list. The answer says, per breakpoint, whether it parsed. */
export interface SetBreakpointsRequest {
  readonly type: 'breakpoints';
  readonly id: RequestId;
  readonly breakpoints: readonly BreakpointSpec[];
}

/** Ask for one of the views of the model (at the cursor unless the query says otherwise). */
export interface ViewRequest {
  readonly type: 'view';
  readonly id: RequestId;
  readonly query: ViewQuery;
}

/**
 * Load a real capture (tools/uvm-capture's JSON lines) with the scenario it names: the host parses both, runs the
 * scenario as the capture ran it (that run replaces the loaded one, like `load`) and answers with the comparison.
 */
export interface LoadCaptureRequest {
  readonly type: 'loadCapture';
  readonly id: RequestId;
  /** The capture's text, and its file name for located errors (`thrashing.jsonl:12: …`). */
  readonly capture: string;
  readonly captureName: string;
  /** The scenario's YAML text (the built-in the capture names, or the user's own of that name), and its file name. */
  readonly scenario: string;
  readonly scenarioName: string;
}

/** Open a saved session (docs/session-format.md): the host replays its scenario, which replaces the loaded run, cursor on the session's. */
export interface OpenSessionRequest {
  readonly type: 'openSession';
  readonly id: RequestId;
  /** The `.uvmsession` file's text, and its name for located errors. */
  readonly text: string;
  readonly fileName: string;
}

/** Write the loaded run and the user's state as a session's text (the run's cursor is not moved). */
export interface SaveSessionRequest {
  readonly type: 'saveSession';
  readonly id: RequestId;
  /** The scenario as loaded (embedded verbatim) and its file name. */
  readonly source: string;
  readonly fileName: string;
  readonly user: SessionUserState;
}

/** The whole run as Chrome trace-event JSON (what `uvmscope run --trace` writes; Perfetto opens it); the cursor is not moved. */
export interface ExportTraceRequest {
  readonly type: 'exportTrace';
  readonly id: RequestId;
}

export type EngineRequest = LoadRequest | StepRequest | SeekRequest | StateRequest | SetBreakpointsRequest | ViewRequest | LoadCaptureRequest | OpenSessionRequest | SaveSessionRequest | ExportTraceRequest | GradeRequest;

/** A bookmark on a step, named by the user. */
export interface SessionBookmark {
  readonly step: number;
  readonly label: string;
}

/** A note pinned to a step, to an object, or to both. */
export interface SessionNote {
  readonly step?: number;
  readonly object?: ObjectRef;
  readonly text: string;
}

/** One stop of a tour: a step, its caption and, when the stop asks the learner to predict, the question. */
export interface TourStopInfo {
  readonly step: number;
  readonly title: string;
  readonly narration: string;
  readonly ask?: PredictQuestion;
}

/** A guided tour: stops visited in list order, each with a caption. */
export interface SessionTour {
  readonly title: string;
  readonly stops: readonly TourStopInfo[];
}

/** What a session holds besides the scenario and the digests (the session format's user state). */
export interface SessionUserState {
  readonly cursor: number;
  readonly path: readonly number[];
  readonly breakpoints: readonly BreakpointSpec[];
  readonly bookmarks: readonly SessionBookmark[];
  readonly notes: readonly SessionNote[];
  readonly tours: readonly SessionTour[];
  /** The learner's graded predictions, in the order they were made (absent: none). */
  readonly answers?: readonly PredictAnswerRecord[];
  /** The panel layout as the renderer serialised it (opaque data), and flat view settings. */
  readonly view: { readonly layout: { readonly [key: string]: unknown } | null; readonly settings: Readonly<Record<string, string | number | boolean>> };
}

/** How a session's replay went: the same state (match), or where it parted from the saved run. */
export interface SessionReplayInfo {
  readonly match: boolean;
  readonly cursor: number;
  readonly steps: number;
  readonly digest: { readonly saved: string; readonly replayed: string | null };
  /** The first step whose state differs (`exact`), or the steps it lies in. */
  readonly divergence: { readonly step: number; readonly exact: boolean; readonly from: number; readonly to: number; readonly how: string } | null;
  /** What does not fit the replayed run (a bookmark past its end, a breakpoint this build refuses), located. */
  readonly warnings: readonly Diagnostic[];
  readonly savedEngine: string;
  readonly engine: string;
}

/** The answer to `openSession`: the session's scenario, the user state to restore and the replay's verdict. */
export interface OpenedSession {
  readonly fileName: string;
  readonly scenarioFile: string;
  readonly scenarioText: string;
  readonly user: SessionUserState;
  readonly replay: SessionReplayInfo;
}

// ---------------------------------------------------------------------------------------
// Responses (host → renderer)

/** A place in a source file, 1-based, as in `file:line:column`. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A message for a person: what is wrong, where, and how to fix it. */
export interface Diagnostic {
  readonly message: string;
  readonly location?: SourceLocation;
  /** The field's path in the document, e.g. `steps[3].accesses[0].pattern`. */
  readonly path?: string;
}

/** One frame of the kernel-path call stack. */
export interface StackFrameView {
  /** The step that frame is on (click to see its line there). */
  readonly step: number;
  /** The kernel path's function, e.g. `uvm_va_block_make_resident`. */
  readonly function: string;
  /** The real source file it mirrors. */
  readonly file: string;
  /** The pseudo-code line highlighted in this frame (0-based index into its lines). */
  readonly line: number;
  readonly text: string;
}

/** One transition, decoded for people and for breakpoint conditions. */
export interface TransitionInfo {
  readonly index: number;
  readonly step: number;
  readonly kind: string;
  readonly type: 'state' | 'event';
  readonly heap: string;
  readonly obj: number;
  readonly before: number;
  readonly after: number;
  readonly fields: Readonly<Record<string, number | string>>;
  readonly text: string;
}

/** A pseudo-code function of a kernel path, as the code panel shows it. */
export interface CodeFunctionInfo {
  readonly name: string;
  readonly file: string;
  readonly lines: readonly string[];
  readonly labels: readonly string[];
}

/** One op of the scenario (one entry of `steps:`), with where it starts in the run. */
export interface OpInfo {
  readonly index: number;
  /** `gpu.kernel`, `cpu.write`, `note`… */
  readonly op: string;
  /** A one-line summary, e.g. `gpu1 reads buf[0, 64 MiB) sequential`. */
  readonly label: string;
  /** The first step of the run that belongs to this op. */
  readonly firstStep: number;
  readonly lastStep: number;
  /** The scenario line it came from. */
  readonly line: number;
  /** A `note` op's text, or a `bookmark` op's name. */
  readonly text?: string;
  /** An `ask` op's question (its span resolved to steps of this run). */
  readonly ask?: PredictQuestion;
}

export interface ProcessorInfo {
  /** 0 = the CPU, 1.. = GPUs, as the engine numbers them. */
  readonly id: number;
  readonly name: string;
  readonly memoryBytes: number;
}

export interface RegionInfo {
  readonly index: number;
  readonly name: string;
  readonly kind: string;
  readonly bytes: number;
  /** The first va_block of a managed or file region (or -1), and how many it has. */
  readonly firstBlock: number;
  readonly blocks: number;
}

/** What the renderer learns once a scenario is loaded; fixed until the next load. */
export interface RunInfo {
  readonly scenario: string;
  readonly description: string;
  readonly fileName: string;
  readonly totalSteps: number;
  readonly totalTransitions: number;
  readonly processors: readonly ProcessorInfo[];
  readonly regions: readonly RegionInfo[];
  readonly ops: readonly OpInfo[];
  /** Every pseudo-code function, by name. */
  readonly functions: Readonly<Record<string, CodeFunctionInfo>>;
  /** Transition kind names (what a breakpoint can name), and the counter names. */
  readonly kinds: readonly string[];
  readonly counterNames: readonly string[];
  /** Simulated time at the end of the run. */
  readonly endTimeNs: number;
  /** Engine version, so a session can say which engine made it. */
  readonly engineVersion: string;
  /**
   * Where the scenario asks to be opened (its `open:` bookmark), absent when it does not: `step` is the first step
   * of the op after that bookmark — where the path it marks begins, with that op's note as the narration — or the
   * bookmark's own step when nothing follows it. The renderer seeks there after a load that named no cursor.
   */
  readonly open?: { readonly bookmark: string; readonly step: number };
}

/**
 * What the renderer sees of the model at the cursor. Deliberately small: panels ask for
 * the objects they show (pages, radix nodes, chunks) with `view` requests.
 */
export interface StateView {
  /** The cursor: the state shown is the state right after this step. */
  readonly step: number;
  readonly totalSteps: number;
  /** Simulated time at the cursor, in nanoseconds. */
  readonly simTimeNs: number;
  /** Stable hash of the model state at the cursor; equal digests mean equal states. */
  readonly digest: string;
  /** The kernel-path call stack at the cursor, outermost first. */
  readonly stack: readonly StackFrameView[];
  /** The scenario op the cursor is in. */
  readonly op: number;
  /** The last `note` at or before the cursor's op, if any. */
  readonly narration?: string;
  /** The transitions the cursor's step made (at most 200; `transitionCount` says how many). */
  readonly transitions: readonly TransitionInfo[];
  readonly transitionCount: number;
  /** Counters at the cursor, named as CUPTI names them (`gpu_faults`, `htod_bytes`…). */
  readonly counters: Readonly<Record<string, number>>;
}

/** How a breakpoint fared: parsed (with its hits over the whole run) or refused with a message. */
export interface BreakpointStatus {
  readonly id: number;
  readonly ok: boolean;
  /** The canonical form when ok. */
  readonly canonical?: string;
  readonly hitCount: number;
  /** Steps that hit, at most 2000 (the timeline's marks). */
  readonly hitSteps: readonly number[];
  readonly error?: { readonly message: string; readonly column: number };
}

/** The request succeeded. */
export interface OkResponse {
  readonly type: 'ok';
  /** The id of the request this answers. */
  readonly id: RequestId;
  readonly state: StateView;
  /** Set by `load`. */
  readonly run?: RunInfo;
  /** Set by `breakpoints`. */
  readonly breakpoints?: readonly BreakpointStatus[];
  /** Set by `view`. */
  readonly view?: ViewResult;
  /** Set by `loadCapture`. */
  readonly capture?: CaptureComparisonView;
  /** Set by `openSession` (with `run`). */
  readonly session?: OpenedSession;
  /** Set by `saveSession`: the session's text. */
  readonly sessionText?: string;
  /** Set by `grade`. */
  readonly grade?: PredictGrade;
  /** Set by `exportTrace`: the trace-event JSON text. */
  readonly traceText?: string;
  /** Why a `step` stopped, when it did not simply complete one step. */
  readonly stoppedBy?: { readonly reason: 'breakpoint'; readonly breakpoint: number; readonly transition: number | null } | { readonly reason: 'start' | 'end' };
}

/** The request failed; the state is unchanged. */
export interface ErrorResponse {
  readonly type: 'error';
  readonly id: RequestId;
  readonly diagnostics: readonly Diagnostic[];
}

/** Sent during a `load`, after each scenario op. */
export interface ProgressMessage {
  readonly type: 'progress';
  readonly id: RequestId;
  readonly done: number;
  readonly total: number;
}

export type EngineResponse = OkResponse | ErrorResponse;
export type HostMessage = EngineResponse | ProgressMessage;

/**
 * What every engine host implements, whatever carries the messages (MessagePort to a
 * utilityProcess, postMessage to a Worker, a direct call in tests).
 */
export interface EngineHost {
  request(message: EngineRequest, onProgress?: (done: number, total: number) => void): Promise<EngineResponse>;
  /** End the host now (cancels a running load); the host cannot be used afterwards. */
  dispose(): void;
}
