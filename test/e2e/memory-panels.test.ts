/**
 * The memory panels in real Chromium: the memory map draws each page's state where its geometry says (read back as
 * pixels of the canvas), follows the cursor, marks what a step changed, zooms, shows a page on hover and selects it
 * on click; the PMM grid shows an oversubscribed GPU's chunks and lists; the page tree shows Hopper's levels.
 * Animations are turned off (prefers-reduced-motion), so what is read is the settled picture.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleErrors, geometry, openApp, pageErrors, startApp, type AppSession, type Geometry } from './browser';

let session: AppSession;
beforeAll(async () => {
  session = await startApp(inject('webDir'));
}, 60_000);
afterAll(async () => {
  await session?.close();
});

const CANVAS = '[data-testid="memory-map-canvas"]';

async function open(scenario: string): Promise<Page> {
  const page = await openApp(session, { scenario });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  return page;
}

/** Wait until the memory map shows the step the status bar shows (both read at once: either may lead briefly). */
async function settled(page: Page): Promise<number> {
  const step = await page.waitForFunction(() => {
    const s = /step (\d+)/.exec(document.querySelector('[data-testid="cursor-step"]')?.textContent ?? '')?.[1];
    return s !== undefined && document.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-step') === s ? Number(s) : false;
  });
  await page.waitForTimeout(80);
  return (await step.jsonValue()) as number;
}

/** Centre of page `page`'s cell in lane `lane` of region `region`, in CSS px of the canvas (layout.ts's formulas). */
function cellCentre(g: Geometry, region: number, page: number, lane: string): { x: number; y: number } {
  const r = g.regions.find((x) => x.index === region)!;
  const l = r.lanes.indexOf(lane);
  if (l < 0) throw new Error(`region ${region} has no lane ${lane}: ${r.lanes.join(', ')}`);
  const band = r.lanes.length * g.laneH + (r.lanes.length - 1) * g.laneGap;
  const line = Math.floor(page / g.pagesPerLine);
  const top = r.top + r.headerH + line * (band + g.lineGap) + Math.floor(line / g.linesPerBlock) * g.blockGap;
  const cell = Math.floor((page % g.pagesPerLine) / g.pagesPerCell);
  return { x: g.gutter + (cell + 0.4) * g.cellW, y: top + l * (g.laneH + g.laneGap) + g.laneH / 2 - g.scrollY };
}

