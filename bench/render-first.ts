/**
 * Time from page load to the first rendered scenario in the web build, in headless Chromium.
 *
 * The signal, observed in the page (a MutationObserver put there before the app's scripts run), on the clock of
 * `performance.now()`, which counts from the navigation's start: the status bar's `data-testid="cursor-step"` reads
 * "step S of N" (the default scenario is loaded, its run recorded, the cursor on its first shown step S: 0, or the
 * step its `open:` bookmark names) AND the memory map's canvas has drawn its base layer after being given step S's
 * answer (`data-step` = S set, then `data-redraws` went up: the map of the default scenario is on the canvas). The time is taken when the later of the two happens; the frame is presented at the
 * next vsync, within 16 ms.
 *
 * Each sample is a fresh browser context (empty HTTP cache, no service worker): `cold`; the same page reloaded once
 * in that context gives `warm` (HTTP cache and V8's code cache may serve the scripts). Medians over `loads` contexts.
 *
 * Run alone with `npx tsx bench/render-first.ts [--quick] [--web-dir DIR]` (prints one JSON object), or call
 * `measureFirstRender()`.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { startApp } from '../test/e2e/browser.js';
import { progress } from './log.js';
import { median } from './stats.js';
import { buildWebApp } from './web-build.js';

export interface FirstRenderOptions {
  webDir?: string;
  /** Fresh contexts (each one cold load and one warm reload). */
  loads?: number;
}

export interface LoadSample {
  /** The headline: both signals seen (ms from navigation start). */
  firstRenderMs: number;
  /** The status bar shows the default scenario's first step. */
  cursorMs: number;
  /** The memory map drew step 0. */
  mapMs: number;
  /** Navigation timing: the HTML's response end, DOMContentLoaded's end, load's end. */
  responseEndMs: number;
  domContentLoadedMs: number;
  loadEventMs: number;
}

export interface FirstRenderResult {
  loads: number;
  viewport: { width: number; height: number };
  /** The scenario the app opened: its last step, from the status bar ("step S of N"). */
  defaultScenarioLastStep: number;
  cold: LoadSample[];
  warm: LoadSample[];
  coldMedianMs: number;
  warmMedianMs: number;
  coldCursorMedianMs: number;
  coldMapMedianMs: number;
  coldDomContentLoadedMedianMs: number;
}

/** Runs before the app's scripts: watches for the signal and records when it holds. A string: it runs as is. */
export const FIRST_RENDER_SCRIPT = `(() => {
  const marks = { cursor: null, map: null, both: null, step: null, lastStep: null, redrawsAtStep: null };
  globalThis.__uvmFirstRender = marks;
  const check = () => {
    const now = performance.now();
    if (marks.cursor === null) {
      const status = document.querySelector('[data-testid="cursor-step"]');
      const m = /^step (\\d+) of (\\d+)/.exec(status ? status.textContent || '' : '');
      if (m) {
        marks.cursor = now;
        marks.step = m[1];
        marks.lastStep = Number(m[2]);
      }
    }
    const canvas = document.querySelector('[data-testid="memory-map-canvas"]');
    if (canvas && marks.step !== null && marks.map === null && canvas.getAttribute('data-step') === marks.step) {
      const redraws = Number(canvas.getAttribute('data-redraws') || 0);
      if (marks.redrawsAtStep === null) marks.redrawsAtStep = redraws;
      else if (redraws > marks.redrawsAtStep) marks.map = now;
    }
    if (marks.cursor !== null && marks.map !== null && marks.both === null) {
      marks.both = Math.max(marks.cursor, marks.map);
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-step', 'data-redraws'] });
})();`;

interface Marks {
  cursor: number | null;
  map: number | null;
  both: number | null;
  lastStep: number | null;
}

/** One load: a new page of `context` navigated to `url`, or `page` reloaded. */
async function sample(context: BrowserContext, url: string, page: Page | null = null): Promise<{ s: LoadSample; lastStep: number; page: Page }> {
  const p = page ?? (await context.newPage());
  if (page) await p.reload();
  else await p.goto(url);
  await p.waitForFunction(() => (globalThis as unknown as { __uvmFirstRender?: Marks }).__uvmFirstRender?.both != null, undefined, { timeout: 60_000, polling: 50 });
  const r = await p.evaluate(() => {
    const g = globalThis as unknown as { __uvmFirstRender: Marks; performance: { getEntriesByType(t: string): { responseEnd: number; domContentLoadedEventEnd: number; loadEventEnd: number }[] } };
    const nav = g.performance.getEntriesByType('navigation')[0];
    return { marks: g.__uvmFirstRender, responseEnd: nav?.responseEnd ?? NaN, dcl: nav?.domContentLoadedEventEnd ?? NaN, load: nav?.loadEventEnd ?? NaN };
  });
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    s: {
      firstRenderMs: r1(r.marks.both!),
      cursorMs: r1(r.marks.cursor!),
      mapMs: r1(r.marks.map!),
      responseEndMs: r1(r.responseEnd),
      domContentLoadedMs: r1(r.dcl),
      loadEventMs: r1(r.load),
    },
    lastStep: r.marks.lastStep ?? -1,
    page: p,
  };
}

export async function measureFirstRender(options: FirstRenderOptions = {}): Promise<FirstRenderResult> {
  const loads = options.loads ?? 7;
  let webDir = options.webDir;
  let built: string | null = null;
  if (!webDir) {
    progress('render-first: building the web app…');
    built = webDir = await buildWebApp();
  }
  const viewport = { width: 1600, height: 1000 };
  const session = await startApp(webDir);
  try {
    progress(`render-first: ${loads} fresh contexts, a cold load and a warm reload each…`);
    const cold: LoadSample[] = [];
    const warm: LoadSample[] = [];
    let lastStep = -1;
    // one load first, not counted: the server's and the browser process's own first-time costs
    {
      const context = await session.browser.newContext({ viewport });
      await context.addInitScript(FIRST_RENDER_SCRIPT);
      await sample(context, session.url);
      await context.close();
    }
    for (let k = 0; k < loads; k++) {
      const context = await session.browser.newContext({ viewport });
      try {
        await context.addInitScript(FIRST_RENDER_SCRIPT);
        const c = await sample(context, session.url);
        cold.push(c.s);
        lastStep = c.lastStep;
        const w = await sample(context, session.url, c.page);
        warm.push(w.s);
      } finally {
        await context.close();
      }
    }
    return {
      loads,
      viewport,
      defaultScenarioLastStep: lastStep,
      cold,
      warm,
      coldMedianMs: median(cold.map((s) => s.firstRenderMs)),
      warmMedianMs: median(warm.map((s) => s.firstRenderMs)),
      coldCursorMedianMs: median(cold.map((s) => s.cursorMs)),
      coldMapMedianMs: median(cold.map((s) => s.mapMs)),
      coldDomContentLoadedMedianMs: median(cold.map((s) => s.domContentLoadedMs)),
    };
  } finally {
    await session.close();
    if (built) rmSync(built, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const dirAt = args.indexOf('--web-dir');
  measureFirstRender({ webDir: dirAt >= 0 ? resolve(args[dirAt + 1]) : undefined, loads: args.includes('--quick') ? 3 : undefined })
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`render-first failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
