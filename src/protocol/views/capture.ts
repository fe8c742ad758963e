/**
 * A real capture (tools/uvm-capture) beside the model: what a `loadCapture` request answers. The host parses the
 * capture, runs the scenario it names *as the capture ran it* (the capture's GPU, link and driver settings, without
 * the steps the capture could not run) — that run becomes the loaded run, so every panel shows the model's side —
 * and compares the two counter by counter, transfer size by transfer size and scenario step by scenario step.
 */

/** exact: the driver decides it from the access pattern (checked); timing: depends on warps and clocks; time: the clock. */
export type CaptureCounterClass = 'exact' | 'timing' | 'time';

export interface CaptureCounterRow {
  /** `htod_bytes`, `cpu_faults`, `gpu_fault_groups`, `time_ns`… */
  readonly name: string;
  readonly cls: CaptureCounterClass;
  readonly model: number;
  readonly real: number;
  /** model − real. */
  readonly diff: number;
  /** true agree, false differ, null not checked (timing and time counters). */
  readonly ok: boolean | null;
}

export interface CaptureHistogram {
  /** `htod_transfers`, `dtoh_transfers`, `dtod_transfers`. */
  readonly name: string;
  /** Every transfer size either side used, ascending: [bytes, model count, real count]. */
  readonly sizes: readonly (readonly [number, number, number])[];
  /** Half the L1 distance between the two byte-share distributions: 0 same shape, 1 nothing in common. */
  readonly distance: number;
}

/** One scenario step (op) as both sides ran it. */
export interface CaptureStepRow {
  /** The scenario op's index (the capture's `step`). */
  readonly step: number;
  readonly op: string;
  /** The model's first step of this op (-1 when it has none): where clicking the row seeks. */
  readonly firstStep: number;
  /** Whether the capture ran it (a note, or a step the real machine could not run, was not). */
  readonly captured: boolean;
  /** The real step's start and end, ns from the capture's t0 (0, 0 when not captured). */
  readonly realStart: number;
  readonly realEnd: number;
  /** The model's simulated time at the op's start and end, ns. */
  readonly modelStart: number;
  readonly modelEnd: number;
  /** Compared counters (CaptureCounterRow names) per side. */
  readonly model: Readonly<Record<string, number>>;
  readonly real: Readonly<Record<string, number>>;
  /** Exact counters that differ in this step. */
  readonly differs: readonly string[];
}

/**
 * The capture's records, column by column (one index per record), for drawing. `kinds` names the kind numbers;
 * region, offset, bytes and end are -1 where the record has none; step is the scenario step whose span holds it.
 */
export interface CaptureRecordColumns {
  readonly count: number;
  readonly kinds: readonly string[];
  readonly kind: Uint8Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly region: Int32Array;
  readonly offset: Float64Array;
  readonly bytes: Float64Array;
  readonly step: Int32Array;
}

/** The model's copies, for the timeline's second row: sim times are the copy's model step's start and end. */
export interface ModelCopyColumns {
  readonly count: number;
  /** 0 htod, 1 dtoh, 2 dtod. */
  readonly dir: Uint8Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly bytes: Float64Array;
  /** The scenario op the copy belongs to. */
  readonly op: Int32Array;
  /** The model step that made it. */
  readonly modelStep: Int32Array;
}

export interface CaptureMachineInfo {
  readonly gpu: string;
  readonly driverVersion: string;
  /** cudaDriverGetVersion, e.g. 13000 for CUDA 13.0. */
  readonly cudaDriverVersion: number;
  readonly cudaRuntimeVersion: number;
  readonly memoryBytes: number;
  readonly link: string;
  readonly pcie: string;
  readonly kernel: string;
}

export interface CaptureComparisonView {
  /** The capture's file name. */
  readonly fileName: string;
  readonly scenario: string;
  /** The scenario file it names (e.g. `first-touch.yaml`). */
  readonly source: string;
  readonly date: string;
  readonly machine: CaptureMachineInfo;
  /** What running the scenario as captured changed, one line each (engine words, not translated). */
  readonly changes: readonly string[];
  readonly counters: readonly CaptureCounterRow[];
  readonly histograms: readonly CaptureHistogram[];
  readonly steps: readonly CaptureStepRow[];
  readonly records: CaptureRecordColumns;
  readonly modelCopies: ModelCopyColumns;
  /** Records CUPTI dropped (nonzero: the capture is incomplete). */
  readonly dropped: number;
  /** Every checked counter agrees. */
  readonly ok: boolean;
}
