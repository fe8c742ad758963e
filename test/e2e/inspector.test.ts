/**
 * The inspector in real Chromium: a page picked in the radix panel shows with its history (virtualised: a hot radix
 * node's hundreds of changes render as a few rows); "stop when this changes" adds a breakpoint that F5 stops at — at
 * the step the engine itself finds for that spec; "Why?" on a history entry shows its cause chain, and a cause seeks.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EngineService } from '../../src/hosts/service';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { cursorStep, openApp, pageErrors, startApp, waitStep, type AppSession } from './browser';

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

/** Where the engine says continue stops from `from` with this one breakpoint. */
function engineStop(scenario: string, spec: string, from: number): number {
  const service = new EngineService();
  ok(service.handle({ type: 'load', id: 1, source: readFileSync(new URL(`../../assets/scenarios/${scenario}.yaml`, import.meta.url), 'utf8'), fileName: `${scenario}.yaml` }));
  ok(service.handle({ type: 'seek', id: 2, step: from }));
  ok(service.handle({ type: 'breakpoints', id: 3, breakpoints: [{ id: 1, spec, enabled: true }] }));
  return ok(service.handle({ type: 'step', id: 4, granularity: 'continue', direction: 'forward' })).state.step;
}


/** Open gaia-maquire at its end with the page-cache panel and the inspector showing. */
async function maquireAtEnd(): Promise<Page> {
  const page = await openApp(session, { scenario: 'gaia-maquire' });
  await page.locator('.dv-tab', { hasText: 'Page cache' }).click();
  await page.locator('.dv-tab', { hasText: 'Inspector' }).click();
  await page.keyboard.press('End');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="radix-canvas"]')?.getAttribute('data-nodes')) === 10);
  return page;
}

/** Select radix node `id` from the panel's node list (what a keyboard reaches). */
async function selectNode(page: Page, id: number) {
  await page.locator(`[data-testid="radix-node-list"] button[data-node="${id}"]`).evaluate((b: HTMLButtonElement) => b.click());
  await page.waitForFunction((n) => document.querySelector('[data-testid="radix-detail"]')?.getAttribute('data-node') === String(n), id);
}

/** A history entry by its text, scrolling the virtualised list from the top down until it shows. */
async function historyEntry(page: Page, text: string, selector = '.inspector-entry') {
  await page.waitForSelector('.inspector-entry');
  const entry = page.locator(selector, { hasText: text });
  await page.evaluate(() => {
    document.querySelector('[data-testid="inspector-history"]')!.scrollTop = 0;
  });
  for (let i = 0; i < 80 && (await entry.count()) === 0; i++) {
    await page.evaluate(() => {
      document.querySelector('[data-testid="inspector-history"]')!.scrollTop += 120;
    });
    await page.waitForTimeout(60);
  }
  return entry.first();
}

describe('the inspector', () => {
  it('shows a radix node with its fields and a long history, virtualised', async () => {
    const page = await maquireAtEnd();
    await selectNode(page, 5);
    await page.waitForFunction(() => document.querySelector('[data-testid="inspector-title"]')?.textContent?.startsWith('radix node 5 '));
    expect(await page.textContent('[data-testid="inspector-title"]')).toBe('radix node 5 (data.bin, leaf, indices 256–319)');
    expect(await page.textContent('[data-testid="inspector-fields"]')).toContain('count_gpu');
    const count = Number((await page.textContent('[data-testid="inspector-history-count"]'))!.match(/(\d+)/)![1]);
    expect(count).toBeGreaterThan(300);
    await page.waitForSelector('.inspector-entry');
    // a few dozen rows in the page, not hundreds
    expect(await page.locator('.inspector-row').count()).toBeLessThan(80);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('"stop when this changes" adds a breakpoint that continue (F5) stops at', async () => {
    const page = await maquireAtEnd();
    await selectNode(page, 5);
    await page.click('[data-testid="radix-detail"] .rd-slot[data-index="256"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="inspector-title"]')?.textContent === 'data.bin file page 256');
    // go back to the CPU's write of the page: its history entry
    const write = await historyEntry(page, 'CPU_DIRTY tag set on file 0 index 256');
    const from = Number(await write.getAttribute('data-step'));
    await write.click();
    await waitStep(page, from);
    // the page's watch
    const watch = page.locator('[data-testid="inspector-watch"]');
    const spec = (await watch.getAttribute('title'))!.replace(/^[^:]*: /, '');
    expect(spec).toMatch(/^\* if type == 'state' && /);
    await watch.click();
    await page.waitForSelector('[data-testid="inspector-watch-status"]');
    expect(await page.textContent('[data-testid="inspector-watch-status"]')).toMatch(/it hits \d+ times over the run/);
    expect(await watch.isDisabled()).toBe(true);
    expect(await page.textContent('.breakpoints-panel')).toContain("* if type == 'state'");
    // continue stops where the engine says, and that is the next change in the page's history
    const expected = engineStop('gaia-maquire', spec, from);
    expect(expected).toBeGreaterThan(from);
    await page.keyboard.press('F5');
    await waitStep(page, expected);
    expect(await cursorStep(page)).toBe(expected);
    expect(await page.textContent('.status-bar')).toContain('Stopped at breakpoint');
    // the page's history has a change at that step (the first after the write)
    // (the history is re-fetched for the new cursor: a scan that raced the new answer is tried again)
    let found = 0;
    for (let attempt = 0; attempt < 3 && found === 0; attempt++) found = await (await historyEntry(page, '', `.inspector-entry[data-step="${expected}"]`)).count();
    expect(found).toBe(1);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('"Why?" on a history entry shows its cause chain, and a cause seeks', async () => {
    const page = await maquireAtEnd();
    await selectNode(page, 5);
    await page.click('[data-testid="radix-detail"] .rd-slot[data-index="256"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="inspector-title"]')?.textContent === 'data.bin file page 256');
    const entry = await historyEntry(page, 'CPU_DIRTY tag set on file 0 index 256');
    await entry.locator('xpath=..').locator('.inspector-mini').click();
    await page.waitForFunction(() => /^transition \d+: pcTag$/.test(document.querySelector('[data-testid="inspector-title"]')?.textContent ?? ''));
    await page.waitForSelector('[data-testid="inspector-why"] .inspector-cause');
    const causes = page.locator('[data-testid="inspector-why"] .inspector-cause');
    expect(await causes.count()).toBeGreaterThan(2);
    const texts = await causes.allTextContents();
    expect(texts.some((x) => x.includes('in radix_tree_tag_set'))).toBe(true);
    // the outermost cause: the scenario's cpu.write
    const last = causes.filter({ hasText: 'because the scenario' }).first();
    expect(await last.textContent()).toContain('cpu.write');
    const target = Number((await last.locator('.inspector-step').textContent())!);
    await last.click();
    await waitStep(page, target);
    // back to the page
    await page.click('.inspector-back');
    await page.waitForFunction(() => document.querySelector('[data-testid="inspector-title"]')?.textContent === 'data.bin file page 256');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
