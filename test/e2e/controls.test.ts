/**
 * The debugger's controls in real Chromium: play / pause at a chosen speed (the toolbar's
 * button, F8, Space), stopping at the end and when the user steps; go to step (Ctrl+G); the
 * command palette (Ctrl+Shift+P, F1) with scenarios, step numbers and panels, and focus
 * going back where it was.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleErrors, cursorStep, openApp, pageErrors, startApp, waitStep, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const playing = async (page: Page) => (await page.getAttribute('[data-action="play"]', 'aria-pressed')) === 'true';

/** Wait for `n` animation frames in the page (what play moves by), never for wall-clock time. */
const frames = (page: Page, n: number) =>
  page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        let left = count;
        const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      }),
    n,
  );

/** The cursor once it has stopped moving (unchanged over 20 frames). */
async function settledCursor(page: Page): Promise<number> {
  for (;;) {
    const a = await cursorStep(page);
    await frames(page, 20);
    if ((await cursorStep(page)) === a) return a;
  }
}

function expectNoErrors(page: Page) {
  expect(pageErrors(page)).toEqual([]);
  expect(consoleErrors(page)).toEqual([]);
}

describe('play / pause', () => {
  it('plays from the toolbar at the chosen speed, and pause stops the cursor', async () => {
    const page = await openApp(session);
    expect(await playing(page)).toBe(false);
    await page.selectOption('[data-testid="play-speed"]', 'max');
    await page.click('[data-action="play"]');
    expect(await playing(page)).toBe(true);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="cursor-step"]')?.textContent?.match(/step (\d+)/)?.[1]) >= 30);
    await page.click('[data-action="play"]');
    expect(await playing(page)).toBe(false);
    const at = await settledCursor(page);
    expect(at).toBeGreaterThanOrEqual(30);
    await frames(page, 30);
    expect(await cursorStep(page)).toBe(at);
    expectNoErrors(page);
    await page.close();
  }, 60_000);

  it('F8 and Space play and pause, a step by hand pauses, and play stops at the end of the run', async () => {
    const page = await openApp(session);
    await page.keyboard.press('F8');
    await page.waitForFunction(() => document.querySelector('[data-action="play"]')?.getAttribute('aria-pressed') === 'true');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="cursor-step"]')?.textContent?.match(/step (\d+)/)?.[1]) >= 2);
    // a step by hand takes the cursor back from play
    await page.keyboard.press('F11');
    await page.waitForFunction(() => document.querySelector('[data-action="play"]')?.getAttribute('aria-pressed') === 'false');
    const at = await settledCursor(page);
    await frames(page, 30);
    expect(await cursorStep(page)).toBe(at);

    // Space (focus on no control) plays; near the end, play runs out and says so
    const last = Number((await page.textContent('[data-testid="cursor-step"]'))!.match(/of (\d+)/)![1]);
    await page.keyboard.press('Control+G');
    await page.fill('[data-testid="go-to-step"]', String(last - 40));
    await page.keyboard.press('Enter');
    await waitStep(page, last - 40);
    await page.selectOption('[data-testid="play-speed"]', 'max');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await waitStep(page, last);
    await page.waitForFunction(() => document.querySelector('[data-action="play"]')?.getAttribute('aria-pressed') === 'false');
    expect(await page.textContent('.stop-reason')).toBe('At the end of the run');
    expectNoErrors(page);
    await page.close();
  }, 60_000);
});

describe('go to step', () => {
  it('Ctrl+G goes to the step typed; a step the run lacks is answered in place; Escape cancels', async () => {
    const page = await openApp(session);
    await page.click('[data-action="step-into"]');
    await waitStep(page, 1);
    await page.keyboard.press('Control+G');
    const box = page.locator('[data-testid="go-to-step"]');
    await box.waitFor();
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('99999999');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.goto-error');
    expect(await page.textContent('.goto-error')).toMatch(/^Step 99999999 is not in this run: its steps are 0 to \d+\.$/);
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await cursorStep(page)).toBe(1);
    await box.fill('123');
    await page.keyboard.press('Enter');
    await waitStep(page, 123);
    expect(await page.locator('[data-testid="go-to-step"]').count()).toBe(0);
    // focus is back on the button that had it
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('step-into');
    // +n moves by n; Escape leaves the cursor where it was
    await page.keyboard.press('Control+G');
    await page.keyboard.type('+7');
    await page.keyboard.press('Enter');
    await waitStep(page, 130);
    await page.keyboard.press('Control+G');
    await page.keyboard.type('5');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="go-to-step"]', { state: 'detached' });
    expect(await settledCursor(page)).toBe(130);
    expectNoErrors(page);
    await page.close();
  }, 60_000);
});

describe('the command palette', () => {
  const input = '.palette [cmdk-input]';

  it('opens with Ctrl+Shift+P; "maquire" offers the built-in scenario and Enter opens it', async () => {
    const page = await openApp(session);
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector(input);
    expect(await page.evaluate((s) => document.activeElement === document.querySelector(s), input)).toBe(true);
    await page.keyboard.type('maquire');
    await page.waitForFunction(() => document.querySelector('.palette [cmdk-item][data-selected="true"]')?.textContent?.includes('maquire'));
    expect(await page.textContent('.palette [cmdk-item][data-selected="true"]')).toMatch(/^Open scenario: GAIA: maquire/);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.palette', { state: 'detached' });
    await page.waitForFunction(() => document.querySelector('.scenario-title')?.textContent?.includes('maquire'));
    expectNoErrors(page);
    await page.close();
  }, 60_000);

  it('Escape closes it and focus goes back; F1 opens it; a number offers "Go to step N"; each command shows its key', async () => {
    const page = await openApp(session);
    await page.focus('[data-action="step-over"]');
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector(input);
    // every command is listed with its key, from the keymap
    const row = (name: string) => page.locator('.palette [cmdk-item]', { hasText: name }).first();
    expect(await row('Step over').locator('kbd').allTextContents()).toEqual(['F10']);
    expect(await row('Go to step…').locator('kbd').allTextContents()).toEqual(['Ctrl+G']);
    expect(await row('Play speed: 60 steps/s').count()).toBe(1);
    expect(await row('Show panel: Counters').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.palette', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('step-over');

    await page.keyboard.press('F1');
    await page.waitForSelector(input);
    await page.keyboard.type('42');
    await page.waitForFunction(() => document.querySelector('.palette [cmdk-item][data-selected="true"]')?.textContent === 'Go to step 42');
    await page.keyboard.press('Enter');
    await waitStep(page, 42);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('step-over');

    // a panel by name: it becomes the active tab and takes focus
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector(input);
    await page.keyboard.type('show panel counters');
    await page.waitForFunction(() => document.querySelector('.palette [cmdk-item][data-selected="true"]')?.textContent === 'Show panel: Counters');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => [...document.querySelectorAll('.dv-tab.dv-active-tab')].some((tab) => tab.textContent?.includes('Counters')));
    await page.waitForFunction(() => {
      const a = document.activeElement;
      return !!a && a !== document.body && !!(a.closest('.counters-root') ?? a.querySelector('.counters-root'));
    });

    // the key list shows the new keys
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector(input);
    await page.keyboard.type('keyboard shortcuts');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.modal [role="dialog"], .modal');
    const keys = await page.locator('.modal kbd').allTextContents();
    expect(keys).toEqual(expect.arrayContaining(['F8', 'Space', 'Ctrl+G', 'Ctrl+Shift+P', 'F1']));
    expectNoErrors(page);
    await page.close();
  }, 60_000);
});
