/**
 * Predict mode's types as the engine sees them. They mirror the protocol's (src/protocol/predict.ts: the engine
 * imports nothing from the protocol), so a host passes a protocol question or answer straight through.
 *
 * A question covers a span of the run: the state right after step `from` to the state right after step `through`.
 * Its kind says what to predict: `moves` (pages newly resident on a processor), `tags` (page-cache tags that clear
 * on a file's pages) or `invalidations` (copies dropped: no longer resident on a processor, or a file page's GPU
 * copy in GAIA's page cache dropped). An answer and the truth are lists of marks: a page of a region and a target
 * (a processor id for moves and invalidations, a tag name for tags).
 */

export const PREDICT_KINDS = ['moves', 'tags', 'invalidations'] as const;
export type PredictKind = (typeof PREDICT_KINDS)[number];

export const PREDICT_TAGS = ['dirty', 'cpuDirty', 'writeback'] as const;
export type PredictTag = (typeof PREDICT_TAGS)[number];

export interface PredictQuestion {
  readonly kind: PredictKind;
  /** The state the learner sees when asked: right after this step. */
  readonly from: number;
  /** The state they predict: right after this step (> from). */
  readonly through: number;
  readonly prompt?: string;
}

export interface PredictMark {
  readonly region: number;
  readonly page: number;
  readonly target: number | PredictTag;
}

export interface PredictCounts {
  readonly correct: number;
  readonly missed: number;
  readonly wrong: number;
}

export interface PredictGrade {
  readonly question: PredictQuestion;
  readonly correct: readonly PredictMark[];
  readonly missed: readonly PredictMark[];
  readonly wrong: readonly PredictMark[];
  readonly summary: string;
  readonly counts: PredictCounts;
}

export interface PredictAnswerRecord {
  readonly question: PredictQuestion;
  readonly answer: readonly PredictMark[];
  readonly counts: PredictCounts;
}

/** Marks an answer may hold (the protocol's limit). */
export const MAX_ANSWER_MARKS = 1_000_000;
/** Marks a grade lists per kind (correct, missed, wrong); its counts are the whole. */
export const MAX_GRADE_LIST = 100_000;

/** A bad question or answer, with the field that is wrong (`question.through`, `answer[3].page`). */
export class PredictError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
