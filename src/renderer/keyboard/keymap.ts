/**
 * Debugger keys as in common IDEs (VS Code's layout): F5 continue, F10 over, F11 into,
 * Shift+F11 out; the same with Shift (F5, F10) or Alt (F11) runs backwards. F8 plays and
 * pauses (as in Chrome's DevTools), and so does Space where it would not press a control;
 * Ctrl+G goes to a step, Ctrl+Shift+P (or F1) opens the command palette; N and Shift+N walk a session's guided tour,
 * Ctrl+B bookmarks the cursor's step, Ctrl+Shift+B adds it as a stop of the tour being edited. Keys that a
 * focused text field needs (editor, breakpoint box) are left to it.
 */
import type { StepGranularity } from '../../protocol';

export type KeyCommand =
  | { readonly kind: 'step'; readonly granularity: StepGranularity; readonly direction: 'forward' | 'backward' }
  | { readonly kind: 'ends'; readonly to: 'start' | 'end' }
  | { readonly kind: 'presentation' }
  | { readonly kind: 'help' }
  | { readonly kind: 'play' }
  | { readonly kind: 'goToStep' }
  | { readonly kind: 'palette' }
  | { readonly kind: 'tour'; readonly direction: 'forward' | 'backward' }
  | { readonly kind: 'bookmark' }
  | { readonly kind: 'predict' }
  | { readonly kind: 'tourStop' };

export interface KeyBinding {
  /** `event.key`; a letter is matched in either case. */
  readonly key: string;
  /** Ctrl, or Cmd on macOS. */
  readonly ctrl?: boolean;
  readonly shift?: boolean;
  readonly alt?: boolean;
  readonly command: KeyCommand;
  /** i18n key (common:keys.*) describing it. */
  readonly help: string;
}

const step = (granularity: StepGranularity, direction: 'forward' | 'backward'): KeyCommand => ({ kind: 'step', granularity, direction });

export const KEYMAP: readonly KeyBinding[] = [
  { key: 'F5', command: step('continue', 'forward'), help: 'keys.continue' },
  { key: 'F5', shift: true, command: step('continue', 'backward'), help: 'keys.reverseContinue' },
  { key: 'F10', command: step('over', 'forward'), help: 'keys.stepOver' },
  { key: 'F10', shift: true, command: step('over', 'backward'), help: 'keys.stepOverBack' },
  { key: 'F11', command: step('into', 'forward'), help: 'keys.stepInto' },
  { key: 'F11', alt: true, command: step('into', 'backward'), help: 'keys.stepBack' },
  { key: 'F11', shift: true, command: step('out', 'forward'), help: 'keys.stepOut' },
  { key: 'F11', shift: true, alt: true, command: step('out', 'backward'), help: 'keys.stepOutBack' },
  { key: 'ArrowRight', command: step('into', 'forward'), help: 'keys.stepInto' },
  { key: 'ArrowLeft', command: step('into', 'backward'), help: 'keys.stepBack' },
  { key: 'PageDown', command: step('op', 'forward'), help: 'keys.op' },
  { key: 'PageUp', command: step('op', 'backward'), help: 'keys.op' },
  { key: 'Home', command: { kind: 'ends', to: 'start' }, help: 'keys.ends' },
  { key: 'End', command: { kind: 'ends', to: 'end' }, help: 'keys.ends' },
  { key: 'F8', command: { kind: 'play' }, help: 'keys.play' },
  { key: ' ', command: { kind: 'play' }, help: 'keys.play' },
  { key: 'g', ctrl: true, command: { kind: 'goToStep' }, help: 'keys.goToStep' },
  { key: 'p', ctrl: true, shift: true, command: { kind: 'palette' }, help: 'keys.palette' },
  { key: 'F1', command: { kind: 'palette' }, help: 'keys.palette' },
  { key: 'n', command: { kind: 'tour', direction: 'forward' }, help: 'session:keys.tourNext' },
  { key: 'n', shift: true, command: { kind: 'tour', direction: 'backward' }, help: 'session:keys.tourPrev' },
  { key: 'b', ctrl: true, command: { kind: 'bookmark' }, help: 'session:keys.bookmark' },
  { key: 'p', command: { kind: 'predict' }, help: 'predict:keysHelp' },
  { key: 'b', ctrl: true, shift: true, command: { kind: 'tourStop' }, help: 'tours:keys.addStop' },
  { key: 'F12', command: { kind: 'presentation' }, help: 'toolbar.presentation' },
  { key: '?', shift: true, command: { kind: 'help' }, help: 'keys.help' },
];

/** Whether the key event belongs to a text field (an editor, an input) rather than to the debugger. */
function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.closest('.cm-editor') !== null;
}

/** Controls that Space presses: there Space is theirs, not play's. */
const SPACE_TAKERS = 'button, a[href], select, summary, [role="button"], [role="tab"], [role="checkbox"], [role="switch"], [role="option"], [role="menuitem"], [role="radio"]';

export function commandFor(event: KeyboardEvent): KeyCommand | null {
  const fnKey = /^F\d+$/.test(event.key);
  const ctrl = event.ctrlKey || event.metaKey;
  // function keys and Ctrl combinations work everywhere (but in the scenario editor, whose Ctrl keys are its own); plain keys only outside text fields
  if (!fnKey && !ctrl && inTextField(event.target)) return null;
  if (ctrl && !fnKey && event.target instanceof HTMLElement && event.target.closest('.cm-editor') && event.key.toLowerCase() !== 'p') return null;
  if (event.key === ' ' && (event.repeat || (event.target instanceof HTMLElement && event.target.closest(SPACE_TAKERS)))) return null;
  const b = KEYMAP.find(
    (k) => k.key.toLowerCase() === event.key.toLowerCase() && !!k.ctrl === ctrl && !!k.alt === event.altKey && (k.key === '?' || !!k.shift === event.shiftKey),
  );
  return b ? b.command : null;
}

/** How a binding is written for people, e.g. `Shift+F11`. */
export function keyLabel(b: KeyBinding): string {
  const key = b.key === ' ' ? 'Space' : b.key.length === 1 ? b.key.toUpperCase() : b.key.replace('Arrow', '');
  return [b.ctrl ? 'Ctrl' : '', b.alt ? 'Alt' : '', b.shift && b.key !== '?' ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** The keys bound to a command, as people write them (e.g. `F8`, `Space`), for menus and tooltips. */
export function keysFor(matches: (c: KeyCommand) => boolean): string[] {
  return KEYMAP.filter((b) => matches(b.command)).map(keyLabel);
}
