/**
 * Frames per second while the app PLAYS a run whose memory map shows 1,048,576 pages, against an SVG rendering of the
 * same map as a baseline, in one page and one run of headless Chromium over the built web app.
 *
 * The scenario (render-memory-map.ts bigMapYaml): one 4 GiB managed region (1,048,576 pages of 4 KiB) written by the
 * CPU, then read by a GPU kernel whose fault batches migrate pages every few steps. It is dropped on the window like
 * a file; the cursor is put on the kernel's first step (its op in the scenario list); then, `rounds` times:
 *
 *   1. canvas: the app plays — its own play button (`button[data-action="play"]`) at the speed `speed` of its speed
 *      menu, `max` by default (a step each animation frame, the next sent once the last has landed); a build without a
 *      play button is played by a stand-in, play.page.ts `startPlaying`, which clicks the toolbar's step button as
 *      soon as each step lands (`player` says which) — for `warmupMs`, then a window of `windowMs` counts
 *      requestAnimationFrame callbacks (fps), steps moved and memory-map updates (the panel's `memoryMap.data`
 *      measures: answers it digested and drew);
 *   2. the cursor goes back to the kernel's first step; the SVG baseline replaces the canvas (play.page.ts
 *      `mountSvg`: the canvas's wrapper hidden, an <svg> of the same size with one <rect> per cell the canvas draws,
 *      same geometry, levels and colours, fed with the memoryMap answers the app itself fetched — a listener put on
 *      the engine Worker before the app started, TAP_SCRIPT); the same play, warm-up and window, the same steps;
 *      map updates are the SVG's updates; then the canvas comes back and the cursor returns to the kernel's start.
 *
 * Medians over the rounds; `ratio` = canvas fps / SVG fps. The canvas also animates each step's changes (a 650 ms
 * transition) and draws labels; the SVG draws cells only, so the comparison favours the baseline.
 *
 * Run alone with `npx tsx bench/render-play.ts [--quick] [--web-dir DIR] [--speed N|max]` (prints one JSON object), or call
 * `measurePlay()`.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { startApp } from '../test/e2e/browser.js';
import { progress } from './log.js';
import { bundlePlayPage, PAGE_GLOBAL } from './play-bundle.js';
import type * as PageLib from './play.page.js';
import { dropScenario } from './render-drop.js';
import { bigMapYaml } from './render-memory-map.js';
import { GiB, MiB, PAGE } from './scenarios.js';
import { median, percentile } from './stats.js';
import { buildWebApp } from './web-build.js';

export interface PlayOptions {
  /** A built web app (vite.web.config.ts); built into a temporary folder when absent. */
  webDir?: string;
  /** The managed region: 4 GiB = 1,048,576 pages (the quick run uses 256 MiB). */
  regionBytes?: number;
  /** Playing before each window starts counting. */
  warmupMs?: number;
  /** Each counting window. */
  windowMs?: number;
  /** Canvas/SVG window pairs. */
  rounds?: number;
  /** The play speed picked in the app's speed menu (its option value: steps per second, or `max`: a step a frame). */
  speed?: string;
}

export interface Durations {
  count: number;
  medianMs: number;
  p95Ms: number;
}

export interface PlayWindow {
  seconds: number;
  fps: number;
  frames: number;
  frameGapMedianMs: number;
  frameGapP95Ms: number;
  frameGapMaxMs: number;
  steps: number;
  stepsPerS: number;
  mapUpdates: number;
  mapUpdatesPerS: number;
  /** Of the steps played, the share the map showed (1: every step). */
  mapUpdatesPerStep: number;
  /** The panel digesting an answer (`memoryMap.data`), the SVG's update (its digest and the DOM), the Worker's answer. */
  data: Durations;
  svgUpdate: Durations;
  view: Durations;
  /**
   * The page's main thread over the window (Chromium's own counters, CDP Performance.getMetrics): busy time in
   * tasks, of it script, style and layout, as a share of the window and per map update — steadier than fps on a
   * busy machine.
   */
  mainThread: { busyPct: number; taskMsPerUpdate: number; scriptMsPerUpdate: number; styleMsPerUpdate: number; layoutMsPerUpdate: number };
}

