/**
 * The application menu. `menuTemplate` is a pure function of what the menu shows (the
 * built-in scenarios, the recent files, the platform) and of the actions its items take;
 * test/main/menu.test.ts reads it item by item. Items the renderer acts on send a
 * MenuCommand (src/protocol/bridge.ts); Edit, zoom, full screen, developer tools and quit
 * are Electron's own roles.
 *
 * Every label is from main's catalogue (src/main/i18n: `t('menu.…')`), but the data a menu lists (scenario titles,
 * file names) and Electron's roles, which Electron labels itself.
 *
 * The debugger keys (F5, F10, F11…) and presentation mode (F12) are shown in the menu but
 * not registered with it (`registerAccelerator: false`): the renderer's keymap handles
 * those keys (the same in the web build), so a key press arrives once, as a key.
 */
import { basename } from 'node:path';
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, MenuCommandDetail } from '../protocol/bridge';
import { t, type MainLanguage, type MessageKey } from './i18n/index';
import type { ScenarioEntry } from './scenarios';

export interface MenuContext {
  readonly platform: NodeJS.Platform;
  /** Not a packaged release: offers Reload and Toggle Developer Tools. */
  readonly dev: boolean;
  readonly appName: string;
  readonly scenarios: readonly ScenarioEntry[];
  /** Newest first. */
  readonly recent: readonly string[];
  /** Send a command to the renderer. */
  send(command: MenuCommand, detail?: MenuCommandDetail): void;
  /** File → Open Recent → a file: main opens it (after asking about unsaved changes). */
  openRecent(path: string): void;
  clearRecent(): void;
  /** The menu's language (View → Language shows it checked); English when absent. */
  readonly language?: MainLanguage;
  /** View → Language → a language: main speaks it, remembers it, rebuilds the menu and tells the renderer. */
  chooseLanguage?(language: MainLanguage): void;
}

/** A label shown as written: `&` would otherwise mark a mnemonic on Windows and Linux. */
function literal(text: string): string {
  return text.replaceAll('&', '&&');
}

function command(ctx: MenuContext, label: MessageKey, name: MenuCommand, extra: Partial<MenuItemConstructorOptions> = {}): MenuItemConstructorOptions {
  return { label: t(label, { app: literal(ctx.appName) }), ...extra, click: () => ctx.send(name) };
}

/** A key the renderer's keymap handles: shown, not registered. */
function keyShown(accelerator: string): Partial<MenuItemConstructorOptions> {
  return { accelerator, registerAccelerator: false };
}

