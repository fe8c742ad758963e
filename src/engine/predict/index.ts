/** Predict mode in the engine: questions over a span of steps, their truth, and grading answers against it. */
export * from './types';
export { checkQuestion, predictTruth, truthKeys } from './truth';
export { checkMarks, copyQuestion, gradeInRun, gradePrediction, gradeSummary } from './grade';
export { resolveAsks } from './ask';
