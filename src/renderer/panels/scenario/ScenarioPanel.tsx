/**
 * The scenario: which one is loaded (pick another from the built-ins), its description,
 * and its ops (OpList).
 */
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../../state/store';
import { BUILTIN_SCENARIOS } from '../../scenarios';
import { OpList } from './OpList';
import { translateScenarioText } from '../../i18n/narration';

export function ScenarioPanel() {
  const { t, i18n } = useTranslation('scenario');
  const run = useDebugger((s) => s.run);
  const op = useDebugger((s) => s.state?.op ?? -1);
  const fileName = useDebugger((s) => s.fileName);
  const load = useDebugger((s) => s.load);
  const seek = useDebugger((s) => s.seek);
  const builtin = BUILTIN_SCENARIOS.find((b) => b.file === fileName);

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
              {translateScenarioText(s.file, 'name', s.title, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      {run && (
        <>
          <h2 className="scenario-title">{translateScenarioText(builtin?.file, 'name', run.scenario, i18n.language)}</h2>
          <p className="scenario-description">{translateScenarioText(builtin?.file, 'description', run.description, i18n.language)}</p>
          <OpList ops={run.ops} current={op} onPick={seek} />
        </>
      )}
    </div>
  );
}
