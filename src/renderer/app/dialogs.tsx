/** The Help menu's dialogs: about (versions), and the scenario format's reference. */
import { useTranslation } from 'react-i18next';
import { useDebugger } from '../state/store';

// bundled as data, like the built-in scenarios (scenarios.ts): the reference ships with the app
const docs = import.meta.glob('../../../docs/scenario-format.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const formatReference = Object.values(docs)[0] ?? '';

export type Dialog = 'keys' | 'about' | 'scenarioFormat';

function Modal({ title, onClose, children, wide }: { title: string; onClose(): void; children: React.ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="modal-backdrop" onClick={onClose} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className={`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-label={title} onClick={(e) => e.stopPropagation()}>
        <h2>{title}</h2>
        {children}
        <button type="button" onClick={onClose} autoFocus>
          {t('close')}
        </button>
      </div>
    </div>
  );
}

export function About({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const engine = useDebugger((s) => s.run?.engineVersion);
  const shell = window.uvmscope ? t('about.electron', { version: window.uvmscope.version }) : t('about.web');
  return (
    <Modal title={t('about.title')} onClose={onClose}>
      <p>{t('about.tagline')}</p>
      <p>{shell}</p>
      {engine && <p>{t('about.engine', { version: engine })}</p>}
    </Modal>
  );
}

/** docs/scenario-format.md, bundled, as text (it is written to read well as plain text). */
export function FormatHelp({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t('about.formatTitle')} onClose={onClose} wide>
      <pre className="doc-text">{formatReference}</pre>
    </Modal>
  );
}
