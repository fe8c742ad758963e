/**
 * Predict mode's state (src/protocol/predict.ts): the question open now, the target the learner marks with, their
 * marks, the host's grade once checked, and the answers made in this session.
 *
 * A question comes from a tour stop that asks (predict-tour.ts follows the tour) or from the learner ("Predict the
 * next op…", P): then it covers the op after the cursor and the learner chooses what to predict. Marks are pages with
 * a target; a click on a memory-map cell toggles every page under it with the chosen target, a drag paints a range.
 * Check sends the marks to the host (`grade`), which compares them with what the run really did over the span; the
 * answer is recorded (PredictAnswerRecord) and saved with the session.
 */
import { create } from 'zustand';
import type { OpInfo, PredictAnswerRecord, PredictGrade, PredictKind, PredictMark, PredictQuestion, PredictTag } from '../../protocol';
import { i18n } from '../i18n';
import { send, useDebugger } from './store';

/** What the learner marks pages with: a processor id (0 = CPU), or a page-cache tag. */
export type PredictTarget = number | PredictTag;

export const PREDICT_KINDS: readonly PredictKind[] = ['moves', 'tags', 'invalidations'];
export const PREDICT_TAGS: readonly PredictTag[] = ['dirty', 'cpuDirty', 'writeback'];
/** The most marks an answer may hold (the protocol's limit). */
export const MAX_MARKS = 1_000_000;

/** The targets a kind of question offers: processors for moves and invalidations, tags for tags. */
export function targetsFor(kind: PredictKind, processors: number): PredictTarget[] {
  if (kind === 'tags') return [...PREDICT_TAGS];
  return Array.from({ length: Math.max(1, processors) }, (_, p) => p);
}

/** The default target of a kind: a tag's first, else the first GPU (what the questions are mostly about), else the CPU. */
export function defaultTarget(kind: PredictKind, processors: number): PredictTarget {
  if (kind === 'tags') return 'dirty';
  return processors > 1 ? 1 : 0;
}

/**
 * The learner's marks: per (region, target) the set of pages marked, as one byte per page (a map of a million pages is
 * a megabyte, copied in well under a millisecond), so that a click on a cell of thousands of pages, or a drag over a
 * whole region, stays instant however many pages are marked.
 */
export interface PageSet {
  readonly region: number;
  readonly target: PredictTarget;
  /** 1 for a marked page (indexed by page; pages past the end are unmarked). */
  readonly bits: Uint8Array;
  readonly count: number;
}
export type Marks = ReadonlyMap<string, PageSet>;

export function setKey(region: number, target: PredictTarget): string {
  return `${region}|${target}`;
}

/** How many pages are marked, all targets together. */
export function markCount(marks: Marks): number {
  let n = 0;
  for (const s of marks.values()) n += s.count;
  return n;
}

/** Whether page `page` of `region` is marked with `target`. */
export function isMarked(marks: Marks, region: number, page: number, target: PredictTarget): boolean {
  return (marks.get(setKey(region, target))?.bits[page] ?? 0) === 1;
}

/** Whether every page of [first, first + count) is marked with `target`. */
export function rangeMarked(marks: Marks, region: number, first: number, count: number, target: PredictTarget): boolean {
  const set = marks.get(setKey(region, target));
  if (!set || count <= 0 || first + count > set.bits.length) return false;
  for (let p = first; p < first + count; p++) if (!set.bits[p]) return false;
  return true;
}

