/**
 * Predict mode in real Chromium (the web build): gaia-maquire's own tour asks at its cpu-wrote stop which copies
 * maquire invalidates; the learner marks pages on the memory map canvas with real mouse clicks (and a drag), checks,
 * and the bar says what the host's grade says (graded here again by the engine service over the same marks); the
 * saved session carries the answer. P asks about the next op; Escape closes the question before presentation mode.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EngineService } from '../../src/hosts/service';
import type { PredictMark, PredictQuestion } from '../../src/protocol';
import { chooseFile, consoleErrors, cursorStep, geometry, openApp, pageErrors, palette, startApp, waitStep, type AppSession, type Geometry } from './browser';

const SHOTS = process.env.UVMSCOPE_SHOTS;
/** A number as the English UI writes it (with its thousands separators). */
const en = (n: number) => n.toLocaleString('en-US');
const scenario = (name: string) => readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8');

let app: AppSession;
beforeAll(async () => {
  app = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await app?.close();
});

/** Where on the page the centre of cell `cell` of line 0 of the first region is, in lane `lane`. */
async function cellPoint(page: Page, g: Geometry, cell: number, lane: number): Promise<{ x: number; y: number }> {
  const box = (await (await page.$('[data-testid="memory-map-canvas"]'))!.boundingBox())!;
  const r = g.regions[0];
  return { x: box.x + g.gutter + (cell + 0.5) * g.cellW, y: box.y + r.top + r.headerH + lane * (g.laneH + g.laneGap) + g.laneH / 2 - g.scrollY };
}

/** Wait until the bar counts `n` marked pages. */
async function marked(page: Page, n: number): Promise<void> {
  await page.waitForFunction((k) => document.querySelector('[data-testid="predict-count"]')?.textContent === `${k} pages marked`, n);
}

/** Press N (the next tour stop) until a stop asks: its question opens the predict bar. */
async function walkToAsk(page: Page): Promise<void> {
  for (let i = 0; i < 20 && !(await page.$('[data-testid="predict-bar"]')); i++) {
    await page.keyboard.press('n');
    await page.waitForTimeout(200);
  }
  await page.waitForSelector('[data-testid="predict-bar"]');
}

function hostGrade(question: PredictQuestion, answer: PredictMark[]) {
  const service = new EngineService();
  const loaded = service.handle({ type: 'load', id: 1, source: scenario('gaia-maquire'), fileName: 'gaia-maquire.yaml' });
  if (loaded.type !== 'ok') throw new Error('load failed');
  const r = service.handle({ type: 'grade', id: 2, question, answer });
  if (r.type !== 'ok' || !r.grade) throw new Error(JSON.stringify(r));
  return r.grade;
}

