/**
 * The user's document in real Chromium (the web build): a file that fails to open lands in the editor with its
 * located errors instead of being lost; Save (Ctrl+S, from inside the editor too) writes the editor's text as typed,
 * not the loaded run's; and the page asks before it is left while edits are unsaved, not after a save.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chooseFile, openApp, pageErrors, startApp, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const DEFAULT = readFileSync(new URL('../../assets/scenarios/default.yaml', import.meta.url), 'utf8');
const lines = (page: Page) => page.$$eval('.cm-line', (els) => els.map((e) => e.textContent ?? ''));
const totalSteps = async (page: Page) => Number(/of (\d+)/.exec((await page.textContent('[data-testid="cursor-step"]')) ?? '')?.[1]);

/** Ctrl+O with the focus on the page, answering the file chooser with `text` as `name`. */
const openFile = (page: Page, name: string, text: string) => chooseFile(page, { name, mimeType: 'application/yaml', buffer: Buffer.from(text) });

describe('the document', () => {
  it('a file that fails to open shows in the editor with its located errors, and the run stays', async () => {
    const page = await openApp(session);
    const before = await totalSteps(page);
    const broken = DEFAULT.replace('{ name: data, size: 16MiB }', '{ name: data, size: lots }');
    const line = broken.split('\n').findIndex((l) => l.includes('size: lots')) + 1;
    const column = broken.split('\n')[line - 1].indexOf('lots') + 1;
    await openFile(page, 'broken.yaml', broken);
    // the editor comes forward with the text as it was tried, its file name and the error in place
    await page.waitForSelector('.editor-problems li');
    expect(await page.textContent('.editor-file-name')).toBe('broken.yaml');
    expect((await lines(page)).join('\n')).toBe(broken);
    const problem = await page.textContent('.editor-problems li');
    expect(problem).toContain(`${line}:${column}`);
    expect(problem).toContain('"lots"');
    expect(await page.$$eval('.cm-lintRange-error', (els) => els.map((e) => e.textContent))).toEqual(['lots']);
    // the loaded run is still the default scenario
    expect(await totalSteps(page)).toBe(before);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('Save writes the editor’s text as typed, and leaving asks only while edits are unsaved', async () => {
    const page = await openApp(session);
    await page.click('.dv-tab:has-text("Scenario editor")');
    await page.waitForSelector('.cm-content');
    await page.click('.cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('  - note: mine, not run');
    const typed = `${DEFAULT}  - note: mine, not run`;
    // Ctrl+S from inside the editor: the browser downloads the text
    const download = page.waitForEvent('download');
    await page.keyboard.press('Control+S');
    const file = await download;
    expect(file.suggestedFilename()).toBe('default.yaml');
    expect(readFileSync((await file.path())!, 'utf8')).toBe(typed);
    // saved: leaving does not ask (the page reloads)
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    await page.reload();
    await page.waitForSelector('[data-testid="cursor-step"]');
    expect(dialogs).toEqual([]);
    // edited: leaving asks first (dismissed: the page and the edits stay)
    await page.click('.dv-tab:has-text("Scenario editor")');
    await page.click('.cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('  - note: unsaved');
    const asked = page.waitForEvent('dialog');
    void page.evaluate(() => window.location.reload()).catch(() => undefined);
    await asked;
    expect(dialogs).toEqual(['beforeunload']);
    expect((await lines(page)).at(-1)).toBe('  - note: unsaved');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
