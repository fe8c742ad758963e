import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { Menu, resetElectron } from './electron-double';
import { installMenu, menuTemplate, type MenuContext } from '../../src/main/menu';
import { MENU_COMMANDS, type MenuCommand } from '../../src/protocol/bridge';
import { builtinScenarios } from '../../src/main/scenarios';

beforeEach(() => resetElectron());

function context(overrides: Partial<MenuContext> = {}): MenuContext & { send: ReturnType<typeof vi.fn>; openRecent: ReturnType<typeof vi.fn>; clearRecent: ReturnType<typeof vi.fn> } {
  return {
    platform: 'linux',
    dev: false,
    appName: 'UVMScope',
    scenarios: [
      { file: 'default.yaml', title: 'A first tour' },
      { file: 'thrashing.yaml', title: 'Thrashing & pinning' },
    ],
    recent: ['/home/me/work/mine.yaml', '/home/me/old.uvmsession'],
    ...overrides,
    send: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
  } as never;
}

type Item = MenuItemConstructorOptions;
const submenu = (item: Item | undefined): Item[] => (item?.submenu ?? []) as Item[];
const top = (template: Item[], label: string): Item => {
  const found = template.find((m) => (m.label ?? '').replace('&', '') === label);
  if (!found) throw new Error(`no ${label} menu in ${template.map((m) => m.label).join(', ')}`);
  return found;
};
const item = (menu: Item, label: string): Item => {
  const found = submenu(menu).find((m) => (m.label ?? '').replaceAll('&', '') === label);
  if (!found) throw new Error(`no ${label} in ${menu.label}: ${submenu(menu).map((m) => m.label ?? m.role ?? m.type).join(', ')}`);
  return found;
};
const click = (i: Item) => (i.click as unknown as () => void)();
/** Every item of the template, depth first. */
function* all(items: Item[]): Generator<Item> {
  for (const i of items) {
    yield i;
    yield* all(submenu(i));
  }
}

