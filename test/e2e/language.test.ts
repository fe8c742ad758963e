/**
 * The UI's language: 简体中文 chosen from the toolbar changes the labels and the built-in scenario's narration at once,
 * is remembered across a reload (with <html lang>), and English comes back the same way. The palette chooses it too,
 * and an example session's guided tour speaks it. UVMSCOPE_SHOTS=<dir> keeps a screenshot of the tour in Chinese.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleErrors, openApp, pageErrors, palette, startApp, type AppSession } from './browser';

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
    // the translation is a chunk of its own: an English UI has not asked for it, choosing Chinese does
    const chunks: string[] = [];
    page.on('request', (r) => {
      if (/\/assets\/zh-CN-[^/]*\.js$/.test(r.url())) chunks.push(r.url());
    });
    const open = page.locator('.file-buttons button').first();
    const note = page.locator('.narration-note');
    expect(await open.textContent()).toBe('Open…');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => note.textContent()).toMatch(/^cudaMallocManaged gave us/);

    expect(chunks).toEqual([]);
    await page.selectOption('[data-testid="language"]', 'zh-CN');
    await expect.poll(() => open.textContent()).toBe('打开…');
    expect(chunks).toHaveLength(1);
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

  it('is offered by the palette, and the example tours speak it', async () => {
    const tour = (JSON.parse(readFileSync(new URL('../../assets/sessions/hmm-evict-chunk-tour.uvmsession', import.meta.url), 'utf8')) as { tours: { stops: { step: number }[] }[] }).tours[0]!;
    const page = await openApp(session, { scenario: 'default' });
    await palette(page, 'Language: 简体中文');
    await expect.poll(() => page.locator('.file-buttons button').first().textContent()).toBe('打开…');
    // the panels' tabs follow at once, without a reload
    await expect.poll(() => page.locator('.dv-tab', { hasText: '讲解' }).count()).toBe(1);
    await palette(page, '示例会话');
    await page.waitForSelector('[data-testid="example-sessions"]');
    await page.click('[data-testid="example-sessions"] [data-file="hmm-evict-chunk-tour.uvmsession"]');
    await page.waitForSelector('[data-testid="tour-caption"]');
    await expect.poll(() => page.textContent('[data-testid="tour-stop-title"]')).toBe('64 页普通内存');
    expect(await page.textContent('[data-testid="tour-where"]')).toBe(`第 1 / ${tour.stops.length} 站 · 第 ${tour.stops[0]!.step} 步`);
    await page.keyboard.press('n');
    await expect.poll(() => page.textContent('[data-testid="tour-stop-title"]')).toBe('缓冲区迁到设备');
    expect(await page.textContent('.tour-narration')).toMatch(/^hmm.migrate 把缓冲区迁到 gpu0/);
    if (process.env.UVMSCOPE_SHOTS) await page.screenshot({ path: `${process.env.UVMSCOPE_SHOTS}/tour-zh-CN.png` });
    await palette(page, 'English');
    await expect.poll(() => page.textContent('[data-testid="tour-stop-title"]')).toBe('The buffer moves to the device');
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
