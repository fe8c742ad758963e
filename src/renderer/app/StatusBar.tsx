/** Where the cursor is: step, simulated time, digest, why the last motion stopped, errors. */
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../state/store';
import { formatNs } from '../panels/narration/explain';

export function StatusBar() {
  const { t } = useTranslation();
  const state = useDebugger((s) => s.state);
  const stop = useDebugger((s) => s.lastStop);
  const diagnostics = useDebugger((s) => s.diagnostics);
  const status = useDebugger((s) => s.status);
  return (
    <footer className="status-bar" role="status">
      {state && (
        <>
          <span data-testid="cursor-step">{t('step', { step: state.step, total: state.totalSteps - 1 })}</span>
          <span>{t('simTime', { time: formatNs(state.simTimeNs) })}</span>
          <span className="digest" data-testid="digest">{t('digest', { digest: state.digest })}</span>
        </>
      )}
      {stop && (
        <span className="stop-reason">
          {stop.reason === 'breakpoint' ? t('stoppedAtBreakpoint', { id: stop.breakpoint }) : stop.reason === 'end' ? t('stoppedAtEnd') : t('stoppedAtStart')}
        </span>
      )}
      {status !== 'loading' && diagnostics.length > 0 && (
        <span className="status-error" role="alert">
          {diagnostics[0].location ? `${diagnostics[0].location.file}:${diagnostics[0].location.line}:${diagnostics[0].location.column}: ` : ''}
          {diagnostics[0].message}
        </span>
      )}
    </footer>
  );
}