export interface PlayResult {
  pages: number;
  /** The run's last step, and the kernel's first (where each window starts playing). */
  lastStep: number;
  kernelStep: number;
  loadMs: number;
  canvas: { cssWidth: number; cssHeight: number; devicePixelRatio: number };
  /** The fitted zoom: pages per cell and per line, the SVG's rect count (tracks and cells). */
  fit: { pagesPerCell: number; pagesPerLine: number };
  svgRects: number;
  player: string;
  rounds: number;
  warmupMs: number;
  windowMs: number;
  canvasWindows: PlayWindow[];
  svgWindows: PlayWindow[];
  /** Medians over the rounds. */
  canvasFps: number;
  svgFps: number;
  /** canvas fps / SVG fps. */
  ratio: number;
  canvasStepsPerS: number;
  canvasMapUpdatesPerS: number;
  svgStepsPerS: number;
  svgMapUpdatesPerS: number;
}

const CANVAS = '[data-testid="memory-map-canvas"]';
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function durations(xs: number[]): Durations {
  if (!xs.length) return { count: 0, medianMs: NaN, p95Ms: NaN };
  return { count: xs.length, medianMs: round(median(xs)), p95Ms: round(percentile(xs, 95)) };
}

/**
 * Put before the app's own scripts run: every Worker the page starts gets a listener that keeps the latest memoryMap
 * answer it posts (the object the app receives too: nothing is copied) and counts them; and the last full answer with
 * the deltas that came after it (the app asks with `base`), which the SVG baseline writes into that answer as the
 * panel does (its arrays are the app's: both write the same bytes). The SVG baseline draws from it. A string: it
 * runs in the page as is.
 */
export const TAP_SCRIPT = `(() => {
  const Base = globalThis.Worker;
  if (!Base) return;
  const tap = { last: null, count: 0, full: null, deltas: [] };
  globalThis.__uvmTap = tap;
  globalThis.Worker = class extends Base {
    constructor(url, options) {
      super(url, options);
      this.addEventListener('message', (e) => {
        const v = e.data && e.data.view;
        if (v && v.view === 'memoryMap') {
          tap.last = v;
          tap.count++;
          // a delta (protocol 6) patches the answers before it: keep the last full one and the deltas since
          if ('base' in v) tap.deltas.push(v);
          else {
            tap.full = v;
            tap.deltas = [];
          }
        }
      });
    }
  };
})();`;

type Lib = typeof PageLib;
/** Call one of play.page.ts's functions in the page. */
function call<K extends keyof Lib>(page: Page, name: K, ...args: Parameters<Lib[K]>): Promise<Awaited<ReturnType<Lib[K]>>> {
  return page.evaluate(
    ([g, n, a]) => {
      const lib = (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)[g];
      return lib[n](...a);
    },
    [PAGE_GLOBAL, name, args] as [string, string, unknown[]],
  ) as Promise<Awaited<ReturnType<Lib[K]>>>;
}

const cursorStep = async (page: Page) => Number(/step (\d+)/.exec((await page.textContent('[data-testid="cursor-step"]')) ?? '')?.[1] ?? -1);

/** The cursor on the kernel's first step (its op clicked in the scenario list), the map (or the SVG) showing it. */
async function toKernelStart(page: Page, kernelStep: number | null): Promise<number> {
  await page.click('.op-gpu-kernel button');
  await page.waitForFunction(
    (want) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      if (!doc.querySelector('.op-gpu-kernel.current')) return false;
      const s = Number(/step (\d+)/.exec(doc.querySelector('[data-testid="cursor-step"]')?.textContent ?? '')?.[1] ?? -1);
      return want === null ? s > 0 : s === want;
    },
    kernelStep,
    { timeout: 60_000 },
  );
  const step = await cursorStep(page);
  await page.waitForFunction(
    (s) => (globalThis as unknown as { document: { querySelector(q: string): { getAttribute(n: string): string | null } | null } }).document.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-step') === String(s),
    step,
    { timeout: 120_000, polling: 50 },
  );
  return step;
}

