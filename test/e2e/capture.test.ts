/**
 * The import view in real Chromium: a real H100 capture dropped on the window opens beside the model's run of the
 * scenario it names; the Real capture panel comes forward with the machine, the counters (htod_bytes agreeing, in
 * words as well as colour), both histograms drawn, and the steps side by side, where clicking a step moves the
 * model's cursor to that step's start.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleErrors, cursorStep, openApp, pageErrors, startApp, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const fixture = (name: string) => readFileSync(new URL(`../fixtures/captures/${name}`, import.meta.url), 'utf8');

async function drop(page: Page, text: string, name: string): Promise<void> {
  await page.evaluate(
    ([t, n]) => {
      const data = new DataTransfer();
      data.items.add(new File([t], n));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    },
    [text, name],
  );
}

describe('the real capture panel', () => {
  it('opens thrashing.jsonl beside the model: counters agree, histograms drawn, a step click moves the cursor', async () => {
    const page = await openApp(session);
    // before any capture the panel says how to get one
    await page.click('.dv-tab:has-text("Real capture")');
    expect(await page.textContent('.capture-panel .panel-empty')).toContain('tools/uvm-capture');

    await drop(page, fixture('thrashing.jsonl'), 'thrashing.jsonl');
    await page.waitForSelector('[data-testid="capture-panel"]', { timeout: 30_000 });
    // the scenario it names is the run now, as captured
    await page.waitForFunction(() => document.querySelector('.scenario-title')?.textContent?.includes('Thrashing'));
    expect(await page.textContent('[data-testid="capture-machine"]')).toContain('NVIDIA H100 80GB HBM3');
    expect(await page.textContent('[data-testid="capture-machine"]')).toContain('580.159.04');
    expect(await page.textContent('[data-testid="capture-verdict"]')).toContain('every exact counter');

    const htod = page.locator('tr.capture-counter[data-counter="htod_bytes"]');
    expect(await htod.getAttribute('data-mark')).toBe('ok');
    expect(await htod.locator('.capture-mark').textContent()).toBe('✓ agrees');
    expect(await htod.locator('td.num').first().textContent()).toBe('224 KiB');
    // a timing counter is shown, not checked
    expect(await page.locator('tr.capture-counter[data-counter="gpu_fault_groups"] .capture-mark').textContent()).toBe('— not checked');

    // both directions' histograms, each size a model bar and a real bar
    for (const name of ['htod_transfers', 'dtoh_transfers']) {
      const h = page.locator(`.capture-histogram[data-histogram="${name}"]`);
      expect(await h.locator('rect.bar.model').count()).toBeGreaterThan(0);
      expect(await h.locator('rect.bar.real').count()).toBe(await h.locator('rect.bar.model').count());
      const real = await h.locator('rect.bar.real').first().getAttribute('height');
      expect(Number(real)).toBeGreaterThan(0);
    }

    // the steps side by side: a step's button moves the cursor to that op's first step
    const before = await cursorStep(page);
    const target = page.locator('.capture-step[data-step="5"]');
    await target.click();
    await page.waitForFunction((b) => Number(document.querySelector('[data-testid="cursor-step"]')?.textContent?.match(/step (\d+)/)?.[1]) !== b, before);
    await page.waitForSelector('.capture-step[data-step="5"].current');
    expect(await cursorStep(page)).toBeGreaterThan(before);
    expect(await page.locator('.capture-step-row.current').getAttribute('data-step')).toBe('5');
    // the canvas draws the columns
    const drawn = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.capture-timeline-canvas');
      return c ? c.width > 0 && c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0) : false;
    });
    expect(drawn).toBe(true);

    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('names the line of a broken capture and keeps the run', async () => {
    const page = await openApp(session);
    const lines = fixture('thrashing.jsonl').split('\n');
    const at = lines.findIndex((l) => l.includes('"kind":"htod"'));
    lines[at] = lines[at].replace(/"bytes":\d+/, '"bytes":"lots"');
    await drop(page, lines.join('\n'), 'broken.jsonl');
    await page.waitForSelector('.status-error');
    expect(await page.textContent('.status-error')).toMatch(new RegExp(`^broken\\.jsonl:${at + 1}:`));
    expect(await page.textContent('.scenario-title')).toContain('A first tour');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
