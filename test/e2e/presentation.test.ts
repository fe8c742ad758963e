/**
 * Presentation mode and the themes in real Chromium: F12 swaps the working layout for the presentation one (fewer
 * panels, a caption bar with the step's narration), stepping changes the caption, Escape and F12 leave with the
 * working layout back as it was; the high-contrast theme is chosen from the command palette by keys alone, sets
 * `<html data-theme>`, repaints the canvases on black and is remembered after a reload.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleErrors, openApp, pageErrors, pressSettled, startApp, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const tabs = (page: Page) => page.$$eval('.dv-tab', (els) => els.map((e) => e.textContent?.trim() ?? '').sort());
const groups = (page: Page) => page.locator('.dv-groupview').count();

describe('presentation mode', () => {
  it('enters with F12: presentation layout, caption of the step; stepping changes it; Escape and F12 leave with the working layout back', async () => {
    const page = await openApp(session);
    await page.waitForSelector('.narration-note');
    const workingTabs = await tabs(page);
    const workingGroups = await groups(page);
    const workingJSON = await page.evaluate(() => localStorage.getItem('uvmscope.layout.v2'));
    expect(workingTabs).toContain('Breakpoints');
    expect(workingTabs).toContain('Inspector');

    await page.keyboard.press('F12');
    await page.waitForSelector('html.presenting');
    await page.waitForSelector('[data-testid="presentation-caption"]');
    expect(await page.locator('.app.presentation').count()).toBe(1);
    const shown = await tabs(page);
    expect(shown.length).toBeLessThan(workingTabs.length);
    expect(shown).not.toContain('Inspector');
    expect(shown.some((x) => /editor/i.test(x))).toBe(false);
    expect(shown).not.toContain('Breakpoints');
    expect(shown).toContain('Memory map');
    expect(await groups(page)).toBeLessThan(workingGroups);
    // the caption says what the narration panel says: the note in effect, at step 0
    const caption = (await page.textContent('[data-testid="presentation-caption"]')) ?? '';
    expect(caption).toContain('Step 0');
    expect(caption).toContain('cudaMallocManaged gave us 16 MiB');

    await pressSettled(page, 'F10');
    await page.waitForFunction((before) => document.querySelector('[data-testid="presentation-caption"]')?.textContent !== before, caption);
    const next = (await page.textContent('[data-testid="presentation-caption"]')) ?? '';
    expect(next).not.toBe(caption);
    expect(next).toMatch(/Step [1-9]\d*/);
    // the working layout was not overwritten while presenting
    expect(await page.evaluate(() => localStorage.getItem('uvmscope.layout.v2'))).toBe(workingJSON);

    // Escape in an overlay closes the overlay only
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector('[cmdk-input]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[cmdk-input]', { state: 'detached' });
    expect(await page.locator('html.presenting').count()).toBe(1);

    // N walks the scenario's tour: its caption replaces the presentation's (one caption area)
    await page.keyboard.press('n');
    await page.waitForSelector('[data-testid="tour-bar"]');
    expect(await page.locator('[data-testid="presentation-caption"]').count()).toBe(0);

    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
    expect(await page.locator('[data-testid="presentation-caption"]').count()).toBe(0);
    expect(await tabs(page)).toEqual(workingTabs);
    expect(await groups(page)).toBe(workingGroups);

    // F12 enters and leaves as well; an arrangement made while presenting is the presentation's next time
    await page.keyboard.press('F12');
    await page.waitForSelector('html.presenting');
    expect((await tabs(page)).length).toBe(shown.length);
    await page.click('.dv-tab:has-text("PMM chunks")');
    await page.click('.dv-tab:has-text("PMM chunks") .dv-default-tab-action');
    await page.waitForFunction((n) => document.querySelectorAll('.dv-tab').length === n - 1, shown.length);
    await page.keyboard.press('F12');
    await page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
    expect(await tabs(page)).toEqual(workingTabs);
    await page.keyboard.press('F12');
    await page.waitForSelector('html.presenting');
    expect(await tabs(page)).toEqual(shown.filter((x) => x !== 'PMM chunks'));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
    expect(await tabs(page)).toEqual(workingTabs);
    await page.evaluate(() => localStorage.removeItem('uvmscope.layout.presentation.v1'));

    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('switches to the high-contrast theme from the palette, repaints on black and remembers it after a reload', async () => {
    const page = await openApp(session);
    expect(await page.getAttribute('html', 'data-theme')).toBe('default');
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector('[cmdk-input]');
    await page.keyboard.type('Theme: High contrast');
    await page.waitForFunction(() => document.querySelector('[cmdk-item][data-selected="true"]')?.textContent?.includes('Theme: High contrast'));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'high-contrast');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 0, 0)');
    // the memory map's canvas is repainted on the theme's black, with none of the default theme's grey background left
    await page.waitForSelector('.memory-map-panel canvas');
    await page.waitForTimeout(300);
    const pixels = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.memory-map-panel canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let black = 0;
      let grey = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 0) black++;
        if (data[i] === 0x1c && data[i + 1] === 0x1f && data[i + 2] === 0x26) grey++;
      }
      return { black, grey, total: data.length / 4 };
    });
    expect(pixels.black).toBeGreaterThan(pixels.total / 10);
    expect(pixels.grey).toBe(0);

    await page.reload();
    await page.waitForSelector('[data-testid="cursor-step"]');
    expect(await page.getAttribute('html', 'data-theme')).toBe('high-contrast');
    await page.evaluate(() => localStorage.removeItem('uvmscope.theme'));
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
