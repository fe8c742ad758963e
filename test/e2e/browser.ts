/**
 * The end-to-end harness: serves the built web app (out/web) with vite's preview server and
 * drives it in real headless Chromium through playwright-core (Debian's `chromium`; never a
 * downloaded browser). `UVMSCOPE_CHROMIUM` overrides the binary's path.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';

const root = fileURLToPath(new URL('../../', import.meta.url));

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumPath(): string {
  const candidates = [process.env.UVMSCOPE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${candidates.join(', ')}); install Debian's chromium or set UVMSCOPE_CHROMIUM`);
  return found;
}

export interface AppSession {
  browser: Browser;
  server: PreviewServer;
  url: string;
  close(): Promise<void>;
}

/** Serve a built web app (the tests' globalSetup builds one; by default out/web) and start Chromium. */
export async function startApp(dir = `${root}out/web`): Promise<AppSession> {
  // `vite build --outDir rel` resolves `rel` against vite's root (src/renderer), so look there too
  const webDir = [dir, resolve(dir), resolve(root, 'src/renderer', dir)].find((d) => existsSync(`${d}/index.html`)) ?? dir;
  if (!existsSync(`${webDir}/index.html`)) throw new Error(`${webDir} holds no built app: run \`npm run build\` first`);
  const server = await preview({
    configFile: `${root}vite.web.config.ts`,
    logLevel: 'silent',
    build: { outDir: webDir },
    preview: { port: 0, host: '127.0.0.1', open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview reported no URL');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  return {
    browser,
    server,
    url,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}

/**
 * `document` as the functions run in the page see it, typed by hand: this file is also compiled for Node (bench),
 * without the DOM's types.
 */
interface PageDocument {
  querySelector(selector: string): { textContent: string | null } | null;
}

/** Record the page's uncaught errors and console errors from now on (read them with pageErrors and consoleErrors). */
export function watchErrors(page: Page): Page {
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // the browser's own 404 for /favicon.ico is not the app's error
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(m.text());
  });
  return Object.assign(page, { uvmErrors: errors, uvmConsoleErrors: consoleErrors });
}

/**
 * Open the app (optionally on a built-in scenario) and wait until its run is loaded. In `context` when given (its
 * pages share localStorage, as tabs of one browser profile do, and take its viewport), else in a page of its own.
 */
export async function openApp(
  session: AppSession,
  options: { scenario?: string; width?: number; height?: number; context?: BrowserContext } = {},
): Promise<Page> {
  const page = watchErrors(
    options.context
      ? await options.context.newPage()
      : await session.browser.newPage({ viewport: { width: options.width ?? 1600, height: options.height ?? 1000 } }),
  );
  await page.goto(options.scenario ? `${session.url}?scenario=${encodeURIComponent(options.scenario)}` : session.url);
  await page.waitForSelector('[data-testid="cursor-step"]', { timeout: 30_000 });
  return page;
}

/** console.error messages so far (a missing i18n key, a CSP violation, a failed panel). */
export function consoleErrors(page: Page): string[] {
  return (page as Page & { uvmConsoleErrors?: string[] }).uvmConsoleErrors ?? [];
}

/** Uncaught errors the page raised so far. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { uvmErrors?: string[] }).uvmErrors ?? [];
}

/** The cursor's step, as the status bar shows it. */
export async function cursorStep(page: Page): Promise<number> {
  return Number((await page.textContent('[data-testid="cursor-step"]'))?.match(/step (\d+)/)?.[1]);
}

/**
 * Press a key `times` times, each press landed before the next (the store queues presses made while
 * a step is in flight, so pressing blindly and then reading the cursor races the queue).
 */
export async function pressSettled(page: Page, key: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const before = await cursorStep(page);
    await page.keyboard.press(key);
    await page.waitForFunction((b) => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      return Number(doc.querySelector('[data-testid="cursor-step"]')?.textContent?.match(/step (\d+)/)?.[1]) !== b;
    }, before);
  }
}

/** Wait until the status bar shows the cursor on `step`. */
export async function waitStep(page: Page, step: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (s) => (globalThis as unknown as { document: PageDocument }).document.querySelector('[data-testid="cursor-step"]')?.textContent?.startsWith(`step ${s} `),
    step,
    { timeout },
  );
}

/** Run a palette command (F1) by typing part of its label: Enter once the item selected is the one typed. */
export async function palette(page: Page, text: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.palette [cmdk-input]');
  await page.keyboard.type(text);
  await page.waitForFunction(
    (t) => (globalThis as unknown as { document: PageDocument }).document.querySelector('.palette [cmdk-item][aria-selected="true"]')?.textContent?.includes(t),
    text,
  );
  await page.keyboard.press('Enter');
}

/** Answer File → Open (Ctrl+O, focus on the page) with `file`; asks again if no chooser came (a key lost in a busy page). */
export async function chooseFile(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.click('.status-bar');
    const chooser = page.waitForEvent('filechooser', { timeout: 5000 });
    await page.keyboard.press('Control+O');
    try {
      await (await chooser).setFiles(file);
      return;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

/** The memory map canvas's geometry, as MemoryMapPanel writes it to `data-geometry`. */
export interface Geometry {
  gutter: number;
  cellW: number;
  pagesPerLine: number;
  pagesPerCell: number;
  laneH: number;
  laneGap: number;
  lineGap: number;
  blockGap: number;
  linesPerBlock: number;
  scrollY: number;
  regions: { index: number; name: string; top: number; headerH: number; lines: number; lanes: string[] }[];
}

export async function geometry(page: Page): Promise<Geometry> {
  return JSON.parse((await page.getAttribute('[data-testid="memory-map-canvas"]', 'data-geometry'))!) as Geometry;
}
