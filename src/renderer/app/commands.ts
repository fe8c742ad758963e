/**
 * The app's commands, one place for every way to reach them: Electron's menu (MenuCommand
 * from the preload), the toolbar, and keyboard shortcuts (Ctrl+O, Ctrl+S).
 */
import type { MenuCommand, MenuCommandDetail } from '../../protocol';
import { useDebugger } from '../state/store';
import { documentToSave, isDirty, openDocument, useDocument } from '../state/document';
import { fileFromDrop, openFile, saveFile } from '../files';
import { BUILTIN_SCENARIOS, DEFAULT_SCENARIO } from '../scenarios';
import { looksLikeSession, openSessionFile, saveSessionAs, showExamples } from '../state/session';
import { isCapture, openCapture } from '../panels/capture/open-capture';
import { usePlayer } from '../state/player';
import { openOverlay, useOverlay } from './overlays';
import { isLanguage, setLanguage } from '../i18n/index';
import { isThemeName } from '../theme/palette';
import { setTheme } from '../theme/theme';

export interface CommandContext {
  togglePresentation(): void;
  /** Show one of the app's dialogs. */
  show(dialog: 'keys' | 'about' | 'scenarioFormat'): void;
}

/** Open a scenario file the user picks (or was given) and run it; a file that does not load goes to the editor, with its errors. */
export async function openScenario(file: { name: string; text: string } | null): Promise<void> {
  if (!file) return;
  if (looksLikeSession(file.text)) {
    await openSessionFile(file.text, file.name);
    return;
  }
  // a real capture (tools/uvm-capture) opens beside the model's run of the scenario it names
  if (isCapture(file)) {
    await openCapture(file);
    return;
  }
  await openDocument(file.text, file.name);
}

/** Save the document: the editor's text as it is now (edits not yet run included). */
async function saveDocument(): Promise<void> {
  const doc = documentToSave();
  if (!doc.text) return;
  const saved = await saveFile(doc.text, doc.name);
  if (saved !== null) useDocument.getState().markSaved(doc.text);
}

export async function runCommand(command: MenuCommand, ctx: CommandContext, detail: MenuCommandDetail = {}): Promise<void> {
  const store = useDebugger.getState();
  try {
    switch (command) {
      case 'file.new': {
        const builtin = BUILTIN_SCENARIOS.find((b) => b.file === detail.scenario) ?? DEFAULT_SCENARIO;
        await openDocument(builtin.source, builtin.file);
        break;
      }
      case 'file.open':
        await openScenario(await openFile());
        break;
      case 'file.save':
        // only the session's tours were edited: Save keeps those (the session file), as the close prompt's Save promises
        if (useDocument.getState().sessionEdited && !isDirty(useDocument.getState())) await saveSessionAs();
        else await saveDocument();
        break;
      case 'file.saveAs':
        await saveDocument();
        break;
      case 'file.export':
        // not a toggle: Electron's menu accelerator and the window's Ctrl+E may both ask
        if (useOverlay.getState().open !== 'export') openOverlay('export');
        break;
      case 'view.presentation':
        ctx.togglePresentation();
        break;
      case 'view.commandPalette':
        openOverlay('palette');
        break;
      case 'view.theme':
        if (isThemeName(detail.theme)) setTheme(detail.theme);
        break;
      case 'view.language':
        if (isLanguage(detail.language)) void setLanguage(detail.language);
        break;
      case 'debug.playPause':
        usePlayer.getState().toggle();
        break;
      case 'debug.goToStep':
        openOverlay('goToStep');
        break;
      case 'view.resetLayout':
        window.dispatchEvent(new Event('uvmscope:reset-layout'));
        break;
      case 'debug.continue':
        await store.step('continue', 'forward');
        break;
      case 'debug.reverseContinue':
        await store.step('continue', 'backward');
        break;
      case 'debug.stepOver':
        await store.step('over', 'forward');
        break;
      case 'debug.stepInto':
        await store.step('into', 'forward');
        break;
      case 'debug.stepOut':
        await store.step('out', 'forward');
        break;
      case 'debug.stepBack':
        await store.step('into', 'backward');
        break;
      case 'debug.toggleBreakpoints':
        for (const b of store.breakpoints) await store.updateBreakpoint(b.id, { enabled: !store.breakpoints.some((x) => x.enabled) });
        break;
      case 'help.about':
        ctx.show('about');
        break;
      case 'help.keys':
        ctx.show('keys');
        break;
      case 'help.scenarioFormat':
        ctx.show('scenarioFormat');
        break;
      case 'help.exampleSessions':
        showExamples(true);
        break;
      case 'file.saveSession':
        await saveSessionAs();
        break;
    }
  } catch (e) {
    useDebugger.setState({ diagnostics: [{ message: e instanceof Error ? e.message : String(e) }] });
  }
}

/** Opening by drag and drop onto the window. */
export function onDropFile(event: DragEvent): void {
  const pending = fileFromDrop(event);
  if (!pending) return;
  event.preventDefault();
  pending.then(openScenario, (e: unknown) => useDebugger.setState({ diagnostics: [{ message: e instanceof Error ? e.message : String(e) }] }));
}
