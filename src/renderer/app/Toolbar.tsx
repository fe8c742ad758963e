/** The debugger's buttons, each with its key in the tooltip. */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { StepGranularity } from '../../protocol';
import { useDebugger } from '../state/store';
import { PLAY_GRANULARITIES, PLAY_SPEEDS, usePlayer, type PlayGranularity, type PlaySpeed } from '../state/player';
import { keysFor } from '../keyboard/keymap';
import { Icon } from './icons';
import { LANGUAGES, isLanguage, setLanguage } from '../i18n/index';
import './controls.css';

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
      <PlayControls ready={ready} />
      <div className="toolbar-right">
        <LanguageSelect />
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

/** The UI's language, each named in itself; the choice is remembered (src/renderer/i18n). */
function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <select
      className="language-select"
      data-testid="language"
      title={t('toolbar.language')}
      aria-label={t('toolbar.language')}
      value={i18n.language}
      onChange={(e) => {
        if (isLanguage(e.target.value)) void setLanguage(e.target.value);
      }}
    >
      {Object.entries(LANGUAGES).map(([code, name]) => (
        <option key={code} value={code} lang={code}>
          {name}
        </option>
      ))}
    </select>
  );
}

/** Play / pause with its speed and granularity; Play is a toggle button (aria-pressed). */
function PlayControls({ ready }: { ready: boolean }) {
  const { t } = useTranslation('controls');
  const { playing, speed, granularity, toggle, setSpeed, setGranularity } = usePlayer();
  const keys = keysFor((c) => c.kind === 'play').join(', ');
  return (
    <div className="play-controls" role="group" aria-label={t('play.group')}>
      <button
        type="button"
        data-action="play"
        aria-pressed={playing}
        aria-label={t('play.label')}
        title={t(playing ? 'play.pauseHint' : 'play.playHint', { keys })}
        disabled={!ready}
        onClick={toggle}
      >
        <Icon name={playing ? 'pause' : 'play'} />
      </button>
      <label title={t('play.speedHint')}>
        <span>{t('play.speed')}</span>
        <select data-testid="play-speed" value={String(speed)} onChange={(e) => setSpeed(parseSpeed(e.target.value))}>
          {PLAY_SPEEDS.map((s) => (
            <option key={s} value={String(s)}>
              {speedLabel(t, s, true)}
            </option>
          ))}
        </select>
      </label>
      <label title={t('play.byHint')}>
        <span>{t('play.by')}</span>
        <select data-testid="play-by" value={granularity} onChange={(e) => setGranularity(e.target.value as PlayGranularity)}>
          {PLAY_GRANULARITIES.map((g) => (
            <option key={g} value={g}>
              {t(`play.${g}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function parseSpeed(value: string): PlaySpeed {
  return value === 'max' ? 'max' : Number(value);
}

/** "10 steps/s", or "max" (short) / "as fast as frames allow" (long). */
export function speedLabel(t: TFunction<'controls'>, speed: PlaySpeed, short: boolean): string {
  return speed === 'max' ? t(short ? 'play.max' : 'play.maxLong') : t('play.perSecond', { count: speed });
}
