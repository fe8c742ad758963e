/**
 * The memory map's frame time on a big run (≥ 256k pages), in headless Chromium (Canvas 2D, as the app draws it).
 *
 * The real web app is built (or a built one reused), a scenario with one 1 GiB managed region (262,144 pages: the CPU
 * writes it, a GPU kernel reads it) is dropped on the window like a file, and once the Worker has recorded it the
 * bench moves the cursor into the GPU kernel, where every fault batch migrates pages, and measures:
 *
 *   - `stepping`: F11 pressed as fast as the keyboard goes for `stepPresses` presses. The memory map asks for one
 *     view at a time and skips the steps it could not keep up with, so what counts is how often it shows a new
 *     state (`mapUpdatesPerS`), how often the page presents a frame meanwhile (`rafFps`: requestAnimationFrame
 *     callbacks per second, the smoothness a person sees), and the main-thread cost of each new state: the base
 *     layer's redraw (`redraw*Ms`, the `memoryMap.redraw` measure) and the answer's own work (lane levels, layout,
 *     the step's changes: `data*Ms`, the `memoryMap.data` measure);
 *   - `perStep`: F11 and wait until the map shows that step, `perStepSamples` times: the latency from the key to the
 *     drawn frame, the Worker's view included;
 *   - `zoom` and `pan`: base redraws after wheel zooms and drags (no new data: pure drawing).
 *
 * Run alone with `npx tsx bench/render-memory-map.ts [--quick] [--web-dir DIR]` (prints one JSON object), or call
 * `measureMemoryMapRender()`.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { openApp, startApp } from '../test/e2e/browser.js';
import { progress } from './log.js';
import { dropScenario } from './render-drop.js';
import { buildWebApp } from './web-build.js';
import { GiB, MiB, PAGE, sizeText } from './scenarios.js';
import { median, percentile } from './stats.js';

export interface MemoryMapRenderOptions {
  /** A built web app (vite.web.config.ts); built into a temporary folder when absent. */
  webDir?: string;
  /** The managed region: 1 GiB = 262,144 pages (the quick run uses 256 MiB). */
  regionBytes?: number;
  /** F11 presses while stepping fast. */
  stepPresses?: number;
  /** Steps timed one by one, key to drawn frame. */
  perStepSamples?: number;
  /** Wheel zooms (in, then out) and drags timed. */
  zooms?: number;
  drags?: number;
}

export interface Durations {
  count: number;
  medianMs: number;
  p95Ms: number;
}

export interface MemoryMapRenderResult {
  pages: number;
  steps: number;
  /** Dropping the scenario until the app shows its first step (the Worker records the run). */
  loadMs: number;
  canvas: { cssWidth: number; cssHeight: number; devicePixelRatio: number };
  /** The fitted zoom the map opened with: pages per cell ("1 cell = N pages") and per line. */
  fit: { pagesPerCell: number; pagesPerLine: number };
  stepping: {
    presses: number;
    /** Steps the cursor moved, and how many distinct states the map drew meanwhile. */
    steps: number;
    mapUpdates: number;
    seconds: number;
    stepsPerS: number;
    mapUpdatesPerS: number;
    /** Animation frames the page presented per second while stepping. */
    rafFps: number;
    redraw: Durations;
    data: Durations;
    /** The memoryMap view's round trip to the engine Worker (the map and this step's changes, computed there). */
    view: Durations;
  };
  perStep: { keyToFrame: Durations; redraw: Durations; data: Durations; view: Durations };
  zoom: Durations;
  pan: Durations;
  /** Every base redraw of the bench (the headline: median ms per redraw). */
  redrawAll: Durations;
}

const CANVAS = '[data-testid="memory-map-canvas"]';
const round = (x: number) => Math.round(x * 1000) / 1000;

function durations(xs: number[]): Durations {
  if (!xs.length) return { count: 0, medianMs: NaN, p95Ms: NaN };
  return { count: xs.length, medianMs: round(median(xs)), p95Ms: round(percentile(xs, 95)) };
}

/** A GPU reading a buffer the CPU wrote: the fault batches of the kernel migrate pages at every few steps. */
export function bigMapYaml(regionBytes: number): string {
  return [
    'uvmscope: 1',
    'name: bench-memory-map',
    'machine:',
    `  gpus: [{ name: gpu0, memory: ${sizeText(Math.max(2 * regionBytes, 2 * GiB))} }]`,
    'regions:',
    `  - { name: big, size: ${sizeText(regionBytes)} }`,
    'steps:',
    '  - { op: cpu.write, region: big }',
    '  - op: gpu.kernel',
    '    gpu: gpu0',
    '    access: { region: big, op: read }',
    '',
  ].join('\n');
}

