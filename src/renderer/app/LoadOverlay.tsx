/** While a scenario runs: progress and a Cancel button (the UI stays live meanwhile). */
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../state/store';

export function LoadOverlay() {
  const { t } = useTranslation();
  const status = useDebugger((s) => s.status);
  const progress = useDebugger((s) => s.progress);
  const fileName = useDebugger((s) => s.fileName);
  const cancel = useDebugger((s) => s.cancelLoad);
  if (status !== 'loading') return null;
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  return (
    <div className="load-overlay" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
      <div className="load-box">
        <p>{progress && progress.total > 0 ? t('loading', { file: fileName, done: progress.done, total: progress.total }) : t('loadingStart')}</p>
        <progress value={fraction} max={1} />
        <button type="button" onClick={() => void cancel()}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}
