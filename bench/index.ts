/**
 * `npm run bench`: the engine's performance figures, as medians and as ratios against a baseline measured in the same
 * run (the machine is small and noisy: absolute numbers move, ratios less). See args.ts for the flags.
 *
 *   1. page events per second of execute() vs a bare typed-array loop (throughput.ts, baseline.ts)
 *   2. seek time on a run of ≥ 1 million steps (seek.ts)
 *   3. bytes of memory per recorded transition (throughput.ts)
 *   4. peak RSS of the page-event run, in a fresh child process (memory.ts)
 *   5. pages per second of GAIA's maquire over a 1 GiB file, a quarter of it CPU-dirty (maquire.ts)
 *   6. the renderer (render.ts): the web build's initial JavaScript (gzipped); in headless Chromium (skipped where
 *      none is installed, or with --no-render) the time to the first rendered scenario, frames per second while
 *      playing a 1,048,576-page memory map against an SVG baseline, memory-map redraws while stepping, timeline
 *      frames while scrubbing. `--only render` runs this part alone.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs, USAGE } from './args.js';
import { progress } from './log.js';
import { measureMaquire, profileMaquire } from './maquire.js';
import { measureMemory, memoryChild } from './memory.js';
import { runProfile } from './profile.js';
import { buildReport, formatProfile, formatReport, type BenchReport } from './report.js';
import { measureSeek } from './seek.js';
import { formatRender, measureRender, renderFields } from './render.js';
import { round } from './stats.js';
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
  let engine: BenchReport | null = null;
  if (args.only !== 'render') {
    const tp = measureThroughput(sizes);
    const seek = measureSeek(sizes);
    const maquire = measureMaquire(sizes);
    const mem = await measureMemory(sizes, args.quick);
    engine = buildReport(args.quick, loadBefore, tp, seek, mem, maquire);
  }
  const render = await measureRender(args.quick, args.render);
  const fields = renderFields(render);
  progress(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // the engine's figures, then the renderer's (the top-level keys), then the renderer's details
  const head = engine ?? {
    quick: args.quick,
    node: process.version,
    cpus: cpus().length,
    load_before: round(loadBefore, 2),
    load_after: round(loadavg()[0], 2),
    only: args.only,
  };
  const all_targets_ok = (engine ? engine.all_targets_ok : true) && fields.render_targets_ok !== false;
  if (args.json) {
    process.stdout.write(JSON.stringify({ ...head, ...fields, load_after: round(loadavg()[0], 2), all_targets_ok, render }) + '\n');
    return;
  }
  const text = engine ? formatReport(engine) : `UVMScope bench, renderer only${args.quick ? ' (--quick)' : ''} — node ${head.node}, ${head.cpus} CPUs, load ${head.load_before}\n`;
  process.stdout.write(text + formatRender(render) + `\nload average (1 min) at the end: ${round(loadavg()[0], 2)}; all targets ${all_targets_ok ? 'met' : 'NOT met'}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
