/**
 * Sessions in real Chromium (the web build): open a session file through the file input, go to a bookmark, save the
 * session (a download), reload and open the saved file again: the same step and the same digest. Kill the page
 * mid-run and restore from the autosave. Open an example session from the palette's Help entry and walk its tour
 * with the key: the caption changes and the cursor lands on each stop's step.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EngineService } from '../../src/hosts/service';
import { chooseFile, consoleErrors, cursorStep, openApp, pageErrors, palette, pressSettled, startApp, waitStep, type AppSession } from './browser';

const SHOTS = process.env.UVMSCOPE_SHOTS;
const examplePath = (name: string) => new URL(`../../assets/sessions/${name}.uvmsession`, import.meta.url).pathname;
const example = (name: string) => JSON.parse(readFileSync(examplePath(name), 'utf8'));

let app: AppSession;
beforeAll(async () => {
  app = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await app?.close();
});

/** A page in `context` (pages of one context share localStorage, as tabs of one browser profile do). */
const open = (context: BrowserContext, scenario = 'default'): Promise<Page> => openApp(app, { scenario, context });

const digestOf = async (page: Page) => (await page.textContent('[data-testid="digest"]'))?.match(/[0-9a-f]{16}/)?.[0];

describe('sessions', () => {
  it('opens a session, goes to a bookmark, saves it, and the saved file reopens on the same step with the same digest', async () => {
    const saved = example('gaia-maquire-tour');
    const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    const page = await open(context);
    await chooseFile(page, examplePath('gaia-maquire-tour'));
    await waitStep(page, saved.cursor);
    await page.waitForSelector('[data-testid="session-verdict"][data-match="true"]');
    expect(await page.textContent('[data-testid="session-verdict"]')).toContain(`replayed to step ${saved.cursor}, the digest matches (${saved.digests.atCursor})`);
    expect(await digestOf(page)).toBe(saved.digests.atCursor);
    // the session's breakpoints are the debugger's
    await page.waitForFunction(() => document.body.textContent?.includes('line maquire:drop'));

    // to a bookmark of the session, then one step on, bookmarked with Ctrl+B
    const mark = saved.bookmarks.find((b: { label: string }) => b.label === 'maquire starts');
    await palette(page, 'Go to bookmark: maquire starts');
    await waitStep(page, mark.step);
    await page.keyboard.press('F11');
    await waitStep(page, mark.step + 1);
    // the tour's caption says the cursor left its stop
    await page.waitForFunction((st) => document.querySelector('.tour-away')?.textContent?.includes(`step ${st}`), mark.step + 1);
    await page.keyboard.press('Control+b');
    await page.waitForSelector('[data-testid="session-bookmark"]');
    const step = await cursorStep(page);
    expect(await page.textContent('[data-testid="session-bookmark"]')).toContain(`bookmark: step ${step}`);
    const digest = await digestOf(page);
    // a note pinned to this step, typed in the palette's note editor (Ctrl+Enter adds it)
    await palette(page, 'Add a note at this step');
    await page.waitForSelector('[data-testid="note-editor"] textarea');
    await page.keyboard.type('maquire has started: the dirty pages go first');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-testid="session-notes"]');
    expect(await page.textContent('[data-testid="session-notes"]')).toContain('maquire has started: the dirty pages go first');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/note.png` });

    const download = page.waitForEvent('download');
    await palette(page, 'Save session');
    const file = await download;
    expect(file.suggestedFilename()).toBe('gaia-maquire-tour.uvmsession');
    const path = join(mkdtempSync(join(tmpdir(), 'uvmscope-session-')), file.suggestedFilename());
    await file.saveAs(path);
    const text = JSON.parse(readFileSync(path, 'utf8'));
    expect(text.cursor).toBe(step);
    expect(text.digests.atCursor).toBe(digest);
    expect(text.bookmarks).toContainEqual({ step, label: `step ${step}` });
    expect(text.path.slice(-2)).toEqual([mark.step, step]);
    expect(text.tours).toEqual(saved.tours);
    expect(text.notes).toContainEqual({ step, text: 'maquire has started: the dirty pages go first' });
    expect(text.view.layout).toMatchObject({ grid: expect.anything(), panels: expect.anything() });

    // reload: the autosave's offer comes first (there were changes); this test discards it
    await page.waitForFunction((s) => {
      const raw = localStorage.getItem('uvmscope.autosave.v1');
      return raw !== null && (JSON.parse(raw) as { step: number }).step === s;
    }, step, { timeout: 20_000 });
    await page.reload();
    await page.waitForSelector('[data-testid="restore-offer"]');
    await page.click('[data-testid="restore-discard"]');
    await page.waitForSelector('[data-testid="cursor-step"]');
    await chooseFile(page, path);
    await waitStep(page, step);
    await page.waitForSelector('[data-testid="session-verdict"][data-match="true"]');
    expect(await digestOf(page)).toBe(digest);
    expect(await page.textContent('[data-testid="session-notes"]')).toContain('maquire has started');
    // the bookmark came back with it
    await page.keyboard.press('Home');
    await waitStep(page, 0);
    await palette(page, `Go to bookmark: step ${step}`);
    await waitStep(page, step);
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await context.close();
  }, 120_000);

  it('restores the autosave after the page is killed mid-run', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const first = await open(context, 'default');
    await pressSettled(first, 'F10', 3);
    await first.keyboard.press('Control+b');
    // the autosave lands a couple of seconds after the last change, holding the cursor's step
    const step = await cursorStep(first);
    await first.waitForFunction((s) => {
      const raw = localStorage.getItem('uvmscope.autosave.v1');
      return raw !== null && (JSON.parse(raw) as { step: number }).step === s;
    }, step, { timeout: 20_000 });
    const digest = await digestOf(first);
    expect(step).toBeGreaterThan(0);
    await first.close({ runBeforeUnload: false });

    const second = await open(context, 'default');
    await second.waitForSelector('[data-testid="restore-offer"]');
    expect(await second.textContent('[data-testid="restore-offer"]')).toContain(`at step ${step}`);
    if (SHOTS) await second.screenshot({ path: `${SHOTS}/restore-offer.png` });
    // keyboard reachable: Restore has focus
    expect(await second.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('restore-accept');
    await second.keyboard.press('Enter');
    await waitStep(second, step);
    expect(await digestOf(second)).toBe(digest);
    await second.waitForSelector('[data-testid="session-verdict"][data-match="true"]');
    expect(await second.$('[data-testid="restore-offer"]')).toBeNull();
    expect(pageErrors(second)).toEqual([]);
    expect(consoleErrors(second)).toEqual([]);
    await context.close();
  }, 120_000);

  it('a session whose scenario changed opens and says where the replay diverged', async () => {
    const saved = example('gaia-maquire-tour');
    const changed = JSON.stringify({ ...saved, scenario: { ...saved.scenario, text: saved.scenario.text.replace('offset: 3MiB, length: 8KiB', 'offset: 3MiB, length: 12KiB') } });
    const host = new EngineService().handle({ type: 'openSession', id: 1, text: changed, fileName: 'changed.uvmsession' });
    if (host.type !== 'ok') throw new Error('the host refused the changed session');
    const at = host.session!.replay.divergence!.step;
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await open(context);
    await chooseFile(page, { name: 'changed.uvmsession', mimeType: 'application/json', buffer: Buffer.from(changed) });
    await page.waitForSelector('[data-testid="session-verdict"][data-match="false"]');
    expect(await page.textContent('[data-testid="session-verdict"]')).toContain(`changed.uvmsession: the replay diverged at step ${at}`);
    // the replay still lands on the session's cursor, with its tour
    await waitStep(page, saved.cursor);
    await page.waitForSelector('[data-testid="tour-caption"]');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/diverged.png` });
    // one click goes to where it diverged
    await page.click('[data-testid="session-divergence"]');
    await waitStep(page, at);
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await context.close();
  }, 120_000);

  it('opens an example session from Help and walks its tour with N and Shift+N', async () => {
    const saved = example('hmm-evict-chunk-tour');
    const stops = saved.tours[0].stops as { step: number; title: string; narration: string; ask?: unknown }[];
    const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await open(context);
    await palette(page, 'Example sessions');
    await page.waitForSelector('[data-testid="example-sessions"]');
    await page.click('[data-testid="example-sessions"] [data-file="hmm-evict-chunk-tour.uvmsession"]');
    await waitStep(page, stops[0].step);
    await page.waitForSelector('[data-testid="tour-caption"]');
    expect(await page.textContent('[data-testid="tour-stop-title"]')).toBe(stops[0].title);
    expect(await page.textContent('[data-testid="tour-where"]')).toBe(`Stop 1 of ${stops.length} · step ${stops[0].step}`);
    for (let i = 1; i <= 3; i++) {
      await page.keyboard.press('n');
      await waitStep(page, stops[i].step);
      expect(await page.textContent('[data-testid="tour-stop-title"]')).toBe(stops[i].title);
      if (stops[i].ask) {
        // a stop that asks holds its narration until the question is answered or closed (Escape closes it)
        await page.waitForSelector('[data-testid="tour-held"]');
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-testid="tour-held"]', { state: 'detached' });
      }
      expect(await page.textContent('.tour-narration')).toBe(stops[i].narration);
    }
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/tour.png` });
    await page.keyboard.press('Shift+N');
    await waitStep(page, stops[2].step);
    expect(await page.textContent('[data-testid="tour-stop-title"]')).toBe(stops[2].title);
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await context.close();
  }, 120_000);
});
