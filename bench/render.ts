/**
 * The renderer's figures, in real headless Chromium on the built web app: the memory map on a
 * run of ≥ 256k pages (redraw time, frame rate while stepping) and the timeline on a run of
 * ≥ 1M steps (frame time while scrubbing). One web build serves both. Skipped, with a reason,
 * where no Chromium is installed.
 */
import { rmSync } from 'node:fs';
import { chromiumPath } from '../test/e2e/browser.ts';
import { measureMemoryMapRender, type MemoryMapRenderResult } from './render-memory-map.ts';
import { measureTimelineRender, type TimelineRenderResult } from './render-timeline.ts';
import { buildWebApp } from './web-build.ts';

const MiB = 1024 * 1024;

export type RenderReport = { skipped: string } | { memoryMap: MemoryMapRenderResult; timeline: TimelineRenderResult };

export async function measureRender(quick: boolean): Promise<RenderReport> {
  try {
    chromiumPath();
  } catch (e) {
    return { skipped: e instanceof Error ? e.message : String(e) };
  }
  const webDir = await buildWebApp();
  try {
    const memoryMap = await measureMemoryMapRender({ webDir, ...(quick ? { regionBytes: 256 * MiB, stepPresses: 60, perStepSamples: 10 } : {}) });
    const timeline = await measureTimelineRender({ webDir, ...(quick ? { regionBytes: 256 * MiB, scrubMoves: 60 } : {}) });
    return { memoryMap, timeline };
  } finally {
    rmSync(webDir, { recursive: true, force: true });
  }
}

export function formatRender(r: RenderReport): string {
  if ('skipped' in r) return `\nrenderer   skipped: ${r.skipped}\n`;
  const m = r.memoryMap;
  const t = r.timeline;
  const s = m.stepping;
  return [
    '',
    'renderer (headless Chromium, web build)',
    `  memory map   ${m.pages.toLocaleString('en')} pages, ${m.fit.pagesPerCell} pages per cell: redraw median ${s.redraw.medianMs} ms (p95 ${s.redraw.p95Ms} ms); ` +
      `stepping ${s.stepsPerS.toFixed(1)} steps/s at ${s.rafFps.toFixed(1)} fps, ${s.mapUpdatesPerS.toFixed(1)} map updates/s; key to frame median ${m.perStep.keyToFrame.medianMs} ms`,
    `  timeline     ${t.steps.toLocaleString('en')} steps: scrub frame median ${t.scrubWhole.frameMedianMs} ms (p95 ${t.scrubWhole.frameP95Ms} ms), ` +
      `input to frame median ${t.scrubWhole.inputToFrameMedianMs} ms; click to cursor median ${t.clickToCursorMedianMs} ms`,
    '',
  ].join('\n');
}
