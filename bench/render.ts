/**
 * The renderer's figures, over one fresh build of the web app:
 *
 *   - the JavaScript index.html loads up front, gzipped (initial-js.ts; no browser needed);
 *   - in real headless Chromium (skipped, with a reason, where none is installed or with --no-render):
 *       - the time from navigation start to the first rendered scenario, cold and warm (render-first.ts);
 *       - frames per second while the app plays a run whose memory map shows 1,048,576 pages, against an SVG
 *         rendering of the same map, with the steps and map updates per second of each window (render-play.ts);
 *       - the memory map on a run of ≥ 256k pages (redraw time, frame rate while stepping by keys:
 *         render-memory-map.ts) and the timeline on a run of ≥ 1M steps (frame time while scrubbing:
 *         render-timeline.ts).
 *
 * `renderFields()` gives the issue's top-level JSON keys (`fps_1m_pages`, `fps_svg_baseline`, `first_render_ms`,
 * `initial_js_gzip_kb`) and the figures that qualify them; `formatRender()` the text report.
 */
import { rmSync } from 'node:fs';
import { chromiumPath } from '../test/e2e/browser.ts';
import { measureInitialJs, type InitialJs } from './initial-js.ts';
import { progress } from './log.ts';
import { measureFirstRender, type FirstRenderResult } from './render-first.ts';
import { measureMemoryMapRender, type MemoryMapRenderResult } from './render-memory-map.ts';
import { measurePlay, type PlayResult } from './render-play.ts';
import { measureTimelineRender, type TimelineRenderResult } from './render-timeline.ts';
import { median } from './stats.ts';
import { buildWebApp } from './web-build.ts';

const MiB = 1024 * 1024;

export const RENDER_TARGETS = {
  fps_1m_pages_min: 55,
  first_render_ms_max: 1000,
} as const;

export interface ChromiumParts {
  firstRender: FirstRenderResult;
  play: PlayResult;
  memoryMap: MemoryMapRenderResult;
  timeline: TimelineRenderResult;
}

export interface RenderReport {
  initialJs: InitialJs;
  chromium: { skipped: string } | ChromiumParts;
}

