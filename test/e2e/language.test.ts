/**
 * The UI's language: 简体中文 chosen from the toolbar changes the labels and the built-in scenario's narration at once,
 * is remembered across a reload (with <html lang>), and English comes back the same way.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleErrors, openApp, pageErrors, startApp, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
});
afterAll(async () => {
  await session.close();
});

describe('the language choice', () => {
  it('switches to 简体中文, survives a reload, and switches back', async () => {
    const page = await openApp(session, { scenario: 'default' });
    const open = page.locator('.file-buttons button').first();
    const note = page.locator('.narration-note');
    expect(await open.textContent()).toBe('Open…');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => note.textContent()).toMatch(/^cudaMallocManaged gave us/);

    await page.selectOption('[data-testid="language"]', 'zh-CN');
    await expect.poll(() => open.textContent()).toBe('打开…');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect.poll(() => note.textContent()).toMatch(/^cudaMallocManaged 只给了我们 16 MiB/);

    await page.reload();
    await page.waitForSelector('[data-testid="cursor-step"]');
    expect(await open.textContent()).toBe('打开…');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.inputValue('[data-testid="language"]')).toBe('zh-CN');

    await page.selectOption('[data-testid="language"]', 'en');
    await expect.poll(() => open.textContent()).toBe('Open…');
    await page.reload();
    await page.waitForSelector('[data-testid="cursor-step"]');
    expect(await open.textContent()).toBe('Open…');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
