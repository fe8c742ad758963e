/**
 * Main in Simplified Chinese: its catalogue has English's keys, View → Language lists both languages (the current one
 * checked), choosing one goes to main (which remembers it) or, without that hook, straight to the renderer, and the
 * menu is built in the language main speaks. The choice survives in language.json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));
import { menuTemplate, type MenuContext } from '../../src/main/menu';
import { en } from '../../src/main/i18n/en';
import { zhCN } from '../../src/main/i18n/zh-CN';
import { language, setLanguage, t } from '../../src/main/i18n/index';
import { readLanguage, writeLanguage } from '../../src/main/i18n/setting';

type Item = MenuItemConstructorOptions;
const context = (overrides: Partial<MenuContext> = {}): MenuContext => ({
  platform: 'linux',
  dev: false,
  appName: 'UVMScope',
  scenarios: [],
  recent: [],
  send: vi.fn(),
  openRecent: () => undefined,
  clearRecent: () => undefined,
  ...overrides,
});
const languageItems = (ctx: MenuContext): Item[] => {
  const view = menuTemplate(ctx).find((i) => i.label === t('menu.view'))!;
  const lang = (view.submenu as Item[]).find((i) => i.label === t('menu.view.language'))!;
  return lang.submenu as Item[];
};
const click = (item: Item) => (item.click as unknown as () => void)();

afterEach(() => setLanguage('en'));

describe('main in Simplified Chinese', () => {
  it('has every key of English and no other, every {{name}} kept, the languages named in themselves', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zhCN[key].match(/\{\{\w+\}\}/g) ?? [], key).toEqual(en[key].match(/\{\{\w+\}\}/g) ?? []);
      if (!key.startsWith('menu.view.language.')) expect(zhCN[key], key).not.toBe(en[key]);
    }
  });

  it('builds the menu in the language main speaks', () => {
    expect(language()).toBe('en');
    expect(menuTemplate(context()).map((i) => i.label)).toContain('&View');
    setLanguage('zh-CN');
    const labels = menuTemplate(context()).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['文件(&F)', '视图(&V)', '调试(&D)', '帮助(&H)']));
    expect(t('menu.help.about', { app: 'UVMScope' })).toBe('关于 UVMScope(&A)');
  });

  it('View → Language: both languages as radio items, the current one checked; a choice goes to main, else to the renderer', () => {
    const chooseLanguage = vi.fn();
    const items = languageItems(context({ language: 'zh-CN', chooseLanguage }));
    expect(items.map((i) => [i.label, i.type, i.checked])).toEqual([
      ['English', 'radio', false],
      ['简体中文', 'radio', true],
    ]);
    click(items[1]!);
    expect(chooseLanguage).toHaveBeenCalledWith('zh-CN');
    const ctx = context();
    click(languageItems(ctx)[1]!);
    expect(ctx.send).toHaveBeenCalledWith('view.language', { language: 'zh-CN' });
  });

  it('remembers the choice in language.json; a missing, corrupt or unknown one is English', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uvmscope-lang-'));
    const file = join(dir, 'language.json');
    expect(readLanguage(file)).toBe('en');
    writeLanguage(file, 'zh-CN');
    expect(readLanguage(file)).toBe('zh-CN');
    writeFileSync(file, '{not json');
    expect(readLanguage(file)).toBe('en');
    writeFileSync(file, '{"language":"fr"}');
    expect(readLanguage(file)).toBe('en');
  });
});
