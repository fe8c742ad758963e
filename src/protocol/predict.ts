/**
 * Predict mode: before a chosen step the learner is asked what will happen, answers by marking pages on the memory
 * map, and the host grades the answer against what the run really did between two steps.
 *
 * A question covers a span of the run: the state right after step `from` (what the learner sees when asked) to the
 * state right after step `through` (what they are predicting). Its kind says what to predict:
 *   - `moves`: which pages become resident on which processor (a page newly resident on the CPU or a GPU);
 *   - `tags`: which page-cache tags clear on which pages of a file (`dirty`, `cpuDirty`, `writeback`);
 *   - `invalidations`: which copies are dropped: a page no longer resident on a processor it was resident on
 *     (a GPU copy invalidated, a CPU copy freed), a page newly marked evicted from a GPU (dropped by an eviction,
 *     even one that came and went within the span), or, for a file page, its GPU copy in GAIA's page cache dropped
 *     (`onGpu` cleared; `target` is then the GPU's processor id, 1 when the page cache does not say which).
 * An answer and the truth are lists of marks: a page of a region with a target (a processor id, or a tag name).
 */

/** What a question asks the learner to predict. */
export type PredictKind = 'moves' | 'tags' | 'invalidations';

/** The page-cache tags a `tags` question is about. */
export type PredictTag = 'dirty' | 'cpuDirty' | 'writeback';

export interface PredictQuestion {
  readonly kind: PredictKind;
  /** The state the learner sees when asked: right after this step. */
  readonly from: number;
  /** The state they predict: right after this step (> from). */
  readonly through: number;
  /** What to ask, in the scenario's or session's words; the app words it by `kind` when absent. */
  readonly prompt?: string;
}

/** One page with what happens to it: for `moves` and `invalidations` a processor id (0 = CPU), for `tags` a tag. */
export interface PredictMark {
  readonly region: number;
  readonly page: number;
  readonly target: number | PredictTag;
}

/** Ask the host to grade an answer: it computes the truth of the question's span and compares (the cursor stays). */
export interface GradeRequest {
  readonly type: 'grade';
  readonly id: number;
  readonly question: PredictQuestion;
  /** The learner's marks (duplicates are counted once); at most 1,000,000. */
  readonly answer: readonly PredictMark[];
}

/** The answer's marks sorted into right, missed and wrong; `correct + missed` is the truth. */
export interface PredictGrade {
  readonly question: PredictQuestion;
  /** Marks in the answer that are in the truth. */
  readonly correct: readonly PredictMark[];
  /** Marks in the truth the answer left out. */
  readonly missed: readonly PredictMark[];
  /** Marks in the answer that are not in the truth. */
  readonly wrong: readonly PredictMark[];
  /** One line for people, e.g. `5 of 6 pages right; 1 missed, 2 wrong`. */
  readonly summary: string;
  /** Each list holds at most 100,000 marks; the counts are the whole. */
  readonly counts: { readonly correct: number; readonly missed: number; readonly wrong: number };
}

/** A graded answer as a session records it (docs/session-format.md, `answers`). */
export interface PredictAnswerRecord {
  readonly question: PredictQuestion;
  readonly answer: readonly PredictMark[];
  readonly counts: { readonly correct: number; readonly missed: number; readonly wrong: number };
}
