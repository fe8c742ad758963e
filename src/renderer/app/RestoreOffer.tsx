/**
 * The autosave's offer at start (after a crash, a kill or a closed tab): restore the session it holds, or discard it.
 * Keyboard reachable: Restore has focus, Tab reaches Discard; Escape answers neither (the autosave stays until the
 * next change replaces it).
 */
import { useTranslation } from 'react-i18next';
import { discardAutosave, restoreAutosave, useSession } from '../state/session';

export function RestoreOffer({ storage }: { storage: Storage | null }) {
  const { t } = useTranslation('session');
  const offer = useSession((s) => s.offer);
  if (!offer || !storage) return null;
  const time = new Date(offer.savedAt).toLocaleString();
  const later = () => useSession.setState({ offer: null });
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && later()}>
      <div className="modal session-modal" role="alertdialog" aria-modal="true" aria-labelledby="restore-title" aria-describedby="restore-body" data-testid="restore-offer">
        <h2 id="restore-title">{t('restore.title', { time })}</h2>
        <p id="restore-body">{t('restore.body', { scenario: offer.scenario || offer.name, step: offer.step })}</p>
        <div className="session-modal-actions">
          <button type="button" onClick={() => discardAutosave(storage)} data-testid="restore-discard">
            {t('restore.discard')}
          </button>
          <button type="button" className="primary" autoFocus onClick={() => void restoreAutosave()} data-testid="restore-accept">
            {t('restore.restore')}
          </button>
        </div>
      </div>
    </div>
  );
}
