/**
 * Panels in a background dock tab ask the engine for nothing: stepping with the PMM and GPU page-tree tabs hidden makes
 * no `pmm` or `pageTree` view request, and showing one makes exactly one (for the cursor it missed); the memory map,
 * hidden in turn, stops asking until it shows again. Requests are counted by the `view.<name>` measures useView
 * records for each round trip.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, pageErrors, pressSettled, startApp, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const requests = (page: Page, view: string) => page.evaluate((v) => performance.getEntriesByName(`view.${v}`).length, view);
const waitRequests = (page: Page, view: string, n: number) =>
  page.waitForFunction(({ v, count }) => performance.getEntriesByName(`view.${v}`).length === count, { v: view, count: n });

describe('hidden panels', () => {
  it('fetch nothing while their tab is hidden, and once when it is shown', async () => {
    const page = await openApp(session, { scenario: 'oversubscription' });
    // the default layout: the memory map shows, the PMM and page-tree tabs sit behind it, the counters behind the code
    await page.waitForFunction(() => performance.getEntriesByName('view.memoryMap').length > 0);
    await pressSettled(page, 'F11', 5);
    await page.waitForTimeout(300);
    expect(await requests(page, 'pmm')).toBe(0);
    expect(await requests(page, 'pageTree')).toBe(0);
    expect(await requests(page, 'series')).toBe(0);
    expect(await requests(page, 'memoryMap')).toBeGreaterThan(1);

    // shown: one request for the cursor it missed, then one per move
    await page.click('.dv-tab:has-text("PMM chunks")');
    await waitRequests(page, 'pmm', 1);
    await page.waitForSelector('[data-testid="pmm-canvas"]');
    await page.waitForTimeout(300);
    expect(await requests(page, 'pmm')).toBe(1);
    // the memory map is hidden now: it stops asking
    const memoryMap = await requests(page, 'memoryMap');
    await pressSettled(page, 'F11', 3);
    await page.waitForFunction(() => performance.getEntriesByName('view.pmm').length >= 2);
    await page.waitForTimeout(300);
    expect(await requests(page, 'memoryMap')).toBe(memoryMap);
    expect(await requests(page, 'pageTree')).toBe(0);

    // hidden and shown again with the cursor where it was: its answer is still the cursor's, nothing to ask
    const pmm = await requests(page, 'pmm');
    await page.click('.dv-tab:has-text("GPU page tree")');
    await waitRequests(page, 'pageTree', 1);
    await page.click('.dv-tab:has-text("PMM chunks")');
    await page.waitForTimeout(300);
    expect(await requests(page, 'pmm')).toBe(pmm);
    // the memory map shown again catches up with one request
    await page.click('.dv-tab:has-text("Memory map")');
    await waitRequests(page, 'memoryMap', memoryMap + 1);
    await page.waitForTimeout(300);
    expect(await requests(page, 'memoryMap')).toBe(memoryMap + 1);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('the page-cache tree, with a hook of its own, waits behind its tab too', async () => {
    const page = await openApp(session, { scenario: 'gaia-maquire' });
    await page.waitForFunction(() => performance.getEntriesByName('view.memoryMap').length > 0);
    await pressSettled(page, 'F11', 4);
    await page.waitForTimeout(300);
    expect(await requests(page, 'radix')).toBe(0);
    await page.click('.dv-tab:has-text("Page cache")');
    await waitRequests(page, 'radix', 1);
    await pressSettled(page, 'F11', 2);
    await page.waitForFunction(() => performance.getEntriesByName('view.radix').length >= 2);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
