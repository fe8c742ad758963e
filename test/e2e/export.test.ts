/**
 * File → Export in real Chromium (the web build): a view as PNG (the PNG signature, the canvas's size), as SVG (it
 * parses, with rectangles and text), the whole run as a Chrome trace (it parses, with copies, fault batches and named
 * tracks), steps as frames (an HTML slideshow with one PNG per step) and as a video (read back with mediabunny: its
 * frames, their duration and size); the cursor comes back after the frames.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleErrors, cursorStep, openApp, pageErrors, palette, pressSettled, startApp, waitStep, type AppSession } from './browser';

const SHOTS = process.env.UVMSCOPE_SHOTS;

let app: AppSession;
let page: Page;
beforeAll(async () => {
  app = await startApp(inject('webDir'));
  const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  page = await openApp(app, { scenario: 'default', context });
  await page.waitForSelector('[data-testid="memory-map-canvas"][data-step]');
}, 60_000);
afterAll(async () => {
  await app?.close();
});

/** Open File → Export with Ctrl+E, choose what and which view, export, and read the download. */
async function exportFile(kind: 'png' | 'svg' | 'trace' | 'frames' | 'video', view?: string, count?: number, hold?: number): Promise<{ name: string; bytes: Buffer }> {
  await page.click('.status-bar');
  await page.keyboard.press('Control+E');
  await page.waitForSelector('[data-testid="export-dialog"]');
  await page.check(`[data-testid="export-kind-${kind}"]`);
  if (view) await page.selectOption('[data-testid="export-view"]', view);
  if (count !== undefined) await page.fill('[data-testid="export-count"]', String(count));
  if (hold !== undefined) await page.fill('[data-testid="export-hold"]', String(hold));
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/export-dialog-${kind}.png` });
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await page.click('[data-testid="export-go"]');
  const file = await download;
  const path = await file.path();
  await page.waitForSelector('[data-testid="export-dialog"]', { state: 'detached' });
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

/** What DOMParser makes of an SVG text in the page: whether it parsed, and how many of each element it has. */
async function parseSvg(text: string): Promise<{ error: string | null; root: string; width: string | null; rects: number; texts: number; textContent: string }> {
  return page.evaluate((svg) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const error = doc.querySelector('parsererror');
    return {
      error: error ? (error.textContent ?? 'parse error') : null,
      root: doc.documentElement.nodeName,
      width: doc.documentElement.getAttribute('width'),
      rects: doc.querySelectorAll('rect').length + doc.querySelectorAll('path').length,
      texts: doc.querySelectorAll('text').length,
      textContent: doc.documentElement.textContent ?? '',
    };
  }, text);
}

/** How many pixels of two PNGs of the same size differ, decoded in the page. */
async function differingPixels(a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(
    async ([a, b]) => {
      const load = async (url: string) => {
        const img = new Image();
        img.src = url;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, c.width, c.height);
      };
      const [x, y] = [await load(a), await load(b)];
      if (x.width !== y.width || x.height !== y.height) return -1;
      let n = 0;
      for (let i = 0; i < x.data.length; i += 4) if (x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] || x.data[i + 2] !== y.data[i + 2]) n++;
      return n;
    },
    [`data:image/png;base64,${a.toString('base64')}`, `data:image/png;base64,${b.toString('base64')}`],
  );
}

describe('File → Export', () => {
  it('exports the memory map as PNG: the PNG signature and the canvas size', async () => {
    // after the CPU has written the buffer: the map is full of pages
    await page.click('.status-bar');
    await page.keyboard.press('Control+G');
    await page.fill('[data-testid="go-to-step"]', '1300');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="memory-map-canvas"][data-step="1300"]');
    await pressSettled(page, 'ArrowRight');
    const step = await cursorStep(page);
    const { name, bytes } = await exportFile('png', 'memoryMap');
    expect(name).toBe(`default-memoryMap-step${step}.png`);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [w, h] = await page.$eval('[data-testid="memory-map-canvas"]', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
    // IHDR: width and height, big-endian, at bytes 16 and 20
    expect(bytes.readUInt32BE(16)).toBe(w);
    expect(bytes.readUInt32BE(20)).toBe(h);
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('exports the memory map and the timeline as SVG that parses, with rectangles and labels', async () => {
    const mm = await exportFile('svg', 'memoryMap');
    expect(mm.name).toMatch(/^default-memoryMap-step\d+\.svg$/);
    const mmSvg = await parseSvg(mm.bytes.toString('utf8'));
    expect(mmSvg.error).toBeNull();
    expect(mmSvg.root).toBe('svg');
    expect(mmSvg.rects).toBeGreaterThan(10);
    expect(mmSvg.texts).toBeGreaterThan(2);
    // the regions' names are text, not pixels
    const regions = await page.$eval('[data-testid="memory-map-canvas"]', (c) => JSON.parse((c as HTMLCanvasElement).dataset.geometry ?? '{}').regions.map((r: { name: string }) => r.name));
    for (const r of regions) expect(mmSvg.textContent).toContain(r);
    // elements drawn untransformed carry no identity transform
    expect(mm.bytes.toString('utf8')).not.toContain('matrix(1 0 0 1 0 0)');
    if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/export-memoryMap.svg`, mm.bytes);

    const tl = await exportFile('svg', 'timeline');
    const tlSvg = await parseSvg(tl.bytes.toString('utf8'));
    expect(tlSvg.error).toBeNull();
    expect(tlSvg.rects).toBeGreaterThan(5);
    expect(tlSvg.texts).toBeGreaterThan(2);
    if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/export-timeline.svg`, tl.bytes);

    // the PMM's chunks: rectangles, and their labels as text
    await page.click('.dv-tab:has-text("PMM chunks")');
    await page.waitForSelector('[data-testid="pmm-canvas"][data-step]');
    const pmm = await exportFile('svg', 'pmm');
    const pmmSvg = await parseSvg(pmm.bytes.toString('utf8'));
    expect(pmmSvg.error).toBeNull();
    expect(pmmSvg.rects).toBeGreaterThan(4);
    if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/export-pmm.svg`, pmm.bytes);

    // the GPU page tree is an <svg> already: a standalone copy with its styles written in, and a PNG drawn from it
    await page.click('.dv-tab:has-text("GPU page tree")');
    await page.waitForSelector('[data-testid="pt-svg"]');
    const pt = await exportFile('svg', 'pageTree');
    const ptText = pt.bytes.toString('utf8');
    const ptSvg = await parseSvg(ptText);
    expect(ptSvg.error).toBeNull();
    expect(ptSvg.rects).toBeGreaterThan(2);
    expect(ptSvg.texts).toBeGreaterThan(2);
    expect(ptText).not.toContain('class=');
    expect(ptText).toMatch(/<text[^>]* fill="rgb/);
    if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/export-pageTree.svg`, pt.bytes);
    const ptPng = await exportFile('png', 'pageTree');
    expect(ptPng.name).toMatch(/^default-pageTree-step\d+\.png$/);
    expect(ptPng.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(ptPng.bytes.readUInt32BE(16)).toBeGreaterThan(100);
    await page.click('.dv-tab:has-text("Memory map")');
  });

  it('exports the whole run as a Chrome trace that parses, with copies, fault batches and named tracks', async () => {
    const { name, bytes } = await exportFile('trace');
    expect(name).toBe('default.trace.json');
    const trace = JSON.parse(bytes.toString('utf8')) as { traceEvents: { name: string; ph: string; cat?: string; dur?: number; args?: Record<string, unknown> }[]; metadata: { steps: number; scenario: string } };
    expect(Array.isArray(trace.traceEvents)).toBe(true);
    const copies = trace.traceEvents.filter((e) => e.cat === 'copy' && e.ph === 'X');
    expect(copies.length).toBeGreaterThan(0);
    expect(copies.every((e) => typeof e.args?.bytes === 'number' && (e.dur ?? 0) > 0)).toBe(true);
    expect(trace.traceEvents.some((e) => e.name === 'fault batch' && e.ph === 'X')).toBe(true);
    expect(trace.traceEvents.some((e) => e.name === 'thread_name' && e.ph === 'M')).toBe(true);
    expect(trace.traceEvents.some((e) => e.ph === 'C')).toBe(true);
    // the whole run, whatever the cursor: the status bar's last step is the trace's
    const last = Number((await page.textContent('[data-testid="cursor-step"]'))?.match(/of ([\d,]+)/)?.[1].replace(/,/g, ''));
    expect(trace.metadata.steps - 1).toBe(last);
  });

  it('exports 4 steps of the memory map as an HTML slideshow of 4 PNG frames, and puts the cursor back', async () => {
    const before = await cursorStep(page);
    const { name, bytes } = await exportFile('frames', 'memoryMap', 4);
    expect(name).toBe(`default-memoryMap-steps${before}-${before + 3}.html`);
    const html = bytes.toString('utf8');
    const steps = [...html.matchAll(/<figure data-step="(\d+)"/g)].map((m) => Number(m[1]));
    expect(steps).toEqual([before, before + 1, before + 2, before + 3]);
    const pngs = [...html.matchAll(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
    expect(pngs).toHaveLength(4);
    for (const p of pngs) expect(p.subarray(1, 4).toString('latin1')).toBe('PNG');
    await waitStep(page, before);
    if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/export-frames.html`, bytes);
  });

  it('exports 3 steps of the memory map as a video: 3 frames of 0.5 s, the canvas size plus the caption band', async () => {
    const before = await cursorStep(page);
    const { name, bytes } = await exportFile('video', 'memoryMap', 3, 0.5);
    expect(name).toMatch(new RegExp(`^default-memoryMap-steps${before}-${before + 2}\\.(mp4|webm)$`));
    const { Input, BufferSource, ALL_FORMATS } = await import('mediabunny');
    const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
    expect(await input.getMimeType()).toMatch(name.endsWith('.mp4') ? /^video\/mp4/ : /^video\/webm/);
    const track = (await input.getPrimaryVideoTrack())!;
    expect(track).not.toBeNull();
    expect(await track.computeDuration()).toBeCloseTo(1.5, 2);
    expect((await track.computePacketStats()).packetCount).toBe(3);
    const canvas = await page.$eval('[data-testid="memory-map-canvas"]', (c) => ({ width: (c as HTMLCanvasElement).width, height: (c as HTMLCanvasElement).height }));
    expect(track.codedWidth).toBe(2 * Math.round(canvas.width / 2));
    expect(track.codedHeight).toBe(2 * Math.round((canvas.height + 30) / 2));
    await waitStep(page, before);
    if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/${name}`, bytes);
  }, 60_000);

  it('captures each frame once the step animation has finished: a frame equals the PNG of its step', async () => {
    // step 60 of the default scenario changes 16 pages: the map animates them for a moment
    await page.click('.status-bar');
    await page.keyboard.press('Control+G');
    await page.fill('[data-testid="go-to-step"]', '59');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="memory-map-canvas"][data-step="59"]');
    await page.waitForTimeout(1000);
    const { bytes } = await exportFile('frames', 'memoryMap', 2);
    const frames = [...bytes.toString('utf8').matchAll(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
    expect(frames).toHaveLength(2);
    await page.waitForSelector('[data-testid="memory-map-canvas"][data-step="59"]');
    await page.keyboard.press('Control+G');
    await page.fill('[data-testid="go-to-step"]', '60');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="memory-map-canvas"][data-step="60"]');
    await page.waitForTimeout(1000);
    const png = await exportFile('png', 'memoryMap');
    expect(png.name).toBe('default-memoryMap-step60.png');
    if (SHOTS) {
      (await import('node:fs')).writeFileSync(`${SHOTS}/frame-60.png`, frames[1]);
      (await import('node:fs')).writeFileSync(`${SHOTS}/png-60.png`, png.bytes);
    }
    // the same pixels (toDataURL and toBlob may encode them differently)
    expect(await differingPixels(frames[1], png.bytes)).toBe(0);
    expect(await differingPixels(frames[0], png.bytes)).toBeGreaterThan(0);
  }, 60_000);

  it('opens from the palette with the focused view chosen; Escape closes it', async () => {
    await page.click('[data-testid="memory-map-canvas"]', { position: { x: 5, y: 5 } });
    await palette(page, 'Export');
    await page.waitForSelector('[data-testid="export-dialog"]');
    // the memory map had focus: it is the view chosen
    expect(await page.$eval('[data-testid="export-view"]', (s) => (s as HTMLSelectElement).value)).toBe('memoryMap');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="export-dialog"]', { state: 'detached' });
  });

  it('raised no errors', () => {
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
  });

  it('exports the page cache (a scenario with files) as SVG and PNG', async () => {
    const first = page;
    // a context of its own: one sharing the first's storage would offer to restore its autosaved session
    const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    try {
      page = await openApp(app, { scenario: 'gaia-maquire', context });
      await page.locator('.dv-tab', { hasText: 'Page cache' }).click();
      await page.waitForSelector('[data-testid="radix-canvas"][data-step]');
      const svg = await exportFile('svg', 'radix');
      expect(svg.name).toMatch(/^gaia-maquire-radix-step\d+\.svg$/);
      const parsed = await parseSvg(svg.bytes.toString('utf8'));
      expect(parsed.error).toBeNull();
      expect(parsed.rects).toBeGreaterThan(3);
      expect(parsed.texts).toBeGreaterThan(0);
      if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/export-radix.svg`, svg.bytes);
      const png = await exportFile('png', 'radix');
      expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      if (SHOTS) (await import('node:fs')).writeFileSync(`${SHOTS}/export-radix.png`, png.bytes);
      expect(pageErrors(page)).toEqual([]);
      expect(consoleErrors(page)).toEqual([]);
    } finally {
      await context.close();
      page = first;
    }
  }, 60_000);
});
