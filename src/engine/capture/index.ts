/**
 * Real captures (tools/uvm-capture): the plan a scenario becomes for the capture tool, and the reader and per-step
 * summary of the JSON-lines capture it writes. Pure TypeScript: hosts, the CLI and tests import it alike.
 */
export * from './types';
export { parseCapture, MAX_CAPTURE_CHARS, MAX_LINE_CHARS, MAX_RECORDS, MAX_STEPS, MAX_CAPTURE_ERRORS } from './parse';
export { summarizeCapture, countRecord, emptyCounters, type CaptureCounters, type CaptureStepSummary, type CaptureSummary } from './summary';
export { buildPlan, pageList, parsePageList, fnv1a64, utf8, PLAN_VERSION, MAX_PLAN_CHARS, type Plan, type PlanResult, type PlanSkip } from './plan';
