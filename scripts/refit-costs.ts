/**
 * `npx tsx scripts/refit-costs.ts [--json] [--min-size-records N] [--no-model] [captures…]`: the cost model's copy
 * lines refitted from real captures (src/engine/capture/fit.ts), their residuals, the current defaults' residuals over
 * the same records, the GPU fault groups, the per-batch cost the groups imply for the model's batch count of each
 * captured scenario (run as captured, as `uvmscope compare` does; --no-model skips it), and the least-squares split of
 * the GPU-fault service time into a cost per batch and one per va_block serviced (fitServiceCost; the grid's
 * `faultGridBatchNs` / `faultGridBlockNs` defaults in src/engine/scenario/defaults.ts come from it), then the
 * candidate service-cost models (per batch, per va_block, per fault entry: fitServiceTerms) with every capture's
 * residual. Without captures on the command line it reads every test/fixtures/captures/*.jsonl; a capture whose file
 * name is not a built-in scenario's (test/fixtures/captures/experiments/*) is run as the scenario its header names
 * (`source`). docs/model.md "Costs" quotes its output, for the 14 captures and for them with the experiments:
 * `npx tsx scripts/refit-costs.ts test/fixtures/captures/*.jsonl test/fixtures/captures/experiments/*.jsonl`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { modelCounters, scenarioAsCaptured, serviceSample } from '../src/engine/capture/compare';
import {
  batchCostEstimate,
  COPY_DIRECTIONS,
  faultGroups,
  faultGroupStats,
  fitCopies,
  fitServiceCost,
  fitServiceTerms,
  type ServiceTerm,
  type ServiceSample,
  copySamples,
  lineNs,
  median,
  type Distribution,
} from '../src/engine/capture/fit';
import { parseCapture } from '../src/engine/capture/parse';
import type { Capture } from '../src/engine/capture/types';
import { execute } from '../src/engine/run/execute';
import { LINK_PRESETS } from '../src/engine/scenario/defaults';
import { parseScenario } from '../src/engine/scenario/index';

const args = process.argv.slice(2);
const json = args.includes('--json');
const noModel = args.includes('--no-model');
const minIdx = args.indexOf('--min-size-records');
const minSizeRecords = minIdx >= 0 ? Number(args[minIdx + 1]) : 20;
const files = args.filter((a, i) => !a.startsWith('--') && !(minIdx >= 0 && i === minIdx + 1));
const DIR = 'test/fixtures/captures';
const paths = files.length > 0 ? files : readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(DIR, f));

const captures: Array<{ name: string; capture: Capture }> = [];
for (const p of paths) {
  const r = parseCapture(readFileSync(p, 'utf8'));
  if (!r.ok) {
    console.error(`${p}: ${r.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
    process.exit(1);
  }
  captures.push({ name: basename(p, '.jsonl'), capture: r.capture });
}
const all = captures.map((c) => c.capture);

const current = LINK_PRESETS.pcie5;
const fits = COPY_DIRECTIONS.map((d) => {
  const fit = fitCopies(all, d, minSizeRecords);
  const samples = copySamples(all, d);
  const line = current[d];
  const currentAbs = samples.length > 0 ? median(samples.map((s) => Math.abs(s.ns - lineNs(line, s.bytes)))) : null;
  return { direction: d, fit, current: { latencyNs: line.latencyNs, bytesPerNs: line.bytesPerNs, medianAbsResidualNs: currentAbs } };
});

const perCapture = captures.map(({ name, capture }) => {
  const groups = faultGroups(capture);
  let modelBatches: number | null = null;
  let service: ServiceSample | null = null;
  const own = join('assets/scenarios', `${name}.yaml`);
  const yaml = existsSync(own) ? own : join('assets/scenarios', basename(capture.header.source));
  if (!noModel && groups.length > 0 && existsSync(yaml)) {
    const parsed = parseScenario(readFileSync(yaml, 'utf8'), yaml);
    if (parsed.ok) {
      const run = execute(scenarioAsCaptured(parsed.scenario, capture.header).scenario, {});
      run.seek(run.stepCount - 1);
      modelBatches = modelCounters(run).total.gpu_fault_groups;
      service = serviceSample(name, parsed.scenario, capture);
    }
  }
  const estimate = modelBatches === null ? null : batchCostEstimate(capture, modelBatches);
  return { name, stats: faultGroupStats(groups), estimate, service };
});
const allGroups = captures.flatMap(({ capture }) => faultGroups(capture));
const groupStats = faultGroupStats(allGroups);
const est = perCapture.filter((c) => c.estimate && c.estimate.perBatchNs !== null && c.estimate.batches > 0);
const pooled = est.reduce(
  (a, c) => ({ groupNs: a.groupNs + c.estimate!.groupNs, copyNs: a.copyNs + c.estimate!.copyNs, batches: a.batches + c.estimate!.batches }),
  { groupNs: 0, copyNs: 0, batches: 0 },
);
const pooledPerBatchNs = pooled.batches > 0 ? (pooled.groupNs - pooled.copyNs) / pooled.batches : null;
const serviceSamples = perCapture.flatMap((c) => (c.service ? [c.service] : []));
const serviceFit = fitServiceCost(serviceSamples);
const TERM_SETS: ServiceTerm[][] = [['batches'], ['batches', 'blocks'], ['batches', 'entries'], ['batches', 'blocks', 'entries']];
const termFits = TERM_SETS.flatMap((t) => {
  const f = fitServiceTerms(serviceSamples, t);
  return f ? [f] : [];
});

if (json) {
  console.log(JSON.stringify({ captures: captures.map((c) => c.name), minSizeRecords, copies: fits, faultGroups: groupStats, perCapture, pooledPerBatchNs, serviceFit, termFits }, null, 2));
  process.exit(0);
}

const us = (ns: number | null | undefined, digits = 2) => (ns === null || ns === undefined ? '–' : (ns / 1000).toFixed(digits));
const size = (b: number) => (b >= 1024 * 1024 && b % (1024 * 1024) === 0 ? `${b / 1024 / 1024} MiB` : `${b / 1024} KiB`);
function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}

console.log(`${captures.length} captures: ${captures.map((c) => c.name).join(', ')}\n`);
console.log('Copies, least squares time = latency + bytes / bandwidth over every record:');
console.log(
  table([
    ['direction', 'records', 'latency µs', 'GB/s', 'med |res| µs', 'med |res|/t', 'defaults', 'defaults med |res| µs'],
    ...fits.map(({ direction, fit, current: c }) => [
      direction,
      String(fit?.records ?? 0),
      us(fit?.latencyNs),
      fit ? fit.bytesPerNs.toFixed(1) : '–',
      us(fit?.medianAbsResidualNs),
      fit ? `${(fit.medianAbsRelResidual * 100).toFixed(1)}%` : '–',
      `${us(c.latencyNs)} µs + b/${c.bytesPerNs}`,
      us(c.medianAbsResidualNs),
    ]),
  ]),
);
for (const { direction, fit } of fits) {
  if (!fit || fit.bySize.length === 0) continue;
  console.log(`\n${direction}, sizes with ≥ ${minSizeRecords} records: median real vs the fitted line and the defaults (µs)`);
  console.log(
    table([
      ['size', 'records', 'real', 'fit', 'median res', 'defaults'],
      ...fit.bySize.map((r) => [size(r.bytes), String(r.records), us(r.realNs), us(r.modelNs), us(r.residualNs), us(lineNs(current[direction], r.bytes))]),
    ]),
  );
}

const dist = (x: Distribution | null, f: (n: number) => string) => (x ? `${f(x.median)} / ${f(x.p90)} / ${f(x.max)}` : '–');
const usf = (n: number) => us(n, 0);
const cnt = (n: number) => n.toFixed(0);
console.log('\nGPU fault groups (CUPTI gpu_page_fault records) per capture: median / p90 / max; "open": the time some group was');
console.log('open (groups overlap); "rest / batch": that time less its copies, over the model\'s batch count for the scenario');
console.log(
  table([
    ['capture', 'groups', 'duration µs', 'copies', 'copy time µs', 'non-copy µs', 'open ms', 'copies in it ms', 'model batches', 'rest / batch µs'],
    ...perCapture
      .filter((c) => c.stats.groups > 0)
      .map((c) => [
        c.name,
        String(c.stats.groups),
        dist(c.stats.durationNs, usf),
        dist(c.stats.copies, cnt),
        dist(c.stats.copyNs, usf),
        dist(c.stats.nonCopyNs, usf),
        c.estimate ? (c.estimate.groupNs / 1e6).toFixed(2) : '–',
        c.estimate ? (c.estimate.copyNs / 1e6).toFixed(2) : '–',
        c.estimate ? String(c.estimate.batches) : '–',
        c.estimate?.perBatchNs != null ? us(c.estimate.perBatchNs, 1) : '–',
      ]),
    ['all', String(groupStats.groups), dist(groupStats.durationNs, usf), dist(groupStats.copies, cnt), dist(groupStats.copyNs, usf), dist(groupStats.nonCopyNs, usf), (pooled.groupNs / 1e6).toFixed(2), (pooled.copyNs / 1e6).toFixed(2), String(pooled.batches), us(pooledPerBatchNs, 1)],
  ]),
);

if (serviceFit) {
  console.log('\nGPU-fault service time (groups open, less copies) against the model\'s batches and va_block services, the model');
  console.log('run as captured with faultBatchNs = 0 ("model rest": its per-block TLB invalidates, maps and unmaps):');
  console.log(`  least squares: ${us(serviceFit.perBatchNs, 1)} µs a batch + ${us(serviceFit.perBlockNs, 1)} µs a va_block; batch only: ${us(serviceFit.batchOnlyNs, 1)} µs a batch`);
  console.log(
    table([
      ['capture', 'batches', 'blocks', 'real rest ms', 'model rest ms', 'two-term fit ms', 'batch-only fit ms'],
      ...serviceFit.rows.map((r) => {
        const sm = perCapture.find((c) => c.name === r.name)!.service!;
        return [r.name, String(sm.batches), String(sm.blocks), (r.restNs / 1e6).toFixed(2), (sm.modelNs / 1e6).toFixed(2), (r.twoNs / 1e6).toFixed(2), (r.oneNs / 1e6).toFixed(2)];
      }),
    ]),
  );
}

if (termFits.length > 0) {
  console.log('\nCandidate service-cost models, least squares of the same service time (no intercept); per capture, the fit\'s');
  console.log('prediction less the real time, over the real time ("total": the sum of |fit − real| over the sum of real):');
  const label = (f: (typeof termFits)[number]) => f.terms.map((t, i) => `${us(f.coefficients[i], 2)} µs/${t === 'batches' ? 'batch' : t === 'blocks' ? 'block' : 'entry'}`).join(' + ');
  termFits.forEach((f, i) => console.log(`  (${i + 1}) ${label(f)}`));
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
  console.log(
    table([
      ['capture', 'entries', ...termFits.map((_, i) => `(${i + 1})`)],
      ...serviceSamples
        .filter((s) => s.batches > 0)
        .map((s) => [s.name, String(s.entries), ...termFits.map((f) => pct(f.rows.find((r) => r.name === s.name)!.relResidual))]),
      ['total |res|', '', ...termFits.map((f) => `${(f.totalAbsRel * 100).toFixed(0)}%`)],
      ['worst', '', ...termFits.map((f) => `${(f.worstRel * 100).toFixed(0)}%`)],
    ]),
  );
}

// The fault window against grid-stride captures: the model's batches and HtoD copies for other window sizes (the
// window stands for that kernel shape), next to the capture's fault groups and HtoD copies.
const strided = noModel ? [] : perCapture.filter((c) => /--grid-stride \d+ \d+/.test(captures.find((x) => x.name === c.name)!.capture.header.command));
if (strided.length > 0) {
  const WINDOWS = [16, 32, 64, 128, 256];
  const rows: string[][] = [['capture', 'groups', 'HtoD copies', 'kernels ms', ...WINDOWS.map((w) => `window ${w}: batches / copies / ms`), 'the grid\'s span: window / batches / copies / ms']];
  for (const c of strided) {
    const capture = captures.find((x) => x.name === c.name)!.capture;
    const yaml = join('assets/scenarios', basename(capture.header.source));
    const parsed = parseScenario(readFileSync(yaml, 'utf8'), yaml);
    if (!parsed.ok) continue;
    const asCaptured = scenarioAsCaptured(parsed.scenario, capture.header).scenario;
    const kernels = capture.steps.filter((st) => st.op === 'gpu.kernel' && !st.skipped);
    const htod = capture.records.filter((r) => r.kind === 'htod' && kernels.some((k) => r.start >= k.start && r.start < k.end)).length;
    const kernelNs = kernels.reduce((t, k) => t + (k.end - k.start), 0);
    // the pages one turn of the loop covers: every thread reads one 4-byte element
    const [, gridBlocks, gridThreads] = /--grid-stride (\d+) (\d+)/.exec(capture.header.command)!;
    const span = Math.ceil((Number(gridBlocks) * Number(gridThreads) * 4) / 4096);
    const cells = [...WINDOWS, span].map((w) => {
      const run = execute({ ...asCaptured, steps: asCaptured.steps.map((st) => (st.op === 'gpu.kernel' ? { ...st, faultWindowPages: w } : st)) }, {});
      run.seek(run.stepCount - 1);
      const steps = modelCounters(run).steps.filter((_, i) => asCaptured.steps[i].op === 'gpu.kernel');
      const batches = steps.reduce((t, s) => t + s.gpu_fault_groups, 0);
      const copies = steps.reduce((t, s) => t + Object.values(s.htod_transfers).reduce((a, b) => a + b, 0), 0);
      const ns = steps.reduce((t, s) => t + s.time_ns, 0);
      return `${w === span ? `${w} / ` : ''}${batches} / ${copies} / ${(ns / 1e6).toFixed(1)}`;
    });
    rows.push([c.name, String(c.stats.groups), String(htod), (kernelNs / 1e6).toFixed(2), ...cells]);
  }
  console.log('\nGrid-stride captures against the fault window of other sizes: the capture\'s fault groups, HtoD copies and time in');
  console.log('its kernels, and the model\'s batches, HtoD copies and simulated time in the same kernels (default costs):');
  console.log(table(rows));
}