describe('the application menu', () => {
  it('has File, Edit, View, Debug and Help (and the app menu first on macOS)', () => {
    expect(menuTemplate(context()).map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Debug', '&Help']);
    expect(menuTemplate(context({ platform: 'darwin' })).map((m) => m.label)).toEqual(['UVMScope', '&File', '&Edit', '&View', '&Debug', '&Help']);
  });

  it('File: New from Scenario lists every built-in scenario, each opening its own file', () => {
    const ctx = context();
    const file = top(menuTemplate(ctx), 'File');
    const scenarios = submenu(item(file, 'New from Scenario'));
    expect(scenarios.map((s) => s.label)).toEqual(['A first tour', 'Thrashing && pinning']);
    click(scenarios[1]);
    expect(ctx.send).toHaveBeenCalledWith('file.new', { scenario: 'thrashing.yaml' });
  });

  it('File: New from Scenario offers the real assets/scenarios, default first', () => {
    const scenarios = builtinScenarios();
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    expect(scenarios[0]).toEqual({ file: 'default.yaml', title: 'A first tour: CPU writes, GPU reads, CPU reads back' });
    expect(scenarios.map((s) => s.file)).toContain('gaia-maquire.yaml');
    const ctx = context({ scenarios });
    const items = submenu(item(top(menuTemplate(ctx), 'File'), 'New from Scenario'));
    expect(items).toHaveLength(scenarios.length);
  });

  it('File: Open…, Save, Save As… and Export… send their commands, with the usual keys', () => {
    const ctx = context();
    const file = top(menuTemplate(ctx), 'File');
    const expected: Array<[string, MenuCommand, string]> = [
      ['Open…', 'file.open', 'CmdOrCtrl+O'],
      ['Save', 'file.save', 'CmdOrCtrl+S'],
      ['Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'],
      ['Export…', 'file.export', 'CmdOrCtrl+E'],
    ];
    for (const [label, command, accelerator] of expected) {
      const i = item(file, label);
      expect(i.accelerator).toBe(accelerator);
      ctx.send.mockClear();
      click(i);
      expect(ctx.send).toHaveBeenCalledExactlyOnceWith(command);
    }
  });

  it('File: Open Recent lists the recent files by name, opens them in main, and clears', () => {
    const ctx = context();
    const recent = submenu(item(top(menuTemplate(ctx), 'File'), 'Open Recent'));
    expect(recent.map((r) => r.label ?? r.type)).toEqual(['mine.yaml', 'old.uvmsession', 'separator', 'Clear Recent']);
    expect(recent[0].sublabel).toBe('/home/me/work/mine.yaml');
    click(recent[1]);
    expect(ctx.openRecent).toHaveBeenCalledWith('/home/me/old.uvmsession');
    click(recent[3]);
    expect(ctx.clearRecent).toHaveBeenCalled();
    expect(ctx.send).not.toHaveBeenCalled();
  });

  it('File: Open Recent says when there is nothing yet', () => {
    const recent = submenu(item(top(menuTemplate(context({ recent: [] })), 'File'), 'Open Recent'));
    expect(recent[0]).toMatchObject({ label: 'No Recent Files', enabled: false });
    expect(recent.at(-1)).toMatchObject({ label: 'Clear Recent', enabled: false });
  });

  it('File ends with Quit (Close Window on macOS, where Quit is in the app menu)', () => {
    expect(submenu(top(menuTemplate(context()), 'File')).at(-1)).toEqual({ role: 'quit' });
    expect(submenu(top(menuTemplate(context({ platform: 'darwin' })), 'File')).at(-1)).toEqual({ role: 'close' });
  });

  it('Edit has the standard roles', () => {
    const roles = submenu(top(menuTemplate(context()), 'Edit')).map((i) => i.role ?? i.type);
    expect(roles).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'delete', 'separator', 'selectAll']);
  });

  it('View: reset layout, zoom, presentation mode; developer tools only in development', () => {
    const ctx = context();
    const view = top(menuTemplate(ctx), 'View');
    expect(submenu(view).map((i) => i.role ?? i.label ?? i.type)).toEqual([
      'Command &Palette…',
      'Reset Panel &Layout',
      'separator',
      'zoomIn',
      'zoomOut',
      'resetZoom',
      'separator',
      '&Presentation Mode',
      'togglefullscreen',
      'separator',
      'T&heme',
      'L&anguage',
    ]);
    click(item(view, 'Command Palette…'));
    click(item(view, 'Reset Panel Layout'));
    click(item(view, 'Presentation Mode'));
    expect(ctx.send.mock.calls).toEqual([['view.commandPalette'], ['view.resetLayout'], ['view.presentation']]);
    // View → Theme sends the theme chosen
    const theme = submenu(item(view, 'Theme'));
    click(theme[1]);
    expect(ctx.send.mock.calls.at(-1)).toEqual(['view.theme', { theme: 'high-contrast' }]);
    const roles = (dev: boolean) => [...all(menuTemplate(context({ dev })))].map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('Debug: each step sends its command and shows the key the renderer handles, unregistered', () => {
    const ctx = context();
    const debug = top(menuTemplate(ctx), 'Debug');
    const expected: Array<[string, MenuCommand, string | undefined]> = [
      ['Play / Pause', 'debug.playPause', 'F8'],
      ['Go to Step…', 'debug.goToStep', 'Ctrl+G'],
      ['Continue', 'debug.continue', 'F5'],
      ['Reverse Continue', 'debug.reverseContinue', 'Shift+F5'],
      ['Step Over', 'debug.stepOver', 'F10'],
      ['Step Into', 'debug.stepInto', 'F11'],
      ['Step Out', 'debug.stepOut', 'Shift+F11'],
      ['Step Back', 'debug.stepBack', 'Alt+F11'],
      ['Toggle Breakpoints', 'debug.toggleBreakpoints', undefined],
    ];
    for (const [label, command, key] of expected) {
      const i = item(debug, label);
      expect(i.accelerator, label).toBe(key);
      if (key) expect(i.registerAccelerator, label).toBe(false);
      ctx.send.mockClear();
      click(i);
      expect(ctx.send).toHaveBeenCalledExactlyOnceWith(command);
    }
  });

  it('Help: keyboard shortcuts, the scenario format, about (in the app menu on macOS)', () => {
    const ctx = context();
    const help = top(menuTemplate(ctx), 'Help');
    click(item(help, 'Keyboard Shortcuts'));
    click(item(help, 'Scenario Format'));
    click(item(help, 'About UVMScope'));
    expect(ctx.send.mock.calls).toEqual([['help.keys'], ['help.scenarioFormat'], ['help.about']]);
    const mac = context({ platform: 'darwin' });
    const template = menuTemplate(mac);
    expect(submenu(top(template, 'Help')).some((i) => i.label?.includes('About'))).toBe(false);
    click(item(template[0], 'About UVMScope'));
    expect(mac.send).toHaveBeenCalledWith('help.about');
  });

  it('every menu command is reachable from the menu, and every click does one thing', () => {
    const ctx = context({ dev: true });
    const clickable = [...all(menuTemplate(ctx))].filter((i) => i.click);
    for (const i of clickable) click(i);
    const sent = new Set(ctx.send.mock.calls.map((c) => c[0]));
    expect([...sent].sort()).toEqual([...MENU_COMMANDS].sort());
    expect(ctx.send.mock.calls.length + ctx.openRecent.mock.calls.length + ctx.clearRecent.mock.calls.length).toBe(clickable.length);
  });

  it('installMenu builds the template and makes it the application menu', () => {
    const menu = installMenu(context());
    expect(Menu.buildFromTemplate).toHaveBeenCalledOnce();
    expect(Menu.setApplicationMenu).toHaveBeenCalledWith(menu);
  });
});
