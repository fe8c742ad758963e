/**
 * `npx tsx scripts/screenshot.ts [scenario] [out.png] [--steps N] [--size WxH]`: build-free
 * screenshot of the web app for looking at what a change did. It serves out/web, or the
 * folder in UVMSCOPE_WEB_DIR (build one with `npx vite build --config vite.web.config.ts --outDir DIR`).
 * --keys F10,F11,… presses keys after loading. --lang zh-CN shows the UI in that language (stored, then reloaded).
 */
import { openApp, startApp } from '../test/e2e/browser.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const steps = Number(flag('--steps') ?? 0);
const keys = flag('--keys');
const lang = flag('--lang');
const [w, h] = (flag('--size') ?? '1600x1000').split('x').map(Number);
const [scenario, out = '/tmp/uvmscope.png'] = args;
const session = await startApp(process.env.UVMSCOPE_WEB_DIR);
try {
  const page = await openApp(session, { scenario, width: w, height: h });
  if (lang) {
    await page.evaluate((l) => localStorage.setItem('uvmscope.language', l), lang);
    await page.reload();
    await page.waitForSelector('[data-testid="cursor-step"]', { timeout: 30_000 });
  }
  for (let i = 0; i < steps; i++) await page.keyboard.press('F10');
  if (keys) for (const k of keys.split(',')) await page.keyboard.press(k);
  await page.waitForTimeout(400);
  await page.screenshot({ path: out });
  console.log(out);
} finally {
  await session.close();
}