/** Mark (or, with `on` false, unmark) pages [first, first + count) of a region for a target. Returns a new map. */
export function paintMarks(marks: Marks, region: number, first: number, count: number, target: PredictTarget, on: boolean): Map<string, PageSet> {
  const key = setKey(region, target);
  const old = marks.get(key);
  const next = new Map(marks);
  if (count <= 0 || first < 0) return next;
  const end = first + count;
  if (!on && !old) return next;
  const size = on ? Math.max(old?.bits.length ?? 0, end) : old!.bits.length;
  const bits = new Uint8Array(size);
  if (old) bits.set(old.bits);
  let n = old?.count ?? 0;
  // the protocol's limit on an answer: marks past it are not made
  let room = MAX_MARKS - markCount(marks);
  const stop = Math.min(end, size);
  for (let p = first; p < stop; p++) {
    if (on && !bits[p] && room > 0) {
      bits[p] = 1;
      n++;
      room--;
    } else if (!on && bits[p]) {
      bits[p] = 0;
      n--;
    }
  }
  if (n === 0) next.delete(key);
  else next.set(key, { region, target, bits, count: n });
  return next;
}

/**
 * Toggle pages [first, first + count) of a region for a target: when every one of them is marked with it, they are all
 * unmarked; otherwise they are all marked (a cell standing for many pages toggles as one). Returns a new map.
 */
export function toggleMarks(marks: Marks, region: number, first: number, count: number, target: PredictTarget): Map<string, PageSet> {
  return paintMarks(marks, region, first, count, target, !rangeMarked(marks, region, first, count, target));
}

/** The marks as a list, in region, page, target order (what is sent and saved). */
export function marksList(marks: Marks): PredictMark[] {
  const out: PredictMark[] = [];
  for (const set of marks.values()) for (let p = 0; p < set.bits.length; p++) if (set.bits[p]) out.push({ region: set.region, page: p, target: set.target });
  return out.sort((a, b) => a.region - b.region || a.page - b.page || String(a.target).localeCompare(String(b.target)));
}

/** The op the learner's own question is about: the first op after the cursor that does something (no note, bookmark or ask). */
export function nextOp(ops: readonly OpInfo[], cursor: number): OpInfo | null {
  for (const o of ops) {
    if (o.firstStep < 0 || o.op === 'note' || o.op === 'bookmark' || o.op === 'ask') continue;
    if (o.firstStep > cursor && o.lastStep > cursor) return o;
  }
  return null;
}

/** The learner's question about the op after the cursor: from the cursor through that op's last step. */
export function questionForNextOp(ops: readonly OpInfo[], cursor: number, kind: PredictKind): PredictQuestion | null {
  const op = nextOp(ops, cursor);
  return op ? { kind, from: cursor, through: op.lastStep } : null;
}

export type PredictSource = 'tour' | 'learner';

export interface PredictState {
  /** The open question, or null. */
  question: PredictQuestion | null;
  /** Where it came from: a tour stop that asks, or the learner's own (then the kind can be changed). */
  source: PredictSource | null;
  target: PredictTarget;
  marks: Marks;
  /** The host's grade of the last check of this question. */
  grade: PredictGrade | null;
  checking: boolean;
  /** The host's refusal of the last check, in its words. */
  error: string | null;
  /** The answers graded in this session, in order. */
  answers: readonly PredictAnswerRecord[];
}

const CLOSED: Pick<PredictState, 'question' | 'source' | 'marks' | 'grade' | 'checking' | 'error'> = {
  question: null,
  source: null,
  marks: new Map(),
  grade: null,
  checking: false,
  error: null,
};

export const usePredict = create<PredictState>()(() => ({ ...CLOSED, target: 0, answers: [] }));

const processors = () => useDebugger.getState().run?.processors.length ?? 1;

/** Open a question; the cursor goes to its `from` step (what the learner sees when asked). */
export function ask(question: PredictQuestion, source: PredictSource = 'tour'): void {
  const open = usePredict.getState().question;
  if (open && sameQuestion(open, question)) return;
  usePredict.setState({ ...CLOSED, marks: new Map(), question, source, target: defaultTarget(question.kind, processors()) });
  const d = useDebugger.getState();
  if (d.state && d.state.step !== question.from) d.seek(question.from);
}

/** The learner's own question about the op after the cursor; false when no op follows. */
export function askNextOp(kind: PredictKind = 'moves'): boolean {
  const { run, state } = useDebugger.getState();
  if (!run || !state) return false;
  const q = questionForNextOp(run.ops, state.step, kind);
  if (!q) return false;
  ask(q, 'learner');
  return true;
}