export async function measureRender(quick: boolean, withChromium: boolean): Promise<RenderReport> {
  progress('render: building the web app…');
  const webDir = await buildWebApp();
  try {
    const initialJs = measureInitialJs(webDir);
    let skipped: string | null = withChromium ? null : '--no-render';
    if (!skipped) {
      try {
        chromiumPath();
      } catch (e) {
        skipped = e instanceof Error ? e.message : String(e);
      }
    }
    if (skipped) return { initialJs, chromium: { skipped } };
    // an idle browser first: the page load is the most sensitive to what ran before it
    const firstRender = await measureFirstRender({ webDir, ...(quick ? { loads: 3 } : {}) });
    const play = await measurePlay({ webDir, ...(quick ? { regionBytes: 256 * MiB, rounds: 1, windowMs: 2000, warmupMs: 500 } : {}) });
    const memoryMap = await measureMemoryMapRender({ webDir, ...(quick ? { regionBytes: 256 * MiB, stepPresses: 60, perStepSamples: 10 } : {}) });
    const timeline = await measureTimelineRender({ webDir, ...(quick ? { regionBytes: 256 * MiB, scrubMoves: 60 } : {}) });
    return { initialJs, chromium: { firstRender, play, memoryMap, timeline } };
  } finally {
    rmSync(webDir, { recursive: true, force: true });
  }
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const kB = (bytes: number) => r2(bytes / 1000);

/** The issue's figures as top-level JSON keys (null where not measured), with what qualifies them. */
export function renderFields(r: RenderReport) {
  const js = r.initialJs;
  const c = 'skipped' in r.chromium ? null : r.chromium;
  const fpsOk = c ? c.play.canvasFps >= RENDER_TARGETS.fps_1m_pages_min : null;
  const firstOk = c ? c.firstRender.coldMedianMs < RENDER_TARGETS.first_render_ms_max : null;
  return {
    // frames per second while playing: the canvas (the app), the SVG baseline, and what happened meanwhile
    fps_1m_pages: c ? c.play.canvasFps : null,
    /** Pages the memory map showed while measuring fps_1m_pages (1,048,576; fewer with --quick). */
    fps_pages: c ? c.play.pages : null,
    fps_svg_baseline: c ? c.play.svgFps : null,
    fps_canvas_vs_svg_ratio: c ? c.play.ratio : null,
    fps_steps_per_s: c ? c.play.canvasStepsPerS : null,
    fps_map_updates_per_s: c ? c.play.canvasMapUpdatesPerS : null,
    fps_svg_steps_per_s: c ? c.play.svgStepsPerS : null,
    fps_svg_map_updates_per_s: c ? c.play.svgMapUpdatesPerS : null,
    fps_window_s: c ? c.play.windowMs / 1000 : null,
    fps_windows: c ? c.play.rounds : null,
    // navigation start to the first rendered scenario: cold (fresh context) and warm (reload)
    first_render_ms: c ? c.firstRender.coldMedianMs : null,
    first_render_warm_ms: c ? c.firstRender.warmMedianMs : null,
    first_render_loads: c ? c.firstRender.loads : null,
    // JavaScript, kB = 1000 bytes, gzip level js_gzip_level
    initial_js_gzip_kb: kB(js.initialGzipBytes),
    initial_js_kb: kB(js.initialBytes),
    initial_js_files: js.initial.length,
    total_js_gzip_kb: kB(js.totalGzipBytes),
    total_js_kb: kB(js.totalBytes),
    js_gzip_level: js.gzipLevel,
    render_targets: RENDER_TARGETS,
    target_fps_1m_pages_ok: fpsOk,
    target_first_render_ok: firstOk,
    /** null when the Chromium figures were not measured. */
    render_targets_ok: c ? fpsOk! && firstOk! : null,
  };
}

const fmt = (x: number, digits = 1) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');

export function formatRender(r: RenderReport): string {
  const js = r.initialJs;
  const t = RENDER_TARGETS;
  const others = js.all.filter((f) => !js.initial.some((i) => i.file === f.file));
  const jsLines = [
    `         initial JS  ${fmt(js.initialGzipBytes / 1000)} kB gzipped (level ${js.gzipLevel}) of ${fmt(js.initialBytes / 1000)} kB: what index.html loads up front (${js.initial.map((f) => f.file).join(', ')})`,
    `                     all JS ${fmt(js.totalGzipBytes / 1000)} kB gzipped of ${fmt(js.totalBytes / 1000)} kB${others.length ? `; besides the initial: ${others.map((f) => `${f.file} ${fmt(f.gzipBytes / 1000)} kB`).join(', ')}` : ''}   (kB = 1000 bytes)`,
  ];
  if ('skipped' in r.chromium) return ['', 'renderer (web build)', ...jsLines, `         headless Chromium skipped: ${r.chromium.skipped}`, ''].join('\n');
  const { firstRender: f, play: p, memoryMap: m, timeline: tl } = r.chromium;
  const s = m.stepping;
  const cw = p.canvasWindows;
  const sw = p.svgWindows;
  const per = (w: { mapUpdatesPerStep: number }[]) => fmt(Math.min(...w.map((x) => x.mapUpdatesPerStep)), 3);
  return [
    '',
    'renderer (headless Chromium, web build)',
    `   [${mark(p.canvasFps >= t.fps_1m_pages_min)}] playing     ${fmt(p.canvasFps)} fps with ${p.pages.toLocaleString('en')} pages in the memory map (${p.fit.pagesPerCell.toLocaleString('en')} pages per cell), ` +
      `median of ${p.rounds} × ${p.windowMs / 1000} s windows: ${fmt(p.canvasStepsPerS)} steps/s, ${fmt(p.canvasMapUpdatesPerS)} map updates/s (at least ${per(cw)} per step)   target ≥ ${t.fps_1m_pages_min}`,
    `                     all windows: ${cw.map((w) => `${fmt(w.fps)} fps`).join(', ')}; frame gap p95 ${fmt(Math.max(...cw.map((w) => w.frameGapP95Ms)))} ms; memoryMap view round trip median ${fmt(median(cw.map((w) => w.view.medianMs)))} ms`,
    `                     main thread busy ${fmt(median(cw.map((w) => w.mainThread.busyPct)))} % (${fmt(median(cw.map((w) => w.mainThread.taskMsPerUpdate)))} ms per map update; the SVG's windows: ${fmt(median(sw.map((w) => w.mainThread.busyPct)))} %, ${fmt(median(sw.map((w) => w.mainThread.taskMsPerUpdate)))} ms)`,
    `          SVG baseline ${fmt(p.svgFps)} fps, same page, steps and window (${p.svgRects.toLocaleString('en')} rects): ${fmt(p.svgStepsPerS)} steps/s, ${fmt(p.svgMapUpdatesPerS)} map updates/s; ` +
      `all windows: ${sw.map((w) => `${fmt(w.fps)} fps`).join(', ')}`,
    `          canvas / SVG ${fmt(p.ratio, 2)}×   (player: ${p.player})`,
    `   [${mark(f.coldMedianMs < t.first_render_ms_max)}] first render ${fmt(f.coldMedianMs)} ms from navigation start to the default scenario drawn (median of ${f.loads} cold loads; status bar ${fmt(f.coldCursorMedianMs)} ms, DOMContentLoaded ${fmt(f.coldDomContentLoadedMedianMs)} ms; warm reload ${fmt(f.warmMedianMs)} ms)   target < ${t.first_render_ms_max} ms`,
    ...jsLines,
    `          memory map  ${m.pages.toLocaleString('en')} pages, ${m.fit.pagesPerCell} pages per cell: redraw median ${s.redraw.medianMs} ms (p95 ${s.redraw.p95Ms} ms); ` +
      `stepping by key ${s.stepsPerS.toFixed(1)} steps/s at ${s.rafFps.toFixed(1)} fps, ${s.mapUpdatesPerS.toFixed(1)} map updates/s; key to frame median ${m.perStep.keyToFrame.medianMs} ms`,
    `          timeline    ${tl.steps.toLocaleString('en')} steps: scrub frame median ${tl.scrubWhole.frameMedianMs} ms (p95 ${tl.scrubWhole.frameP95Ms} ms), ` +
      `input to frame median ${tl.scrubWhole.inputToFrameMedianMs} ms; click to cursor median ${tl.clickToCursorMedianMs} ms`,
    '',
  ].join('\n');
}
