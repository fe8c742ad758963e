/**
 * The timeline's redraw time on a run of ≥ 1 million steps, in headless Chromium (Canvas 2D, as the app draws it).
 *
 * The real web app is built (or a built one reused), the seek bench's long scenario (scenarios.ts seekYaml: a 4 GiB
 * region bouncing between CPU and GPU, ≈ 1.9 million steps) is dropped on the window like a file, and once the
 * Worker has recorded it the bench scrubs the timeline with the mouse, the way a person does:
 *
 *   - `scrubWhole`: the whole run in view (one bucket of steps per pixel), the pointer held down and moved across
 *     the plot one position at a time; for each move, the frame's draw time (the canvas's `data-frame-ms`: the
 *     background bitmap copied and the cursor drawn) and the time from the pointer event to the end of that draw
 *     (`data-input-ms`: React's render and effect included);
 *   - `scrubSteps`: the same, zoomed in until single steps and their transitions show;
 *   - `zoomBackground`: the background redraw (density rows, ops, marks, axis) after each wheel zoom, the one
 *     drawing that depends on the data rather than the cursor;
 *   - `clickToCursor`: from a click's pointer event on the timeline until the status bar shows its step (measured
 *     in the page: the seek's round trip to the engine Worker and the whole app's render of the new state), each
 *     click from an idle app (a second apart: the views other panels ask for after a move are answered first).
 *
 * Run alone with `npx tsx bench/render-timeline.ts [--quick] [--web-dir DIR]` (prints one JSON object), or call
 * `measureTimelineRender()`.
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { openApp, startApp } from '../test/e2e/browser.js';
import { progress } from './log.js';
import { buildWebApp } from './web-build.js';
import { GiB, MiB, seekYaml } from './scenarios.js';
import { median, percentile } from './stats.js';

export interface TimelineRenderOptions {
  /** A built web app (vite.web.config.ts); built into a temporary folder when absent. */
  webDir?: string;
  /** Region of the seek scenario: 4 GiB gives ≈ 1.9 million steps; the quick run uses 256 MiB. */
  regionBytes?: number;
  /** Ops of the seek scenario (its CPU/GPU cycle). */
  ops?: number;
  /** Pointer positions per scrub. */
  scrubMoves?: number;
  /** Wheel zooms timed for the background. */
  zooms?: number;
  /** Clicks timed for the seek round trip. */
  clicks?: number;
  /** Pause before each timed click, so that it starts from an idle app. */
  clickPauseMs?: number;
}

export interface FrameTimes {
  /** Frames drawn (one per pointer move that changed the step). */
  frames: number;
  /** Draw time of one frame: the background copied, the cursor drawn (ms). */
  frameMedianMs: number;
  frameP95Ms: number;
  /** From the pointer event to the end of its frame's draw, React included (ms). */
  inputToFrameMedianMs: number;
  inputToFrameP95Ms: number;
  /** Steps in view while scrubbing. */
  stepsInView: number;
}

export interface TimelineRenderResult {
  steps: number;
  transitions: number;
  /** Dropping the scenario until the app shows its first step (the Worker records the run). */
  loadMs: number;
  canvas: { cssWidth: number; cssHeight: number; devicePixelRatio: number; rows: number };
  scrubWhole: FrameTimes;
  scrubSteps: FrameTimes;
  zoomBackground: { redraws: number; medianMs: number; p95Ms: number };
  clickToCursorMedianMs: number;
  clickToCursorP95Ms: number;
}

const CANVAS = '[data-testid="timeline-canvas"]';
const round = (x: number) => Math.round(x * 1000) / 1000;

interface CanvasData {
  view: [number, number];
  plotX: number;
  plotW: number;
  hitsY: number;
  frames: number;
  frameMs: number;
  inputMs: number;
  backgrounds: number;
  backgroundMs: number;
  rows: number;
  width: number;
  height: number;
  dpr: number;
}

/** What the page's globals look like to this Node-typed file (tsconfig.node.json has no DOM types). */
interface CanvasElementLike {
  dataset: Record<string, string | undefined>;
  clientWidth: number;
  clientHeight: number;
}

interface DocumentLike {
  querySelector(selector: string): { textContent: string | null } | null;
}

