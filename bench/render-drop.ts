/** Open a scenario in the running web app the way a user can: its YAML dropped on the window as a file. */
import type { Page } from 'playwright-core';

interface DropGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: string[], name: string) => unknown;
  DragEvent: new (type: string, init: { dataTransfer: unknown; cancelable: boolean }) => unknown;
  dispatchEvent(event: unknown): boolean;
  document: { querySelector(s: string): { textContent: string | null } | null };
}

/**
 * Drop `yaml` as `fileName` on the app and wait until the Worker has recorded the run and the status bar shows its
 * step 0. Returns the milliseconds that took (as the bench's clock sees it) and the run's last step.
 */
export async function dropScenario(page: Page, yaml: string, fileName: string, timeoutMs = 600_000): Promise<{ loadMs: number; lastStep: number }> {
  const before = await page.textContent('[data-testid="cursor-step"]');
  const t0 = performance.now();
  await page.evaluate(
    ([text, name]) => {
      const w = globalThis as unknown as DropGlobals;
      const data = new w.DataTransfer();
      data.items.add(new w.File([text], name));
      w.dispatchEvent(new w.DragEvent('drop', { dataTransfer: data, cancelable: true }));
    },
    [yaml, fileName] as const,
  );
  await page.waitForFunction(
    (was) => {
      const doc = (globalThis as unknown as DropGlobals).document;
      const t = doc.querySelector('[data-testid="cursor-step"]')?.textContent ?? '';
      return t !== was && t.startsWith('step 0 of ') && !doc.querySelector('.load-overlay');
    },
    before,
    { timeout: timeoutMs, polling: 50 },
  );
  const loadMs = performance.now() - t0;
  const lastStep = Number(/of (\d+)/.exec((await page.textContent('[data-testid="cursor-step"]')) ?? '')?.[1] ?? 0);
  return { loadMs, lastStep };
}
