/** The debugger's buttons, each with its key in the tooltip. */
import { useTranslation } from 'react-i18next';
import type { StepGranularity } from '../../protocol';
import { useDebugger } from '../state/store';

interface Button {
  readonly id: string;
  readonly label: string;
  readonly glyph: string;
  readonly action: () => void;
}

export function Toolbar({ onHelp, onPresentation }: { onHelp(): void; onPresentation(): void }) {
  const { t } = useTranslation();
  const ready = useDebugger((s) => s.status === 'ready');
  const step = useDebugger((s) => s.step);
  const seek = useDebugger((s) => s.seek);
  const total = useDebugger((s) => s.run?.totalSteps ?? 1);
  const go = (g: StepGranularity, d: 'forward' | 'backward') => () => void step(g, d);
  const buttons: Button[] = [
    { id: 'to-start', label: t('toolbar.toStart'), glyph: '⏮', action: () => seek(0) },
    { id: 'reverse-continue', label: t('toolbar.reverseContinue'), glyph: '◀◀', action: go('continue', 'backward') },
    { id: 'prev-op', label: t('toolbar.prevOp'), glyph: '⇞', action: go('op', 'backward') },
    { id: 'step-back-out', label: t('toolbar.stepBackOut'), glyph: '↰', action: go('out', 'backward') },
    { id: 'step-back-over', label: t('toolbar.stepBackOver'), glyph: '↶', action: go('over', 'backward') },
    { id: 'step-back', label: t('toolbar.stepBack'), glyph: '◀', action: go('into', 'backward') },
    { id: 'step-into', label: t('toolbar.stepInto'), glyph: '▶', action: go('into', 'forward') },
    { id: 'step-over', label: t('toolbar.stepOver'), glyph: '↷', action: go('over', 'forward') },
    { id: 'step-out', label: t('toolbar.stepOut'), glyph: '↱', action: go('out', 'forward') },
    { id: 'next-op', label: t('toolbar.nextOp'), glyph: '⇟', action: go('op', 'forward') },
    { id: 'continue', label: t('toolbar.continue'), glyph: '▶▶', action: go('continue', 'forward') },
    { id: 'to-end', label: t('toolbar.toEnd'), glyph: '⏭', action: () => seek(total - 1) },
  ];
  return (
    <header className="toolbar" role="toolbar" aria-label={t('appName')}>
      <span className="brand">{t('appName')}</span>
      <div className="debug-buttons">
        {buttons.map((b) => (
          <button key={b.id} type="button" data-action={b.id} title={b.label} aria-label={b.label} disabled={!ready} onClick={b.action}>
            {b.glyph}
          </button>
        ))}
      </div>
      <div className="toolbar-right">
        <button type="button" onClick={onPresentation} title={t('toolbar.presentation')}>
          ⛶
        </button>
        <button type="button" onClick={onHelp} title={t('keys.help')} aria-label={t('keys.help')}>
          ?
        </button>
      </div>
    </header>
  );
}
