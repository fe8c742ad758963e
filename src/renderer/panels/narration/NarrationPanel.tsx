/**
 * Narration: the scenario's note for where the cursor is, then what this step did, in
 * words generated from its transitions (what moved, why, what it cost).
 */
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../../state/store';
import { explainStep, type T } from './explain';
import { translateNote } from '../../i18n/narration';

export function NarrationPanel() {
  const { t, i18n } = useTranslation('narration');
  const state = useDebugger((s) => s.state);
  const run = useDebugger((s) => s.run);
  const selectTransition = useDebugger((s) => s.selectTransition);
  if (!state || !run) return <div className="panel-empty">{t('empty')}</div>;
  const frame = state.stack[state.stack.length - 1];
  const explanation = explainStep(state, t as unknown as T);
  return (
    <div className="panel narration-panel">
      {state.narration && <p className="narration-note">{translateNote(state.narration, i18n.language)}</p>}
      <h3>{t('thisStep')}</h3>
      {frame && (
        <p className="narration-where">
          {t('where', { fn: frame.function, text: frame.text })}
        </p>
      )}
      <ul className="narration-explain">
        {explanation.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      {state.transitions.length > 0 && (
        <details open={state.transitions.length <= 12}>
          <summary>{t('transitions', { count: state.transitionCount })}</summary>
          <ul className="transition-list">
            {state.transitions.map((tr) => (
              <li key={tr.index}>
                <button type="button" className={`transition kind-${tr.type}`} onClick={() => selectTransition(tr.index)}>
                  <span className="transition-kind">{tr.kind}</span> {tr.text}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
