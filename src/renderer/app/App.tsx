/**
 * The app's frame: toolbar, dockable panels, status bar. On start it opens the default
 * scenario (or the one named in the URL's `?scenario=` for built-ins), and it owns the
 * debugger keys.
 */
import { useEffect, useState } from 'react';
import { useDebugger } from '../state/store';
import { commandFor } from '../keyboard/keymap';
import { Toolbar } from './Toolbar';
import { StatusBar } from './StatusBar';
import { SessionUi } from './SessionUi';
import { Layout } from './Layout';
import { KeyHelp } from './KeyHelp';
import { About, FormatHelp, type Dialog } from './dialogs';
import { LoadOverlay } from './LoadOverlay';
import { onDropFile, openScenario, runCommand, type CommandContext } from './commands';
import { watchUnsaved } from '../state/document';
import { Overlays, openOverlay } from './overlays';
import { usePlayer } from '../state/player';
import { PresentationCaption, usePresentationLayout } from './Presentation';
import { initTheme } from '../theme/theme';
import { PredictBar } from './PredictBar';

// the remembered theme, before any panel draws
initTheme();

export function App() {
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [presentation, setPresentation] = useState(false);
  const togglePresentation = () => setPresentation((p) => !p);
  const commandContext: CommandContext = { togglePresentation, show: setDialog };

  useEffect(() => {
    // presentation mode is full screen where the platform allows it
    if (presentation && !document.fullscreenElement) void document.documentElement.requestFullscreen?.().catch(() => undefined);
    if (!presentation && document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  }, [presentation]);
  usePresentationLayout(presentation);

  useEffect(() => {
    // Escape leaves presentation mode (unless a dialog or overlay takes it); so does leaving full screen by the browser's own Escape
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('.modal-backdrop, [role="dialog"]')) return;
      setPresentation(false);
    };
    let wasFull = false;
    const onFullscreen = () => {
      if (wasFull && !document.fullscreenElement) setPresentation(false);
      wasFull = document.fullscreenElement !== null;
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('fullscreenchange', onFullscreen);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('fullscreenchange', onFullscreen);
    };
  }, []);

  useEffect(() => {
    // unsaved edits: Electron's close prompt, or the browser's own question before leaving the page
    return watchUnsaved(window.uvmscope, window);
  }, []);

  useEffect(() => {
    const ctx: CommandContext = { togglePresentation: () => setPresentation((p) => !p), show: setDialog };
    const offMenu = window.uvmscope?.onMenuCommand((c, detail) => void runCommand(c, ctx, detail));
    const offOpen = window.uvmscope?.onOpenFile((f) => void openScenario(f));
    const onShortcut = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'o') void runCommand('file.open', ctx);
      else if (key === 's') void runCommand(event.shiftKey ? 'file.saveAs' : 'file.save', ctx);
      else if (key === 'e' && !event.shiftKey) void runCommand('file.export', ctx);
      else return;
      event.preventDefault();
    };
    const onDragOver = (event: DragEvent) => event.preventDefault();
    window.addEventListener('keydown', onShortcut);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDropFile);
    return () => {
      offMenu?.();
      offOpen?.();
      window.removeEventListener('keydown', onShortcut);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDropFile);
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const command = commandFor(event);
      if (!command) return;
      event.preventDefault();
      const store = useDebugger.getState();
      switch (command.kind) {
        case 'step':
          void store.step(command.granularity, command.direction);
          break;
        case 'ends':
          store.seek(command.to === 'start' ? 0 : (store.run?.totalSteps ?? 1) - 1);
          break;
        case 'presentation':
          setPresentation((p) => !p);
          break;
        case 'help':
          setDialog((d) => (d === 'keys' ? null : 'keys'));
          break;
        case 'play':
          usePlayer.getState().toggle();
          break;
        case 'goToStep':
          openOverlay('goToStep');
          break;
        case 'palette':
          openOverlay('palette');
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className={`app${presentation ? ' presentation' : ''}`}>
      <Toolbar
        onHelp={() => setDialog('keys')}
        onPresentation={togglePresentation}
        onOpen={() => void runCommand('file.open', commandContext)}
        onSave={() => void runCommand('file.save', commandContext)}
      />
      <Layout />
      {presentation && <PresentationCaption />}
      <SessionUi />
      <PredictBar />
      <StatusBar />
      <LoadOverlay />
      <Overlays ctx={commandContext} />
      {dialog === 'keys' && <KeyHelp onClose={() => setDialog(null)} />}
      {dialog === 'about' && <About onClose={() => setDialog(null)} />}
      {dialog === 'scenarioFormat' && <FormatHelp onClose={() => setDialog(null)} />}
    </div>
  );
}
