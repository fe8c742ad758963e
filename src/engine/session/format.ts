/**
 * The `.uvmsession` document (DESIGN.md, "Session format"; docs/session-format.md): a versioned JSON object that
 * holds the scenario itself (its YAML text), the engine version that saved it, where the user was (the cursor and
 * the steps they visited), their breakpoints, bookmarks, notes and tours (whose stops may ask the learner to
 * predict), the answers they gave in predict mode, the panel layout and view settings, and the digests that let a
 * replay prove it reached the same state or say where it diverged.
 *
 * This file is the format: its types, its schema (zod) and its limits. parse.ts reads a document, write.ts makes
 * one, replay.ts checks one against the engine.
 */
import { z } from 'zod';
import { PREDICT_KINDS as QUESTION_KINDS, PREDICT_TAGS as MARK_TAGS } from '../predict/types';
import { MAX_INPUT_CHARS } from '../scenario/defaults';
import { MAX_SPEC_LENGTH } from '../run/breakpoints';
import type { InspectRef } from '../run/views-inspect';
import type { JsonLimits, JsonObject } from './json';

/** The value of the `format` field: what says a JSON file is a session. */
export const SESSION_FORMAT = 'uvmsession';
/** The format version this build writes and reads (older versions are migrated, see parse.ts). */
export const SESSION_VERSION = 2;
export const SESSION_EXTENSION = '.uvmsession';
/** The fingerprint algorithm of `digests.steps` (replay.ts). */
export const FINGERPRINT_ALGORITHM = 'state-changes-fnv1a32';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Every limit on a session document. A session may come from a stranger, so each is checked before the value it
 * bounds is built: the text's size first, then the JSON reader's limits, then the schema's.
 */
export const SESSION_LIMITS = Object.freeze({
  /** The whole text: 16 MiB (UTF-16 code units here; the CLI and the app refuse a file of more bytes before reading). */
  maxChars: 16 * MiB,
  /** The JSON reader's limits (json.ts). */
  json: Object.freeze({
    maxDepth: 64,
    maxArrayLength: 100_000,
    maxKeys: 1_000,
    maxValues: 1_000_000,
    maxStringLength: 16 * MiB,
  }) satisfies JsonLimits,
  /** The embedded scenario: what the scenario parser accepts (8 MiB). */
  scenarioChars: MAX_INPUT_CHARS,
  /** Names, labels and titles. */
  labelChars: 200,
  /** Note text and tour narration. */
  textChars: 8 * KiB,
  /** A breakpoint spec: what the breakpoint parser reads (1,200). */
  specChars: MAX_SPEC_LENGTH,
  /** The scenario's file name. */
  fileNameChars: 1_000,
  breakpoints: 1_000,
  bookmarks: 10_000,
  notes: 10_000,
  tours: 100,
  stopsPerTour: 1_000,
  /** Predict mode's graded answers, in the order they were given. */
  answers: 1_000,
  /** The marks one answer records (the JSON reader's longest array). */
  marksPerAnswer: 100_000,
  /** The largest processor id a mark names (the CPU is 0; the model has at most a few GPUs). */
  maxProcessor: 63,
  /** The steps the user visited, most recent last; a writer keeps the last ones. */
  path: 10_000,
  checkpoints: 1_024,
  /** Fingerprint groups in `digests.steps` (a longer run groups several steps per fingerprint). */
  fingerprints: 65_536,
  /** The panel layout, as JSON text. */
  layoutChars: 256 * KiB,
  /** Keys in `view.settings`. */
  settings: 64,
  /** The largest step number (a run never has more than 2^31 steps). */
  maxStep: 2 ** 31 - 1,
  /** Errors reported for one document; the rest are counted. */
  errors: 50,
});

// ---------------------------------------------------------------- types

/** A breakpoint as the user wrote it: the protocol's BreakpointSpec, field for field (test/session checks). */
export interface SessionBreakpoint {
  /** Stable across edits; unique in the session. */
  id: number;
  /** The spec syntax of breakpoints.ts, e.g. `copy if bytes >= 1MiB`. */
  spec: string;
  enabled: boolean;
}

export interface SessionBookmark {
  step: number;
  label: string;
}

/** A model object a note is pinned to: the protocol's ObjectRef (the inspector's selection). */
export type SessionObjectRef = InspectRef;

