/**
 * The app shell in real Chromium: it opens the default scenario, the debugger keys and
 * buttons move the cursor the way the engine's motions say, and the narration and kernel
 * path follow the cursor.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleErrors, cursorStep, openApp, pageErrors, startApp, waitStep, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});


describe('the app shell', () => {
  it('opens the default scenario at step 0 with its narration and kernel path', async () => {
    const page = await openApp(session);
    expect(await cursorStep(page)).toBe(0);
    expect(await page.textContent('.scenario-title')).toContain('A first tour');
    expect(await page.textContent('.narration-note')).toContain('cudaMallocManaged gave us 16 MiB');
    // the kernel path shows the function the first step is in, its current line highlighted
    expect(await page.textContent('.code-fn')).toMatch(/^[a-z_]+$/);
    expect(await page.locator('.code-lines li.current').count()).toBe(1);
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('steps into, over and back with the keys, and the code panel follows', async () => {
    const page = await openApp(session);
    await page.keyboard.press('F11');
    await waitStep(page, 1);
    await page.keyboard.press('F11');
    await waitStep(page, 2);
    await page.keyboard.press('Alt+F11');
    await waitStep(page, 1);
    // the highlighted line is the one the status bar's step is on
    const current = await page.textContent('.code-lines li.current');
    expect(current?.length).toBeGreaterThan(0);
    await page.keyboard.press('End');
    await page.waitForFunction(() => /^step (\d+) of \1$/.test(document.querySelector('[data-testid="cursor-step"]')?.textContent ?? ''));
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('keeps the run when a dropped scenario has an error, and names the place', async () => {
    const page = await openApp(session);
    const steps = await cursorStep(page);
    // drop a scenario with an error on the window: the run stays, the message names the place
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['uvmscope: 1\nregions:\n  - { name: a, size: lots }\nsteps: []\n'], 'broken.yaml'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    });
    await page.waitForSelector('.status-error');
    expect(await page.textContent('.status-error')).toMatch(/^broken\.yaml:3:\d+: /);
    expect(await cursorStep(page)).toBe(steps);
    // the dropped text went to the editor, which came forward with it; the scenario list still shows the run
    await page.waitForFunction(() => document.querySelector('.editor-file-name')?.textContent === 'broken.yaml');
    await page.click('.dv-tab:has-text("Scenario"):not(:has-text("editor"))');
    expect(await page.textContent('.scenario-title')).toContain('A first tour');
    await page.close();
  }, 60_000);

  it('jumps to a scenario op from the op list', async () => {
    const page = await openApp(session);
    await page.click('.op-cpu-read button');
    await page.waitForSelector('.op-cpu-read.current');
    expect(await cursorStep(page)).toBeGreaterThan(100);
    await page.close();
  }, 60_000);
});