/** The page's globals as this Node-typed file sees them (tsconfig.node.json has no DOM types). */
interface PageGlobals {
  document: { querySelector(s: string): { textContent: string | null; getAttribute(n: string): string | null } | null };
  performance: { getEntriesByName(n: string): { duration: number }[]; clearMeasures(n?: string): void; now(): number };
  __mmFrames?: number;
  __mmCounting?: boolean;
}

async function takeMeasures(page: Page, name: string): Promise<number[]> {
  return page.evaluate((n) => {
    const g = globalThis as unknown as PageGlobals;
    const xs = g.performance.getEntriesByName(n).map((e) => e.duration);
    g.performance.clearMeasures(n);
    return xs;
  }, name);
}

const cursorStep = async (page: Page) => Number(/step (\d+)/.exec((await page.textContent('[data-testid="cursor-step"]')) ?? '')?.[1] ?? -1);
const mapStep = async (page: Page) => Number((await page.getAttribute(CANVAS, 'data-step')) ?? -1);
const redraws = async (page: Page) => Number((await page.getAttribute(CANVAS, 'data-redraws')) ?? 0);

async function waitMapAt(page: Page, step: number, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(
    (s) => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-step') === String(s),
    step,
    { timeout: timeoutMs, polling: 'raf' },
  );
}

async function waitRedraw(page: Page, after: number): Promise<void> {
  await page.waitForFunction((n) => Number((globalThis as unknown as PageGlobals).document.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-redraws') ?? 0) > n, after, {
    polling: 'raf',
  });
}