function fileMenu(ctx: MenuContext, mac: boolean): MenuItemConstructorOptions {
  const scenarios: MenuItemConstructorOptions[] =
    ctx.scenarios.length > 0
      ? ctx.scenarios.map((s) => ({ label: literal(s.title), click: () => ctx.send('file.new', { scenario: s.file }) }))
      : [{ label: t('menu.file.noScenarios'), enabled: false }];
  const recent: MenuItemConstructorOptions[] = [
    ...(ctx.recent.length > 0
      ? ctx.recent.map((path) => ({ label: literal(basename(path)), sublabel: path, toolTip: path, click: () => ctx.openRecent(path) }))
      : [{ label: t('menu.file.noRecent'), enabled: false }]),
    { type: 'separator' },
    { label: t('menu.file.clearRecent'), enabled: ctx.recent.length > 0, click: () => ctx.clearRecent() },
  ];
  return {
    label: t('menu.file'),
    submenu: [
      { label: t('menu.file.newFromScenario'), submenu: scenarios },
      { type: 'separator' },
      command(ctx, 'menu.file.open', 'file.open', { accelerator: 'CmdOrCtrl+O' }),
      { label: t('menu.file.openRecent'), submenu: recent },
      { type: 'separator' },
      command(ctx, 'menu.file.save', 'file.save', { accelerator: 'CmdOrCtrl+S' }),
      command(ctx, 'menu.file.saveAs', 'file.saveAs', { accelerator: 'CmdOrCtrl+Shift+S' }),
      command(ctx, 'menu.file.saveSession', 'file.saveSession'),
      command(ctx, 'menu.file.export', 'file.export', { accelerator: 'CmdOrCtrl+E' }),
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
}

function editMenu(mac: boolean): MenuItemConstructorOptions {
  return {
    label: t('menu.edit'),
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  };
}

function viewMenu(ctx: MenuContext): MenuItemConstructorOptions {
  return {
    label: t('menu.view'),
    submenu: [
      command(ctx, 'menu.view.commandPalette', 'view.commandPalette', keyShown('Ctrl+Shift+P')),
      command(ctx, 'menu.view.resetLayout', 'view.resetLayout'),
      { type: 'separator' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { role: 'resetZoom' },
      { type: 'separator' },
      command(ctx, 'menu.view.presentation', 'view.presentation', keyShown('F12')),
      { role: 'togglefullscreen' },
      { type: 'separator' },
      { label: t('menu.view.theme'), submenu: themeMenu(ctx) },
      { label: t('menu.view.language'), submenu: languageMenu(ctx) },
      ...(ctx.dev ? [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  };
}

/** Each language named in itself, the current one checked. */
function languageMenu(ctx: MenuContext): MenuItemConstructorOptions[] {
  const languages: readonly [MainLanguage, string][] = [
    ['en', t('menu.view.language.en')],
    ['zh-CN', t('menu.view.language.zhCN')],
  ];
  return languages.map(([language, label]) => ({
    label,
    type: 'radio',
    checked: (ctx.language ?? 'en') === language,
    click: () => (ctx.chooseLanguage ? ctx.chooseLanguage(language) : ctx.send('view.language', { language })),
  }));
}

/** The renderer's themes (it remembers the choice itself). */
function themeMenu(ctx: MenuContext): MenuItemConstructorOptions[] {
  return [
    { label: t('menu.view.theme.default'), click: () => ctx.send('view.theme', { theme: 'default' }) },
    { label: t('menu.view.theme.highContrast'), click: () => ctx.send('view.theme', { theme: 'high-contrast' }) },
  ];
}

function debugMenu(ctx: MenuContext): MenuItemConstructorOptions {
  return {
    label: t('menu.debug'),
    submenu: [
      command(ctx, 'menu.debug.playPause', 'debug.playPause', keyShown('F8')),
      command(ctx, 'menu.debug.goToStep', 'debug.goToStep', keyShown('Ctrl+G')),
      { type: 'separator' },
      command(ctx, 'menu.debug.continue', 'debug.continue', keyShown('F5')),
      command(ctx, 'menu.debug.reverseContinue', 'debug.reverseContinue', keyShown('Shift+F5')),
      { type: 'separator' },
      command(ctx, 'menu.debug.stepOver', 'debug.stepOver', keyShown('F10')),
      command(ctx, 'menu.debug.stepInto', 'debug.stepInto', keyShown('F11')),
      command(ctx, 'menu.debug.stepOut', 'debug.stepOut', keyShown('Shift+F11')),
      command(ctx, 'menu.debug.stepBack', 'debug.stepBack', keyShown('Alt+F11')),
      { type: 'separator' },
      command(ctx, 'menu.debug.toggleBreakpoints', 'debug.toggleBreakpoints'),
    ],
  };
}

function helpMenu(ctx: MenuContext, mac: boolean): MenuItemConstructorOptions {
  return {
    role: 'help',
    label: t('menu.help'),
    submenu: [
      command(ctx, 'menu.help.keys', 'help.keys', keyShown('Shift+/')),
      command(ctx, 'menu.help.scenarioFormat', 'help.scenarioFormat'),
      command(ctx, 'menu.help.exampleSessions', 'help.exampleSessions'),
      ...(mac ? [] : [{ type: 'separator' } as const, command(ctx, 'menu.help.about', 'help.about')]),
    ],
  };
}

/** macOS's first menu, named after the app. */
function appMenu(ctx: MenuContext): MenuItemConstructorOptions {
  return {
    label: ctx.appName,
    submenu: [
      command(ctx, 'menu.app.about', 'help.about'),
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
}

export function menuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  return [...(mac ? [appMenu(ctx)] : []), fileMenu(ctx, mac), editMenu(mac), viewMenu(ctx), debugMenu(ctx), helpMenu(ctx, mac)];
}

/** Build the menu and make it the application's (again after the recent list changes). */
export function installMenu(ctx: MenuContext): Menu {
  const menu = Menu.buildFromTemplate(menuTemplate(ctx));
  Menu.setApplicationMenu(menu);
  return menu;
}
