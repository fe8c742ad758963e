/**
 * The host's `grade` request: the truth of a predict question over the loaded run, compared with the learner's
 * marks (engine/predict). The cursor does not move. A bad question or mark becomes a diagnostic whose path is the
 * field at fault (`question.through`, `answer[3].page`).
 */
import type { Diagnostic, GradeRequest, PredictGrade } from '../protocol';
import type { Run } from '../engine/run/run';
import { gradeInRun, PredictError } from '../engine/predict/index';

export function gradeRequest(run: Run, request: GradeRequest): { ok: true; grade: PredictGrade } | { ok: false; diagnostics: Diagnostic[] } {
  try {
    return { ok: true, grade: gradeInRun(run, request.question, request.answer) };
  } catch (e) {
    if (e instanceof PredictError) return { ok: false, diagnostics: [{ message: e.message, path: e.field }] };
    throw e;
  }
}
