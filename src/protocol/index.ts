/**
 * The engine protocol: the one contract between the renderer and an engine host.
 *
 * Two hosts will implement it and speak the same messages (see docs/architecture.md):
 *   - the Electron host, a utilityProcess running src/engine, reached over a MessagePort;
 *   - the web host, a Web Worker running src/engine.
 * The renderer never knows which one it has, and never owns model state: it holds a view
 * (the state at the cursor, the transitions around it) and sends commands.
 *
 * Rules for everything in this folder:
 *   - types and plain data only: every message must survive structuredClone, so no
 *     classes, functions, Maps with object keys or typed-array views shared across calls;
 *   - it imports nothing from other src folders (enforced by `npm run lint`): the
 *     engine's own types stay in src/engine, and hosts translate between the two;
 *   - a change here is a change to both hosts and the renderer, so it bumps
 *     `ProtocolVersion`.
 *
 * This is the start of the contract: `load`, `step`, `seek` and `state`. Breakpoints,
 * transition windows and sessions join it when the app needs them.
 */

export type { UvmscopeBridge } from './bridge';

/** Bumped on every incompatible change to the messages below. */
export type ProtocolVersion = 1;

/** Correlates a response with its request; chosen by the sender, unique per port. */
export type RequestId = number;

// ---------------------------------------------------------------------------------------
// Requests (renderer → host)

/** Load a scenario, replacing whatever was loaded. The host parses and validates it. */
export interface LoadRequest {
  readonly type: 'load';
  readonly id: RequestId;
  /** The scenario's YAML text. Session files are data: the host never evaluates them. */
  readonly source: string;
  /** Shown in located errors, e.g. `default.yaml:14:7: …`. */
  readonly fileName: string;
}

/** How far one step goes, as in a debugger. */
export type StepGranularity =
  /** one micro-step of a kernel path (step into) */
  | 'into'
  /** to the next micro-step at the same call depth (step over) */
  | 'over'
  /** until the current kernel-path frame returns (step out) */
  | 'out'
  /** until a breakpoint or the end (continue) */
  | 'continue';

/** Move the cursor by one step of the given granularity, forwards or backwards. */
export interface StepRequest {
  readonly type: 'step';
  readonly id: RequestId;
  readonly granularity: StepGranularity;
  readonly direction: 'forward' | 'backward';
}

/** Move the cursor to an absolute step (0 = before the first step). */
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

export type EngineRequest = LoadRequest | StepRequest | SeekRequest | StateRequest;

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
}

/** One frame of the kernel-path call stack, innermost last. */
export interface StackFrameView {
  /** The kernel path's function, e.g. `uvm_va_block_make_resident`. */
  readonly function: string;
  /** The pseudo-code line highlighted in this frame (1-based). */
  readonly line: number;
}

/**
 * What the renderer sees of the model at the cursor. Deliberately small: panels ask for
 * the objects they show (pages, radix nodes, chunks) in later messages.
 */
export interface StateView {
  /** The cursor: how many steps have been applied. */
  readonly step: number;
  /** Steps in the whole run, once known. */
  readonly totalSteps: number;
  /** Simulated time at the cursor, in nanoseconds. */
  readonly simTimeNs: number;
  /** Stable hash of the model state at the cursor; equal digests mean equal states. */
  readonly digest: string;
  /** The kernel-path call stack at the cursor, outermost first; empty between paths. */
  readonly stack: readonly StackFrameView[];
  /** Narration for the current scenario step, if it has any. */
  readonly narration?: string;
  /** Counters at the cursor, named as CUPTI names them (`gpu_faults`, `htod_bytes`…). */
  readonly counters: Readonly<Record<string, number>>;
}

/** The request succeeded; `state` is the view after it. */
export interface OkResponse {
  readonly type: 'ok';
  /** The id of the request this answers. */
  readonly id: RequestId;
  readonly state: StateView;
  /** Why a `step` or `continue` stopped, when it did not simply complete one step. */
  readonly stoppedBy?: 'breakpoint' | 'start' | 'end';
}

/** The request failed; the state is unchanged. */
export interface ErrorResponse {
  readonly type: 'error';
  readonly id: RequestId;
  readonly diagnostics: readonly Diagnostic[];
}

export type EngineResponse = OkResponse | ErrorResponse;

/**
 * What every engine host implements, whatever carries the messages (MessagePort to a
 * utilityProcess, postMessage to a Worker, a direct call in tests).
 */
export interface EngineHost {
  request(message: EngineRequest): Promise<EngineResponse>;
}
