/**
 * What File → Export does: a view as PNG or SVG, the whole run as a Chrome trace (the host writes it), or steps as
 * frames or as a video (the cursor walks N steps, the view is captured at each, then the cursor goes back where it
 * was).
 */
import { i18n } from '../i18n';
import { send, useDebugger } from '../state/store';
import { formatNs } from '../panels/counters/format';
import { framesFileName, frameSteps, scenarioStem, traceFileName, videoFileName, viewFileName } from './names';
import { exportable, type ExportPanelId } from './registry';
import { canvasOf, NoCanvas, pngBytes, pngDataUrl, svgText } from './render';
import { saveDocument } from '../files';
import { slideshowHtml, type SlideFrame } from './slideshow';
import { videoFormat, videoWriter } from './video';

export type ExportKind = 'png' | 'svg' | 'trace' | 'frames' | 'video';

const t = (key: string, options?: Record<string, unknown>) => i18n.t(`export:${key}`, options ?? {});

function stem(): string {
  const { fileName, run } = useDebugger.getState();
  return scenarioStem(fileName || run?.fileName || '', run?.scenario);
}

function viewOf(id: ExportPanelId) {
  const view = exportable(id);
  if (!view) throw new NoCanvas();
  return view;
}

function cursor(): number {
  return useDebugger.getState().state?.step ?? 0;
}

export async function exportPng(id: ExportPanelId): Promise<string | null> {
  const bytes = await pngBytes(viewOf(id));
  return saveDocument({ name: viewFileName(stem(), id, cursor(), 'png'), content: bytes, mime: 'image/png', filter: { name: t('filter.png'), extensions: ['png'] } });
}

export async function exportSvg(id: ExportPanelId): Promise<string | null> {
  const text = svgText(viewOf(id));
  return saveDocument({ name: viewFileName(stem(), id, cursor(), 'svg'), content: text, mime: 'image/svg+xml', filter: { name: t('filter.svg'), extensions: ['svg'] } });
}

export async function exportTrace(): Promise<string | null> {
  const r = await send({ type: 'exportTrace' });
  if (r.type === 'error') throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  if (r.traceText === undefined) throw new Error('the engine sent no trace');
  return saveDocument({ name: traceFileName(stem()), content: r.traceText, mime: 'application/json', filter: { name: t('filter.trace'), extensions: ['json'] } });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Wait until the view shows `step` and has stopped moving (at most `timeoutMs`). */
async function settled(id: ExportPanelId, step: number, timeoutMs = 5000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const view = exportable(id);
    if (view && view.shownStep() === step && !view.busy?.()) {
      // one more frame, so that what was asked for in this one is on the canvas
      await nextFrame();
      await nextFrame();
      return;
    }
    await sleep(16);
  }
  throw new Error(`the view did not show step ${step}`);
}

/**
 * Walk the cursor over `count` steps from where it is, calling `capture` once the view shows each (with the step's
 * caption); the cursor goes back where it was, also when a capture fails. The steps walked.
 */
async function walkSteps(id: ExportPanelId, count: number, capture: (step: number, caption: string) => Promise<void>, onProgress?: (done: number, total: number) => void): Promise<number[]> {
  if (!useDebugger.getState().run) throw new Error(t('noRun'));
  const start = cursor();
  const steps = frameSteps(start, count, useDebugger.getState().run!.totalSteps);
  try {
    let done = 0;
    for (const step of steps) {
      if (cursor() !== step) useDebugger.getState().seek(step);
      await settled(id, step);
      const ns = useDebugger.getState().state?.simTimeNs ?? 0;
      await capture(step, t('slideshow.caption', { step, time: formatNs(ns) }));
      onProgress?.(++done, steps.length);
    }
  } finally {
    if (cursor() !== start) useDebugger.getState().seek(start);
  }
  return steps;
}

/** Capture the view at `count` steps from the cursor on, as an HTML slideshow; the cursor goes back where it was. */
export async function exportFrames(id: ExportPanelId, count: number, onProgress?: (done: number, total: number) => void): Promise<string | null> {
  const run = useDebugger.getState().run;
  if (!run) throw new Error(t('noRun'));
  const frames: SlideFrame[] = [];
  const steps = await walkSteps(id, count, async (step, caption) => {
    frames.push({ step, caption, png: await pngDataUrl(viewOf(id)) });
  }, onProgress);
  const from = steps[0];
  const to = steps[steps.length - 1];
  const html = slideshowHtml({
    title: t('slideshow.title', { scenario: run.scenario, view: i18n.t(`panels:${id}`), from, to }),
    help: t('slideshow.help'),
    footer: t('slideshow.made', { version: run.engineVersion }),
    frames,
  });
  return saveDocument({ name: framesFileName(stem(), id, from, to), content: html, mime: 'text/html', filter: { name: t('filter.html'), extensions: ['html'] } });
}

/** Whether this platform can export a video of the view (an encoder for its size), and in which format. */
export async function canExportVideo(id: ExportPanelId): Promise<boolean> {
  const view = exportable(id);
  const canvas = view ? await canvasOf(view).catch(() => null) : null;
  return canvas !== null && (await videoFormat(canvas.width, canvas.height)) !== null;
}

/** The view at `count` steps from the cursor on as a video, each step held `holdSeconds`; the cursor goes back. */
export async function exportVideo(id: ExportPanelId, count: number, holdSeconds: number, onProgress?: (done: number, total: number) => void): Promise<string | null> {
  const first = await canvasOf(viewOf(id));
  const format = await videoFormat(first.width, first.height);
  if (!format) throw new Error(t('kind.videoNone'));
  const writer = await videoWriter(format, { width: first.width, height: first.height }, window.devicePixelRatio || 1, holdSeconds);
  let steps: number[];
  try {
    steps = await walkSteps(id, count, async (_step, caption) => writer.add({ canvas: await canvasOf(viewOf(id)), caption }), onProgress);
  } catch (error) {
    await writer.cancel().catch(() => undefined);
    throw error;
  }
  const bytes = await writer.finish();
  return saveDocument({
    name: videoFileName(stem(), id, steps[0], steps[steps.length - 1], format.extension),
    content: bytes,
    mime: format.mime,
    filter: { name: t(`filter.${format.extension}`), extensions: [format.extension] },
  });
}
