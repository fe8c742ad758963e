/**
 * Predict mode's bar (under the panels, like the tour's caption): the question in words, the span of steps it covers,
 * what the learner marks with (and, for their own question, what to predict), how many pages they marked, and Check
 * (Enter), Show answer, Close (Esc). After the check: the grade in words and a way to go and watch it happen. The
 * answers made in this session are listed below it (they are saved with the session).
 *
 * It also owns predict mode's keys — P asks about the next op, Enter checks, Escape closes — and starts following
 * the tour (a stop that asks opens its question: state/predict-tour.ts).
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { PredictAnswerRecord } from '../../protocol';
import { useDebugger } from '../state/store';
import { askNextOp, check, clearMarks, markCount, closeQuestion, PREDICT_KINDS, reveal, rewind, setKind, setTarget, showAnswer, targetsFor, usePredict, type PredictTarget } from '../state/predict';
import { startPredict } from '../state/predict-tour';
import { commandFor } from '../keyboard/keymap';
import { SHAPE_GLYPH, targetShape } from '../panels/memory-map/answer';
import { targetColour } from '../panels/memory-map/renderer';
import { gradeWords } from './predict-words';
import './predict.css';

/**
 * Elements whose own Enter comes first (a pressed button, a text field, a dialog). Escape closes the question from
 * anywhere but an open dialog, unless what has the focus took it already (preventDefault or stopPropagation).
 */
const KEY_TAKERS = 'button, a[href], input, textarea, select, summary, [role="button"], [role="dialog"], .cm-editor, [cmdk-root]';

