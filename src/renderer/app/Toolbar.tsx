/** The debugger's buttons, each with its key in the tooltip. */
import { useTranslation } from 'react-i18next';
import type { StepGranularity } from '../../protocol';
import { useDebugger } from '../state/store';
import { Icon } from './icons';

interface Button {
  readonly id: string;
  readonly label: string;
  readonly action: () => void;
}

export function Toolbar({ onHelp, onPresentation, onOpen, onSave }: { onHelp(): void; onPresentation(): void; onOpen(): void; onSave(): void }) {
  const { t } = useTranslation();
  const ready = useDebugger((s) => s.status === 'ready');
  const step = useDebugger((s) => s.step);
  const seek = useDebugger((s) => s.seek);
  const total = useDebugger((s) => s.run?.totalSteps ?? 1);
  const go = (g: StepGranularity, d: 'forward' | 'backward') => () => void step(g, d);
  const buttons: Button[] = [
    { id: 'to-start', label: t('toolbar.toStart'), action: () => seek(0) },
    { id: 'reverse-continue', label: t('toolbar.reverseContinue'), action: go('continue', 'backward') },
    { id: 'prev-op', label: t('toolbar.prevOp'), action: go('op', 'backward') },
    { id: 'step-back-out', label: t('toolbar.stepBackOut'), action: go('out', 'backward') },
    { id: 'step-back-over', label: t('toolbar.stepBackOver'), action: go('over', 'backward') },
    { id: 'step-back', label: t('toolbar.stepBack'), action: go('into', 'backward') },
    { id: 'step-into', label: t('toolbar.stepInto'), action: go('into', 'forward') },
    { id: 'step-over', label: t('toolbar.stepOver'), action: go('over', 'forward') },
    { id: 'step-out', label: t('toolbar.stepOut'), action: go('out', 'forward') },
    { id: 'next-op', label: t('toolbar.nextOp'), action: go('op', 'forward') },
    { id: 'continue', label: t('toolbar.continue'), action: go('continue', 'forward') },
    { id: 'to-end', label: t('toolbar.toEnd'), action: () => seek(total - 1) },
  ];
  return (
    <header className="toolbar" role="toolbar" aria-label={t('appName')}>
      <span className="brand">{t('appName')}</span>
      <div className="file-buttons">
        <button type="button" onClick={onOpen} title={t('toolbar.openHint')}>
          {t('toolbar.open')}
        </button>
        <button type="button" onClick={onSave} title={t('toolbar.saveHint')} disabled={!ready}>
          {t('toolbar.save')}
        </button>
      </div>
      <div className="debug-buttons">
        {buttons.map((b) => (
          <button key={b.id} type="button" data-action={b.id} title={b.label} aria-label={b.label} disabled={!ready} onClick={b.action}>
            <Icon name={b.id} />
          </button>
        ))}
      </div>
      <div className="toolbar-right">
        <button type="button" onClick={onPresentation} title={t('toolbar.presentation')} aria-label={t('toolbar.presentation')}>
          <Icon name="presentation" />
        </button>
        <button type="button" onClick={onHelp} title={t('keys.help')} aria-label={t('keys.help')}>
          <Icon name="help" />
        </button>
      </div>
    </header>
  );
}
