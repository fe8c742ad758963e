/** The keyboard map, generated from the keymap itself so it can never disagree with it. */
import { useTranslation } from 'react-i18next';
import { KEYMAP, keyLabel } from '../keyboard/keymap';

export function KeyHelp({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-label={t('keys.title')} onClick={(e) => e.stopPropagation()}>
        <h2>{t('keys.title')}</h2>
        <table>
          <tbody>
            {KEYMAP.map((b, i) => (
              <tr key={i}>
                <td>
                  <kbd>{keyLabel(b)}</kbd>
                </td>
                <td>{t(b.help)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          {t('close')}
        </button>
      </div>
    </div>
  );
}