describe('predict mode', () => {
  it("walks gaia-maquire's tour to the stop that asks, marks pages on the map, checks, and saves the answer", async () => {
    const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    const page = await openApp(app, { scenario: 'gaia-maquire', context });
    // N walks the scenario's own tour until a stop asks
    await walkToAsk(page);
    const bar = await page.$('[data-testid="predict-bar"]');
    const question: PredictQuestion = { kind: (await bar!.getAttribute('data-kind')) as PredictQuestion['kind'], from: Number(await bar!.getAttribute('data-from')), through: Number(await bar!.getAttribute('data-through')) };
    expect(question.kind).toBe('invalidations');
    expect(question.through).toBeGreaterThan(question.from);
    await waitStep(page, question.from);
    expect(await page.textContent('[data-testid="predict-question"]')).toContain('Which copies will be invalidated?');
    expect(await page.textContent('[data-testid="predict-span"]')).toBe(`steps ${en(question.from)} → ${en(question.through)}`);
    expect(await page.textContent('[data-testid="mm-answer-banner"]')).toContain('Answer mode');
    // the stop's narration would tell what happens next: it waits for the answer
    expect(await page.textContent('[data-testid="tour-caption"] .tour-narration')).toContain('Predict first');
    expect(await page.getAttribute('[data-testid="memory-map-canvas"]', 'class')).toContain('answering');

    // the GPU is the target chosen; the lane of gpu0's vidmem is where its marks go
    expect(await page.getAttribute('[data-testid="predict-targets"] [aria-checked="true"]', 'data-target')).toBe('1');
    const g = await geometry(page);
    const lane = g.regions[0].lanes.indexOf('vidmem:1');
    expect(lane).toBeGreaterThanOrEqual(0);
    // two clicks on cells, then a drag over four more
    const marks: PredictMark[] = [];
    const cellPages = (cell: number) => Array.from({ length: g.pagesPerCell }, (_, k) => ({ region: g.regions[0].index, page: cell * g.pagesPerCell + k, target: 1 }));
    for (const cell of [0, 2]) {
      const p = await cellPoint(page, g, cell, lane);
      await page.mouse.click(p.x, p.y);
      marks.push(...cellPages(cell));
    }
    const a = await cellPoint(page, g, 5, lane);
    const b = await cellPoint(page, g, 8, lane);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 5 });
    await page.mouse.up();
    for (let cell = 5; cell <= 8; cell++) marks.push(...cellPages(cell));
    await marked(page, marks.length);
    // a click on a marked cell unmarks it
    const again = await cellPoint(page, g, 2, lane);
    await page.mouse.click(again.x, again.y);
    const answer = marks.filter((m) => Math.floor(m.page / g.pagesPerCell) !== 2);
    await marked(page, answer.length);
    expect(Number(await page.getAttribute('[data-testid="memory-map-canvas"]', 'data-answer-glyphs'))).toBeGreaterThan(0);
    // the hover card says what is marked under the pointer
    const over = await cellPoint(page, g, 5, lane);
    await page.mouse.move(over.x, over.y);
    await page.waitForSelector('[data-testid="mm-tip-marks"]');
    expect(await page.textContent('[data-testid="mm-tip-marks"]')).toBe(`Your answer here: gpu0 (${g.pagesPerCell} of ${g.pagesPerCell})`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/predict-marked.png` });

    await page.click('[data-testid="predict-check"]');
    await page.waitForSelector('[data-testid="predict-summary"]');
    const grade = hostGrade(question, answer);
    expect(grade.counts.correct + grade.counts.wrong).toBe(answer.length);
    expect(await page.textContent('[data-testid="predict-summary"]')).toBe(grade.summary);
    expect(await page.$('[data-testid="tour-held"]')).toBeNull();
    expect(await page.textContent('[data-testid="tour-caption"] .tour-narration')).toContain('maquire');
    expect(await page.textContent('[data-testid="mm-answer-banner"]')).toContain('graded');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/predict-graded.png` });
    // go and watch it happen: the cursor goes to the question's last step
    await page.click('[data-testid="predict-watch"]');
    await waitStep(page, question.through);

    // the saved session carries the answer
    const download = page.waitForEvent('download');
    await palette(page, 'Save session');
    const file = await download;
    const path = join(mkdtempSync(join(tmpdir(), 'uvmscope-predict-')), file.suggestedFilename());
    await file.saveAs(path);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { answers?: { question: PredictQuestion; answer: PredictMark[]; counts: unknown }[] };
    expect(saved.answers).toHaveLength(1);
    expect(saved.answers![0].question).toMatchObject(question);
    expect(saved.answers![0].counts).toEqual(grade.counts);
    expect(saved.answers![0].answer).toHaveLength(answer.length);

    // opened again (File → Open), the session brings its answer back: the bar lists it
    await page.click('[data-testid="predict-close"]');
    await chooseFile(page, path);
    await page.waitForFunction(() => document.querySelector('[data-testid="predict-history"] summary')?.textContent === '1 answer in this session', undefined, { timeout: 30_000 });
    await page.click('[data-testid="predict-history"] summary');
    expect(await page.textContent('[data-testid="predict-history"] li')).toBe(
      `invalidated copies, steps ${en(question.from)} → ${en(question.through)}: ${en(grade.counts.correct)} right, ${en(grade.counts.missed)} missed, ${en(grade.counts.wrong)} wrong`,
    );
    if (SHOTS) await page.waitForTimeout(1500);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/predict-reopened.png` });
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  }, 120_000);

  it('an example session asks at its tour stop, and Show answer grades an empty answer', async () => {
    const saved = JSON.parse(readFileSync(new URL('../../assets/sessions/hmm-evict-chunk-tour.uvmsession', import.meta.url), 'utf8')) as { tours: { stops: { step: number; ask?: PredictQuestion }[] }[] };
    const stop = saved.tours[0].stops.findIndex((st) => st.ask);
    expect(stop, 'the example tour has a stop that asks').toBeGreaterThanOrEqual(0);
    const q = saved.tours[0].stops[stop].ask!;
    const page = await openApp(app, { scenario: 'default', width: 1400, height: 900 });
    await palette(page, 'Example sessions');
    await page.waitForSelector('[data-testid="example-sessions"]');
    await page.click('[data-testid="example-sessions"] [data-file="hmm-evict-chunk-tour.uvmsession"]');
    await page.waitForSelector('[data-testid="tour-caption"]', { timeout: 30_000 });
    // walk to the stop that asks (the session opens on one of its stops)
    await walkToAsk(page);
    expect(Number(await page.getAttribute('[data-testid="predict-bar"]', 'data-from'))).toBe(q.from);
    expect(Number(await page.getAttribute('[data-testid="predict-bar"]', 'data-through'))).toBe(q.through);
    await page.click('[data-testid="predict-show"]');
    await page.waitForSelector('[data-testid="predict-summary"]');
    expect(await page.textContent('[data-testid="predict-summary"]')).toMatch(/^(0 of [\d,]+ pages? right; [\d,]+ missed|Right: nothing happens here)$/);
    // the next stop closes the question the tour opened
    await page.keyboard.press('n');
    await page.waitForFunction(() => !document.querySelector('[data-testid="predict-bar"] [data-testid="predict-question"]'));
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('P asks about the next op, the keyboard marks cells and Enter checks; Escape closes the question, and only the question', async () => {
    const page = await openApp(app, { scenario: 'first-touch', width: 1400, height: 900 });
    const at = await cursorStep(page);
    await page.keyboard.press('p');
    await page.waitForSelector('[data-testid="predict-bar"]');
    expect(Number(await page.getAttribute('[data-testid="predict-bar"]', 'data-from'))).toBe(at);
    expect(await page.textContent('[data-testid="predict-count"]')).toBe('0 pages marked');
    // keyboard only: focus the map, two cells right, Space marks the cell (its pages, with the GPU); the run does not step
    const g = await geometry(page);
    await page.focus('[data-testid="memory-map-canvas"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    await marked(page, g.pagesPerCell);
    expect(await page.getAttribute('[data-testid="memory-map-canvas"]', 'data-key-cursor')).toBe(`${g.regions[0].index}:${2 * g.pagesPerCell}`);
    expect(await cursorStep(page)).toBe(at);
    // Enter checks from the map
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="predict-summary"]');
    // presenting: Escape closes the question first, the presentation stays
    await page.keyboard.press('F12');
    await page.waitForSelector('.app.presentation');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid="predict-bar"]'));
    expect(await page.$('.app.presentation')).not.toBeNull();
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
