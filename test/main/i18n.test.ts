/**
 * Main's strings come from its catalogue (src/main/i18n/en.ts): every label of the application menu, in every
 * configuration, is a catalogue entry (or data the menu lists: scenario titles, file names, the app's name), and
 * every key of the catalogue is used somewhere in src/main — so another language needs only a file of the same keys.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
// every string main asks for comes back as «key», so a label that is not one was written in place
vi.mock('../../src/main/i18n/index', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/main/i18n/index')>()),
  t: (key: string) => `«${key}»`,
}));
import { BrowserWindow, dialog, resetElectron } from './electron-double';
import { menuTemplate, type MenuContext } from '../../src/main/menu';
import { en } from '../../src/main/i18n/en';
import { interpolate, t } from '../../src/main/i18n/index';
import { UnsavedChanges } from '../../src/main/unsaved';

beforeEach(() => resetElectron());

type Item = MenuItemConstructorOptions;
function* all(items: readonly Item[]): Generator<Item> {
  for (const i of items) {
    yield i;
    yield* all((i.submenu ?? []) as Item[]);
  }
}

const DATA = ['A first tour', 'Thrashing & pinning', 'mine.yaml', 'UVMScope'];

function context(platform: NodeJS.Platform, dev: boolean, filled: boolean): MenuContext {
  return {
    platform,
    dev,
    appName: 'UVMScope',
    scenarios: filled ? [{ file: 'default.yaml', title: 'A first tour' }, { file: 'thrashing.yaml', title: 'Thrashing & pinning' }] : [],
    recent: filled ? ['/home/me/mine.yaml'] : [],
    send: () => undefined,
    openRecent: () => undefined,
    clearRecent: () => undefined,
  };
}

/** The keys of every labelled item of the menu in every configuration; fails on a label that is neither a key nor data. */
function menuKeys(): Set<string> {
  const keys = new Set<string>();
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    for (const dev of [false, true]) {
      for (const filled of [false, true]) {
        for (const item of all(menuTemplate(context(platform, dev, filled)))) {
          if (item.label === undefined) {
            // Electron's own items (roles) and separators: Electron labels those
            expect(item.role ?? item.type, JSON.stringify(item)).toBeDefined();
            continue;
          }
          const key = /^«([\w.]+)»$/.exec(item.label)?.[1];
          if (key) keys.add(key);
          else expect(DATA.map((d) => d.replaceAll('&', '&&')), `a label written in place: ${item.label}`).toContain(item.label);
        }
      }
    }
  }
  return keys;
}

/** The keys src/main asks for: every `t('…')` of its source. */
function sourceKeys(): Set<string> {
  const root = new URL('../../src/main/', import.meta.url);
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('i18n'));
  const keys = new Set<string>();
  for (const f of files) for (const m of readFileSync(new URL(f, root), 'utf8').matchAll(/\bt\(\s*'([\w.]+)'/g)) keys.add(m[1]);
  // the menu's commands name their key as an argument of command(ctx, 'menu.…', …)
  for (const m of readFileSync(new URL('menu.ts', root), 'utf8').matchAll(/command\(ctx, '([\w.]+)'/g)) keys.add(m[1]);
  return keys;
}

describe("main's catalogue", () => {
  it('labels every item of the menu, on every platform, with and without recent files and scenarios', () => {
    const keys = menuKeys();
    for (const k of keys) expect(Object.keys(en), k).toContain(k);
    expect(keys.size).toBeGreaterThan(20);
  });

  it('has no key that main does not use, and main uses no key it lacks', () => {
    const used = sourceKeys();
    expect([...used].sort()).toEqual(Object.keys(en).sort());
    // what the menu shows is a subset of that
    for (const k of menuKeys()) expect(used.has(k), k).toBe(true);
  });

  it('words the questions about unsaved changes from the catalogue too', async () => {
    const window = new BrowserWindow({ width: 800, height: 600 });
    const unsaved = new UnsavedChanges(window as never, () => undefined);
    unsaved.setDirty(true);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    await unsaved.confirmReplace('x.yaml');
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({
      buttons: ['«unsaved.replace.open»', '«unsaved.replace.cancel»'],
      message: '«unsaved.replace.message»',
      detail: '«unsaved.replace.detail»',
    });
  });

  it('fills in {{names}} (t itself is replaced in this file: interpolate is what it uses)', () => {
    expect(interpolate(en['menu.help.about'], { app: 'UVMScope' })).toBe('&About UVMScope');
    expect(interpolate(en['unsaved.replace.message'], { file: 'a.yaml' })).toBe('Open "a.yaml" and lose your unsaved changes?');
    expect(interpolate('{{missing}} stays', {})).toBe('{{missing}} stays');
    expect(t('menu.file')).toBe('«menu.file»');
  });
});
