/**
 * Debugger keys as in common IDEs (VS Code's layout): F5 continue, F10 over, F11 into,
 * Shift+F11 out; the same with Shift (F5, F10) or Alt (F11) runs backwards. Keys that a
 * focused text field needs (editor, breakpoint box) are left to it.
 */
import type { StepGranularity } from '../../protocol';

export type KeyCommand =
  | { readonly kind: 'step'; readonly granularity: StepGranularity; readonly direction: 'forward' | 'backward' }
  | { readonly kind: 'ends'; readonly to: 'start' | 'end' }
  | { readonly kind: 'presentation' }
  | { readonly kind: 'help' };

export interface KeyBinding {
  readonly key: string;
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
  { key: 'F12', command: { kind: 'presentation' }, help: 'toolbar.presentation' },
  { key: '?', shift: true, command: { kind: 'help' }, help: 'keys.help' },
];

/** Whether the key event belongs to a text field (an editor, an input) rather than to the debugger. */
function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.closest('.cm-editor') !== null;
}

export function commandFor(event: KeyboardEvent): KeyCommand | null {
  const fnKey = /^F\d+$/.test(event.key);
  // function keys work everywhere; plain keys only outside text fields
  if (!fnKey && inTextField(event.target)) return null;
  if (event.ctrlKey || event.metaKey) return null;
  const b = KEYMAP.find((k) => k.key === event.key && !!k.alt === event.altKey && (k.key === '?' || !!k.shift === event.shiftKey));
  return b ? b.command : null;
}

/** How a binding is written for people, e.g. `Shift+F11`. */
export function keyLabel(b: KeyBinding): string {
  return [b.alt ? 'Alt' : '', b.shift && b.key !== '?' ? 'Shift' : '', b.key.replace('Arrow', '')].filter(Boolean).join('+');
}