export function PredictBar() {
  const { t, i18n } = useTranslation('predict');
  const question = usePredict((s) => s.question);
  const source = usePredict((s) => s.source);
  const target = usePredict((s) => s.target);
  const count = usePredict((s) => markCount(s.marks));
  const grade = usePredict((s) => s.grade);
  const checking = usePredict((s) => s.checking);
  const error = usePredict((s) => s.error);
  const answers = usePredict((s) => s.answers);
  const run = useDebugger((s) => s.run);
  const cursor = useDebugger((s) => s.state?.step);

  useEffect(() => {
    return startPredict();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const command = commandFor(event);
      if (command?.kind === 'predict') {
        event.preventDefault();
        if (!usePredict.getState().question) askNextOp();
        return;
      }
      const open = usePredict.getState();
      if (!open.question || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (document.querySelector('.modal-backdrop, [role="dialog"]')) return;
      // Escape in a text field (a tour stop's narration, the breakpoint input) belongs to that field
      if (event.key === 'Escape' && !target?.closest('input, textarea, select, [contenteditable="true"], .cm-editor')) {
        event.preventDefault();
        closeQuestion();
      } else if (event.key === 'Enter' && !target?.closest(KEY_TAKERS)) {
        event.preventDefault();
        if (!open.grade) void check();
        else reveal();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const locale = i18n.language.startsWith('zh') ? 'zh-CN' : 'en-US';
  if (!question) return answers.length > 0 ? <AnswerHistory answers={answers} locale={locale} standalone /> : null;
  const procName = (p: number) => run?.processors[p]?.name ?? t('target.processor', { id: p });
  const targetName = (x: PredictTarget) => (typeof x === 'number' ? procName(x) : t(`target.${x}`));
  const targets = targetsFor(question.kind, run?.processors.length ?? 1);
  const fmt = (n: number) => n.toLocaleString(locale);
  const atThrough = cursor === question.through;
  const locked = grade !== null || checking;
  return (
    <section className={`predict-bar${grade ? ' graded' : ''}`} aria-label={t('label')} data-testid="predict-bar" data-kind={question.kind} data-from={question.from} data-through={question.through}>
      <span className="predict-badge">{t('label')}</span>
      <div className="predict-body">
        <div className="predict-heading">
          <span className="predict-question" data-testid="predict-question">
            {question.prompt ?? t(`question.${question.kind}`)}
          </span>
          <span className="predict-span" data-testid="predict-span">
            {t('span', { from: fmt(question.from), through: fmt(question.through) })}
          </span>
        </div>
        <div className="predict-row">
          {source === 'learner' && (
            <div className="predict-choice" role="radiogroup" aria-label={t('kind.label')}>
              <span className="predict-choice-label">{t('kind.label')}</span>
              {PREDICT_KINDS.map((k) => (
                <button key={k} type="button" role="radio" aria-checked={question.kind === k} className={question.kind === k ? 'on' : ''} disabled={locked} onClick={() => setKind(k)}>
                  {t(`kind.${k}`)}
                </button>
              ))}
            </div>
          )}
          <div className="predict-choice" role="radiogroup" aria-label={t('target.label')} data-testid="predict-targets">
            <span className="predict-choice-label">{t('target.label')}</span>
            {targets.map((x) => (
              <button key={String(x)} type="button" role="radio" aria-checked={target === x} className={target === x ? 'on' : ''} disabled={locked} onClick={() => setTarget(x)} data-target={String(x)}>
                <span className="predict-glyph" style={{ color: targetColour(x) }} aria-hidden="true">
                  {SHAPE_GLYPH[targetShape(x)]}
                </span>
                {targetName(x)}
              </button>
            ))}
          </div>
          <span className="predict-count" data-testid="predict-count" aria-live="polite">
            {t('marked', { count, n: fmt(count) })}
          </span>
          {grade && (
            <span className="predict-summary" data-testid="predict-summary" aria-live="polite">
              {gradeWords((k, o) => t(k, o), grade.counts, locale)}
            </span>
          )}
          {error && (
            <span className="predict-error" role="alert">
              {t('error', { message: error })}
            </span>
          )}
          {answers.length > 0 && <AnswerHistory answers={answers} locale={locale} />}
        </div>
      </div>
      <div className="predict-controls">
        {!grade ? (
          <>
            <button type="button" onClick={clearMarks} disabled={locked || count === 0}>
              {t('clear')}
            </button>
            <button type="button" className="primary" data-testid="predict-check" onClick={() => void check()} disabled={locked}>
              {checking ? t('checking') : t('check')}
            </button>
            <button type="button" data-testid="predict-show" onClick={() => void showAnswer()} disabled={locked}>
              {t('showAnswer')}
            </button>
          </>
        ) : atThrough ? (
          <button type="button" onClick={rewind}>
            {t('rewind')}
          </button>
        ) : (
          <button type="button" className="primary" data-testid="predict-watch" onClick={reveal}>
            {t('watch')}
          </button>
        )}
        <button type="button" onClick={closeQuestion} aria-label={t('close')} title={t('close')} data-testid="predict-close">
          ✕
        </button>
        <span className="predict-keys">{t('keys')}</span>
      </div>
    </section>
  );
}

/** The answers made in this session, newest last; steps and counts with the language's separators, as in the bar. */
function AnswerHistory({ answers, locale, standalone = false }: { answers: readonly PredictAnswerRecord[]; locale: string; standalone?: boolean }) {
  const { t } = useTranslation('predict');
  const n = (v: number) => v.toLocaleString(locale);
  const list = (
    <details className="predict-history" data-testid="predict-history">
      <summary>{t('answers.title', { count: answers.length })}</summary>
      <ol>
        {answers.map((a, i) => (
          <li key={i}>
            {t('answers.item', { kind: t(`kind.${a.question.kind}`), from: n(a.question.from), through: n(a.question.through), correct: n(a.counts.correct), missed: n(a.counts.missed), wrong: n(a.counts.wrong) })}
          </li>
        ))}
      </ol>
    </details>
  );
  return standalone ? (
    <section className="predict-bar history-only" aria-label={t('label')}>
      {list}
    </section>
  ) : (
    list
  );
}
