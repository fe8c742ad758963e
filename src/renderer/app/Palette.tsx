/**
 * The command palette (Ctrl+Shift+P, F1): every command of the app by name, with its key —
 * the menu's commands, the debugger's motions, play and its speeds, go to step (a typed
 * number offers "Go to step N"), the built-in scenarios, each panel. A plain cmdk `Command`
 * in our own overlay: cmdk's `Command.Dialog` injects <style> tags, which the CSP refuses.
 */
import { useState, type KeyboardEvent } from 'react';
import { Command } from 'cmdk';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { MenuCommand, StepGranularity } from '../../protocol';
import { useDebugger } from '../state/store';
import { PLAY_GRANULARITIES, PLAY_SPEEDS, usePlayer } from '../state/player';
import { keysFor, type KeyCommand } from '../keyboard/keymap';
import { BUILTIN_SCENARIOS } from '../scenarios';
import { PANELS } from '../panels/registry';
import { addStopAtCursor, openSessionFile, showNoteEditor, toggleBookmark, useSession, walkTour } from '../state/session';
import { EXAMPLE_SESSIONS } from '../sessions';
import { runCommand, type CommandContext } from './commands';
import { closeOverlay, openOverlay } from './overlays';
import { parseStepInput } from './step-input';
import { speedLabel } from './Toolbar';
import { LANGUAGES, currentLanguage, setLanguage, type Language } from '../i18n/index';
import { translateScenarioText, translateTourTitle } from '../i18n/narration';
import { THEMES, activeTheme } from '../theme/palette';
import { setTheme } from '../theme/theme';
import { askNextOp } from '../state/predict';
import './palette.css';

type Group = 'debug' | 'play' | 'file' | 'scenarios' | 'view' | 'panels' | 'help';
const GROUPS: readonly Group[] = ['debug', 'play', 'file', 'scenarios', 'view', 'panels', 'help'];

interface Entry {
  readonly id: string;
  readonly group: Group;
  readonly label: string;
  readonly keywords?: string[];
  readonly keys?: readonly string[];
  /** The speed, granularity or scenario in use. */
  readonly current?: boolean;
  /** The command moves focus itself (to a panel, another overlay): the palette does not give it back. */
  readonly movesFocus?: boolean;
  run(): void;
}

const stepKeys = (granularity: StepGranularity, direction: 'forward' | 'backward') =>
  keysFor((c: KeyCommand) => c.kind === 'step' && c.granularity === granularity && c.direction === direction);
const kindKeys = (kind: KeyCommand['kind']) => keysFor((c) => c.kind === kind);

/** The built-in scenario's file without `.yaml`, as people call it (`gaia-maquire`). */
const stem = (file: string) => file.replace(/\.ya?ml$/, '');

/** Sessions: save, bookmarks (toggle, go to each), the tour's keys, the example sessions. */
function sessionEntries(ctx: CommandContext, t: TFunction<'session'>): Entry[] {
  const { bookmarks, tours } = useSession.getState();
  return [
    { id: 'file.saveSession', group: 'file', label: t('palette.save'), run: () => void runCommand('file.saveSession', ctx) },
    { id: 'session.bookmark', group: 'debug', label: t('palette.bookmark'), keys: kindKeys('bookmark'), run: () => void toggleBookmark() },
    { id: 'session.note', group: 'debug', label: t('palette.note'), movesFocus: true, run: () => showNoteEditor(true) },
    { id: 'session.tourStop', group: 'debug', label: t('tours:palette.addStop'), keys: kindKeys('tourStop'), run: () => void addStopAtCursor() },
    ...bookmarks.map(
      (b): Entry => ({
        id: `session.bookmark.${b.step}`,
        group: 'debug',
        label: t('palette.goToBookmark', { label: b.label, step: b.step }),
        run: () => useDebugger.getState().seek(b.step),
      }),
    ),
    ...(tours.length > 0
      ? [
          { id: 'session.tourNext', group: 'debug', label: t('palette.tourNext'), keys: keysFor((c) => c.kind === 'tour' && c.direction === 'forward'), run: () => walkTour(1) } satisfies Entry,
          { id: 'session.tourPrev', group: 'debug', label: t('palette.tourPrev'), keys: keysFor((c) => c.kind === 'tour' && c.direction === 'backward'), run: () => walkTour(-1) } satisfies Entry,
        ]
      : []),
    { id: 'help.exampleSessions', group: 'help', label: t('palette.examples'), movesFocus: true, run: () => void runCommand('help.exampleSessions', ctx) },
    ...EXAMPLE_SESSIONS.map(
      (e): Entry => ({
        id: `session.example.${e.file}`,
        group: 'help',
        label: t('palette.example', { title: translateTourTitle(e.title, currentLanguage()) }),
        keywords: [e.file.replace(/\.uvmsession$/, '')],
        run: () => void e.load().then((text) => openSessionFile(text, e.file)),
      }),
    ),
  ];
}

