/**
 * Breakpoints in real Chromium: a breakpoint typed in the panel is checked by the engine (hit count over the run),
 * F5 stops at its first hit — the step the engine service itself finds — and the timeline marks its hits; a spec the
 * engine refuses shows its message with the column marked; completion offers kinds and fields.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EngineService } from '../../src/hosts/service';
import type { EngineResponse, OkResponse } from '../../src/protocol';
import { consoleErrors, cursorStep, openApp, pageErrors, startApp, waitStep, type AppSession } from './browser';

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

/** What the engine says about `spec` on a built-in scenario: its hits and where continue stops from step 0. */
function engineSays(scenario: string, spec: string) {
  const service = new EngineService();
  ok(service.handle({ type: 'load', id: 1, source: readFileSync(new URL(`../../assets/scenarios/${scenario}.yaml`, import.meta.url), 'utf8'), fileName: `${scenario}.yaml` }));
  const status = ok(service.handle({ type: 'breakpoints', id: 2, breakpoints: [{ id: 1, spec, enabled: true }] })).breakpoints![0];
  const stop = ok(service.handle({ type: 'step', id: 3, granularity: 'continue', direction: 'forward' }));
  return { hitCount: status.hitCount, hitSteps: status.hitSteps, firstStop: stop.state.step };
}

/** console errors but other panels' missing i18n keys (those panels are being built beside this one). */
const ownConsoleErrors = (page: Page) => [...new Set(consoleErrors(page))].filter((m) => !/missing key (?!timeline:|counters:|breakpoints:)/.test(m));

const box = '.breakpoints-panel .bp-input-row input';

async function addBreakpoint(page: Page, spec: string) {
  await page.click(box);
  await page.fill(box, spec);
  // Enter adds (it takes a suggestion only when one was chosen with the arrows)
  await page.keyboard.press('Enter');
}

describe('the breakpoints panel', () => {
  it('stops F5 at the first eviction and marks the hits on the timeline', async () => {
    const expected = engineSays('oversubscription', 'evictChunk');
    expect(expected.hitCount).toBeGreaterThan(0);
    const page = await openApp(session, { scenario: 'oversubscription' });
    // it opens on its second pass (`open: first-pass`): Home goes back to step 0, where engineSays continues from
    await page.keyboard.press('Home');
    await waitStep(page, 0);
    await addBreakpoint(page, 'evictChunk');
    await page.waitForFunction((n) => document.querySelector('.bp [data-testid="bp-hits"]')?.textContent === `${n} hits`, expected.hitCount);

    await page.keyboard.press('F5');
    await waitStep(page, expected.firstStop);
    expect(await cursorStep(page)).toBe(expected.hitSteps[0]);
    await page.waitForSelector('.bp.bp-stopped');
    expect(await page.textContent('.status-bar')).toContain('Stopped at breakpoint');

    // the timeline draws every hit in view, and a red mark where the first one is
    const canvas = page.locator('[data-testid="timeline-canvas"]');
    await page.waitForFunction((n) => Number(document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')?.dataset.hits) === n, expected.hitCount);
    const colour = await canvas.evaluate((el: HTMLCanvasElement, step: number) => {
      const [from, span] = el.dataset.view!.split(',').map(Number);
      const plotX = Number(el.dataset.plotX);
      const plotW = Number(el.dataset.plotW);
      const x = plotX + ((step + 0.5 - from) / span) * plotW;
      const y = Number(el.dataset.hitsY) - 2;
      const dpr = el.width / el.clientWidth;
      const px = el.getContext('2d')!.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
      return [px[0], px[1], px[2]];
    }, expected.hitSteps[1]);
    // vermillion (#D55E00), the hits' colour
    expect(colour[0]).toBeGreaterThan(180);
    expect(colour[1]).toBeLessThan(130);
    expect(colour[2]).toBeLessThan(60);

    // F5 again goes to the second hit; Shift+F5 back to the first
    await page.keyboard.press('F5');
    await waitStep(page, expected.hitSteps[1]);
    await page.keyboard.press('Shift+F5');
    await waitStep(page, expected.hitSteps[0]);

    // disabled, it no longer marks the timeline
    await page.click('.bp input[type="checkbox"]');
    await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')?.dataset.hits === '0');
    expect(pageErrors(page)).toEqual([]);
    expect(ownConsoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a refused spec’s message with the column it points at', async () => {
    const page = await openApp(session, { scenario: 'oversubscription' });
    await addBreakpoint(page, 'copy if byts > 1');
    await page.waitForSelector('.bp.bp-error .bp-located');
    expect(await page.textContent('.bp-located')).toContain("did you mean 'bytes'");
    expect(await page.textContent('.bp-located')).toContain('column 9');
    expect(await page.getAttribute('.bp-error code[data-column]', 'data-column')).toBe('9');
    expect(await page.textContent('.bp-error mark')).toBe('b');
    // edited in place to a good spec, it is checked again and hits
    await page.dblclick('.bp-error .bp-spec');
    const edit = '.bp .bp-input input';
    await page.fill(edit, 'copy if bytes >= 2MiB');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /^\d+ hits?$/.test(document.querySelector('.bp [data-testid="bp-hits"]')?.textContent ?? ''));
    expect(await page.locator('.bp-error').count()).toBe(0);
    const expected = engineSays('oversubscription', 'copy if bytes >= 2MiB');
    expect(await page.textContent('.bp [data-testid="bp-hits"]')).toBe(`${expected.hitCount} hits`);
    // removed
    await page.click('.bp .bp-remove');
    await page.waitForSelector('.bp', { state: 'detached' });
    expect(pageErrors(page)).toEqual([]);
    expect(ownConsoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('completes kind names and the fields of the kind', async () => {
    const page = await openApp(session, { scenario: 'oversubscription' });
    await page.click(box);
    await page.keyboard.type('evictC');
    await page.waitForSelector('.bp-suggestions li');
    expect(await page.textContent('.bp-suggestions li')).toContain('evictChunk');
    await page.keyboard.press('Tab');
    expect(await page.inputValue(box)).toBe('evictChunk ');
    await page.keyboard.type('if pa');
    await page.waitForSelector('.bp-suggestions li');
    expect(await page.locator('.bp-suggestions li code').allTextContents()).toContain('pages');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await page.inputValue(box)).toBe('evictChunk if pages');
    await page.close();
  }, 60_000);
});