/** A note pinned to a step, to an object, or to both (an object as it was at a step). */
export interface SessionNote {
  step?: number;
  object?: SessionObjectRef;
  text: string;
}

/** Predict mode's kinds of question, and the page-cache tags a `tags` answer names (engine/predict/types.ts says what each counts). */
export { PREDICT_KINDS as QUESTION_KINDS, PREDICT_TAGS as MARK_TAGS } from '../predict/types';

/** A predict question: the protocol's PredictQuestion. The state after `from` is shown; the state after `through` predicted. */
export interface SessionQuestion {
  kind: (typeof QUESTION_KINDS)[number];
  from: number;
  through: number;
  prompt?: string;
}

/** A page and what happens to it: a processor id for moves and invalidations, a tag for tags (the protocol's PredictMark). */
export interface SessionMark {
  region: number;
  page: number;
  target: number | (typeof MARK_TAGS)[number];
}

/** A graded answer: the question, the learner's marks and how they fared (the protocol's PredictAnswerRecord). */
export interface SessionAnswer {
  question: SessionQuestion;
  answer: SessionMark[];
  counts: { correct: number; missed: number; wrong: number };
}

/** One stop of a tour: a step and what to say there, and, when the stop asks, the question (from is the stop's step). */
export interface TourStop {
  step: number;
  title: string;
  narration: string;
  ask?: SessionQuestion;
}

/** A guided tour: stops in the order they are visited (not necessarily in step order). */
export interface SessionTour {
  title: string;
  stops: TourStop[];
}

export type ViewSetting = string | number | boolean;

export interface SessionView {
  /** The panel layout as the renderer serialised it (dockview's JSON); opaque to the engine, at most 256 KiB. */
  layout: JsonObject | null;
  /** Flat view settings (presentation mode, palette, zoom…), at most 64. */
  settings: Record<string, ViewSetting>;
}

export interface StepDigest {
  step: number;
  /** The state digest (core/digest.ts) right after that step: 16 hex digits. */
  digest: string;
}

/**
 * A fingerprint of each step's net change of state (fingerprint.ts), from step 0 to the session's horizon: the last
 * step it names (its cursor, path, bookmarks, notes or tour stops). A replay compares them all, so a session proves
 * every step it points at, and a replay that diverges names the first step whose state differs. Groups of `stride`
 * steps share one fingerprint when the run is long.
 */
export interface StepFingerprints {
  algorithm: typeof FINGERPRINT_ALGORITHM;
  /** Steps per fingerprint: 1 unless the horizon is past step 65,535. */
  stride: number;
  /** Steps covered, 0..count-1: the horizon + 1 (at least cursor + 1). */
  count: number;
  /** ceil(count / stride) little-endian 32-bit fingerprints, base64. */
  fingerprints: string;
}

export interface SessionDigests {
  /** The state digest at the cursor: the proof a replay compares. */
  atCursor: string;
  /** State digests at a few steps spread over 0..the horizon, in step order. */
  checkpoints: StepDigest[];
  /** Per-step fingerprints, when the writer recorded them. */
  steps: StepFingerprints | null;
}

export interface SessionScenario {
  /** The scenario's name (its `name:`, or its file's stem). */
  name: string;
  /** The file it came from, for messages and titles only (the text below is what runs). */
  file: string;
  /** The scenario's YAML, as it was when saved. */
  text: string;
}

export interface Session {
  format: typeof SESSION_FORMAT;
  version: typeof SESSION_VERSION;
  /** The engine version that saved it (ENGINE_VERSION). */
  engine: string;
  scenario: SessionScenario;
  /** The step the cursor was on. */
  cursor: number;
  /** Steps the user visited, oldest first (at most 10,000: the most recent). */
  path: number[];
  breakpoints: SessionBreakpoint[];
  bookmarks: SessionBookmark[];
  notes: SessionNote[];
  tours: SessionTour[];
  /** Predict mode's graded answers, oldest first (version 2). */
  answers: SessionAnswer[];
  view: SessionView;
  digests: SessionDigests;
}

// ---------------------------------------------------------------- schema

const L = SESSION_LIMITS;
const step = z.number().int().min(0).max(L.maxStep);
const index = z.number().int().min(0).max(2 ** 32 - 1);
const label = z.string().min(1).max(L.labelChars);
const text = z.string().max(L.textChars);
const digest = z.string().regex(/^[0-9a-f]{16}$/, 'expected a digest: 16 lowercase hex digits');

