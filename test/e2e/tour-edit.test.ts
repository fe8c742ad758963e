/**
 * Editing a guided tour in real Chromium (the web build), keyboard first: make a tour in the tours panel, add three
 * steps as stops with Ctrl+Shift+B, write each stop's narration, move one with Alt+Up, delete one and undo it from the
 * toast; leaving the page asks while the edits are unsaved; save the session (Ctrl+S), reload, open it, and walk the tour
 * with N: the caption shows each stop's narration as written. The panel and the caption are shot (UVMSCOPE_SHOTS)
 * in the normal and the presentation layout.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chooseFile, consoleErrors, cursorStep, openApp, pageErrors, palette, pressSettled, startApp, waitStep, type AppSession } from './browser';

const SHOTS = process.env.UVMSCOPE_SHOTS;

let app: AppSession;
beforeAll(async () => {
  app = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const NARRATION = ['One: the CPU writes the buffer first.', 'Two: the GPU kernel faults the pages over.', 'Three: the CPU reads it back.'];

/** The stops' steps and titles as the panel lists them. */
const stopSteps = (page: Page) => page.$$eval('[data-testid="tour-stop"] .tours-stop-step', (els) => els.map((e) => Number(/\d+/.exec(e.textContent ?? '')?.[0])));

describe('editing a tour in the app', () => {
  it('three stops with narration, reordered, one deleted and undone, saved, reopened and walked with N', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    const page = await openApp(app, { scenario: 'default', context });

    // the tours panel: the scenario's own tour is there, read-only
    await page.click('.dv-tab:has-text("Tours")');
    await page.waitForSelector('[data-testid="tour-builtin"]');
    // a new tour, renamed from the keyboard
    await page.click('[data-testid="tour-new"]');
    await page.click('[data-testid="tour-rename-button"]');
    await page.fill('[data-testid="tour-rename"]', 'Lecture 3');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid="tour-select"]')?.selectedOptions[0]?.textContent?.startsWith('Lecture 3'));

    // three steps as stops: Ctrl+Shift+B wherever the focus is
    await page.click('.status-bar');
    const steps: number[] = [];
    for (let i = 0; i < 3; i++) {
      await pressSettled(page, 'PageDown', 2);
      steps.push(await cursorStep(page));
      await page.keyboard.press('Control+Shift+B');
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="tour-stop"]').length === n, i + 1);
    }
    expect(await stopSteps(page)).toEqual(steps);
    // the caption is on the stop just added
    expect(await page.textContent('[data-testid="tour-where"]')).toContain(`Stop 3 of 3 · step ${steps[2]}`);
    // each stop's narration, typed in its editor
    for (let i = 0; i < 3; i++) {
      await page.click(`[data-testid="tour-stop"] >> nth=${i}`);
      await page.waitForFunction((n) => document.querySelector('[data-testid="stop-editor"] h3')?.textContent === `Stop ${n}`, i + 1);
      await page.fill('[data-testid="stop-narration"]', NARRATION[i]);
    }
    // the last stop asks the learner which page-cache tags clear, through the end of the op after it
    await page.check('[data-testid="stop-ask"]');
    await page.selectOption('[data-testid="stop-ask-kind"]', 'tags');
    const through = Number(await page.inputValue('[data-testid="stop-ask-through"]'));
    expect(through).toBeGreaterThan(steps[2]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tour-stop"] .tours-asks').length === 1);

    // reorder from the keyboard: the last stop up one (Alt+Up on the focused stop), and back with the button
    await page.focus('[data-testid="tour-stop"] >> nth=2');
    await page.keyboard.press('Alt+ArrowUp');
    await page.waitForFunction((s) => document.querySelectorAll('[data-testid="tour-stop"] .tours-stop-step')[1]?.textContent?.includes(String(s)), steps[2]);
    expect(await stopSteps(page)).toEqual([steps[0], steps[2], steps[1]]);
    // the focus went with the stop: Alt+Down puts it back
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-selected'))).toBe('true');
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForFunction((s) => document.querySelectorAll('[data-testid="tour-stop"] .tours-stop-step')[2]?.textContent?.includes(String(s)), steps[2]);
    expect(await stopSteps(page)).toEqual(steps);

    // or by dragging: the first stop dropped on the last, then the last dropped back on the first
    await page.dragAndDrop('[data-testid="tour-stop"] >> nth=0', '[data-testid="tour-stop"] >> nth=2');
    await page.waitForFunction((s) => document.querySelectorAll('[data-testid="tour-stop"] .tours-stop-step')[2]?.textContent?.includes(String(s)), steps[0]);
    expect(await stopSteps(page)).toEqual([steps[1], steps[2], steps[0]]);
    await page.dragAndDrop('[data-testid="tour-stop"] >> nth=2', '[data-testid="tour-stop"] >> nth=0');
    await page.waitForFunction((s) => document.querySelectorAll('[data-testid="tour-stop"] .tours-stop-step')[0]?.textContent?.includes(String(s)), steps[0]);
    expect(await stopSteps(page)).toEqual(steps);

    // delete the middle stop with Delete; the toast's Undo brings it back where it was
    await page.focus('[data-testid="tour-stop"] >> nth=1');
    await page.keyboard.press('Delete');
    await page.waitForSelector('[data-testid="tour-toast"]');
    expect(await stopSteps(page)).toEqual([steps[0], steps[2]]);
    expect(await page.textContent('[data-testid="tour-toast"]')).toContain('Deleted the stop');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/tour-edit-toast.png` });
    await page.click('[data-testid="tour-undo"]');
    await page.waitForSelector('[data-testid="tour-toast"]', { state: 'detached' });
    expect(await stopSteps(page)).toEqual(steps);

    // unsaved: leaving asks (dismissed, the page and the edits stay)
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    const asked = page.waitForEvent('dialog');
    void page.evaluate(() => window.location.reload()).catch(() => undefined);
    await asked;
    expect(dialogs).toEqual(['beforeunload']);
    expect(await stopSteps(page)).toEqual(steps);

    // walk from the start, so the saved cursor is the first stop's step
    await page.click('[data-testid="tour-walk"]');
    await waitStep(page, steps[0]);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/tour-edit.png` });

    // Ctrl+S saves what is unsaved: only the tours were edited, so the session
    const download = page.waitForEvent('download');
    await page.click('.status-bar');
    await page.keyboard.press('Control+S');
    const file = await download;
    expect(file.suggestedFilename()).toBe('default.uvmsession');
    const path = join(mkdtempSync(join(tmpdir(), 'uvmscope-tour-')), file.suggestedFilename());
    await file.saveAs(path);
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    const lecture = saved.tours.find((t: { title: string }) => t.title === 'Lecture 3');
    expect(lecture.stops.map((s: { step: number }) => s.step)).toEqual(steps);
    expect(lecture.stops.map((s: { narration: string }) => s.narration)).toEqual(NARRATION);
    expect(lecture.stops.map((s: { ask?: unknown }) => s.ask ?? null)).toEqual([null, null, { kind: 'tags', from: steps[2], through }]);
    expect(saved.view.settings['tour.selected']).toBe(saved.tours.indexOf(lecture));

    // saved: reloading does not ask; the autosave's offer is discarded, the saved file opened
    await page.reload({ timeout: 30_000 });
    await page.waitForSelector('[data-testid="cursor-step"]', { timeout: 30_000 });
    expect(dialogs).toEqual(['beforeunload']);
    const offer = await page.waitForSelector('[data-testid="restore-offer"]', { timeout: 5000 }).catch(() => null);
    if (offer) await page.click('[data-testid="restore-discard"]');
    await chooseFile(page, path);
    await waitStep(page, steps[0]);
    await page.waitForSelector('[data-testid="session-verdict"][data-match="true"]');

    // the edited tour is the one N walks: the caption shows each stop's narration as written
    await page.waitForFunction((t) => document.querySelector('[data-testid="tour-caption"]')?.textContent?.includes(t), NARRATION[0]);
    expect(await page.textContent('[data-testid="tour-bar"]')).toContain('Lecture 3');
    await page.click('.status-bar');
    for (const i of [1, 2]) {
      await page.keyboard.press('n');
      await waitStep(page, steps[i]);
      if (i === 2) {
        // the last stop asks: its narration waits until the question is answered or closed (Escape closes it)
        await page.waitForSelector('[data-testid="tour-held"]');
        await page.waitForSelector('[data-testid="predict-bar"]');
        await page.keyboard.press('Escape');
      }
      await page.waitForFunction((t) => document.querySelector('[data-testid="tour-caption"]')?.textContent?.includes(t), NARRATION[i]);
      expect(await page.textContent('[data-testid="tour-where"]')).toContain(`Stop ${i + 1} of 3 · step ${steps[i]}`);
    }

    // presenting: the caption in large type; the panel shown from the palette still edits
    expect(await page.getAttribute('[data-testid="timeline-canvas"]', 'data-scale')).toBe('1');
    await page.keyboard.press('F12');
    await page.waitForSelector('html.presenting');
    // the timeline draws its labels larger, as the other panels' type is
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline-canvas"]')?.getAttribute('data-scale')) === 1.5);
    await palette(page, 'Show panel: Tours');
    await page.waitForSelector('[data-testid="tours-panel"]');
    expect(await stopSteps(page)).toEqual(steps);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/tour-edit-presenting.png` });
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await context.close();
  }, 180_000);
});
