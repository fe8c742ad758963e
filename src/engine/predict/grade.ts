/**
 * Grading a predict answer: the answer's marks and the truth's compared as sets (a mark given twice counts once),
 * sorted into right (in both), missed (truth only) and wrong (answer only).
 *
 * Marks are packed into numbers (keys.ts) so a million of them sort and merge in tens of milliseconds; the truth is
 * built packed (truth.ts truthKeys). The lists a grade carries hold at most MAX_GRADE_LIST marks each, the counts
 * are the whole.
 */

import type { Run } from '../run/run';
import { KEY_MAX_REGION, KEY_PAGES, KEY_TARGETS, keysOf, unpackMark } from './keys';
import { checkQuestion, truthKeys } from './truth';
import { MAX_ANSWER_MARKS, MAX_GRADE_LIST, PREDICT_TAGS, PredictError, type PredictCounts, type PredictGrade, type PredictMark, type PredictQuestion, type PredictTag } from './types';

/** `answer[3].page`: built only for an error, so a million marks make no million strings. */
function fieldOf(at: string, i: number, field = ''): string {
  return `${at}[${i}]${field}`;
}

function isTag(v: unknown): v is PredictTag {
  return (PREDICT_TAGS as readonly unknown[]).includes(v);
}

/**
 * Throws a located PredictError unless every mark has the shape the question's kind asks for: a region and a page
 * (whole numbers ≥ 0) and a target (a processor id for moves and invalidations, a tag name for tags). With a run,
 * the region and page must exist and the processor too.
 */
export function checkMarks(question: PredictQuestion, marks: unknown, at = 'answer', run?: Run): asserts marks is PredictMark[] {
  if (!Array.isArray(marks)) throw new PredictError(at, 'expected a list of marks {region, page, target}');
  if (marks.length > MAX_ANSWER_MARKS) throw new PredictError(at, `${marks.length} marks; at most ${MAX_ANSWER_MARKS.toLocaleString('en-US')}`);
  const regions = run?.ctx.m.regions;
  const procs = run?.ctx.m.procs ?? KEY_TARGETS;
  const tags = question.kind === 'tags';
  for (let i = 0; i < marks.length; i++) {
    const m: unknown = marks[i];
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new PredictError(fieldOf(at, i), 'expected a mark {region, page, target}');
    const { region, page, target } = m as Record<string, unknown>;
    if (typeof region !== 'number' || !Number.isInteger(region) || region < 0 || region > KEY_MAX_REGION) throw new PredictError(fieldOf(at, i, '.region'), `expected a region's index, got ${JSON.stringify(region) ?? 'undefined'}`);
    if (typeof page !== 'number' || !Number.isInteger(page) || page < 0 || page >= KEY_PAGES) throw new PredictError(fieldOf(at, i, '.page'), `expected a page index (a whole number ≥ 0), got ${JSON.stringify(page) ?? 'undefined'}`);
    if (regions) {
      const r = regions[region];
      if (!r) throw new PredictError(fieldOf(at, i, '.region'), `no region ${region} (regions 0..${regions.length - 1})`);
      if (page >= r.pages) throw new PredictError(fieldOf(at, i, '.page'), `page ${page} is past the end of region "${r.name}" (${r.pages} pages)`);
    }
    if (tags) {
      if (!isTag(target)) throw new PredictError(fieldOf(at, i, '.target'), `expected a tag (${PREDICT_TAGS.join(', ')}), got ${JSON.stringify(target) ?? 'undefined'}`);
    } else if (typeof target !== 'number' || !Number.isInteger(target) || target < 0 || target >= procs) {
      throw new PredictError(fieldOf(at, i, '.target'), `expected a processor id (0 = cpu${run ? `, 1..${procs - 1} the GPUs` : ''}), got ${JSON.stringify(target) ?? 'undefined'}`);
    }
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One line for people: `5 of 6 pages right; 1 missed, 2 wrong`. */
export function gradeSummary(counts: PredictCounts): string {
  const { correct, missed, wrong } = counts;
  const truth = correct + missed;
  if (truth === 0 && wrong === 0) return 'Right: nothing happens here';
  if (truth === 0) return `Nothing happens here; ${plural(wrong, 'mark')} wrong`;
  const head = `${correct.toLocaleString('en-US')} of ${plural(truth, 'page')} right`;
  if (missed === 0 && wrong === 0) return `${head}: all of them`;
  const tail = [missed ? `${missed.toLocaleString('en-US')} missed` : '', wrong ? `${wrong.toLocaleString('en-US')} wrong` : ''].filter(Boolean).join(', ');
  return `${head}; ${tail}`;
}

/** The question with only its own fields (a request's object may carry more). */
export function copyQuestion(q: PredictQuestion): PredictQuestion {
  return { kind: q.kind, from: q.from, through: q.through, ...(q.prompt !== undefined ? { prompt: q.prompt } : {}) };
}

/** Merges the answer's keys with the truth's (both ascending, each once). */
function gradeKeys(question: PredictQuestion, a: Float64Array, t: Float64Array): PredictGrade {
  const tags = question.kind === 'tags';
  const correct: PredictMark[] = [];
  const missed: PredictMark[] = [];
  const wrong: PredictMark[] = [];
  const counts = { correct: 0, missed: 0, wrong: 0 };
  const add = (list: PredictMark[], key: number, which: keyof PredictCounts) => {
    counts[which]++;
    if (list.length < MAX_GRADE_LIST) list.push(unpackMark(key, tags));
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < t.length) {
    if (j >= t.length || (i < a.length && a[i] < t[j])) add(wrong, a[i++], 'wrong');
    else if (i >= a.length || t[j] < a[i]) add(missed, t[j++], 'missed');
    else {
      add(correct, a[i], 'correct');
      i++;
      j++;
    }
  }
  return { question: copyQuestion(question), correct, missed, wrong, summary: gradeSummary(counts), counts };
}

/**
 * Sorts the answer's marks against the truth's. Throws a located PredictError for a mark of the wrong shape (no run
 * here: checkMarks with the run says whether a region or page exists).
 */
export function gradePrediction(question: PredictQuestion, answer: readonly PredictMark[], truth: readonly PredictMark[]): PredictGrade {
  checkMarks(question, answer);
  return gradeKeys(question, keysOf(answer), keysOf(truth));
}

/** Checks the question and the answer against the run, computes the truth and grades; the cursor stays. */
export function gradeInRun(run: Run, question: unknown, answer: unknown): PredictGrade {
  checkQuestion(run, question);
  checkMarks(question, answer, 'answer', run);
  return gradeKeys(question, keysOf(answer), truthKeys(run, question));
}
