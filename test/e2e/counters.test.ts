/**
 * The counters panel in real Chromium: CUPTI-named counters at the cursor, formatted for people, equal to the
 * engine's own at the end of the run; a counter the cursor's step changed shows by how much; each has a sparkline
 * from step 0 to the cursor; counters that stay 0 are folded away until asked for.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EngineService } from '../../src/hosts/service';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { consoleErrors, openApp, pageErrors, startApp, waitStep, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const ok = (r: EngineResponse): OkResponse => {
  if (r.type !== 'ok') throw new Error(JSON.stringify(r.diagnostics));
  return r;
};
const ownConsoleErrors = (page: Page) => [...new Set(consoleErrors(page))].filter((m) => !/missing key (?!timeline:|counters:|breakpoints:)/.test(m));

async function openCounters(page: Page) {
  await page.click('.dv-tab:has-text("Counters")');
  await page.waitForSelector('.counters-panel .counter-row');
}

describe('the counters panel', () => {
  it('shows the engine’s counters at the end of the run, for people, with sparklines', async () => {
    const service = new EngineService();
    const loaded = ok(service.handle({ type: 'load', id: 1, source: readFileSync(new URL('../../assets/scenarios/default.yaml', import.meta.url), 'utf8'), fileName: 'default.yaml' }));
    const end = ok(service.handle({ type: 'seek', id: 2, step: loaded.run!.totalSteps - 1 })).state;
    expect(end.counters.htod_bytes).toBe(16 << 20);

    const page = await openApp(session);
    await openCounters(page);
    await page.keyboard.press('End');
    await waitStep(page, end.step);
    const value = (name: string) => page.textContent(`[data-counter="${name}"] .counter-value`);
    await page.waitForFunction((n) => document.querySelector('[data-counter="gpu_faults"] .counter-value')?.textContent === n, end.counters.gpu_faults.toLocaleString('en-US'));
    expect(await value('htod_bytes')).toBe('16 MiB');
    expect(await value('dtoh_bytes')).toBe(`${end.counters.dtoh_bytes / (1 << 20)} MiB`);
    expect(await value('cpu_faults')).toBe(end.counters.cpu_faults.toLocaleString('en-US'));
    expect(await page.textContent('[data-testid="counter-sim-time"]')).toMatch(/^\d+(\.\d+)? (ms|µs|s)$/);
    // the sparkline ends at the cursor's value and says so
    await page.waitForFunction(() => (document.querySelector('[data-counter="htod_bytes"] svg')?.getAttribute('aria-label') ?? '').endsWith('16 MiB'));
    expect(await page.getAttribute('[data-counter="htod_bytes"] svg', 'aria-label')).toBe(`htod_bytes from step 0 to ${end.step}: 0 B to 16 MiB`);
    expect((await page.getAttribute('[data-counter="gpu_faults"] .sparkline-line', 'd'))!.split('L').length).toBeGreaterThan(100);
    // counters that never move are folded away
    const zero = Object.entries(end.counters).filter(([, v]) => v === 0).map(([k]) => k);
    expect(zero.length).toBeGreaterThan(0);
    expect(await page.locator(`[data-counter="${zero[0]}"]`).count()).toBe(0);
    await page.click('.counters-more');
    await page.waitForSelector(`[data-counter="${zero[0]}"]`);
    expect(pageErrors(page)).toEqual([]);
    expect(ownConsoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('marks a counter the cursor’s step changed, with by how much', async () => {
    // where the engine stops for the first change of gpu_faults, and by how much that step changed it
    const spec = 'counter if counter == "gpu_faults"';
    const service = new EngineService();
    ok(service.handle({ type: 'load', id: 1, source: readFileSync(new URL('../../assets/scenarios/default.yaml', import.meta.url), 'utf8'), fileName: 'default.yaml' }));
    ok(service.handle({ type: 'breakpoints', id: 2, breakpoints: [{ id: 1, spec, enabled: true }] }));
    const at = ok(service.handle({ type: 'step', id: 3, granularity: 'continue', direction: 'forward' })).state;
    const delta = at.transitions.filter((t) => t.kind === 'counter' && t.fields.counter === 'gpu_faults').reduce((n, t) => n + t.after - t.before, 0);
    expect(delta).toBeGreaterThan(0);

    const page = await openApp(session);
    await openCounters(page);
    await page.click('.breakpoints-panel .bp-input-row input');
    await page.fill('.breakpoints-panel .bp-input-row input', spec);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /hits?$/.test(document.querySelector('.bp [data-testid="bp-hits"]')?.textContent ?? ''));
    await page.keyboard.press('F5');
    await waitStep(page, at.step);
    await page.waitForSelector('[data-counter="gpu_faults"].changed');
    expect(await page.textContent('[data-counter="gpu_faults"] .counter-delta')).toBe(`+${delta}`);
    expect(await page.textContent('[data-counter="gpu_faults"] .counter-value')).toBe(at.counters.gpu_faults.toLocaleString('en-US'));
    // exactly the counters that step changed are marked
    const changed = new Set(at.transitions.filter((t) => t.kind === 'counter').map((t) => String(t.fields.counter)));
    expect(new Set(await page.locator('.counter-row.changed').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-counter'))))).toEqual(changed);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