/** The canvas pixel at CSS (x, y), as #rrggbb. */
async function pixel(page: Page, x: number, y: number): Promise<string> {
  return page.evaluate(
    ({ x, y, sel }) => {
      const c = document.querySelector(sel) as HTMLCanvasElement;
      const k = c.width / c.clientWidth;
      const d = c.getContext('2d')!.getImageData(Math.floor(x * k), Math.floor(y * k), 1, 1).data;
      return `#${[d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    },
    { x, y, sel: CANVAS },
  );
}

async function atBookmark(page: Page, nth: number): Promise<number> {
  await page.click(`.op-bookmark >> nth=${nth} >> button`);
  await page.waitForSelector(`.op-bookmark >> nth=${nth}`, { state: 'attached' });
  await page.waitForFunction((n) => document.querySelectorAll('.op-bookmark')[n]?.classList.contains('current'), nth);
  return settled(page);
}

const GREEN = '#009e73';
const ORANGE = '#e69f00';
const TRACK = '#2a303a';
const PTE_2M = '#0072b2';
const YELLOW = '#f0e442';

describe('the memory map', () => {
  it('draws where each page lives: the CPU after it writes the buffer, gpu0 after the kernel reads it', async () => {
    const page = await open('default');
    await atBookmark(page, 0); // cpu-initialised
    let g = await geometry(page);
    expect(g.regions[0].lanes).toEqual(['cpuMap:0', 'gpuMap:1', 'pteSize:1', 'sysmem:0', 'vidmem:1']);
    for (const p of [0, 1000, 4095]) {
      const sys = cellCentre(g, 0, p, 'sysmem:0');
      const vid = cellCentre(g, 0, p, 'vidmem:1');
      expect(await pixel(page, sys.x, sys.y)).toBe(ORANGE);
      expect(await pixel(page, vid.x, vid.y)).toBe(TRACK);
    }
    expect(await page.getAttribute('[data-testid="mm-summary"] li', 'data-resident')).toBe('4096,0');

    await atBookmark(page, 1); // gpu-read
    g = await geometry(page);
    for (const p of [0, 2048, 4095]) {
      const sys = cellCentre(g, 0, p, 'sysmem:0');
      const vid = cellCentre(g, 0, p, 'vidmem:1');
      const pte = cellCentre(g, 0, p, 'pteSize:1');
      const map = cellCentre(g, 0, p, 'gpuMap:1');
      expect(await pixel(page, vid.x, vid.y)).toBe(GREEN);
      expect(await pixel(page, sys.x, sys.y)).toBe(TRACK);
      expect(await pixel(page, pte.x, pte.y)).toBe(PTE_2M);
      // read-only mapping of vidmem: the light VID shade, not the track
      expect(await pixel(page, map.x, map.y)).not.toBe(TRACK);
    }
    expect(await page.getAttribute('[data-testid="mm-summary"] li', 'data-resident')).toBe('0,4096');
    // labels: the region's name and its blocks are on the canvas as text the tests cannot read, but the scale is
    expect(await page.textContent('[data-testid="mm-scale"]')).toMatch(/1 cell = \d+ pages?/);
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('follows the cursor into the GPU kernel and marks the pages a step migrates', async () => {
    const page = await open('default');
    await page.click('.op-gpu-kernel button');
    await settled(page);
    // step into the kernel until steps change pages: first the CPU's mapping of pages 0-15 goes (the GPU is about
    // to own them), then the pages migrate to the GPU's vidmem
    const changes: { step: number; text: string; cpuRing: string; vidRing: string; vid: string }[] = [];
    const ring = async (lane: string) => {
      const g = await geometry(page);
      const c = cellCentre(g, 0, 0, lane);
      return { ring: await pixel(page, c.x, c.y - g.laneH / 2 + 0.5), fill: await pixel(page, c.x, c.y) };
    };
    for (let i = 0; i < 300 && changes.length < 2; i++) {
      await page.keyboard.press('F11');
      const step = await settled(page);
      const text = (await page.textContent('[data-testid="mm-changed"]')) ?? '';
      if (!/this step changed 16 pages/.test(text)) continue;
      const cpu = await ring('cpuMap:0');
      const vid = await ring('vidmem:1');
      if (changes.length === 0 || vid.ring === YELLOW) changes.push({ step, text, cpuRing: cpu.ring, vidRing: vid.ring, vid: vid.fill });
    }
    expect(changes).toHaveLength(2);
    // the CPU's unmapping: a ring on the cpu map lane, nothing yet in vidmem
    expect(changes[0].cpuRing).toBe(YELLOW);
    expect(changes[0].vid).toBe(TRACK);
    // the migration: the pages are resident in vidmem now, ringed
    expect(changes[1].vidRing).toBe(YELLOW);
    expect(changes[1].step).toBeGreaterThan(changes[0].step);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('zooms with the wheel, shows a page on hover and selects it on click', async () => {
    const page = await open('default');
    await atBookmark(page, 1);
    const before = Number(await page.getAttribute(CANVAS, 'data-pages-per-line'));
    const box = (await page.locator(CANVAS).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 60);
    for (let i = 0; i < 2; i++) await page.mouse.wheel(0, -120);
    await page.waitForFunction((b) => Number(document.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-pages-per-line')) < b, before);
    // zoom in until a cell is one page
    for (let i = 0; i < 8 && (await page.getAttribute(CANVAS, 'data-pages-per-cell')) !== '1'; i++) await page.mouse.wheel(0, -120);
    await page.waitForFunction(() => document.querySelector('[data-testid="memory-map-canvas"]')?.getAttribute('data-pages-per-cell') === '1');
    expect(await page.textContent('[data-testid="mm-scale"]')).toContain('1 cell = 1 page');
    await page.waitForTimeout(100);

    const g = await geometry(page);
    const region = g.regions[0];
    // a page in view: the first page of the line at the top of the canvas
    let target = -1;
    for (let p = 0; p < 4096; p += g.pagesPerLine) {
      const c = cellCentre(g, region.index, p + 3, 'vidmem:1');
      if (c.y > 20 && c.y < box.height - 20) {
        target = p + 3;
        break;
      }
    }
    expect(target).toBeGreaterThanOrEqual(0);
    const c = cellCentre(g, region.index, target, 'vidmem:1');
    await page.mouse.move(box.x + c.x, box.y + c.y);
    await page.waitForSelector('[data-testid="mm-tip"]');
    const tip = (await page.textContent('[data-testid="mm-tip"]'))!;
    expect(tip).toContain(`data page ${target}`);
    expect(tip).toContain('gpu0');
    expect(tip).toContain('resident');
    expect(tip).toContain('PTE 2M → VID');
    await page.mouse.click(box.x + c.x, box.y + c.y);
    // the selected page's column gets a white ring just above its band
    await page.waitForTimeout(100);
    const top = cellCentre(g, region.index, target, 'cpuMap:0');
    expect(await pixel(page, c.x, top.y - g.laneH / 2 - 1.5)).toBe('#ffffff');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows a file's page cache and the process's writes (gaia-maquire)", async () => {
    const page = await open('gaia-maquire');
    await atBookmark(page, 1); // cpu-wrote
    const g = await geometry(page);
    expect(g.regions[0].lanes).toEqual(['cpuMap:0', 'fileMap:0', 'cached:0', 'dirty:0', 'cpuDirty:0', 'onGpu:0', 'gpuMap:1', 'pteSize:1', 'sysmem:0', 'vidmem:1']);
    // zoom in to pages so the 18 written pages are cells of their own
    const box = (await page.locator(CANVAS).boundingBox())!;
    await page.mouse.move(box.x + 300, box.y + 40);
    for (let i = 0; i < 8 && (await page.getAttribute(CANVAS, 'data-pages-per-cell')) !== '1'; i++) await page.mouse.wheel(0, -120);
    await page.waitForTimeout(150);
    const z = await geometry(page);
    const probe = async (p: number, lane: string) => {
      const c = cellCentre(z, 0, p, lane);
      return c.y > 0 && c.y < box.height ? pixel(page, c.x, c.y) : null;
    };
    // page 0 was read by the GPU: cached and ON_GPU, not dirty
    expect(await probe(0, 'cached:0')).toBe('#0072b2');
    expect(await probe(0, 'onGpu:0')).toBe(GREEN);
    expect(await probe(0, 'dirty:0')).toBe(TRACK);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('the PMM panel', () => {
  it("shows an oversubscribed GPU's root chunks: page tables in chunk 0, fifteen chunks on USED", async () => {
    const page = await open('oversubscription');
    await page.click('.dv-tab:has-text("PMM chunks")');
    await page.waitForSelector('[data-testid="pmm-canvas"]');
    await page.click('.op-bookmark >> nth=1 >> button'); // first-pass
    await page.waitForFunction(() => document.querySelector('[data-list="used"]')?.getAttribute('data-count') === '15');
    expect(await page.getAttribute('[data-list="kernel"]', 'data-count')).toBe('1');
    expect(await page.textContent('[data-testid="pmm-taken"]')).toContain('16 of 16 root chunks');
    const canvas = page.locator('[data-testid="pmm-canvas"]');
    const box = (await canvas.boundingBox())!;
    const grid = { cell: Number(await canvas.getAttribute('data-cell')), gap: Number(await canvas.getAttribute('data-gap')), cols: Number(await canvas.getAttribute('data-cols')) };
    const centre = (c: number) => ({ x: 4 + (c % grid.cols) * (grid.cell + grid.gap) + grid.cell / 2, y: 4 + Math.floor(c / grid.cols) * (grid.cell + grid.gap) + grid.cell / 2 });
    const tipOf = async (c: number) => {
      const p = centre(c);
      await page.mouse.move(box.x + p.x, box.y + p.y);
      await page.waitForFunction((n) => document.querySelector('[data-testid="pmm-tip"]')?.textContent?.includes(`root chunk ${n} `), c);
      return (await page.textContent('[data-testid="pmm-tip"]'))!;
    };
    const first = await tipOf(0);
    expect(first).toContain('kernel');
    expect(first).toContain('hold page tables');
    // chunk 0 is drawn in the kernel colour (purple), filled as far as its pieces are used
    const px = await page.evaluate(
      ({ x, y }) => {
        const c = document.querySelector('[data-testid="pmm-canvas"]') as HTMLCanvasElement;
        const k = c.width / c.clientWidth;
        const d = c.getContext('2d')!.getImageData(Math.floor(x * k), Math.floor(y * k), 1, 1).data;
        return [d[0], d[1], d[2]];
      },
      { x: centre(1).x, y: centre(1).y + grid.cell / 2 - 2 },
    );
    // chunk 1 is full (512 resident pages) and on USED: vidmem green
    expect(px).toEqual([0x00, 0x9e, 0x73]);
    const second = await tipOf(1);
    expect(second).toMatch(/backs va_block \d+ \(big \+\d+ MiB\)/);
    expect(second).toContain('used list');
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('the GPU page tree panel', () => {
  it("lays out Hopper's levels, with the PDE0 holding eight 2M PTEs after the default scenario's GPU read", async () => {
    const page = await open('default');
    await page.click('.dv-tab:has-text("GPU page tree")');
    await page.click('.op-bookmark >> nth=1 >> button');
    await page.waitForSelector('[data-testid="pt-svg"] [data-level="PDE0"]');
    for (const l of ['PDE4', 'PDE3', 'PDE2', 'PDE1', 'PDE0', 'PTE_64K']) expect(await page.locator(`[data-level="${l}"]`).count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-level="PDE0"]')).toContain('2M×8');
    expect(await page.textContent('[data-testid="pt-leaves"]')).toContain('8 × 2M');
    expect(await page.getAttribute('[data-level="PDE0"]', 'data-aperture')).toBe('VID');
    // eight PTE_64K tables: six shown, the rest behind "+2 more tables"
    expect(await page.locator('[data-level="PTE_64K"]').count()).toBe(6);
    await page.click('.pt-more');
    await page.waitForFunction(() => document.querySelectorAll('[data-level="PTE_64K"]').length === 8);
    await page.hover('[data-level="PDE0"]');
    expect(await page.textContent('[data-testid="pt-tip"]')).toContain('PDE0 table');
    expect(pageErrors(page)).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