export async function measureMemoryMapRender(options: MemoryMapRenderOptions = {}): Promise<MemoryMapRenderResult> {
  const regionBytes = options.regionBytes ?? 1 * GiB;
  const presses = options.stepPresses ?? 150;
  const samples = options.perStepSamples ?? 30;
  let webDir = options.webDir;
  let built: string | null = null;
  if (!webDir) {
    progress('render-memory-map: building the web app…');
    built = webDir = await buildWebApp();
  }
  const session = await startApp(webDir);
  try {
    const page = await openApp(session, { width: 1600, height: 1000 });
    progress(`render-memory-map: dropping a ${regionBytes / MiB} MiB scenario (${regionBytes / PAGE} pages) on the app…`);
    const { loadMs, lastStep: steps } = await dropScenario(page, bigMapYaml(regionBytes), 'bench-memory-map.yaml');
    await waitMapAt(page, 0);
    progress(`  ${steps} steps loaded in ${(loadMs / 1000).toFixed(1)} s`);

    // into the GPU kernel: its fault batches migrate pages every few steps
    await page.click('.op-gpu-kernel button');
    const kernelStep = await (async () => {
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('.op-gpu-kernel.current') !== null);
      return cursorStep(page);
    })();
    await waitMapAt(page, kernelStep);
    for (let i = 0; i < 40; i++) await page.keyboard.press('F11');
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as PageGlobals).document;
        const s = /step (\d+)/.exec(doc.querySelector('[data-testid="cursor-step"]')?.textContent ?? '')?.[1];
        return doc.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-step') === s;
      },
      undefined,
      { polling: 'raf', timeout: 60_000 },
    );
    const box = (await page.locator(CANVAS).boundingBox())!;
    const dpr = await page.evaluate(() => (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio);
    const fit = { pagesPerCell: Number(await page.getAttribute(CANVAS, 'data-pages-per-cell')), pagesPerLine: Number(await page.getAttribute(CANVAS, 'data-pages-per-line')) };
    const allRedraws: number[] = [];
    await takeMeasures(page, 'memoryMap.redraw');
    await takeMeasures(page, 'memoryMap.data');
    await takeMeasures(page, 'view.memoryMap');

    // stepping as fast as the keys go
    progress(`  stepping: ${presses} × F11…`);
    const from = await cursorStep(page);
    // a frame counter in the page (a string: tsx would wrap a named inner function in a helper the page lacks)
    await page.evaluate(`(() => {
      globalThis.__mmFrames = 0;
      globalThis.__mmCounting = true;
      const tick = () => {
        if (!globalThis.__mmCounting) return;
        globalThis.__mmFrames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const s0 = performance.now();
    for (let i = 0; i < presses; i++) await page.keyboard.press('F11');
    // done when the cursor has settled and the map shows it
    let to = -1;
    for (;;) {
      const c = await cursorStep(page);
      if (c === to && (await mapStep(page)) === c) break;
      to = c;
      await page.waitForTimeout(30);
    }
    const seconds = (performance.now() - s0) / 1000;
    const frames = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.__mmCounting = false;
      return g.__mmFrames ?? 0;
    });
    const stepRedraw = await takeMeasures(page, 'memoryMap.redraw');
    const stepData = await takeMeasures(page, 'memoryMap.data');
    const stepView = await takeMeasures(page, 'view.memoryMap');
    allRedraws.push(...stepRedraw);
    const mapUpdates = stepData.length;

    // one step at a time, key to drawn frame
    progress(`  ${samples} steps one at a time…`);
    const keyToFrame: number[] = [];
    for (let i = 0; i < samples; i++) {
      const c = await cursorStep(page);
      const k0 = performance.now();
      await page.keyboard.press('F11');
      await page.waitForFunction(
        (was) => {
          const doc = (globalThis as unknown as PageGlobals).document;
          const s = /step (\d+)/.exec(doc.querySelector('[data-testid="cursor-step"]')?.textContent ?? '')?.[1];
          return s !== String(was) && doc.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-step') === s;
        },
        c,
        { polling: 'raf', timeout: 60_000 },
      );
      keyToFrame.push(performance.now() - k0);
    }
    const oneRedraw = await takeMeasures(page, 'memoryMap.redraw');
    const oneData = await takeMeasures(page, 'memoryMap.data');
    const oneView = await takeMeasures(page, 'view.memoryMap');
    allRedraws.push(...oneRedraw);

    // zoom in and out around the middle, then drag
    progress('  zooming and panning…');
    const zooms = options.zooms ?? 8;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (const dir of [-1, 1]) {
      for (let i = 0; i < zooms; i++) {
        const n = await redraws(page);
        const ppl = await page.getAttribute(CANVAS, 'data-pages-per-line');
        await page.mouse.wheel(0, dir * 120);
        await page.waitForTimeout(16);
        if ((await page.getAttribute(CANVAS, 'data-pages-per-line')) === ppl) continue;
        await waitRedraw(page, n);
      }
    }
    const zoomRedraw = await takeMeasures(page, 'memoryMap.redraw');
    allRedraws.push(...zoomRedraw);
    // zoomed in a few steps, so there is something to pan over
    for (let i = 0; i < 4; i++) {
      const n = await redraws(page);
      await page.mouse.wheel(0, -120);
      await waitRedraw(page, n).catch(() => undefined);
    }
    await takeMeasures(page, 'memoryMap.redraw');
    const drags = options.drags ?? 20;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8);
    await page.mouse.down();
    for (let i = 1; i <= drags; i++) {
      const n = await redraws(page);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8 - i * 12);
      await waitRedraw(page, n).catch(() => undefined);
    }
    await page.mouse.up();
    const panRedraw = await takeMeasures(page, 'memoryMap.redraw');
    allRedraws.push(...panRedraw);

    const moved = to - from;
    return {
      pages: regionBytes / PAGE,
      steps,
      loadMs: Math.round(loadMs),
      canvas: { cssWidth: Math.round(box.width), cssHeight: Math.round(box.height), devicePixelRatio: dpr },
      fit,
      stepping: {
        presses,
        steps: moved,
        mapUpdates,
        seconds: round(seconds),
        stepsPerS: round(moved / seconds),
        mapUpdatesPerS: round(mapUpdates / seconds),
        rafFps: round(frames / seconds),
        redraw: durations(stepRedraw),
        data: durations(stepData),
        view: durations(stepView),
      },
      perStep: { keyToFrame: durations(keyToFrame), redraw: durations(oneRedraw), data: durations(oneData), view: durations(oneView) },
      zoom: durations(zoomRedraw),
      pan: durations(panRedraw),
      redrawAll: durations(allRedraws),
    };
  } finally {
    await session.close();
    if (built) rmSync(built, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const dirAt = args.indexOf('--web-dir');
  measureMemoryMapRender({ webDir: dirAt >= 0 ? resolve(args[dirAt + 1]) : undefined, regionBytes: quick ? 256 * MiB : undefined, stepPresses: quick ? 60 : undefined, perStepSamples: quick ? 10 : undefined })
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`render-memory-map failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
