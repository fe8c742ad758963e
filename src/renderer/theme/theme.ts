/**
 * The theme setting: `default` or `high-contrast`, remembered in localStorage, shown to CSS as
 * `<html data-theme="…">` (theme.css) and to the canvases through palette.ts's live colours.
 */
import { useSyncExternalStore } from 'react';
import { activeTheme, isThemeName, setActiveTheme, themeColours, type ThemeName } from './palette';
import './theme.css';

export const THEME_KEY = 'uvmscope.theme';

const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Put a theme in place: the page's attribute, the canvases' colours, the stored choice. */
export function setTheme(name: ThemeName): void {
  setActiveTheme(name);
  document.documentElement.dataset.theme = name;
  try {
    storage()?.setItem(THEME_KEY, name);
  } catch {
    // storage disabled: the choice lasts until the page closes
  }
  for (const l of listeners) l();
}

/** The stored theme (or the default), applied once at start. */
export function initTheme(): ThemeName {
  let stored: string | null = null;
  try {
    stored = storage()?.getItem(THEME_KEY) ?? null;
  } catch {
    stored = null;
  }
  const name: ThemeName = isThemeName(stored) ? stored : 'default';
  setActiveTheme(name);
  document.documentElement.dataset.theme = name;
  return name;
}

export function cycleTheme(): void {
  setTheme(activeTheme() === 'default' ? 'high-contrast' : 'default');
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The active theme, re-rendering on a change. */
export function useTheme(): ThemeName {
  return useSyncExternalStore(subscribe, activeTheme, activeTheme);
}

/** How much thicker highlight rings are drawn: the theme's line scale, doubled while presenting (App marks <html class="presenting">). */
export function emphasis(): number {
  const presentingNow = typeof document !== 'undefined' && document.documentElement.classList.contains('presenting');
  return themeColours().lineScale * (presentingNow ? 2 : 1);
}
