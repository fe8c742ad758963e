/**
 * The scenario: which one is loaded (pick another from the built-ins), its description,
 * and its ops as a list — the current one highlighted, each a click away.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../../state/store';
import { BUILTIN_SCENARIOS } from '../../scenarios';

export function ScenarioPanel() {
  const { t } = useTranslation('scenario');
  const run = useDebugger((s) => s.run);
  const op = useDebugger((s) => s.state?.op ?? -1);
  const fileName = useDebugger((s) => s.fileName);
  const load = useDebugger((s) => s.load);
  const seek = useDebugger((s) => s.seek);
  const builtin = BUILTIN_SCENARIOS.find((b) => b.file === fileName);
  const currentOp = useRef<HTMLLIElement>(null);
  useEffect(() => {
    currentOp.current?.scrollIntoView({ block: 'nearest' });
  }, [op]);

  return (
    <div className="panel scenario-panel">
      <label className="field">
        <span>{t('builtIn')}</span>
        <select
          aria-label={t('builtIn')}
          value={builtin ? builtin.file : ''}
          onChange={(e) => {
            const s = BUILTIN_SCENARIOS.find((b) => b.file === e.target.value);
            if (s) void load(s.source, s.file);
          }}
        >
          {!builtin && <option value="">{fileName || t('none')}</option>}
          {BUILTIN_SCENARIOS.map((s) => (
            <option key={s.file} value={s.file}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      {run && (
        <>
          <h2 className="scenario-title">{run.scenario}</h2>
          <p className="scenario-description">{run.description}</p>
          <ol className="op-list" aria-label={t('ops')}>
            {run.ops.map((o) => (
              <li key={o.index} ref={o.index === op ? currentOp : undefined} className={`op op-${o.op.replace('.', '-')}${o.index === op ? ' current' : ''}`} aria-current={o.index === op ? 'step' : undefined}>
                <button type="button" disabled={o.firstStep < 0} onClick={() => seek(o.firstStep)} title={t('goToOp', { line: o.line })}>
                  <span className="op-kind">{o.op}</span> <span className="op-label">{o.label}</span>
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