const PLAY = 'button[data-action="play"]';

/**
 * Start playing: the app's own play button at `speed` (its speed menu) where the app has one, else the bench's
 * stand-in (the step button clicked as each step lands). Returns which.
 */
async function startPlay(page: Page, speed: string): Promise<string> {
  const button = page.locator(PLAY);
  if ((await button.count()) === 0) {
    await call(page, 'startPlaying');
    return STAND_IN;
  }
  await page.selectOption('[data-testid="play-speed"]', speed);
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  await page.waitForFunction((sel) => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector(sel)?.getAttribute('aria-pressed') === 'true', PLAY);
  return `the app's play button, speed ${speed}`;
}

const STAND_IN = "the toolbar's step-into button clicked in the page as soon as each step lands (this build has no play button)";

/** Stop playing and wait until the last step sent has landed (the status bar still for a moment). */
async function stopAndSettle(page: Page): Promise<void> {
  const button = page.locator(PLAY);
  if ((await button.count()) > 0 && (await button.getAttribute('aria-pressed')) === 'true') await button.click();
  await call(page, 'stopPlaying');
  let last = -1;
  for (;;) {
    await page.waitForTimeout(150);
    const s = await cursorStep(page);
    if (s === last) return;
    last = s;
  }
}

type Metrics = Record<string, number>;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** One window: counted in the page, the main thread's counters read around it. */
async function measureWindow(page: Page, cdp: CDPSession, ms: number): Promise<{ r: PageLib.WindowResult; m0: Metrics; m1: Metrics }> {
  const m0 = await metrics(cdp);
  const r = await call(page, 'measure', ms);
  const m1 = await metrics(cdp);
  return { r, m0, m1 };
}

function windowOf({ r, m0, m1 }: { r: PageLib.WindowResult; m0: Metrics; m1: Metrics }): PlayWindow {
  const steps = r.stepTo - r.stepFrom;
  // seconds of the counters' span (slightly longer than the window: the calls around it)
  const span = m1.Timestamp - m0.Timestamp;
  const per = (name: string) => round(((m1[name] - m0[name]) * 1000) / Math.max(1, r.mapUpdates), 2);
  return {
    seconds: round(r.seconds),
    fps: round(r.frames / r.seconds, 2),
    frames: r.frames,
    frameGapMedianMs: round(r.frameGapMedianMs, 2),
    frameGapP95Ms: round(r.frameGapP95Ms, 2),
    frameGapMaxMs: round(r.frameGapMaxMs, 2),
    steps,
    stepsPerS: round(steps / r.seconds, 2),
    mapUpdates: r.mapUpdates,
    mapUpdatesPerS: round(r.mapUpdates / r.seconds, 2),
    mapUpdatesPerStep: steps > 0 ? round(r.mapUpdates / steps, 3) : NaN,
    data: durations(r.dataMs),
    svgUpdate: durations(r.svgUpdateMs),
    view: durations(r.viewMs),
    mainThread: {
      busyPct: round((100 * (m1.TaskDuration - m0.TaskDuration)) / span, 1),
      taskMsPerUpdate: per('TaskDuration'),
      scriptMsPerUpdate: per('ScriptDuration'),
      styleMsPerUpdate: per('RecalcStyleDuration'),
      layoutMsPerUpdate: per('LayoutDuration'),
    },
  };
}

