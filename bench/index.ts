/**
 * `npm run bench`: the engine's performance figures, as medians and as ratios against a baseline measured in the same
 * run (the machine is small and noisy: absolute numbers move, ratios less). See args.ts for the flags.
 *
 *   1. page events per second of execute() vs a bare typed-array loop (throughput.ts, baseline.ts)
 *   2. seek time on a run of ≥ 1 million steps (seek.ts)
 *   3. bytes of memory per recorded transition (throughput.ts)
 *   4. peak RSS of the page-event run, in a fresh child process (memory.ts)
 *   5. pages per second of GAIA's maquire over a 1 GiB file, a quarter of it CPU-dirty (maquire.ts)
 *   6. the renderer in headless Chromium: memory-map redraw and fps while stepping, timeline frames while scrubbing
 *      (render.ts; skipped where no Chromium is installed, or with --no-render)
 */
import { loadavg } from 'node:os';
import { parseArgs, USAGE } from './args.js';
import { progress } from './log.js';
import { measureMaquire, profileMaquire } from './maquire.js';
import { measureMemory, memoryChild } from './memory.js';
import { runProfile } from './profile.js';
import { buildReport, formatProfile, formatReport } from './report.js';
import { measureSeek } from './seek.js';
import { formatRender, measureRender } from './render.js';
import { FULL, QUICK } from './sizes.js';
import { measureThroughput } from './throughput.js';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sizes = args.quick ? QUICK : FULL;
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.child === 'memory') {
    process.send!(memoryChild(sizes));
    return;
  }
  if (args.child !== null) throw new Error(`unknown child mode ${args.child}`);

  const t0 = performance.now();
  if (args.profile) {
    const p = args.profile === 'maquire' ? profileMaquire(sizes) : await runProfile(sizes);
    process.stdout.write(args.json ? JSON.stringify(p) + '\n' : formatProfile(p));
    return;
  }
  const loadBefore = loadavg()[0];
  const tp = measureThroughput(sizes);
  const seek = measureSeek(sizes);
  const maquire = measureMaquire(sizes);
  const mem = await measureMemory(sizes, args.quick);
  const report = buildReport(args.quick, loadBefore, tp, seek, mem, maquire);
  const render = !args.render ? { skipped: '--no-render' } : await measureRender(args.quick);
  progress(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  process.stdout.write(args.json ? JSON.stringify({ ...report, render }) + '\n' : formatReport(report) + formatRender(render));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