function useEntries(ctx: CommandContext): Entry[] {
  const { t } = useTranslation('controls');
  const { t: tPanels } = useTranslation('panels');
  const { t: tSession } = useTranslation('session');
  const { t: tExport } = useTranslation('export');
  const { t: tPresentation } = useTranslation('presentation');
  const { t: tPredict } = useTranslation('predict');
  const player = usePlayer();
  const fileName = useDebugger((s) => s.fileName);
  const menu = (id: MenuCommand, group: Group, label: string, keys?: readonly string[]): Entry => ({ id, group, label, keys, run: () => void runCommand(id, ctx) });
  const motion = (id: string, label: string, granularity: StepGranularity, direction: 'forward' | 'backward'): Entry => ({
    id,
    group: 'debug',
    label,
    keys: stepKeys(granularity, direction),
    run: () => void useDebugger.getState().step(granularity, direction),
  });
  const seekTo = (id: string, label: string, to: 'start' | 'end'): Entry => ({
    id,
    group: 'debug',
    label,
    keys: keysFor((c) => c.kind === 'ends' && c.to === to),
    run: () => {
      const s = useDebugger.getState();
      s.seek(to === 'start' ? 0 : (s.run?.totalSteps ?? 1) - 1);
    },
  });
  return [
    menu('debug.continue', 'debug', t('palette.continue'), stepKeys('continue', 'forward')),
    menu('debug.reverseContinue', 'debug', t('palette.reverseContinue'), stepKeys('continue', 'backward')),
    menu('debug.stepInto', 'debug', t('palette.stepInto'), stepKeys('into', 'forward')),
    menu('debug.stepOver', 'debug', t('palette.stepOver'), stepKeys('over', 'forward')),
    menu('debug.stepOut', 'debug', t('palette.stepOut'), stepKeys('out', 'forward')),
    menu('debug.stepBack', 'debug', t('palette.stepBack'), stepKeys('into', 'backward')),
    motion('debug.stepBackOver', t('palette.stepBackOver'), 'over', 'backward'),
    motion('debug.stepBackOut', t('palette.stepBackOut'), 'out', 'backward'),
    { id: 'predict.next', group: 'debug', label: tPredict('palette.predictNext'), keys: kindKeys('predict'), run: () => void askNextOp() },
    motion('debug.nextOp', t('palette.nextOp'), 'op', 'forward'),
    motion('debug.prevOp', t('palette.prevOp'), 'op', 'backward'),
    seekTo('debug.toStart', t('palette.toStart'), 'start'),
    seekTo('debug.toEnd', t('palette.toEnd'), 'end'),
    { id: 'debug.goToStep', group: 'debug', label: t('palette.goToStep'), keys: kindKeys('goToStep'), movesFocus: true, run: () => openOverlay('goToStep') },
    menu('debug.toggleBreakpoints', 'debug', t('palette.toggleBreakpoints')),
    { id: 'play.toggle', group: 'play', label: t(player.playing ? 'palette.pause' : 'palette.play'), keys: kindKeys('play'), run: () => usePlayer.getState().toggle() },
    ...PLAY_SPEEDS.map(
      (s): Entry => ({
        id: `play.speed.${s}`,
        group: 'play',
        label: t('palette.speed', { speed: speedLabel(t, s, false) }),
        current: player.speed === s,
        run: () => usePlayer.getState().setSpeed(s),
      }),
    ),
    ...PLAY_GRANULARITIES.map(
      (g): Entry => ({
        id: `play.by.${g}`,
        group: 'play',
        label: t('palette.by', { by: t(`play.${g}`) }),
        current: player.granularity === g,
        run: () => usePlayer.getState().setGranularity(g),
      }),
    ),
    menu('file.open', 'file', t('palette.open'), ['Ctrl+O']),
    menu('file.save', 'file', t('palette.save'), ['Ctrl+S']),
    menu('file.saveAs', 'file', t('palette.saveAs'), ['Ctrl+Shift+S']),
    { ...menu('file.export', 'file', tExport('palette'), ['Ctrl+E']), movesFocus: true },
    ...sessionEntries(ctx, tSession),
    ...BUILTIN_SCENARIOS.map(
      (b): Entry => ({
        id: `scenario.${b.file}`,
        group: 'scenarios',
        label: t('palette.openScenario', { title: translateScenarioText(b.file, 'name', b.title, currentLanguage()) }),
        keywords: [stem(b.file), b.title],
        current: b.file === fileName,
        run: () => void runCommand('file.new', ctx, { scenario: b.file }),
      }),
    ),
    menu('view.presentation', 'view', t('palette.presentation'), kindKeys('presentation')),
    menu('view.resetLayout', 'view', t('palette.resetLayout')),
    ...THEMES.map(
      (theme): Entry => ({
        id: `view.theme.${theme}`,
        group: 'view',
        label: tPresentation('theme.palette', { theme: tPresentation(`theme.${theme}`) }),
        keywords: ['theme', 'contrast', '主题', theme],
        current: activeTheme() === theme,
        run: () => setTheme(theme),
      }),
    ),
    ...(Object.entries(LANGUAGES) as [Language, string][]).map(
      ([code, name]): Entry => ({
        id: `view.language.${code}`,
        group: 'view',
        label: t('palette.language', { language: name }),
        keywords: ['language', '语言', code],
        current: currentLanguage() === code,
        run: () => void setLanguage(code),
      }),
    ),
    ...PANELS.map(
      (p): Entry => ({
        id: `panel.${p.id}`,
        group: 'panels',
        label: t('palette.showPanel', { panel: tPanels(p.title) }),
        movesFocus: true,
        run: () => window.dispatchEvent(new CustomEvent('uvmscope:show-panel', { detail: p.id })),
      }),
    ),
    menu('help.keys', 'help', t('palette.keys'), kindKeys('help')),
    menu('help.scenarioFormat', 'help', t('palette.scenarioFormat')),
    menu('help.about', 'help', t('palette.about')),
  ];
}

