/**
 * A scenario with `open:` opens on its path in real Chromium: gaia-maquire lands after its `cpu-wrote` bookmark, on
 * the note that introduces maquire — the step the engine service names — with that narration showing and the op
 * marked in the scenario list; Home still goes to the first step.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EngineService } from '../../src/hosts/service';
import { cursorStep, openApp, pageErrors, startApp, waitStep, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

/** Where the engine says a built-in scenario opens. */
function openStepOf(name: string): number {
  const r = new EngineService().handle({ type: 'load', id: 1, source: readFileSync(new URL(`../../assets/scenarios/${name}.yaml`, import.meta.url), 'utf8'), fileName: `${name}.yaml` });
  if (r.type !== 'ok' || !r.run?.open) throw new Error(`${name} names no open bookmark`);
  return r.run.open.step;
}

describe('opening a scenario at its bookmark', () => {
  it('gaia-maquire opens on the note before maquire, and Home goes to the first step', async () => {
    const expected = openStepOf('gaia-maquire');
    expect(expected).toBeGreaterThan(0);
    const page = await openApp(session, { scenario: 'gaia-maquire' });
    expect(await cursorStep(page)).toBe(expected);
    expect(await page.textContent('.narration-note')).toMatch(/^maquire\(start, len, MA_PROC_NVIDIA\) over the whole file/);
    // the scenario list marks that note as the current op
    expect(await page.textContent('.scenario-panel [aria-current="step"]')).toContain('maquire(start, len, MA_PROC_NVIDIA)');
    // stepping on by op enters maquire itself
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    await page.waitForFunction(() => document.querySelector('.scenario-panel [aria-current="step"]')?.textContent?.includes('maquire data.bin'));
    await page.keyboard.press('Home');
    await waitStep(page, 0);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
