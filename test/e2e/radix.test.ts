/**
 * The page-cache panel in real Chromium: a scenario without files says so; a click on a page slot of the canvas
 * selects that page (the inspector shows it); and the maquire walk reads in the panel — the step that clears
 * CPU_DIRTY on index 256 is named in the step line and outlined in the node shown up close.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleErrors, cursorStep, openApp, pageErrors, startApp, waitStep, type AppSession } from './browser';
import { CELL_H, CELL_W, GROUP_GAP, HEADER_H, LABEL_W, PAD, ROW_H } from '../../src/renderer/panels/radix/layout';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

/** Console errors of this panel and the inspector (other panels are being built beside them). */
const ownErrors = (page: Page) => consoleErrors(page).filter((m) => /radix|inspector|RadixPanel|InspectorPanel/i.test(m));

async function showPanels(page: Page) {
  await page.locator('.dv-tab', { hasText: 'Page cache' }).click();
  await page.locator('.dv-tab', { hasText: 'Inspector' }).click();
}

/** Wait until the canvas's view stops moving (fit and follow may animate), and return its transform. */
async function settledTransform(page: Page) {
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="radix-canvas"]');
      return c ? `${c.dataset.zoom},${c.dataset.tx},${c.dataset.ty}` : '';
    });
    if (now && now === last) {
      const [k, x, y] = now.split(',').map(Number);
      return { k, x, y };
    }
    last = now;
    await page.waitForTimeout(150);
  }
  throw new Error('the radix view never settled');
}

/** A history entry of the inspector by its text, scrolling the (virtualised) list up from the end until it shows. */
async function historyEntry(page: Page, text: string) {
  const entry = page.locator('.inspector-entry', { hasText: text });
  await page.evaluate(() => {
    const list = document.querySelector('[data-testid="inspector-history"]')!;
    list.scrollTop = list.scrollHeight;
  });
  for (let i = 0; i < 60 && (await entry.count()) === 0; i++) {
    await page.evaluate(() => {
      document.querySelector('[data-testid="inspector-history"]')!.scrollTop -= 120;
    });
    await page.waitForTimeout(60);
  }
  return entry.last();
}

describe('the page-cache panel', () => {
  it('says so when the scenario has no file region', async () => {
    const page = await openApp(session);
    await showPanels(page);
    await page.waitForSelector('[data-testid="radix-no-files"]');
    expect(await page.textContent('[data-testid="radix-no-files"]')).toContain('no file regions');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('a click on a page slot of the canvas selects that page, and the inspector shows it', async () => {
    const page = await openApp(session, { scenario: 'gaia-get-page-from-gpu' });
    await showPanels(page);
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.querySelector('[data-testid="radix-canvas"]')?.getAttribute('data-nodes') === '1');
    expect(await page.textContent('[data-testid="radix-summary"]')).toContain('height 1 · 1 nodes · 64 CPU pages · 4 GPU pages');
    const t = await settledTransform(page);
    // one leaf, laid out at the origin: slot 5 of its pages row (after the header and the five tag rows)
    const slot = 5;
    const wx = PAD + LABEL_W + slot * CELL_W + CELL_W / 2;
    const wy = HEADER_H + 5 * ROW_H + GROUP_GAP + CELL_H / 2;
    const canvas = (await page.locator('[data-testid="radix-canvas"]').boundingBox())!;
    await page.mouse.move(canvas.x + t.x + wx * t.k, canvas.y + t.y + wy * t.k);
    await page.waitForSelector('.radix-tip');
    expect(await page.textContent('.radix-tip')).toContain('index 5 · slot 5 of node 0');
    await page.mouse.click(canvas.x + t.x + wx * t.k, canvas.y + t.y + wy * t.k);
    await page.waitForFunction(() => document.querySelector('[data-testid="inspector-title"]')?.textContent === 'data.bin file page 5');
    // the node up close marks the page, and the inspector has its fields and history
    expect(await page.getAttribute('[data-testid="radix-detail"] .rd-slot[data-index="5"]', 'aria-pressed')).toBe('true');
    const fields = await page.textContent('[data-testid="inspector-fields"]');
    expect(fields).toContain('page cache');
    expect(fields).toContain('TSVT gpu0');
    expect(await page.textContent('[data-testid="inspector-history-count"]')).toMatch(/^History: \d+ changes$/);
    expect(pageErrors(page)).toEqual([]);
    expect(ownErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('the maquire walk: going to the step that clears CPU_DIRTY on index 256 shows it in the step line and up close', async () => {
    const page = await openApp(session, { scenario: 'gaia-maquire' });
    await showPanels(page);
    await page.keyboard.press('End');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="radix-canvas"]')?.getAttribute('data-nodes')) === 10);
    expect(await page.textContent('[data-testid="radix-summary"]')).toContain('height 2 · 10 nodes · 514 CPU pages · 32 GPU pages');
    // the leaf of indices 256–319, from the list of nodes (what a keyboard reaches), then its first page
    await page.locator('[data-testid="radix-node-list"] button', { hasText: 'leaf · 256–319' }).evaluate((b: HTMLButtonElement) => b.click());
    await page.waitForSelector('[data-testid="radix-detail"][data-node]');
    await page.click('[data-testid="radix-detail"] .rd-slot[data-index="256"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="inspector-title"]')?.textContent === 'data.bin file page 256');
    // the history entry of maquire's clear: the last CPU_DIRTY clear of index 256
    await page.waitForSelector('.inspector-entry');
    const entry = await historyEntry(page, 'CPU_DIRTY tag cleared on file 0 index 256');
    const step = Number(await entry.getAttribute('data-step'));
    await entry.click();
    await waitStep(page, step);
    expect(await cursorStep(page)).toBe(step);
    await page.waitForFunction(() => document.querySelector('[data-testid="radix-step"]')?.textContent?.includes('CPU_DIRTY cleared on index 256'));
    expect(await page.textContent('[data-testid="radix-step"]')).toContain('CPU_DIRTY cleared on index 256 (node 5)');
    // up close: the leaf of the selected page, its CPU_DIRTY bit 0 outlined as cleared by this step
    const cleared = page.locator('[data-testid="radix-detail"] .rd-tag[aria-label="CPU_DIRTY"] .rd-cell').nth(0);
    expect(await cleared.getAttribute('class')).toContain('gone');
    // maquire dropped this group's GPU page before: the GPU slot is empty now
    expect(await page.locator('[data-testid="radix-detail"] .rd-gpu .rd-gpu-slot').nth(0).getAttribute('style')).toBeNull();
    expect(pageErrors(page)).toEqual([]);
    expect(ownErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
