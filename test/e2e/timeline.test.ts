/**
 * The timeline in real Chromium: clicking and dragging on it moves the cursor to the step under the pointer, the
 * keys zoom and move the cursor, the wheel zooms down to single steps whose transitions the tooltip names, and the
 * rows are the families the run has.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EngineService } from '../../src/hosts/service';
import type { OverviewResult } from '../../src/protocol';
import { consoleErrors, cursorStep, openApp, pageErrors, pressSettled, startApp, waitStep, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const ownConsoleErrors = (page: Page) => [...new Set(consoleErrors(page))].filter((m) => !/missing key (?!timeline:|counters:|breakpoints:)/.test(m));
const canvasSel = '[data-testid="timeline-canvas"]';

/** The canvas's geometry as it says it (data attributes), in page coordinates. */
async function geometry(page: Page) {
  // the dock settles its sizes after the run arrives (slowly on a loaded machine): read until two reads agree
  const read = async () => ({
    box: (await page.locator(canvasSel).boundingBox())!,
    d: await page.locator(canvasSel).evaluate((el: HTMLCanvasElement) => ({ ...el.dataset })),
  });
  let { box, d } = await read();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(150);
    const again = await read();
    const same = JSON.stringify(again) === JSON.stringify({ box, d });
    ({ box, d } = again);
    if (same) break;
  }
  const [from, span] = d.view!.split(',').map(Number);
  const plotX = Number(d.plotX);
  const plotW = Number(d.plotW);
  return {
    box,
    from,
    span,
    /** The page x of a fraction of the plot, and the step the timeline puts there. */
    at(fraction: number) {
      const x = plotX + fraction * plotW;
      return { x: box.x + x, step: Math.floor(from + ((x - plotX) / plotW) * span) };
    },
    rowsY: box.y + Number(d.hitsY) + 30,
  };
}