export function sameQuestion(a: PredictQuestion, b: PredictQuestion): boolean {
  return a.kind === b.kind && a.from === b.from && a.through === b.through && (a.prompt ?? '') === (b.prompt ?? '');
}

/** The learner's question asks something else (its marks go: they were for the other kind). */
export function setKind(kind: PredictKind): void {
  const { question, source } = usePredict.getState();
  if (!question || source !== 'learner' || question.kind === kind) return;
  usePredict.setState({ question: { ...question, kind }, marks: new Map(), grade: null, error: null, target: defaultTarget(kind, processors()) });
}

export function setTarget(target: PredictTarget): void {
  usePredict.setState({ target });
}

/** Toggle the pages of a cell (first page, count) with the chosen target. No change once graded. */
export function toggleCell(region: number, first: number, count: number): void {
  const s = usePredict.getState();
  if (!s.question || s.grade || s.checking) return;
  usePredict.setState({ marks: toggleMarks(s.marks, region, first, count, s.target) });
}

/** Paint a range of pages with the chosen target (a drag), or unpaint it. */
export function paint(region: number, first: number, count: number, on: boolean): void {
  const s = usePredict.getState();
  if (!s.question || s.grade || s.checking) return;
  usePredict.setState({ marks: paintMarks(s.marks, region, first, count, s.target, on) });
}

/** Whether every page of [first, first + count) is marked with the chosen target (a drag from it unpaints). */
export function allMarked(region: number, first: number, count: number): boolean {
  const { marks, target } = usePredict.getState();
  return rangeMarked(marks, region, first, count, target);
}

export function clearMarks(): void {
  const s = usePredict.getState();
  if (s.grade || s.checking) return;
  usePredict.setState({ marks: new Map() });
}

/** Send the marks to the host: its grade comes back and the answer is recorded. */
export async function check(): Promise<PredictGrade | null> {
  const s = usePredict.getState();
  if (!s.question || s.checking || s.grade) return s.grade;
  const question = s.question;
  const answer = marksList(s.marks);
  usePredict.setState({ checking: true, error: null });
  let grade: PredictGrade | null = null;
  let error: string | null = null;
  try {
    const r = await send({ type: 'grade', question, answer });
    if (r.type === 'error') error = r.diagnostics.map((d) => d.message).join('; ');
    else if (!r.grade) error = i18n.t('predict:noGrade');
    else grade = r.grade;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  // the question was closed or replaced while the host graded: the grade is not shown, nor recorded
  if (usePredict.getState().question !== question) return null;
  if (!grade) {
    usePredict.setState({ checking: false, error });
    return null;
  }
  usePredict.setState({ checking: false, grade, answers: [...usePredict.getState().answers, { question, answer, counts: grade.counts }] });
  return grade;
}

/** Give up and see the answer: graded as an empty answer (everything missed), and recorded so. */
export async function showAnswer(): Promise<PredictGrade | null> {
  const s = usePredict.getState();
  if (!s.question || s.grade || s.checking) return s.grade;
  usePredict.setState({ marks: new Map() });
  return check();
}

/** Go and watch it happen: the cursor to `through` (stepping back and forth works as usual). */
export function reveal(): void {
  const { question } = usePredict.getState();
  if (question) useDebugger.getState().seek(question.through);
}

/** Back to the question's `from` step, to watch it again. */
export function rewind(): void {
  const { question } = usePredict.getState();
  if (question) useDebugger.getState().seek(question.from);
}

export function closeQuestion(): void {
  usePredict.setState({ ...CLOSED, marks: new Map() });
}

/** A session's answers (opened) replace this session's; a plain load forgets them (predict-tour.ts). */
export function setAnswers(answers: readonly PredictAnswerRecord[]): void {
  usePredict.setState({ answers });
}