export default function Palette({ ctx }: { ctx: CommandContext }) {
  const { t } = useTranslation('controls');
  const [search, setSearch] = useState('');
  const entries = useEntries(ctx);
  const last = useDebugger((s) => (s.run?.totalSteps ?? 1) - 1);
  const cursor = useDebugger((s) => s.state?.step ?? 0);
  // a number typed: "Go to step N" first (or why there is no step N)
  const typed = /^\s*[+\-−]?\s*\d+\s*$/.test(search) ? parseStepInput(search, cursor, last) : null;
  const goTo = (step: number) => {
    closeOverlay(true);
    useDebugger.getState().seek(step);
  };

  const choose = (e: Entry) => {
    closeOverlay(!e.movesFocus);
    e.run();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closeOverlay(true);
    } else if (e.key === 'Tab') {
      // focus stays in the palette (its list is reached with the arrow keys)
      e.preventDefault();
    }
  };

  return (
    <div className="quick-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeOverlay(true)}>
      <div className="quick palette" role="dialog" aria-modal="true" aria-label={t('palette.title')}>
        <Command label={t('palette.title')} loop onKeyDown={onKeyDown}>
          <Command.Input autoFocus value={search} onValueChange={setSearch} placeholder={t('palette.placeholder')} />
          <Command.List>
            {!typed && <Command.Empty>{t('palette.empty')}</Command.Empty>}
            {typed && (
              <Command.Group heading={t('palette.groups.step')} forceMount>
                {'error' in typed ? (
                  <Command.Item forceMount disabled value="goto:invalid">
                    <span className="palette-label palette-error">
                      {typed.error === 'outOfRange' ? t('goTo.outOfRange', { step: typed.step, last }) : t('goTo.notANumber', { text: search.trim(), last })}
                    </span>
                  </Command.Item>
                ) : (
                  <Command.Item forceMount value={`goto:${typed.step}`} onSelect={() => goTo(typed.step)}>
                    <span className="palette-label">{t('palette.goToStepN', { step: typed.step })}</span>
                  </Command.Item>
                )}
              </Command.Group>
            )}
            {GROUPS.map((g) => (
              <Command.Group key={g} heading={t(`palette.groups.${g}`)}>
                {entries
                  .filter((e) => e.group === g)
                  .map((e) => (
                    <Command.Item key={e.id} value={e.label} keywords={e.keywords} onSelect={() => choose(e)} data-command={e.id}>
                      <span className="palette-label">{e.label}</span>
                      {e.current && <span className="palette-current">{t('palette.current')}</span>}
                      {e.keys && e.keys.length > 0 && (
                        <span className="palette-keys">
                          {e.keys.map((k) => (
                            <kbd key={k}>{k}</kbd>
                          ))}
                        </span>
                      )}
                    </Command.Item>
                  ))}
              </Command.Group>
            ))}
          </Command.List>
        </Command>
      </div>
    </div>
  );
}