describe('the timeline', () => {
  it('moves the cursor to the step clicked, and follows a drag', async () => {
    const page = await openApp(session, { scenario: 'oversubscription' });
    const g = await geometry(page);
    expect(g.from).toBe(0);
    const half = g.at(0.5);
    await page.mouse.click(half.x, g.rowsY);
    await waitStep(page, half.step);

    const a = g.at(0.2);
    const b = g.at(0.8);
    await page.mouse.move(a.x, g.rowsY);
    await page.mouse.down();
    await page.mouse.move(b.x, g.rowsY, { steps: 12 });
    await page.mouse.up();
    await waitStep(page, b.step);
    expect(await page.getAttribute(canvasSel, 'aria-valuenow')).toBe(String(b.step));
    expect(pageErrors(page)).toEqual([]);
    expect(ownConsoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('zooms with + and −, moves the cursor with the arrows, and shows the whole run with 0', async () => {
    const page = await openApp(session, { scenario: 'oversubscription' });
    const total = Number(await page.getAttribute(canvasSel, 'aria-valuemax')) + 1;
    await pressSettled(page, 'PageDown', 3);
    const start = await cursorStep(page);
    await page.focus(canvasSel);
    // the whole run in view: an arrow moves the cursor by a pixel's worth of steps (not one step, as the app's
    // own ← / → would: the timeline keeps those keys while it has the focus)
    const plotW = await page.locator(canvasSel).evaluate((el: HTMLCanvasElement) => Number(el.dataset.plotW));
    const perPixel = Math.max(1, Math.round(total / plotW));
    expect(perPixel).toBeGreaterThan(1);
    await page.keyboard.press('ArrowRight');
    await waitStep(page, start + perPixel);
    await page.keyboard.press('Shift+ArrowLeft');
    await waitStep(page, start + perPixel - 10 * perPixel);
    const at = await cursorStep(page);
    for (let i = 0; i < 4; i++) await page.keyboard.press('+');
    await page.waitForFunction((n) => {
      const [, span] = document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')!.dataset.view!.split(',').map(Number);
      return Math.abs(span - n / 16) < 1;
    }, total);
    // zoomed around the cursor: it is still in view
    const g = await geometry(page);
    expect(at).toBeGreaterThanOrEqual(g.from);
    expect(at).toBeLessThanOrEqual(g.from + g.span);
    const by = Math.max(1, Math.round(g.span / plotW));
    await page.keyboard.press('ArrowLeft');
    await waitStep(page, at - by);
    await page.keyboard.press('-');
    await page.keyboard.press('0');
    await page.waitForFunction((n) => document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')!.dataset.view === `0,${n}`, total);
    expect(await page.textContent('[data-testid="timeline-range"]')).toContain(`of ${(total - 1).toLocaleString('en-US')}`);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('zooms with the wheel down to steps, and names a step’s transitions', async () => {
    const page = await openApp(session, { scenario: 'default' });
    await pressSettled(page, 'PageDown', 3);
    const at = await cursorStep(page);
    // the engine's own list of what that step did
    const service = new EngineService();
    service.handle({ type: 'load', id: 1, source: readFileSync(new URL('../../assets/scenarios/default.yaml', import.meta.url), 'utf8'), fileName: 'default.yaml' });
    const step = service.handle({ type: 'seek', id: 2, step: at });
    const kinds = step.type === 'ok' ? step.state.transitions.map((t) => t.kind) : [];
    expect(kinds.length).toBeGreaterThan(0);

    let g = await geometry(page);
    const x = g.box.x + Number(await page.getAttribute(canvasSel, 'data-plot-x')) + ((at + 0.5 - g.from) / g.span) * Number(await page.getAttribute(canvasSel, 'data-plot-w'));
    await page.mouse.move(x, g.rowsY);
    for (let i = 0; i < 12 && g.span > 40; i++) {
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(60);
      g = await geometry(page);
    }
    expect(g.span).toBeLessThanOrEqual(40);
    expect(at).toBeGreaterThanOrEqual(g.from);
    expect(at).toBeLessThan(g.from + g.span);
    // hover the cursor's step: the tooltip lists its transitions by kind
    const plotX = Number(await page.getAttribute(canvasSel, 'data-plot-x'));
    const plotW = Number(await page.getAttribute(canvasSel, 'data-plot-w'));
    await page.mouse.move(g.box.x + plotX + ((at + 0.5 - g.from) / g.span) * plotW, g.rowsY);
    await page.waitForSelector('.timeline-tip-list code');
    const shown = await page.locator('.timeline-tip-list code').allTextContents();
    expect(shown).toEqual(kinds.slice(0, shown.length));
    expect(await page.textContent('.timeline-tip-head')).toContain(`step ${at.toLocaleString('en-US')}`);
    expect(pageErrors(page)).toEqual([]);
    expect(ownConsoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('has one row per family the run has, the busiest first when they do not all fit', async () => {
    const service = new EngineService();
    service.handle({ type: 'load', id: 1, source: readFileSync(new URL('../../assets/scenarios/gaia-maquire.yaml', import.meta.url), 'utf8'), fileName: 'gaia-maquire.yaml' });
    const r = service.handle({ type: 'view', id: 2, query: { view: 'overview', buckets: 10 } });
    const o = (r.type === 'ok' ? r.view : null) as OverviewResult;
    const families = o.families.filter((_, i) => o.runTotals[i] > 0);
    expect(families).toEqual(expect.arrayContaining(['pagecache', 'gaia', 'fault', 'copy']));
    const page = await openApp(session, { scenario: 'gaia-maquire' });
    await page.waitForFunction(() => !!document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')?.dataset.rows);
    const rows = (await page.getAttribute(canvasSel, 'data-rows'))!.split(',');
    const hidden = (await page.getAttribute(canvasSel, 'data-hidden-rows'))!.split(',').filter(Boolean);
    // every family the run has is a row or said to be left out, in the engine's order
    expect([...rows, ...hidden].sort()).toEqual([...families].sort());
    expect(rows).toEqual(families.filter((f) => rows.includes(f)));
    // those left out have no more transitions than any shown (the catch-all row goes first)
    const total = (f: string) => o.runTotals[o.families.indexOf(f)];
    for (const h of hidden.filter((f) => f !== 'other')) for (const f of rows.filter((x) => x !== 'other')) expect(total(h)).toBeLessThanOrEqual(total(f));
    // hovering a busy bucket lists its transitions per family, with the family's name
    const g = await geometry(page);
    await page.mouse.move(g.at(0.6).x, g.rowsY);
    await page.waitForSelector('.timeline-tip-list li');
    for (const line of await page.locator('.timeline-tip-list li').allTextContents()) expect(line).toMatch(/^[\w ,]+: \d+ transitions?$/);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
