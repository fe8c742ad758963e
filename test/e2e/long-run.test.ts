/**
 * A long run never freezes the UI: while the engine (in its Worker) records a big scenario
 * the page keeps drawing frames, shows progress op by op, and Cancel ends the run and puts
 * back the previous one at the same step with the same digest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { consoleErrors, openApp, pageErrors, pressSettled, startApp, type AppSession } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

/** 4 GiB written by the GPU and then the CPU, 24 times over: several seconds of engine work. */
function bigScenario(): string {
  const lines = ['uvmscope: 1', 'name: a long run', 'regions:', '  - { name: a, size: 4GiB }', 'steps:'];
  for (let i = 0; i < 12; i++) lines.push('  - op: gpu.kernel', '    gpu: gpu0', '    access: { region: a, op: write }', '  - op: cpu.write', '    region: a');
  return `${lines.join('\n')}\n`;
}

describe('a long run', () => {
  it('shows progress, keeps the page responsive, and cancels back to the previous run', async () => {
    const page = await openApp(session);
    await pressSettled(page, 'PageDown', 2);
    const before = { step: await page.textContent('[data-testid="cursor-step"]'), digest: await page.textContent('[data-testid="digest"]') };

    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'long.yaml'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    }, bigScenario());
    await page.waitForSelector('.load-overlay');
    // progress arrives op by op
    await page.waitForFunction(() => /op [1-9]\d* of 24/.test(document.querySelector('.load-box p')?.textContent ?? ''), undefined, { timeout: 30_000 });
    // the main thread is free: ten animation frames come within a second
    const frames = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let n = 0;
          const start = performance.now();
          const tick = () => (++n >= 10 || performance.now() - start > 1000 ? resolve(n) : requestAnimationFrame(tick));
          requestAnimationFrame(tick);
        }),
    );
    expect(frames).toBe(10);
    expect(await page.isVisible('.load-overlay')).toBe(true);

    await page.click('.load-box button');
    await page.waitForSelector('.load-overlay', { state: 'detached' });
    await page.waitForFunction((d) => document.querySelector('[data-testid="digest"]')?.textContent === d, before.digest);
    expect(await page.textContent('[data-testid="cursor-step"]')).toBe(before.step);
    expect(await page.textContent('.scenario-title')).toContain('A first tour');
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