async function canvasData(page: Page): Promise<CanvasData> {
  return page.locator(CANVAS).evaluate((node) => {
    const el = node as unknown as CanvasElementLike;
    const d = el.dataset;
    const [from, span] = (d.view ?? '0,1').split(',').map(Number);
    return {
      view: [from, span] as [number, number],
      plotX: Number(d.plotX),
      plotW: Number(d.plotW),
      hitsY: Number(d.hitsY),
      frames: Number(d.frames ?? 0),
      frameMs: Number(d.frameMs ?? NaN),
      inputMs: Number(d.inputMs ?? NaN),
      backgrounds: Number(d.backgrounds ?? 0),
      backgroundMs: Number(d.backgroundMs ?? NaN),
      rows: (d.rows ?? '').split(',').filter(Boolean).length,
      width: el.clientWidth,
      height: el.clientHeight,
      dpr: (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio,
    };
  });
}

async function waitFor(page: Page, fn: (d: CanvasData) => boolean, what: string, timeoutMs = 10_000): Promise<CanvasData> {
  const t0 = performance.now();
  for (;;) {
    const d = await canvasData(page);
    if (fn(d)) return d;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timeline bench: timed out waiting for ${what}`);
    await page.waitForTimeout(5);
  }
}

/** Hold the pointer down on the plot and move it across, one position per frame; the draw times of those frames. */
async function scrub(page: Page, moves: number): Promise<FrameTimes> {
  const box = (await page.locator(CANVAS).boundingBox())!;
  let d = await canvasData(page);
  const y = box.y + d.hitsY + 40;
  const x0 = box.x + d.plotX + d.plotW * 0.05;
  const x1 = box.x + d.plotX + d.plotW * 0.95;
  const frame: number[] = [];
  const input: number[] = [];
  await page.mouse.move(x0, y);
  await page.mouse.down();
  d = await waitFor(page, (c) => c.frames > d.frames, 'the first scrub frame');
  const stepAt = (x: number) => Math.floor(d.view[0] + ((x - box.x - d.plotX) / d.plotW) * d.view[1]);
  let last = stepAt(x0);
  for (let i = 1; i <= moves; i++) {
    const x = x0 + ((x1 - x0) * i) / moves;
    if (stepAt(x) === last) continue;
    last = stepAt(x);
    const before = d.frames;
    await page.mouse.move(x, y);
    d = await waitFor(page, (c) => c.frames > before, 'a scrub frame');
    frame.push(d.frameMs);
    if (Number.isFinite(d.inputMs)) input.push(d.inputMs);
  }
  await page.mouse.up();
  return {
    frames: frame.length,
    frameMedianMs: round(median(frame)),
    frameP95Ms: round(percentile(frame, 95)),
    inputToFrameMedianMs: round(median(input)),
    inputToFrameP95Ms: round(percentile(input, 95)),
    stepsInView: Math.round(d.view[1]),
  };
}

const cursorStep = (page: Page) => page.locator('[data-testid="cursor-step"]').textContent().then((t) => Number(/step (\d+)/.exec(t ?? '')?.[1] ?? -1));

export async function measureTimelineRender(options: TimelineRenderOptions = {}): Promise<TimelineRenderResult> {
  const regionBytes = options.regionBytes ?? 4 * GiB;
  const ops = options.ops ?? 5;
  const moves = options.scrubMoves ?? 200;
  let webDir = options.webDir;
  let built: string | null = null;
  if (!webDir) {
    progress('render-timeline: building the web app…');
    built = webDir = await buildWebApp();
  }
  const session = await startApp(webDir);
  try {
    const page = await openApp(session, { width: 1600, height: 1000 });
    progress(`render-timeline: dropping the seek scenario (${regionBytes / MiB} MiB, ${ops} ops) on the app…`);
    const before = await page.textContent('[data-testid="cursor-step"]');
    const t0 = performance.now();
    await page.evaluate((text) => {
      const w = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: string[], name: string) => unknown;
        DragEvent: new (type: string, init: { dataTransfer: unknown; cancelable: boolean }) => unknown;
        dispatchEvent(event: unknown): boolean;
      };
      const data = new w.DataTransfer();
      data.items.add(new w.File([text], 'bench-seek.yaml'));
      w.dispatchEvent(new w.DragEvent('drop', { dataTransfer: data, cancelable: true }));
    }, seekYaml(regionBytes, ops));
    // the new run is in when the status bar shows another run's first step and no load is under way
    await page.waitForFunction(
      (was) => {
        const doc = (globalThis as unknown as { document: DocumentLike }).document;
        const t = doc.querySelector('[data-testid="cursor-step"]')?.textContent ?? '';
        return t !== was && t.startsWith('step 0 of ') && !doc.querySelector('.load-overlay');
      },
      before,
      { timeout: 600_000, polling: 50 },
    );
    const loadMs = performance.now() - t0;
    const steps = Number(await page.getAttribute(CANVAS, 'aria-valuemax')) + 1;
    progress(`  ${steps} steps loaded in ${(loadMs / 1000).toFixed(1)} s`);
    // the whole run in view with its rows drawn
    let d = await waitFor(page, (c) => c.view[0] === 0 && c.view[1] === steps && c.rows > 0 && c.backgrounds > 0, 'the whole-run overview', 60_000);
    await page.waitForTimeout(300);

    progress('  scrubbing the whole run…');
    const scrubWhole = await scrub(page, moves);

    // zoom with the wheel around the middle until steps show; time each background redraw
    progress('  zooming in with the wheel…');
    const box = (await page.locator(CANVAS).boundingBox())!;
    d = await canvasData(page);
    await page.mouse.move(box.x + d.plotX + d.plotW / 2, box.y + d.hitsY + 40);
    const background: number[] = [];
    const maxZooms = options.zooms ?? 40;
    for (let i = 0; i < maxZooms && d.view[1] > d.plotW / 16; i++) {
      const before = d.backgrounds;
      await page.mouse.wheel(0, -240);
      d = await waitFor(page, (c) => c.backgrounds > before, 'a background redraw');
      // the data for the new range arrives after the first redraw: take the last one it causes
      await page.waitForTimeout(40);
      d = await canvasData(page);
      background.push(d.backgroundMs);
    }
    await page.waitForTimeout(300);
    progress(`  scrubbing ${Math.round(d.view[1])} steps…`);
    const scrubSteps = await scrub(page, Math.min(moves, Math.max(20, Math.round(d.view[1]) - 2)));

    // clicks to the status bar, the whole run in view again
    await page.focus(CANVAS);
    await page.keyboard.press('0');
    d = await waitFor(page, (c) => c.view[1] === steps, 'the whole run again');
    // in the page: when the pointer went down on the canvas, and when the status bar's text last changed
    await page.locator(CANVAS).evaluate((node) => {
      const g = globalThis as unknown as { benchClick: { down: number; changed: number }; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void }; document: { querySelector(s: string): unknown } };
      g.benchClick = { down: 0, changed: 0 };
      (node as unknown as { addEventListener(t: string, f: (e: { timeStamp: number }) => void, capture: boolean): void }).addEventListener('pointerdown', (e) => (g.benchClick.down = e.timeStamp), true);
      new g.MutationObserver(() => (g.benchClick.changed = performance.now())).observe(g.document.querySelector('[data-testid="cursor-step"]'), { childList: true, characterData: true, subtree: true });
    });
    const clicks: number[] = [];
    const nClicks = options.clicks ?? 20;
    for (let i = 0; i < nClicks; i++) {
      const fx = 0.05 + (0.9 * ((i * 7) % nClicks)) / nClicks;
      const x = d.plotX + fx * d.plotW;
      const target = Math.floor(d.view[0] + ((x - d.plotX) / d.plotW) * d.view[1]);
      if (target === (await cursorStep(page))) continue;
      // let the views the other panels ask for after each move drain first: the click's seek would queue behind them
      await page.waitForTimeout(options.clickPauseMs ?? 1000);
      await page.mouse.click(box.x + x, box.y + d.hitsY + 40);
      await page.waitForFunction(
        (s) => !!(globalThis as unknown as { document: DocumentLike }).document.querySelector('[data-testid="cursor-step"]')?.textContent?.startsWith(`step ${s} `),
        target,
        { polling: 'raf' },
      );
      const t = await page.evaluate(() => (globalThis as unknown as { benchClick: { down: number; changed: number } }).benchClick);
      clicks.push(t.changed - t.down);
    }
    return {
      steps,
      transitions: Number(await page.getAttribute(CANVAS, 'data-transitions')),
      loadMs: Math.round(loadMs),
      canvas: { cssWidth: d.width, cssHeight: d.height, devicePixelRatio: d.dpr, rows: d.rows },
      scrubWhole,
      scrubSteps,
      zoomBackground: { redraws: background.length, medianMs: round(median(background)), p95Ms: round(percentile(background, 95)) },
      clickToCursorMedianMs: round(median(clicks)),
      clickToCursorP95Ms: round(percentile(clicks, 95)),
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
  measureTimelineRender({ webDir: dirAt >= 0 ? args[dirAt + 1] : undefined, regionBytes: quick ? 256 * MiB : undefined, scrubMoves: quick ? 60 : undefined })
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`render-timeline failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