export async function measurePlay(options: PlayOptions = {}): Promise<PlayResult> {
  const regionBytes = options.regionBytes ?? 4 * GiB;
  const warmupMs = options.warmupMs ?? 1500;
  const windowMs = options.windowMs ?? 5000;
  const rounds = options.rounds ?? 3;
  const speed = options.speed ?? 'max';
  let webDir = options.webDir;
  let built: string | null = null;
  if (!webDir) {
    progress('render-play: building the web app…');
    built = webDir = await buildWebApp();
  }
  const code = await bundlePlayPage();
  const session = await startApp(webDir);
  try {
    const page = await session.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(TAP_SCRIPT);
    await page.goto(session.url);
    await page.waitForSelector('[data-testid="cursor-step"]', { timeout: 60_000 });
    await page.evaluate(code);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const pages = regionBytes / PAGE;
    progress(`render-play: dropping a ${regionBytes / MiB} MiB scenario (${pages.toLocaleString('en')} pages) on the app…`);
    const { loadMs, lastStep } = await dropScenario(page, bigMapYaml(regionBytes), 'bench-play.yaml');
    progress(`  ${lastStep.toLocaleString('en')} steps recorded in ${(loadMs / 1000).toFixed(1)} s`);
    const kernelStep = await toKernelStart(page, null);
    const box = (await page.locator(CANVAS).boundingBox())!;
    const dpr = await page.evaluate(() => (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio);
    const fit = { pagesPerCell: Number(await page.getAttribute(CANVAS, 'data-pages-per-cell')), pagesPerLine: Number(await page.getAttribute(CANVAS, 'data-pages-per-line')) };
    const canvasWindows: PlayWindow[] = [];
    const svgWindows: PlayWindow[] = [];
    let svgRects = 0;
    let player = '';
    for (let k = 0; k < rounds; k++) {
      progress(`  round ${k + 1}/${rounds}: canvas, playing from step ${kernelStep}…`);
      player = await startPlay(page, speed);
      await call(page, 'sleep', warmupMs);
      canvasWindows.push(windowOf(await measureWindow(page, cdp, windowMs)));
      await stopAndSettle(page);
      await toKernelStart(page, kernelStep);

      progress(`  round ${k + 1}/${rounds}: SVG, playing from step ${kernelStep}…`);
      const mounted = await call(page, 'mountSvg');
      if (mounted.step !== kernelStep) throw new Error(`the SVG baseline starts at step ${mounted.step}, not ${kernelStep}`);
      await startPlay(page, speed);
      await call(page, 'sleep', warmupMs);
      const w = await measureWindow(page, cdp, windowMs);
      svgRects = Math.max(svgRects, w.r.svgRects);
      svgWindows.push(windowOf(w));
      await stopAndSettle(page);
      await call(page, 'unmountSvg');
      await toKernelStart(page, kernelStep);
    }
    if (errors.length) throw new Error(`the page raised: ${errors.join('; ')}`);
    const med = (ws: PlayWindow[], f: (w: PlayWindow) => number) => round(median(ws.map(f)), 2);
    const canvasFps = med(canvasWindows, (w) => w.fps);
    const svgFps = med(svgWindows, (w) => w.fps);
    return {
      pages,
      lastStep,
      kernelStep,
      loadMs: Math.round(loadMs),
      canvas: { cssWidth: Math.round(box.width), cssHeight: Math.round(box.height), devicePixelRatio: dpr },
      fit,
      svgRects,
      player,
      rounds,
      warmupMs,
      windowMs,
      canvasWindows,
      svgWindows,
      canvasFps,
      svgFps,
      ratio: round(canvasFps / svgFps, 2),
      canvasStepsPerS: med(canvasWindows, (w) => w.stepsPerS),
      canvasMapUpdatesPerS: med(canvasWindows, (w) => w.mapUpdatesPerS),
      svgStepsPerS: med(svgWindows, (w) => w.stepsPerS),
      svgMapUpdatesPerS: med(svgWindows, (w) => w.mapUpdatesPerS),
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
  const speedAt = args.indexOf('--speed');
  measurePlay({
    webDir: dirAt >= 0 ? resolve(args[dirAt + 1]) : undefined,
    ...(speedAt >= 0 ? { speed: args[speedAt + 1] } : {}),
    ...(quick ? { regionBytes: 256 * MiB, rounds: 1, windowMs: 2000, warmupMs: 500 } : {}),
  })
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`render-play failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
}
