/**
 * Go to step (Ctrl+G): a small box at the top of the window. Enter seeks, Escape cancels; a
 * number the run does not have is answered under the box, which stays open.
 */
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../state/store';
import { closeOverlay } from './overlays';
import { parseStepInput } from './step-input';
import './palette.css';

export function GoToStep() {
  const { t } = useTranslation('controls');
  const last = useDebugger((s) => (s.run?.totalSteps ?? 1) - 1);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = parseStepInput(text, useDebugger.getState().state?.step ?? 0, last);
    if ('error' in r) {
      setError(r.error === 'outOfRange' ? t('goTo.outOfRange', { step: r.step, last }) : t('goTo.notANumber', { text: text.trim(), last }));
      return;
    }
    closeOverlay(true);
    useDebugger.getState().seek(r.step);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closeOverlay(true);
    }
  };

  return (
    <div className="quick-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeOverlay(true)}>
      <form className="quick goto" role="dialog" aria-modal="true" aria-label={t('goTo.title')} onSubmit={submit} onKeyDown={onKeyDown}>
        <label htmlFor={id}>{t('goTo.label', { last })}</label>
        <input
          id={id}
          data-testid="go-to-step"
          autoFocus
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          value={text}
          aria-invalid={error !== null}
          aria-describedby={`${id}-message`}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
        />
        <p id={`${id}-message`} className={error ? 'goto-error' : 'goto-hint'} role={error ? 'alert' : undefined}>
          {error ?? t('goTo.hint')}
        </p>
      </form>
    </div>
  );
}
