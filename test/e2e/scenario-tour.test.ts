/**
 * Every scenario walks as a tour of its own (renderer/state/scenario-tour.ts): after a plain load, N starts at step 0
 * with the scenario's opening note, and each further N lands on the first step after the next bookmark with the note
 * that introduces that phase.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleErrors, cursorStep, openApp, pageErrors, startApp, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

describe("a scenario's own tour", () => {
  it('walks thrashing.yaml by its bookmarks with N, narrated by its notes', async () => {
    const page = await openApp(session, { scenario: 'thrashing' });
    await page.waitForSelector('[data-testid="cursor-step"]');
    await page.keyboard.press('n');
    await page.waitForSelector('[data-testid="tour-caption"]');
    await page.waitForFunction(() => /step 0 of/.test(document.querySelector('[data-testid="cursor-step"]')?.textContent ?? ''));
    expect(await page.textContent('.tour-narration')).toMatch(/^Round 1\. The CPU writes the flag array/);
    await page.keyboard.press('n');
    await page.waitForFunction(() => (document.querySelector('[data-testid="tour-stop-title"]')?.textContent ?? '') === 'thrashing-detected');
    await page.waitForFunction(() => !/step 0 of/.test(document.querySelector('[data-testid="cursor-step"]')?.textContent ?? ''));
    const first = await cursorStep(page);
    expect(first).toBeGreaterThan(0);
    expect(await page.textContent('.tour-narration')).toMatch(/^Round 4, CPU\./);
    await page.keyboard.press('n');
    await page.waitForFunction(() => (document.querySelector('[data-testid="tour-stop-title"]')?.textContent ?? '') === 'prefetch-off-for-thrashing-pages');
    await page.waitForFunction((f) => Number(/step (\d+)/.exec(document.querySelector('[data-testid="cursor-step"]')?.textContent ?? '')?.[1]) > f, first);
    expect(await page.textContent('.tour-narration')).toMatch(/^Round 4, GPU\./);
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