const objectRef = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('block'), block: index }),
  z.strictObject({ kind: z.literal('page'), region: index, page: index }),
  z.strictObject({ kind: z.literal('chunk'), gpu: index, chunk: index }),
  z.strictObject({ kind: z.literal('radixNode'), region: index, node: index }),
  z.strictObject({ kind: z.literal('pageTable'), gpu: index, table: index }),
  z.strictObject({ kind: z.literal('transition'), transition: index }),
]);

const breakpoint = z.strictObject({
  id: step,
  spec: z.string().min(1).max(L.specChars),
  enabled: z.boolean(),
});

const note = z
  .strictObject({ step: step.optional(), object: objectRef.optional(), text: text.min(1) })
  .refine((n) => n.step !== undefined || n.object !== undefined, { message: 'a note is pinned to a `step`, an `object` or both; it has neither' });

const question = z.strictObject({
  kind: z.enum(QUESTION_KINDS),
  from: step,
  through: step,
  prompt: z.string().min(1).max(L.textChars).optional(),
});
const count = z.number().int().min(0).max(L.maxStep);
const mark = z.strictObject({
  region: index,
  page: index,
  target: z.union([z.number().int().min(0).max(L.maxProcessor), z.enum(MARK_TAGS)]),
});
const answer = z.strictObject({
  question,
  answer: z.array(mark).max(L.marksPerAnswer),
  counts: z.strictObject({ correct: count, missed: count, wrong: count }),
});

const tourStop = z.strictObject({ step, title: label, narration: text, ask: question.optional() });
const tour = z.strictObject({ title: label, stops: z.array(tourStop).min(1).max(L.stopsPerTour) });

const settingKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a setting name is a letter, then letters, digits, `_`, `.` or `-` (at most 64)');
const view = z.strictObject({
  layout: z
    .record(z.string(), z.unknown())
    .nullable()
    .default(null)
    .refine((v) => v === null || JSON.stringify(v).length <= L.layoutChars, { message: `the layout is larger than ${L.layoutChars / KiB} KiB` })
    .transform((v) => v as JsonObject | null),
  settings: z
    .record(settingKey, z.union([z.string().max(L.labelChars), z.number(), z.boolean()]))
    .default({})
    .refine((s) => Object.keys(s).length <= L.settings, { message: `more than ${L.settings} settings` }),
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const fingerprints = z.strictObject({
  algorithm: z.literal(FINGERPRINT_ALGORITHM),
  stride: z.number().int().min(1).max(L.maxStep),
  count: z.number().int().min(1).max(L.maxStep + 1),
  // at most L.fingerprints 4-byte fingerprints, as base64 (4 characters per 3 bytes, padded)
  fingerprints: z.string().max(4 * Math.ceil((L.fingerprints * 4) / 3)).regex(BASE64, 'expected base64 text'),
});

const digests = z.strictObject({
  atCursor: digest,
  checkpoints: z.array(z.strictObject({ step, digest })).max(L.checkpoints).default([]),
  steps: fingerprints.nullable().default(null),
});

/** The version-2 document's schema; cross-field rules (the cursor against the digests…) are in parse.ts. */
export const sessionSchema = z.strictObject({
  format: z.literal(SESSION_FORMAT),
  version: z.literal(SESSION_VERSION),
  engine: z.string().min(1).max(L.labelChars),
  scenario: z.strictObject({
    name: label,
    file: z.string().max(L.fileNameChars).default(''),
    text: z.string().min(1).max(L.scenarioChars),
  }),
  cursor: step,
  path: z.array(step).max(L.path).default([]),
  breakpoints: z.array(breakpoint).max(L.breakpoints).default([]),
  bookmarks: z.array(z.strictObject({ step, label })).max(L.bookmarks).default([]),
  notes: z.array(note).max(L.notes).default([]),
  tours: z.array(tour).max(L.tours).default([]),
  answers: z.array(answer).max(L.answers).default([]),
  view: view.default({ layout: null, settings: {} }),
  digests,
});

/** The schema's output is exactly the Session type (checked here, at compile time). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<z.output<typeof sessionSchema>, Session> = true;
void schemaMatchesType;

/** The top-level keys, in the order a writer emits them. */
export const SESSION_KEYS: readonly (keyof Session)[] = Object.keys(sessionSchema.shape) as (keyof Session)[];
